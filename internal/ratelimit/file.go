package ratelimit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofrs/flock"
)

// filePoll is how often a waiter looks at the file again while every slot
// in the window is held, since another process's release wakes nobody here.
const filePoll = 20 * time.Millisecond

// lockPoll is how often a waiter tries the file lock again while another
// process holds it. The lock is held for one read and one write of a small
// file, tens of microseconds, so a waiter seldom tries twice; a blocking
// flock would not end with the context (Ctrl-C), so it is not used.
const lockPoll = time.Millisecond

// finishTimeout bounds ending a slot when the file lock is not granted; a
// slot not ended is counted as answered at its lease's end.
const finishTimeout = 10 * time.Second

// FileBudget is a key's budget shared by every process of one machine: a
// Ledger in a small file, read and rewritten under an OS file lock
// (flock on Unix, LockFileEx on Windows). Its times are the machine's boot
// clock, which every process shares and which setting the time of day
// does not move, so a clock step frees no slot early. A slot whose holder
// died is counted as answered when its lease ends.
//
// The file's name carries the key's id and the machine's boot (HostClock),
// so that machines sharing the folder (an NFS home) keep a file each and
// none reads another's clock as its own.
type FileBudget struct {
	path  string
	lock  *flock.Flock
	limit int
	// window and lease: see Ledger.Acquire.
	window, lease time.Duration
	// clock reads the boot clock the file's times are on.
	clock func() (int64, error)

	// mu serializes this process's goroutines around the file lock, which
	// some systems grant per process rather than per file handle. It is a
	// channel so that a wait for it ends with the context.
	mu chan struct{}
	// ids names this process's slots: a random prefix and a count.
	prefix string
	seq    atomic.Uint64

	// wake is closed and cleared when this process ends a slot, so its own
	// waiters look again at once; see Limiter.wake.
	wakeMu sync.Mutex
	wake   chan struct{}
}

// OpenFile returns the budget of the key keyID (see KeyID) in dir on this
// machine's boot clock, creating dir and the file: an error means the
// folder cannot hold the budget (or ctx ended). Slots are held for lease
// at most (a request's time limit plus LeaseMargin).
func OpenFile(ctx context.Context, dir, keyID string, limit int, window, lease time.Duration) (*FileBudget, error) {
	return openFile(ctx, dir, keyID, HostClock(), bootClock, limit, window, lease)
}

// openFile is OpenFile on the clock named host, read by clock.
func openFile(ctx context.Context, dir, keyID, host string, clock func() (int64, error), limit int, window, lease time.Duration) (*FileBudget, error) {
	if limit < 1 {
		return nil, errors.New("ratelimit: limit must be at least 1")
	}
	if window <= 0 {
		window = DefaultWindow
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("rate budget folder: %w", err)
	}
	var prefix [8]byte
	if _, err := rand.Read(prefix[:]); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "budget-"+keyID[:min(len(keyID), 32)]+"-"+host+".json")
	b := &FileBudget{
		path:   path,
		lock:   flock.New(path + ".lock"),
		limit:  limit,
		window: window,
		lease:  lease,
		clock:  clock,
		mu:     make(chan struct{}, 1),
		prefix: hex.EncodeToString(prefix[:]) + "-",
	}
	// Read and written once, so that a folder that cannot hold the file
	// (read-only, full, another user's file) is known now.
	if err := b.update(ctx, func(*Ledger, int64) {}); err != nil {
		return nil, err
	}
	return b, nil
}

// Path returns the budget's file.
func (b *FileBudget) Path() string { return b.path }

// Where says where the budget lives: its file.
func (b *FileBudget) Where() string { return b.path }

// Limit returns the number of slots allowed in one window.
func (b *FileBudget) Limit() int { return b.limit }

// Window returns the length of the sliding window.
func (b *FileBudget) Window() time.Duration { return b.window }

// Acquire reserves a slot, waiting until one is free.
func (b *FileBudget) Acquire(ctx context.Context) (Slot, error) {
	start := time.Now()
	id := b.prefix + strconv.FormatUint(b.seq.Add(1), 36)
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		if err := ctx.Err(); err != nil {
			return Slot{}, err
		}
		var (
			granted bool
			wait    time.Duration
		)
		b.wakeMu.Lock()
		if b.wake == nil {
			b.wake = make(chan struct{})
		}
		wake := b.wake
		b.wakeMu.Unlock()
		err := b.update(ctx, func(l *Ledger, now int64) {
			granted, wait = l.Acquire(now, id, b.limit, b.window, b.lease)
			if !granted && l.HasHeld() {
				wait = min(wait, filePoll)
			}
		})
		if err != nil {
			return Slot{}, err
		}
		if granted {
			return NewSlot(func(stamp bool) { b.finish(id, stamp) }, time.Since(start)), nil
		}
		if timer == nil {
			timer = time.NewTimer(wait)
		} else {
			timer.Reset(wait)
		}
		select {
		case <-ctx.Done():
			return Slot{}, ctx.Err()
		case <-wake:
		case <-timer.C:
		}
	}
}

// finish ends slot id. When the file cannot be written, the slot is
// counted as answered at its lease's end, which is the safe side.
//
// The stamp is the time finish was called, read before waiting for the
// lock: the answer had arrived by then, and the wait (other processes
// updating the file) would only make the slot count longer than it must.
func (b *FileBudget) finish(id string, stamp bool) {
	at, err := b.clock()
	ctx, cancel := context.WithTimeout(context.Background(), finishTimeout)
	defer cancel()
	_ = b.update(ctx, func(l *Ledger, now int64) {
		if err != nil || at > now {
			at = now
		}
		l.Release(at, id, stamp, b.window)
	})
	b.wakeMu.Lock()
	if b.wake != nil {
		close(b.wake)
		b.wake = nil
	}
	b.wakeMu.Unlock()
}

// Full marks the window full for every process using the key.
func (b *FileBudget) Full(ctx context.Context, after time.Duration) error {
	if after <= 0 {
		after = b.window
	}
	return b.update(ctx, func(l *Ledger, now int64) { l.Full(now, after) })
}

// Ledger returns the ledger as the file holds it, for tests and benchmarks.
func (b *FileBudget) Ledger() (Ledger, error) {
	var out Ledger
	err := b.update(context.Background(), func(l *Ledger, _ int64) { out = *l })
	return out, err
}

// lockFile takes this process's turn and the file lock, waiting for
// either until ctx ends; unlock gives both back.
func (b *FileBudget) lockFile(ctx context.Context) (unlock func(), err error) {
	select {
	case b.mu <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	locked, err := b.lock.TryLock()
	if err == nil && !locked {
		locked, err = b.lock.TryLockContext(ctx, lockPoll)
	}
	if !locked {
		<-b.mu
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("rate budget file lock: %w", err)
	}
	return func() {
		_ = b.lock.Unlock()
		<-b.mu
	}, nil
}

// update applies change to the ledger under the file lock, at the boot
// clock's present reading.
func (b *FileBudget) update(ctx context.Context, change func(l *Ledger, now int64)) error {
	unlock, err := b.lockFile(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	now, err := b.clock()
	if err != nil {
		return fmt.Errorf("rate budget clock: %w", err)
	}
	f, err := os.OpenFile(b.path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("rate budget file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return fmt.Errorf("rate budget file: %w", err)
	}
	var l Ledger
	if len(data) > 0 && json.Unmarshal(data, &l) != nil {
		// Torn by a crash mid-write: what it held is unknown, so the
		// window is full.
		l = Ledger{FullUntil: now + int64(b.window)}
	}
	if now < l.Now {
		// The boot clock went back: the machine restarted. Every process
		// of the old boot is gone; their requests arrived before this
		// boot, so they have left the window once it has run one window.
		l = Ledger{FullUntil: int64(b.window)}
	}
	change(&l, now)
	out, err := json.Marshal(l)
	if err != nil {
		return err
	}
	// Rewritten in place, without fsync: the ledger matters for a window,
	// and a machine that lost power restarts with a new boot clock. (A
	// rename would be atomic, but ext4 then flushes the data first, which
	// cost milliseconds a request.)
	if _, err := f.WriteAt(out, 0); err != nil {
		return fmt.Errorf("rate budget file: %w", err)
	}
	if err := f.Truncate(int64(len(out))); err != nil {
		return fmt.Errorf("rate budget file: %w", err)
	}
	return nil
}
