package receiver

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/receiver/store"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// handoffEndpoint is a rule's URL: it records every request, checks its
// signature under fallbackSecret, and answers with what answer says (200
// when nil).
type handoffEndpoint struct {
	t      testing.TB
	secret string
	server *httptest.Server
	answer func(key string, try int) int

	mu       sync.Mutex
	requests []handoffRequest
	tries    map[string]int
	inFlight map[string]int
	overlaps int
	arrived  chan struct{}
}

// handoffRequest is one POST the endpoint received.
type handoffRequest struct {
	Key       string
	Signature string
	Body      []byte
	Handoff   wire.Handoff
	Answer    int
	ValidSig  bool
}

func newHandoffEndpoint(t testing.TB, answer func(key string, try int) int) *handoffEndpoint {
	e := &handoffEndpoint{t: t, secret: fallbackSecret, answer: answer, tries: map[string]int{},
		inFlight: map[string]int{}, arrived: make(chan struct{}, 1)}
	e.server = httptest.NewServer(http.HandlerFunc(e.serve))
	t.Cleanup(e.server.Close)
	return e
}

func (e *handoffEndpoint) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	key := r.Header.Get(wire.IdempotencyKeyHeader)
	e.mu.Lock()
	e.inFlight[key]++
	if e.inFlight[key] > 1 {
		e.overlaps++
	}
	e.tries[key]++
	try := e.tries[key]
	e.mu.Unlock()

	code := http.StatusOK
	if e.answer != nil {
		code = e.answer(key, try)
	}
	req := handoffRequest{Key: key, Signature: r.Header.Get(wire.FallbackSignatureHeader), Body: body, Answer: code}
	// Verified here with HMAC written out, not with the receiver's Sign.
	mac := hmac.New(sha256.New, []byte(e.secret))
	mac.Write(body)
	req.ValidSig = req.Signature == "sha256="+hex.EncodeToString(mac.Sum(nil))
	if err := json.Unmarshal(body, &req.Handoff); err != nil {
		e.t.Errorf("hand-off body is not a wire.Handoff: %v: %s", err, body)
	}
	w.WriteHeader(code)

	e.mu.Lock()
	e.inFlight[key]--
	e.requests = append(e.requests, req)
	e.mu.Unlock()
	select {
	case e.arrived <- struct{}{}:
	default:
	}
}

// got returns a copy of the requests received so far.
func (e *handoffEndpoint) got() []handoffRequest {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]handoffRequest(nil), e.requests...)
}

// waitFor waits until done holds of the requests received, or fails.
func (e *handoffEndpoint) waitFor(t testing.TB, what string, within time.Duration, done func([]handoffRequest) bool) []handoffRequest {
	t.Helper()
	deadline := time.After(within)
	for {
		if got := e.got(); done(got) {
			return got
		}
		select {
		case <-e.arrived:
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatalf("waiting for %s: got %d requests", what, len(e.got()))
		}
	}
}

// delivered returns the requests answered 2xx, by idempotency key.
func delivered(reqs []handoffRequest) map[string]handoffRequest {
	out := map[string]handoffRequest{}
	for _, r := range reqs {
		if r.Answer/100 == 2 {
			out[r.Key] = r
		}
	}
	return out
}

// fastHandoffs is a Config whose hand-off loops and backoff suit tests.
func fastHandoffs(dsn string) Config {
	return Config{DB: dsn, HandoffPoll: 20 * time.Millisecond, UndeliveredScan: 50 * time.Millisecond,
		HandoffBackoff: 50 * time.Millisecond, HandoffMaxBackoff: 200 * time.Millisecond,
		HandoffTimeout: 2 * time.Second}
}

func TestFallbackHandsOffFailedAndUndelivered(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, dsn string) {
		t.Parallel()
		endpoint := newHandoffEndpoint(t, nil)
		var logs logBuffer
		cfg := fastHandoffs(dsn)
		cfg.Logger = logs.logger()
		r := startReceiver(t, cfg)
		r.putFallback(t, wire.Fallback{Name: "sms", URL: endpoint.server.URL + "/hook", Secret: fallbackSecret,
			On: []string{wire.FallbackOnFailed, wire.FallbackOnUndelivered}, UndeliveredAfterSeconds: 3,
			Templates: []wire.FallbackTemplate{{Name: "order_update", LanguageCode: "en"}}})

		ours := func(e hook) hook { e.template, e.language = "order_update", "en"; return e }
		other := func(e hook) hook { e.template, e.language = "otp", "en"; return e }
		sentAt := time.Now()
		for _, e := range []hook{
			ours(sentEvent("m-failed")), ours(failedEvent("m-failed")),
			ours(sentEvent("m-sent")),
			ours(sentEvent("m-delivered")), ours(deliveredEvent("m-delivered")),
			other(sentEvent("m-other")), other(failedEvent("m-other")),
			ours(sentEvent("m-late")),
		} {
			if code := r.post(t, testSecret, e.body()); code != http.StatusOK {
				t.Fatalf("webhook %s of %s: %d", e.typ, e.id, code)
			}
		}
		got := endpoint.waitFor(t, "the undelivered hand-offs", 30*time.Second, func(reqs []handoffRequest) bool {
			d := delivered(reqs)
			_, sent := d["m-sent:sms"]
			_, late := d["m-late:sms"]
			return sent && late
		})
		// m-late fails after its hand-off as undelivered: the first reason wins.
		if code := r.post(t, testSecret, ours(failedEvent("m-late")).body()); code != http.StatusOK {
			t.Fatalf("late failure: %d", code)
		}

		byKey := delivered(got)
		want := map[string]string{"m-failed:sms": wire.FallbackOnFailed, "m-sent:sms": wire.FallbackOnUndelivered, "m-late:sms": wire.FallbackOnUndelivered}
		for key, reason := range want {
			req, ok := byKey[key]
			switch {
			case !ok:
				t.Errorf("no hand-off with key %s", key)
			case req.Handoff.Reason != reason || req.Handoff.Rule != "sms" || req.Handoff.Message.ID+":sms" != key:
				t.Errorf("hand-off %s: reason %q rule %q message %q, want reason %q", key, req.Handoff.Reason, req.Handoff.Rule, req.Handoff.Message.ID, reason)
			case !req.ValidSig:
				t.Errorf("hand-off %s: signature %q does not verify under the secret", key, req.Signature)
			}
		}
		for _, req := range got {
			if _, ok := want[req.Key]; !ok {
				t.Errorf("unexpected hand-off %s: %s", req.Key, req.Body)
			}
		}
		failed := byKey["m-failed:sms"].Handoff.Message
		if deref(failed.TemplateName) != "order_update" || deref(failed.TemplateLanguage) != "en" || failed.Status != wire.StatusFailed ||
			deref(failed.ErrorCode) != "131026" || deref(failed.CountryCode) != "+91" || deref(failed.PhoneNumber) != "9999999999" ||
			deref(failed.CallbackData) != "cb-m-failed" || deref(failed.SentAt) != "2026-03-01T10:00:00Z" {
			t.Errorf("failed hand-off's message: %s", byKey["m-failed:sms"].Body)
		}
		undelivered := byKey["m-sent:sms"].Handoff
		if at, err := time.Parse(time.RFC3339Nano, undelivered.HandedOffAt); err != nil || at.Sub(sentAt) < 3*time.Second {
			t.Errorf("undelivered hand-off decided at %s, want 3s or more after %s", undelivered.HandedOffAt, sentAt.UTC().Format(time.RFC3339Nano))
		}
		t.Logf("an endpoint received:\n%s: %s\n%s: %s\nbody: %s", wire.IdempotencyKeyHeader, byKey["m-failed:sms"].Key,
			wire.FallbackSignatureHeader, byKey["m-failed:sms"].Signature, byKey["m-failed:sms"].Body)

		// The outbox holds exactly these three, delivered (once each
		// outcome is recorded, just after the endpoint's answer), and
		// m-late once.
		list := r.waitHandoffs(t, "sms", func(l wire.HandoffList) bool {
			for _, h := range l.Handoffs {
				if h.State == wire.HandoffPending {
					return false
				}
			}
			return true
		})
		reasons := map[string]string{}
		for _, h := range list.Handoffs {
			if h.State != wire.HandoffDelivered || h.Attempts != 1 || h.DeliveredAt == nil {
				t.Errorf("hand-off of %s listed as %+v, want delivered at the first try", h.MessageID, h)
			}
			reasons[h.MessageID+":sms"] = h.Reason
		}
		if len(reasons) != len(want) || len(list.Handoffs) != len(want) {
			t.Errorf("listed hand-offs %v, want %v", reasons, want)
		}
		for key, reason := range want {
			if reasons[key] != reason {
				t.Errorf("listed %s with reason %q, want %q", key, reasons[key], reason)
			}
		}
		if strings.Contains(logs.String(), fallbackSecret) {
			t.Errorf("the rule's secret is in the log")
		}
		// The counters move just after the outcomes are committed.
		m := r.srv.metrics
		waitCounter(t, "delivered", m.handoffsDelivered, 3)
		waitCounter(t, "handed off as undelivered", m.handoffsUndelivered, 2)
		if n, _ := histogramCount(t, m.handoffLatency); n != 3 {
			t.Errorf("delivery latency observed %d times, want 3", n)
		}
		code, answer := r.call(t, http.MethodGet, "/metrics", "", nil)
		if code != http.StatusOK || !strings.Contains(string(answer), "interakt_receiver_handoffs_pending ") {
			t.Errorf("/metrics: %d, no interakt_receiver_handoffs_pending", code)
		}
	})
}

// waitCounter waits until c reaches want, and fails if it passes it or
// does not get there.
func waitCounter(t testing.TB, what string, c prometheus.Counter, want float64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := counterValue(t, c)
		if got == want {
			return
		}
		if got > want || time.Now().After(deadline) {
			t.Fatalf("%s counter %v, want %v", what, got, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// histogramCount reads a histogram's observation count and sum.
func histogramCount(t testing.TB, h prometheus.Histogram) (uint64, float64) {
	t.Helper()
	var m dto.Metric
	if err := h.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetHistogram().GetSampleCount(), m.GetHistogram().GetSampleSum()
}

func TestFallbackRetriesUntilDeadThenRetryEndpoint(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, dsn string) {
		t.Parallel()
		var refuse sync.Map
		refuse.Store("on", true)
		endpoint := newHandoffEndpoint(t, func(string, int) int {
			if v, _ := refuse.Load("on"); v == true {
				return http.StatusServiceUnavailable
			}
			return http.StatusOK
		})
		cfg := fastHandoffs(dsn)
		cfg.HandoffGiveUp = 300 * time.Millisecond
		r := startReceiver(t, cfg)
		r.putFallback(t, wire.Fallback{Name: "sms", URL: endpoint.server.URL, Secret: fallbackSecret, On: []string{wire.FallbackOnFailed}})
		if code := r.post(t, testSecret, failedEvent("m-dead").body()); code != http.StatusOK {
			t.Fatalf("webhook: %d", code)
		}
		deadPath := wire.FallbackPathPrefix + "sms" + wire.FallbackHandoffsPath + "?state=dead"
		var list wire.HandoffList
		deadline := time.Now().Add(30 * time.Second)
		for len(list.Handoffs) == 0 {
			if time.Now().After(deadline) {
				t.Fatalf("no dead hand-off; the endpoint got %d tries", len(endpoint.got()))
			}
			time.Sleep(50 * time.Millisecond)
			_, answer := r.call(t, http.MethodGet, deadPath, testToken, nil)
			if err := json.Unmarshal(answer, &list); err != nil {
				t.Fatal(err)
			}
		}
		dead := list.Handoffs[0]
		if dead.MessageID != "m-dead" || dead.Attempts < 2 || deref(dead.LastError) != "answered HTTP 503" {
			t.Errorf("dead hand-off %+v: want m-dead after several tries, last error HTTP 503", dead)
		}
		waitCounter(t, "dead", r.srv.metrics.handoffsDead, 1)
		waitCounter(t, "retried", r.srv.metrics.handoffsRetried, float64(dead.Attempts-1))
		refuse.Store("on", false)
		code, answer := r.call(t, http.MethodPost, wire.FallbackPathPrefix+"sms"+wire.FallbackRetryPath, testToken, nil)
		if code != http.StatusOK || strings.TrimSpace(string(answer)) != `{"retried":1}` {
			t.Fatalf("retry: %d %s", code, answer)
		}
		endpoint.waitFor(t, "the retried hand-off", 30*time.Second, func(reqs []handoffRequest) bool {
			_, ok := delivered(reqs)["m-dead:sms"]
			return ok
		})
	})
}

func TestFallbackRemovedDropsPendingAndHandsOffNoMore(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, dsn string) {
		t.Parallel()
		endpoint := newHandoffEndpoint(t, func(string, int) int { return http.StatusServiceUnavailable })
		r := startReceiver(t, fastHandoffs(dsn))
		rule := wire.Fallback{Name: "sms", URL: endpoint.server.URL, Secret: fallbackSecret, On: []string{wire.FallbackOnFailed}}
		r.putFallback(t, rule)
		for _, id := range []string{"m-1", "m-2"} {
			if code := r.post(t, testSecret, failedEvent(id).body()); code != http.StatusOK {
				t.Fatalf("webhook: %d", code)
			}
		}
		endpoint.waitFor(t, "a refused try", 30*time.Second, func(reqs []handoffRequest) bool { return len(reqs) > 0 })

		code, answer := r.call(t, http.MethodDelete, wire.FallbackPathPrefix+"sms", testToken, nil)
		if code != http.StatusOK || strings.TrimSpace(string(answer)) != `{"dropped_handoffs":2}` {
			t.Fatalf("DELETE: %d %s, want 2 dropped", code, answer)
		}
		if n := counterValue(t, r.srv.metrics.handoffsDropped); n != 2 {
			t.Errorf("dropped counter %v, want 2", n)
		}
		if code := r.post(t, testSecret, failedEvent("m-after").body()); code != http.StatusOK {
			t.Fatalf("webhook: %d", code)
		}
		// The rule put again starts empty: neither the dropped hand-offs
		// nor the failure stored while there was no rule are in it.
		r.putFallback(t, rule)
		code, answer = r.call(t, http.MethodGet, wire.FallbackPathPrefix+"sms"+wire.FallbackHandoffsPath, testToken, nil)
		if code != http.StatusOK || strings.TrimSpace(string(answer)) != `{"handoffs":[]}` {
			t.Errorf("hand-offs after the rule was removed and put again: %d %s, want none", code, answer)
		}
	})
}

// waitHandoffs lists a rule's hand-offs until done holds of the list, or
// fails.
func (r *testReceiver) waitHandoffs(t testing.TB, rule string, done func(wire.HandoffList) bool) wire.HandoffList {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		code, answer := r.call(t, http.MethodGet, wire.FallbackPathPrefix+rule+wire.FallbackHandoffsPath, testToken, nil)
		var list wire.HandoffList
		if err := json.Unmarshal(answer, &list); code != http.StatusOK || err != nil {
			t.Fatalf("hand-off listing: %d %s", code, answer)
		}
		if done(list) {
			return list
		}
		if time.Now().After(deadline) {
			t.Fatalf("hand-offs of %s still %+v", rule, list.Handoffs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestStoppedReceiverGivesItsClaimsBack closes a receiver while a POST is
// under way: the hand-off is pending again at once, its attempts
// unchanged, rather than held until the lease runs out.
func TestStoppedReceiverGivesItsClaimsBack(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	endpoint := newHandoffEndpoint(t, func(string, int) int {
		<-release
		return http.StatusOK
	})
	t.Cleanup(func() { close(release) })
	dsn := backends[0].dsn(t)
	cfg := fastHandoffs(dsn)
	cfg.HandoffTimeout, cfg.HandoffLease = 10*time.Second, time.Minute
	r := startReceiver(t, cfg)
	r.putFallback(t, wire.Fallback{Name: "sms", URL: endpoint.server.URL, Secret: fallbackSecret, On: []string{wire.FallbackOnFailed}})
	if code := r.post(t, testSecret, failedEvent("m-stop").body()); code != http.StatusOK {
		t.Fatalf("webhook: %d", code)
	}
	endpoint.mu.Lock()
	for endpoint.tries["m-stop:sms"] == 0 {
		endpoint.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
		endpoint.mu.Lock()
	}
	endpoint.mu.Unlock()
	stoppedAt := time.Now()
	if err := r.srv.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	hs, err := s.Handoffs(t.Context(), "sms", 0)
	if err != nil || len(hs) != 1 {
		t.Fatalf("hand-offs: %+v %v", hs, err)
	}
	h := hs[0]
	if h.State != store.HandoffPending || h.Attempts != 0 || h.NextAttemptAt.After(stoppedAt.Add(10*time.Second)) {
		t.Errorf("after the stop: %+v, want pending, no attempt counted, due now rather than at the lease's end", h)
	}
}
