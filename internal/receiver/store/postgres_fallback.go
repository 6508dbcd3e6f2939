package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// See sqlitePutFallback.
const postgresPutFallback = `INSERT INTO fallbacks AS f
  (name, url, secret, on_failed, on_undelivered, undelivered_after, all_templates, created_at, scanned_until)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
ON CONFLICT (name) DO UPDATE SET
  url = excluded.url, secret = excluded.secret, on_failed = excluded.on_failed,
  on_undelivered = excluded.on_undelivered, undelivered_after = excluded.undelivered_after,
  all_templates = excluded.all_templates
RETURNING created_at`

func (s *postgresStore) PutFallback(ctx context.Context, f Fallback, now time.Time) (Fallback, error) {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, postgresPutFallback,
			f.Name, f.URL, f.Secret, f.OnFailed, f.OnUndelivered, f.UndeliveredAfter.Microseconds(),
			len(f.Templates) == 0, micros(now)).Scan(&f.CreatedAt); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM fallback_templates WHERE rule = $1`, f.Name); err != nil {
			return err
		}
		for i, t := range f.Templates {
			if _, err := tx.Exec(ctx,
				`INSERT INTO fallback_templates (rule, name, language_code, position) VALUES ($1, $2, $3, $4)`,
				f.Name, t.Name, t.LanguageCode, i); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Fallback{}, fmt.Errorf("postgres: fallback: %w", err)
	}
	f.CreatedAt = f.CreatedAt.UTC()
	return f, nil
}

func (s *postgresStore) Fallback(ctx context.Context, name string) (Fallback, error) {
	var (
		f     Fallback
		after int64
		all   bool
	)
	err := s.pool.QueryRow(ctx, `SELECT name, url, secret, on_failed, on_undelivered, undelivered_after, all_templates, created_at
FROM fallbacks WHERE name = $1`, name).Scan(&f.Name, &f.URL, &f.Secret, &f.OnFailed, &f.OnUndelivered, &after, &all, &f.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return Fallback{}, ErrNoRule
	}
	if err != nil {
		return Fallback{}, fmt.Errorf("postgres: fallback: %w", err)
	}
	f.UndeliveredAfter = time.Duration(after) * time.Microsecond
	f.CreatedAt = f.CreatedAt.UTC()
	rows, err := s.pool.Query(ctx,
		`SELECT name, language_code FROM fallback_templates WHERE rule = $1 ORDER BY position`, name)
	if err != nil {
		return Fallback{}, fmt.Errorf("postgres: fallback: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var t FallbackTemplate
		if err := rows.Scan(&t.Name, &t.LanguageCode); err != nil {
			return Fallback{}, fmt.Errorf("postgres: fallback: %w", err)
		}
		f.Templates = append(f.Templates, t)
	}
	if err := rows.Err(); err != nil {
		return Fallback{}, fmt.Errorf("postgres: fallback: %w", err)
	}
	return f, nil
}

func (s *postgresStore) RemoveFallback(ctx context.Context, name string) (int, error) {
	var dropped int
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM fallbacks WHERE name = $1`, name)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return ErrNoRule
		}
		if _, err := tx.Exec(ctx, `DELETE FROM fallback_templates WHERE rule = $1`, name); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `WITH gone AS (DELETE FROM handoffs WHERE rule = $1 RETURNING state)
SELECT count(*) FILTER (WHERE state = $2) FROM gone`, name, HandoffPending).Scan(&dropped)
	})
	if errors.Is(err, ErrNoRule) {
		return 0, err
	}
	if err != nil {
		return 0, fmt.Errorf("postgres: fallback: %w", err)
	}
	return dropped, nil
}

func (s *postgresStore) Handoffs(ctx context.Context, rule string, state HandoffState) ([]Handoff, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+handoffColumns+` FROM handoffs
WHERE rule = $1 AND ($2 = 0 OR state = $2) ORDER BY created_at, id LIMIT $3`, rule, int16(state), handoffListLimit)
	if err != nil {
		return nil, fmt.Errorf("postgres: handoffs: %w", err)
	}
	defer rows.Close()
	var out []Handoff
	for rows.Next() {
		var (
			h         Handoff
			stateCol  int16
			delivered pgtype.Timestamptz
			lastError pgtype.Text
		)
		if err := rows.Scan(&h.ID, &h.Rule, &h.MessageID, &h.Reason, &stateCol, &h.Attempts,
			&h.CreatedAt, &h.NextAttemptAt, &delivered, &lastError); err != nil {
			return nil, fmt.Errorf("postgres: handoffs: %w", err)
		}
		h.State = HandoffState(stateCol)
		h.CreatedAt, h.NextAttemptAt = h.CreatedAt.UTC(), h.NextAttemptAt.UTC()
		h.DeliveredAt, h.LastError = fromTimestamptz(delivered), lastError.String
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: handoffs: %w", err)
	}
	return out, nil
}

func (s *postgresStore) RetryHandoffs(ctx context.Context, rule string, now time.Time) (int, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE handoffs
SET state = $1, attempts = 0, round_started_at = $2, next_attempt_at = $2, lease_owner = NULL, leased_until = NULL
WHERE rule = $3 AND state = $4`, int16(HandoffPending), micros(now), rule, int16(HandoffDead))
	if err != nil {
		return 0, fmt.Errorf("postgres: retry handoffs: %w", err)
	}
	return int(tag.RowsAffected()), nil
}
