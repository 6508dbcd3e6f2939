package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// postgresMigrations are applied in order; the schema_version table
// records how many have run. Never edit one that has shipped: append a new
// one.
var postgresMigrations = []string{
	// events: see sqliteMigrations.
	`CREATE TABLE messages (
  id             text        NOT NULL PRIMARY KEY,
  status         smallint    NOT NULL,
  events         smallint    NOT NULL,
  sent_at        timestamptz,
  delivered_at   timestamptz,
  read_at        timestamptz,
  failed_at      timestamptz,
  failure_reason text,
  error_code     text,
  callback_data  text,
  updated_at     timestamptz NOT NULL
);
CREATE INDEX messages_updated_at ON messages (updated_at);`,
	// See sqliteMigrations.
	`CREATE TABLE journal (
  attempt    text        NOT NULL PRIMARY KEY,
  key        text        NOT NULL,
  started_at timestamptz NOT NULL,
  answered   boolean     NOT NULL,
  entry      text        NOT NULL
);
CREATE INDEX journal_key ON journal (key);
CREATE INDEX journal_started_at ON journal (started_at);
ALTER TABLE messages ADD COLUMN phone text;
ALTER TABLE messages ADD COLUMN template_name text;
ALTER TABLE messages ADD COLUMN template_language text;
ALTER TABLE messages ADD COLUMN first_seen_at timestamptz;
ALTER TABLE messages ADD COLUMN clicked_at timestamptz;
ALTER TABLE messages ADD COLUMN clicked_button text;
CREATE INDEX messages_recipient ON messages (phone, template_name, first_seen_at);
CREATE TABLE dead_letters (
  id          bigserial   PRIMARY KEY,
  received_at timestamptz NOT NULL,
  reason      text        NOT NULL,
  body        bytea       NOT NULL
);
CREATE INDEX dead_letters_received_at ON dead_letters (received_at);`,
	// See sqliteMigrations.
	`ALTER TABLE messages ADD COLUMN campaign_id text;`,
	// Rate budgets: see sqliteMigrations.
	`CREATE TABLE budgets (
  key    text NOT NULL PRIMARY KEY,
  ledger text NOT NULL
);`,
	// Fallback rules and hand-offs: see sqliteMigrations (undelivered_after
	// in microseconds).
	`CREATE TABLE fallbacks (
  name              text        NOT NULL PRIMARY KEY,
  url               text        NOT NULL,
  secret            text        NOT NULL,
  on_failed         boolean     NOT NULL,
  on_undelivered    boolean     NOT NULL,
  undelivered_after bigint      NOT NULL,
  all_templates     boolean     NOT NULL,
  created_at        timestamptz NOT NULL,
  scanned_until     timestamptz NOT NULL
);
CREATE TABLE fallback_templates (
  rule          text    NOT NULL,
  name          text    NOT NULL,
  language_code text    NOT NULL,
  position      integer NOT NULL,
  PRIMARY KEY (rule, name, language_code)
);
CREATE TABLE handoffs (
  id               text        NOT NULL PRIMARY KEY,
  rule             text        NOT NULL,
  message_id       text        NOT NULL,
  reason           text        NOT NULL,
  state            smallint    NOT NULL,
  attempts         integer     NOT NULL,
  created_at       timestamptz NOT NULL,
  round_started_at timestamptz NOT NULL,
  next_attempt_at  timestamptz NOT NULL,
  delivered_at     timestamptz,
  last_error       text,
  lease_owner      text,
  leased_until     timestamptz
);
CREATE UNIQUE INDEX handoffs_rule_message ON handoffs (rule, message_id);
CREATE INDEX handoffs_due ON handoffs (next_attempt_at) WHERE state = 1;
CREATE INDEX messages_pending ON messages (first_seen_at) WHERE status = 1;
ALTER TABLE messages ADD COLUMN country_code text;
ALTER TABLE messages ADD COLUMN phone_number text;`,
}

// postgresMigrationLock is the advisory lock key that serializes
// migrations when several receivers start at once.
const postgresMigrationLock = 0x696e7472616b74 // "intrakt"

func migratePostgres(ctx context.Context, pool *pgxpool.Pool) error {
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(postgresMigrationLock)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx,
			`CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)`); err != nil {
			return err
		}
		var version int
		if err := tx.QueryRow(ctx,
			`SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&version); err != nil {
			return err
		}
		if version > len(postgresMigrations) {
			return fmt.Errorf("database schema version %d is newer than this program's %d",
				version, len(postgresMigrations))
		}
		for v := version + 1; v <= len(postgresMigrations); v++ {
			if _, err := tx.Exec(ctx, postgresMigrations[v-1]); err != nil {
				return fmt.Errorf("to version %d: %w", v, err)
			}
		}
		if version == len(postgresMigrations) {
			return nil
		}
		if _, err := tx.Exec(ctx, `DELETE FROM schema_version`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO schema_version (version) VALUES ($1)`, len(postgresMigrations))
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	return nil
}
