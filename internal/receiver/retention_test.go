package receiver

import (
	"net/http"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

func TestRetentionPurgesPeriodically(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		mem := newMemStore()
		retention := 48 * time.Hour
		srv, err := New(t.Context(), Config{Store: mem, WebhookSecrets: []string{testSecret},
			StatusTokens: []string{testToken}, Retention: retention, Logger: discardLogger()})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		synctest.Wait()
		time.Sleep(2 * purgeInterval(retention))
		synctest.Wait()
		if err := srv.Close(); err != nil {
			t.Fatal(err)
		}
		mem.mu.Lock()
		defer mem.mu.Unlock()
		want := []time.Time{
			start.Add(-retention),
			start.Add(purgeInterval(retention) - retention),
			start.Add(2*purgeInterval(retention) - retention),
		}
		if len(mem.purges) != len(want) {
			t.Fatalf("purges = %v, want %v", mem.purges, want)
		}
		for i := range want {
			if !mem.purges[i].Equal(want[i]) {
				t.Fatalf("purge %d cutoff = %v, want %v", i, mem.purges[i], want[i])
			}
		}
	})
}

func TestPurgeIntervalBounds(t *testing.T) {
	for retention, want := range map[time.Duration]time.Duration{
		time.Second:     time.Minute,
		12 * time.Hour:  30 * time.Minute,
		720 * time.Hour: time.Hour,
	} {
		if got := purgeInterval(retention); got != want {
			t.Fatalf("purgeInterval(%v) = %v, want %v", retention, got, want)
		}
	}
}

// TestRetentionPurgeDeletesOldMessages runs the purge on the real stores:
// a message with no event within the retention is gone, a recent one is
// kept.
func TestRetentionPurgeDeletesOldMessages(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		var now atomic.Int64
		day0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		now.Store(day0.UnixNano())
		r := startReceiver(t, Config{DB: dsn, Retention: 30 * 24 * time.Hour,
			Now: func() time.Time { return time.Unix(0, now.Load()).UTC() }})
		r.post(t, testSecret, sentEvent("old").body())
		r.post(t, testSecret, sentEvent("kept").body())
		now.Store(day0.Add(20 * 24 * time.Hour).UnixNano())
		r.post(t, testSecret, readEvent("kept").body())
		now.Store(day0.Add(31 * 24 * time.Hour).UnixNano())

		r.srv.purge(t.Context())

		if code, _ := r.status(t, testToken, "old"); code != http.StatusNotFound {
			t.Fatalf("message older than the retention: %d, want 404", code)
		}
		if st := r.mustStatus(t, "kept"); st.Status != "read" || st.SentAt == nil {
			t.Fatalf("recent message: %+v", st)
		}
		if got := counterValue(t, r.srv.metrics.purged); got != 1 {
			t.Fatalf("purged metric = %v, want 1", got)
		}
	})
}
