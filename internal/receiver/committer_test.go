package receiver

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/receiver/event"
	"github.com/interakt-community/terraform-provider-interakt/internal/receiver/store"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// serve posts a signed webhook by calling the handler directly, for tests
// inside a synctest bubble.
func serve(h http.Handler, body []byte) int {
	req := httptest.NewRequest(http.MethodPost, DefaultWebhookPath, strings.NewReader(string(body)))
	req.Header.Set(wire.SignatureHeader, Sign(testSecret, body))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

func newBubbleServer(t *testing.T, s store.Store) *Server {
	t.Helper()
	srv, err := New(t.Context(), Config{Store: s, WebhookSecrets: []string{testSecret},
		StatusTokens: []string{testToken}, Logger: discardLogger()})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return srv
}

func TestStoreTooSlowAnswers503(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		mem := newMemStore()
		release := make(chan struct{})
		mem.beforeApply = func(ctx context.Context, _ []event.Event) error {
			select {
			case <-release:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		srv := newBubbleServer(t, mem)
		body := deliveredEvent("m").body()

		start := time.Now()
		if code := serve(srv.Handler(), body); code != http.StatusServiceUnavailable {
			t.Fatalf("blocked store: %d, want 503", code)
		}
		if waited := time.Since(start); waited != DefaultCommitBudget {
			t.Fatalf("answered after %v, want the commit budget %v", waited, DefaultCommitBudget)
		}
		if mem.stored("m", wire.EventDelivered) {
			t.Fatalf("event stored although the store never committed")
		}
		if got := counterValue(t, srv.metrics.rejected.WithLabelValues(rejectUnavailable)); got != 1 {
			t.Fatalf("rejected{unavailable} = %v, want 1", got)
		}

		close(release)
		if code := serve(srv.Handler(), body); code != http.StatusOK {
			t.Fatalf("retry once the store recovered: %d, want 200", code)
		}
		if !mem.stored("m", wire.EventDelivered) {
			t.Fatalf("retried event not stored")
		}
		if err := srv.Close(); err != nil {
			t.Fatal(err)
		}
	})
}

func TestEventsBatchIntoOneCommit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		mem := newMemStore()
		var batches []int
		var mu sync.Mutex
		mem.beforeApply = func(_ context.Context, events []event.Event) error {
			mu.Lock()
			defer mu.Unlock()
			batches = append(batches, len(events))
			return nil
		}
		srv := newBubbleServer(t, mem)
		var wg sync.WaitGroup
		codes := make([]int, 10)
		for i := range codes {
			wg.Go(func() { codes[i] = serve(srv.Handler(), sentEvent(string(rune('a'+i))).body()) })
		}
		wg.Wait()
		for i, c := range codes {
			if c != http.StatusOK {
				t.Fatalf("webhook %d: %d", i, c)
			}
		}
		if !slices.Equal(batches, []int{10}) {
			t.Fatalf("batches = %v, want one batch of 10 (all arrive within the window)", batches)
		}
		if err := srv.Close(); err != nil {
			t.Fatal(err)
		}
	})
}

// TestOneRefusedEventDoesNotFailItsBatch checks that the writer isolates
// an event the database refuses instead of failing every event batched
// with it.
func TestOneRefusedEventDoesNotFailItsBatch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		mem := newMemStore()
		mem.beforeApply = func(_ context.Context, events []event.Event) error {
			for _, ev := range events {
				if ev.MessageID == "poison" {
					return errors.New("refused")
				}
			}
			return nil
		}
		srv := newBubbleServer(t, mem)
		ids := []string{"a", "b", "poison", "c", "d"}
		codes := make([]int, len(ids))
		var wg sync.WaitGroup
		for i, id := range ids {
			wg.Go(func() { codes[i] = serve(srv.Handler(), sentEvent(id).body()) })
		}
		wg.Wait()
		for i, id := range ids {
			want := http.StatusOK
			if id == "poison" {
				want = http.StatusServiceUnavailable
			}
			if codes[i] != want {
				t.Fatalf("%s: %d, want %d", id, codes[i], want)
			}
			if stored := mem.stored(id, wire.EventSent); stored != (want == http.StatusOK) {
				t.Fatalf("%s stored = %v", id, stored)
			}
		}
		if err := srv.Close(); err != nil {
			t.Fatal(err)
		}
	})
}

func TestCloseCommitsQueuedEventsAndRefusesNewOnes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		mem := newMemStore()
		entered := make(chan struct{}, 1)
		release := make(chan struct{})
		mem.beforeApply = func(context.Context, []event.Event) error {
			select {
			case entered <- struct{}{}:
				<-release
			default:
			}
			return nil
		}
		srv := newBubbleServer(t, mem)
		var wg sync.WaitGroup
		first, second := 0, 0
		wg.Go(func() { first = serve(srv.Handler(), sentEvent("first").body()) })
		<-entered // The writer is committing "first".
		wg.Go(func() { second = serve(srv.Handler(), sentEvent("second").body()) })
		synctest.Wait() // "second" is queued behind it.
		closed := make(chan error, 1)
		go func() { closed <- srv.Close() }()
		synctest.Wait()
		close(release)
		if err := <-closed; err != nil {
			t.Fatal(err)
		}
		wg.Wait()
		if first != http.StatusOK || second != http.StatusOK {
			t.Fatalf("in-flight webhooks answered %d and %d, want 200 for both", first, second)
		}
		if !mem.stored("second", wire.EventSent) {
			t.Fatalf("queued event not committed by Close")
		}
		if code := serve(srv.Handler(), sentEvent("late").body()); code != http.StatusServiceUnavailable {
			t.Fatalf("webhook after Close: %d, want 503", code)
		}
	})
}
