package ratelimit

import (
	"syscall"
	"time"
)

var getTickCount64 = syscall.NewLazyDLL("kernel32.dll").NewProc("GetTickCount64")

// bootClock returns nanoseconds since the machine booted (GetTickCount64,
// milliseconds): a clock every process of the machine shares that setting
// the time of day does not move.
func bootClock() (int64, error) {
	ms, _, _ := getTickCount64.Call()
	return int64(ms) * int64(time.Millisecond), nil
}
