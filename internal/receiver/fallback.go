package receiver

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/receiver/store"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// Bounds of a rule's undelivered_after.
const (
	minUndeliveredAfter = time.Second
	maxUndeliveredAfter = 7 * 24 * time.Hour
)

// ruleName is what a rule may be called: it is a path segment and part of
// every hand-off's idempotency key.
var ruleName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

func (s *Server) handleFallbackPut(w http.ResponseWriter, r *http.Request) {
	var in wire.Fallback
	if !readJSON(w, r, &in) {
		return
	}
	if in.Name == "" {
		in.Name = r.PathValue("name")
	}
	rule, err := fallbackRule(r.PathValue("name"), in)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, webhookAnswer{Error: err.Error()})
		return
	}
	stored, err := s.store.PutFallback(r.Context(), rule, s.cfg.Now())
	if err != nil {
		s.journalError(w, "fallback rule write failed", err)
		return
	}
	s.logger.Info("fallback rule put", "rule", stored.Name, "url", redactURL(stored.URL))
	writeJSON(w, http.StatusOK, fallbackAnswer(stored))
}

func (s *Server) handleFallbackGet(w http.ResponseWriter, r *http.Request) {
	rule, ok := s.fallbackOf(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, fallbackAnswer(rule))
}

func (s *Server) handleFallbackDelete(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	dropped, err := s.store.RemoveFallback(r.Context(), name)
	if errors.Is(err, store.ErrNoRule) {
		writeJSON(w, http.StatusNotFound, webhookAnswer{Error: noRule(name)})
		return
	}
	if err != nil {
		s.journalError(w, "fallback rule removal failed", err)
		return
	}
	s.metrics.handoffsDropped.Add(float64(dropped))
	s.logger.Info("fallback rule removed", "rule", name, "dropped_handoffs", dropped)
	writeJSON(w, http.StatusOK, wire.FallbackRemoved{DroppedHandoffs: dropped})
}

func (s *Server) handleHandoffs(w http.ResponseWriter, r *http.Request) {
	var state store.HandoffState
	switch q := r.URL.Query().Get("state"); q {
	case "":
	case wire.HandoffPending:
		state = store.HandoffPending
	case wire.HandoffDelivered:
		state = store.HandoffDelivered
	case wire.HandoffDead:
		state = store.HandoffDead
	default:
		writeJSON(w, http.StatusBadRequest, webhookAnswer{Error: fmt.Sprintf(
			"state: %q is not one of %q, %q, %q", q, wire.HandoffPending, wire.HandoffDelivered, wire.HandoffDead)})
		return
	}
	rule, ok := s.fallbackOf(w, r)
	if !ok {
		return
	}
	handoffs, err := s.store.Handoffs(r.Context(), rule.Name, state)
	if err != nil {
		s.journalError(w, "hand-off listing failed", err)
		return
	}
	out := wire.HandoffList{Handoffs: make([]wire.HandoffState, 0, len(handoffs))}
	for _, h := range handoffs {
		out.Handoffs = append(out.Handoffs, handoffAnswer(h))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleHandoffsRetry(w http.ResponseWriter, r *http.Request) {
	rule, ok := s.fallbackOf(w, r)
	if !ok {
		return
	}
	n, err := s.store.RetryHandoffs(r.Context(), rule.Name, s.cfg.Now())
	if err != nil {
		s.journalError(w, "hand-off retry failed", err)
		return
	}
	s.logger.Info("dead hand-offs retried", "rule", rule.Name, "handoffs", n)
	writeJSON(w, http.StatusOK, wire.FallbackRetried{Retried: n})
}

// fallbackOf reads the rule the path names, answering 404 or 503 when it
// cannot.
func (s *Server) fallbackOf(w http.ResponseWriter, r *http.Request) (store.Fallback, bool) {
	name := r.PathValue("name")
	rule, err := s.store.Fallback(r.Context(), name)
	if errors.Is(err, store.ErrNoRule) {
		writeJSON(w, http.StatusNotFound, webhookAnswer{Error: noRule(name)})
		return rule, false
	}
	if err != nil {
		s.journalError(w, "fallback rule read failed", err)
		return rule, false
	}
	return rule, true
}

func noRule(name string) string {
	return fmt.Sprintf("no fallback rule named %q", name)
}

// fallbackRule checks a rule as PUT and returns it as the store keeps it.
// Each error names the field at fault; none quotes the secret.
func fallbackRule(pathName string, in wire.Fallback) (store.Fallback, error) {
	if !ruleName.MatchString(pathName) {
		return store.Fallback{}, errors.New("name: must be 1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit")
	}
	if in.Name != pathName {
		return store.Fallback{}, fmt.Errorf("name: %q differs from the path's %q", in.Name, pathName)
	}
	if err := checkFallbackURL(in.URL); err != nil {
		return store.Fallback{}, err
	}
	if in.Secret == "" {
		return store.Fallback{}, errors.New("secret: must not be empty")
	}
	rule := store.Fallback{Name: in.Name, URL: in.URL, Secret: in.Secret}
	if len(in.On) == 0 {
		return store.Fallback{}, fmt.Errorf("on: must list %q, %q or both", wire.FallbackOnFailed, wire.FallbackOnUndelivered)
	}
	for i, on := range in.On {
		switch {
		case on == wire.FallbackOnFailed && !rule.OnFailed:
			rule.OnFailed = true
		case on == wire.FallbackOnUndelivered && !rule.OnUndelivered:
			rule.OnUndelivered = true
		case on == wire.FallbackOnFailed || on == wire.FallbackOnUndelivered:
			return store.Fallback{}, fmt.Errorf("on[%d]: %q is listed twice", i, on)
		default:
			return store.Fallback{}, fmt.Errorf("on[%d]: %q is not %q or %q", i, on, wire.FallbackOnFailed, wire.FallbackOnUndelivered)
		}
	}
	after := time.Duration(in.UndeliveredAfterSeconds) * time.Second
	switch {
	case rule.OnUndelivered && (in.UndeliveredAfterSeconds < int64(minUndeliveredAfter/time.Second) ||
		in.UndeliveredAfterSeconds > int64(maxUndeliveredAfter/time.Second)):
		return store.Fallback{}, fmt.Errorf("undelivered_after_seconds: %d is not between %d (1s) and %d (7d)",
			in.UndeliveredAfterSeconds, int64(minUndeliveredAfter/time.Second), int64(maxUndeliveredAfter/time.Second))
	case !rule.OnUndelivered && in.UndeliveredAfterSeconds != 0:
		return store.Fallback{}, fmt.Errorf("undelivered_after_seconds: must be 0 unless on lists %q", wire.FallbackOnUndelivered)
	case rule.OnUndelivered:
		rule.UndeliveredAfter = after
	}
	seen := map[wire.FallbackTemplate]bool{}
	for i, t := range in.Templates {
		switch {
		case t.Name == "":
			return store.Fallback{}, fmt.Errorf("templates[%d].name: must not be empty", i)
		case t.LanguageCode == "":
			return store.Fallback{}, fmt.Errorf("templates[%d].language_code: must not be empty", i)
		case seen[t]:
			return store.Fallback{}, fmt.Errorf("templates[%d]: %q (%s) is listed twice", i, t.Name, t.LanguageCode)
		}
		seen[t] = true
		rule.Templates = append(rule.Templates, store.FallbackTemplate{Name: t.Name, LanguageCode: t.LanguageCode})
	}
	return rule, nil
}

// checkFallbackURL accepts an https URL, or an http one to a loopback
// host: hand-offs carry customers' numbers.
func checkFallbackURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Hostname() == "" {
		return errors.New("url: must be an absolute https URL (or http to a loopback address)")
	}
	if u.User != nil {
		return errors.New("url: must not carry credentials; the secret signs each hand-off")
	}
	if u.Fragment != "" {
		return errors.New("url: must not have a fragment")
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopback(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("url: http is allowed to a loopback address only (localhost, 127.0.0.0/8, ::1), not %q", u.Hostname())
	default:
		return fmt.Errorf("url: scheme %q is not https (or http to a loopback address)", u.Scheme)
	}
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// redactURL is a rule's URL as logged: without its query, which may carry
// a token of the endpoint's.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	u.RawQuery, u.Fragment = "", ""
	return u.String()
}

// fallbackAnswer is a rule as answered: without its secret.
func fallbackAnswer(f store.Fallback) wire.Fallback {
	out := wire.Fallback{Name: f.Name, URL: f.URL, On: []string{}, Templates: []wire.FallbackTemplate{}}
	if f.OnFailed {
		out.On = append(out.On, wire.FallbackOnFailed)
	}
	if f.OnUndelivered {
		out.On = append(out.On, wire.FallbackOnUndelivered)
		out.UndeliveredAfterSeconds = int64(f.UndeliveredAfter / time.Second)
	}
	for _, t := range f.Templates {
		out.Templates = append(out.Templates, wire.FallbackTemplate{Name: t.Name, LanguageCode: t.LanguageCode})
	}
	return out
}

func handoffAnswer(h store.Handoff) wire.HandoffState {
	out := wire.HandoffState{
		ID:          h.ID,
		MessageID:   h.MessageID,
		Reason:      h.Reason,
		Attempts:    h.Attempts,
		CreatedAt:   h.CreatedAt.UTC().Format(time.RFC3339Nano),
		DeliveredAt: timeOrNull(h.DeliveredAt),
		LastError:   stringOrNull(h.LastError),
	}
	switch h.State {
	case store.HandoffPending:
		out.State = wire.HandoffPending
		out.NextAttemptAt = timeOrNull(h.NextAttemptAt)
	case store.HandoffDelivered:
		out.State = wire.HandoffDelivered
	case store.HandoffDead:
		out.State = wire.HandoffDead
	}
	return out
}
