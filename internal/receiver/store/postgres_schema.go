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
