//go:build !linux

package pgtest

import (
	"context"
	"fmt"
	"runtime"
)

// Server is a PostgreSQL server for tests. It runs on Linux only, where
// the server can be made to stop when the test binary dies (Pdeathsig).
type Server struct{}

// Start reports ErrNoPostgres off Linux, so that PostgreSQL tests skip,
// loudly, as they do where PostgreSQL is not installed.
func Start(context.Context) (*Server, error) {
	return nil, fmt.Errorf("%w: the test server runs on Linux only, not on %s", ErrNoPostgres, runtime.GOOS)
}

// DSN is never called: Start returns no server.
func (*Server) DSN(string) string { return "" }

// Stop is never called: Start returns no server.
func (*Server) Stop() error { return nil }
