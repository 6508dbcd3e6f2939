package receiver

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/receiver/store"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// Defaults of the hand-off settings in Config.
const (
	DefaultHandoffGiveUp     = 24 * time.Hour
	DefaultHandoffBackoff    = time.Second
	DefaultHandoffMaxBackoff = 5 * time.Minute
	DefaultHandoffTimeout    = 10 * time.Second
	DefaultHandoffPoll       = 250 * time.Millisecond
	DefaultUndeliveredScan   = time.Second
)

// handoffBatch is how many hand-offs one claim leases and POSTs at once.
const handoffBatch = 16

// maxErrorText bounds a hand-off's last_error.
const maxErrorText = 200

// handoffs is the delivery of fallback hand-offs: one goroutine claims
// and POSTs the due ones, another runs the undelivered scan. Both stop
// when the server closes; a POST under way then is cancelled and its
// lease runs out, so the hand-off is tried again: at least once.
type handoffs struct {
	s      *Server
	owner  string
	client *http.Client
	stop   context.CancelFunc
	done   sync.WaitGroup
}

func (s *Server) startHandoffs() {
	ctx, cancel := context.WithCancel(context.Background())
	var id [8]byte
	_, _ = rand.Read(id[:])
	client := s.cfg.HandoffClient
	if client == nil {
		client = &http.Client{
			Timeout: s.cfg.HandoffTimeout,
			// A redirect could take the body, customers' numbers, to a host
			// the rule does not name.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	h := &handoffs{s: s, owner: hex.EncodeToString(id[:]), client: client, stop: cancel}
	s.handoffs = h
	h.done.Add(2)
	go h.loop(ctx, s.cfg.HandoffPoll, h.deliverDue)
	go h.loop(ctx, s.cfg.UndeliveredScan, h.scan)
}

func (h *handoffs) close() {
	h.stop()
	h.done.Wait()
}

// loop runs step every interval until ctx ends.
func (h *handoffs) loop(ctx context.Context, interval time.Duration, step func(context.Context)) {
	defer h.done.Done()
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		step(ctx)
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// scan hands off the messages whose undelivered_after has passed, and
// refreshes the pending gauge.
func (h *handoffs) scan(ctx context.Context) {
	n, err := h.s.store.HandOffUndelivered(ctx, h.s.cfg.Now())
	if err != nil {
		if ctx.Err() == nil {
			h.s.logger.Error("undelivered scan failed", "error", err)
		}
		return
	}
	if n > 0 {
		h.s.metrics.handoffsUndelivered.Add(float64(n))
		h.s.logger.Info("messages handed off as undelivered", "handoffs", n)
	}
	if pending, err := h.s.store.PendingHandoffs(ctx); err == nil {
		h.s.metrics.handoffsPending.Set(float64(pending))
	}
}

// deliverDue claims due hand-offs and POSTs them, until none is due.
func (h *handoffs) deliverDue(ctx context.Context) {
	for ctx.Err() == nil {
		now := h.s.cfg.Now()
		claimed, err := h.s.store.ClaimHandoffs(ctx, h.owner, now, now.Add(h.s.cfg.HandoffLease), handoffBatch)
		if err != nil {
			if ctx.Err() == nil {
				h.s.logger.Error("hand-off claim failed", "error", err)
			}
			return
		}
		// Each outcome is recorded as soon as its POST ends: a receiver
		// killed mid-claim then sends again only the POSTs still open,
		// not every one the claim had finished.
		var wg sync.WaitGroup
		for _, d := range claimed {
			wg.Go(func() {
				if t, ok := h.try(ctx, d); ok {
					h.record(ctx, t)
				}
			})
		}
		wg.Wait()
		if len(claimed) < handoffBatch {
			return
		}
	}
}

// try POSTs one hand-off and returns the outcome to record, if any.
func (h *handoffs) try(ctx context.Context, d store.Delivery) (store.Tried, bool) {
	if h.s.cfg.Now().Add(h.s.cfg.HandoffTimeout).After(d.LeasedUntil) {
		// A POST begun now could outlast the lease, and another receiver
		// could then POST the same hand-off at the same time; let the
		// lease run out instead.
		return store.Tried{}, false
	}
	err := h.post(ctx, d)
	now := h.s.cfg.Now()
	if err != nil && ctx.Err() != nil {
		// Stopping: the claim is given back, due at once, for this
		// receiver once restarted or another. The endpoint may have had
		// the POST: it comes again with the same idempotency key.
		return store.Tried{Delivery: d, Finish: store.Finish{State: store.HandoffPending, At: now, NextAttemptAt: now,
			LastError: "the receiver stopped during the try", Released: true}}, true
	}
	finish := store.Finish{State: store.HandoffDelivered, At: now}
	if err != nil {
		finish = store.Finish{State: store.HandoffPending, At: now, LastError: errorText(err)}
		finish.NextAttemptAt = now.Add(backoff(h.s.cfg.HandoffBackoff, h.s.cfg.HandoffMaxBackoff, d.Attempts+1))
		if finish.NextAttemptAt.After(d.RoundStartedAt.Add(h.s.cfg.HandoffGiveUp)) {
			finish.State = store.HandoffDead
		}
	}
	return store.Tried{Delivery: d, Finish: finish}, true
}

// record stores the outcome of a try, and counts it.
func (h *handoffs) record(ctx context.Context, t store.Tried) {
	recorded, err := h.s.store.FinishHandoffs(context.WithoutCancel(ctx), []store.Tried{t})
	if err != nil {
		h.s.logger.Error("hand-off outcome not recorded; it will be tried again", "handoff", t.Delivery.ID, "error", err)
		return
	}
	h.count(t, recorded[0])
}

func (h *handoffs) count(t store.Tried, recorded bool) {
	d, finish := t.Delivery, t.Finish
	if !recorded {
		// The lease ran out first and another claim took the hand-off.
		h.s.logger.Warn("hand-off lease lost before its outcome", "handoff", d.ID, "rule", d.Rule)
		return
	}
	now := finish.At
	switch {
	case finish.Released:
	case finish.State == store.HandoffDelivered:
		h.s.metrics.handoffLatency.Observe(now.Sub(d.CreatedAt).Seconds())
		h.s.metrics.handoffsDelivered.Inc()
	case finish.State == store.HandoffPending:
		h.s.metrics.handoffsRetried.Inc()
		h.s.logger.Warn("hand-off refused, will retry", "handoff", d.ID, "rule", d.Rule,
			"attempts", d.Attempts+1, "next_attempt_at", finish.NextAttemptAt.UTC().Format(time.RFC3339Nano), "error", finish.LastError)
	case finish.State == store.HandoffDead:
		h.s.metrics.handoffsDead.Inc()
		h.s.logger.Error("hand-off dead: refused until its give-up time", "handoff", d.ID, "rule", d.Rule,
			"attempts", d.Attempts+1, "error", finish.LastError)
	}
}

// post sends the hand-off; a 2xx answer is success.
func (h *handoffs) post(ctx context.Context, d store.Delivery) error {
	body, err := json.Marshal(handoffBody(d))
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader(body))
	if err != nil {
		return errors.New("the rule's URL cannot be requested")
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "interakt-receiver")
	req.Header.Set(wire.FallbackSignatureHeader, Sign(d.Secret, body))
	req.Header.Set(wire.IdempotencyKeyHeader, d.MessageID+":"+d.Rule)
	resp, err := h.client.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("answered HTTP %d", resp.StatusCode)
	}
	return nil
}

// handoffBody is what a hand-off POSTs.
func handoffBody(d store.Delivery) wire.Handoff {
	m := d.Message
	status := m.Status.String()
	if !m.Status.Valid() {
		status = d.Reason
	}
	return wire.Handoff{
		ID:          d.ID,
		Rule:        d.Rule,
		Reason:      d.Reason,
		HandedOffAt: d.CreatedAt.UTC().Format(time.RFC3339Nano),
		Message: wire.HandoffMessage{
			ID:               d.MessageID,
			CountryCode:      stringOrNull(m.CountryCode),
			PhoneNumber:      stringOrNull(m.PhoneNumber),
			TemplateName:     stringOrNull(m.TemplateName),
			TemplateLanguage: stringOrNull(m.TemplateLanguage),
			CallbackData:     stringOrNull(m.CallbackData),
			CampaignID:       stringOrNull(m.CampaignID),
			Status:           status,
			FailureReason:    stringOrNull(m.FailureReason),
			ErrorCode:        stringOrNull(m.ErrorCode),
			SentAt:           timeOrNull(m.SentAt),
		},
	}
}

// backoff is the wait after a hand-off's attempts-th refused try: base,
// doubling, at most max.
func backoff(base, maxWait time.Duration, attempts int) time.Duration {
	wait := base
	for i := 1; i < attempts && wait < maxWait; i++ {
		wait *= 2
	}
	return min(wait, maxWait)
}

// errorText is a failed try as kept in last_error: without the URL (its
// query may hold the endpoint's token) and never the secret, which no
// error contains.
func errorText(err error) string {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		err = urlErr.Err
		if urlErr.Timeout() {
			return "no answer in time"
		}
	}
	text := err.Error()
	if len(text) > maxErrorText {
		text = text[:maxErrorText]
	}
	return text
}
