package receiver

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

const fallbackSecret = "fallback-secret-4f1c9a"

// call sends a request to the receiver with token ("" sends none) and a
// JSON body (nil sends none); it returns the status code and the answer.
func (r *testReceiver) call(t testing.TB, method, path, token string, body any) (int, []byte) {
	t.Helper()
	var reader io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		reader = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, r.http.URL+path, reader)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, answer
}

// putFallback PUTs a rule, which must be accepted, and returns the answer.
func (r *testReceiver) putFallback(t testing.TB, f wire.Fallback) wire.Fallback {
	t.Helper()
	code, answer := r.call(t, http.MethodPut, wire.FallbackPathPrefix+f.Name, testToken, f)
	if code != http.StatusOK {
		t.Fatalf("PUT rule %s: %d %s", f.Name, code, answer)
	}
	var got wire.Fallback
	if err := json.Unmarshal(answer, &got); err != nil {
		t.Fatal(err)
	}
	return got
}

func TestFallbackRuleCRUD(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, dsn string) {
		t.Parallel()
		var logs logBuffer
		r := startReceiver(t, Config{DB: dsn, Logger: logs.logger()})
		rule := wire.Fallback{
			Name: "sms", URL: "https://fallback.example/hook?key=k1", Secret: fallbackSecret,
			On: []string{wire.FallbackOnFailed, wire.FallbackOnUndelivered}, UndeliveredAfterSeconds: 900,
			Templates: []wire.FallbackTemplate{{Name: "order_update", LanguageCode: "en"}, {Name: "otp", LanguageCode: "hi"}},
		}
		path := wire.FallbackPathPrefix + rule.Name

		if code, _ := r.call(t, http.MethodPut, path, "", rule); code != http.StatusUnauthorized {
			t.Errorf("PUT without token: %d, want 401", code)
		}
		if code, _ := r.call(t, http.MethodGet, path, "wrong", nil); code != http.StatusUnauthorized {
			t.Errorf("GET with a wrong token: %d, want 401", code)
		}
		if code, _ := r.call(t, http.MethodGet, path, testToken, nil); code != http.StatusNotFound {
			t.Errorf("GET before PUT: %d, want 404", code)
		}

		want := rule
		want.Secret = ""
		if got := r.putFallback(t, rule); !reflect.DeepEqual(got, want) {
			t.Errorf("PUT answered %+v, want %+v", got, want)
		}
		code, answer := r.call(t, http.MethodGet, path, testToken, nil)
		var got wire.Fallback
		if err := json.Unmarshal(answer, &got); code != http.StatusOK || err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("GET: %d %s, want %+v", code, answer, want)
		}

		// An update replaces every field; no templates means all.
		update := wire.Fallback{Name: rule.Name, URL: "http://127.0.0.1:9/h", Secret: "another-secret-77", On: []string{wire.FallbackOnFailed}}
		wantUpdate := wire.Fallback{Name: rule.Name, URL: update.URL, On: update.On, Templates: []wire.FallbackTemplate{}}
		if got := r.putFallback(t, update); !reflect.DeepEqual(got, wantUpdate) {
			t.Errorf("PUT update answered %+v, want %+v", got, wantUpdate)
		}
		code, answer = r.call(t, http.MethodGet, path, testToken, nil)
		got = wire.Fallback{}
		if err := json.Unmarshal(answer, &got); code != http.StatusOK || err != nil || !reflect.DeepEqual(got, wantUpdate) {
			t.Errorf("GET after update: %d %s, want %+v", code, answer, wantUpdate)
		}

		code, answer = r.call(t, http.MethodGet, path+wire.FallbackHandoffsPath+"?state=dead", testToken, nil)
		if code != http.StatusOK || strings.TrimSpace(string(answer)) != `{"handoffs":[]}` {
			t.Errorf("dead hand-offs: %d %s, want none", code, answer)
		}
		code, answer = r.call(t, http.MethodPost, path+wire.FallbackRetryPath, testToken, nil)
		if code != http.StatusOK || strings.TrimSpace(string(answer)) != `{"retried":0}` {
			t.Errorf("retry: %d %s, want 0 retried", code, answer)
		}

		code, answer = r.call(t, http.MethodDelete, path, testToken, nil)
		if code != http.StatusOK || strings.TrimSpace(string(answer)) != `{"dropped_handoffs":0}` {
			t.Errorf("DELETE: %d %s", code, answer)
		}
		if code, _ := r.call(t, http.MethodGet, path, testToken, nil); code != http.StatusNotFound {
			t.Errorf("GET after DELETE: %d, want 404", code)
		}
		if code, _ := r.call(t, http.MethodDelete, path, testToken, nil); code != http.StatusNotFound {
			t.Errorf("DELETE again: %d, want 404", code)
		}
		if code, _ := r.call(t, http.MethodGet, path+wire.FallbackHandoffsPath, testToken, nil); code != http.StatusNotFound {
			t.Errorf("hand-offs of a removed rule: %d, want 404", code)
		}

		for _, secret := range []string{rule.Secret, update.Secret} {
			if strings.Contains(logs.String(), secret) {
				t.Errorf("a rule's secret is in the log:\n%s", logs.String())
			}
		}
		if strings.Contains(logs.String(), "key=k1") {
			t.Errorf("a rule URL's query is in the log:\n%s", logs.String())
		}
	})
}

func TestFallbackRuleValidation(t *testing.T) {
	t.Parallel()
	r := startReceiver(t, Config{DB: backends[0].dsn(t)})
	valid := func() wire.Fallback {
		return wire.Fallback{Name: "sms", URL: "https://fallback.example/hook", Secret: fallbackSecret,
			On: []string{wire.FallbackOnUndelivered}, UndeliveredAfterSeconds: 60}
	}
	cases := []struct {
		name   string
		change func(f *wire.Fallback)
		path   string
		want   string
	}{
		{"bad name", func(f *wire.Fallback) { f.Name = "" }, "a%20b", "name: "},
		{"name differs", func(f *wire.Fallback) { f.Name = "other" }, "", "name: "},
		{"no url", func(f *wire.Fallback) { f.URL = "" }, "", "url: "},
		{"http to a remote host", func(f *wire.Fallback) { f.URL = "http://fallback.example/hook" }, "", "url: http is allowed to a loopback"},
		{"ftp", func(f *wire.Fallback) { f.URL = "ftp://fallback.example/hook" }, "", "url: scheme"},
		{"credentials", func(f *wire.Fallback) { f.URL = "https://u:p@fallback.example/hook" }, "", "url: must not carry credentials"},
		{"no secret", func(f *wire.Fallback) { f.Secret = "" }, "", "secret: must not be empty"},
		{"no on", func(f *wire.Fallback) { f.On = nil }, "", "on: must list"},
		{"unknown on", func(f *wire.Fallback) { f.On = []string{"read"} }, "", `on[0]: "read" is not`},
		{"on twice", func(f *wire.Fallback) { f.On = []string{"undelivered", "undelivered"} }, "", "on[1]: "},
		{"after too short", func(f *wire.Fallback) { f.UndeliveredAfterSeconds = 0 }, "", "undelivered_after_seconds: 0 is not between 1"},
		{"after too long", func(f *wire.Fallback) { f.UndeliveredAfterSeconds = 7*24*3600 + 1 }, "", "undelivered_after_seconds: 604801"},
		{"after without undelivered", func(f *wire.Fallback) { f.On = []string{"failed"} }, "", "undelivered_after_seconds: must be 0"},
		{"template without name", func(f *wire.Fallback) { f.Templates = []wire.FallbackTemplate{{LanguageCode: "en"}} }, "", "templates[0].name: "},
		{"template without language", func(f *wire.Fallback) { f.Templates = []wire.FallbackTemplate{{Name: "otp"}} }, "", "templates[0].language_code: "},
		{"template twice", func(f *wire.Fallback) {
			f.Templates = []wire.FallbackTemplate{{Name: "otp", LanguageCode: "en"}, {Name: "otp", LanguageCode: "en"}}
		}, "", "templates[1]: "},
	}
	for _, tc := range cases {
		f := valid()
		tc.change(&f)
		path := tc.path
		if path == "" {
			path = "sms"
		}
		code, answer := r.call(t, http.MethodPut, wire.FallbackPathPrefix+path, testToken, f)
		if code != http.StatusBadRequest || !strings.Contains(string(answer), jsonEscaped(tc.want)) {
			t.Errorf("%s: %d %s, want 400 saying %q", tc.name, code, answer, tc.want)
		}
		if strings.Contains(string(answer), fallbackSecret) {
			t.Errorf("%s: the answer holds the secret: %s", tc.name, answer)
		}
	}
	for _, u := range []string{"http://localhost:8080/h", "http://127.0.0.1/h", "http://[::1]:9/h", "https://fallback.example/h"} {
		f := valid()
		f.URL = u
		if code, answer := r.call(t, http.MethodPut, wire.FallbackPathPrefix+"sms", testToken, f); code != http.StatusOK {
			t.Errorf("url %s: %d %s, want 200", u, code, answer)
		}
	}
	if code, _ := r.call(t, http.MethodGet, wire.FallbackPathPrefix+"sms"+wire.FallbackHandoffsPath+"?state=gone", testToken, nil); code != http.StatusBadRequest {
		t.Errorf("listing state=gone: %d, want 400", code)
	}
}

// jsonEscaped is s as it appears inside a JSON string.
func jsonEscaped(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}
