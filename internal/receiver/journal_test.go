package receiver

import (
	"net/http"
	"testing"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/client"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

func journalEntry(attempt, key string, at time.Time) wire.JournalEntry {
	return wire.JournalEntry{Attempt: attempt, Key: key, StartedAt: at.UTC().Format(time.RFC3339Nano)}
}

// The provider's journal client against the receiver: begin, finish,
// lookup by key, an answer never lost to a late begin, removal, and the
// status token required.
func TestJournalThroughTheClient(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		r := startReceiver(t, Config{DB: dsn})
		j := client.NewJournalClient(r.http.URL, testToken, r.client, nil)
		ctx := t.Context()
		now := time.Now()
		a := journalEntry("00000000-0000-4000-8000-00000000000a", "k1", now)
		b := journalEntry("00000000-0000-4000-8000-00000000000b", "k1", now.Add(time.Second))
		c := journalEntry("00000000-0000-4000-8000-00000000000c", "k2", now)
		for _, e := range []wire.JournalEntry{a, b, c} {
			if err := j.Begin(ctx, e); err != nil {
				t.Fatalf("begin %s: %v", e.Attempt, err)
			}
		}
		answered := a
		answered.Answered, answered.Status, answered.MessageID = true, "sent", "msg-1"
		if err := j.Finish(ctx, answered); err != nil {
			t.Fatal(err)
		}
		// A begin retried after the finish keeps the answer.
		if err := j.Begin(ctx, a); err != nil {
			t.Fatal(err)
		}
		got, err := j.Lookup(ctx, []string{"k1"})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0] != answered || got[1] != b {
			t.Fatalf("lookup k1 = %+v, want the answered a, then b", got)
		}
		if err := j.Remove(ctx, []string{a.Attempt, "00000000-0000-4000-8000-0000000000ff"}); err != nil {
			t.Fatal(err)
		}
		got, err = j.Lookup(ctx, []string{"k1", "k2", "k3"})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0] != c && got[1] != c {
			t.Fatalf("lookup after removal = %+v, want b and c", got)
		}

		wrong := client.NewJournalClient(r.http.URL, "wrong-token", r.client, nil)
		_, err = wrong.Lookup(ctx, []string{"k1"})
		if apiErr, ok := err.(*client.Error); !ok || apiErr.StatusCode != http.StatusUnauthorized {
			t.Fatalf("lookup with a wrong token: %v, want 401", err)
		}
		if err := wrong.Begin(ctx, journalEntry("00000000-0000-4000-8000-0000000000d0", "k9", now)); err == nil {
			t.Fatal("begin with a wrong token succeeded")
		}
		if got, _ := j.Lookup(ctx, []string{"k9"}); len(got) != 0 {
			t.Fatalf("an entry sent with a wrong token was stored: %+v", got)
		}
	})
}

// Entries older than the journal's retention are purged whatever the
// messages' retention.
func TestJournalPurgedAfterItsRetention(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		r := startReceiver(t, Config{DB: dsn})
		j := client.NewJournalClient(r.http.URL, testToken, r.client, nil)
		ctx := t.Context()
		old := journalEntry("00000000-0000-4000-8000-000000000001", "k", time.Now().Add(-wire.JournalRetention-time.Hour))
		fresh := journalEntry("00000000-0000-4000-8000-000000000002", "k", time.Now())
		for _, e := range []wire.JournalEntry{old, fresh} {
			if err := j.Begin(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		r.srv.purge(ctx)
		got, err := j.Lookup(ctx, []string{"k"})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0] != fresh {
			t.Fatalf("after the purge: %+v, want only the fresh entry", got)
		}
	})
}
