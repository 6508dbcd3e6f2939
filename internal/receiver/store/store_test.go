package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/pgtest"
	"github.com/interakt-community/terraform-provider-interakt/internal/receiver/event"
)

func TestMain(m *testing.M) { os.Exit(pgtest.RunTests(m)) }

// backend opens a fresh, empty store of one kind; reopen opens a second
// handle on the same database.
type backend struct {
	name string
	dsn  func(t *testing.T) string
}

var backends = []backend{
	{"sqlite", func(t *testing.T) string { return "sqlite://" + filepath.Join(t.TempDir(), "status.db") }},
	{"postgres", func(t *testing.T) string { return pgtest.NewDatabase(t) }},
}

// eachBackend runs test once per backend, each time on a new database.
func eachBackend(t *testing.T, test func(t *testing.T, dsn string)) {
	t.Helper()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { test(t, b.dsn(t)) })
	}
}

func open(t *testing.T, dsn string) Store {
	t.Helper()
	s, err := Open(t.Context(), dsn)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

var t0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

func at(minutes int) time.Time { return t0.Add(time.Duration(minutes) * time.Minute) }

// sent is a sent event at minute 1.
func sent(id string) event.Event {
	return event.Event{MessageID: id, Type: "message_api_sent", Status: event.StatusSent, SentAt: at(1),
		CallbackData: "cb-" + id, ReceivedAt: at(1)}
}

func delivered(id string, minute int) event.Event {
	return event.Event{MessageID: id, Type: "message_api_delivered", Status: event.StatusDelivered, DeliveredAt: at(minute),
		ReceivedAt: at(minute)}
}

func read(id string, minute int) event.Event {
	return event.Event{MessageID: id, Type: "message_api_read", Status: event.StatusRead, ReadAt: at(minute),
		ReceivedAt: at(minute)}
}

func failed(id string, minute int) event.Event {
	return event.Event{MessageID: id, Type: "message_api_failed", Status: event.StatusFailed, FailedAt: at(minute),
		FailureReason: "number not on WhatsApp", ErrorCode: "131026", ReceivedAt: at(minute)}
}

func apply(t *testing.T, s Store, events ...event.Event) []Outcome {
	t.Helper()
	out, err := s.Apply(t.Context(), events)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if len(out) != len(events) {
		t.Fatalf("Apply returned %d outcomes for %d events", len(out), len(events))
	}
	return out
}

func message(t *testing.T, s Store, id string) Message {
	t.Helper()
	m, err := s.Message(t.Context(), id)
	if err != nil {
		t.Fatalf("Message(%q): %v", id, err)
	}
	return m
}

func TestApplyStoresAnEventOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s := open(t, dsn)
		ev := delivered("m1", 2)
		got := apply(t, s, ev, ev, ev)
		want := []Outcome{Stored, Duplicate, Duplicate}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("outcomes in one batch = %v, want %v", got, want)
			}
		}
		if again := apply(t, s, ev); again[0] != Duplicate {
			t.Fatalf("outcome in a later batch = %v, want Duplicate", again[0])
		}
		m := message(t, s, "m1")
		if m.Status != event.StatusDelivered || !m.DeliveredAt.Equal(at(2)) {
			t.Fatalf("message = %+v, want delivered at %v", m, at(2))
		}
	})
}

func TestReadBeforeDeliveredKeepsReadAndBothTimes(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s := open(t, dsn)
		apply(t, s, read("m1", 5))
		apply(t, s, delivered("m1", 3))
		apply(t, s, sent("m1"))
		m := message(t, s, "m1")
		if m.Status != event.StatusRead {
			t.Fatalf("status = %v, want read", m.Status)
		}
		if !m.SentAt.Equal(at(1)) || !m.DeliveredAt.Equal(at(3)) || !m.ReadAt.Equal(at(5)) {
			t.Fatalf("times = sent %v delivered %v read %v", m.SentAt, m.DeliveredAt, m.ReadAt)
		}
		if m.CallbackData != "cb-m1" {
			t.Fatalf("callback data = %q, want cb-m1", m.CallbackData)
		}
		if !m.UpdatedAt.Equal(at(5)) {
			t.Fatalf("updated_at = %v, want the latest event's %v", m.UpdatedAt, at(5))
		}
	})
}

func TestFailedIsTerminal(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s := open(t, dsn)
		apply(t, s, sent("a"), failed("a", 2), delivered("a", 3), read("a", 4))
		apply(t, s, read("b", 4), failed("b", 5))
		for _, id := range []string{"a", "b"} {
			m := message(t, s, id)
			if m.Status != event.StatusFailed {
				t.Fatalf("%s: status = %v, want failed", id, m.Status)
			}
			if m.FailureReason != "number not on WhatsApp" || m.ErrorCode != "131026" {
				t.Fatalf("%s: failure = %q/%q", id, m.FailureReason, m.ErrorCode)
			}
			if !m.FailedAt.Equal(at(map[string]int{"a": 2, "b": 5}[id])) {
				t.Fatalf("%s: failed_at = %v", id, m.FailedAt)
			}
		}
	})
}

func TestEarliestTimeWinsWhateverTheOrder(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s := open(t, dsn)
		late := delivered("m", 9)
		early := event.Event{MessageID: "m", Type: "message_api_read", Status: event.StatusRead,
			DeliveredAt: at(4), ReadAt: at(6), ReceivedAt: at(6)}
		apply(t, s, late, early)
		m := message(t, s, "m")
		if !m.DeliveredAt.Equal(at(4)) {
			t.Fatalf("delivered_at = %v, want the earliest report %v", m.DeliveredAt, at(4))
		}
	})
}

func TestMessageNotFound(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s := open(t, dsn)
		if _, err := s.Message(t.Context(), "nope"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Message of an unseen id: err = %v, want ErrNotFound", err)
		}
		m := Message{}
		if m.Status.Valid() {
			t.Fatalf("zero status is valid")
		}
	})
}

func TestUnknownFieldsStayEmpty(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s := open(t, dsn)
		apply(t, s, delivered("m", 1))
		m := message(t, s, "m")
		if !m.SentAt.IsZero() || !m.ReadAt.IsZero() || !m.FailedAt.IsZero() ||
			m.FailureReason != "" || m.ErrorCode != "" || m.CallbackData != "" {
			t.Fatalf("unknown fields set: %+v", m)
		}
	})
}

func TestPurgeDeletesOnlyOldData(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s := open(t, dsn)
		apply(t, s, sent("old"), delivered("old", 2), sent("new"), read("new", 50))
		n, err := s.Purge(t.Context(), at(10))
		if err != nil {
			t.Fatalf("Purge: %v", err)
		}
		if n != 1 {
			t.Fatalf("Purge deleted %d messages, want 1", n)
		}
		if _, err := s.Message(t.Context(), "old"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("purged message still there: %v", err)
		}
		if m := message(t, s, "new"); m.Status != event.StatusRead || !m.SentAt.Equal(at(1)) {
			t.Fatalf("recent message damaged by purge: %+v", m)
		}
		// The purged events are gone too: the same event is new again.
		if out := apply(t, s, delivered("old", 2)); out[0] != Stored {
			t.Fatalf("event of a purged message: %v, want Stored", out[0])
		}
	})
}

// Dead letters are kept for the retention, like messages.
func TestPurgeDeletesOldDeadLetters(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s := open(t, dsn)
		for _, d := range []DeadLetter{{ReceivedAt: at(1), Reason: "old", Body: []byte("{")}, {ReceivedAt: at(20), Reason: "new", Body: []byte("[")}} {
			if err := s.AddDeadLetter(t.Context(), d); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.Purge(t.Context(), at(10)); err != nil {
			t.Fatal(err)
		}
		letters, err := s.DeadLetters(t.Context(), 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(letters) != 1 || letters[0].Reason != "new" || string(letters[0].Body) != "[" || !letters[0].ReceivedAt.Equal(at(20)) {
			t.Fatalf("dead letters after the purge: %+v, want only the new one", letters)
		}
	})
}

func TestPurgeDeletesMoreThanOneChunk(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s := open(t, dsn)
		n := purgeChunk + 10
		if raceEnabled {
			n = purgeChunk + 1
		}
		events := make([]event.Event, n)
		for i := range events {
			events[i] = sent(fmt.Sprintf("m%05d", i))
		}
		apply(t, s, events...)
		got, err := s.Purge(t.Context(), at(2))
		if err != nil {
			t.Fatalf("Purge: %v", err)
		}
		if got != int64(n) {
			t.Fatalf("Purge deleted %d, want %d", got, n)
		}
	})
}

func TestReopenKeepsDataAndSchema(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		first, err := Open(t.Context(), dsn)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		apply(t, first, read("m", 3))
		if err := first.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		second := open(t, dsn)
		if m := message(t, second, "m"); m.Status != event.StatusRead {
			t.Fatalf("after reopen: %+v", m)
		}
		if err := second.Ping(t.Context()); err != nil {
			t.Fatalf("Ping: %v", err)
		}
	})
}

// TestConcurrentWritersEndMonotonic has two handles (two connection
// pools) apply the same conflicting events in opposite orders at once.
func TestConcurrentWritersEndMonotonic(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		a, b := open(t, dsn), open(t, dsn)
		ids := 200
		if raceEnabled {
			ids = 20
		}
		var forward, backward []event.Event
		for i := range ids {
			id := fmt.Sprintf("m%03d", i)
			evs := []event.Event{sent(id), delivered(id, 2), read(id, 3)}
			if i%4 == 0 {
				evs = append(evs, failed(id, 4))
			}
			forward = append(forward, evs...)
			for j := len(evs) - 1; j >= 0; j-- {
				backward = append(backward, evs[j])
			}
		}
		var wg sync.WaitGroup
		errs := make(chan error, 2*len(forward))
		run := func(s Store, events []event.Event) {
			defer wg.Done()
			for start := 0; start < len(events); start += 16 {
				end := min(start+16, len(events))
				if _, err := s.Apply(context.Background(), events[start:end]); err != nil {
					errs <- err
				}
			}
		}
		wg.Add(2)
		go run(a, forward)
		go run(b, backward)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("Apply: %v", err)
		}
		for i := range ids {
			id := fmt.Sprintf("m%03d", i)
			m := message(t, a, id)
			want := event.StatusRead
			if i%4 == 0 {
				want = event.StatusFailed
			}
			if m.Status != want || m.SentAt.IsZero() || m.DeliveredAt.IsZero() || m.ReadAt.IsZero() {
				t.Fatalf("%s = %+v, want %v with every time set", id, m, want)
			}
		}
	})
}

func TestOpenRejectsUnknownScheme(t *testing.T) {
	for _, dsn := range []string{"", "mysql://x", "sqlite:relative.db", "sqlite://"} {
		if s, err := Open(t.Context(), dsn); err == nil {
			_ = s.Close()
			t.Fatalf("Open(%q) succeeded", dsn)
		}
	}
	if got := Backend("postgresql://u:secret@h/db"); got != "postgres" {
		t.Fatalf("Backend = %q", got)
	}
}

func TestOpenErrorHidesPassword(t *testing.T) {
	_, err := Open(t.Context(), "postgres://user:hunter2@[bad")
	if err == nil {
		t.Fatalf("Open of a malformed URL succeeded")
	}
	if s := err.Error(); strings.Contains(s, "hunter2") {
		t.Fatalf("error shows the password: %s", s)
	}
}

func TestApplyRefusesEventsItCannotKey(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s := open(t, dsn)
		for _, ev := range []event.Event{{MessageID: "", Status: event.StatusSent}, {MessageID: "m", Status: 0}, {MessageID: "m", Status: 9}} {
			if _, err := s.Apply(t.Context(), []event.Event{sent("ok"), ev}); err == nil {
				t.Fatalf("Apply accepted %+v", ev)
			}
		}
		if _, err := s.Message(t.Context(), "ok"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("a refused batch was partly stored: %v", err)
		}
	})
}

func TestEachStatusOfAMessageIsItsOwnEvent(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s := open(t, dsn)
		got := apply(t, s, sent("m"), delivered("m", 2), sent("m"), read("m", 3), failed("m", 4), delivered("m", 2))
		want := []Outcome{Stored, Stored, Duplicate, Stored, Stored, Duplicate}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("outcomes = %v, want %v", got, want)
			}
		}
	})
}

func TestSQLiteFileIsPrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "status.db")
	s := open(t, "sqlite://"+path)
	apply(t, s, sent("m"))
	for _, p := range []string{path, path + "-wal"} {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if perm := info.Mode().Perm(); perm&0o077 != 0 {
			t.Fatalf("%s has mode %v, want no access for group and others", filepath.Base(p), perm)
		}
	}
}

// FindMessages with FirstSeen reads the window on the receiver's clock:
// a message first seen before From is not found, however late Interakt
// timed its send, and one first seen after From is, however early.
func TestFindMessagesByFirstSeen(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s := open(t, dsn)
		sentTo := func(id string, sentMinute, seenMinute int) event.Event {
			return event.Event{MessageID: id, Type: "message_campaign_sent", Status: event.StatusSent, SentAt: at(sentMinute),
				ReceivedAt: at(seenMinute), Phone: "919812345678", TemplateName: "order_shipped", TemplateLanguage: "en"}
		}
		// "earlier" was seen at minute 1 but Interakt (a clock ahead)
		// timed it at minute 12; "later" was seen at minute 11 and timed
		// at minute 8 (a clock behind).
		apply(t, s, sentTo("earlier", 12, 1), sentTo("later", 8, 11))
		find := func(firstSeen bool) []string {
			t.Helper()
			found, err := s.FindMessages(t.Context(), MessageQuery{Phone: "919812345678", TemplateName: "order_shipped",
				From: at(10), To: at(60), FirstSeen: firstSeen}, 10)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, m := range found {
				ids = append(ids, m.ID)
			}
			return ids
		}
		if got := strings.Join(find(true), ","); got != "later" {
			t.Errorf("first seen since minute 10 = %q, want later", got)
		}
		if got := strings.Join(find(false), ","); got != "earlier" {
			t.Errorf("sent since minute 10 = %q, want earlier", got)
		}
	})
}

// FindMessages answers the latest match first, whoever sent it, and a
// campaign's message keeps its campaign id.
func TestFindMessagesLatestFirstWithCampaignID(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s := open(t, dsn)
		sentTo := func(id string, minute int, campaign string) event.Event {
			typ := "message_api_sent"
			if campaign != "" {
				typ = "message_campaign_sent"
			}
			return event.Event{MessageID: id, Type: typ, Status: event.StatusSent, SentAt: at(minute), ReceivedAt: at(minute),
				Phone: "919812345678", TemplateName: "order_shipped", TemplateLanguage: "en", CampaignID: campaign}
		}
		apply(t, s, sentTo("old", 1, "camp-1"), sentTo("api", 3, ""), sentTo("new", 5, "camp-1"))
		// A later delivered event without the campaign id keeps it.
		apply(t, s, event.Event{MessageID: "new", Type: "message_campaign_delivered", Status: event.StatusDelivered,
			DeliveredAt: at(6), ReceivedAt: at(6)})
		found, err := s.FindMessages(t.Context(), MessageQuery{Phone: "919812345678", TemplateName: "order_shipped",
			From: at(2), To: at(60)}, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(found) != 1 || found[0].ID != "new" || found[0].CampaignID != "camp-1" || found[0].Status != event.StatusDelivered {
			t.Fatalf("latest = %+v, want the campaign's delivered message new", found)
		}
		all, err := s.FindMessages(t.Context(), MessageQuery{Phone: "919812345678", TemplateName: "order_shipped",
			From: at(0), To: at(60)}, 10)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, m := range all {
			ids = append(ids, m.ID)
		}
		if strings.Join(ids, ",") != "new,api,old" {
			t.Fatalf("matches = %v, want latest first: new,api,old", ids)
		}
		if m := message(t, s, "api"); m.CampaignID != "" {
			t.Fatalf("an API message has campaign id %q", m.CampaignID)
		}
	})
}
