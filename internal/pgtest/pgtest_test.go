package pgtest

import (
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { os.Exit(RunTests(m)) }

func TestNewDatabaseIsFreshAndReachable(t *testing.T) {
	first := NewDatabase(t)
	second := NewDatabase(t)
	if first == second {
		t.Fatalf("two calls returned the same database %q", first)
	}
	conn, err := pgx.Connect(t.Context(), first)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer func() { _ = conn.Close(t.Context()) }()
	if _, err := conn.Exec(t.Context(), "CREATE TABLE marker (x int)"); err != nil {
		t.Fatalf("create table: %v", err)
	}
	other, err := pgx.Connect(t.Context(), second)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer func() { _ = other.Close(t.Context()) }()
	var n int
	if err := other.QueryRow(t.Context(),
		"SELECT count(*) FROM pg_tables WHERE tablename = 'marker'").Scan(&n); err != nil {
		t.Fatalf("query: %v", err)
	}
	if n != 0 {
		t.Fatalf("second database sees the first one's table")
	}
}

func TestFindBinDirHonoursEnv(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(BinEnv, dir)
	if _, err := FindBinDir(); err == nil {
		t.Fatalf("FindBinDir accepted %s without a postgres binary", dir)
	}
}
