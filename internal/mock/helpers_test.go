package mock

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

const testAuth = "Basic " + DefaultAPIKey

// orderShipped is a valid send of the default order_shipped template.
func orderShipped() wire.Message {
	return wire.Message{
		CountryCode:  "+91",
		PhoneNumber:  "9999999999",
		Type:         wire.MessageTypeTemplate,
		CallbackData: "release-42",
		Template: wire.Template{
			Name:         "order_shipped",
			LanguageCode: "en",
			HeaderValues: []string{"A-1001"},
			BodyValues:   []string{"Asha", "A-1001"},
		},
	}
}

func encode(t testing.TB, m wire.Message) string {
	t.Helper()
	body, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(body)
}

// newSendRequest builds an authorized JSON send with body.
func newSendRequest(body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, wire.MessagePath, strings.NewReader(body))
	r.Header.Set("Authorization", testAuth)
	r.Header.Set("Content-Type", "application/json")
	return r
}

// serve calls the handler directly and returns the recorded answer.
func serve(s *Server, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, r)
	return w
}

// send posts m through the handler.
func send(t testing.TB, s *Server, m wire.Message) *httptest.ResponseRecorder {
	t.Helper()
	return serve(s, newSendRequest(encode(t, m)))
}

// decodeAnswer decodes an API answer and fails the test if it is not JSON.
func decodeAnswer(t testing.TB, body []byte) wire.MessageResponse {
	t.Helper()
	var answer wire.MessageResponse
	if err := json.Unmarshal(body, &answer); err != nil {
		t.Fatalf("answer %q is not JSON: %v", body, err)
	}
	return answer
}

// wantFailure checks a failure answer's status and verbatim text.
func wantFailure(t testing.TB, w *httptest.ResponseRecorder, status int, message string) {
	t.Helper()
	if w.Code != status {
		t.Fatalf("status = %d, want %d (body %s)", w.Code, status, w.Body)
	}
	answer := decodeAnswer(t, w.Body.Bytes())
	if answer.Result || answer.Message != message || answer.ID != "" {
		t.Fatalf("answer = %+v, want result false and message %q", answer, message)
	}
}

// postHTTP sends body to a started server over the network and returns the
// answer's status.
func postHTTP(client *http.Client, url, body string) (int, error) {
	req, err := http.NewRequest(http.MethodPost, url+wire.MessagePath, strings.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", testAuth)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, errors.Join(err, resp.Body.Close())
}

// lockedBuffer is a bytes.Buffer safe for a writer and a reader in
// different goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
