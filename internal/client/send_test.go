package client

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

func TestSendTemplateRequest(t *testing.T) {
	tests := []struct {
		name string
		msg  wire.Message
		want string
	}{
		{
			name: "full example",
			msg:  fullMessage(),
			want: `{"countryCode":"+91","phoneNumber":"9999999999","type":"Template","callbackData":"release-42","template":{"name":"order_shipped","languageCode":"en","headerValues":["Alert"],"fileName":"invoice.pdf","bodyValues":["There","1234"],"buttonValues":{"0":["12344"]},"buttonPayload":{"1":["payload1"]}}}`,
		},
		{
			name: "minimal",
			msg:  minimalMessage(),
			want: `{"countryCode":"+91","phoneNumber":"9999999999","type":"Template","template":{"name":"hello","languageCode":"en"}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &server{respond: func(_ int, w http.ResponseWriter, _ *http.Request) { created(w, "msg-1") }}
			ts := startHTTP(t, s)
			c := newTestClient(t, ts.URL+"/", nil, Config{UserAgent: "terraform-provider-interakt/1.2.3"})
			id, err := c.SendTemplate(t.Context(), tt.msg)
			if err != nil {
				t.Fatalf("SendTemplate: %v", err)
			}
			if id != "msg-1" {
				t.Errorf("id = %q, want msg-1", id)
			}
			reqs := s.seen()
			if len(reqs) != 1 {
				t.Fatalf("server saw %d requests, want 1", len(reqs))
			}
			r := reqs[0]
			if r.method != http.MethodPost || r.uri != "/v1/public/message/" {
				t.Errorf("request = %s %s, want POST /v1/public/message/", r.method, r.uri)
			}
			if string(r.body) != tt.want {
				t.Errorf("body =\n%s\nwant\n%s", r.body, tt.want)
			}
			for header, want := range map[string]string{
				"Authorization": "Basic " + testKey,
				"Content-Type":  "application/json",
				"User-Agent":    "terraform-provider-interakt/1.2.3",
			} {
				if got := r.header.Get(header); got != want {
					t.Errorf("%s = %q, want %q", header, got, want)
				}
			}
		})
	}
}

func TestSendTemplateDefaultUserAgent(t *testing.T) {
	s := &server{respond: func(_ int, w http.ResponseWriter, _ *http.Request) { created(w, "x") }}
	ts := startHTTP(t, s)
	c := newTestClient(t, ts.URL, nil, Config{})
	if _, err := c.SendTemplate(t.Context(), minimalMessage()); err != nil {
		t.Fatal(err)
	}
	if got := s.seen()[0].header.Get("User-Agent"); got != DefaultUserAgent {
		t.Errorf("User-Agent = %q, want %q", got, DefaultUserAgent)
	}
}

// TestSendTemplateOutcomes maps each answer to its outcome. Retries are
// enabled, and only the certain-and-retryable 429 case may repeat a
// request; here it has none left to use.
func TestSendTemplateOutcomes(t *testing.T) {
	tests := []struct {
		name        string
		status      int
		header      map[string]string
		body        string
		maxRetries  int
		wantID      string
		wantKind    Kind
		wantMessage string
	}{
		{name: "201 success", status: 201, body: `{"result":true,"message":"Message created successfully","id":"a1"}`, wantID: "a1"},
		{name: "200 success", status: 200, body: `{"result":true,"message":"Message queued for sending via Interakt. Check webhook for delivery status","id":"a2"}`, wantID: "a2"},
		{name: "202 success", status: 202, body: `{"result":true,"id":"a3"}`, wantID: "a3"},
		{name: "200 result false", status: 200, body: `{"result":false,"message":"Phone Number & Country Code provided is invalid"}`,
			wantKind: KindRejected, wantMessage: "Phone Number & Country Code provided is invalid"},
		{name: "201 result false", status: 201, body: `{"result":false,"message":"nope"}`, wantKind: KindRejected, wantMessage: "nope"},
		{name: "201 without id", status: 201, body: `{"result":true,"message":"ok"}`, wantKind: KindUncertain},
		{name: "200 without result", status: 200, body: `{"id":"a4"}`, wantKind: KindUncertain},
		{name: "200 unreadable body", status: 200, body: `{"result":tr`, wantKind: KindUncertain},
		{name: "200 html body", status: 200, body: `<html>ok</html>`, wantKind: KindUncertain},
		{name: "204 no body", status: 204, wantKind: KindUncertain},
		{name: "201 id not a string", status: 201, body: `{"result":true,"id":42}`, wantKind: KindUncertain},
		{name: "400", status: 400, body: `{"result":false,"message":"Please correct the following error - No approved template found with name 'x' and language 'en'"}`,
			wantKind: KindRejected, wantMessage: "Please correct the following error - No approved template found with name 'x' and language 'en'"},
		{name: "400 plain text", status: 400, body: "bad request\n", wantKind: KindRejected, wantMessage: "bad request"},
		{name: "401", status: 401, body: `{"result":false,"message":"Invalid API key"}`, wantKind: KindUnauthorized, wantMessage: "Invalid API key"},
		{name: "403", status: 403, body: `{"result":false,"message":"API access not available on your plan"}`, wantKind: KindForbidden, wantMessage: "API access not available on your plan"},
		{name: "404", status: 404, body: `{"message":"Not Found"}`, wantKind: KindRejected, wantMessage: "Not Found"},
		{name: "302", status: 302, header: map[string]string{"Location": "https://elsewhere.example/"}, wantKind: KindRejected},
		{name: "429 no retries", status: 429, header: map[string]string{"Retry-After": "7"}, body: `{"result":false,"message":"Rate limit exceeded for this resource"}`,
			wantKind: KindRateLimited, wantMessage: "Rate limit exceeded for this resource"},
		{name: "500", status: 500, body: `{"message":"Internal Server Error"}`, maxRetries: 3, wantKind: KindUncertain, wantMessage: "Internal Server Error"},
		{name: "502 html", status: 502, body: `<html><body>Bad Gateway</body></html>`, maxRetries: 3, wantKind: KindUncertain},
		{name: "503", status: 503, maxRetries: 3, wantKind: KindUncertain},
		{name: "504", status: 504, maxRetries: 3, wantKind: KindUncertain},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &server{respond: func(_ int, w http.ResponseWriter, _ *http.Request) {
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				writeJSON(w, tt.status, tt.body)
			}}
			ts := startHTTP(t, s)
			c := newTestClient(t, ts.URL, nil, Config{MaxRetries: tt.maxRetries})
			id, err := c.SendTemplate(t.Context(), minimalMessage())
			if n := s.count(); n != 1 {
				t.Errorf("server saw %d requests, want exactly 1", n)
			}
			if tt.wantID != "" {
				if err != nil || id != tt.wantID {
					t.Fatalf("SendTemplate = %q, %v; want %q", id, err, tt.wantID)
				}
				return
			}
			if err == nil {
				t.Fatalf("SendTemplate = %q, nil; want a %v error", id, tt.wantKind)
			}
			if id != "" {
				t.Errorf("id = %q alongside an error", id)
			}
			apiErr, ok := errors.AsType[*Error](err)
			if !ok {
				t.Fatalf("error %v (%T) is not an *Error", err, err)
			}
			if apiErr.Kind != tt.wantKind || KindOf(err) != tt.wantKind {
				t.Errorf("kind = %v, want %v (error: %v)", apiErr.Kind, tt.wantKind, err)
			}
			if apiErr.StatusCode != tt.status {
				t.Errorf("StatusCode = %d, want %d", apiErr.StatusCode, tt.status)
			}
			if apiErr.Message != tt.wantMessage {
				t.Errorf("Message = %q, want %q", apiErr.Message, tt.wantMessage)
			}
			if tt.wantMessage != "" && !strings.Contains(err.Error(), tt.wantMessage) {
				t.Errorf("error text %q lacks the API's message %q", err.Error(), tt.wantMessage)
			}
			if apiErr.Certain() != (tt.wantKind != KindUncertain) || IsCertain(err) != apiErr.Certain() {
				t.Errorf("Certain() = %v for kind %v", apiErr.Certain(), tt.wantKind)
			}
			if tt.status == 429 && apiErr.RetryAfter.Seconds() != 7 {
				t.Errorf("RetryAfter = %v, want 7s", apiErr.RetryAfter)
			}
		})
	}
}

// TestResetAfterRequestRead drops the connection after the server has read
// the whole request: the API may have acted, so the send is uncertain and
// not repeated.
func TestResetAfterRequestRead(t *testing.T) {
	s := &server{respond: func(_ int, w http.ResponseWriter, _ *http.Request) {
		hijacker, ok := w.(http.Hijacker)
		if !ok {
			t.Error("response writer cannot be hijacked")
			return
		}
		conn, _, err := hijacker.Hijack()
		if err != nil {
			t.Errorf("Hijack: %v", err)
			return
		}
		_ = conn.Close()
	}}
	ts := startHTTP(t, s)
	c := newTestClient(t, ts.URL, nil, Config{MaxRetries: 3})
	_, err := c.SendTemplate(t.Context(), minimalMessage())
	if KindOf(err) != KindUncertain || err == nil {
		t.Fatalf("SendTemplate error = %v, want uncertain", err)
	}
	if IsCertain(err) {
		t.Error("IsCertain = true for a dropped connection after the request was written")
	}
	if n := s.count(); n != 1 {
		t.Errorf("server saw %d requests, want exactly 1", n)
	}
}

func TestKindOfForeignError(t *testing.T) {
	if KindOf(errors.New("boom")) != KindUncertain {
		t.Error("KindOf(foreign error) is not KindUncertain")
	}
	if IsCertain(nil) {
		t.Error("IsCertain(nil) = true")
	}
	wrapped := errors.Join(errors.New("context"), &Error{Kind: KindForbidden})
	if KindOf(wrapped) != KindForbidden {
		t.Errorf("KindOf(wrapped) = %v, want forbidden", KindOf(wrapped))
	}
}
