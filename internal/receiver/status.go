package receiver

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/receiver/store"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

func (s *Server) handleStatus(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	code := s.serveStatus(w, r)
	s.metrics.statusRequests.WithLabelValues(strconv.Itoa(code)).Inc()
}

func (s *Server) serveStatus(w http.ResponseWriter, r *http.Request) int {
	if !s.tokens.allows(r.Header.Get("Authorization")) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="interakt-receiver"`)
		writeJSON(w, http.StatusUnauthorized, webhookAnswer{Error: "missing or invalid bearer token"})
		return http.StatusUnauthorized
	}
	m, err := s.store.Message(r.Context(), r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		writeJSON(w, http.StatusNotFound, webhookAnswer{Error: "no event seen for this message id"})
		return http.StatusNotFound
	}
	if err != nil {
		s.logger.Error("status lookup failed", "error", err)
		writeJSON(w, http.StatusServiceUnavailable, webhookAnswer{Error: "store unavailable"})
		return http.StatusServiceUnavailable
	}
	writeJSON(w, http.StatusOK, statusOf(m))
	return http.StatusOK
}

// statusOf turns a stored message into the receiver's answer.
func statusOf(m store.Message) wire.Status {
	return wire.Status{
		ID:            m.ID,
		Status:        m.Status.String(),
		SentAt:        timeOrNull(m.SentAt),
		DeliveredAt:   timeOrNull(m.DeliveredAt),
		ReadAt:        timeOrNull(m.ReadAt),
		FailedAt:      timeOrNull(m.FailedAt),
		FailureReason: stringOrNull(m.FailureReason),
		ErrorCode:     stringOrNull(m.ErrorCode),
		CallbackData:  stringOrNull(m.CallbackData),
		ClickedAt:     timeOrNull(m.ClickedAt),
		ClickedButton: stringOrNull(m.ClickedButton),
		CampaignID:    stringOrNull(m.CampaignID),
	}
}

func timeOrNull(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339Nano)
	return &s
}

func stringOrNull(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
