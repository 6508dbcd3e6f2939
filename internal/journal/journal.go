// Package journal is the provider's send journal: before a send, what is
// about to be sent is recorded durably; when the answer arrives, it is
// recorded too. A run killed in between (SIGKILL) leaves its entries, and
// the next plan or apply adopts them instead of sending again.
//
// Dir keeps the journal in a local folder; the client package's
// JournalClient keeps it in the status receiver. Both satisfy Journal.
package journal

import (
	"context"
	"regexp"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// Retention is how long an entry is kept when no later state takes it in:
// a killed run must be recovered within it.
const Retention = wire.JournalRetention

// Journal records sends.
type Journal interface {
	// Begin records an entry durably (on disk, fsynced) before the send's
	// request is written. A send whose Begin fails must not be made.
	Begin(ctx context.Context, e wire.JournalEntry) error
	// Finish records the entry with its answer.
	Finish(ctx context.Context, e wire.JournalEntry) error
	// Lookup returns the entries of the given keys.
	Lookup(ctx context.Context, keys []string) ([]wire.JournalEntry, error)
	// Remove deletes entries by attempt; unknown attempts are ignored.
	Remove(ctx context.Context, attempts []string) error
}

// attemptPattern is what an attempt id may look like: a UUID, so that it
// is safe as a file name.
var attemptPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// ValidAttempt reports whether id may name an entry.
func ValidAttempt(id string) bool { return attemptPattern.MatchString(id) }

// Expired reports whether e is older than Retention at now. An entry whose
// time cannot be read is expired.
func Expired(e wire.JournalEntry, now time.Time) bool {
	t, err := time.Parse(time.RFC3339Nano, e.StartedAt)
	return err != nil || now.Sub(t) > Retention
}
