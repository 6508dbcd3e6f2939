package mock

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/synctest"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

func TestRateLimitSlidingWindow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Options{RateLimit: 2, Window: 300 * time.Millisecond})
		defer closeServer(t, s)
		accept := func(what string) {
			t.Helper()
			if w := send(t, s, orderShipped()); w.Code != http.StatusCreated {
				t.Fatalf("%s: status %d, body %s", what, w.Code, w.Body)
			}
		}
		limited := func(what, retryAfter string) {
			t.Helper()
			w := send(t, s, orderShipped())
			wantFailure(t, w, http.StatusTooManyRequests, MsgRateLimited)
			if got := w.Header().Get("Retry-After"); got != retryAfter {
				t.Fatalf("%s: Retry-After = %q, want %q", what, got, retryAfter)
			}
		}

		accept("t=0 first")
		time.Sleep(200 * time.Millisecond)
		accept("t=200ms second")
		limited("t=200ms third", "1")
		time.Sleep(100 * time.Millisecond)
		// The t=0 arrival has left the window (0, 300ms].
		accept("t=300ms")
		time.Sleep(50 * time.Millisecond)
		// A fixed window starting at 300ms would admit this; (50ms, 350ms]
		// already holds the arrivals at 200ms and 300ms.
		limited("t=350ms", "1")
		time.Sleep(150 * time.Millisecond)
		accept("t=500ms")

		if got := s.Count429ByLimit(); got != 2 {
			t.Errorf("Count429ByLimit() = %d, want 2", got)
		}
		if got := s.SentCount(); got != 4 {
			t.Errorf("SentCount() = %d, want 4", got)
		}
		for _, r := range s.Requests() {
			if r.RateLimited != (r.Status == http.StatusTooManyRequests) || (r.RateLimited && r.Sent) {
				t.Errorf("request %d: status %d, rate limited %v, sent %v", r.N, r.Status, r.RateLimited, r.Sent)
			}
		}
	})
}

func TestRateLimitIgnoresRefusedRequests(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Options{RateLimit: 2, Window: 300 * time.Millisecond})
		defer closeServer(t, s)
		send(t, s, orderShipped())
		send(t, s, orderShipped())
		for range 5 {
			time.Sleep(50 * time.Millisecond)
			if w := send(t, s, orderShipped()); w.Code != http.StatusTooManyRequests {
				t.Fatalf("status %d inside a full window", w.Code)
			}
		}
		time.Sleep(50 * time.Millisecond)
		// Had the refused requests counted, the window would still be full.
		if w := send(t, s, orderShipped()); w.Code != http.StatusCreated {
			t.Fatalf("status %d after the window moved on; refused requests took room", w.Code)
		}
		if got := s.Count429ByLimit(); got != 5 {
			t.Errorf("Count429ByLimit() = %d, want 5", got)
		}
	})
}

func TestRateLimitCountsRejectedSends(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Options{RateLimit: 1, Window: time.Minute})
		defer closeServer(t, s)
		m := orderShipped()
		m.PhoneNumber = "0"
		wantFailure(t, send(t, s, m), http.StatusBadRequest, MsgInvalidPhone)
		w := send(t, s, orderShipped())
		wantFailure(t, w, http.StatusTooManyRequests, MsgRateLimited)
		if got := w.Header().Get("Retry-After"); got != "60" {
			t.Errorf("Retry-After = %q, want 60", got)
		}
	})
}

func TestRateLimitRetryAfterRoundsUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Options{RateLimit: 1, Window: 2500 * time.Millisecond})
		defer closeServer(t, s)
		send(t, s, orderShipped())
		time.Sleep(400 * time.Millisecond)
		w := send(t, s, orderShipped())
		// 2.1 s remain.
		if got := w.Header().Get("Retry-After"); got != "3" {
			t.Errorf("Retry-After = %q, want 3", got)
		}
	})
}

// With NoRetryAfter, a rate limit 429 says nothing of when to retry, as
// Interakt's do, on sends and listings alike.
func TestRateLimitNoRetryAfter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Options{RateLimit: 1, Window: time.Second, NoRetryAfter: true})
		defer closeServer(t, s)
		send(t, s, orderShipped())
		w := send(t, s, orderShipped())
		wantFailure(t, w, http.StatusTooManyRequests, MsgRateLimited)
		list := httptest.NewRequest(http.MethodGet, wire.TemplatesPath, nil)
		list.Header.Set("Authorization", testAuth)
		lw := serve(s, list)
		wantFailure(t, lw, http.StatusTooManyRequests, MsgRateLimited)
		for _, got := range []string{w.Header().Get("Retry-After"), lw.Header().Get("Retry-After")} {
			if got != "" {
				t.Errorf("Retry-After = %q, want none", got)
			}
		}
		if got := s.Count429ByLimit(); got != 2 {
			t.Errorf("Count429ByLimit() = %d, want 2", got)
		}
	})
}

func TestRateLimitSharedWithTemplateListing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Options{RateLimit: 1, Window: time.Second})
		defer closeServer(t, s)
		send(t, s, orderShipped())
		list := httptest.NewRequest(http.MethodGet, wire.TemplatesPath, nil)
		list.Header.Set("Authorization", testAuth)
		w := serve(s, list)
		wantFailure(t, w, http.StatusTooManyRequests, MsgRateLimited)
		if got := s.Count429ByLimit(); got != 1 {
			t.Errorf("Count429ByLimit() = %d, want 1", got)
		}
	})
}

func TestRateLimitUnauthorizedNotCounted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Options{RateLimit: 1, Window: time.Minute})
		defer closeServer(t, s)
		for range 3 {
			r := newSendRequest(encode(t, orderShipped()))
			r.Header.Del("Authorization")
			serve(s, r)
		}
		if w := send(t, s, orderShipped()); w.Code != http.StatusCreated {
			t.Errorf("status %d after unauthorized requests", w.Code)
		}
	})
}

func TestRateLimitUnlimited(t *testing.T) {
	s := New(Options{RateLimit: -1})
	for i := range 100 {
		if w := send(t, s, orderShipped()); w.Code != http.StatusCreated {
			t.Fatalf("send %d: status %d", i+1, w.Code)
		}
	}
}

func TestSlidingWindowLateArrival(t *testing.T) {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(seconds int) time.Time { return base.Add(time.Duration(seconds) * time.Second) }
	w := newSlidingWindow(2, 10*time.Second)
	for _, s := range []int{5, 6} {
		if ok, _ := w.admit(at(s)); !ok {
			t.Fatalf("arrival at %ds refused", s)
		}
	}
	// Held since 0s: the window (−4s, 6s] would hold three arrivals.
	if ok, wait := w.admit(at(0)); ok || wait != 10*time.Second {
		t.Errorf("late arrival at 0s: admitted %v, wait %v", ok, wait)
	}
	// Held since −5s: (−15s, −5s] is empty, and no later window holds both.
	if ok, _ := w.admit(at(-5)); !ok {
		t.Error("late arrival at −5s refused")
	}
	if ok, _ := w.admit(at(7)); ok {
		t.Error("arrival at 7s admitted with 5s and 6s in the window")
	}
	if ok, _ := w.admit(at(16)); !ok {
		t.Error("arrival at 16s refused; 5s and 6s have left the window")
	}
}

// closeServer closes s and fails the test on error.
func closeServer(t testing.TB, s *Server) {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}
