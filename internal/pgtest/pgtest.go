// Package pgtest starts a throwaway PostgreSQL server for tests: one
// server per test binary, in a temporary folder, reachable only over a
// unix socket, with a fresh database per test.
//
// Use it from a package's TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.RunTests(m)) }
//
// and call NewDatabase(t) in each test that needs PostgreSQL. Tests skip,
// loudly, only when no PostgreSQL server binary can be found; set
// INTERAKT_PG_BIN to the folder holding initdb and postgres to choose one.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
)

// BinEnv names the environment variable that points at the folder holding
// PostgreSQL's initdb, postgres and pg_isready.
const BinEnv = "INTERAKT_PG_BIN"

// ErrNoPostgres means no PostgreSQL server binaries were found.
var ErrNoPostgres = errors.New("no PostgreSQL server binaries found (install postgresql or set " + BinEnv + ")")

// FindBinDir returns the folder holding PostgreSQL's server binaries: the
// one INTERAKT_PG_BIN names, else the newest /usr/lib/postgresql/*/bin,
// else the folder of a postgres on PATH.
func FindBinDir() (string, error) {
	if dir := os.Getenv(BinEnv); dir != "" {
		if !isExecutable(filepath.Join(dir, "postgres")) {
			return "", fmt.Errorf("%s=%s holds no postgres binary", BinEnv, dir)
		}
		return dir, nil
	}
	matches, err := filepath.Glob("/usr/lib/postgresql/*/bin/postgres")
	if err != nil {
		return "", err
	}
	sort.Slice(matches, func(i, j int) bool { return versionOf(matches[i]) > versionOf(matches[j]) })
	for _, m := range matches {
		if isExecutable(m) {
			return filepath.Dir(m), nil
		}
	}
	if p, err := exec.LookPath("postgres"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", ErrNoPostgres
}

// versionOf reads the major version from /usr/lib/postgresql/<v>/bin/postgres.
func versionOf(path string) int {
	v, err := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(path))))
	if err != nil {
		return 0
	}
	return v
}

func isExecutable(path string) bool {
	info, err := os.Stat(path)
	return err == nil && !info.IsDir() && info.Mode()&0o111 != 0
}

var (
	sharedOnce   sync.Once
	sharedServer *Server
	sharedErr    error
	databaseSeq  atomic.Int64
)

// Shared returns the test binary's one server, starting it on first use.
// RunTests stops it when the tests are done.
func Shared() (*Server, error) {
	sharedOnce.Do(func() {
		sharedServer, sharedErr = Start(context.Background())
	})
	return sharedServer, sharedErr
}

// RunTests runs the tests and then stops the shared server, if one was
// started. Call it from TestMain: os.Exit(pgtest.RunTests(m)).
func RunTests(m *testing.M) int {
	code := m.Run()
	if sharedServer != nil {
		if err := sharedServer.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "pgtest: stopping PostgreSQL: %v\n", err)
		}
	}
	return code
}

// NewDatabase creates an empty database on the shared server and returns
// its postgres:// URL. It skips the test, with a message on stderr, when no
// PostgreSQL binaries exist, and fails it when the server does not start.
func NewDatabase(t testing.TB) string {
	t.Helper()
	srv, err := Shared()
	if errors.Is(err, ErrNoPostgres) {
		msg := "SKIPPING PostgreSQL test: " + err.Error()
		fmt.Fprintln(os.Stderr, "pgtest: "+msg)
		t.Skip(msg)
	}
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	name := fmt.Sprintf("t%d_%s", databaseSeq.Add(1), sanitize(t.Name()))
	dsn, err := srv.CreateDatabase(t.Context(), name)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return dsn
}

// sanitize turns a test name into a short identifier fragment.
func sanitize(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if b.Len() >= 40 {
			break
		}
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// CreateDatabase creates a database and returns its URL.
func (s *Server) CreateDatabase(ctx context.Context, name string) (string, error) {
	conn, err := pgx.Connect(ctx, s.DSN("postgres"))
	if err != nil {
		return "", fmt.Errorf("connect: %w", err)
	}
	defer func() { _ = conn.Close(context.WithoutCancel(ctx)) }()
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", fmt.Errorf("create database %s: %w", name, err)
	}
	return s.DSN(name), nil
}
