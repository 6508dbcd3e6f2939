package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"time"

	// The pure-Go SQLite driver registers itself as "sqlite".
	"github.com/interakt-community/terraform-provider-interakt/internal/receiver/event"
	_ "modernc.org/sqlite"
)

// sqliteConns is how many connections share the SQLite file. WAL lets
// readers run beside the one writer; more connections than cores buys
// nothing.
const sqliteConns = 4

// sqliteBusyTimeout is how long a connection waits for another one's
// write lock (a purge, or a second process on the same file).
const sqliteBusyTimeout = 5 * time.Second

type sqliteStore struct {
	db *sql.DB
	// budgetDB is one connection to the same file whose commits do not
	// wait for an fsync (synchronous=NORMAL): rate budgets matter for a
	// window, and a machine that lost power is back after it has passed.
	budgetDB *sql.DB
	// handoffDB is another such connection, for the hand-offs' claims,
	// outcomes and the undelivered scan: what a power loss takes from
	// those is done again (a hand-off POSTed again, which at least once
	// allows; a scan run again), while the outbox rows of failures commit
	// with their events, fsynced.
	handoffDB      *sql.DB
	stopCheckpoint context.CancelFunc
	checkpointDone chan struct{}
	upsertMessage  *sql.Stmt
	selectMessage  *sql.Stmt
	handOffFailed  *sql.Stmt
}

// OpenSQLite opens (creating if needed) the SQLite database file at path
// and migrates its schema.
//
// The file runs in WAL mode with synchronous=FULL: every commit is fsynced
// before Apply returns, so an event the receiver acknowledged survives a
// power loss as well as a crash of the process. (NORMAL would be enough
// against a SIGKILL, since the WAL is then already in the kernel's page
// cache, but not against power loss; with commits batched the extra fsync
// is paid once per batch, not per event.) Transactions begin IMMEDIATE so
// that a writer takes the lock up front instead of failing on upgrade.
func OpenSQLite(ctx context.Context, path string) (Store, error) {
	if path == "" {
		return nil, errors.New("sqlite: empty database path")
	}
	if err := createPrivate(path); err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "FULL")
	q.Set("_busy_timeout", fmt.Sprint(sqliteBusyTimeout.Milliseconds()))
	q.Set("_txlock", "immediate")
	q.Add("_pragma", "foreign_keys(0)")
	q.Add("_pragma", fmt.Sprintf("wal_autocheckpoint(%d)", sqliteAutoCheckpointPages))
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	db.SetMaxOpenConns(sqliteConns)
	db.SetMaxIdleConns(sqliteConns)
	db.SetConnMaxIdleTime(0)
	s := &sqliteStore{db: db}
	if err := s.init(ctx); err != nil {
		return nil, errors.Join(err, s.closeStatements(), db.Close())
	}
	q.Set("_synchronous", "NORMAL")
	if s.budgetDB, err = sql.Open("sqlite", "file:"+path+"?"+q.Encode()); err != nil {
		return nil, errors.Join(fmt.Errorf("sqlite: open: %w", err), s.closeStatements(), db.Close())
	}
	s.budgetDB.SetMaxOpenConns(1)
	s.budgetDB.SetMaxIdleConns(1)
	s.budgetDB.SetConnMaxIdleTime(0)
	if s.handoffDB, err = sql.Open("sqlite", "file:"+path+"?"+q.Encode()); err != nil {
		return nil, errors.Join(fmt.Errorf("sqlite: open: %w", err), s.closeStatements(), s.budgetDB.Close(), db.Close())
	}
	s.handoffDB.SetMaxOpenConns(1)
	s.handoffDB.SetMaxIdleConns(1)
	s.handoffDB.SetConnMaxIdleTime(0)
	checkpointCtx, stop := context.WithCancel(context.Background())
	s.stopCheckpoint = stop
	s.checkpointDone = make(chan struct{})
	go s.checkpointLoop(checkpointCtx, s.checkpointDone)
	return s, nil
}

func (s *sqliteStore) init(ctx context.Context) error {
	if err := migrateSQLite(ctx, s.db); err != nil {
		return err
	}
	var err error
	if s.upsertMessage, err = s.db.PrepareContext(ctx, sqliteUpsertMessage); err != nil {
		return fmt.Errorf("sqlite: prepare: %w", err)
	}
	if s.selectMessage, err = s.db.PrepareContext(ctx, sqliteSelectMessage); err != nil {
		return fmt.Errorf("sqlite: prepare: %w", err)
	}
	if s.handOffFailed, err = s.db.PrepareContext(ctx, sqliteHandOffFailed); err != nil {
		return fmt.Errorf("sqlite: prepare: %w", err)
	}
	return nil
}

// sqliteUpsertMessage applies one event to its message. The events column
// is the set of events already applied, one bit per status: an event whose
// bit is set is a duplicate, and the WHERE clause skips it (no row
// changes). Otherwise the status moves forward only (max of the ranks) and
// each time keeps its earliest report, so the result is the same whatever
// order events arrive in.
const sqliteUpsertMessage = `INSERT INTO messages
  (id, status, events, sent_at, delivered_at, read_at, failed_at, failure_reason, error_code, callback_data, updated_at,
   phone, template_name, template_language, first_seen_at, clicked_at, clicked_button, campaign_id,
   country_code, phone_number)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
  status         = max(messages.status, excluded.status),
  events         = messages.events | excluded.events,
  sent_at        = coalesce(min(messages.sent_at, excluded.sent_at), messages.sent_at, excluded.sent_at),
  delivered_at   = coalesce(min(messages.delivered_at, excluded.delivered_at), messages.delivered_at, excluded.delivered_at),
  read_at        = coalesce(min(messages.read_at, excluded.read_at), messages.read_at, excluded.read_at),
  failed_at      = coalesce(min(messages.failed_at, excluded.failed_at), messages.failed_at, excluded.failed_at),
  failure_reason = coalesce(messages.failure_reason, excluded.failure_reason),
  error_code     = coalesce(messages.error_code, excluded.error_code),
  callback_data  = coalesce(messages.callback_data, excluded.callback_data),
  updated_at     = max(messages.updated_at, excluded.updated_at),
  phone          = coalesce(messages.phone, excluded.phone),
  template_name  = coalesce(messages.template_name, excluded.template_name),
  template_language = coalesce(messages.template_language, excluded.template_language),
  first_seen_at  = coalesce(min(messages.first_seen_at, excluded.first_seen_at), messages.first_seen_at, excluded.first_seen_at),
  clicked_at     = coalesce(min(messages.clicked_at, excluded.clicked_at), messages.clicked_at, excluded.clicked_at),
  clicked_button = coalesce(messages.clicked_button, excluded.clicked_button),
  campaign_id    = coalesce(messages.campaign_id, excluded.campaign_id),
  country_code   = coalesce(messages.country_code, excluded.country_code),
  phone_number   = coalesce(messages.phone_number, excluded.phone_number)
WHERE (messages.events & excluded.events) = 0`

// messageColumns are what a Message is read from, in scanMessage's order.
const messageColumns = `id, status, sent_at, delivered_at, read_at, failed_at,
  failure_reason, error_code, callback_data, updated_at,
  phone, template_name, template_language, first_seen_at, clicked_at, clicked_button, campaign_id,
  country_code, phone_number`

const sqliteSelectMessage = `SELECT ` + messageColumns + ` FROM messages WHERE id = ?`

func (s *sqliteStore) Apply(ctx context.Context, events []event.Event) ([]Outcome, error) {
	if len(events) == 0 {
		return nil, nil
	}
	if err := checkEvents(events); err != nil {
		return nil, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("sqlite: begin: %w", err)
	}
	outcomes, err := s.applyTx(ctx, tx, events)
	if err != nil {
		return nil, errors.Join(err, ignoreDone(tx.Rollback()))
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("sqlite: commit: %w", err)
	}
	return outcomes, nil
}

func (s *sqliteStore) applyTx(ctx context.Context, tx *sql.Tx, events []event.Event) ([]Outcome, error) {
	upsert := tx.StmtContext(ctx, s.upsertMessage)
	var handOff *sql.Stmt
	outcomes := make([]Outcome, len(events))
	for i, ev := range events {
		res, err := upsert.ExecContext(ctx,
			ev.MessageID, int16(ev.Status), eventBit(ev),
			unixMicro(ev.SentAt), unixMicro(ev.DeliveredAt), unixMicro(ev.ReadAt), unixMicro(ev.FailedAt),
			nullString(ev.FailureReason), nullString(ev.ErrorCode), nullString(ev.CallbackData),
			unixMicro(ev.ReceivedAt),
			nullString(ev.Phone), nullString(ev.TemplateName), nullString(ev.TemplateLanguage),
			unixMicro(ev.ReceivedAt), unixMicro(ev.ClickedAt), nullString(ev.ClickedButton), nullString(ev.CampaignID),
			nullString(ev.CountryCode), nullString(ev.PhoneNumber))
		if err != nil {
			return nil, fmt.Errorf("sqlite: upsert message: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return nil, fmt.Errorf("sqlite: upsert message: %w", err)
		}
		outcomes[i] = Stored
		if n == 0 {
			outcomes[i] = Duplicate
			continue
		}
		if ev.Status == event.StatusFailed {
			if handOff == nil {
				handOff = tx.StmtContext(ctx, s.handOffFailed)
			}
			if _, err := handOff.ExecContext(ctx, ev.ReceivedAt.UnixMicro(), ev.MessageID); err != nil {
				return nil, fmt.Errorf("sqlite: hand off: %w", err)
			}
		}
	}
	return outcomes, nil
}

func (s *sqliteStore) Message(ctx context.Context, id string) (Message, error) {
	m, err := scanSQLiteMessage(s.selectMessage.QueryRowContext(ctx, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Message{}, ErrNotFound
	}
	return m, err
}

// rowScanner is a *sql.Row or *sql.Rows.
type rowScanner interface{ Scan(dest ...any) error }

func scanSQLiteMessage(row rowScanner) (Message, error) {
	var (
		m                                             Message
		status                                        int16
		sent, delivered, read, failed, first, clicked sql.NullInt64
		reason, code, callback, phone, name, language sql.NullString
		button, campaign, country, number             sql.NullString
		updated                                       int64
	)
	err := row.Scan(&m.ID, &status, &sent, &delivered, &read, &failed, &reason, &code, &callback, &updated,
		&phone, &name, &language, &first, &clicked, &button, &campaign, &country, &number)
	if errors.Is(err, sql.ErrNoRows) {
		return Message{}, err
	}
	if err != nil {
		return Message{}, fmt.Errorf("sqlite: select message: %w", err)
	}
	m.Status = event.Status(status)
	m.SentAt, m.DeliveredAt, m.ReadAt, m.FailedAt = fromMicro(sent), fromMicro(delivered), fromMicro(read), fromMicro(failed)
	m.FailureReason, m.ErrorCode, m.CallbackData = reason.String, code.String, callback.String
	m.Phone, m.TemplateName, m.TemplateLanguage = phone.String, name.String, language.String
	m.FirstSeenAt, m.ClickedAt, m.ClickedButton = fromMicro(first), fromMicro(clicked), button.String
	m.CampaignID, m.CountryCode, m.PhoneNumber = campaign.String, country.String, number.String
	m.UpdatedAt = time.UnixMicro(updated).UTC()
	return m, nil
}

func (s *sqliteStore) Messages(ctx context.Context, ids []string) ([]Message, error) {
	var out []Message
	for chunk := range chunks(ids, sqliteChunk) {
		rows, err := s.db.QueryContext(ctx, `SELECT `+messageColumns+` FROM messages WHERE id IN (`+placeholders(len(chunk))+`)`, anySlice(chunk)...)
		if err != nil {
			return nil, fmt.Errorf("sqlite: select messages: %w", err)
		}
		ms, err := scanSQLiteMessages(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, ms...)
	}
	return out, nil
}

// sqliteFindMessages matches on the send's time as Interakt reports it
// (sent_at), or when the message was first seen where that is unknown,
// latest first; sqliteFindMessagesSeen on when it was first seen.
var (
	sqliteFindMessages     = sqliteFindMessagesBy("coalesce(sent_at, first_seen_at)")
	sqliteFindMessagesSeen = sqliteFindMessagesBy("first_seen_at")
)

func sqliteFindMessagesBy(when string) string {
	return `SELECT ` + messageColumns + ` FROM messages
WHERE phone = ? AND template_name = ?
  AND (? = '' OR template_language = ?)
  AND (? = '' OR callback_data = ?)
  AND ` + when + ` BETWEEN ? AND ?
ORDER BY ` + when + ` DESC, id
LIMIT ?`
}

func (s *sqliteStore) FindMessages(ctx context.Context, q MessageQuery, limit int) ([]Message, error) {
	query := sqliteFindMessages
	if q.FirstSeen {
		query = sqliteFindMessagesSeen
	}
	rows, err := s.db.QueryContext(ctx, query, q.Phone, q.TemplateName,
		q.TemplateLanguage, q.TemplateLanguage, q.CallbackData, q.CallbackData,
		q.From.UnixMicro(), q.To.UnixMicro(), limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find messages: %w", err)
	}
	return scanSQLiteMessages(rows)
}

func scanSQLiteMessages(rows *sql.Rows) ([]Message, error) {
	defer rows.Close()
	var out []Message
	for rows.Next() {
		m, err := scanSQLiteMessage(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: select messages: %w", err)
	}
	return out, nil
}

func (s *sqliteStore) DeadLetters(ctx context.Context, limit int) ([]DeadLetter, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT received_at, reason, body FROM dead_letters ORDER BY id LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: dead letters: %w", err)
	}
	defer rows.Close()
	var out []DeadLetter
	for rows.Next() {
		var d DeadLetter
		var at int64
		if err := rows.Scan(&at, &d.Reason, &d.Body); err != nil {
			return nil, fmt.Errorf("sqlite: dead letters: %w", err)
		}
		d.ReceivedAt = time.UnixMicro(at).UTC()
		out = append(out, d)
	}
	return out, rows.Err()
}

func (s *sqliteStore) AddDeadLetter(ctx context.Context, d DeadLetter) error {
	if _, err := s.db.ExecContext(ctx, `INSERT INTO dead_letters (received_at, reason, body) VALUES (?, ?, ?)`,
		d.ReceivedAt.UnixMicro(), d.Reason, d.Body); err != nil {
		return fmt.Errorf("sqlite: dead letter: %w", err)
	}
	return nil
}

func (s *sqliteStore) Purge(ctx context.Context, cutoff time.Time) (int64, error) {
	if _, err := s.purge(ctx, `DELETE FROM dead_letters WHERE id IN
  (SELECT id FROM dead_letters WHERE received_at < ? LIMIT ?)`, cutoff.UnixMicro()); err != nil {
		return 0, err
	}
	if _, err := s.purge(ctx, `DELETE FROM handoffs WHERE id IN
  (SELECT id FROM handoffs WHERE state <> 1 AND created_at < ? LIMIT ?)`, cutoff.UnixMicro()); err != nil {
		return 0, err
	}
	return s.purge(ctx, `DELETE FROM messages WHERE id IN
  (SELECT id FROM messages WHERE updated_at < ? LIMIT ?)`, cutoff.UnixMicro())
}

// purge runs a chunked DELETE until it deletes less than a chunk.
func (s *sqliteStore) purge(ctx context.Context, query string, cutoff int64) (int64, error) {
	var total int64
	for {
		res, err := s.db.ExecContext(ctx, query, cutoff, purgeChunk)
		if err != nil {
			return total, fmt.Errorf("sqlite: purge: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return total, fmt.Errorf("sqlite: purge: %w", err)
		}
		total += n
		if n < purgeChunk {
			return total, nil
		}
	}
}

func (s *sqliteStore) Ping(ctx context.Context) error {
	var one int
	if err := s.db.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("sqlite: ping: %w", err)
	}
	return nil
}

func (s *sqliteStore) Close() error {
	s.stopCheckpoint()
	<-s.checkpointDone
	return errors.Join(s.closeStatements(), s.handoffDB.Close(), s.budgetDB.Close(), s.db.Close())
}

func (s *sqliteStore) closeStatements() error {
	var errs []error
	for _, st := range []*sql.Stmt{s.upsertMessage, s.selectMessage, s.handOffFailed} {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	return errors.Join(errs...)
}

// createPrivate creates the database file readable by its owner only,
// unless it exists. SQLite gives the -wal and -shm files the database
// file's permissions, so they are private too.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return f.Close()
}

// unixMicro encodes a time for SQLite: microseconds since the epoch, or
// NULL for the zero time.
func unixMicro(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

func fromMicro(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMicro(v.Int64).UTC()
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// ignoreDone drops the error a rollback returns when the transaction has
// already ended (for instance because its context was cancelled).
func ignoreDone(err error) error {
	if errors.Is(err, sql.ErrTxDone) {
		return nil
	}
	return err
}
