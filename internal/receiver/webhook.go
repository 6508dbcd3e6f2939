package receiver

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

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
		s.logger.Warn("webhook with a missing or invalid signature", "remote", r.RemoteAddr)
		s.reject(w, http.StatusUnauthorized, rejectSignature, "missing or invalid "+wire.SignatureHeader)
		return
	}
	ev, handled, err := ParseWebhook(body, s.cfg.Now())
	if err != nil {
		s.logger.Warn("signed webhook is malformed", "remote", r.RemoteAddr, "error", err)
		s.reject(w, http.StatusBadRequest, rejectMalformed, err.Error())
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
