package receiver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/receiver/store"
)

// shutdownGrace bounds how long a shutdown waits for in-flight requests;
// each waits at most the commit budget for its commit.
const shutdownGrace = 10 * time.Second

// Main is the interakt-receiver program: it parses args, runs the server
// until ctx is cancelled (on SIGINT or SIGTERM) and returns the exit code.
func Main(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	opts, err := ParseOptions(args, getenv, stderr)
	if errors.Is(err, errHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "interakt-receiver: %v\n", err)
		return 2
	}
	opts.Config.Logger = slog.New(slog.NewTextHandler(stderr, nil))
	if err := Run(ctx, opts, stdout); err != nil {
		opts.Config.Logger.Error("interakt-receiver stopped", "error", err)
		return 1
	}
	return 0
}

// Run serves until ctx is cancelled, then shuts down gracefully: it stops
// accepting connections, lets in-flight webhooks finish their commits and
// closes the store. It prints the URL it listens on to stdout, and writes
// it to opts.AddrFile if set.
func Run(ctx context.Context, opts Options, stdout io.Writer) error {
	cfg := opts.Config
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	logger := cfg.Logger
	srv, err := New(ctx, cfg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", opts.Listen)
	if err != nil {
		return errors.Join(err, srv.Close())
	}
	url := "http://" + ln.Addr().String()
	if opts.AddrFile != "" {
		if err := writeFileAtomic(opts.AddrFile, url+"\n"); err != nil {
			return errors.Join(fmt.Errorf("addr file: %w", err), ln.Close(), srv.Close())
		}
	}
	logger.Info("interakt-receiver starting", "listen", url, "db", store.Backend(cfg.DB),
		"webhook_path", srv.WebhookPath(), "retention", cfg.Retention.String())
	fmt.Fprintf(stdout, "interakt-receiver listening on %s\n", url)

	httpSrv := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          log.New(slogWriter{logger}, "", 0),
	}
	served := make(chan error, 1)
	go func() { served <- httpSrv.Serve(ln) }()

	select {
	case err := <-served:
		return errors.Join(err, srv.Close())
	case <-ctx.Done():
	}
	logger.Info("interakt-receiver shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	shutdownErr := httpSrv.Shutdown(shutdownCtx)
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		shutdownErr = errors.Join(shutdownErr, err)
	}
	return errors.Join(shutdownErr, srv.Close())
}

// writeFileAtomic writes through a temporary file and a rename, so that a
// reader never sees a half-written address.
func writeFileAtomic(path, content string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".addr-*")
	if err != nil {
		return err
	}
	_, werr := tmp.WriteString(content)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		return errors.Join(err, os.Remove(tmp.Name()))
	}
	return os.Rename(tmp.Name(), path)
}

// slogWriter sends net/http's own error log lines to slog.
type slogWriter struct{ logger *slog.Logger }

func (w slogWriter) Write(p []byte) (int, error) {
	w.logger.Warn("http server", "message", string(p))
	return len(p), nil
}
