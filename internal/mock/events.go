package mock

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// Answers of the Track Events API.
const (
	MsgEventTracked  = "Event tracked successfully"
	MsgEventNoName   = "event is required"
	MsgEventNoUser   = "userId or phoneNumber with countryCode is required"
	MsgEventNotFlat  = "trait values must be strings, numbers, booleans or null"
	MsgEventNoTraits = "traits must be an object"
)

// trackEventFields are the top-level fields an event may carry.
var trackEventFields = jsonFieldNames(reflect.TypeFor[wire.TrackEvent]())

// TrackedEvent is one event the Track Events API accepted.
type TrackedEvent struct {
	// N is the event request's arrival number (1-based).
	N  int
	ID string
	// Event is the decoded body; numbers in Traits are json.Number.
	Event wire.TrackEvent
	// Body is the raw request body.
	Body []byte
	At   time.Time
}

// TrackedEvents returns the accepted events, in the order they were
// accepted.
func (s *Server) TrackedEvents() []TrackedEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]TrackedEvent, len(s.events))
	for i, e := range s.events {
		out[i] = e
		out[i].Body = slices.Clone(e.Body)
	}
	return out
}

// EventRequests returns the requests to the Track Events path, in arrival
// order.
func (s *Server) EventRequests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Request
	for _, r := range s.requests {
		if r.Path == wire.TrackEventPath {
			out = append(out, r.clone())
		}
	}
	return out
}

// SetEventFault makes event request n meet fault f. The faults an event
// request can meet are the 5xx ones, the drops, a malformed body and an
// answer without an id; the answer delay of Faults applies to events too.
func (s *Server) SetEventFault(n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.eventFaults == nil {
		s.eventFaults = map[int]Fault{}
	}
	s.eventFaults[n] = f
}

// handleTrackEvent answers POST /v1/public/track/events/ with 201 and the
// event's id, then runs the ongoing campaigns the event starts.
func (s *Server) handleTrackEvent(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	i := s.record(r, 0, at)
	defer s.finish(i)
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		s.answer(w, r, i, http.StatusMethodNotAllowed, failure(MsgMethod))
		return
	}
	s.mu.Lock()
	s.eventCount++
	n := s.eventCount
	fault := s.eventFaults[n]
	s.mu.Unlock()
	s.update(i, func(req *Request) { req.Fault = fault })

	if !s.authorized(r) {
		s.answer(w, r, i, http.StatusUnauthorized, failure(MsgUnauthorized))
		return
	}
	if fault == FaultDropBeforeBody {
		s.drop(w, r, i)
		return
	}
	if ok, wait := s.limiter.admit(at); !ok {
		s.update(i, func(req *Request) { req.RateLimited = true })
		s.tooMany(w, r, i, wait)
		return
	}
	if status, ok := serverErrors[fault]; ok {
		s.answer(w, r, i, status, failure(http.StatusText(status)))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	s.update(i, func(req *Request) { req.Body = body })
	if err != nil {
		s.answer(w, r, i, http.StatusBadRequest, failure(MsgMalformedJSON))
		return
	}
	event, problem := checkTrackEvent(r, body)
	if problem != "" {
		s.answer(w, r, i, http.StatusBadRequest, failure(problem))
		return
	}

	id := uuid.NewString()
	s.mu.Lock()
	s.events = append(s.events, TrackedEvent{N: n, ID: id, Event: event, Body: body, At: at})
	s.mu.Unlock()
	s.update(i, func(req *Request) { req.Sent = true; req.MessageID = id })
	s.runOngoingCampaigns(id, event)

	switch fault {
	case FaultDropAfterBody:
		s.drop(w, r, i)
	case FaultMalformedBody:
		s.answer(w, r, i, http.StatusCreated, []byte(malformedBody))
	case FaultNoID:
		s.answer(w, r, i, http.StatusCreated, mustJSON(wire.TrackEventResponse{Result: new(true), Message: MsgEventTracked}))
	default:
		s.waitAnswerDelay(r)
		s.answer(w, r, i, http.StatusCreated, mustJSON(wire.TrackEventResponse{Result: new(true), Message: MsgEventTracked, ID: id}))
	}
}

// checkTrackEvent applies the rules of an event request and returns the
// decoded event, or the text of the 400 answer.
func checkTrackEvent(r *http.Request, body []byte) (wire.TrackEvent, string) {
	var event wire.TrackEvent
	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mediaType != "application/json" {
		return event, MsgContentType
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return event, MsgMalformedJSON
	}
	for name := range fields {
		if !trackEventFields[name] {
			return event, MsgUnknownField(name)
		}
	}
	decoder := json.NewDecoder(bytes.NewReader(body))
	decoder.UseNumber()
	if err := decoder.Decode(&event); err != nil {
		return event, MsgEventNoTraits
	}
	if event.Event == "" {
		return event, MsgEventNoName
	}
	hasPhone := event.PhoneNumber != "" || event.CountryCode != ""
	if event.UserID == "" && !hasPhone {
		return event, MsgEventNoUser
	}
	if hasPhone && (!phonePattern.MatchString(event.PhoneNumber) || !countryCodePattern.MatchString(event.CountryCode)) {
		return event, MsgInvalidPhone
	}
	for _, v := range event.Traits {
		switch v.(type) {
		case string, json.Number, bool, nil:
		default:
			return event, MsgEventNotFlat
		}
	}
	return event, ""
}
