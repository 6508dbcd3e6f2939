package journal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// Dir is a journal in a local folder: one file per attempt, named by the
// attempt id. A file is written whole to a temporary name and renamed, so
// a reader never sees half an entry, and several provider processes (one
// per provider configuration) share the folder without a lock.
type Dir struct {
	path string
	now  func() time.Time
}

// NewDir returns the journal kept in path, created on the first Begin.
func NewDir(path string) *Dir {
	return &Dir{path: path, now: time.Now}
}

// Path returns the journal's folder.
func (d *Dir) Path() string { return d.path }

// Begin writes the entry and makes it durable (the file fsynced, and its
// rename: see rename), so that the entry survives a crash of the process
// and of the machine.
func (d *Dir) Begin(_ context.Context, e wire.JournalEntry) error {
	if err := os.MkdirAll(d.path, 0o700); err != nil {
		return fmt.Errorf("send journal: %w", err)
	}
	return d.write(e, true)
}

// Finish replaces the entry with its answered form. It is not fsynced: a
// killed process leaves it in the kernel's cache, which is what a SIGKILL
// needs, and a power loss that drops it leaves the entry unanswered, which
// reads as uncertain and is never sent again.
func (d *Dir) Finish(_ context.Context, e wire.JournalEntry) error {
	return d.write(e, false)
}

func (d *Dir) write(e wire.JournalEntry, sync bool) error {
	if !ValidAttempt(e.Attempt) {
		return fmt.Errorf("send journal: invalid attempt id %q", e.Attempt)
	}
	data, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("send journal: %w", err)
	}
	final := filepath.Join(d.path, e.Attempt+".json")
	tmp, err := os.CreateTemp(d.path, "."+e.Attempt+".*.tmp")
	if err != nil {
		return fmt.Errorf("send journal: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("send journal: %w", err)
	}
	if sync {
		if err := tmp.Sync(); err != nil {
			return fmt.Errorf("send journal: %w", err)
		}
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("send journal: %w", err)
	}
	if err := rename(tmp.Name(), final, sync); err != nil {
		return fmt.Errorf("send journal: %w", err)
	}
	ok = true
	return nil
}

// Lookup reads every entry of the folder and returns those of keys,
// deleting on the way the entries older than Retention and the leftovers
// of writes a kill interrupted.
func (d *Dir) Lookup(_ context.Context, keys []string) ([]wire.JournalEntry, error) {
	files, err := os.ReadDir(d.path)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		// No folder, or a path through a plain file, which holds none:
		// nothing was recorded there (Begin would have failed), so a plan
		// reads nothing and needs no folder.
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("send journal: %w", err)
	}
	want := make(map[string]bool, len(keys))
	for _, k := range keys {
		want[k] = true
	}
	now := d.now()
	var out []wire.JournalEntry
	for _, f := range files {
		name := filepath.Join(d.path, f.Name())
		if strings.HasSuffix(f.Name(), ".tmp") {
			if info, err := f.Info(); err == nil && now.Sub(info.ModTime()) > time.Hour {
				_ = os.Remove(name)
			}
			continue
		}
		attempt, isEntry := strings.CutSuffix(f.Name(), ".json")
		if !isEntry || !ValidAttempt(attempt) {
			continue
		}
		data, err := os.ReadFile(name)
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed meanwhile by another process
		}
		if err != nil {
			return nil, fmt.Errorf("send journal: %w", err)
		}
		var e wire.JournalEntry
		if err := json.Unmarshal(data, &e); err != nil || e.Attempt != attempt {
			return nil, fmt.Errorf("send journal: entry %s cannot be read; nothing was sent (remove the file if it is damaged, "+
				"after checking whether its send reached the recipient)", name)
		}
		if Expired(e, now) {
			_ = os.Remove(name)
			continue
		}
		if want[e.Key] {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b wire.JournalEntry) int { return strings.Compare(a.StartedAt, b.StartedAt) })
	return out, nil
}

// Remove deletes entries by attempt.
func (d *Dir) Remove(_ context.Context, attempts []string) error {
	var errs []error
	for _, a := range attempts {
		if !ValidAttempt(a) {
			continue
		}
		if err := os.Remove(filepath.Join(d.path, a+".json")); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("send journal: %w", errors.Join(errs...))
	}
	return nil
}
