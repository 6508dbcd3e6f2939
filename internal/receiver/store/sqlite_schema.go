package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// sqliteMigrations are applied in order; the schema_version table records
// how many have run. Never edit one that has shipped: append a new one.
var sqliteMigrations = []string{
	// events is the set of events applied to the message, one bit per
	// status (sent 1, delivered 2, read 4, failed 8). Keeping it in the
	// message's row, rather than an event table, makes each event one
	// upsert of one row: one B-tree leaf written per event, which is what
	// a commit's fsync pays for.
	`CREATE TABLE messages (
  id             TEXT    NOT NULL PRIMARY KEY,
  status         INTEGER NOT NULL,
  events         INTEGER NOT NULL,
  sent_at        INTEGER,
  delivered_at   INTEGER,
  read_at        INTEGER,
  failed_at      INTEGER,
  failure_reason TEXT,
  error_code     TEXT,
  callback_data  TEXT,
  updated_at     INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX messages_updated_at ON messages (updated_at);`,
	// The provider's send journal; the message's recipient and template,
	// as webhooks carry them, and the first time it was seen, so that an
	// uncertain send can be matched; clicks; signed bodies that could not
	// be parsed.
	`CREATE TABLE journal (
  attempt    TEXT    NOT NULL PRIMARY KEY,
  key        TEXT    NOT NULL,
  started_at INTEGER NOT NULL,
  answered   INTEGER NOT NULL,
  entry      TEXT    NOT NULL
) WITHOUT ROWID;
CREATE INDEX journal_key ON journal (key);
CREATE INDEX journal_started_at ON journal (started_at);
ALTER TABLE messages ADD COLUMN phone TEXT;
ALTER TABLE messages ADD COLUMN template_name TEXT;
ALTER TABLE messages ADD COLUMN template_language TEXT;
ALTER TABLE messages ADD COLUMN first_seen_at INTEGER;
ALTER TABLE messages ADD COLUMN clicked_at INTEGER;
ALTER TABLE messages ADD COLUMN clicked_button TEXT;
CREATE INDEX messages_recipient ON messages (phone, template_name, first_seen_at);
CREATE TABLE dead_letters (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  received_at INTEGER NOT NULL,
  reason      TEXT    NOT NULL,
  body        BLOB    NOT NULL
);
CREATE INDEX dead_letters_received_at ON dead_letters (received_at);`,
	// The campaign id of a message that one of Interakt's campaigns sent
	// (message_campaign_* events).
	`ALTER TABLE messages ADD COLUMN campaign_id TEXT;`,
	// Rate budgets: one ledger per key id (a hash; never the key).
	`CREATE TABLE budgets (
  key    TEXT NOT NULL PRIMARY KEY,
  ledger TEXT NOT NULL
) WITHOUT ROWID;`,
	// Fallback rules, their templates (none: every template) and the
	// outbox of hand-offs, one per message and rule. state: 1 pending, 2
	// delivered, 3 dead. Times in microseconds. scanned_until is how far
	// the undelivered scan has looked (messages first seen up to then).
	// messages_pending indexes the messages still only sent, which is all
	// the undelivered scan reads. The customer's country code and number
	// are kept apart for the hand-off's body.
	`CREATE TABLE fallbacks (
  name              TEXT    NOT NULL PRIMARY KEY,
  url               TEXT    NOT NULL,
  secret            TEXT    NOT NULL,
  on_failed         INTEGER NOT NULL,
  on_undelivered    INTEGER NOT NULL,
  undelivered_after INTEGER NOT NULL,
  all_templates     INTEGER NOT NULL,
  created_at        INTEGER NOT NULL,
  scanned_until     INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE fallback_templates (
  rule          TEXT    NOT NULL,
  name          TEXT    NOT NULL,
  language_code TEXT    NOT NULL,
  position      INTEGER NOT NULL,
  PRIMARY KEY (rule, name, language_code)
) WITHOUT ROWID;
CREATE TABLE handoffs (
  id               TEXT    NOT NULL PRIMARY KEY,
  rule             TEXT    NOT NULL,
  message_id       TEXT    NOT NULL,
  reason           TEXT    NOT NULL,
  state            INTEGER NOT NULL,
  attempts         INTEGER NOT NULL,
  created_at       INTEGER NOT NULL,
  round_started_at INTEGER NOT NULL,
  next_attempt_at  INTEGER NOT NULL,
  delivered_at     INTEGER,
  last_error       TEXT,
  lease_owner      TEXT,
  leased_until     INTEGER
);
CREATE UNIQUE INDEX handoffs_rule_message ON handoffs (rule, message_id);
CREATE INDEX handoffs_due ON handoffs (next_attempt_at) WHERE state = 1;
CREATE INDEX messages_pending ON messages (first_seen_at) WHERE status = 1;
ALTER TABLE messages ADD COLUMN country_code TEXT;
ALTER TABLE messages ADD COLUMN phone_number TEXT;`,
}

// migrateSQLite brings the schema up to date inside one IMMEDIATE
// transaction, so two processes opening one file do not both migrate.
func migrateSQLite(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	if err := migrateSQLiteTx(ctx, tx); err != nil {
		return errors.Join(err, ignoreDone(tx.Rollback()))
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	return nil
}

func migrateSQLiteTx(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx,
		`CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	var version int
	if err := tx.QueryRowContext(ctx,
		`SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&version); err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	if version > len(sqliteMigrations) {
		return fmt.Errorf("sqlite: database schema version %d is newer than this program's %d",
			version, len(sqliteMigrations))
	}
	for v := version + 1; v <= len(sqliteMigrations); v++ {
		if _, err := tx.ExecContext(ctx, sqliteMigrations[v-1]); err != nil {
			return fmt.Errorf("sqlite: migrate to version %d: %w", v, err)
		}
	}
	if version < len(sqliteMigrations) {
		if _, err := tx.ExecContext(ctx, `DELETE FROM schema_version`); err != nil {
			return fmt.Errorf("sqlite: migrate: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (?)`,
			len(sqliteMigrations)); err != nil {
			return fmt.Errorf("sqlite: migrate: %w", err)
		}
	}
	return nil
}
