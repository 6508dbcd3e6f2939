package client

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/ratelimit"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

const (
	opBudget      = "rate budget"
	maxBudgetBody = 1 << 16
	// budgetReleaseTimeout bounds ending a slot; a slot not ended is
	// counted as answered at its lease's end.
	budgetReleaseTimeout = 10 * time.Second
)

// ReceiverBudget is a key's rate budget kept by the status receiver, so
// that every runner using the key shares it. The receiver grants slots in
// a database transaction and knows the key only by its id.
type ReceiverBudget struct {
	baseErr error
	req     *requester
	path    string
	limit   int
	// window and lease: see ratelimit.Ledger.Acquire.
	window, lease time.Duration
	prefix        string
	seq           atomic.Uint64
}

var _ ratelimit.Budget = (*ReceiverBudget)(nil)

// NewReceiverBudget returns the budget of key keyID (ratelimit.KeyID) at
// the receiver at baseURL: at most limit arrivals in any window, a slot
// held for lease at most. An invalid baseURL or token is reported by
// every call.
func NewReceiverBudget(baseURL, token string, httpClient *http.Client, logger Logger, keyID string, limit int, window, lease time.Duration) *ReceiverBudget {
	req, err := newReceiverRequester(baseURL, token, httpClient, logger)
	if window <= 0 {
		window = ratelimit.DefaultWindow
	}
	var prefix [8]byte
	_, _ = rand.Read(prefix[:])
	return &ReceiverBudget{
		baseErr: err, req: req, path: wire.BudgetPathPrefix + keyID,
		limit: limit, window: window, lease: lease,
		prefix: hex.EncodeToString(prefix[:]) + "-",
	}
}

// Limit returns the number of slots allowed in one window.
func (b *ReceiverBudget) Limit() int { return b.limit }

// Window returns the length of the sliding window.
func (b *ReceiverBudget) Window() time.Duration { return b.window }

// Where says where the budget lives: the receiver's budget of the key.
func (b *ReceiverBudget) Where() string {
	if b.baseErr != nil {
		return "the status receiver"
	}
	return "the status receiver at " + b.req.baseURL + b.path
}

// Acquire asks the receiver for a slot until it grants one.
func (b *ReceiverBudget) Acquire(ctx context.Context) (ratelimit.Slot, error) {
	start := time.Now()
	id := b.prefix + strconv.FormatUint(b.seq.Add(1), 36)
	for {
		var answer wire.BudgetAnswer
		if err := b.post(ctx, wire.BudgetRequest{
			Op: wire.BudgetAcquire, Slot: id, Limit: b.limit,
			WindowMS: b.window.Milliseconds(), LeaseMS: b.lease.Milliseconds(),
		}, &answer); err != nil {
			return ratelimit.Slot{}, err
		}
		if answer.Granted {
			return ratelimit.NewSlot(func(stamp bool) { b.finish(id, stamp) }, time.Since(start)), nil
		}
		if err := sleep(ctx, max(time.Duration(answer.WaitMS)*time.Millisecond, time.Millisecond)); err != nil {
			return ratelimit.Slot{}, err
		}
	}
}

// finish ends slot id at the receiver.
func (b *ReceiverBudget) finish(id string, stamp bool) {
	op := wire.BudgetCancel
	if stamp {
		op = wire.BudgetRelease
	}
	ctx, cancel := context.WithTimeout(context.Background(), budgetReleaseTimeout)
	defer cancel()
	if err := b.post(ctx, wire.BudgetRequest{Op: op, Slot: id, WindowMS: b.window.Milliseconds()}, nil); err != nil {
		b.req.log.Debug(ctx, "interakt rate budget slot not ended; its lease ends it", map[string]any{"error": err.Error()})
	}
}

// Full marks the window full for every runner using the key.
func (b *ReceiverBudget) Full(ctx context.Context, after time.Duration) error {
	if after <= 0 {
		after = b.window
	}
	return b.post(ctx, wire.BudgetRequest{Op: wire.BudgetFull, AfterMS: after.Milliseconds(), WindowMS: b.window.Milliseconds()}, nil)
}

// post makes one budget request and reads its answer into out (when not
// nil).
func (b *ReceiverBudget) post(ctx context.Context, q wire.BudgetRequest, out any) error {
	if b.baseErr != nil {
		return b.baseErr
	}
	body, err := json.Marshal(q)
	if err != nil {
		return err
	}
	rep, err := b.req.do(ctx, call{op: opBudget, method: http.MethodPost, path: b.path, body: body, maxBody: maxBudgetBody, safe: true})
	if err != nil {
		return err
	}
	if rep.status != http.StatusOK {
		apiErr := b.req.statusError(opBudget, rep)
		if rep.status == http.StatusUnauthorized || rep.status == http.StatusForbidden {
			return apiErr
		}
		// Not the API's answer: say what the receiver said.
		return fmt.Errorf("the status receiver answered HTTP %d: %s", rep.status, apiErr.Message)
	}
	if rep.bodyErr != nil {
		return &Error{Receiver: true, Kind: KindUnsent, Op: opBudget, StatusCode: rep.status, Err: rep.bodyErr}
	}
	if out != nil {
		if err := json.Unmarshal(rep.body, out); err != nil {
			return &Error{Receiver: true, Kind: KindUnsent, Op: opBudget, StatusCode: rep.status, Err: fmt.Errorf("unreadable answer: %w", err)}
		}
	}
	return nil
}
