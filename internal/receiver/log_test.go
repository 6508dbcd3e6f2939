package receiver

import (
	"bytes"
	"io"
	"log/slog"
	"strings"
	"sync"
)

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// logBuffer collects log output safely from several goroutines.
type logBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	waiters map[string]chan struct{}
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n, err := b.buf.Write(p)
	for sub, ch := range b.waiters {
		if strings.Contains(b.buf.String(), sub) {
			close(ch)
			delete(b.waiters, sub)
		}
	}
	return n, err
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// logged returns a channel closed once the log contains sub.
func (b *logBuffer) logged(sub string) <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	ch := make(chan struct{})
	if strings.Contains(b.buf.String(), sub) {
		close(ch)
		return ch
	}
	if b.waiters == nil {
		b.waiters = map[string]chan struct{}{}
	}
	b.waiters[sub] = ch
	return ch
}

func (b *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
