package receiver

import (
	"encoding/json"
	"io"
	"net/http"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// maxJournalRequest bounds a journal request body: a lookup of every key
// of a 100,000-recipient campaign.
const maxJournalRequest = 16 << 20

// authorized wraps a handler of the provider's endpoints with the status
// token check.
func (s *Server) authorized(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if !s.tokens.allows(r.Header.Get("Authorization")) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="interakt-receiver"`)
			writeJSON(w, http.StatusUnauthorized, webhookAnswer{Error: "missing or invalid bearer token"})
			return
		}
		h(w, r)
	}
}

// readJSON decodes a request body into v, answering 400 when it cannot.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxJournalRequest))
	if err == nil {
		err = json.Unmarshal(body, v)
	}
	if err != nil {
		writeJSON(w, http.StatusBadRequest, webhookAnswer{Error: "request body is not valid JSON of the expected shape"})
		return false
	}
	return true
}

// handleJournalPut stores an entry and answers 204 once it is committed
// (fsynced): the provider sends only after that answer.
func (s *Server) handleJournalPut(w http.ResponseWriter, r *http.Request) {
	var e wire.JournalEntry
	if !readJSON(w, r, &e) {
		return
	}
	if e.Attempt == "" || e.Attempt != r.PathValue("attempt") || e.Key == "" {
		writeJSON(w, http.StatusBadRequest, webhookAnswer{Error: "the entry needs a key and the path's attempt"})
		return
	}
	if _, err := time.Parse(time.RFC3339Nano, e.StartedAt); err != nil {
		writeJSON(w, http.StatusBadRequest, webhookAnswer{Error: "the entry's started_at is not an RFC 3339 time"})
		return
	}
	if err := s.store.PutJournal(r.Context(), e); err != nil {
		s.journalError(w, "journal write failed", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleJournalLookup(w http.ResponseWriter, r *http.Request) {
	var q wire.JournalLookup
	if !readJSON(w, r, &q) {
		return
	}
	entries, err := s.store.JournalEntries(r.Context(), q.Keys)
	if err != nil {
		s.journalError(w, "journal lookup failed", err)
		return
	}
	if entries == nil {
		entries = []wire.JournalEntry{}
	}
	writeJSON(w, http.StatusOK, wire.JournalEntries{Entries: entries})
}

func (s *Server) handleJournalRemove(w http.ResponseWriter, r *http.Request) {
	var q wire.JournalRemove
	if !readJSON(w, r, &q) {
		return
	}
	if err := s.store.RemoveJournal(r.Context(), q.Attempts); err != nil {
		s.journalError(w, "journal removal failed", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// journalError answers a store failure with 503.
func (s *Server) journalError(w http.ResponseWriter, what string, err error) {
	s.logger.Error(what, "error", err)
	writeJSON(w, http.StatusServiceUnavailable, webhookAnswer{Error: "store unavailable"})
}
