package mock

import (
	"bytes"
	"encoding/json"
	"io"
	"math/rand/v2"
	"mime"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// Limits of a send request.
const (
	MaxCallbackData = 512
	maxBodyBytes    = 1 << 20
)

var (
	phonePattern       = regexp.MustCompile(`^[1-9][0-9]*$`)
	countryCodePattern = regexp.MustCompile(`^\+[0-9]{1,3}$`)
)

// messageFields are the top-level fields a send may carry: those of
// wire.Message.
var messageFields = jsonFieldNames(reflect.TypeFor[wire.Message]())

func jsonFieldNames(t reflect.Type) map[string]bool {
	names := map[string]bool{}
	for i := range t.NumField() {
		field := t.Field(i)
		name, _, _ := strings.Cut(field.Tag.Get("json"), ",")
		if name == "" {
			name = field.Name
		}
		names[name] = true
	}
	return names
}

// serverErrors are the statuses of the 5xx faults.
var serverErrors = map[Fault]int{
	Fault500: http.StatusInternalServerError,
	Fault502: http.StatusBadGateway,
	Fault503: http.StatusServiceUnavailable,
}

// handleSend answers POST /v1/public/message/. The order of its steps is:
// number the request, wait on a Hold, authenticate, apply 429 and
// drop-before-body faults, the rate limit (judged at arrival time), 5xx
// faults, the request rules, then accept and apply the faults that follow
// acceptance.
func (s *Server) handleSend(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	if r.Method != http.MethodPost {
		i := s.record(r, 0, at)
		defer s.finish(i)
		w.Header().Set("Allow", http.MethodPost)
		s.answer(w, r, i, http.StatusMethodNotAllowed, failure(MsgMethod))
		return
	}
	n, hold := s.arrive()
	i := s.record(r, n, at)
	defer s.finish(i)

	if hold != nil {
		hold.markHeld()
		select {
		case <-hold.free:
		case <-s.closing:
			// A request still held at shutdown is refused, not sent.
			s.answer(w, r, i, http.StatusServiceUnavailable, failure(MsgShuttingDown))
			return
		}
	}
	if !s.authorized(r) {
		s.answer(w, r, i, http.StatusUnauthorized, failure(MsgUnauthorized))
		return
	}

	fault := s.faultFor(n)
	s.update(i, func(req *Request) { req.Fault = fault })
	switch fault {
	case Fault429:
		s.tooMany(w, r, i, time.Second)
		return
	case Fault429NoRetryAfter:
		s.tooMany(w, r, i, -1)
		return
	case FaultDropBeforeBody:
		s.drop(w, r, i)
		return
	}

	if !s.admitRate(w, r, i, at) {
		return
	}
	if status, ok := serverErrors[fault]; ok {
		s.answer(w, r, i, status, failure(http.StatusText(status)))
		return
	}

	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	s.update(i, func(req *Request) { req.Body = body })
	if err != nil {
		if r.Context().Err() != nil {
			// The client went away (say, while held): nobody to answer.
			s.update(i, func(req *Request) { req.Dropped = true })
			return
		}
		s.answer(w, r, i, http.StatusBadRequest, failure(MsgMalformedJSON))
		return
	}
	msg, problem := s.check(r, body)
	if problem != "" {
		s.answer(w, r, i, http.StatusBadRequest, failure(problem))
		return
	}

	id := uuid.NewString()
	s.accept(i, n, id, msg, body, at)
	switch fault {
	case FaultSlow:
		s.waitSlow(r)
		s.answerSent(w, r, i, id)
	case FaultDropAfterBody:
		s.drop(w, r, i)
	case FaultMalformedBody:
		s.answer(w, r, i, http.StatusCreated, []byte(malformedBody))
	case FaultNoID:
		s.answer(w, r, i, http.StatusCreated, mustJSON(wire.MessageResponse{Result: true, Message: MsgQueued}))
	default:
		s.waitAnswerDelay(r)
		s.answerSent(w, r, i, id)
	}
}

// waitAnswerDelay holds an accepted send's answer for the faults' answer
// delay, or less if the server closes or the client goes away.
func (s *Server) waitAnswerDelay(r *http.Request) {
	s.mu.Lock()
	lo, hi := s.faults.AnswerDelayMin, s.faults.AnswerDelayMax
	s.mu.Unlock()
	if hi < lo {
		hi = lo
	}
	delay := lo
	if hi > lo {
		delay += rand.N(hi - lo)
	}
	if delay > 0 {
		s.hold(r, delay)
	}
}

// arrive numbers a send request and returns the hold waiting for it.
func (s *Server) arrive() (int, *Hold) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sendCount++
	return s.sendCount, s.holds[s.sendCount]
}

func (s *Server) faultFor(n int) Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults.faultFor(n)
}

// check applies the request rules and returns the decoded message, or the
// text of the 400 answer.
func (s *Server) check(r *http.Request, body []byte) (wire.Message, string) {
	var msg wire.Message
	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mediaType != "application/json" {
		return msg, MsgContentType
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return msg, MsgMalformedJSON
	}
	for name := range fields {
		if !messageFields[name] {
			return msg, MsgUnknownField(name)
		}
	}
	decoder := json.NewDecoder(bytes.NewReader(body))
	if err := decoder.Decode(&msg); err != nil {
		return msg, MsgMalformedJSON
	}
	if msg.Type != wire.MessageTypeTemplate {
		return msg, MsgWrongType
	}

	s.mu.Lock()
	template, found := s.templates.approved(msg.Template.Name, msg.Template.LanguageCode)
	rejection, rejected := lookupPhone(s.rejectPhones, msg)
	s.mu.Unlock()

	if !found {
		return msg, MsgNoTemplate(msg.Template.Name, msg.Template.LanguageCode)
	}
	if !phonePattern.MatchString(msg.PhoneNumber) || !countryCodePattern.MatchString(msg.CountryCode) {
		return msg, MsgInvalidPhone
	}
	if want := VariableCount(template.Body); len(msg.Template.BodyValues) != want {
		return msg, MsgMissingBodyValues(want)
	}
	if utf8.RuneCountInString(msg.CallbackData) > MaxCallbackData {
		return msg, MsgCallbackTooLong
	}
	if rejected {
		if rejection == "" {
			rejection = MsgInvalidPhone
		}
		return msg, rejection
	}
	return msg, ""
}

// lookupPhone finds msg's recipient in a map keyed by phone number alone or
// with its country code.
func lookupPhone[V any](phones map[string]V, msg wire.Message) (V, bool) {
	for _, key := range []string{msg.PhoneNumber, msg.CountryCode + msg.PhoneNumber} {
		if value, ok := phones[key]; ok {
			return value, true
		}
	}
	var zero V
	return zero, false
}

// accept records an accepted send and schedules its webhooks.
func (s *Server) accept(i, n int, id string, msg wire.Message, body []byte, at time.Time) {
	s.mu.Lock()
	req := s.requests[i]
	req.MessageID = id
	req.Sent = true
	s.sent = append(s.sent, SentMessage{N: n, ID: id, Message: msg, Body: body, At: at})
	close(s.sentChanged)
	s.sentChanged = make(chan struct{})
	failReason, fails := lookupPhone(s.failPhones, msg)
	undelivered, _ := lookupPhone(s.undelivered, msg)
	duplicate, outOfOrder := s.faults.WebhookDuplicate, s.faults.WebhookOutOfOrder
	s.mu.Unlock()
	s.webhooks.schedule(scheduledMessage{
		id: id, msg: msg, acceptedAt: time.Now(),
		fails: fails, failReason: failReason, undelivered: undelivered,
		duplicate: duplicate, outOfOrder: outOfOrder,
	})
}

func (s *Server) answerSent(w http.ResponseWriter, r *http.Request, i int, id string) {
	s.answer(w, r, i, http.StatusCreated, mustJSON(wire.MessageResponse{Result: true, Message: MsgQueued, ID: id}))
}

// waitSlow waits the slow fault's delay, or less if the server closes or the
// client goes away.
func (s *Server) waitSlow(r *http.Request) {
	s.mu.Lock()
	delay := s.faults.SlowDelay
	s.mu.Unlock()
	if delay <= 0 {
		delay = DefaultSlowDelay
	}
	s.hold(r, delay)
}

// hold waits delay, or less if the server closes or the client goes away.
func (s *Server) hold(r *http.Request, delay time.Duration) {
	timer := time.NewTimer(delay)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-s.closing:
	case <-r.Context().Done():
	}
}
