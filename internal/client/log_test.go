package client

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// scenarioServer answers sends by phone number, so one server can play
// every outcome. Some answers echo the key, as a careless API might.
func scenarioServer(t *testing.T) *server {
	pages := templatePages(t, 2)
	return &server{respond: func(n int, w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, wire.StatusPathPrefix):
			writeJSON(w, http.StatusUnauthorized, `{"error":"bad token `+testToken+`"}`)
			return
		case r.URL.Path == wire.TemplatesPath:
			pages(n, w, r)
			return
		}
		var m wire.Message
		if err := json.Unmarshal(requestBody(r), &m); err != nil {
			t.Errorf("server: %v", err)
		}
		switch m.PhoneNumber {
		case "1000000001":
			writeJSON(w, http.StatusBadRequest, `{"result":false,"message":"invalid key `+testKey+`"}`)
		case "1000000002":
			writeJSON(w, http.StatusUnauthorized, `{"result":false,"message":"Basic `+testKey+` is not valid"}`)
		case "1000000003":
			w.Header().Set("Retry-After", "1")
			writeJSON(w, http.StatusTooManyRequests, `{"result":false,"message":"Rate limit exceeded"}`)
		case "1000000004":
			writeJSON(w, http.StatusBadGateway, testKey)
		default:
			created(w, "id-"+m.PhoneNumber)
		}
	}}
}

// requestBody returns the body the recording server already read.
func requestBody(r *http.Request) []byte {
	body, ok := r.Context().Value(bodyKey{}).([]byte)
	if !ok {
		return nil
	}
	return body
}

type bodyKey struct{}

func TestSecretsNeverLogged(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := scenarioServer(t)
		hc, _ := startMem(t, withBody(s), 0)
		logger := &recordingLogger{}
		c := newTestClient(t, memBase, hc, Config{MaxRetries: 1, Logger: logger})
		var errs []error
		for _, phone := range []string{"9999999999", "1000000001", "1000000002", "1000000003", "1000000004"} {
			m := minimalMessage()
			m.PhoneNumber = phone
			_, err := c.SendTemplate(t.Context(), m)
			errs = append(errs, err)
		}
		if _, err := c.ListTemplates(t.Context()); err != nil {
			t.Errorf("ListTemplates: %v", err)
		}
		reader := NewStatusReader(memBase, testToken, hc, logger)
		_, _, err := reader.Get(t.Context(), "m1")
		errs = append(errs, err)

		// A client whose every dial fails.
		failing, _ := startMem(t, s, 100)
		c2 := newTestClient(t, memBase, failing, Config{MaxRetries: 1, Logger: logger})
		_, err = c2.SendTemplate(t.Context(), minimalMessage())
		errs = append(errs, err)

		if errs[0] != nil {
			t.Errorf("the successful send failed: %v", errs[0])
		}
		for i, err := range errs[1:] {
			if err == nil {
				t.Errorf("scenario %d succeeded, want an error", i+1)
				continue
			}
			assertNoSecret(t, "error", err.Error())
		}
		entries := logger.all()
		if len(entries) == 0 {
			t.Fatal("nothing was logged")
		}
		for _, e := range entries {
			assertNoSecret(t, e.level+" log", e.text())
			for k := range e.fields {
				if strings.EqualFold(k, "authorization") {
					t.Errorf("%s log %q has an authorization field", e.level, e.msg)
				}
			}
		}
	})
}

func assertNoSecret(t *testing.T, where, text string) {
	t.Helper()
	for _, secret := range []string{testKey, testToken} {
		if strings.Contains(text, secret) {
			t.Errorf("%s contains %q: %s", where, secret, text)
		}
	}
}

// withBody reads the request body into the context so that both the
// recording server and the scenario handler see it.
func withBody(s *server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), bodyKey{}, body))
		r.Body = http.NoBody
		s.ServeHTTP(w, r)
	})
}

func TestRequestLogFields(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &server{respond: func(_ int, w http.ResponseWriter, _ *http.Request) { created(w, "logged") }}
		hc, _ := startMem(t, s, 0)
		logger := &recordingLogger{}
		c := newTestClient(t, memBase, hc, Config{Logger: logger})
		if _, err := c.SendTemplate(t.Context(), fullMessage()); err != nil {
			t.Fatal(err)
		}
		var debug, trace []logEntry
		for _, e := range logger.all() {
			if e.level == "debug" {
				debug = append(debug, e)
			} else {
				trace = append(trace, e)
			}
		}
		if len(debug) != 1 {
			t.Fatalf("%d debug entries, want 1 per request: %v", len(debug), debug)
		}
		want := map[string]any{"method": "POST", "path": wire.MessagePath, "status": 201, "attempt": 1, "limiter_wait": "0s", "duration": "0s"}
		for k, v := range want {
			if debug[0].fields[k] != v {
				t.Errorf("debug field %s = %v, want %v", k, debug[0].fields[k], v)
			}
		}
		// Phone numbers and values are personal data: only at trace.
		if strings.Contains(debug[0].text(), "9999999999") {
			t.Errorf("debug log holds the phone number: %s", debug[0].text())
		}
		var traced strings.Builder
		for _, e := range trace {
			traced.WriteString(e.text())
		}
		if !strings.Contains(traced.String(), `"phoneNumber":"9999999999"`) || !strings.Contains(traced.String(), `"id":"logged"`) {
			t.Errorf("trace logs lack the request or response body: %s", traced.String())
		}
	})
}
