package client

import (
	"context"
	"sync"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/ratelimit"
)

// slowWaitShare is the share of the rate window past which a request's
// wait for the budget is logged at Info: 2 s of Interakt's minute.
const slowWaitShare = 30

// keyIDShown is how many characters of the key's budget id (KeyID) logs
// show: enough to tell keys apart, and a hash, never the key.
const keyIDShown = 8

// BudgetKeyID is the id of the budget of apiKey at baseURL
// (ratelimit.KeyID of the normalized URL), as the Client logs it.
func BudgetKeyID(apiKey, baseURL string) (string, error) {
	base, err := normalizeBaseURL(baseURL)
	if err != nil {
		return "", err
	}
	return ratelimit.KeyID(apiKey, base), nil
}

// waitClock measures how long requests were held by the rate budget: the
// time during which at least one request was waiting for a slot, so that
// ten requests waiting side by side for 40 s count 40 s, not 400.
type waitClock struct {
	mu      sync.Mutex
	waiting int
	since   time.Time
	total   time.Duration
}

// begin notes that a request starts waiting.
func (w *waitClock) begin() {
	w.mu.Lock()
	if w.waiting == 0 {
		w.since = time.Now()
	}
	w.waiting++
	w.mu.Unlock()
}

// end notes that a request has its slot, or gave up.
func (w *waitClock) end() {
	w.mu.Lock()
	w.waiting--
	if w.waiting == 0 {
		w.total += time.Since(w.since)
	}
	w.mu.Unlock()
}

// held returns the time so far during which some request waited.
func (w *waitClock) held() time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.waiting > 0 {
		return w.total + time.Since(w.since)
	}
	return w.total
}

// acquire takes a slot from the budget, measuring the wait, and logs a
// wait longer than a thirtieth of the window at Info with the key's id
// and where the budget lives: a plan that sits silent says why.
func (r *requester) acquire(ctx context.Context, c call) (ratelimit.Slot, error) {
	r.waits.begin()
	slot, err := r.budget.Acquire(ctx)
	r.waits.end()
	if err == nil && slot.Waited() > r.budget.Window()/slowWaitShare {
		r.log.Info(ctx, "interakt request waited for the key's rate budget", map[string]any{
			"op":     c.op,
			"waited": slot.Waited().Round(time.Millisecond).String(),
			"key_id": r.keyID[:min(len(r.keyID), keyIDShown)],
			"budget": r.budget.Where(),
			"limit":  r.budget.Limit(),
			"window": r.budget.Window().String(),
		})
	}
	return slot, err
}

// BudgetWait returns how long, in all, this client's requests have been
// held by the rate budget (time during which at least one waited).
func (c *Client) BudgetWait() time.Duration { return c.req.waits.held() }
