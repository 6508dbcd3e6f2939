package store

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/interakt-community/terraform-provider-interakt/internal/receiver/event"
)

// BenchmarkApply commits batches of new events; one op is one batch.
func BenchmarkApply(b *testing.B) {
	for _, size := range []int{1, 32, 256} {
		b.Run(fmt.Sprintf("sqlite/batch-%d", size), func(b *testing.B) {
			s, err := Open(b.Context(), "sqlite://"+filepath.Join(b.TempDir(), "bench.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer func() { _ = s.Close() }()
			events := make([]event.Event, size)
			b.ResetTimer()
			for b.Loop() {
				now := time.Now()
				for i := range events {
					events[i] = event.Event{MessageID: uuid.NewString(), Type: "message_api_read", Status: event.StatusRead,
						ReadAt: now, SentAt: now, CallbackData: "bench", ReceivedAt: now}
				}
				if _, err := s.Apply(b.Context(), events); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*size)/b.Elapsed().Seconds(), "events/s")
		})
	}
}
