package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// journalRow is an entry as both stores keep it: indexed columns and the
// entry itself as JSON.
type journalRow struct {
	attempt   string
	key       string
	startedAt time.Time
	answered  bool
	entry     string
}

func newJournalRow(e wire.JournalEntry) (journalRow, error) {
	started, err := time.Parse(time.RFC3339Nano, e.StartedAt)
	if err != nil {
		return journalRow{}, fmt.Errorf("journal entry: started_at: %w", err)
	}
	if e.Attempt == "" || e.Key == "" {
		return journalRow{}, errors.New("journal entry: attempt and key are required")
	}
	data, err := json.Marshal(e)
	if err != nil {
		return journalRow{}, err
	}
	return journalRow{attempt: e.Attempt, key: e.Key, startedAt: micros(started), answered: e.Answered, entry: string(data)}, nil
}

func decodeEntry(s string) (wire.JournalEntry, error) {
	var e wire.JournalEntry
	if err := json.Unmarshal([]byte(s), &e); err != nil {
		return e, fmt.Errorf("journal entry: %w", err)
	}
	return e, nil
}

// sqliteChunk bounds the parameters of one IN list.
const sqliteChunk = 500

// An answered entry is never replaced by an unanswered one: a Begin
// retried after its Finish must not lose the answer.
const sqlitePutJournal = `INSERT INTO journal (attempt, key, started_at, answered, entry) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (attempt) DO UPDATE SET answered = excluded.answered, entry = excluded.entry
WHERE excluded.answered OR NOT journal.answered`

func (s *sqliteStore) PutJournal(ctx context.Context, e wire.JournalEntry) error {
	row, err := newJournalRow(e)
	if err != nil {
		return err
	}
	if _, err := s.db.ExecContext(ctx, sqlitePutJournal, row.attempt, row.key, row.startedAt.UnixMicro(), row.answered, row.entry); err != nil {
		return fmt.Errorf("sqlite: journal: %w", err)
	}
	return nil
}

func (s *sqliteStore) JournalEntries(ctx context.Context, keys []string) ([]wire.JournalEntry, error) {
	var out []wire.JournalEntry
	for chunk := range chunks(keys, sqliteChunk) {
		rows, err := s.db.QueryContext(ctx, `SELECT entry FROM journal WHERE key IN (`+placeholders(len(chunk))+`) ORDER BY started_at`, anySlice(chunk)...)
		if err != nil {
			return nil, fmt.Errorf("sqlite: journal: %w", err)
		}
		entries, err := scanEntries(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, entries...)
	}
	return out, nil
}

func (s *sqliteStore) RemoveJournal(ctx context.Context, attempts []string) error {
	for chunk := range chunks(attempts, sqliteChunk) {
		if _, err := s.db.ExecContext(ctx, `DELETE FROM journal WHERE attempt IN (`+placeholders(len(chunk))+`)`, anySlice(chunk)...); err != nil {
			return fmt.Errorf("sqlite: journal: %w", err)
		}
	}
	return nil
}

func (s *sqliteStore) PurgeJournal(ctx context.Context, cutoff time.Time) (int64, error) {
	return s.purge(ctx, `DELETE FROM journal WHERE attempt IN
  (SELECT attempt FROM journal WHERE started_at < ? LIMIT ?)`, cutoff.UnixMicro())
}

const postgresPutJournal = `INSERT INTO journal AS j (attempt, key, started_at, answered, entry) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (attempt) DO UPDATE SET answered = excluded.answered, entry = excluded.entry
WHERE excluded.answered OR NOT j.answered`

func (s *postgresStore) PutJournal(ctx context.Context, e wire.JournalEntry) error {
	row, err := newJournalRow(e)
	if err != nil {
		return err
	}
	if _, err := s.pool.Exec(ctx, postgresPutJournal, row.attempt, row.key, row.startedAt, row.answered, row.entry); err != nil {
		return fmt.Errorf("postgres: journal: %w", err)
	}
	return nil
}

func (s *postgresStore) JournalEntries(ctx context.Context, keys []string) ([]wire.JournalEntry, error) {
	rows, err := s.pool.Query(ctx, `SELECT entry FROM journal WHERE key = ANY($1) ORDER BY started_at`, keys)
	if err != nil {
		return nil, fmt.Errorf("postgres: journal: %w", err)
	}
	defer rows.Close()
	var out []wire.JournalEntry
	for rows.Next() {
		var text string
		if err := rows.Scan(&text); err != nil {
			return nil, fmt.Errorf("postgres: journal: %w", err)
		}
		e, err := decodeEntry(text)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: journal: %w", err)
	}
	return out, nil
}

func (s *postgresStore) RemoveJournal(ctx context.Context, attempts []string) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM journal WHERE attempt = ANY($1)`, attempts); err != nil {
		return fmt.Errorf("postgres: journal: %w", err)
	}
	return nil
}

func (s *postgresStore) PurgeJournal(ctx context.Context, cutoff time.Time) (int64, error) {
	return s.purge(ctx, `DELETE FROM journal WHERE ctid IN
  (SELECT ctid FROM journal WHERE started_at < $1 LIMIT $2)`, cutoff)
}

func scanEntries(rows *sql.Rows) ([]wire.JournalEntry, error) {
	defer rows.Close()
	var out []wire.JournalEntry
	for rows.Next() {
		var text string
		if err := rows.Scan(&text); err != nil {
			return nil, fmt.Errorf("sqlite: journal: %w", err)
		}
		e, err := decodeEntry(text)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: journal: %w", err)
	}
	return out, nil
}

// chunks yields s in slices of at most n.
func chunks(s []string, n int) func(func([]string) bool) {
	return func(yield func([]string) bool) {
		for len(s) > 0 {
			k := min(n, len(s))
			if !yield(s[:k]) {
				return
			}
			s = s[k:]
		}
	}
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

func anySlice(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}
