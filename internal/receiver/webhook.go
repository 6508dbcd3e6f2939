package receiver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/interakt-community/terraform-provider-interakt/internal/receiver/event"
	"github.com/interakt-community/terraform-provider-interakt/internal/receiver/store"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// webhookAnswer is the body of a webhook's answer.
type webhookAnswer struct {
	Status string `json:"status,omitempty"` // stored, duplicate or ignored
	Error  string `json:"error,omitempty"`
}

func (s *Server) handleWebhook(w http.ResponseWriter, r *http.Request) {
	s.metrics.received.Inc()
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			s.reject(w, http.StatusRequestEntityTooLarge, rejectTooLarge, "body too large")
			return
		}
		s.reject(w, http.StatusBadRequest, rejectMalformed, "body could not be read")
		return
	}
	if !validSignature(r.Header.Get(wire.SignatureHeader), body, s.secrets) {
		if isPing(body) {
			// A check that the URL answers, such as the dashboard's when
			// the webhook is set up: it carries no event, so nothing is
			// stored and nothing is at risk.
			s.metrics.pings.Inc()
			writeJSON(w, http.StatusOK, webhookAnswer{Status: "ping"})
			return
		}
		s.logger.Warn("webhook with a missing or invalid signature", "remote", r.RemoteAddr)
		s.reject(w, http.StatusUnauthorized, rejectSignature, "missing or invalid "+wire.SignatureHeader)
		return
	}
	ev, handled, err := event.Parse(body, s.cfg.Now())
	if err != nil {
		s.deadLetter(w, r, body, err)
		return
	}
	if !handled {
		s.metrics.ignored.Inc()
		writeJSON(w, http.StatusOK, webhookAnswer{Status: "ignored"})
		return
	}
	outcome, err := s.committer.submit(r.Context(), ev)
	if err != nil {
		if r.Context().Err() != nil {
			// The sender hung up; nobody reads this answer.
			return
		}
		s.logger.Warn("event not committed in time; answering 503 so that it is sent again",
			"message_id", ev.MessageID, "type", ev.Type, "error", err)
		w.Header().Set("Retry-After", "1")
		s.reject(w, http.StatusServiceUnavailable, rejectUnavailable, "event not stored, send it again")
		return
	}
	status := "stored"
	if outcome == store.Duplicate {
		status = "duplicate"
	}
	writeJSON(w, http.StatusOK, webhookAnswer{Status: status})
}

// deadLetter keeps a signed body that cannot be parsed and answers 200:
// Interakt disables a webhook after 5 failures in 10 minutes, after which
// every event would be lost, while the body kept can be replayed once the
// parser reads it. Only when it cannot be kept is the answer 503, so that
// Interakt sends it again.
func (s *Server) deadLetter(w http.ResponseWriter, r *http.Request, body []byte, reason error) {
	s.logger.Warn("signed webhook cannot be parsed; kept in dead_letters", "remote", r.RemoteAddr, "error", reason)
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.CommitBudget)
	defer cancel()
	err := s.store.AddDeadLetter(ctx, store.DeadLetter{ReceivedAt: s.cfg.Now().UTC(), Reason: reason.Error(), Body: body})
	if err != nil {
		s.logger.Error("dead letter not stored; answering 503 so that it is sent again", "error", err)
		w.Header().Set("Retry-After", "1")
		s.reject(w, http.StatusServiceUnavailable, rejectUnavailable, "event not stored, send it again")
		return
	}
	s.metrics.deadLetters.Inc()
	writeJSON(w, http.StatusOK, webhookAnswer{Status: "dead_letter"})
}

// isPing reports whether an unsigned body carries no event at all: empty,
// or a JSON object without data.
func isPing(body []byte) bool {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return true
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(body, &probe); err != nil {
		return false
	}
	_, hasData := probe["data"]
	return !hasData
}

func (s *Server) reject(w http.ResponseWriter, code int, reason, msg string) {
	s.metrics.rejected.WithLabelValues(reason).Inc()
	writeJSON(w, code, webhookAnswer{Error: msg})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	// The status line is sent; a failed write only means the client left.
	_ = json.NewEncoder(w).Encode(v)
}
