package receiver

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

func TestBadSignatureIsRejectedAndNotStored(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		r := startReceiver(t, Config{DB: dsn})
		body := deliveredEvent("m-bad").body()
		if code := r.post(t, "", body); code != http.StatusUnauthorized {
			t.Fatalf("unsigned webhook: %d, want 401", code)
		}
		if code := r.post(t, "not-the-secret", body); code != http.StatusUnauthorized {
			t.Fatalf("webhook signed with another secret: %d, want 401", code)
		}
		tampered := bytes.Replace(body, []byte("m-bad"), []byte("m-bax"), 1)
		req, err := http.NewRequest(http.MethodPost, r.http.URL+DefaultWebhookPath, bytes.NewReader(tampered))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set(wire.SignatureHeader, Sign(testSecret, body))
		resp, err := r.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if err := resp.Body.Close(); err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("tampered body: %d, want 401", resp.StatusCode)
		}
		for _, id := range []string{"m-bad", "m-bax"} {
			if code, _ := r.status(t, testToken, id); code != http.StatusNotFound {
				t.Fatalf("status of %s after rejected webhooks: %d, want 404", id, code)
			}
		}
	})
}

func TestEitherWebhookSecretWorks(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		r := startReceiver(t, Config{DB: dsn, WebhookSecrets: []string{"old-secret", "new-secret"}})
		if code := r.post(t, "old-secret", sentEvent("m-old").body()); code != http.StatusOK {
			t.Fatalf("old secret: %d", code)
		}
		if code := r.post(t, "new-secret", sentEvent("m-new").body()); code != http.StatusOK {
			t.Fatalf("new secret: %d", code)
		}
		r.mustStatus(t, "m-old")
		r.mustStatus(t, "m-new")
	})
}

func TestSameEventThreeTimesIsOneEvent(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		r := startReceiver(t, Config{DB: dsn})
		body := deliveredEvent("m-dup").body()
		for i := range 3 {
			if code := r.post(t, testSecret, body); code != http.StatusOK {
				t.Fatalf("delivery %d: %d", i+1, code)
			}
		}
		if got := counterValue(t, r.srv.metrics.stored); got != 1 {
			t.Fatalf("events stored = %v, want 1", got)
		}
		if got := counterValue(t, r.srv.metrics.duplicates); got != 2 {
			t.Fatalf("duplicates = %v, want 2", got)
		}
		st := r.mustStatus(t, "m-dup")
		if st.Status != wire.StatusDelivered || deref(st.DeliveredAt) != "2026-03-01T10:00:05Z" {
			t.Fatalf("status = %+v", st)
		}
	})
}

func TestReadBeforeDeliveredKeepsBothTimes(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		r := startReceiver(t, Config{DB: dsn})
		for _, ev := range []hook{readEvent("m"), deliveredEvent("m"), sentEvent("m")} {
			if code := r.post(t, testSecret, ev.body()); code != http.StatusOK {
				t.Fatalf("%s: %d", ev.typ, code)
			}
		}
		st := r.mustStatus(t, "m")
		want := wire.Status{ID: "m", Status: wire.StatusRead,
			SentAt: ptr("2026-03-01T10:00:00Z"), DeliveredAt: ptr("2026-03-01T10:00:05Z"),
			ReadAt: ptr("2026-03-01T10:01:00Z"), CallbackData: ptr("cb-m")}
		if diff := compareStatus(st, want); diff != "" {
			t.Fatalf("status after read, delivered, sent: %s", diff)
		}
	})
}

func TestFailedIsTerminalOverHTTP(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		r := startReceiver(t, Config{DB: dsn})
		for _, ev := range []hook{sentEvent("m"), failedEvent("m"), deliveredEvent("m"), readEvent("m")} {
			if code := r.post(t, testSecret, ev.body()); code != http.StatusOK {
				t.Fatalf("%s: %d", ev.typ, code)
			}
		}
		st := r.mustStatus(t, "m")
		want := wire.Status{ID: "m", Status: wire.StatusFailed,
			SentAt: ptr("2026-03-01T10:00:00Z"), DeliveredAt: ptr("2026-03-01T10:00:05Z"),
			ReadAt: ptr("2026-03-01T10:01:00Z"), FailedAt: ptr("2026-03-01T10:02:00Z"),
			FailureReason: ptr("Message undeliverable"), ErrorCode: ptr("131026"), CallbackData: ptr("cb-m")}
		if diff := compareStatus(st, want); diff != "" {
			t.Fatalf("status: %s", diff)
		}
	})
}

// A signed body that cannot be parsed is kept whole and answered 200, so
// that Interakt does not disable the webhook; it is counted.
func TestMalformedSignedWebhookIsDeadLettered(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		r := startReceiver(t, Config{DB: dsn})
		bodies := []string{`{"type":`, `{"type":"message_api_read","data":{"message":{}}}`}
		for _, body := range bodies {
			if code := r.post(t, testSecret, []byte(body)); code != http.StatusOK {
				t.Fatalf("%s: %d, want 200", body, code)
			}
		}
		if got := counterValue(t, r.srv.metrics.deadLetters); got != 2 {
			t.Fatalf("dead_letters = %v, want 2", got)
		}
		letters, err := r.srv.Store().DeadLetters(t.Context(), 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(letters) != 2 || string(letters[0].Body) != bodies[0] || string(letters[1].Body) != bodies[1] ||
			!strings.Contains(letters[1].Reason, "data.message.id") {
			t.Fatalf("dead letters = %+v, want both bodies whole with their reasons", letters)
		}
	})
}

func TestOversizedWebhookIs413(t *testing.T) {
	r := startReceiver(t, Config{Store: newMemStore(), MaxBodyBytes: 1024})
	body := fmt.Appendf(nil, `{"type":"message_api_read","pad":%q}`, strings.Repeat("x", 2048))
	if code := r.post(t, testSecret, body); code != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized body: %d, want 413", code)
	}
}

func TestOtherEventTypesAreAcknowledgedAndIgnored(t *testing.T) {
	mem := newMemStore()
	r := startReceiver(t, Config{Store: mem})
	for _, typ := range []string{"message_campaign_clicked", "message_received"} {
		ev := hook{typ: typ, id: "m-click"}
		if code := r.post(t, testSecret, ev.body()); code != http.StatusOK {
			t.Fatalf("%s: %d, want 200", typ, code)
		}
		if mem.stored("m-click", typ) {
			t.Fatalf("%s was stored", typ)
		}
	}
	if got := counterValue(t, r.srv.metrics.ignored); got != 2 {
		t.Fatalf("ignored = %v, want 2", got)
	}
}

// A campaign's message events are stored, as API messages' are.
func TestCampaignEventsAreStored(t *testing.T) {
	mem := newMemStore()
	r := startReceiver(t, Config{Store: mem})
	for _, typ := range []string{wire.EventCampaignSent, wire.EventCampaignDelivered, wire.EventCampaignRead, wire.EventCampaignFailed} {
		ev := hook{typ: typ, id: "m-campaign"}
		if code := r.post(t, testSecret, ev.body()); code != http.StatusOK {
			t.Fatalf("%s: %d, want 200", typ, code)
		}
		if !mem.stored("m-campaign", typ) {
			t.Fatalf("%s was not stored", typ)
		}
	}
	if got := counterValue(t, r.srv.metrics.ignored); got != 0 {
		t.Fatalf("ignored = %v, want 0", got)
	}
}

func TestWrongMethodOnWebhookPath(t *testing.T) {
	r := startReceiver(t, Config{Store: newMemStore()})
	resp, err := r.client.Get(r.http.URL + DefaultWebhookPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := resp.Body.Close(); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("GET on the webhook path: %d, want 405", resp.StatusCode)
	}
}

// TestConcurrentWebhooksAreAllStored has many senders post at once, each
// retrying on 503 as Interakt does, and checks that every event is kept.
func TestConcurrentWebhooksAreAllStored(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		n := 1000
		if raceEnabled {
			n = 50
		}
		r := startReceiver(t, Config{DB: dsn})
		var wg sync.WaitGroup
		var retries atomic.Int64
		errs := make(chan error, n)
		for i := range n {
			wg.Go(func() {
				ev := deliveredEvent(fmt.Sprintf("m-%04d", i))
				if i%3 == 0 {
					ev = readEvent(ev.id)
				}
				for attempt := 1; ; attempt++ {
					code, err := postWebhook(r.client, r.http.URL+DefaultWebhookPath, testSecret, ev.body())
					if err == nil && code == http.StatusOK {
						return
					}
					if attempt == 20 || (err == nil && code != http.StatusServiceUnavailable) {
						errs <- fmt.Errorf("%s: code %d err %v after %d attempts", ev.id, code, err, attempt)
						return
					}
					retries.Add(1)
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		for i := range n {
			id := fmt.Sprintf("m-%04d", i)
			want := wire.StatusDelivered
			if i%3 == 0 {
				want = wire.StatusRead
			}
			if st := r.mustStatus(t, id); st.Status != want {
				t.Fatalf("%s: %s, want %s", id, st.Status, want)
			}
		}
		if got := counterValue(t, r.srv.metrics.stored); got != float64(n) {
			t.Fatalf("stored = %v, want %d", got, n)
		}
		t.Logf("%d webhooks stored, %d retries after 503", n, retries.Load())
	})
}
