package ratelimit

import "golang.org/x/sys/unix"

// bootClock returns nanoseconds since the machine booted, counting
// suspend (CLOCK_BOOTTIME): a clock every process of the machine shares
// that setting the time of day does not move.
func bootClock() (int64, error) {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_BOOTTIME, &ts); err != nil {
		return 0, err
	}
	return ts.Nano(), nil
}
