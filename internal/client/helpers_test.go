package client

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

const (
	testKey   = "c2VjcmV0LWtleS0xMjM0NTY3ODk6"
	testToken = "status-token-abcdef"
	memBase   = "http://interakt.test"
)

// seen is one request as the test server received it.
type seen struct {
	method string
	uri    string
	header http.Header
	body   []byte
}

// server records requests and answers them with respond, which is given
// the 1-based request number.
type server struct {
	mu       sync.Mutex
	requests []seen
	respond  func(n int, w http.ResponseWriter, r *http.Request)
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.requests = append(s.requests, seen{r.Method, r.RequestURI, r.Header.Clone(), body})
	n := len(s.requests)
	s.mu.Unlock()
	s.respond(n, w, r)
}

func (s *server) seen() []seen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seen(nil), s.requests...)
}

func (s *server) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

// writeJSON writes a JSON answer.
func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func created(w http.ResponseWriter, id string) {
	writeJSON(w, http.StatusCreated, fmt.Sprintf(`{"result":true,"message":"Message created successfully","id":%q}`, id))
}

// memNetwork is an in-memory network: an http.Server accepts the server
// ends of net.Pipe connections that the client's transport dials. Unlike
// real sockets, it blocks durably, so synctest can advance fake time.
type memNetwork struct {
	conns  chan net.Conn
	closed chan struct{}
	once   sync.Once
	// failDials makes the first dials fail with a connection refusal.
	mu        sync.Mutex
	failDials int
	dials     int
}

func (n *memNetwork) Accept() (net.Conn, error) {
	select {
	case c := <-n.conns:
		return c, nil
	case <-n.closed:
		return nil, net.ErrClosed
	}
}

func (n *memNetwork) Close() error {
	n.once.Do(func() { close(n.closed) })
	return nil
}

func (n *memNetwork) Addr() net.Addr { return memAddr{} }

func (n *memNetwork) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	n.mu.Lock()
	n.dials++
	fail := n.dials <= n.failDials
	n.mu.Unlock()
	if fail {
		return nil, &net.OpError{Op: "dial", Net: network, Err: fmt.Errorf("connect: connection refused")}
	}
	client, srv := net.Pipe()
	select {
	case n.conns <- srv:
		return client, nil
	case <-n.closed:
		return nil, net.ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (n *memNetwork) dialCount() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.dials
}

type memAddr struct{}

func (memAddr) Network() string { return "mem" }
func (memAddr) String() string  { return "interakt.test:80" }

// startMem serves h on a new in-memory network and returns an HTTP client
// dialing it. Call it inside the synctest bubble that uses it.
func startMem(t *testing.T, h http.Handler, failDials int) (*http.Client, *memNetwork) {
	t.Helper()
	network := &memNetwork{conns: make(chan net.Conn), closed: make(chan struct{}), failDials: failDials}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: time.Minute}
	go func() { _ = srv.Serve(network) }()
	transport := &http.Transport{DialContext: network.DialContext}
	t.Cleanup(func() {
		_ = srv.Close()
		transport.CloseIdleConnections()
	})
	return &http.Client{Transport: transport}, network
}

// newTestClient builds a Client for baseURL with cfg's zero fields filled.
func newTestClient(t *testing.T, baseURL string, httpClient *http.Client, cfg Config) *Client {
	t.Helper()
	cfg.BaseURL = baseURL
	cfg.APIKey = testKey
	cfg.HTTPClient = httpClient
	if cfg.RateLimitPerMinute == 0 {
		cfg.RateLimitPerMinute = 1000
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// startHTTP serves s on a real local listener.
func startHTTP(t *testing.T, s *server) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return ts
}

// startHTTPB serves s on a real local listener for a benchmark and
// returns its URL.
func startHTTPB(b *testing.B, s *server) string {
	b.Helper()
	ts := httptest.NewServer(s)
	b.Cleanup(ts.Close)
	return ts.URL
}

// minimalMessage is the smallest valid send.
func minimalMessage() wire.Message {
	return wire.Message{
		CountryCode: "+91",
		PhoneNumber: "9999999999",
		Template:    wire.Template{Name: "hello", LanguageCode: "en"},
	}
}

// fullMessage is DESIGN.md's complete example.
func fullMessage() wire.Message {
	return wire.Message{
		CountryCode:  "+91",
		PhoneNumber:  "9999999999",
		CallbackData: "release-42",
		Template: wire.Template{
			Name:          "order_shipped",
			LanguageCode:  "en",
			HeaderValues:  []string{"Alert"},
			FileName:      "invoice.pdf",
			BodyValues:    []string{"There", "1234"},
			ButtonValues:  map[string][]string{"0": {"12344"}},
			ButtonPayload: map[string][]string{"1": {"payload1"}},
		},
	}
}

// logEntry is one recorded log call.
type logEntry struct {
	level  string
	msg    string
	fields map[string]any
}

// recordingLogger keeps every log call.
type recordingLogger struct {
	mu      sync.Mutex
	entries []logEntry
}

func (l *recordingLogger) Info(_ context.Context, msg string, fields map[string]any) {
	l.add("info", msg, fields)
}

func (l *recordingLogger) Debug(_ context.Context, msg string, fields map[string]any) {
	l.add("debug", msg, fields)
}

func (l *recordingLogger) Trace(_ context.Context, msg string, fields map[string]any) {
	l.add("trace", msg, fields)
}

func (l *recordingLogger) add(level, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, logEntry{level, msg, fields})
}

func (l *recordingLogger) all() []logEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]logEntry(nil), l.entries...)
}

// text renders an entry with all its fields, for searching.
func (e logEntry) text() string {
	var b strings.Builder
	b.WriteString(e.msg)
	for k, v := range e.fields {
		fmt.Fprintf(&b, " %s=%v", k, v)
	}
	return b.String()
}
