//go:build unix && !linux

package ratelimit

import "golang.org/x/sys/unix"

// bootClock returns nanoseconds of CLOCK_MONOTONIC, which counts from
// boot on macOS and the BSDs: a clock every process of the machine shares
// that setting the time of day does not move.
func bootClock() (int64, error) {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		return 0, err
	}
	return ts.Nano(), nil
}
