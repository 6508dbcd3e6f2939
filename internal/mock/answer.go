package mock

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// Texts of the answers, as Interakt words them where it is known.
const (
	MsgQueued          = "Message queued for sending via Interakt. Check webhook for delivery status"
	MsgRateLimited     = "Rate limit exceeded for this resource"
	MsgUnauthorized    = "Invalid API key or the API key is missing"
	MsgInvalidPhone    = "Phone Number & Country Code provided is invalid"
	MsgContentType     = "Content-Type must be application/json"
	MsgMalformedJSON   = "Please correct the following error - Request body is not valid JSON"
	MsgWrongType       = "Please correct the following error - type must be 'Template'"
	MsgCallbackTooLong = "Please correct the following error - callbackData must be at most 512 characters"
	MsgNotFound        = "Not Found"
	MsgMethod          = "Method Not Allowed"
	MsgBadOffset       = "offset must be a non-negative integer"
	MsgShuttingDown    = "Server is shutting down"
	// MsgNoApprovalStatus answers a template listing without a concrete
	// approval_status.
	MsgNoApprovalStatus = "Please correct the following error - approval_status is required and must be one status, such as APPROVED"
)

// MsgNoTemplate returns the answer to a send naming no approved template.
func MsgNoTemplate(name, language string) string {
	return fmt.Sprintf("Please correct the following error - No approved template found with name '%s' and language '%s'", name, language)
}

// MsgMissingBodyValues returns the answer to a send with the wrong number
// of body values.
func MsgMissingBodyValues(expected int) string {
	return fmt.Sprintf("Missing variable values for template's body, expected number of values are %d", expected)
}

// MsgUnknownField returns the answer to a send with an unknown top-level
// field.
func MsgUnknownField(name string) string {
	return fmt.Sprintf("Please correct the following error - Unknown field '%s'", name)
}

// malformedBody is the truncated answer of FaultMalformedBody.
const malformedBody = `{"result":tr`

func failure(message string) []byte {
	return mustJSON(wire.MessageResponse{Result: false, Message: message})
}

func mustJSON(v any) []byte {
	data, err := json.Marshal(v)
	if err != nil {
		// Only the package's own plain structs are encoded here.
		panic(fmt.Sprintf("mock: encoding answer: %v", err))
	}
	return data
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	// A client that went away cannot be answered; the record keeps what was meant.
	_, _ = w.Write(body)
}

// answer writes the answer and records it on request i.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, i, status int, body []byte) {
	s.update(i, func(req *Request) {
		req.Status = status
		req.Response = body
	})
	writeJSON(w, status, body)
	// Flushed, so that AnsweredAt is when the answer left for the client.
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	at := time.Now()
	s.update(i, func(req *Request) { req.AnsweredAt = at })
	s.logRequest(r, s.requestN(i), status)
}

// admitRate answers 429, and reports false, for an arrival over the rate
// limit.
func (s *Server) admitRate(w http.ResponseWriter, r *http.Request, i int, at time.Time) bool {
	ok, wait := s.limiter.admit(at)
	if ok {
		return true
	}
	s.update(i, func(req *Request) { req.RateLimited = true })
	if s.noRetryAfter {
		wait = -1
	}
	s.tooMany(w, r, i, wait)
	return false
}

// tooMany answers 429; retryAfter < 0 omits the Retry-After header.
func (s *Server) tooMany(w http.ResponseWriter, r *http.Request, i int, retryAfter time.Duration) {
	if retryAfter >= 0 {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds(retryAfter)))
	}
	s.answer(w, r, i, http.StatusTooManyRequests, failure(MsgRateLimited))
}

// retryAfterSeconds rounds d up to whole seconds, at least one.
func retryAfterSeconds(d time.Duration) int {
	seconds := int(math.Ceil(d.Seconds()))
	return max(seconds, 1)
}

// drop closes the connection without an answer.
func (s *Server) drop(w http.ResponseWriter, r *http.Request, i int) {
	s.update(i, func(req *Request) { req.Dropped = true })
	s.logRequest(r, s.requestN(i), 0)
	hijacker, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hijacker.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	// The point is to close; a close error changes nothing for the client.
	_ = conn.Close()
}

func (s *Server) requestN(i int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[i].N
}

func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	i := s.record(r, 0, time.Now())
	defer s.finish(i)
	s.answer(w, r, i, http.StatusNotFound, failure(MsgNotFound))
}

// finish marks request i as done.
func (s *Server) finish(i int) {
	s.update(i, func(req *Request) { req.Done = true })
}

// admit answers, and reports false for, a request of request i that the
// template endpoints refuse before reading it: another method than
// method, a wrong key, or (when limited) an arrival over the rate limit.
func (s *Server) admit(w http.ResponseWriter, r *http.Request, i int, at time.Time, method string, limited bool) bool {
	if r.Method != method {
		w.Header().Set("Allow", method)
		s.answer(w, r, i, http.StatusMethodNotAllowed, failure(MsgMethod))
		return false
	}
	if !s.authorized(r) {
		s.answer(w, r, i, http.StatusUnauthorized, failure(MsgUnauthorized))
		return false
	}
	if !limited {
		return true
	}
	if !s.admitRate(w, r, i, at) {
		return false
	}
	return true
}
