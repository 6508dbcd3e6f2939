package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// UpdateBudget runs in one IMMEDIATE transaction: it holds the database's
// write lock from its first statement, so no other change of any budget
// interleaves, whichever process of the file makes it.
func (s *sqliteStore) UpdateBudget(ctx context.Context, key string, change func([]byte) ([]byte, error)) error {
	tx, err := s.budgetDB.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: budget: %w", err)
	}
	if err := sqliteUpdateBudgetTx(ctx, tx, key, change); err != nil {
		return errors.Join(err, ignoreDone(tx.Rollback()))
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: budget: %w", err)
	}
	return nil
}

func sqliteUpdateBudgetTx(ctx context.Context, tx *sql.Tx, key string, change func([]byte) ([]byte, error)) error {
	var ledger []byte
	err := tx.QueryRowContext(ctx, `SELECT ledger FROM budgets WHERE key = ?`, key).Scan(&ledger)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sqlite: budget: %w", err)
	}
	out, err := change(ledger)
	if err != nil || out == nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO budgets (key, ledger) VALUES (?, ?)
ON CONFLICT (key) DO UPDATE SET ledger = excluded.ledger`, key, string(out)); err != nil {
		return fmt.Errorf("sqlite: budget: %w", err)
	}
	return nil
}

// UpdateBudget locks the key's row (creating it first when missing) with
// SELECT ... FOR UPDATE, so receivers sharing the database change one
// budget one at a time.
func (s *postgresStore) UpdateBudget(ctx context.Context, key string, change func([]byte) ([]byte, error)) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO budgets (key, ledger) VALUES ($1, '') ON CONFLICT (key) DO NOTHING`, key); err != nil {
			return err
		}
		var ledger string
		if err := tx.QueryRow(ctx, `SELECT ledger FROM budgets WHERE key = $1 FOR UPDATE`, key).Scan(&ledger); err != nil {
			return err
		}
		out, err := change([]byte(ledger))
		if err != nil || out == nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE budgets SET ledger = $2 WHERE key = $1`, key, string(out))
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres: budget: %w", err)
	}
	return nil
}
