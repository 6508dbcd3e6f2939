package client

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/ratelimit"
)

func TestRetryAfterSecondsThenSuccess(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &server{respond: func(n int, w http.ResponseWriter, _ *http.Request) {
			if n == 1 {
				w.Header().Set("Retry-After", "2")
				writeJSON(w, http.StatusTooManyRequests, `{"result":false,"message":"Rate limit exceeded for this resource"}`)
				return
			}
			created(w, "after-429")
		}}
		hc, _ := startMem(t, s, 0)
		c := newTestClient(t, memBase, hc, Config{MaxRetries: 3})
		start := time.Now()
		id, err := c.SendTemplate(t.Context(), minimalMessage())
		if err != nil || id != "after-429" {
			t.Fatalf("SendTemplate = %q, %v; want after-429", id, err)
		}
		if waited := time.Since(start); waited != 2*time.Second {
			t.Errorf("waited %v of fake time, want exactly 2s", waited)
		}
		if n := s.count(); n != 2 {
			t.Errorf("server saw %d requests, want 2", n)
		}
	})
}

func TestRetryAfterHTTPDate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &server{respond: func(n int, w http.ResponseWriter, _ *http.Request) {
			if n == 1 {
				w.Header().Set("Retry-After", time.Now().Add(5*time.Second).UTC().Format(http.TimeFormat))
				writeJSON(w, http.StatusTooManyRequests, `{}`)
				return
			}
			created(w, "later")
		}}
		hc, _ := startMem(t, s, 0)
		c := newTestClient(t, memBase, hc, Config{MaxRetries: 1})
		start := time.Now()
		if _, err := c.SendTemplate(t.Context(), minimalMessage()); err != nil {
			t.Fatal(err)
		}
		if waited := time.Since(start); waited != 5*time.Second {
			t.Errorf("waited %v of fake time, want 5s", waited)
		}
	})
}

// TestRateLimitedAfterRetries: a 429 without Retry-After marks the window
// full, and is retried past max_retries until the retries have spanned
// three windows: 1 + 3 requests, one a window apart, before it fails.
func TestRateLimitedAfterRetries(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &server{respond: func(_ int, w http.ResponseWriter, _ *http.Request) {
			writeJSON(w, http.StatusTooManyRequests, `{"result":false,"message":"Rate limit exceeded for this resource"}`)
		}}
		hc, _ := startMem(t, s, 0)
		c := newTestClient(t, memBase, hc, Config{MaxRetries: 2, RateWindow: 10 * time.Second})
		start := time.Now()
		_, err := c.SendTemplate(t.Context(), minimalMessage())
		if KindOf(err) != KindRateLimited {
			t.Fatalf("error = %v, want rate limited", err)
		}
		if n := s.count(); n != 4 {
			t.Errorf("server saw %d requests, want 4 (one per window until three windows passed)", n)
		}
		if waited := time.Since(start); waited != 30*time.Second {
			t.Errorf("retried for %v in total, want 30s (three 10s windows, each marked full by a 429)", waited)
		}
	})
}

// TestRateLimitedNoRetries: max_retries 0 retries nothing, not even a 429.
func TestRateLimitedNoRetries(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &server{respond: func(_ int, w http.ResponseWriter, _ *http.Request) {
			writeJSON(w, http.StatusTooManyRequests, `{}`)
		}}
		hc, _ := startMem(t, s, 0)
		c := newTestClient(t, memBase, hc, Config{MaxRetries: 0})
		if _, err := c.SendTemplate(t.Context(), minimalMessage()); KindOf(err) != KindRateLimited {
			t.Fatalf("error = %v, want rate limited", err)
		}
		if n := s.count(); n != 1 {
			t.Errorf("server saw %d requests, want 1", n)
		}
	})
}

// TestRateLimitedMarksBudgetFull: a 429 (here without Retry-After, as
// Interakt answers) marks the shared budget full for a window, so another
// client of the budget waits too, and the send succeeds once the window
// has passed.
func TestRateLimitedMarksBudgetFull(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &server{respond: func(n int, w http.ResponseWriter, _ *http.Request) {
			if n == 1 {
				writeJSON(w, http.StatusTooManyRequests, `{}`)
				return
			}
			created(w, "sent")
		}}
		hc, _ := startMem(t, s, 0)
		budget, err := ratelimit.New(40, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		c := newTestClient(t, memBase, hc, Config{MaxRetries: 3, Budget: budget})
		start := time.Now()
		if _, err := c.SendTemplate(t.Context(), minimalMessage()); err != nil {
			t.Fatal(err)
		}
		if waited := time.Since(start); waited != 10*time.Second {
			t.Errorf("sent after %v, want 10s: the window a 429 marks full", waited)
		}
		other := newTestClient(t, memBase, hc, Config{Budget: budget})
		if err := budget.Full(t.Context(), 0); err != nil {
			t.Fatal(err)
		}
		start = time.Now()
		if _, err := other.SendTemplate(t.Context(), minimalMessage()); err != nil {
			t.Fatal(err)
		}
		if waited := time.Since(start); waited != 10*time.Second {
			t.Errorf("another client of the budget sent after %v, want 10s", waited)
		}
	})
}

// TestUnreachableBudgetSendsNothing: when the receiver keeping the budget
// cannot be reached, the send fails as unsent, says why, and the API sees
// nothing.
func TestUnreachableBudgetSendsNothing(t *testing.T) {
	s := &server{respond: func(_ int, w http.ResponseWriter, _ *http.Request) { created(w, "sent") }}
	api := startHTTP(t, s)
	closed := httptest.NewServer(http.NotFoundHandler())
	receiverURL := closed.URL
	closed.Close()
	budget := NewReceiverBudget(receiverURL, "token", nil, nil, ratelimit.KeyID(testKey, api.URL), 40, time.Minute, time.Minute)
	c := newTestClient(t, api.URL, nil, Config{Budget: budget, MaxRetries: 3})
	_, err := c.SendTemplate(t.Context(), minimalMessage())
	if KindOf(err) != KindUnsent || !strings.Contains(err.Error(), "rate budget") || !strings.Contains(err.Error(), "nothing was sent") {
		t.Fatalf("error = %v, want unsent, naming the rate budget and saying nothing was sent", err)
	}
	if n := s.count(); n != 0 {
		t.Errorf("the API saw %d requests, want none", n)
	}
}

func TestDialFailureRetriedThenUnsent(t *testing.T) {
	// A port nobody listens on: take one, then close it.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	synctest.Test(t, func(t *testing.T) {
		dials := 0
		dialer := &net.Dialer{}
		transport := &http.Transport{DialContext: func(ctx context.Context, network, address string) (net.Conn, error) {
			dials++
			return dialer.DialContext(ctx, network, address)
		}}
		defer transport.CloseIdleConnections()
		c := newTestClient(t, "http://"+addr, &http.Client{Transport: transport}, Config{MaxRetries: 3})
		_, err := c.SendTemplate(t.Context(), minimalMessage())
		if KindOf(err) != KindUnsent || !IsCertain(err) {
			t.Fatalf("error = %v, want unsent", err)
		}
		if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("error %v does not wrap ECONNREFUSED", err)
		}
		if dials != 4 {
			t.Errorf("dialed %d times, want 4 (1 + 3 retries)", dials)
		}
	})
}

func TestDialFailureThenSuccess(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &server{respond: func(_ int, w http.ResponseWriter, _ *http.Request) { created(w, "second-dial") }}
		hc, network := startMem(t, s, 2)
		c := newTestClient(t, memBase, hc, Config{MaxRetries: 3, RateLimitPerMinute: 1})
		id, err := c.SendTemplate(t.Context(), minimalMessage())
		if err != nil || id != "second-dial" {
			t.Fatalf("SendTemplate = %q, %v; want second-dial", id, err)
		}
		if n := network.dialCount(); n != 3 {
			t.Errorf("dialed %d times, want 3", n)
		}
		if n := s.count(); n != 1 {
			t.Errorf("server saw %d requests, want 1", n)
		}
	})
}

// TestCancelWhileWaitingForLimiter: with the one slot of the window used,
// a second send waits; canceling it returns at once and sends nothing.
func TestCancelWhileWaitingForLimiter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &server{respond: func(_ int, w http.ResponseWriter, _ *http.Request) { created(w, "first") }}
		hc, _ := startMem(t, s, 0)
		c := newTestClient(t, memBase, hc, Config{RateLimitPerMinute: 1, MaxRetries: 3})
		if _, err := c.SendTemplate(t.Context(), minimalMessage()); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(10*time.Second, cancel)
		start := time.Now()
		_, err := c.SendTemplate(ctx, minimalMessage())
		if KindOf(err) != KindUnsent || !errors.Is(err, context.Canceled) {
			t.Fatalf("error = %v, want unsent with context.Canceled", err)
		}
		if waited := time.Since(start); waited != 10*time.Second {
			t.Errorf("returned after %v of fake time, want 10s (at the cancel)", waited)
		}
		if n := s.count(); n != 1 {
			t.Errorf("server saw %d requests, want 1", n)
		}
	})
}

func TestCancelDuringBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &server{respond: func(_ int, w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Retry-After", "30")
			writeJSON(w, http.StatusTooManyRequests, `{}`)
		}}
		hc, _ := startMem(t, s, 0)
		c := newTestClient(t, memBase, hc, Config{MaxRetries: 3})
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		_, err := c.SendTemplate(ctx, minimalMessage())
		if KindOf(err) != KindUnsent || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("error = %v, want unsent with context.DeadlineExceeded", err)
		}
		if n := s.count(); n != 1 {
			t.Errorf("server saw %d requests, want 1", n)
		}
	})
}

// TestCancelAfterWriteStillCompletes: a cancel that arrives while the API
// is processing does not abandon the request; its id is returned.
func TestCancelAfterWriteStillCompletes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &server{respond: func(_ int, w http.ResponseWriter, _ *http.Request) {
			time.Sleep(3 * time.Second)
			created(w, "slow-but-sent")
		}}
		hc, _ := startMem(t, s, 0)
		c := newTestClient(t, memBase, hc, Config{})
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(time.Second, cancel)
		id, err := c.SendTemplate(ctx, minimalMessage())
		if err != nil || id != "slow-but-sent" {
			t.Fatalf("SendTemplate = %q, %v; want slow-but-sent", id, err)
		}
	})
}

// TestTimeoutAfterWriteIsUncertain: no answer within the request timeout
// after the request was written is uncertain and not retried.
func TestTimeoutAfterWriteIsUncertain(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &server{respond: func(_ int, w http.ResponseWriter, r *http.Request) {
			select {
			case <-time.After(time.Minute):
				created(w, "too-late")
			case <-r.Context().Done():
			}
		}}
		hc, _ := startMem(t, s, 0)
		c := newTestClient(t, memBase, hc, Config{MaxRetries: 3, RequestTimeout: 10 * time.Second})
		start := time.Now()
		_, err := c.SendTemplate(t.Context(), minimalMessage())
		if KindOf(err) != KindUncertain || err == nil {
			t.Fatalf("error = %v, want uncertain", err)
		}
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("error %v does not wrap context.DeadlineExceeded", err)
		}
		if waited := time.Since(start); waited != 10*time.Second {
			t.Errorf("gave up after %v, want the 10s request timeout", waited)
		}
		if n := s.count(); n != 1 {
			t.Errorf("server saw %d requests, want 1", n)
		}
	})
}

// TestSendsShareTheRateLimit: with 2 per window, the third send waits for
// the first slot to leave the window.
func TestSendsShareTheRateLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &server{respond: func(_ int, w http.ResponseWriter, _ *http.Request) { created(w, "x") }}
		hc, _ := startMem(t, s, 0)
		c := newTestClient(t, memBase, hc, Config{RateLimitPerMinute: 2, RateWindow: 10 * time.Second})
		start := time.Now()
		var at []time.Duration
		for range 5 {
			if _, err := c.SendTemplate(t.Context(), minimalMessage()); err != nil {
				t.Fatal(err)
			}
			at = append(at, time.Since(start))
		}
		want := []time.Duration{0, 0, 10 * time.Second, 10 * time.Second, 20 * time.Second}
		for i := range want {
			if at[i] != want[i] {
				t.Errorf("send %d done at %v, want %v (all: %v)", i, at[i], want[i], at)
			}
		}
	})
}

// TestCancelDuringDial: before a connection exists nothing can reach the
// API, so a cancel stops a slow dial at once and the send is unsent.
func TestCancelDuringDial(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		transport := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			<-ctx.Done() // A dial that hangs until abandoned.
			return nil, ctx.Err()
		}}
		defer transport.CloseIdleConnections()
		c := newTestClient(t, memBase, &http.Client{Transport: transport}, Config{MaxRetries: 3, RateLimitPerMinute: 1})
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(2*time.Second, cancel)
		start := time.Now()
		_, err := c.SendTemplate(ctx, minimalMessage())
		if KindOf(err) != KindUnsent || !errors.Is(err, context.Canceled) {
			t.Fatalf("error = %v, want unsent with context.Canceled", err)
		}
		if waited := time.Since(start); waited != 2*time.Second {
			t.Errorf("returned after %v, want 2s (at the cancel)", waited)
		}
		// The abandoned attempt never reached the API, so its rate-limit
		// slot was given back.
		slot, err := c.req.budget.Acquire(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		slot.Release()
		if waited := time.Since(start); waited != 2*time.Second {
			t.Errorf("next slot after %v, want at once", waited)
		}
	})
}
