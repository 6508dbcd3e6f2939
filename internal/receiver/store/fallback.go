package store

import (
	"time"
)

// Fallback is a fallback rule: which messages are handed off, and where.
// Secret signs each hand-off; it is stored (the receiver signs with it)
// and never answered.
type Fallback struct {
	Name          string
	URL           string
	Secret        string
	OnFailed      bool
	OnUndelivered bool
	// UndeliveredAfter is how long a message may stay only sent before it
	// is handed off as undelivered; zero unless OnUndelivered.
	UndeliveredAfter time.Duration
	// Templates the rule covers, in the order given; none means every
	// template.
	Templates []FallbackTemplate
	// CreatedAt is when the rule was first put. The undelivered scan
	// looks only at messages first seen since, so that a new rule does not
	// hand off every old message still marked sent.
	CreatedAt time.Time
}

// FallbackTemplate is a template a rule covers.
type FallbackTemplate struct {
	Name         string
	LanguageCode string
}

// HandoffState is where a hand-off is: pending until a 2xx answers it,
// dead once it has been refused until its give-up time.
type HandoffState int16

// Hand-off states as stored.
const (
	HandoffPending   HandoffState = 1
	HandoffDelivered HandoffState = 2
	HandoffDead      HandoffState = 3
)

// Reasons a message is handed off.
const (
	ReasonFailed      = "failed"
	ReasonUndelivered = "undelivered"
)

// Handoff is one hand-off of a message under a rule, as the outbox keeps
// it.
type Handoff struct {
	ID            string
	Rule          string
	MessageID     string
	Reason        string
	State         HandoffState
	Attempts      int
	CreatedAt     time.Time
	NextAttemptAt time.Time
	DeliveredAt   time.Time
	LastError     string
}

// handoffListLimit bounds a listing of a rule's hand-offs.
const handoffListLimit = 1000

// The outbox: a failure stored for the first time hands its message off
// to every rule on "failed" that covers its template, in the transaction
// that stores the event. The unique (rule, message_id) key makes the
// first reason win: a message already handed off as undelivered is not
// handed off again.
const (
	sqliteHandOffFailed = `INSERT INTO handoffs
  (id, rule, message_id, reason, state, attempts, created_at, round_started_at, next_attempt_at)
SELECT lower(hex(randomblob(16))), f.name, m.id, 'failed', 1, 0, ?1, ?1, ?1
FROM fallbacks f JOIN messages m ON m.id = ?2
WHERE f.on_failed AND ` + coversTemplate + `
ON CONFLICT DO NOTHING`
	postgresHandOffFailed = `INSERT INTO handoffs
  (id, rule, message_id, reason, state, attempts, created_at, round_started_at, next_attempt_at)
SELECT replace(gen_random_uuid()::text, '-', ''), f.name, m.id, 'failed', 1, 0, $1, $1, $1
FROM fallbacks f JOIN messages m ON m.id = $2
WHERE f.on_failed AND ` + coversTemplate + `
ON CONFLICT DO NOTHING`
	// coversTemplate: the rule f names no template, or names m's.
	coversTemplate = `(f.all_templates OR EXISTS (SELECT 1 FROM fallback_templates t
  WHERE t.rule = f.name AND t.name = m.template_name AND t.language_code = m.template_language))`
)

// Delivery is a claimed hand-off with what its POST needs.
type Delivery struct {
	ID        string
	Rule      string
	MessageID string
	Reason    string
	Attempts  int
	CreatedAt time.Time
	// RoundStartedAt is when the hand-off was created, or last retried:
	// its give-up time counts from then.
	RoundStartedAt time.Time
	URL            string
	Secret         string
	// Owner and LeasedUntil are the claim's; FinishHandoff checks them.
	Owner       string
	LeasedUntil time.Time
	// Message is the message handed off; zero if retention purged it.
	Message Message
}

// Finish is the outcome of one try: State is HandoffDelivered (At is
// when), HandoffPending (tried again at NextAttemptAt) or HandoffDead.
type Finish struct {
	State         HandoffState
	At            time.Time
	NextAttemptAt time.Time
	LastError     string
}

// Tried is a claimed hand-off and the outcome of its try.
type Tried struct {
	Delivery Delivery
	Finish   Finish
}

// undeliveredScan is one rule's part of an undelivered scan: the
// messages first seen in [from, to] are looked at.
type undeliveredScan struct {
	rule         string
	allTemplates bool
	from, to     time.Time
}

// newUndeliveredScan bounds a rule's scan: from its creation, or its last
// scan less the margin, to now less its undelivered_after. It is false
// when there is nothing new to look at.
func newUndeliveredScan(rule string, all bool, after time.Duration, created, scanned, now time.Time) (undeliveredScan, bool) {
	sc := undeliveredScan{rule: rule, allTemplates: all, from: created, to: micros(now.Add(-after))}
	if from := scanned.Add(-undeliveredMargin); from.After(sc.from) {
		sc.from = from
	}
	return sc, !sc.to.Before(sc.from) && sc.to.After(scanned)
}

// undeliveredMargin is how far before its last run the undelivered scan
// looks again: a message's first_seen_at is stamped before its commit,
// and replicas' clocks differ a little.
const undeliveredMargin = 10 * time.Second
