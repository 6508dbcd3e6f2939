package mock

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// Request is what the server saw of one request and how it answered.
type Request struct {
	// N is the send request's arrival number (1-based, POSTs to the message
	// path only); 0 for any other request.
	N      int
	Method string
	Path   string
	Query  string
	// Header is the request's headers without Authorization.
	Header http.Header
	// Authorized tells whether Authorization carried the configured key.
	Authorized bool
	// Body is the raw body as read; nil when it was not read.
	Body []byte
	// Status is the answer's status code; 0 while the request is being
	// handled or when the connection was dropped.
	Status int
	// Response is the answer's body.
	Response []byte
	// MessageID is the id given to an accepted send.
	MessageID string
	// Sent tells whether the message was accepted for sending (webhooks follow
	// it), whatever the client received.
	Sent bool
	// RateLimited tells whether a 429 came from the rate limit (not a fault).
	RateLimited bool
	// Fault is the fault the request met.
	Fault Fault
	// Dropped tells whether the connection was closed without an answer.
	Dropped bool
	// Done tells whether the server has finished with the request.
	Done bool
	// At is when the request reached the handler.
	At time.Time
	// AnsweredAt is when the answer was written and flushed to the
	// client; zero when none was.
	AnsweredAt time.Time
}

// SentMessage is one accepted send.
type SentMessage struct {
	N       int
	ID      string
	Message wire.Message
	Body    []byte
	At      time.Time
}

// clone returns a copy that shares nothing mutable with r.
func (r *Request) clone() Request {
	c := *r
	c.Header = r.Header.Clone()
	c.Body = slices.Clone(r.Body)
	c.Response = slices.Clone(r.Response)
	return c
}

// record starts the record of a request and returns its index.
func (s *Server) record(r *http.Request, n int, at time.Time) int {
	header := r.Header.Clone()
	header.Del("Authorization")
	authorized := s.authorized(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, &Request{
		N:          n,
		Method:     r.Method,
		Path:       r.URL.Path,
		Query:      r.URL.RawQuery,
		Header:     header,
		Authorized: authorized,
		At:         at,
	})
	return len(s.requests) - 1
}

// update changes a request's record under the server's lock.
func (s *Server) update(i int, change func(*Request)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	change(s.requests[i])
}

// Requests returns every request seen so far, in arrival order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		out[i] = r.clone()
	}
	return out
}

// SendRequests returns the POSTs to the message path, in arrival order.
func (s *Server) SendRequests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Request
	for _, r := range s.requests {
		if r.N > 0 {
			out = append(out, r.clone())
		}
	}
	return out
}

// Sent returns the accepted sends, in the order they were accepted.
func (s *Server) Sent() []SentMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]SentMessage, len(s.sent))
	for i, m := range s.sent {
		out[i] = m
		out[i].Body = slices.Clone(m.Body)
		out[i].Message = cloneMessage(m.Message)
	}
	return out
}

// SentCount returns how many sends were accepted.
func (s *Server) SentCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sent)
}

// WaitSent waits until at least n sends have been accepted, or ctx ends.
func (s *Server) WaitSent(ctx context.Context, n int) error {
	for {
		s.mu.Lock()
		count, changed := len(s.sent), s.sentChanged
		s.mu.Unlock()
		if count >= n {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("waiting for %d sends, %d so far: %w", n, count, ctx.Err())
		}
	}
}

// Count429ByLimit returns how many requests the rate limit refused, that is
// the 429s the client caused (injected 429s are not counted).
func (s *Server) Count429ByLimit() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	count := 0
	for _, r := range s.requests {
		if r.RateLimited {
			count++
		}
	}
	return count
}

// cloneMessage returns a deep copy of m.
func cloneMessage(m wire.Message) wire.Message {
	t := &m.Template
	t.HeaderValues = slices.Clone(t.HeaderValues)
	t.BodyValues = slices.Clone(t.BodyValues)
	t.ButtonValues = cloneValues(t.ButtonValues)
	t.ButtonPayload = cloneValues(t.ButtonPayload)
	return m
}

func cloneValues(values map[string][]string) map[string][]string {
	if values == nil {
		return nil
	}
	out := make(map[string][]string, len(values))
	for k, v := range values {
		out[k] = slices.Clone(v)
	}
	return out
}
