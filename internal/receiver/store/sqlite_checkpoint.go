package store

import (
	"context"
	"time"
)

// SQLite copies the WAL back into the database file at checkpoints. Left
// to itself it checkpoints every 1000 pages, inside whichever commit
// crosses that size, and that commit then also pays for writing and
// syncing the database file: a latency spike for every webhook in its
// batch. So the automatic checkpoint is pushed out to a safety limit and a
// background goroutine runs PASSIVE checkpoints, which never block the
// writer or the readers, outside the commit path.
const (
	// sqliteAutoCheckpointPages is the safety limit (64 MiB of 4 KiB pages)
	// in case the background checkpoints fall behind.
	sqliteAutoCheckpointPages = 16384
	// sqliteCheckpointEvery is how often the background checkpoint runs.
	sqliteCheckpointEvery = time.Second
)

// checkpointLoop runs PASSIVE checkpoints until ctx ends. A failed
// checkpoint is not an error: the next one, or the automatic one, catches
// up.
func (s *sqliteStore) checkpointLoop(ctx context.Context, done chan<- struct{}) {
	defer close(done)
	ticker := time.NewTicker(sqliteCheckpointEvery)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			_, _ = s.db.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)")
		}
	}
}
