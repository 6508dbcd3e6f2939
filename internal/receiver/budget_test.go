package receiver

import (
	"bytes"
	"context"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/client"
	"github.com/interakt-community/terraform-provider-interakt/internal/ratelimit"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// Three budget clients of one key (as three runners have) take 12 slots
// each from a budget of 5 per 300 ms kept by the receiver: no slot is
// granted while 5 others are in the window, and the 36 slots take at
// least seven windows.
func TestBudgetSharedThroughTheReceiver(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		r := startReceiver(t, Config{DB: dsn})
		const limit, window, perClient = 5, 300 * time.Millisecond, 12
		key := ratelimit.KeyID("key", "http://api")
		var (
			mu    sync.Mutex
			slots [][2]time.Time
			wg    sync.WaitGroup
		)
		for range 3 {
			b := client.NewReceiverBudget(r.http.URL, testToken, r.client, nil, key, limit, window, time.Minute)
			for range 2 {
				wg.Go(func() {
					for range perClient / 2 {
						s, err := b.Acquire(t.Context())
						if err != nil {
							t.Error(err)
							return
						}
						acquired := time.Now()
						time.Sleep(5 * time.Millisecond)
						released := time.Now()
						s.Release()
						mu.Lock()
						slots = append(slots, [2]time.Time{acquired, released})
						mu.Unlock()
					}
				})
			}
		}
		wg.Wait()
		if len(slots) != 3*perClient {
			t.Fatalf("%d slots, want %d", len(slots), 3*perClient)
		}
		slices.SortFunc(slots, func(a, b [2]time.Time) int { return a[0].Compare(b[0]) })
		for j, s := range slots {
			in := 0
			for i, o := range slots {
				if i != j && !o[0].After(s[0]) && o[1].After(s[0].Add(-window)) {
					in++
				}
			}
			if in >= limit {
				t.Fatalf("slot %d granted with %d others in the window, limit %d", j, in, limit)
			}
		}
		if span := slots[len(slots)-1][0].Sub(slots[0][0]); span < 7*window {
			t.Errorf("36 slots at 5 a window took %v, want at least seven windows", span)
		}
	})
}

// A slot never ended (its runner died) counts until its lease ends and a
// window more; a full mark stops everyone; a wrong token and a key that
// is not a hash are refused.
func TestBudgetLeaseFullAndRefusals(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		r := startReceiver(t, Config{DB: dsn})
		key := ratelimit.KeyID("key", "http://api")
		const window, lease = 200 * time.Millisecond, 500 * time.Millisecond
		dead := client.NewReceiverBudget(r.http.URL, testToken, r.client, nil, key, 1, window, lease)
		if _, err := dead.Acquire(t.Context()); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		live := client.NewReceiverBudget(r.http.URL, testToken, r.client, nil, key, 1, window, lease)
		s, err := live.Acquire(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		s.Cancel()
		if waited := time.Since(start); waited < lease || waited > lease+window+time.Second {
			t.Errorf("a slot never ended was free after %v, want after its lease (%v) and a window", waited, lease)
		}

		if err := live.Full(t.Context(), 300*time.Millisecond); err != nil {
			t.Fatal(err)
		}
		start = time.Now()
		s, err = dead.Acquire(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		s.Release()
		if waited := time.Since(start); waited < 250*time.Millisecond {
			t.Errorf("granted %v after a 300ms full mark", waited)
		}

		wrong := client.NewReceiverBudget(r.http.URL, "wrong-token", r.client, nil, key, 1, window, lease)
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		if _, err := wrong.Acquire(ctx); client.KindOf(err) != client.KindUnauthorized {
			t.Errorf("acquire with a wrong token: %v, want unauthorized", err)
		}
		req, _ := http.NewRequest(http.MethodPost, r.http.URL+wire.BudgetPathPrefix+"the-api-key",
			bytes.NewReader([]byte(`{"op":"acquire","slot":"a","limit":1,"window_ms":1000,"lease_ms":1000}`)))
		req.Header.Set("Authorization", "Bearer "+testToken)
		resp, err := r.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("a key that is not a hash: %d, want 400", resp.StatusCode)
		}
	})
}
