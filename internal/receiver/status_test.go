package receiver

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

func TestStatusNeedsAValidToken(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		r := startReceiver(t, Config{DB: dsn, StatusTokens: []string{"tok-old", "tok-new"}})
		if code := r.post(t, testSecret, sentEvent("m").body()); code != http.StatusOK {
			t.Fatalf("webhook: %d", code)
		}
		for _, token := range []string{"", "wrong", "tok-old-but-longer", "tok"} {
			if code, _ := r.status(t, token, "m"); code != http.StatusUnauthorized {
				t.Fatalf("token %q: %d, want 401", token, code)
			}
		}
		for _, token := range []string{"tok-old", "tok-new"} {
			code, st := r.status(t, token, "m")
			if code != http.StatusOK || st.Status != wire.StatusSent {
				t.Fatalf("token %q: %d %+v", token, code, st)
			}
		}
	})
}

func TestStatusOfUnseenMessageIs404(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		r := startReceiver(t, Config{DB: dsn})
		if code, _ := r.status(t, testToken, "never-seen"); code != http.StatusNotFound {
			t.Fatalf("unseen id: %d, want 404", code)
		}
	})
}

func TestStatusJSONHasEveryFieldWithNulls(t *testing.T) {
	r := startReceiver(t, Config{Store: newMemStore()})
	if code := r.post(t, testSecret, sentEvent("m").body()); code != http.StatusOK {
		t.Fatalf("webhook: %d", code)
	}
	req, err := http.NewRequest(http.MethodGet, r.http.URL+wire.StatusPathPrefix+"m", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := r.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	if cerr := resp.Body.Close(); err != nil || cerr != nil {
		t.Fatal(err, cerr)
	}
	want := `{"id":"m","status":"sent","sent_at":null,"delivered_at":null,"read_at":null,"failed_at":null,` +
		`"failure_reason":null,"error_code":null,"callback_data":null}`
	if got := strings.TrimSpace(string(body)); got != want {
		t.Fatalf("body =\n %s\nwant\n %s", got, want)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type = %q", ct)
	}
}

func TestHealthzAndMetrics(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		r := startReceiver(t, Config{DB: dsn})
		resp, err := r.client.Get(r.http.URL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		if err := resp.Body.Close(); err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("healthz: %d", resp.StatusCode)
		}
		r.post(t, testSecret, sentEvent("m").body())
		r.post(t, "", sentEvent("m").body())
		resp, err = r.client.Get(r.http.URL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		if cerr := resp.Body.Close(); err != nil || cerr != nil {
			t.Fatal(err, cerr)
		}
		for _, want := range []string{
			"interakt_receiver_webhooks_received_total 2",
			`interakt_receiver_webhooks_rejected_total{reason="signature"} 1`,
			"interakt_receiver_events_stored_total 1",
			"interakt_receiver_events_duplicate_total 0",
			"interakt_receiver_commit_duration_seconds_count 1",
			"interakt_receiver_batch_size_count 1",
		} {
			if !strings.Contains(string(body), want) {
				t.Fatalf("metrics lack %q", want)
			}
		}
	})
}

// TestSecretsNeverLogged drives every path that logs and checks the log
// shows no secret and no token.
func TestSecretsNeverLogged(t *testing.T) {
	var logs logBuffer
	secret, token := "whsec-SENSITIVE-1", "tok-SENSITIVE-2"
	r := startReceiver(t, Config{Store: newMemStore(), WebhookSecrets: []string{secret}, StatusTokens: []string{token},
		Logger: logs.logger()})
	r.post(t, secret, sentEvent("m").body())
	r.post(t, "wrong", sentEvent("m").body())
	r.post(t, secret, []byte(`{"type":`))
	r.status(t, token, "m")
	r.status(t, "wrong-"+token, "m")
	out := logs.String()
	if out == "" {
		t.Fatalf("nothing was logged; the test would prove nothing")
	}
	if strings.Contains(out, "SENSITIVE") {
		t.Fatalf("a secret reached the log:\n%s", out)
	}
}
