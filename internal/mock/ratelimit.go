package mock

import (
	"slices"
	"sync"
	"time"
)

// slidingWindow admits at most limit arrivals in any interval of length
// window. Arrival times are those at which requests reached the handler, so a
// request held by a test is judged by when it arrived, even if requests that
// arrived after it were judged first.
type slidingWindow struct {
	mu     sync.Mutex
	limit  int
	window time.Duration
	times  []time.Time // Admitted arrivals, sorted.
}

func newSlidingWindow(limit int, window time.Duration) *slidingWindow {
	return &slidingWindow{limit: limit, window: window}
}

// admit records an arrival at t and reports true, or reports false and how
// long until an arrival would be admitted. A negative limit admits everything.
func (w *slidingWindow) admit(t time.Time) (bool, time.Duration) {
	if w.limit < 0 {
		return true, 0
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.prune(t)

	// The window ending at t must have room for t itself.
	inWindow := w.countIn(t.Add(-w.window), t)
	if inWindow >= w.limit {
		first := w.times[w.firstAfter(t.Add(-w.window))]
		return false, first.Add(w.window).Sub(t)
	}
	// An arrival judged late (held) also falls in windows that end at later
	// admitted arrivals; each of those must have room too.
	for i := w.firstAfter(t); i < len(w.times) && w.times[i].Sub(t) < w.window; i++ {
		end := w.times[i]
		if w.countIn(end.Add(-w.window), end) >= w.limit {
			return false, w.window
		}
	}
	i := w.firstAfter(t)
	w.times = slices.Insert(w.times, i, t)
	return true, 0
}

// countIn returns the admitted arrivals in (from, to].
func (w *slidingWindow) countIn(from, to time.Time) int {
	return w.firstAfter(to) - w.firstAfter(from)
}

// firstAfter returns the index of the first admitted arrival after t.
func (w *slidingWindow) firstAfter(t time.Time) int {
	i, _ := slices.BinarySearchFunc(w.times, t, func(a, b time.Time) int {
		if a.After(b) {
			return 1
		}
		return -1
	})
	return i
}

// prune drops arrivals too old to matter for any arrival judged from now on.
// Two windows of slack keep room for held requests judged late.
func (w *slidingWindow) prune(now time.Time) {
	cut := w.firstAfter(now.Add(-2 * w.window))
	if cut > 0 {
		w.times = slices.Delete(w.times, 0, cut)
	}
}
