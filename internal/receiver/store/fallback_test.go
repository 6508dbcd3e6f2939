package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestUndeliveredScanReadsThePendingIndex keeps the undelivered scan
// cheap: SQLite must search the partial index of the messages still only
// sent, not scan (or index anew) every message.
func TestUndeliveredScanReadsThePendingIndex(t *testing.T) {
	t.Parallel()
	s, err := OpenSQLite(context.Background(), t.TempDir()+"/plan.db")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	now := time.Now().UnixMicro()
	sqlite, ok := s.(*sqliteStore)
	if !ok {
		t.Fatalf("OpenSQLite returned a %T", s)
	}
	rows, err := sqlite.db.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+sqliteHandOffUndelivered,
		now, "rule", false, now-1000, now)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if !strings.Contains(strings.Join(plan, "\n"), "SEARCH m USING INDEX messages_pending") {
		t.Errorf("the undelivered scan does not search messages_pending:\n%s", strings.Join(plan, "\n"))
	}
}

// TestHandoffLifecycle walks a rule's hand-offs through the store: the
// outbox row of a failure, the undelivered scan, the first reason winning,
// claims and their leases, outcomes, the purge and the rule's removal.
func TestHandoffLifecycle(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, dsn string) {
		t.Parallel()
		s := open(t, dsn)
		ctx := t.Context()
		rule := Fallback{Name: "r", URL: "https://fallback.example/h", Secret: "s3cret", OnFailed: true, OnUndelivered: true,
			UndeliveredAfter: 5 * time.Minute}
		if _, err := s.PutFallback(ctx, rule, at(0)); err != nil {
			t.Fatal(err)
		}
		apply(t, s, sent("a"), sent("b"), failed("c", 2))
		apply(t, s, failed("c", 2)) // a duplicate hands nothing off again
		scan := func(now time.Time, want int) {
			t.Helper()
			if n, err := s.HandOffUndelivered(ctx, now); err != nil || n != want {
				t.Fatalf("undelivered scan at %s: %d %v, want %d", now.Format(time.TimeOnly), n, err, want)
			}
		}
		scan(at(3), 0) // a and b are first seen at minute 1: due at 6
		apply(t, s, delivered("b", 4))
		scan(at(7), 1) // a only
		scan(at(8), 0)
		apply(t, s, failed("a", 8)) // a was handed off as undelivered: the first reason wins
		reasons := func() map[string]string {
			hs, err := s.Handoffs(ctx, "r", 0)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]string{}
			for _, h := range hs {
				out[h.MessageID] = h.Reason
			}
			return out
		}
		if got := reasons(); len(got) != 2 || got["a"] != ReasonUndelivered || got["c"] != ReasonFailed {
			t.Fatalf("hand-offs %v, want a undelivered and c failed", got)
		}

		claimed, err := s.ClaimHandoffs(ctx, "o1", at(8), at(9), 10)
		if err != nil || len(claimed) != 2 {
			t.Fatalf("claim: %d %v, want 2", len(claimed), err)
		}
		if again, err := s.ClaimHandoffs(ctx, "o2", at(8), at(9), 10); err != nil || len(again) != 0 {
			t.Fatalf("claim of leased hand-offs: %d %v, want none", len(again), err)
		}
		var tries []Tried
		for _, d := range claimed {
			if d.URL != rule.URL || d.Secret != rule.Secret || d.Message.ID != d.MessageID {
				t.Errorf("claimed %+v: want the rule's URL and secret and the message", d)
			}
			f := Finish{State: HandoffDelivered, At: at(8)}
			if d.MessageID == "a" {
				f = Finish{State: HandoffPending, At: at(8), NextAttemptAt: at(9), LastError: "answered HTTP 503"}
			}
			tries = append(tries, Tried{Delivery: d, Finish: f})
		}
		stale := tries[0]
		stale.Delivery.LeasedUntil = at(20)
		if recorded, err := s.FinishHandoffs(ctx, []Tried{stale}); err != nil || recorded[0] {
			t.Fatalf("an outcome under another lease was recorded (%v)", err)
		}
		if recorded, err := s.FinishHandoffs(ctx, tries); err != nil || !recorded[0] || !recorded[1] {
			t.Fatalf("outcomes: %v %v", recorded, err)
		}
		if n, err := s.PendingHandoffs(ctx); err != nil || n != 1 {
			t.Fatalf("pending: %d %v, want 1", n, err)
		}
		if retry, err := s.ClaimHandoffs(ctx, "o2", at(10), at(11), 10); err != nil || len(retry) != 1 || retry[0].MessageID != "a" || retry[0].Attempts != 1 {
			t.Fatalf("claim of the retry: %+v %v", retry, err)
		}

		if _, err := s.Purge(ctx, at(100)); err != nil {
			t.Fatal(err)
		}
		if got := reasons(); len(got) != 1 || got["a"] != ReasonUndelivered {
			t.Fatalf("after the purge: %v, want only the pending hand-off of a", got)
		}
		if dropped, err := s.RemoveFallback(ctx, "r"); err != nil || dropped != 1 {
			t.Fatalf("remove: %d %v, want 1 dropped", dropped, err)
		}
		if _, err := s.Fallback(ctx, "r"); !errors.Is(err, ErrNoRule) {
			t.Fatalf("rule after removal: %v", err)
		}
	})
}
