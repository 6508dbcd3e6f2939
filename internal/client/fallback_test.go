package client

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// testFallbackSecret holds characters that JSON escapes, so that a
// redaction of the raw text alone would leave the body's form in the log.
const testFallbackSecret = "fallback<secret>&42"

// fallbackServer keeps one rule the way the receiver does: the secret is
// taken and never answered.
func fallbackServer(t *testing.T) (*server, *FallbackClient, *recordingLogger) {
	t.Helper()
	var kept *wire.Fallback
	s := &server{}
	s.respond = func(n int, w http.ResponseWriter, r *http.Request) {
		if r.URL.EscapedPath() != "/v1/fallbacks/sms%2Fus" {
			writeJSON(w, http.StatusNotFound, `{"error":"no such rule"}`)
			return
		}
		switch r.Method {
		case http.MethodPut:
			var f wire.Fallback
			if err := json.Unmarshal(s.seen()[n-1].body, &f); err != nil {
				writeJSON(w, http.StatusBadRequest, `{"error":"unreadable"}`)
				return
			}
			if f.URL == "bad" {
				// A receiver that quotes what it refused.
				writeJSON(w, http.StatusBadRequest, `{"error":"refused secret `+f.Secret+`"}`)
				return
			}
			f.Secret = ""
			kept = &f
			b, _ := json.Marshal(f)
			writeJSON(w, http.StatusOK, string(b))
		case http.MethodGet:
			if kept == nil {
				writeJSON(w, http.StatusNotFound, `{"error":"no such rule"}`)
				return
			}
			b, _ := json.Marshal(kept)
			writeJSON(w, http.StatusOK, string(b))
		case http.MethodDelete:
			if kept == nil {
				writeJSON(w, http.StatusNotFound, `{"error":"no such rule"}`)
				return
			}
			kept = nil
			writeJSON(w, http.StatusOK, `{"dropped_handoffs":3}`)
		}
	}
	ts := startHTTP(t, s)
	logger := &recordingLogger{}
	return s, NewFallbackClient(ts.URL, testToken, nil, logger), logger
}

func TestFallbackClientRoundTrip(t *testing.T) {
	t.Parallel()
	s, c, logger := fallbackServer(t)
	rule := wire.Fallback{
		Name: "sms/us", URL: "https://sms.example.com/hook", Secret: testFallbackSecret,
		On: []string{wire.FallbackOnFailed, wire.FallbackOnUndelivered}, UndeliveredAfterSeconds: 900,
		Templates: []wire.FallbackTemplate{{Name: "otp", LanguageCode: "en"}},
	}
	kept, err := c.Put(t.Context(), rule)
	if err != nil {
		t.Fatalf("Put: %v", err)
	}
	if kept.Secret != "" || kept.UndeliveredAfterSeconds != 900 || len(kept.Templates) != 1 {
		t.Errorf("Put answered %+v", kept)
	}
	got, found, err := c.Get(t.Context(), "sms/us")
	if err != nil || !found || got.URL != rule.URL || got.On[1] != wire.FallbackOnUndelivered {
		t.Errorf("Get = %+v, found %v, %v", got, found, err)
	}
	removed, found, err := c.Delete(t.Context(), "sms/us")
	if err != nil || !found || removed.DroppedHandoffs != 3 {
		t.Errorf("Delete = %+v, found %v, %v; want 3 dropped", removed, found, err)
	}
	if _, found, err := c.Get(t.Context(), "sms/us"); err != nil || found {
		t.Errorf("Get after Delete = found %v, %v; want not found", found, err)
	}
	if _, found, err := c.Delete(t.Context(), "sms/us"); err != nil || found {
		t.Errorf("Delete again = found %v, %v; want not found and no error", found, err)
	}

	requests := s.seen()
	if len(requests) != 5 {
		t.Fatalf("the receiver saw %d requests, want 5", len(requests))
	}
	var sent wire.Fallback
	if err := json.Unmarshal(requests[0].body, &sent); err != nil || sent.Secret != testFallbackSecret {
		t.Errorf("the PUT carried %s (%v); want the secret", requests[0].body, err)
	}
	for _, r := range requests {
		if r.header.Get("Authorization") != "Bearer "+testToken {
			t.Errorf("%s %s: not authenticated with the status token", r.method, r.uri)
		}
	}
	expectNoFallbackSecret(t, logger, "")
}

func TestFallbackClientErrorsHideTheSecret(t *testing.T) {
	t.Parallel()
	_, c, logger := fallbackServer(t)
	_, err := c.Put(t.Context(), wire.Fallback{Name: "sms/us", URL: "bad", Secret: testFallbackSecret, On: []string{"failed"}})
	if KindOf(err) != KindRejected {
		t.Fatalf("Put = %v; want a rejection", err)
	}
	if e, ok := ReceiverError(err); !ok || e.StatusCode != http.StatusBadRequest {
		t.Errorf("the error %v is not marked as the receiver's", err)
	}
	expectNoFallbackSecret(t, logger, err.Error())
	if !strings.Contains(err.Error(), "[redacted]") {
		t.Errorf("the error %q does not show where the secret was", err)
	}
}

func TestFallbackClientUnauthorized(t *testing.T) {
	t.Parallel()
	s := &server{respond: func(_ int, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusUnauthorized, `{"error":"bad token"}`)
	}}
	ts := startHTTP(t, s)
	c := NewFallbackClient(ts.URL, testToken, nil, nil)
	_, _, err := c.Get(t.Context(), "sms")
	if e, ok := ReceiverError(err); !ok || e.Kind != KindUnauthorized {
		t.Fatalf("Get = %v; want the receiver's 401", err)
	}
	if !strings.Contains(err.Error(), "status token") {
		t.Errorf("the error %q does not name the status token", err)
	}
	if _, err := NewFallbackClient("ftp://x", testToken, nil, nil).Put(t.Context(), wire.Fallback{Name: "sms"}); err == nil {
		t.Error("Put with an invalid URL succeeded")
	}
}

// expectNoFallbackSecret fails when a log line or text holds the secret,
// raw or as JSON writes it.
func expectNoFallbackSecret(t *testing.T, logger *recordingLogger, text string) {
	t.Helper()
	entries := logger.all()
	bodies := 0
	for _, e := range entries {
		line := e.text()
		if strings.Contains(line, "request body") {
			bodies++
		}
		text += "\n" + line
	}
	for _, form := range []string{testFallbackSecret, jsonEscaped(testFallbackSecret)} {
		if strings.Contains(text, form) {
			t.Errorf("the logs or error hold the secret as %q:\n%s", form, text)
		}
	}
	if bodies == 0 {
		t.Error("no request body was logged, so the search proves nothing")
	}
}

func TestFallbackClientHandoffs(t *testing.T) {
	t.Parallel()
	s := &server{respond: func(_ int, w http.ResponseWriter, r *http.Request) {
		switch r.URL.RequestURI() {
		case "/v1/fallbacks/sms/handoffs?state=dead":
			writeJSON(w, http.StatusOK, `{"handoffs":[{"id":"h1","message_id":"m1","reason":"failed","state":"dead","attempts":9,`+
				`"created_at":"2026-12-01T10:00:00Z","next_attempt_at":null,"delivered_at":null,"last_error":"answered HTTP 503"}]}`)
		default:
			writeJSON(w, http.StatusNotFound, `{"error":"no such rule"}`)
		}
	}}
	c := NewFallbackClient(startHTTP(t, s).URL, testToken, nil, nil)
	list, found, err := c.Handoffs(t.Context(), "sms", wire.HandoffDead)
	if err != nil || !found || len(list) != 1 || list[0].Attempts != 9 || list[0].LastError == nil {
		t.Errorf("Handoffs = %+v, found %v, %v", list, found, err)
	}
	if _, found, err := c.Handoffs(t.Context(), "other", ""); err != nil || found {
		t.Errorf("Handoffs(other) = found %v, %v; want not found", found, err)
	}
}
