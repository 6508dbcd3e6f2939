package receiver

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/ratelimit"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

const (
	// budgetPoll is the longest a refused acquire is told to wait while
	// some slot is held, since its release may come at any time.
	budgetPoll = 50 * time.Millisecond
	// maxBudgetLimit, maxBudgetWindow and maxBudgetLease bound what a
	// request may ask for.
	maxBudgetLimit  = 1_000_000
	maxBudgetWindow = time.Hour
	maxBudgetLease  = 2 * time.Hour
)

// budgetClock returns the time a budget's ledger is kept in: the wall
// time when the server started plus the monotonic time since, so that a
// step of the machine's clock while it runs frees no slot early.
func (s *Server) budgetClock() int64 {
	return s.budgetEpoch.UnixNano() + int64(time.Since(s.budgetEpoch))
}

// handleBudget applies one operation to a key's rate budget in one
// transaction of the store, so that every runner and every receiver
// sharing the database sees one budget.
func (s *Server) handleBudget(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("key")
	if raw, err := hex.DecodeString(key); err != nil || len(raw) != 32 {
		writeJSON(w, http.StatusBadRequest, webhookAnswer{Error: "the budget's key must be a SHA-256 in hex"})
		return
	}
	var q wire.BudgetRequest
	if !readJSON(w, r, &q) {
		return
	}
	window := time.Duration(q.WindowMS) * time.Millisecond
	lease := time.Duration(q.LeaseMS) * time.Millisecond
	if window <= 0 || window > maxBudgetWindow {
		writeJSON(w, http.StatusBadRequest, webhookAnswer{Error: "window_ms must be positive and at most an hour"})
		return
	}
	switch q.Op {
	case wire.BudgetAcquire:
		if q.Slot == "" || q.Limit < 1 || q.Limit > maxBudgetLimit || lease <= 0 || lease > maxBudgetLease {
			writeJSON(w, http.StatusBadRequest, webhookAnswer{Error: "an acquire needs a slot, a limit and a lease"})
			return
		}
	case wire.BudgetRelease, wire.BudgetCancel:
		if q.Slot == "" {
			writeJSON(w, http.StatusBadRequest, webhookAnswer{Error: "a release needs its slot"})
			return
		}
	case wire.BudgetFull:
		if q.AfterMS <= 0 || time.Duration(q.AfterMS)*time.Millisecond > maxBudgetWindow {
			writeJSON(w, http.StatusBadRequest, webhookAnswer{Error: "a full mark needs after_ms, at most an hour"})
			return
		}
	default:
		writeJSON(w, http.StatusBadRequest, webhookAnswer{Error: "op must be acquire, release, cancel or full"})
		return
	}
	// A release is stamped when it arrived, not once the key's row is
	// locked: the answer had arrived by then, and waiting for the lock
	// (other runners' operations) would only make the slot count longer.
	arrived := s.budgetClock()
	var answer wire.BudgetAnswer
	err := s.store.UpdateBudget(r.Context(), key, func(data []byte) ([]byte, error) {
		var l ratelimit.Ledger
		if len(data) > 0 {
			if err := json.Unmarshal(data, &l); err != nil {
				return nil, errors.New("budget ledger unreadable")
			}
		}
		now := s.budgetClock()
		switch q.Op {
		case wire.BudgetAcquire:
			granted, wait := l.Acquire(now, q.Slot, q.Limit, window, lease)
			if !granted {
				if l.HasHeld() {
					wait = min(wait, budgetPoll)
				}
				answer.WaitMS = max(wait.Milliseconds(), 1)
				// Nothing to store: the expired slots are dropped again
				// by the next change.
				return nil, nil
			}
			answer.Granted = true
		case wire.BudgetRelease, wire.BudgetCancel:
			l.Release(min(arrived, now), q.Slot, q.Op == wire.BudgetRelease, window)
		case wire.BudgetFull:
			l.Full(now, time.Duration(q.AfterMS)*time.Millisecond)
		}
		return json.Marshal(l)
	})
	if err != nil {
		s.journalError(w, "budget update failed", err)
		return
	}
	writeJSON(w, http.StatusOK, answer)
}
