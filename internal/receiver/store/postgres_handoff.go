package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// See sqliteHandOffUndelivered.
const postgresHandOffUndelivered = `INSERT INTO handoffs
  (id, rule, message_id, reason, state, attempts, created_at, round_started_at, next_attempt_at)
SELECT replace(gen_random_uuid()::text, '-', ''), $2, m.id, 'undelivered', 1, 0, $1, $1, $1
FROM messages m
WHERE m.status = 1 AND m.first_seen_at >= $4 AND m.first_seen_at <= $5
  AND ($3 OR EXISTS (SELECT 1 FROM fallback_templates t
    WHERE t.rule = $2 AND t.name = m.template_name AND t.language_code = m.template_language))
ORDER BY m.id
ON CONFLICT DO NOTHING`

func (s *postgresStore) HandOffUndelivered(ctx context.Context, now time.Time) (int, error) {
	var n int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT name, all_templates, undelivered_after, created_at, scanned_until
FROM fallbacks WHERE on_undelivered ORDER BY name`)
		if err != nil {
			return err
		}
		var scans []undeliveredScan
		for rows.Next() {
			var (
				rule             string
				all              bool
				after            int64
				created, scanned time.Time
			)
			if err := rows.Scan(&rule, &all, &after, &created, &scanned); err != nil {
				rows.Close()
				return err
			}
			if sc, ok := newUndeliveredScan(rule, all, time.Duration(after)*time.Microsecond, created, scanned, now); ok {
				scans = append(scans, sc)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, sc := range scans {
			tag, err := tx.Exec(ctx, postgresHandOffUndelivered, micros(now), sc.rule, sc.allTemplates, sc.from, sc.to)
			if err != nil {
				return err
			}
			n += tag.RowsAffected()
			// Another receiver's scan may have gone further.
			if _, err := tx.Exec(ctx, `UPDATE fallbacks SET scanned_until = GREATEST(scanned_until, $1) WHERE name = $2`,
				sc.to, sc.rule); err != nil {
				return err
			}
		}
		return nil
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

func (s *postgresStore) FinishHandoffs(ctx context.Context, tries []Tried) ([]bool, error) {
	recorded := make([]bool, len(tries))
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		batch := &pgx.Batch{}
		for _, t := range tries {
			d, f := t.Delivery, t.Finish
			batch.Queue(finishHandoff, int16(f.State), micros(finishNext(d, f)), pgTime(finishDelivered(f)), pgText(f.LastError),
				d.ID, d.Owner, d.LeasedUntil)
		}
		results := tx.SendBatch(ctx, batch)
		for i := range tries {
			tag, err := results.Exec()
			if err != nil {
				return errors.Join(err, results.Close())
			}
			recorded[i] = tag.RowsAffected() == 1
		}
		return results.Close()
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: finish hand-offs: %w", err)
	}
	return recorded, nil
}

func (s *postgresStore) PendingHandoffs(ctx context.Context) (int64, error) {
	var n int64
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM handoffs WHERE state = 1`).Scan(&n); err != nil {
		return 0, fmt.Errorf("postgres: pending hand-offs: %w", err)
	}
	return n, nil
}
