package ratelimit

import (
	"context"
	"errors"
	"sort"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

func mustNew(t testing.TB, limit int, window time.Duration) *Limiter {
	t.Helper()
	l, err := New(limit, window)
	if err != nil {
		t.Fatalf("New(%d, %v): %v", limit, window, err)
	}
	return l
}

func TestNewValidates(t *testing.T) {
	if _, err := New(0, time.Second); err == nil {
		t.Error("New(0, 1s) succeeded, want an error")
	}
	if _, err := New(1, -time.Second); err == nil {
		t.Error("New(1, -1s) succeeded, want an error")
	}
	l := mustNew(t, 3, 0)
	if l.Window() != DefaultWindow || l.Limit() != 3 {
		t.Errorf("New(3, 0) = limit %d window %v, want 3 and %v", l.Limit(), l.Window(), DefaultWindow)
	}
}

type interval struct{ acquired, released time.Time }

// runWorkers makes 100 calls from 10 goroutines at 40 per minute, each
// response arriving latency(worker) after its slot was acquired, and returns
// the recorded acquisition and release times.
func runWorkers(t *testing.T, latency func(worker int) time.Duration) []interval {
	t.Helper()
	const (
		workers = 10
		calls   = 100
	)
	l := mustNew(t, 40, time.Minute)
	var (
		mu   sync.Mutex
		seen []interval
		wg   sync.WaitGroup
	)
	for w := range workers {
		wg.Go(func() {
			for range calls / workers {
				slot, err := l.Acquire(t.Context())
				if err != nil {
					t.Errorf("worker %d: Acquire: %v", w, err)
					return
				}
				acquired := time.Now()
				time.Sleep(latency(w))
				slot.Release()
				mu.Lock()
				seen = append(seen, interval{acquired, time.Now()})
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != calls {
		t.Fatalf("recorded %d calls, want %d", len(seen), calls)
	}
	return seen
}

// TestBurstsPerWindow checks that with instant responses the 100 calls go
// in bursts of 40, 40 and 20 at 0, 60 and 120 seconds.
func TestBurstsPerWindow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const limit, window = 40, time.Minute
		start := time.Now()
		seen := runWorkers(t, func(int) time.Duration { return 0 })
		bursts := map[time.Duration]int{}
		for _, iv := range seen {
			bursts[iv.acquired.Sub(start)]++
		}
		want := map[time.Duration]int{0: 40, window: 40, 2 * window: 20}
		if len(bursts) != len(want) {
			t.Errorf("acquisitions at %v, want %v", bursts, want)
		}
		for at, n := range want {
			if bursts[at] != n {
				t.Errorf("%d acquisitions at %v, want %d (all: %v)", bursts[at], at, n, bursts)
			}
		}
		checkWindowInvariant(t, seen, limit, window)
	})
}

// TestWindowInvariantWithJitter gives each worker a different response
// latency; no window ever holds more than the limit.
func TestWindowInvariantWithJitter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		seen := runWorkers(t, func(w int) time.Duration {
			return time.Duration(w*w) * 137 * time.Millisecond
		})
		checkWindowInvariant(t, seen, 40, time.Minute)
	})
}

// checkWindowInvariant verifies that no acquisition happened while limit
// other slots occupied the window: a slot occupies [acquired, released+window).
// It also checks the server's view: at most limit releases (arrivals) in any
// window.
func checkWindowInvariant(t *testing.T, seen []interval, limit int, window time.Duration) {
	t.Helper()
	for i, a := range seen {
		occupied := 0
		for j, b := range seen {
			if i != j && !a.acquired.Before(b.acquired) && a.acquired.Before(b.released.Add(window)) {
				occupied++
			}
		}
		if occupied >= limit {
			t.Errorf("slot %d acquired at %v while %d slots occupied the window", i, a.acquired, occupied)
		}
	}
	arrivals := make([]time.Time, len(seen))
	for i, iv := range seen {
		arrivals[i] = iv.released
	}
	sort.Slice(arrivals, func(i, j int) bool { return arrivals[i].Before(arrivals[j]) })
	for i := range arrivals {
		n := 0
		for j := i; j < len(arrivals) && arrivals[j].Sub(arrivals[i]) < window; j++ {
			n++
		}
		if n > limit {
			t.Errorf("%d arrivals in the window starting at %v, limit %d", n, arrivals[i], limit)
		}
	}
}

func TestCancelWhileWaiting(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := mustNew(t, 1, time.Minute)
		held, err := l.Acquire(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		start := time.Now()
		go func() {
			slot, err := l.Acquire(ctx)
			if err == nil {
				slot.Release()
			}
			done <- err
		}()
		time.Sleep(5 * time.Second)
		synctest.Wait()
		select {
		case err := <-done:
			t.Fatalf("Acquire returned %v while the only slot was held", err)
		default:
		}
		cancel()
		err = <-done
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Acquire after cancel = %v, want context.Canceled", err)
		}
		if waited := time.Since(start); waited != 5*time.Second {
			t.Errorf("canceled Acquire returned after %v of fake time, want 5s", waited)
		}
		l.mu.Lock()
		unreleased, stamps := l.unreleased, len(l.released)
		l.mu.Unlock()
		if unreleased != 1 || stamps != 0 {
			t.Errorf("after cancel: %d unreleased, %d released; want only the held slot", unreleased, stamps)
		}
		held.Release()
	})
}

func TestCanceledContextReservesNothing(t *testing.T) {
	l := mustNew(t, 1, time.Minute)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := l.Acquire(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Acquire on a canceled context = %v, want context.Canceled", err)
	}
	slot, err := l.Acquire(t.Context())
	if err != nil {
		t.Fatalf("Acquire after a canceled attempt: %v", err)
	}
	slot.Release()
}

// TestSlotCountsFromRelease checks that a slot leaves the window one window
// after its release, not after its acquisition, and that waiters report how
// long they waited.
func TestSlotCountsFromRelease(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const window = 10 * time.Second
		l := mustNew(t, 1, window)
		start := time.Now()
		slot, err := l.Acquire(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		// The response takes 3 s to arrive.
		time.AfterFunc(3*time.Second, slot.Release)
		next, err := l.Acquire(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		defer next.Release()
		if got := time.Since(start); got != 3*time.Second+window {
			t.Errorf("second slot acquired after %v, want %v (release + window)", got, 3*time.Second+window)
		}
		if next.Waited() != 3*time.Second+window {
			t.Errorf("Waited() = %v, want %v", next.Waited(), 3*time.Second+window)
		}
	})
}

func TestCancelReturnsSlotUnused(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := mustNew(t, 1, time.Minute)
		start := time.Now()
		slot, err := l.Acquire(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		slot.Cancel()
		slot.Release() // Ignored: the slot already ended.
		next, err := l.Acquire(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		next.Release()
		if got := time.Since(start); got != 0 {
			t.Errorf("slot after a canceled one acquired after %v, want at once", got)
		}
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.unreleased != 0 || len(l.released) != 1 {
			t.Errorf("%d unreleased, %d released; want 0 and 1", l.unreleased, len(l.released))
		}
	})
}

func TestZeroSlot(t *testing.T) {
	var s Slot
	s.Release()
	s.Cancel()
	if s.Waited() != 0 {
		t.Errorf("zero Slot waited %v", s.Waited())
	}
}

func BenchmarkAcquireRelease(b *testing.B) {
	l := mustNew(b, 1<<30, time.Millisecond)
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		slot, err := l.Acquire(ctx)
		if err != nil {
			b.Fatal(err)
		}
		slot.Release()
	}
}

func BenchmarkAcquireReleaseParallel10(b *testing.B) {
	l := mustNew(b, 1<<30, time.Millisecond)
	ctx := b.Context()
	b.ReportAllocs()
	b.SetParallelism(10)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			slot, err := l.Acquire(ctx)
			if err != nil {
				b.Error(err)
				return
			}
			slot.Release()
		}
	})
}
