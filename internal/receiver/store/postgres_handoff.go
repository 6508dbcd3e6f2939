package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// See sqliteHandOffUndelivered; $1 is now, $2 the margin in microseconds.
const postgresHandOffUndelivered = `INSERT INTO handoffs
  (id, rule, message_id, reason, state, attempts, created_at, round_started_at, next_attempt_at)
SELECT replace(gen_random_uuid()::text, '-', ''), f.name, m.id, 'undelivered', 1, 0, $1, $1, $1
FROM fallbacks f JOIN messages m
  ON m.status = 1
 AND m.first_seen_at >= GREATEST(f.created_at, f.scanned_until - $2::bigint * interval '1 microsecond')
 AND m.first_seen_at <= $1::timestamptz - f.undelivered_after * interval '1 microsecond'
WHERE f.on_undelivered AND ` + coversTemplate + `
ORDER BY f.name, m.id
ON CONFLICT DO NOTHING`

func (s *postgresStore) HandOffUndelivered(ctx context.Context, now time.Time) (int, error) {
	var n int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, postgresHandOffUndelivered, micros(now), undeliveredMargin.Microseconds())
		if err != nil {
			return err
		}
		n = tag.RowsAffected()
		_, err = tx.Exec(ctx, `UPDATE fallbacks
SET scanned_until = GREATEST(scanned_until, $1::timestamptz - undelivered_after * interval '1 microsecond')
WHERE on_undelivered`, micros(now))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("postgres: undelivered scan: %w", err)
	}
	return int(n), nil
}

// postgresClaim leases due hand-offs in one statement. SKIP LOCKED lets
// receivers sharing the database claim side by side without waiting for
// each other or claiming one hand-off twice.
const postgresClaim = `WITH claimed AS (
  UPDATE handoffs h SET lease_owner = $1, leased_until = $2, next_attempt_at = $2
  WHERE h.id IN (SELECT id FROM handoffs WHERE state = 1 AND next_attempt_at <= $3
                 ORDER BY next_attempt_at LIMIT $4 FOR UPDATE SKIP LOCKED)
  RETURNING h.id, h.rule, h.message_id, h.reason, h.attempts, h.created_at, h.round_started_at
)
SELECT c.id, c.rule, c.message_id, c.reason, c.attempts, c.created_at, c.round_started_at, f.url, f.secret
FROM claimed c JOIN fallbacks f ON f.name = c.rule`

func (s *postgresStore) ClaimHandoffs(ctx context.Context, owner string, now, leaseUntil time.Time, limit int) ([]Delivery, error) {
	rows, err := s.pool.Query(ctx, postgresClaim, owner, micros(leaseUntil), micros(now), limit)
	if err != nil {
		return nil, fmt.Errorf("postgres: claim: %w", err)
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		d := Delivery{Owner: owner, LeasedUntil: micros(leaseUntil)}
		if err := rows.Scan(&d.ID, &d.Rule, &d.MessageID, &d.Reason, &d.Attempts, &d.CreatedAt, &d.RoundStartedAt,
			&d.URL, &d.Secret); err != nil {
			return nil, fmt.Errorf("postgres: claim: %w", err)
		}
		d.CreatedAt, d.RoundStartedAt = d.CreatedAt.UTC(), d.RoundStartedAt.UTC()
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: claim: %w", err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	return withMessages(ctx, s, out)
}

func (s *postgresStore) FinishHandoff(ctx context.Context, d Delivery, f Finish) (bool, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE handoffs
SET state = $1, attempts = attempts + 1, next_attempt_at = $2, delivered_at = $3, last_error = $4, lease_owner = NULL, leased_until = NULL
WHERE id = $5 AND lease_owner = $6 AND leased_until = $7`,
		int16(f.State), micros(finishNext(d, f)), pgTime(finishDelivered(f)), pgText(f.LastError),
		d.ID, d.Owner, d.LeasedUntil)
	if err != nil {
		return false, fmt.Errorf("postgres: finish hand-off: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

func (s *postgresStore) PendingHandoffs(ctx context.Context) (int64, error) {
	var n int64
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM handoffs WHERE state = 1`).Scan(&n); err != nil {
		return 0, fmt.Errorf("postgres: pending hand-offs: %w", err)
	}
	return n, nil
}
