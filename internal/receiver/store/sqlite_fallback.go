package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

func (s *sqliteStore) PutFallback(ctx context.Context, f Fallback, now time.Time) (Fallback, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Fallback{}, fmt.Errorf("sqlite: fallback: %w", err)
	}
	stored, err := s.putFallbackTx(ctx, tx, f, now)
	if err != nil {
		return Fallback{}, errors.Join(err, ignoreDone(tx.Rollback()))
	}
	if err := tx.Commit(); err != nil {
		return Fallback{}, fmt.Errorf("sqlite: fallback: %w", err)
	}
	return stored, nil
}

// A rule put again keeps when it was created and how far the undelivered
// scan has looked.
const sqlitePutFallback = `INSERT INTO fallbacks
  (name, url, secret, on_failed, on_undelivered, undelivered_after, all_templates, created_at, scanned_until)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (name) DO UPDATE SET
  url = excluded.url, secret = excluded.secret, on_failed = excluded.on_failed,
  on_undelivered = excluded.on_undelivered, undelivered_after = excluded.undelivered_after,
  all_templates = excluded.all_templates
RETURNING created_at`

func (s *sqliteStore) putFallbackTx(ctx context.Context, tx *sql.Tx, f Fallback, now time.Time) (Fallback, error) {
	var created int64
	if err := tx.QueryRowContext(ctx, sqlitePutFallback,
		f.Name, f.URL, f.Secret, f.OnFailed, f.OnUndelivered, f.UndeliveredAfter.Microseconds(),
		len(f.Templates) == 0, now.UnixMicro(), now.UnixMicro()).Scan(&created); err != nil {
		return Fallback{}, fmt.Errorf("sqlite: fallback: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM fallback_templates WHERE rule = ?`, f.Name); err != nil {
		return Fallback{}, fmt.Errorf("sqlite: fallback: %w", err)
	}
	for i, t := range f.Templates {
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO fallback_templates (rule, name, language_code, position) VALUES (?, ?, ?, ?)`,
			f.Name, t.Name, t.LanguageCode, i); err != nil {
			return Fallback{}, fmt.Errorf("sqlite: fallback: %w", err)
		}
	}
	f.CreatedAt = time.UnixMicro(created).UTC()
	return f, nil
}

func (s *sqliteStore) Fallback(ctx context.Context, name string) (Fallback, error) {
	var (
		f                         Fallback
		after, created            int64
		onFailed, onUndeliv, _all bool
	)
	err := s.db.QueryRowContext(ctx, `SELECT name, url, secret, on_failed, on_undelivered, undelivered_after, all_templates, created_at
FROM fallbacks WHERE name = ?`, name).Scan(&f.Name, &f.URL, &f.Secret, &onFailed, &onUndeliv, &after, &_all, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return Fallback{}, ErrNoRule
	}
	if err != nil {
		return Fallback{}, fmt.Errorf("sqlite: fallback: %w", err)
	}
	f.OnFailed, f.OnUndelivered = onFailed, onUndeliv
	f.UndeliveredAfter = time.Duration(after) * time.Microsecond
	f.CreatedAt = time.UnixMicro(created).UTC()
	rows, err := s.db.QueryContext(ctx,
		`SELECT name, language_code FROM fallback_templates WHERE rule = ? ORDER BY position`, name)
	if err != nil {
		return Fallback{}, fmt.Errorf("sqlite: fallback: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var t FallbackTemplate
		if err := rows.Scan(&t.Name, &t.LanguageCode); err != nil {
			return Fallback{}, fmt.Errorf("sqlite: fallback: %w", err)
		}
		f.Templates = append(f.Templates, t)
	}
	if err := rows.Err(); err != nil {
		return Fallback{}, fmt.Errorf("sqlite: fallback: %w", err)
	}
	return f, nil
}

func (s *sqliteStore) RemoveFallback(ctx context.Context, name string) (int, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("sqlite: fallback: %w", err)
	}
	dropped, err := removeFallbackTx(ctx, tx, name)
	if err != nil {
		return 0, errors.Join(err, ignoreDone(tx.Rollback()))
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("sqlite: fallback: %w", err)
	}
	return dropped, nil
}

func removeFallbackTx(ctx context.Context, tx *sql.Tx, name string) (int, error) {
	res, err := tx.ExecContext(ctx, `DELETE FROM fallbacks WHERE name = ?`, name)
	if err != nil {
		return 0, fmt.Errorf("sqlite: fallback: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		if err != nil {
			return 0, fmt.Errorf("sqlite: fallback: %w", err)
		}
		return 0, ErrNoRule
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM fallback_templates WHERE rule = ?`, name); err != nil {
		return 0, fmt.Errorf("sqlite: fallback: %w", err)
	}
	var dropped int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM handoffs WHERE rule = ? AND state = ?`,
		name, HandoffPending).Scan(&dropped); err != nil {
		return 0, fmt.Errorf("sqlite: fallback: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM handoffs WHERE rule = ?`, name); err != nil {
		return 0, fmt.Errorf("sqlite: fallback: %w", err)
	}
	return dropped, nil
}

const handoffColumns = `id, rule, message_id, reason, state, attempts, created_at, next_attempt_at, delivered_at, last_error`

func (s *sqliteStore) Handoffs(ctx context.Context, rule string, state HandoffState) ([]Handoff, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+handoffColumns+` FROM handoffs
WHERE rule = ? AND (? = 0 OR state = ?) ORDER BY created_at, id LIMIT ?`, rule, state, state, handoffListLimit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: handoffs: %w", err)
	}
	defer rows.Close()
	var out []Handoff
	for rows.Next() {
		var (
			h               Handoff
			created, next   int64
			delivered       sql.NullInt64
			lastError       sql.NullString
			stateCol        int16
			attempts        int
			id, r, msg, rsn string
		)
		if err := rows.Scan(&id, &r, &msg, &rsn, &stateCol, &attempts, &created, &next, &delivered, &lastError); err != nil {
			return nil, fmt.Errorf("sqlite: handoffs: %w", err)
		}
		h.ID, h.Rule, h.MessageID, h.Reason = id, r, msg, rsn
		h.State, h.Attempts = HandoffState(stateCol), attempts
		h.CreatedAt, h.NextAttemptAt = time.UnixMicro(created).UTC(), time.UnixMicro(next).UTC()
		h.DeliveredAt, h.LastError = fromMicro(delivered), lastError.String
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: handoffs: %w", err)
	}
	return out, nil
}

func (s *sqliteStore) RetryHandoffs(ctx context.Context, rule string, now time.Time) (int, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE handoffs
SET state = ?, attempts = 0, round_started_at = ?, next_attempt_at = ?, lease_owner = NULL, leased_until = NULL
WHERE rule = ? AND state = ?`, HandoffPending, now.UnixMicro(), now.UnixMicro(), rule, HandoffDead)
	if err != nil {
		return 0, fmt.Errorf("sqlite: retry handoffs: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("sqlite: retry handoffs: %w", err)
	}
	return int(n), nil
}
