// Package ratelimit enforces "at most N requests in any window W" against
// an API that counts the requests arriving in a sliding window and rejects
// (and ignores) every request past N.
//
// Each request holds a slot. A slot is taken by Acquire before the request
// is sent and occupies the window from then on; Release, called when the
// response arrives, stamps it with the arrival time, and the slot leaves the
// window W after that stamp. Since the server received the request before
// its response arrived, the server's count of arrivals in any window of
// length W never exceeds N, whatever the latency. A burst of N goes at once;
// the N+1st waits until the first released slot leaves the window.
//
// A smooth token bucket (one request every W/N) would serialize a burst the
// server allows, and a burst+refill bucket (N tokens, refilled at N/W) lets
// more than N requests arrive in one window, because tokens refilled during
// the first burst are spent again before that burst has left the server's
// window. Neither measures time from arrival, so latency jitter can push
// N+1 arrivals into one window; this limiter cannot.
package ratelimit

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultWindow is the window used when New is given zero.
const DefaultWindow = time.Minute

// Limiter admits at most limit slots in any window of length window. It is
// safe for concurrent use; one Limiter is shared by all callers that count
// against the same server-side limit.
type Limiter struct {
	limit  int
	window time.Duration

	mu sync.Mutex
	// unreleased counts slots acquired and not yet released or canceled;
	// they occupy the window until released.
	unreleased int
	// released holds the release stamps of slots still in the window, in
	// ascending order (stamps are taken under mu from a monotonic clock).
	released []time.Time
	// wake is closed, and cleared, when a slot is released or canceled, so
	// waiters recompute when the next slot frees up. It is nil while nobody
	// waits, which keeps the uncontended path free of allocations.
	wake chan struct{}
	// fullUntil, when later than now, admits nobody: the server refused a
	// request for its rate limit (Full).
	fullUntil time.Time
}

// New returns a Limiter admitting at most limit requests in any window of
// length window (DefaultWindow when zero).
func New(limit int, window time.Duration) (*Limiter, error) {
	if limit < 1 {
		return nil, errors.New("ratelimit: limit must be at least 1")
	}
	if window < 0 {
		return nil, errors.New("ratelimit: window must not be negative")
	}
	if window == 0 {
		window = DefaultWindow
	}
	return &Limiter{limit: limit, window: window}, nil
}

// Limit returns the number of slots allowed in one window.
func (l *Limiter) Limit() int { return l.limit }

// Window returns the length of the sliding window.
func (l *Limiter) Window() time.Duration { return l.window }

// Where says where the budget lives: in this process alone.
func (l *Limiter) Where() string { return "this process" }

// Acquire reserves a slot, waiting until one is free. It returns ctx.Err()
// as soon as ctx is done, reserving nothing. The caller must Release (or
// Cancel) the slot; an unreleased slot occupies the window indefinitely.
func (l *Limiter) Acquire(ctx context.Context) (Slot, error) {
	if err := ctx.Err(); err != nil {
		return Slot{}, err
	}
	var (
		start time.Time
		timer *time.Timer
	)
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	l.mu.Lock()
	for {
		now := time.Now()
		if start.IsZero() {
			start = now
		}
		l.expire(now)
		blocked := now.Before(l.fullUntil)
		if !blocked && l.unreleased+len(l.released) < l.limit {
			l.unreleased++
			l.mu.Unlock()
			return Slot{state: &slotState{owner: l}, waited: now.Sub(start)}, nil
		}
		// Full: wait for the oldest released slot to leave the window, or
		// for a release when every slot is still unreleased.
		var expiry <-chan time.Time
		if blocked || len(l.released) > 0 {
			var d time.Duration
			if blocked {
				d = l.fullUntil.Sub(now)
			} else {
				d = l.released[0].Add(l.window).Sub(now)
			}
			if timer == nil {
				timer = time.NewTimer(d)
			} else {
				timer.Reset(d)
			}
			expiry = timer.C
		}
		if l.wake == nil {
			l.wake = make(chan struct{})
		}
		wake := l.wake
		l.mu.Unlock()
		select {
		case <-ctx.Done():
			return Slot{}, ctx.Err()
		case <-wake:
		case <-expiry:
		}
		l.mu.Lock()
	}
}

// expire drops release stamps that have left the window. Callers hold mu.
func (l *Limiter) expire(now time.Time) {
	n := 0
	for n < len(l.released) && !now.Before(l.released[n].Add(l.window)) {
		n++
	}
	if n == 0 {
		return
	}
	if n == len(l.released) {
		l.released = l.released[:0]
		return
	}
	l.released = l.released[n:]
}

// Full records that the server refused a request for its rate limit: its
// window is full, so no slot is granted for after (a whole window when
// after is zero, as when the server gives no Retry-After).
func (l *Limiter) Full(_ context.Context, after time.Duration) error {
	if after <= 0 {
		after = l.window
	}
	l.mu.Lock()
	if until := time.Now().Add(after); until.After(l.fullUntil) {
		l.fullUntil = until
	}
	l.mu.Unlock()
	return nil
}

// finishSlot ends a slot: stamped with the release time, or dropped when
// the request never reached the server. Either way waiters are woken.
func (l *Limiter) finishSlot(stamp bool) {
	l.mu.Lock()
	l.unreleased--
	if stamp {
		l.released = append(l.released, time.Now())
	}
	if l.wake != nil {
		close(l.wake)
		l.wake = nil
	}
	l.mu.Unlock()
}

// Slot is one reserved request. Its zero value is valid and does nothing.
type Slot struct {
	state  *slotState
	waited time.Duration
}

// slotOwner ends the slots a budget grants.
type slotOwner interface {
	// finishSlot stamps the slot when stamp is set (its answer arrived
	// now), else returns it unused. It is called once per slot.
	finishSlot(stamp bool)
}

type slotState struct {
	owner slotOwner
	done  atomic.Bool
}

// NewSlot returns a slot that owner ends, for budgets outside this
// package; waited is how long its Acquire waited.
func NewSlot(owner func(stamp bool), waited time.Duration) Slot {
	return Slot{state: &slotState{owner: slotFunc(owner)}, waited: waited}
}

// slotFunc is a SlotOwner made of a function.
type slotFunc func(stamp bool)

func (f slotFunc) finishSlot(stamp bool) { f(stamp) }

// Waited returns how long Acquire waited for this slot.
func (s Slot) Waited() time.Duration { return s.waited }

// Release stamps the slot with the current time, which must be when the
// response (or the error ending the request) arrived; the slot leaves the
// window one window after that. Only the first Release or Cancel counts.
func (s Slot) Release() {
	if s.state != nil && s.state.done.CompareAndSwap(false, true) {
		s.state.owner.finishSlot(true)
	}
}

// Cancel returns the slot unused. Call it only when the request certainly
// never reached the server (no connection was made), since the server then
// has nothing to count. Only the first Release or Cancel counts.
func (s Slot) Cancel() {
	if s.state != nil && s.state.done.CompareAndSwap(false, true) {
		s.state.owner.finishSlot(false)
	}
}
