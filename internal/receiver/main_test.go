package receiver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/pgtest"
	"github.com/interakt-community/terraform-provider-interakt/internal/receiver/event"
	"github.com/interakt-community/terraform-provider-interakt/internal/receiver/store"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// childEnv makes the test binary run as the interakt-receiver program, so
// that tests can start a real receiver process and kill it.
const childEnv = "INTERAKT_RECEIVER_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := Main(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	os.Exit(pgtest.RunTests(m))
}

const (
	testSecret = "whsec-test-one"
	testToken  = "status-token-one"
)

type backend struct {
	name string
	dsn  func(t *testing.T) string
}

var backends = []backend{
	{"sqlite", func(t *testing.T) string { return "sqlite://" + filepath.Join(t.TempDir(), "status.db") }},
	{"postgres", func(t *testing.T) string { return pgtest.NewDatabase(t) }},
}

// eachBackend runs test once per store kind, each on a new database.
func eachBackend(t *testing.T, test func(t *testing.T, dsn string)) {
	t.Helper()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { test(t, b.dsn(t)) })
	}
}

// testReceiver is a Server behind an httptest server.
type testReceiver struct {
	srv    *Server
	http   *httptest.Server
	client *http.Client
}

// startReceiver starts a receiver; cfg's unset secrets, tokens and logger
// get test values.
func startReceiver(t *testing.T, cfg Config) *testReceiver {
	t.Helper()
	if cfg.WebhookSecrets == nil {
		cfg.WebhookSecrets = []string{testSecret}
	}
	if cfg.StatusTokens == nil {
		cfg.StatusTokens = []string{testToken}
	}
	if cfg.Logger == nil {
		cfg.Logger = discardLogger()
	}
	srv, err := New(t.Context(), cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	hs := httptest.NewServer(srv.Handler())
	tr := &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}
	r := &testReceiver{srv: srv, http: hs, client: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
	t.Cleanup(func() {
		hs.Close()
		tr.CloseIdleConnections()
		if err := srv.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return r
}

// post sends a webhook signed with secret ("" sends none) and returns the
// status code.
func (r *testReceiver) post(t testing.TB, secret string, body []byte) int {
	t.Helper()
	code, err := postWebhook(r.client, r.http.URL+r.srv.WebhookPath(), secret, body)
	if err != nil {
		t.Fatalf("POST webhook: %v", err)
	}
	return code
}

func postWebhook(client *http.Client, url, secret string, body []byte) (int, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set(wire.SignatureHeader, Sign(secret, body))
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, errors.Join(err, resp.Body.Close())
}

// status GETs a message's status with token ("" sends none).
func (r *testReceiver) status(t testing.TB, token, id string) (int, wire.Status) {
	t.Helper()
	code, st, err := getStatus(r.client, r.http.URL, token, id)
	if err != nil {
		t.Fatalf("GET status: %v", err)
	}
	return code, st
}

func getStatus(client *http.Client, baseURL, token, id string) (int, wire.Status, error) {
	req, err := http.NewRequest(http.MethodGet, baseURL+wire.StatusPathPrefix+id, nil)
	if err != nil {
		return 0, wire.Status{}, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, wire.Status{}, err
	}
	defer func() { _ = resp.Body.Close() }()
	var st wire.Status
	if resp.StatusCode == http.StatusOK {
		if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
			return resp.StatusCode, st, err
		}
	} else if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return resp.StatusCode, st, err
	}
	return resp.StatusCode, st, nil
}

// mustStatus GETs a status that must exist.
func (r *testReceiver) mustStatus(t testing.TB, id string) wire.Status {
	t.Helper()
	code, st := r.status(t, testToken, id)
	if code != http.StatusOK {
		t.Fatalf("GET status of %s: %d", id, code)
	}
	return st
}

// hook builds a webhook body as Interakt sends it, with zone-less times.
type hook struct {
	typ, id                 string
	sent, delivered, seen   string
	failed, reason, code    string
	callback, envelopeStamp string
	// template and language name the template sent, when set.
	template, language string
}

func (e hook) body() []byte {
	statuses := map[string]string{
		wire.EventSent: "Sent", wire.EventDelivered: "Delivered", wire.EventRead: "Read", wire.EventFailed: "Failed",
	}
	hook := wire.Webhook{
		Version:   "1.0",
		Timestamp: e.envelopeStamp,
		Type:      e.typ,
		Data: wire.WebhookData{
			Customer: wire.WebhookCustomer{ID: "c-1", PhoneNumber: "9999999999", CountryCode: "+91"},
			Message: wire.WebhookMessage{
				ID:                   e.id,
				MessageStatus:        statuses[e.typ],
				ReceivedAtUTC:        e.sent,
				DeliveredAtUTC:       e.delivered,
				SeenAtUTC:            e.seen,
				FailedAtUTC:          e.failed,
				ChannelFailureReason: e.reason,
				ChannelErrorCode:     e.code,
				MetaData:             wire.WebhookMetaData{SourceData: wire.WebhookSourceData{CallbackData: e.callback}},
			},
		},
	}
	if e.template != "" {
		raw, err := json.Marshal(wire.RawTemplate{Name: e.template, Language: e.language})
		if err != nil {
			panic(err)
		}
		hook.Data.Message.RawTemplate = string(raw)
	}
	b, err := json.Marshal(hook)
	if err != nil {
		panic(err)
	}
	return b
}

func sentEvent(id string) hook {
	return hook{typ: wire.EventSent, id: id, sent: "2026-03-01T10:00:00.000000", callback: "cb-" + id}
}

func deliveredEvent(id string) hook {
	return hook{typ: wire.EventDelivered, id: id, sent: "2026-03-01T10:00:00.000000",
		delivered: "2026-03-01T10:00:05.000000", callback: "cb-" + id}
}

func readEvent(id string) hook {
	return hook{typ: wire.EventRead, id: id, sent: "2026-03-01T10:00:00.000000",
		seen: "2026-03-01T10:01:00.000000", callback: "cb-" + id}
}

func failedEvent(id string) hook {
	return hook{typ: wire.EventFailed, id: id, failed: "2026-03-01T10:02:00.000000",
		reason: "Message undeliverable", code: "131026", callback: "cb-" + id}
}

// memStore is an in-memory Store for tests of the server's own logic; a
// hook may delay or fail Apply.
type memStore struct {
	// Store is nil: the methods memStore lacks are not used by its tests.
	store.Store
	mu          sync.Mutex
	events      map[[2]string]bool
	messages    map[string]store.Message
	purges      []time.Time
	deadLetters []store.DeadLetter
	// beforeApply, if set, runs before each Apply; an error fails it.
	beforeApply func(ctx context.Context, events []event.Event) error
}

func newMemStore() *memStore {
	return &memStore{events: map[[2]string]bool{}, messages: map[string]store.Message{}}
}

func (m *memStore) Apply(ctx context.Context, events []event.Event) ([]store.Outcome, error) {
	if m.beforeApply != nil {
		if err := m.beforeApply(ctx, events); err != nil {
			return nil, err
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]store.Outcome, len(events))
	for i, ev := range events {
		key := [2]string{ev.MessageID, ev.Type}
		if m.events[key] {
			out[i] = store.Duplicate
			continue
		}
		m.events[key] = true
		msg := m.messages[ev.MessageID]
		msg.ID = ev.MessageID
		msg.Status = max(msg.Status, ev.Status)
		msg.UpdatedAt = ev.ReceivedAt
		m.messages[ev.MessageID] = msg
		out[i] = store.Stored
	}
	return out, nil
}

func (m *memStore) Message(_ context.Context, id string) (store.Message, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	msg, ok := m.messages[id]
	if !ok {
		return store.Message{}, store.ErrNotFound
	}
	return msg, nil
}

func (m *memStore) Purge(_ context.Context, cutoff time.Time) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.purges = append(m.purges, cutoff)
	return 0, nil
}

func (m *memStore) Ping(context.Context) error { return nil }

func (m *memStore) PurgeJournal(context.Context, time.Time) (int64, error) { return 0, nil }

func (m *memStore) AddDeadLetter(_ context.Context, d store.DeadLetter) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.deadLetters = append(m.deadLetters, d)
	return nil
}

func (m *memStore) Close() error { return nil }

// memStore keeps no fallback rule, so it has no hand-off to deliver.
func (m *memStore) HandOffUndelivered(context.Context, time.Time) (int, error) { return 0, nil }

func (m *memStore) ClaimHandoffs(context.Context, string, time.Time, time.Time, int) ([]store.Delivery, error) {
	return nil, nil
}

func (m *memStore) PendingHandoffs(context.Context) (int64, error) { return 0, nil }

func (m *memStore) stored(id, typ string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.events[[2]string{id, typ}]
}
