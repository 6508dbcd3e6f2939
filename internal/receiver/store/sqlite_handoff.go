package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// sqliteHandOffUndelivered: see Store.HandOffUndelivered. ?1 is now, ?2
// the margin, in microseconds. The join's m.status = 1 selects the
// partial index messages_pending.
const sqliteHandOffUndelivered = `INSERT INTO handoffs
  (id, rule, message_id, reason, state, attempts, created_at, round_started_at, next_attempt_at)
SELECT lower(hex(randomblob(16))), f.name, m.id, 'undelivered', 1, 0, ?1, ?1, ?1
FROM fallbacks f JOIN messages m
  ON m.status = 1
 AND m.first_seen_at >= max(f.created_at, f.scanned_until - ?2)
 AND m.first_seen_at <= ?1 - f.undelivered_after
WHERE f.on_undelivered AND ` + coversTemplate + `
ORDER BY f.name, m.id
ON CONFLICT DO NOTHING`

func (s *sqliteStore) HandOffUndelivered(ctx context.Context, now time.Time) (int, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("sqlite: undelivered scan: %w", err)
	}
	n, err := func() (int64, error) {
		res, err := tx.ExecContext(ctx, sqliteHandOffUndelivered, now.UnixMicro(), undeliveredMargin.Microseconds())
		if err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE fallbacks SET scanned_until = max(scanned_until, ?1 - undelivered_after)
WHERE on_undelivered`, now.UnixMicro()); err != nil {
			return 0, err
		}
		return res.RowsAffected()
	}()
	if err != nil {
		return 0, errors.Join(fmt.Errorf("sqlite: undelivered scan: %w", err), ignoreDone(tx.Rollback()))
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("sqlite: undelivered scan: %w", err)
	}
	return int(n), nil
}

func (s *sqliteStore) ClaimHandoffs(ctx context.Context, owner string, now, leaseUntil time.Time, limit int) ([]Delivery, error) {
	// A read first: most polls find nothing due, and a read takes no
	// write lock from the webhooks' commits.
	var due bool
	if err := s.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM handoffs WHERE state = 1 AND next_attempt_at <= ?)`,
		now.UnixMicro()).Scan(&due); err != nil {
		return nil, fmt.Errorf("sqlite: claim: %w", err)
	}
	if !due {
		return nil, nil
	}
	rows, err := s.db.QueryContext(ctx, `UPDATE handoffs SET lease_owner = ?1, leased_until = ?2, next_attempt_at = ?2
WHERE id IN (SELECT id FROM handoffs WHERE state = 1 AND next_attempt_at <= ?3 ORDER BY next_attempt_at LIMIT ?4)
RETURNING id`, owner, leaseUntil.UnixMicro(), now.UnixMicro(), limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: claim: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, errors.Join(fmt.Errorf("sqlite: claim: %w", err), rows.Close())
		}
		ids = append(ids, id)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, fmt.Errorf("sqlite: claim: %w", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err = s.db.QueryContext(ctx, `SELECT h.id, h.rule, h.message_id, h.reason, h.attempts, h.created_at, h.round_started_at, f.url, f.secret
FROM handoffs h JOIN fallbacks f ON f.name = h.rule
WHERE h.id IN (`+placeholders(len(ids))+`) AND h.lease_owner = ?`, append(anySlice(ids), owner)...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: claim: %w", err)
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		d := Delivery{Owner: owner, LeasedUntil: micros(leaseUntil)}
		var created, round int64
		if err := rows.Scan(&d.ID, &d.Rule, &d.MessageID, &d.Reason, &d.Attempts, &created, &round, &d.URL, &d.Secret); err != nil {
			return nil, fmt.Errorf("sqlite: claim: %w", err)
		}
		d.CreatedAt, d.RoundStartedAt = time.UnixMicro(created).UTC(), time.UnixMicro(round).UTC()
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: claim: %w", err)
	}
	return withMessages(ctx, s, out)
}

func (s *sqliteStore) FinishHandoff(ctx context.Context, d Delivery, f Finish) (bool, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE handoffs
SET state = ?, attempts = attempts + 1, next_attempt_at = ?, delivered_at = ?, last_error = ?, lease_owner = NULL, leased_until = NULL
WHERE id = ? AND lease_owner = ? AND leased_until = ?`,
		f.State, finishNext(d, f).UnixMicro(), unixMicro(finishDelivered(f)), nullString(f.LastError),
		d.ID, d.Owner, d.LeasedUntil.UnixMicro())
	if err != nil {
		return false, fmt.Errorf("sqlite: finish hand-off: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("sqlite: finish hand-off: %w", err)
	}
	return n == 1, nil
}

func (s *sqliteStore) PendingHandoffs(ctx context.Context) (int64, error) {
	var n int64
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM handoffs WHERE state = 1`).Scan(&n); err != nil {
		return 0, fmt.Errorf("sqlite: pending hand-offs: %w", err)
	}
	return n, nil
}

// withMessages fills in the messages of claimed hand-offs.
func withMessages(ctx context.Context, s Store, ds []Delivery) ([]Delivery, error) {
	ids := make([]string, 0, len(ds))
	for _, d := range ds {
		ids = append(ids, d.MessageID)
	}
	ms, err := s.Messages(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]Message, len(ms))
	for _, m := range ms {
		byID[m.ID] = m
	}
	for i := range ds {
		ds[i].Message = byID[ds[i].MessageID]
	}
	return ds, nil
}

// finishNext is the next_attempt_at a finished try leaves: the retry's
// time while pending, else when the try ended.
func finishNext(d Delivery, f Finish) time.Time {
	if f.State == HandoffPending {
		return f.NextAttemptAt
	}
	if f.At.IsZero() {
		return d.LeasedUntil
	}
	return f.At
}

func finishDelivered(f Finish) time.Time {
	if f.State == HandoffDelivered {
		return f.At
	}
	return time.Time{}
}
