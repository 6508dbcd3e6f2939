package receiver

import (
	"context"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// purgeInterval is how often the retention purge runs: a 24th of the
// retention, between a minute and an hour.
func purgeInterval(retention time.Duration) time.Duration {
	return min(max(retention/24, time.Minute), time.Hour)
}

// startRetention starts the periodic purge: of messages when a retention
// is set, and always of send journal entries older than theirs.
func (s *Server) startRetention() {
	ctx, cancel := context.WithCancel(context.Background())
	s.stopRetention = cancel
	s.retentionDone = make(chan struct{})
	interval := time.Hour
	if s.cfg.Retention > 0 {
		interval = purgeInterval(s.cfg.Retention)
	}
	go func() {
		defer close(s.retentionDone)
		ticker := time.NewTicker(interval)
		defer ticker.Stop()
		for {
			s.purge(ctx)
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
			}
		}
	}()
}

// purge deletes what is older than the retention.
func (s *Server) purge(ctx context.Context) {
	if n, err := s.store.PurgeJournal(ctx, s.cfg.Now().Add(-wire.JournalRetention)); err != nil && ctx.Err() == nil {
		s.logger.Error("send journal purge failed", "error", err)
	} else if n > 0 {
		s.logger.Info("send journal purge", "entries_deleted", n)
	}
	if s.cfg.Retention <= 0 {
		return
	}
	cutoff := s.cfg.Now().Add(-s.cfg.Retention)
	n, err := s.store.Purge(ctx, cutoff)
	if n > 0 {
		s.metrics.purged.Add(float64(n))
		s.logger.Info("retention purge", "messages_deleted", n, "cutoff", cutoff.UTC().Format(time.RFC3339))
	}
	if err != nil && ctx.Err() == nil {
		s.logger.Error("retention purge failed", "error", err)
	}
}
