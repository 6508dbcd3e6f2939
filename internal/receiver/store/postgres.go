package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/receiver/event"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
)

// postgresAttempts bounds how often Apply runs a batch that PostgreSQL
// aborted for a deadlock or a serialization failure.
const postgresAttempts = 3

type postgresStore struct {
	pool *pgxpool.Pool
}

// OpenPostgres connects to the PostgreSQL database a postgres:// URL names
// and migrates its schema. Several receivers may share the database.
func OpenPostgres(ctx context.Context, dsn string) (Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// pgx redacts the password in its parse errors; keep only the reason.
		return nil, errors.New("postgres: invalid connection URL")
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	if err := migratePostgres(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	return &postgresStore{pool: pool}, nil
}

// postgresUpsertMessage applies one event to its message (see
// sqliteUpsertMessage for the events bit set). It is one statement, so
// concurrent receivers are safe under READ COMMITTED: ON CONFLICT locks the
// row, and the SET and WHERE expressions see its latest committed version,
// so of two receivers storing the same event one stores it and the other
// sees a duplicate. GREATEST and LEAST ignore NULLs: the status only moves
// forward and each time keeps its earliest report.
const postgresUpsertMessage = `INSERT INTO messages AS m
  (id, status, events, sent_at, delivered_at, read_at, failed_at, failure_reason, error_code, callback_data, updated_at,
   phone, template_name, template_language, first_seen_at, clicked_at, clicked_button, campaign_id,
   country_code, phone_number)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
ON CONFLICT (id) DO UPDATE SET
  status         = GREATEST(m.status, excluded.status),
  events         = m.events | excluded.events,
  sent_at        = LEAST(m.sent_at, excluded.sent_at),
  delivered_at   = LEAST(m.delivered_at, excluded.delivered_at),
  read_at        = LEAST(m.read_at, excluded.read_at),
  failed_at      = LEAST(m.failed_at, excluded.failed_at),
  failure_reason = COALESCE(m.failure_reason, excluded.failure_reason),
  error_code     = COALESCE(m.error_code, excluded.error_code),
  callback_data  = COALESCE(m.callback_data, excluded.callback_data),
  updated_at     = GREATEST(m.updated_at, excluded.updated_at),
  phone          = COALESCE(m.phone, excluded.phone),
  template_name  = COALESCE(m.template_name, excluded.template_name),
  template_language = COALESCE(m.template_language, excluded.template_language),
  first_seen_at  = LEAST(m.first_seen_at, excluded.first_seen_at),
  clicked_at     = LEAST(m.clicked_at, excluded.clicked_at),
  clicked_button = COALESCE(m.clicked_button, excluded.clicked_button),
  campaign_id    = COALESCE(m.campaign_id, excluded.campaign_id),
  country_code   = COALESCE(m.country_code, excluded.country_code),
  phone_number   = COALESCE(m.phone_number, excluded.phone_number)
WHERE (m.events & excluded.events) = 0`

const postgresSelectMessage = `SELECT ` + messageColumns + ` FROM messages WHERE id = $1`

func (s *postgresStore) Apply(ctx context.Context, events []event.Event) ([]Outcome, error) {
	if len(events) == 0 {
		return nil, nil
	}
	if err := checkEvents(events); err != nil {
		return nil, err
	}
	var err error
	for attempt := 1; attempt <= postgresAttempts; attempt++ {
		var outcomes []Outcome
		outcomes, err = s.applyOnce(ctx, events)
		if err == nil {
			return outcomes, nil
		}
		if !retryable(err) || ctx.Err() != nil {
			break
		}
	}
	return nil, err
}

// applyOnce runs the batch's upserts in one transaction, in one round trip,
// in message id order: every transaction then locks rows in the same order,
// so concurrent batches from several receivers cannot deadlock.
func (s *postgresStore) applyOnce(ctx context.Context, events []event.Event) ([]Outcome, error) {
	order := make([]int, len(events))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return strings.Compare(events[a].MessageID, events[b].MessageID)
	})

	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres: begin: %w", err)
	}
	defer func() {
		// After a successful Commit this is a no-op.
		_ = tx.Rollback(context.WithoutCancel(ctx))
	}()

	batch := &pgx.Batch{}
	for _, i := range order {
		ev := events[i]
		batch.Queue(postgresUpsertMessage,
			ev.MessageID, int16(ev.Status), eventBit(ev),
			pgTime(ev.SentAt), pgTime(ev.DeliveredAt), pgTime(ev.ReadAt), pgTime(ev.FailedAt),
			pgText(ev.FailureReason), pgText(ev.ErrorCode), pgText(ev.CallbackData),
			micros(ev.ReceivedAt),
			pgText(ev.Phone), pgText(ev.TemplateName), pgText(ev.TemplateLanguage),
			pgTime(ev.ReceivedAt), pgTime(ev.ClickedAt), pgText(ev.ClickedButton), pgText(ev.CampaignID),
			pgText(ev.CountryCode), pgText(ev.PhoneNumber))
		if ev.Status == event.StatusFailed {
			// Queued behind its upsert, in the same transaction: a
			// duplicate failure finds the hand-off already there.
			batch.Queue(postgresHandOffFailed, micros(ev.ReceivedAt), ev.MessageID)
		}
	}
	results := tx.SendBatch(ctx, batch)
	outcomes := make([]Outcome, len(events))
	for _, i := range order {
		tag, err := results.Exec()
		if err != nil {
			return nil, errors.Join(fmt.Errorf("postgres: upsert message: %w", err), results.Close())
		}
		outcomes[i] = Duplicate
		if tag.RowsAffected() == 1 {
			outcomes[i] = Stored
		}
		if events[i].Status == event.StatusFailed {
			if _, err := results.Exec(); err != nil {
				return nil, errors.Join(fmt.Errorf("postgres: hand off: %w", err), results.Close())
			}
		}
	}
	if err := results.Close(); err != nil {
		return nil, fmt.Errorf("postgres: upsert message: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("postgres: commit: %w", err)
	}
	return outcomes, nil
}

// retryable reports whether PostgreSQL aborted a transaction that may
// succeed when run again: a deadlock or a serialization failure.
func retryable(err error) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return false
	}
	return pgErr.Code == "40P01" || pgErr.Code == "40001"
}

func (s *postgresStore) Message(ctx context.Context, id string) (Message, error) {
	m, err := scanPostgresMessage(s.pool.QueryRow(ctx, postgresSelectMessage, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return Message{}, ErrNotFound
	}
	return m, err
}

func scanPostgresMessage(row pgx.Row) (Message, error) {
	var (
		m                                             Message
		status                                        int16
		sent, delivered, read, failed, first, clicked pgtype.Timestamptz
		reason, code, callback, phone, name, language pgtype.Text
		button, campaign, country, number             pgtype.Text
		updated                                       time.Time
	)
	err := row.Scan(&m.ID, &status, &sent, &delivered, &read, &failed, &reason, &code, &callback, &updated,
		&phone, &name, &language, &first, &clicked, &button, &campaign, &country, &number)
	if errors.Is(err, pgx.ErrNoRows) {
		return Message{}, err
	}
	if err != nil {
		return Message{}, fmt.Errorf("postgres: select message: %w", err)
	}
	m.Status = event.Status(status)
	m.SentAt, m.DeliveredAt = fromTimestamptz(sent), fromTimestamptz(delivered)
	m.ReadAt, m.FailedAt = fromTimestamptz(read), fromTimestamptz(failed)
	m.FailureReason, m.ErrorCode, m.CallbackData = reason.String, code.String, callback.String
	m.Phone, m.TemplateName, m.TemplateLanguage = phone.String, name.String, language.String
	m.FirstSeenAt, m.ClickedAt, m.ClickedButton = fromTimestamptz(first), fromTimestamptz(clicked), button.String
	m.CampaignID, m.CountryCode, m.PhoneNumber = campaign.String, country.String, number.String
	m.UpdatedAt = updated.UTC()
	return m, nil
}

func (s *postgresStore) Messages(ctx context.Context, ids []string) ([]Message, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+messageColumns+` FROM messages WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("postgres: select messages: %w", err)
	}
	return scanPostgresMessages(rows)
}

// postgresFindMessages matches on the send's time or, where that is
// unknown, when the message was first seen; postgresFindMessagesSeen on
// when it was first seen. Latest first.
var (
	postgresFindMessages     = postgresFindMessagesBy("COALESCE(sent_at, first_seen_at)")
	postgresFindMessagesSeen = postgresFindMessagesBy("first_seen_at")
)

func postgresFindMessagesBy(when string) string {
	return `SELECT ` + messageColumns + ` FROM messages
WHERE phone = $1 AND template_name = $2
  AND ($3 = '' OR template_language = $3)
  AND ($4 = '' OR callback_data = $4)
  AND ` + when + ` BETWEEN $5 AND $6
ORDER BY ` + when + ` DESC, id
LIMIT $7`
}

func (s *postgresStore) FindMessages(ctx context.Context, q MessageQuery, limit int) ([]Message, error) {
	query := postgresFindMessages
	if q.FirstSeen {
		query = postgresFindMessagesSeen
	}
	rows, err := s.pool.Query(ctx, query, q.Phone, q.TemplateName, q.TemplateLanguage, q.CallbackData,
		micros(q.From), micros(q.To), limit)
	if err != nil {
		return nil, fmt.Errorf("postgres: find messages: %w", err)
	}
	return scanPostgresMessages(rows)
}

func scanPostgresMessages(rows pgx.Rows) ([]Message, error) {
	defer rows.Close()
	var out []Message
	for rows.Next() {
		m, err := scanPostgresMessage(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: select messages: %w", err)
	}
	return out, nil
}

func (s *postgresStore) DeadLetters(ctx context.Context, limit int) ([]DeadLetter, error) {
	rows, err := s.pool.Query(ctx, `SELECT received_at, reason, body FROM dead_letters ORDER BY id LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("postgres: dead letters: %w", err)
	}
	defer rows.Close()
	var out []DeadLetter
	for rows.Next() {
		var d DeadLetter
		if err := rows.Scan(&d.ReceivedAt, &d.Reason, &d.Body); err != nil {
			return nil, fmt.Errorf("postgres: dead letters: %w", err)
		}
		d.ReceivedAt = d.ReceivedAt.UTC()
		out = append(out, d)
	}
	return out, rows.Err()
}

func (s *postgresStore) AddDeadLetter(ctx context.Context, d DeadLetter) error {
	if _, err := s.pool.Exec(ctx, `INSERT INTO dead_letters (received_at, reason, body) VALUES ($1, $2, $3)`,
		micros(d.ReceivedAt), d.Reason, d.Body); err != nil {
		return fmt.Errorf("postgres: dead letter: %w", err)
	}
	return nil
}

func (s *postgresStore) Purge(ctx context.Context, cutoff time.Time) (int64, error) {
	if _, err := s.purge(ctx, `DELETE FROM dead_letters WHERE ctid IN
  (SELECT ctid FROM dead_letters WHERE received_at < $1 LIMIT $2)`, cutoff); err != nil {
		return 0, err
	}
	if _, err := s.purge(ctx, `DELETE FROM handoffs WHERE ctid IN
  (SELECT ctid FROM handoffs WHERE state <> 1 AND created_at < $1 LIMIT $2)`, cutoff); err != nil {
		return 0, err
	}
	return s.purge(ctx, `DELETE FROM messages WHERE ctid IN
  (SELECT ctid FROM messages WHERE updated_at < $1 LIMIT $2)`, cutoff)
}

// purge runs a chunked DELETE until it deletes less than a chunk.
func (s *postgresStore) purge(ctx context.Context, query string, cutoff time.Time) (int64, error) {
	var total int64
	for {
		tag, err := s.pool.Exec(ctx, query, cutoff, purgeChunk)
		if err != nil {
			return total, fmt.Errorf("postgres: purge: %w", err)
		}
		total += tag.RowsAffected()
		if tag.RowsAffected() < purgeChunk {
			return total, nil
		}
	}
}

func (s *postgresStore) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("postgres: ping: %w", err)
	}
	return nil
}

func (s *postgresStore) Close() error {
	s.pool.Close()
	return nil
}

// pgTime encodes a time for PostgreSQL, NULL for the zero time.
func pgTime(t time.Time) pgtype.Timestamptz {
	if t.IsZero() {
		return pgtype.Timestamptz{}
	}
	return pgtype.Timestamptz{Time: micros(t), Valid: true}
}

func fromTimestamptz(v pgtype.Timestamptz) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return v.Time.UTC()
}

func pgText(s string) pgtype.Text {
	return pgtype.Text{String: s, Valid: s != ""}
}
