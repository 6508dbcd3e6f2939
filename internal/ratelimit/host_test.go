package ratelimit

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gofrs/flock"
)

func TestHostClockNamesTheBoot(t *testing.T) {
	t.Parallel()
	name := HostClock()
	want := "host-"
	if runtime.GOOS == "linux" {
		if _, err := os.Stat("/proc/sys/kernel/random/boot_id"); err == nil {
			want = "boot-"
		}
	}
	if !strings.HasPrefix(name, want) || safeName(name, 100) != name || name != HostClock() {
		t.Errorf("HostClock() = %q, want a stable file-safe name starting %q", name, want)
	}
	if got := safeName("ci/runner 7:x", 64); got != "ci_runner_7_x" {
		t.Errorf("safeName = %q", got)
	}
}

// TestFileBudgetHostsKeepFilesApart puts two machines' budgets of one key
// in one folder (an NFS home), the second machine's boot clock ten hours
// ahead of the first's. Each keeps a file of its own: the first machine's
// spent window stays spent, where reading the second's stamps from a
// common file would have looked like a restart and freed it.
func TestFileBudgetHostsKeepFilesApart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const limit, window = 2, 5 * time.Second
	ahead := func() (int64, error) {
		now, err := bootClock()
		return now + int64(10*time.Hour), err
	}
	open := func(host string, clock func() (int64, error)) *FileBudget {
		t.Helper()
		b, err := openFile(t.Context(), dir, KeyID("key", "http://api"), host, clock, limit, window, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	first, second := open("boot-a", bootClock), open("boot-b", ahead)
	if first.Path() == second.Path() || filepath.Dir(first.Path()) != filepath.Dir(second.Path()) {
		t.Fatalf("two machines' budgets in one folder share %s and %s", first.Path(), second.Path())
	}
	take := func(b *FileBudget, n int) {
		t.Helper()
		for range n {
			s, err := b.Acquire(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			s.Release()
		}
	}
	take(first, limit)
	take(second, limit)
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	if s, err := first.Acquire(ctx); err == nil {
		s.Release()
		t.Fatal("the first machine's spent window was freed by the second machine's use of the folder")
	}
	l, err := first.Ledger()
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Released) != limit {
		t.Errorf("the first machine's ledger holds %d stamps, want its own %d", len(l.Released), limit)
	}
}

// TestFileBudgetLockWaitEndsWithContext holds the budget's file lock as
// a hung process would, and checks that a request waiting for it ends
// when its context does (Ctrl-C), reserving nothing.
func TestFileBudgetLockWaitEndsWithContext(t *testing.T) {
	t.Parallel()
	b := mustOpenFile(t, t.TempDir(), 5, time.Second, time.Minute)
	other := flock.New(b.Path() + ".lock")
	if err := other.Lock(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		s, err := b.Acquire(ctx)
		if err == nil {
			s.Release()
		}
		done <- err
	}()
	time.Sleep(100 * time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("Acquire returned %v while another process held the file lock", err)
	default:
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Acquire after cancel = %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Acquire did not end with its context while waiting for the file lock")
	}
	if err := other.Unlock(); err != nil {
		t.Fatal(err)
	}
	if l, err := b.Ledger(); err != nil || len(l.Held) != 0 {
		t.Errorf("ledger after a canceled wait = %+v, %v; want nothing held", l, err)
	}
}

// A folder that cannot hold the file is known when the budget is opened.
func TestOpenFileUnusableFolder(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "plain")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenFile(t.Context(), filepath.Join(file, "interakt"), KeyID("key", "http://api"), 5, time.Second, time.Minute); err == nil {
		t.Fatal("OpenFile under a plain file succeeded")
	}
}
