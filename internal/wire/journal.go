package wire

import "time"

// JournalRetention is how long a send journal entry is kept when no later
// state takes it in: a killed run must be recovered within it.
const JournalRetention = 30 * 24 * time.Hour

// Paths of the send journal the status receiver keeps for the provider,
// behind the status token.
const (
	// JournalEntryPathPrefix + attempt: PUT stores an entry (JournalEntry).
	JournalEntryPathPrefix = "/v1/journal/entries/"
	// JournalLookupPath: POST JournalLookup, answered with JournalEntries.
	JournalLookupPath = "/v1/journal/lookup"
	// JournalRemovePath: POST JournalRemove, answered 204.
	JournalRemovePath = "/v1/journal/remove"
)

// JournalEntry is one send the provider was about to make, and its answer
// once it arrived. It holds no personal data: Key is a hash.
type JournalEntry struct {
	// Attempt is a random id of this attempt (a UUID).
	Attempt string `json:"attempt"`
	// Key identifies the intended send (see the provider's journalKey).
	Key string `json:"key"`
	// StartedAt is when the entry was made, RFC 3339 UTC.
	StartedAt string `json:"started_at"`
	// Answered is set once the send's outcome is known.
	Answered bool `json:"answered"`
	// Status is the outcome: sent, uncertain, rejected or failed.
	Status     string `json:"status,omitempty"`
	MessageID  string `json:"message_id,omitempty"`
	Error      string `json:"error,omitempty"`
	AnsweredAt string `json:"answered_at,omitempty"`
}

// JournalLookup asks for the entries of some keys.
type JournalLookup struct {
	Keys []string `json:"keys"`
}

// JournalEntries answers a JournalLookup.
type JournalEntries struct {
	Entries []JournalEntry `json:"entries"`
}

// JournalRemove removes entries by attempt.
type JournalRemove struct {
	Attempts []string `json:"attempts"`
}
