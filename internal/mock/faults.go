package mock

import (
	"context"
	"maps"
	"sync"
	"time"
)

// Fault is what an injected failure does to one send request.
type Fault int

// Faults a send request can meet. Send requests are numbered 1, 2, 3... in the
// order they reach the handler, counting every POST to the message path
// (whatever its answer) and no other request.
const (
	// FaultNone answers normally.
	FaultNone Fault = iota
	// Fault429 answers 429 with "Retry-After: 1" before the rate limit is
	// consulted; the request is ignored and takes no room in the window.
	Fault429
	// Fault429NoRetryAfter is Fault429 without a Retry-After header.
	Fault429NoRetryAfter
	// Fault500 answers 500 without sending; the request counts in the window.
	Fault500
	// Fault502 answers 502 without sending; the request counts in the window.
	Fault502
	// Fault503 answers 503 without sending; the request counts in the window.
	Fault503
	// FaultSlow sends the message, then waits Faults.SlowDelay (meant to be
	// past the client's timeout) before answering 201.
	FaultSlow
	// FaultDropBeforeBody closes the connection before reading the body: the
	// message is not sent and the request takes no room in the window.
	FaultDropBeforeBody
	// FaultDropAfterBody reads and accepts the message (recorded as sent,
	// webhooks follow), then closes the connection without answering.
	FaultDropAfterBody
	// FaultMalformedBody sends the message and answers 201 with the
	// truncated body {"result":tr.
	FaultMalformedBody
	// FaultNoID sends the message and answers 201 with result true and no id.
	FaultNoID
)

var faultNames = map[Fault]string{
	FaultNone:            "none",
	Fault429:             "429",
	Fault429NoRetryAfter: "429-no-retry-after",
	Fault500:             "500",
	Fault502:             "502",
	Fault503:             "503",
	FaultSlow:            "slow",
	FaultDropBeforeBody:  "drop-before-body",
	FaultDropAfterBody:   "drop-after-body",
	FaultMalformedBody:   "malformed-body",
	FaultNoID:            "no-id",
}

// String returns the fault's name as the command line spells it.
func (f Fault) String() string {
	if name, ok := faultNames[f]; ok {
		return name
	}
	return "unknown"
}

// ParseFault returns the fault named name (see Fault.String).
func ParseFault(name string) (Fault, bool) {
	for f, n := range faultNames {
		if n == name {
			return f, true
		}
	}
	return FaultNone, false
}

// DefaultSlowDelay is how long FaultSlow waits when Faults.SlowDelay is zero.
const DefaultSlowDelay = 5 * time.Second

// Faults are the failures a server injects. They can be changed while the
// server runs (Server.SetFaults, Server.UpdateFaults).
type Faults struct {
	// ByRequest maps a send request's arrival number to its fault.
	ByRequest map[int]Fault
	// Every429 answers Fault429 to every Nth send request (n%Every429 == 0)
	// that ByRequest does not name. Zero disables it.
	Every429 int
	// Every429NoRetryAfter omits Retry-After from the Every429 answers.
	Every429NoRetryAfter bool
	// SlowDelay is how long FaultSlow waits; zero means DefaultSlowDelay.
	SlowDelay time.Duration
	// WebhookDuplicate delivers every webhook event twice.
	WebhookDuplicate bool
	// WebhookOutOfOrder delivers each message's events newest first (read
	// before delivered before sent), on the same schedule.
	WebhookOutOfOrder bool
	// AnswerDelayMin and AnswerDelayMax hold the answer of every accepted
	// send for a random time between them, after the message is accepted,
	// as a slow API does. Zero answers at once.
	AnswerDelayMin, AnswerDelayMax time.Duration
}

// clone returns a copy that shares no map with f.
func (f Faults) clone() Faults {
	f.ByRequest = maps.Clone(f.ByRequest)
	return f
}

// faultFor returns the fault send request n meets.
func (f *Faults) faultFor(n int) Fault {
	if fault, ok := f.ByRequest[n]; ok {
		return fault
	}
	if f.Every429 > 0 && n%f.Every429 == 0 {
		if f.Every429NoRetryAfter {
			return Fault429NoRetryAfter
		}
		return Fault429
	}
	return FaultNone
}

// Hold blocks one send request, before anything is decided about it (before
// authentication is acted upon, the rate limit, faults and validation), until
// Release is called. Its arrival time, which the rate limit judges, is the
// time it reached the handler. A request still held when the server closes
// is answered 503 and not sent.
type Hold struct {
	n        int
	heldOnce sync.Once
	held     chan struct{}
	freeOnce sync.Once
	free     chan struct{}
}

func newHold(n int) *Hold {
	return &Hold{n: n, held: make(chan struct{}), free: make(chan struct{})}
}

// N returns the arrival number of the request this hold blocks.
func (h *Hold) N() int { return h.n }

// Held is closed once the request is being held.
func (h *Hold) Held() <-chan struct{} { return h.held }

// WaitHeld waits until the request is being held, or ctx ends.
func (h *Hold) WaitHeld(ctx context.Context) error {
	select {
	case <-h.held:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Release lets the request go on. It may be called more than once, and
// before the request arrives (then the request is not held at all).
func (h *Hold) Release() {
	h.freeOnce.Do(func() { close(h.free) })
}

func (h *Hold) markHeld() {
	h.heldOnce.Do(func() { close(h.held) })
}
