package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// sqliteHandOffUndelivered: see Store.HandOffUndelivered. One rule at a
// time, with constant bounds, so that m.status = 1 and the range of
// first_seen_at search the partial index messages_pending. ?1 is now,
// ?2 the rule, ?3 whether it covers every template, ?4 and ?5 the bounds.
const sqliteHandOffUndelivered = `INSERT INTO handoffs
  (id, rule, message_id, reason, state, attempts, created_at, round_started_at, next_attempt_at)
SELECT lower(hex(randomblob(16))), ?2, m.id, 'undelivered', 1, 0, ?1, ?1, ?1
FROM messages m
WHERE m.status = 1 AND m.first_seen_at >= ?4 AND m.first_seen_at <= ?5
  AND (?3 OR EXISTS (SELECT 1 FROM fallback_templates t
    WHERE t.rule = ?2 AND t.name = m.template_name AND t.language_code = m.template_language))
ORDER BY m.id
ON CONFLICT DO NOTHING`

func (s *sqliteStore) HandOffUndelivered(ctx context.Context, now time.Time) (int, error) {
	tx, err := s.handoffDB.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("sqlite: undelivered scan: %w", err)
	}
	n, err := func() (int64, error) {
		scans, err := sqliteUndeliveredScans(ctx, tx, now)
		if err != nil {
			return 0, err
		}
		var total int64
		for _, sc := range scans {
			res, err := tx.ExecContext(ctx, sqliteHandOffUndelivered, now.UnixMicro(), sc.rule, sc.allTemplates,
				sc.from.UnixMicro(), sc.to.UnixMicro())
			if err != nil {
				return 0, err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return 0, err
			}
			total += n
			if _, err := tx.ExecContext(ctx, `UPDATE fallbacks SET scanned_until = max(scanned_until, ?) WHERE name = ?`,
				sc.to.UnixMicro(), sc.rule); err != nil {
				return 0, err
			}
		}
		return total, nil
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
	if err := s.handoffDB.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM handoffs WHERE state = 1 AND next_attempt_at <= ?)`,
		now.UnixMicro()).Scan(&due); err != nil {
		return nil, fmt.Errorf("sqlite: claim: %w", err)
	}
	if !due {
		return nil, nil
	}
	rows, err := s.handoffDB.QueryContext(ctx, `UPDATE handoffs SET lease_owner = ?1, leased_until = ?2, next_attempt_at = ?2
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

func (s *sqliteStore) FinishHandoffs(ctx context.Context, tries []Tried) ([]bool, error) {
	tx, err := s.handoffDB.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("sqlite: finish hand-offs: %w", err)
	}
	recorded := make([]bool, len(tries))
	for i, t := range tries {
		d, f := t.Delivery, t.Finish
		res, err := tx.ExecContext(ctx, finishHandoff,
			f.State, finishNext(d, f).UnixMicro(), unixMicro(finishDelivered(f)), nullString(f.LastError),
			d.ID, d.Owner, d.LeasedUntil.UnixMicro())
		var n int64
		if err == nil {
			n, err = res.RowsAffected()
		}
		if err != nil {
			return nil, errors.Join(fmt.Errorf("sqlite: finish hand-offs: %w", err), ignoreDone(tx.Rollback()))
		}
		recorded[i] = n == 1
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("sqlite: finish hand-offs: %w", err)
	}
	return recorded, nil
}

// finishHandoff records a try, if the lease it was made under still holds.
const finishHandoff = `UPDATE handoffs
SET state = $1, attempts = attempts + 1, next_attempt_at = $2, delivered_at = $3, last_error = $4, lease_owner = NULL, leased_until = NULL
WHERE id = $5 AND lease_owner = $6 AND leased_until = $7`

func (s *sqliteStore) PendingHandoffs(ctx context.Context) (int64, error) {
	var n int64
	if err := s.handoffDB.QueryRowContext(ctx, `SELECT count(*) FROM handoffs WHERE state = 1`).Scan(&n); err != nil {
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

func sqliteUndeliveredScans(ctx context.Context, tx *sql.Tx, now time.Time) ([]undeliveredScan, error) {
	rows, err := tx.QueryContext(ctx, `SELECT name, all_templates, undelivered_after, created_at, scanned_until
FROM fallbacks WHERE on_undelivered`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var scans []undeliveredScan
	for rows.Next() {
		var (
			rule                    string
			all                     bool
			after, created, scanned int64
		)
		if err := rows.Scan(&rule, &all, &after, &created, &scanned); err != nil {
			return nil, err
		}
		if sc, ok := newUndeliveredScan(rule, all, time.Duration(after)*time.Microsecond,
			time.UnixMicro(created), time.UnixMicro(scanned), now); ok {
			scans = append(scans, sc)
		}
	}
	return scans, rows.Err()
}
