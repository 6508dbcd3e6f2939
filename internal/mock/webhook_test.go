package mock

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

const testSecret = "whsec-test"

// receivedEvent is one webhook the test receiver accepted.
type receivedEvent struct {
	at      time.Time
	webhook wire.Webhook
}

// receiver is a webhook endpoint that checks signatures and can fail on
// purpose.
type receiver struct {
	t  testing.TB
	mu sync.Mutex
	// answers are the statuses of the first posts; later posts get 200.
	answers []int
	// transportErrors fail the first posts before they reach the handler.
	transportErrors int
	events          []receivedEvent
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		rc.t.Errorf("reading webhook: %v", err)
		return
	}
	mac := hmac.New(sha256.New, []byte(testSecret))
	mac.Write(body)
	want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
	if got := r.Header.Get(wire.SignatureHeader); !hmac.Equal([]byte(got), []byte(want)) {
		rc.t.Errorf("signature %q, want %q", got, want)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		rc.t.Errorf("webhook Content-Type %q", ct)
	}
	var webhook wire.Webhook
	if err := json.Unmarshal(body, &webhook); err != nil {
		rc.t.Errorf("webhook %s: %v", body, err)
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(rc.answers) > 0 {
		status := rc.answers[0]
		rc.answers = rc.answers[1:]
		w.WriteHeader(status)
		return
	}
	rc.events = append(rc.events, receivedEvent{at: time.Now(), webhook: webhook})
}

// RoundTrip hands the request to the receiver in memory, so synctest's fake
// clock covers the whole delivery.
func (rc *receiver) RoundTrip(r *http.Request) (*http.Response, error) {
	rc.mu.Lock()
	if rc.transportErrors > 0 {
		rc.transportErrors--
		rc.mu.Unlock()
		return nil, errors.New("connection refused")
	}
	rc.mu.Unlock()
	w := httptest.NewRecorder()
	rc.ServeHTTP(w, r)
	return w.Result(), nil
}

func (rc *receiver) received() []receivedEvent {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]receivedEvent(nil), rc.events...)
}

func (rc *receiver) types() string {
	var types []string
	for _, e := range rc.received() {
		types = append(types, strings.TrimPrefix(e.webhook.Type, "message_api_"))
	}
	return strings.Join(types, ",")
}

// webhookServer returns a server whose webhooks go to rc in memory.
func webhookServer(rc *receiver, opts Options) *Server {
	opts.WebhookURL = "http://receiver.test/webhooks/interakt"
	opts.WebhookSecret = testSecret
	opts.WebhookClient = &http.Client{Transport: rc}
	return New(opts)
}

func TestWebhookSequence(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rc := &receiver{t: t}
		s := webhookServer(rc, Options{})
		defer closeServer(t, s)
		start := time.Now()
		id := decodeAnswer(t, send(t, s, orderShipped()).Body.Bytes()).ID
		if err := s.WaitWebhooks(t.Context()); err != nil {
			t.Fatal(err)
		}
		events := rc.received()
		if rc.types() != "sent,delivered,read" {
			t.Fatalf("events %s", rc.types())
		}
		wantAfter := []time.Duration{0, 50 * time.Millisecond, 100 * time.Millisecond}
		wantStatus := []string{"Sent", "Delivered", "Read"}
		for i, e := range events {
			if got := e.at.Sub(start); got != wantAfter[i] {
				t.Errorf("%s arrived after %v, want %v", e.webhook.Type, got, wantAfter[i])
			}
			m := e.webhook.Data.Message
			if m.ID != id || m.MessageStatus != wantStatus[i] || m.MetaData.SourceData.CallbackData != "release-42" {
				t.Errorf("event %d message = %+v", i, m)
			}
			if m.ReceivedAtUTC != start.UTC().Format(TimeFormat) {
				t.Errorf("received_at_utc = %q", m.ReceivedAtUTC)
			}
			c := e.webhook.Data.Customer
			if c.PhoneNumber != "9999999999" || c.CountryCode != "+91" || c.ChannelPhoneNumber != "919999999999" || c.ID == "" {
				t.Errorf("customer = %+v", c)
			}
			// raw_template is a JSON document in a string, as Interakt sends it.
			var tmpl wire.RawTemplate
			if err := json.Unmarshal([]byte(m.RawTemplate), &tmpl); err != nil || tmpl.Name != "order_shipped" || tmpl.Language != "en" {
				t.Errorf("raw_template %q: %+v, %v", m.RawTemplate, tmpl, err)
			}
			if e.webhook.Version != WebhookVersion || e.webhook.Timestamp != e.at.UTC().Format("2006-01-02T15:04:05.000000Z") {
				t.Errorf("version %q, timestamp %q", e.webhook.Version, e.webhook.Timestamp)
			}
		}
		read := events[2].webhook.Data.Message
		if read.DeliveredAtUTC != start.Add(50*time.Millisecond).UTC().Format(TimeFormat) ||
			read.SeenAtUTC != start.Add(100*time.Millisecond).UTC().Format(TimeFormat) {
			t.Errorf("read event times = %+v", read)
		}
		if _, err := time.Parse(TimeFormat, read.SeenAtUTC); err != nil || strings.ContainsAny(read.SeenAtUTC, "Z+") {
			t.Errorf("seen_at_utc %q is not Interakt's zone-less format", read.SeenAtUTC)
		}
		deliveries := s.WebhookDeliveries()
		if len(deliveries) != 3 {
			t.Fatalf("%d deliveries", len(deliveries))
		}
		for _, d := range deliveries {
			if !d.Delivered || d.Abandoned || len(d.Attempts) != 1 || d.Attempts[0].Status != http.StatusOK || d.MessageID != id {
				t.Errorf("delivery = %+v", d)
			}
		}
	})
}

func TestWebhookDelays(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rc := &receiver{t: t}
		s := webhookServer(rc, Options{WebhookDelays: &Delays{Sent: time.Second, Delivered: time.Minute, Read: time.Hour}})
		defer closeServer(t, s)
		send(t, s, orderShipped())
		time.Sleep(time.Second)
		synctest.Wait()
		if rc.types() != "sent" {
			t.Fatalf("after 1s: %s", rc.types())
		}
		time.Sleep(time.Minute)
		synctest.Wait()
		if rc.types() != "sent,delivered" {
			t.Fatalf("after 1m1s: %s", rc.types())
		}
		if err := s.WaitWebhooks(t.Context()); err != nil {
			t.Fatal(err)
		}
		if rc.types() != "sent,delivered,read" {
			t.Fatalf("at the end: %s", rc.types())
		}
	})
}

func TestWebhookFailedPhone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rc := &receiver{t: t}
		s := webhookServer(rc, Options{FailPhones: map[string]string{"+919999999999": "Message undeliverable"}})
		defer closeServer(t, s)
		start := time.Now()
		send(t, s, orderShipped())
		other := orderShipped()
		other.PhoneNumber = "8888888888"
		send(t, s, other)
		if err := s.WaitWebhooks(t.Context()); err != nil {
			t.Fatal(err)
		}
		var failed []wire.WebhookMessage
		for _, e := range rc.received() {
			if e.webhook.Data.Customer.PhoneNumber == "9999999999" {
				if e.webhook.Type == wire.EventDelivered || e.webhook.Type == wire.EventRead {
					t.Errorf("failing number got %s", e.webhook.Type)
				}
				if e.webhook.Type == wire.EventFailed {
					failed = append(failed, e.webhook.Data.Message)
				}
			}
		}
		if len(failed) != 1 {
			t.Fatalf("failed events: %+v (all: %s)", failed, rc.types())
		}
		f := failed[0]
		if f.MessageStatus != "Failed" || f.ChannelFailureReason != "Message undeliverable" || f.ChannelErrorCode != FailedErrorCode ||
			f.FailedAtUTC != start.Add(DefaultDelays.Delivered).UTC().Format(TimeFormat) {
			t.Errorf("failed event = %+v", f)
		}
		if got := len(rc.received()); got != 5 {
			t.Errorf("%d events, want 2 for the failing number and 3 for the other", got)
		}

		s.SetFailPhone("+919999999999", "")
		s.SetFailPhone("8888888888", "Blocked")
		before := len(rc.received())
		send(t, s, orderShipped())
		send(t, s, other)
		if err := s.WaitWebhooks(t.Context()); err != nil {
			t.Fatal(err)
		}
		var types []string
		for _, e := range rc.received()[before:] {
			types = append(types, e.webhook.Data.Customer.PhoneNumber+":"+e.webhook.Type)
		}
		if got := strings.Join(types, " "); !strings.Contains(got, "9999999999:message_api_read") || !strings.Contains(got, "8888888888:message_api_failed") {
			t.Errorf("after SetFailPhone: %s", got)
		}
	})
}

func TestWebhookRetries(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rc := &receiver{t: t, answers: []int{500, 503}, transportErrors: 0}
		s := webhookServer(rc, Options{WebhookDelays: &Delays{}})
		defer closeServer(t, s)
		start := time.Now()
		send(t, s, orderShipped())
		if err := s.WaitWebhooks(t.Context()); err != nil {
			t.Fatal(err)
		}
		if rc.types() != "sent,delivered,read" {
			t.Fatalf("events %s", rc.types())
		}
		first := s.WebhookDeliveries()[0]
		if !first.Delivered || len(first.Attempts) != 3 {
			t.Fatalf("first delivery = %+v", first)
		}
		wantStatus := []int{500, 503, 200}
		wantAfter := []time.Duration{0, DefaultWebhookBackoff, 3 * DefaultWebhookBackoff}
		for i, a := range first.Attempts {
			if a.Status != wantStatus[i] || a.At.Sub(start) != wantAfter[i] {
				t.Errorf("attempt %d: status %d after %v; want %d after %v", i+1, a.Status, a.At.Sub(start), wantStatus[i], wantAfter[i])
			}
		}
	})
}

func TestWebhookTransportErrorsAndGivingUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rc := &receiver{t: t, transportErrors: 1, answers: []int{500, 500, 500, 500}}
		s := webhookServer(rc, Options{WebhookDelays: &Delays{}, WebhookAttempts: 3, WebhookBackoff: time.Second})
		defer closeServer(t, s)
		send(t, s, orderShipped())
		if err := s.WaitWebhooks(t.Context()); err != nil {
			t.Fatal(err)
		}
		deliveries := s.WebhookDeliveries()
		sent := deliveries[0]
		if sent.Delivered || !sent.Abandoned || len(sent.Attempts) != 3 || sent.Attempts[0].Err == "" || sent.Attempts[0].Status != 0 {
			t.Fatalf("sent delivery = %+v", sent)
		}
		// The receiver recovers for the next events.
		if rc.types() != "delivered,read" || len(deliveries) != 3 || !deliveries[1].Delivered {
			t.Errorf("events %s, deliveries %+v", rc.types(), deliveries)
		}
	})
}

func TestWebhookDuplicate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rc := &receiver{t: t}
		s := webhookServer(rc, Options{Faults: Faults{WebhookDuplicate: true}})
		defer closeServer(t, s)
		send(t, s, orderShipped())
		if err := s.WaitWebhooks(t.Context()); err != nil {
			t.Fatal(err)
		}
		if rc.types() != "sent,sent,delivered,delivered,read,read" {
			t.Errorf("events %s", rc.types())
		}
		events := rc.received()
		a, b := events[0].webhook, events[1].webhook
		if a != b {
			t.Errorf("duplicates differ: %+v and %+v", a, b)
		}
	})
}

func TestWebhookOutOfOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rc := &receiver{t: t}
		s := webhookServer(rc, Options{})
		defer closeServer(t, s)
		s.UpdateFaults(func(f *Faults) { f.WebhookOutOfOrder = true })
		start := time.Now()
		send(t, s, orderShipped())
		if err := s.WaitWebhooks(t.Context()); err != nil {
			t.Fatal(err)
		}
		if rc.types() != "read,delivered,sent" {
			t.Fatalf("events %s", rc.types())
		}
		first := rc.received()[0]
		if first.at != start || first.webhook.Data.Message.SeenAtUTC != start.Add(DefaultDelays.Read).UTC().Format(TimeFormat) {
			t.Errorf("read event first at %v with seen_at %q", first.at.Sub(start), first.webhook.Data.Message.SeenAtUTC)
		}
	})
}

func TestWebhookNone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Options{})
		defer closeServer(t, s)
		send(t, s, orderShipped())
		if err := s.WaitWebhooks(t.Context()); err != nil {
			t.Fatal(err)
		}
		if got := s.WebhookDeliveries(); len(got) != 0 {
			t.Errorf("deliveries without a webhook URL: %+v", got)
		}
	})
}

func TestWebhookCloseStopsDelivery(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rc := &receiver{t: t, answers: []int{500}}
		s := webhookServer(rc, Options{WebhookDelays: &Delays{Delivered: time.Hour, Read: 2 * time.Hour}, WebhookBackoff: time.Minute})
		send(t, s, orderShipped())
		synctest.Wait()
		closeServer(t, s)
		if err := s.WaitWebhooks(t.Context()); err != nil {
			t.Fatal(err)
		}
		deliveries := s.WebhookDeliveries()
		if len(deliveries) != 3 || !deliveries[0].Abandoned || len(deliveries[0].Attempts) != 1 ||
			!deliveries[1].Abandoned || len(deliveries[1].Attempts) != 0 || deliveries[2].Type != wire.EventRead || !deliveries[2].Abandoned {
			t.Errorf("deliveries after Close = %+v", deliveries)
		}
		if len(rc.received()) != 0 {
			t.Errorf("events after Close: %s", rc.types())
		}
	})
}

func TestWebhookOverNetwork(t *testing.T) {
	rc := &receiver{t: t}
	endpoint := httptest.NewServer(rc)
	defer endpoint.Close()
	s := NewTestServer(t, Options{WebhookURL: endpoint.URL, WebhookSecret: "other", WebhookDelays: &Delays{}})
	s.SetWebhook(endpoint.URL, testSecret)
	if status, err := postHTTP(http.DefaultClient, s.URL(), encode(t, orderShipped())); err != nil || status != http.StatusCreated {
		t.Fatalf("send: %v", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := s.WaitWebhooks(ctx); err != nil {
		t.Fatal(err)
	}
	if rc.types() != "sent,delivered,read" {
		t.Errorf("events %s", rc.types())
	}
}

func TestSign(t *testing.T) {
	// The value of: printf '{"a":1}' | openssl dgst -sha256 -hmac secret.
	const want = "sha256=aa9e2e3575f5d7098b6caccd790888c36d5fdb63342a73bada2d6a51747a8494"
	if got := Sign("secret", []byte(`{"a":1}`)); got != want {
		t.Errorf("Sign = %q, want %q", got, want)
	}
}

// TestWebhookUndeliveredThenFailed stops an undelivered number's events at
// sent, and FailMessage fails it later with one failed webhook that keeps
// the original send time; other numbers go on to read.
func TestWebhookUndeliveredThenFailed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rc := &receiver{t: t}
		s := webhookServer(rc, Options{UndeliveredPhones: map[string]bool{"9999999999": true}})
		defer closeServer(t, s)
		start := time.Now()
		id := decodeAnswer(t, send(t, s, orderShipped()).Body.Bytes()).ID
		other := orderShipped()
		other.PhoneNumber = "8888888888"
		send(t, s, other)
		if err := s.WaitWebhooks(t.Context()); err != nil {
			t.Fatal(err)
		}
		if got := rc.types(); got != "sent,sent,delivered,read" {
			t.Fatalf("events %s; want both sent, only the other delivered and read", got)
		}
		before := len(rc.received())

		time.Sleep(time.Hour)
		failedAt := time.Now()
		if s.FailMessage("never-sent", "x") {
			t.Error("FailMessage of an unknown id reported true")
		}
		if !s.FailMessage(id, "Message undeliverable") {
			t.Fatal("FailMessage of a sent message reported false")
		}
		if err := s.WaitWebhooks(t.Context()); err != nil {
			t.Fatal(err)
		}
		later := rc.received()[before:]
		if len(later) != 1 || later[0].webhook.Type != wire.EventFailed {
			t.Fatalf("after FailMessage: %d events (%s); want one failed", len(later), rc.types())
		}
		m := later[0].webhook.Data.Message
		if m.ID != id || m.ChannelFailureReason != "Message undeliverable" || m.ReceivedAtUTC != start.UTC().Format(TimeFormat) ||
			m.FailedAtUTC != failedAt.UTC().Format(TimeFormat) {
			t.Errorf("failed event = %+v", m)
		}
	})
}
