package client

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

const (
	// backoffBase is the first retry's nominal delay; it doubles per retry.
	backoffBase = time.Second
	// backoffCap bounds one computed delay.
	backoffCap = 30 * time.Second
	// maxRetryAfter bounds how long a Retry-After is honored; a longer
	// request ends the retries with KindRateLimited.
	maxRetryAfter = 5 * time.Minute
)

// backoff returns the delay before retry number retry (1 for the first):
// exponential with equal jitter, so concurrent callers spread out.
func backoff(retry int) time.Duration {
	d := backoffBase
	for i := 1; i < retry && d < backoffCap; i++ {
		d *= 2
	}
	d = min(d, backoffCap)
	half := d / 2
	return half + rand.N(half+1)
}

// backoff429 returns the delay before the retry after the n-th 429 (1 for
// the first): exponential from an eighth of the rate window up to a whole
// window, with equal jitter, so that the retries of many processes spread
// over the window instead of landing together.
func backoff429(n int, window time.Duration) time.Duration {
	d := window / 8
	for i := 1; i < n && d < window; i++ {
		d *= 2
	}
	d = min(d, window)
	half := d / 2
	return half + rand.N(half+1)
}

// parseRetryAfter reads a Retry-After header given in seconds or as an
// HTTP date. It returns 0 when the header is absent or unreadable.
func parseRetryAfter(value string, now time.Time) time.Duration {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(value, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		// Cap before converting so a huge value cannot overflow.
		return time.Duration(min(secs, int64(24*time.Hour/time.Second))) * time.Second
	}
	if at, err := http.ParseTime(value); err == nil {
		if d := at.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}
