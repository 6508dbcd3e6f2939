package journal

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

func entry(attempt, key string, at time.Time) wire.JournalEntry {
	return wire.JournalEntry{Attempt: attempt, Key: key, StartedAt: at.UTC().Format(time.RFC3339Nano)}
}

const (
	attemptA = "00000000-0000-4000-8000-00000000000a"
	attemptB = "00000000-0000-4000-8000-00000000000b"
	attemptC = "00000000-0000-4000-8000-00000000000c"
)

func TestDirBeginFinishLookupRemove(t *testing.T) {
	d := NewDir(filepath.Join(t.TempDir(), "journal"))
	ctx := t.Context()
	if got, err := d.Lookup(ctx, []string{"k"}); err != nil || len(got) != 0 {
		t.Fatalf("lookup before any entry: %v, %v", got, err)
	}
	now := time.Now()
	a, b, c := entry(attemptA, "k", now), entry(attemptB, "k", now.Add(time.Millisecond)), entry(attemptC, "other", now)
	for _, e := range []wire.JournalEntry{b, a, c} {
		if err := d.Begin(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	a.Answered, a.Status, a.MessageID = true, "sent", "msg-1"
	if err := d.Finish(ctx, a); err != nil {
		t.Fatal(err)
	}
	got, err := d.Lookup(ctx, []string{"k"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != a || got[1] != b {
		t.Fatalf("lookup = %+v, want a (answered) then b, oldest first", got)
	}
	if err := d.Remove(ctx, []string{attemptA, "../../etc/passwd", "00000000-0000-4000-8000-0000000000ff"}); err != nil {
		t.Fatal(err)
	}
	got, err = d.Lookup(ctx, []string{"k", "other"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("after removing a: %+v, want b and c", got)
	}
	info, err := os.Stat(d.Path())
	if err != nil || info.Mode().Perm() != 0o700 {
		t.Fatalf("journal folder: %v, mode %v; want private", err, info.Mode().Perm())
	}
}

// A write cut short by a kill leaves a temporary file, never a half entry;
// old leftovers and expired entries are deleted by a lookup; a damaged
// entry stops every lookup, so nothing is sent on a guess.
func TestDirLeftoversExpiryAndDamage(t *testing.T) {
	dir := t.TempDir()
	d := NewDir(dir)
	ctx := t.Context()
	leftover := filepath.Join(dir, "."+attemptA+".123.tmp")
	if err := os.WriteFile(leftover, []byte(`{"attempt":`), 0o600); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(leftover, old, old); err != nil {
		t.Fatal(err)
	}
	if err := d.Begin(ctx, entry(attemptB, "k", time.Now().Add(-Retention-time.Hour))); err != nil {
		t.Fatal(err)
	}
	if got, err := d.Lookup(ctx, []string{"k"}); err != nil || len(got) != 0 {
		t.Fatalf("lookup = %+v, %v; want nothing (the entry expired)", got, err)
	}
	for _, name := range []string{leftover, filepath.Join(dir, attemptB+".json")} {
		if _, err := os.Stat(name); !os.IsNotExist(err) {
			t.Errorf("%s is still there (%v)", name, err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, attemptC+".json"), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Lookup(ctx, []string{"k"}); err == nil || !strings.Contains(err.Error(), attemptC) {
		t.Fatalf("lookup with a damaged entry: %v, want an error naming it", err)
	}
}

func TestDirRefusesAnAttemptThatIsNotAUUID(t *testing.T) {
	d := NewDir(t.TempDir())
	if err := d.Begin(t.Context(), entry("../escape", "k", time.Now())); err == nil {
		t.Fatal("Begin accepted an attempt id that is not a UUID")
	}
}

// A journal folder that cannot exist (its path goes through a plain file,
// as with a HOME that is a file) holds no entry, so Lookup, which plans
// use, reads nothing; Begin, which comes before every send, fails.
func TestDirUnderAPlainFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "plain")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	d := NewDir(filepath.Join(file, "journal"))
	if got, err := d.Lookup(t.Context(), []string{"k"}); err != nil || len(got) != 0 {
		t.Fatalf("Lookup = %v, %v; want nothing and no error", got, err)
	}
	if err := d.Begin(t.Context(), entry(attemptA, "k", time.Now())); err == nil {
		t.Fatal("Begin under a plain file succeeded")
	}
}
