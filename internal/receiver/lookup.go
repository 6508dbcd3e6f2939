package receiver

import (
	"net/http"
	"strings"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/receiver/event"
	"github.com/interakt-community/terraform-provider-interakt/internal/receiver/store"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// maxSearchResults bounds a search's answer: the provider settles a send
// only on exactly one match, so a few are enough to say "several".
const maxSearchResults = 10

// handleLookup answers the status of many messages in one request.
func (s *Server) handleLookup(w http.ResponseWriter, r *http.Request) {
	var q wire.MessagesLookup
	if !readJSON(w, r, &q) {
		return
	}
	if len(q.IDs) > wire.MaxLookupIDs {
		writeJSON(w, http.StatusBadRequest, webhookAnswer{Error: "too many ids in one lookup"})
		return
	}
	ms, err := s.store.Messages(r.Context(), q.IDs)
	if err != nil {
		s.logger.Error("status lookup failed", "error", err)
		writeJSON(w, http.StatusServiceUnavailable, webhookAnswer{Error: "store unavailable"})
		return
	}
	out := wire.MessagesFound{Messages: make([]wire.Status, 0, len(ms))}
	for _, m := range ms {
		out.Messages = append(out.Messages, statusOf(m))
	}
	writeJSON(w, http.StatusOK, out)
}

// latestUntil is the end of a latest-message search's window: any time.
var latestUntil = time.Date(9999, time.December, 31, 0, 0, 0, 0, time.UTC)

// handleLatest finds the latest message sent to a phone with a template
// since a time, whoever sent it: what a check that an ongoing campaign
// still messages a test user asks. seen_since reads the time on the
// receiver's clock (first seen), since on the send's.
func (s *Server) handleLatest(w http.ResponseWriter, r *http.Request) {
	var q wire.MessageLatest
	if !readJSON(w, r, &q) {
		return
	}
	from, firstSeen := q.Since, false
	if q.SeenSince != "" {
		from, firstSeen = q.SeenSince, true
	}
	since, err := time.Parse(time.RFC3339Nano, from)
	phone := event.PhoneDigits(q.Phone)
	if err != nil || (q.Since != "" && q.SeenSince != "") || phone == "" || strings.TrimSpace(q.TemplateName) == "" {
		writeJSON(w, http.StatusBadRequest, webhookAnswer{
			Error: "phone, template_name and exactly one of since and seen_since (RFC 3339) are required"})
		return
	}
	ms, err := s.store.FindMessages(r.Context(), store.MessageQuery{
		Phone: phone, TemplateName: q.TemplateName, TemplateLanguage: q.TemplateLanguage, From: since, To: latestUntil,
		FirstSeen: firstSeen,
	}, 1)
	if err != nil {
		s.logger.Error("latest message search failed", "error", err)
		writeJSON(w, http.StatusServiceUnavailable, webhookAnswer{Error: "store unavailable"})
		return
	}
	out := wire.MessagesFound{Messages: make([]wire.Status, 0, len(ms))}
	for _, m := range ms {
		st := statusOf(m)
		st.FirstSeenAt = timeOrNull(m.FirstSeenAt)
		out.Messages = append(out.Messages, st)
	}
	writeJSON(w, http.StatusOK, out)
}

// handleSearch finds the messages sent to a phone with a template in a
// time window, for the provider to settle an uncertain send.
func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	var q wire.MessageSearch
	if !readJSON(w, r, &q) {
		return
	}
	from, errFrom := time.Parse(time.RFC3339Nano, q.From)
	to, errTo := time.Parse(time.RFC3339Nano, q.To)
	phone := event.PhoneDigits(q.Phone)
	if errFrom != nil || errTo != nil || phone == "" || strings.TrimSpace(q.TemplateName) == "" {
		writeJSON(w, http.StatusBadRequest, webhookAnswer{Error: "phone, template_name, from and to (RFC 3339) are required"})
		return
	}
	ms, err := s.store.FindMessages(r.Context(), store.MessageQuery{
		Phone: phone, TemplateName: q.TemplateName, TemplateLanguage: q.TemplateLanguage,
		CallbackData: q.CallbackData, From: from, To: to,
	}, maxSearchResults)
	if err != nil {
		s.logger.Error("message search failed", "error", err)
		writeJSON(w, http.StatusServiceUnavailable, webhookAnswer{Error: "store unavailable"})
		return
	}
	out := wire.MessagesFound{Messages: make([]wire.Status, 0, len(ms))}
	for _, m := range ms {
		st := statusOf(m)
		st.FirstSeenAt = timeOrNull(m.FirstSeenAt)
		out.Messages = append(out.Messages, st)
	}
	writeJSON(w, http.StatusOK, out)
}

// handleTime answers the receiver's clock, the one first_seen times are
// read from: the provider asks it just before firing an event, so that a
// later search by seen_since finds only the messages that came after.
func (s *Server) handleTime(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, wire.ReceiverTime{Now: s.cfg.Now().UTC().Format(time.RFC3339Nano)})
}
