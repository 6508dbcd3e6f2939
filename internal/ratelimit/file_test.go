package ratelimit

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func mustOpenFile(t testing.TB, dir string, limit int, window, lease time.Duration) *FileBudget {
	t.Helper()
	b, err := OpenFile(t.Context(), dir, KeyID("key", "http://api"), limit, window, lease)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestKeyIDHidesKeyAndSeparatesBaseURLs(t *testing.T) {
	id := KeyID("c2VjcmV0Og==", "https://api.interakt.ai")
	if strings.Contains(id, "c2VjcmV0Og") || len(id) != 64 {
		t.Errorf("KeyID = %q, want 64 hex digits without the key", id)
	}
	if id == KeyID("c2VjcmV0Og==", "http://127.0.0.1:1") || id != KeyID("c2VjcmV0Og==", "https://api.interakt.ai") {
		t.Error("KeyID must depend on the base URL and nothing else besides the key")
	}
}

func TestLedgerLeaseEndCountsAsAnswer(t *testing.T) {
	var l Ledger
	const w, lease = time.Second, 3 * time.Second
	if ok, _ := l.Acquire(0, "a", 1, w, lease); !ok {
		t.Fatal("first slot refused")
	}
	// Held and never released: it counts until its lease ends and then a
	// window more, as an answer arriving at the lease's end would.
	if ok, wait := l.Acquire(int64(2*time.Second), "b", 1, w, lease); ok || wait != 2*time.Second {
		t.Fatalf("Acquire at 2s = %v, %v; want refused, 2s", ok, wait)
	}
	if ok, _ := l.Acquire(int64(3900*time.Millisecond), "b", 1, w, lease); ok {
		t.Fatal("granted at 3.9s, before the lease's end plus a window")
	}
	if ok, _ := l.Acquire(int64(4*time.Second), "b", 1, w, lease); !ok {
		t.Fatal("refused at 4s, the lease's end plus a window")
	}
}

func TestLedgerFullAndRelease(t *testing.T) {
	var l Ledger
	const w, lease = time.Second, 10 * time.Second
	l.Acquire(0, "a", 2, w, lease)
	l.Release(int64(100*time.Millisecond), "a", true, w)
	l.Full(int64(200*time.Millisecond), w)
	if ok, wait := l.Acquire(int64(300*time.Millisecond), "b", 2, w, lease); ok || wait != 900*time.Millisecond {
		t.Fatalf("Acquire after Full = %v, %v; want refused, 900ms", ok, wait)
	}
	if ok, _ := l.Acquire(int64(1200*time.Millisecond), "b", 2, w, lease); !ok {
		t.Fatal("refused once the full mark ended")
	}
	l.Release(int64(1300*time.Millisecond), "b", false, w)
	if len(l.Held) != 0 || len(l.Released) != 0 {
		t.Errorf("ledger after a canceled slot = %+v, want empty", l)
	}
}

func TestLimiterFull(t *testing.T) {
	l := mustNew(t, 5, time.Second)
	start := time.Now()
	if err := l.Full(t.Context(), 200*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	s, err := l.Acquire(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	s.Release()
	if waited := time.Since(start); waited < 200*time.Millisecond {
		t.Errorf("granted after %v, want after the 200ms full mark", waited)
	}
}

// TestFileBudgetSharedByInstances checks that two budgets on one file (as
// two processes have) share the limit, and that a release in one frees a
// slot for the other.
func TestFileBudgetSharedByInstances(t *testing.T) {
	dir := t.TempDir()
	a := mustOpenFile(t, dir, 2, 300*time.Millisecond, time.Minute)
	b := mustOpenFile(t, dir, 2, 300*time.Millisecond, time.Minute)
	s1, err := a.Acquire(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	s2, err := b.Acquire(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	if _, err := a.Acquire(ctx); err == nil {
		t.Fatal("a third slot was granted within the window")
	}
	s1.Release()
	s2.Cancel()
	start := time.Now()
	s3, err := b.Acquire(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited > 100*time.Millisecond {
		t.Errorf("a canceled slot was free only after %v", waited)
	}
	s3.Release()
	l, err := a.Ledger()
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Held) != 0 || len(l.Released) != 2 {
		t.Errorf("ledger = %+v, want two stamps and nothing held", l)
	}
	if err := b.Full(t.Context(), 0); err != nil {
		t.Fatal(err)
	}
	if l, _ := a.Ledger(); l.FullUntil <= l.Now {
		t.Errorf("Full did not mark the window full for the other instance: %+v", l)
	}
}

func TestFileBudgetTornFileIsFull(t *testing.T) {
	dir := t.TempDir()
	b := mustOpenFile(t, dir, 5, 200*time.Millisecond, time.Minute)
	if err := os.WriteFile(b.Path(), []byte(`{"held":[`), 0o600); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	s, err := b.Acquire(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	s.Release()
	if waited := time.Since(start); waited < 200*time.Millisecond {
		t.Errorf("a torn ledger granted a slot after %v, want a full window", waited)
	}
}

// The helper process: it takes slots from the budget in
// RATELIMIT_HELPER_DIR and prints each slot's acquisition and release
// on the boot clock, or, in "hold" mode, takes every slot, says so and
// waits to be killed.
func TestMain(m *testing.M) {
	if mode := os.Getenv("RATELIMIT_HELPER"); mode != "" {
		os.Exit(helperProcess(mode))
	}
	os.Exit(m.Run())
}

func helperProcess(mode string) int {
	dir := os.Getenv("RATELIMIT_HELPER_DIR")
	limit, _ := strconv.Atoi(os.Getenv("RATELIMIT_HELPER_LIMIT"))
	n, _ := strconv.Atoi(os.Getenv("RATELIMIT_HELPER_N"))
	b, err := OpenFile(context.Background(), dir, KeyID("key", "http://api"), limit, 300*time.Millisecond, time.Second)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	ctx := context.Background()
	if mode == "hold" {
		for range limit {
			if _, err := b.Acquire(ctx); err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 2
			}
		}
		fmt.Println("held")
		time.Sleep(time.Hour)
		return 0
	}
	var (
		mu  sync.Mutex
		wg  sync.WaitGroup
		out = bufio.NewWriter(os.Stdout)
	)
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < n; i += 4 {
				s, err := b.Acquire(ctx)
				if err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(2)
				}
				acquired, _ := bootClock()
				time.Sleep(time.Duration(i%3) * 5 * time.Millisecond)
				released, _ := bootClock()
				s.Release()
				mu.Lock()
				fmt.Fprintf(out, "%d %d\n", acquired, released)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	_ = out.Flush()
	return 0
}

func helperCommand(ctx context.Context, mode, dir string, limit, n int) *exec.Cmd {
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "RATELIMIT_HELPER="+mode, "RATELIMIT_HELPER_DIR="+dir,
		"RATELIMIT_HELPER_LIMIT="+strconv.Itoa(limit), "RATELIMIT_HELPER_N="+strconv.Itoa(n))
	cmd.Stderr = os.Stderr
	return cmd
}

// TestFileBudgetAcrossProcesses runs three processes taking 20 slots each
// from one budget of 10 per 300 ms, and checks on the boot clock they
// share that no slot was granted while 10 others were in the window (held,
// or released less than a window before).
func TestFileBudgetAcrossProcesses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const limit, perProcess, window = 10, 20, 300 * time.Millisecond
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		slots [][2]int64
		errs  []error
	)
	for range 3 {
		wg.Go(func() {
			out, err := helperCommand(t.Context(), "take", dir, limit, perProcess).Output()
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			for line := range strings.Lines(string(out)) {
				var s [2]int64
				if _, err := fmt.Sscan(line, &s[0], &s[1]); err != nil {
					errs = append(errs, err)
					return
				}
				slots = append(slots, s)
			}
		})
	}
	wg.Wait()
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if len(slots) != 3*perProcess {
		t.Fatalf("%d slots recorded, want %d", len(slots), 3*perProcess)
	}
	slices.SortFunc(slots, func(a, b [2]int64) int { return int(a[0] - b[0]) })
	for j, s := range slots {
		inWindow := 0
		for i, o := range slots {
			if i != j && o[0] <= s[0] && o[1] > s[0]-int64(window) {
				inWindow++
			}
		}
		if inWindow >= limit {
			t.Fatalf("slot %d granted with %d others in the window, limit %d", j, inWindow, limit)
		}
	}
	span := time.Duration(slots[len(slots)-1][0] - slots[0][0])
	// 60 slots at 10 a window: the last goes after five windows.
	if span < 5*window {
		t.Errorf("60 slots took %v, less than five windows", span)
	}
	t.Logf("60 slots from 3 processes at %d per %v: %v", limit, window, span)
}

// TestFileBudgetKilledHolder kills a process holding every slot: another
// process gets one once the slots' lease (1s) and a window have passed,
// and not before the lease.
func TestFileBudgetKilledHolder(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const limit = 3
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	cmd := helperCommand(ctx, "hold", dir, limit, 0)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "held\n" {
		t.Fatalf("helper said %q, %v", line, err)
	}
	held := time.Now()
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	b := mustOpenFile(t, dir, limit, 300*time.Millisecond, time.Second)
	s, err := b.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s.Release()
	waited := time.Since(held)
	if waited < time.Second || waited > 3*time.Second {
		t.Errorf("a slot was granted %v after the holder was killed, want between the lease (1s) and 3s", waited)
	}
	t.Logf("slot freed %v after its holder was killed (lease 1s, window 300ms)", waited)
}
