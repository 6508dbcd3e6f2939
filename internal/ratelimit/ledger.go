package ratelimit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"time"
)

// Budget is where a client's slots come from: a Limiter (one process), a
// FileBudget (every process of one machine using the key) or the status
// receiver's budget (every runner using it).
type Budget interface {
	// Acquire reserves a slot, waiting until one is free; the caller
	// Releases or Cancels it. It fails when ctx ends or the budget cannot
	// be reached, and then nothing may be sent.
	Acquire(ctx context.Context) (Slot, error)
	// Full records that the server refused a request for its rate limit:
	// no slot is granted for after (a whole window when zero).
	Full(ctx context.Context, after time.Duration) error
	// Limit and Window are the budget's: at most Limit arrivals in any
	// Window.
	Limit() int
	Window() time.Duration
	// Where says where the budget lives (a file, a receiver, this
	// process), for logs and diagnostics.
	Where() string
}

var (
	_ Budget = (*Limiter)(nil)
	_ Budget = (*FileBudget)(nil)
)

// LeaseMargin is added to a request's time limit to give a slot's lease:
// a slot its holder has not ended by then is counted as answered at the
// lease's end (its holder died; a live one has ended its request by then).
const LeaseMargin = 5 * time.Second

// KeyID names a key's budget: a SHA-256 of the API's base URL and the key,
// so a budget's file or row never shows the key.
func KeyID(apiKey, baseURL string) string {
	sum := sha256.Sum256([]byte("interakt-budget\x00" + baseURL + "\x00" + apiKey))
	return hex.EncodeToString(sum[:])
}

// Ledger is a key's budget as every process sharing it keeps it: in a file
// under a file lock, or in a row of the status receiver's database under
// a transaction. Its times are nanoseconds of one clock that every reader
// of the ledger uses (the machine's boot clock for a file, the receiver's
// for its database). Its methods are pure: the caller reads the ledger,
// applies one, and writes it back while holding the lock.
type Ledger struct {
	// Held are the slots granted and not yet ended.
	Held []HeldSlot `json:"held,omitempty"`
	// Released are the stamps of ended slots still in the window,
	// ascending.
	Released []int64 `json:"released,omitempty"`
	// FullUntil admits nobody before it: the server answered 429.
	FullUntil int64 `json:"full_until,omitempty"`
	// Now is the latest clock reading that changed the ledger.
	Now int64 `json:"now,omitempty"`
}

// HeldSlot is a granted slot: its id, and when its lease ends.
type HeldSlot struct {
	ID    string `json:"id"`
	Until int64  `json:"until"`
}

// expire counts the held slots whose lease ended as answered at its end,
// and drops the stamps that have left the window.
func (l *Ledger) expire(now int64, window time.Duration) {
	kept := l.Held[:0]
	for _, h := range l.Held {
		if h.Until <= now {
			l.stamp(h.Until)
			continue
		}
		kept = append(kept, h)
	}
	l.Held = kept
	n := 0
	for n < len(l.Released) && l.Released[n]+int64(window) <= now {
		n++
	}
	l.Released = slices.Delete(l.Released, 0, n)
	if now > l.Now {
		l.Now = now
	}
}

// stamp adds an ended slot's stamp, keeping the stamps in order.
func (l *Ledger) stamp(at int64) {
	i, _ := slices.BinarySearch(l.Released, at)
	l.Released = slices.Insert(l.Released, i, at)
}

// Acquire grants slot id at now when fewer than limit slots are in the
// window and it is not marked full, holding it for lease. Otherwise it
// returns how long until a slot certainly frees; a held slot may end
// sooner, so a caller that sees held slots looks again earlier.
func (l *Ledger) Acquire(now int64, id string, limit int, window, lease time.Duration) (granted bool, wait time.Duration) {
	l.expire(now, window)
	if now >= l.FullUntil && len(l.Held)+len(l.Released) < limit {
		l.Held = append(l.Held, HeldSlot{ID: id, Until: now + int64(lease)})
		return true, 0
	}
	if now < l.FullUntil {
		return false, time.Duration(l.FullUntil - now)
	}
	next := int64(-1)
	if len(l.Released) > 0 {
		next = l.Released[0] + int64(window)
	}
	for _, h := range l.Held {
		if free := h.Until + int64(window); next < 0 || free < next {
			next = free
		}
	}
	return false, time.Duration(max(next-now, 0))
}

// Release ends slot id at now: stamped when its answer arrived (stamp),
// else returned unused. A slot already counted at its lease's end is
// stamped again when stamp is set: counting it twice for a while is the
// safe side.
func (l *Ledger) Release(now int64, id string, stamp bool, window time.Duration) {
	for i, h := range l.Held {
		if h.ID == id {
			l.Held = slices.Delete(l.Held, i, i+1)
			break
		}
	}
	if stamp {
		l.stamp(now)
	}
	l.expire(now, window)
}

// Full marks the window full until now+after.
func (l *Ledger) Full(now int64, after time.Duration) {
	if until := now + int64(after); until > l.FullUntil {
		l.FullUntil = until
	}
	if now > l.Now {
		l.Now = now
	}
}

// HasHeld reports whether some slot is held, so that a waiter may be
// admitted before the wait Acquire returned.
func (l *Ledger) HasHeld() bool { return len(l.Held) > 0 }
