// Package store keeps the status receiver's webhook events and the status
// they add up to, in SQLite or PostgreSQL.
//
// Every write is a single-statement upsert whose result does not depend on
// the order events arrive in: a status only moves forward (sent < delivered
// < read, failed is terminal) and every timestamp, once known, is kept. So
// several receivers may write to one PostgreSQL database at once.
package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/receiver/event"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// ErrNotFound is returned by Store.Message for a message id never stored.
var ErrNotFound = errors.New("message not found")

// ErrNoRule is returned for a fallback rule name never put, or removed.
var ErrNoRule = errors.New("fallback rule not found")

// Message is the status a message's events add up to. Zero times and empty
// strings mean unknown.
type Message struct {
	ID            string
	Status        event.Status
	SentAt        time.Time
	DeliveredAt   time.Time
	ReadAt        time.Time
	FailedAt      time.Time
	FailureReason string
	ErrorCode     string
	CallbackData  string
	// Phone, TemplateName and TemplateLanguage: see event.Event.
	Phone            string
	TemplateName     string
	TemplateLanguage string
	ClickedAt        time.Time
	ClickedButton    string
	// CampaignID, CountryCode and PhoneNumber: see event.Event.
	CampaignID  string
	CountryCode string
	PhoneNumber string
	// FirstSeenAt is the ReceivedAt of the earliest event applied.
	FirstSeenAt time.Time
	// UpdatedAt is the ReceivedAt of the latest event applied.
	UpdatedAt time.Time
}

// MessageQuery finds the messages sent to a phone with a template, whose
// time (the send's as Interakt reports it, else when first seen) is in
// [From, To]. An empty CallbackData or TemplateLanguage matches any.
type MessageQuery struct {
	Phone            string
	TemplateName     string
	TemplateLanguage string
	CallbackData     string
	From, To         time.Time
	// FirstSeen applies [From, To] to when the receiver first saw the
	// message, on its own clock, instead of the send time: a message
	// whose webhooks all came before From is never found, whatever time
	// Interakt gave its send.
	FirstSeen bool
}

// DeadLetter is a signed webhook body that could not be parsed, kept
// whole so that nothing Interakt sent is lost.
type DeadLetter struct {
	ReceivedAt time.Time
	Reason     string
	Body       []byte
}

// Outcome says what Apply did with one event.
type Outcome int

// Outcomes of Apply.
const (
	// Stored means the event was new and is now committed.
	Stored Outcome = iota + 1
	// Duplicate means the event had been committed before.
	Duplicate
)

// Store is where the receiver keeps events: one row per message, holding
// the status its events add up to and the set of events already applied. Implementations are safe for
// concurrent use.
type Store interface {
	// Apply commits events in one transaction and returns one outcome per
	// event, in order. When it returns an error nothing was committed.
	Apply(ctx context.Context, events []event.Event) ([]Outcome, error)
	// Message returns a message's status, or ErrNotFound.
	Message(ctx context.Context, id string) (Message, error)
	// Purge deletes the messages whose latest event was received before
	// cutoff, and the dead letters received before it, and the delivered
	// and dead hand-offs created before it, and returns how many messages
	// it deleted.
	Purge(ctx context.Context, cutoff time.Time) (int64, error)
	// Ping checks that the database answers.
	Ping(ctx context.Context) error

	// PutJournal stores a send journal entry, replacing the one of the
	// same attempt unless that one is answered and this one is not; it
	// returns once the entry is committed.
	PutJournal(ctx context.Context, e wire.JournalEntry) error
	// JournalEntries returns the entries of keys, oldest first.
	JournalEntries(ctx context.Context, keys []string) ([]wire.JournalEntry, error)
	// RemoveJournal deletes entries by attempt.
	RemoveJournal(ctx context.Context, attempts []string) error
	// PurgeJournal deletes the entries started before cutoff.
	PurgeJournal(ctx context.Context, cutoff time.Time) (int64, error)

	// UpdateBudget reads the rate budget ledger of key (nil when there is
	// none), and stores what change returns, in one transaction that
	// excludes every other change of the key: SQLite's write lock,
	// PostgreSQL's row lock. Nothing is stored when change fails or
	// returns nil.
	UpdateBudget(ctx context.Context, key string, change func(ledger []byte) ([]byte, error)) error

	// Messages returns the messages of ids that were stored, in any order.
	Messages(ctx context.Context, ids []string) ([]Message, error)
	// FindMessages returns the messages matching q, at most limit, latest
	// first (by the time q matches on).
	FindMessages(ctx context.Context, q MessageQuery, limit int) ([]Message, error)
	// AddDeadLetter stores a body that could not be parsed.
	AddDeadLetter(ctx context.Context, d DeadLetter) error
	// DeadLetters returns the stored dead letters, oldest first, at most
	// limit.
	DeadLetters(ctx context.Context, limit int) ([]DeadLetter, error)

	// PutFallback stores a rule, replacing the one of the same name but
	// keeping its CreatedAt; a new rule is created at now. It returns the
	// rule as stored.
	PutFallback(ctx context.Context, f Fallback, now time.Time) (Fallback, error)
	// Fallback returns a rule, or ErrNoRule.
	Fallback(ctx context.Context, name string) (Fallback, error)
	// RemoveFallback deletes a rule with its hand-offs and returns how
	// many of them were pending; ErrNoRule when there is no such rule.
	RemoveFallback(ctx context.Context, name string) (int, error)
	// Handoffs returns a rule's hand-offs in state (every state for 0),
	// oldest first, at most a thousand.
	Handoffs(ctx context.Context, rule string, state HandoffState) ([]Handoff, error)
	// RetryHandoffs makes a rule's dead hand-offs pending again, due at
	// now, with their give-up time counted anew from now; it returns how
	// many.
	RetryHandoffs(ctx context.Context, rule string, now time.Time) (int, error)

	// HandOffUndelivered hands off, under each rule on "undelivered",
	// the messages still only sent that were first seen after the rule was
	// created and more than its undelivered_after before now; it returns
	// how many. It reads the messages first seen since its last run, less
	// a margin for commits still under way, through an index of the
	// messages still only sent.
	HandOffUndelivered(ctx context.Context, now time.Time) (int, error)
	// ClaimHandoffs leases to owner at most limit pending hand-offs due at
	// now, until leaseUntil, which is also when they are due again should
	// owner not finish them. On PostgreSQL a hand-off another receiver is
	// claiming at the same moment is skipped (SKIP LOCKED).
	ClaimHandoffs(ctx context.Context, owner string, now, leaseUntil time.Time, limit int) ([]Delivery, error)
	// FinishHandoffs records tries of claimed hand-offs in one
	// transaction, each unless its lease has passed to another claim; it
	// reports, in order, whether it recorded each.
	FinishHandoffs(ctx context.Context, tries []Tried) ([]bool, error)
	// PendingHandoffs counts the pending hand-offs of every rule.
	PendingHandoffs(ctx context.Context) (int64, error)

	// Close releases the database.
	Close() error
}

// Open opens the store a DSN names and creates or migrates its schema:
// "sqlite://<path>" for an SQLite file, "postgres://..." or
// "postgresql://..." for PostgreSQL. Errors never contain the DSN, which
// may hold a password.
func Open(ctx context.Context, dsn string) (Store, error) {
	switch {
	case strings.HasPrefix(dsn, sqliteScheme):
		return OpenSQLite(ctx, strings.TrimPrefix(dsn, sqliteScheme))
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return OpenPostgres(ctx, dsn)
	default:
		return nil, errors.New(`unsupported database: use "sqlite://<path>" or a "postgres://" URL`)
	}
}

// Backend names the kind of database a DSN selects ("sqlite", "postgres"
// or "unknown"), for logs that must not show the DSN itself.
func Backend(dsn string) string {
	switch {
	case strings.HasPrefix(dsn, sqliteScheme):
		return "sqlite"
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return "postgres"
	default:
		return "unknown"
	}
}

const sqliteScheme = "sqlite://"

// checkEvents refuses a batch holding an event the store cannot key.
func checkEvents(events []event.Event) error {
	for _, ev := range events {
		if ev.MessageID == "" || !ev.Status.Valid() {
			return fmt.Errorf("event for message %q has no id or an invalid status %d", ev.MessageID, ev.Status)
		}
	}
	return nil
}

// purgeChunk bounds the rows one purge statement deletes, so a large purge
// never holds the write lock for long.
const purgeChunk = 5000

// clickBit is a click's bit in a message's set of stored events: a click
// reports the status read but is an event of its own.
const clickBit = 1 << 4

// eventBit is the event's bit in a message's set of stored events.
func eventBit(e event.Event) int64 {
	if e.Clicked {
		return clickBit
	}
	return 1 << (e.Status - 1)
}

// micros truncates t to the microsecond, the precision both databases keep.
func micros(t time.Time) time.Time {
	return t.Truncate(time.Microsecond).UTC()
}
