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
