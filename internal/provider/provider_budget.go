package provider

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/interakt-community/terraform-provider-interakt/internal/ratelimit"
)

// userCacheDir is os.UserCacheDir read from getenv (the settings'
// environment), so that tests give it as they give every setting: the
// folder that holds the local budget's folder.
func userCacheDir(getenv func(string) string) (string, error) {
	switch runtime.GOOS {
	case "windows":
		if dir := getenv("LocalAppData"); dir != "" {
			return dir, nil
		}
		return "", errors.New("%LocalAppData% is not set")
	case "darwin", "ios":
		if home := getenv("HOME"); home != "" {
			return filepath.Join(home, "Library", "Caches"), nil
		}
		return "", errors.New("$HOME is not set")
	case "plan9":
		if home := getenv("home"); home != "" {
			return filepath.Join(home, "lib", "cache"), nil
		}
		return "", errors.New("$home is not set")
	default:
		// A relative XDG_CACHE_HOME is invalid (XDG Base Directory
		// specification) and ignored.
		if dir := getenv("XDG_CACHE_HOME"); filepath.IsAbs(dir) {
			return dir, nil
		}
		if home := getenv("HOME"); home != "" {
			return filepath.Join(home, ".cache"), nil
		}
		return "", errors.New("neither $XDG_CACHE_HOME nor $HOME is set")
	}
}

// localBudget is the key's budget in a file of the user's cache folder
// (budget "local"), opened on the first request rather than at configure:
// a plan that makes no request needs no folder. When no folder can hold
// the file (a read-only or missing home: a container run as an arbitrary
// user, env -i, a systemd unit), this process keeps the budget alone, and
// the first operation to end says so once (providerData.report).
type localBudget struct {
	// dir is the folder tried; dirErr says why there is none.
	dir    string
	dirErr string
	keyID  string
	limit  int
	// window and lease: see ratelimit.Ledger.Acquire.
	window, lease time.Duration

	// turn is held while the budget is opened, so that one request opens
	// it and the others wait, as long as their contexts allow.
	turn   chan struct{}
	opened atomic.Pointer[openedBudget]
}

// openedBudget is what the local budget turned out to be.
type openedBudget struct {
	ratelimit.Budget
	// fallback, when set, is why this process keeps the budget alone.
	fallback string
}

func newLocalBudget(dir, dirErr, keyID string, limit int, window, lease time.Duration) *localBudget {
	return &localBudget{dir: dir, dirErr: dirErr, keyID: keyID, limit: limit, window: window, lease: lease, turn: make(chan struct{}, 1)}
}

var _ ratelimit.Budget = (*localBudget)(nil)

// open returns the budget, opening it on the first call.
func (b *localBudget) open(ctx context.Context) (*openedBudget, error) {
	if o := b.opened.Load(); o != nil {
		return o, nil
	}
	select {
	case b.turn <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-b.turn }()
	if o := b.opened.Load(); o != nil {
		return o, nil
	}
	why := b.dirErr
	if why == "" {
		file, err := ratelimit.OpenFile(ctx, b.dir, b.keyID, b.limit, b.window, b.lease)
		if err == nil {
			o := &openedBudget{Budget: file}
			b.opened.Store(o)
			return o, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		why = err.Error()
	}
	limiter, err := ratelimit.New(b.limit, b.window)
	if err != nil {
		return nil, err
	}
	o := &openedBudget{Budget: limiter, fallback: why}
	b.opened.Store(o)
	tflog.Warn(ctx, "the key's rate budget is kept in this process: no folder can hold its file", map[string]any{
		"folder": b.dir, "error": why, "setting": envBudget,
	})
	return o, nil
}

// fallback says why this process keeps the budget alone, once the budget
// is open; "" while it is not, or is a file.
func (b *localBudget) fallback() string {
	if o := b.opened.Load(); o != nil {
		return o.fallback
	}
	return ""
}

func (b *localBudget) Acquire(ctx context.Context) (ratelimit.Slot, error) {
	o, err := b.open(ctx)
	if err != nil {
		return ratelimit.Slot{}, err
	}
	return o.Acquire(ctx)
}

func (b *localBudget) Full(ctx context.Context, after time.Duration) error {
	o, err := b.open(ctx)
	if err != nil {
		return err
	}
	return o.Full(ctx, after)
}

func (b *localBudget) Limit() int            { return b.limit }
func (b *localBudget) Window() time.Duration { return b.window }

// Where is the budget's file, or this process once it keeps the budget.
func (b *localBudget) Where() string {
	if o := b.opened.Load(); o != nil {
		if o.fallback != "" {
			return "this provider process (no folder could hold the budget file)"
		}
		return o.Where()
	}
	if b.dir == "" {
		return "not opened yet"
	}
	return b.dir
}

// waitWarningShare is the share of the rate window past which the time
// requests waited for the budget is worth a warning: 10 s of Interakt's
// minute. The warning's threshold follows the window, which only tests
// shorten.
const waitWarningShare = 6

// rateSetting is what the provider block says of the rate limit, for the
// warnings that explain a wait.
type rateSetting struct {
	limit   int64
	window  time.Duration
	setting string // budget: local, receiver or process
}

// report appends, once per provider process each, the warnings that the
// operation ending now should carry: that this process keeps the key's
// budget alone, since no folder could hold its file; and that requests
// waited long for the budget. Every operation that may make a request
// defers it, so whichever ends first after the fact says it, and a plan
// of many resources says it once.
func (d *providerData) report(diags *diag.Diagnostics) {
	if d == nil || d.api == nil {
		return
	}
	if d.local != nil {
		if why := d.local.fallback(); why != "" && d.fallbackShown.CompareAndSwap(false, true) {
			diags.AddWarning("Rate Budget Kept in This Process", d.local.fallbackDetail(why))
		}
	}
	if waited := d.api.BudgetWait(); waited > d.rate.window/waitWarningShare && d.waitShown.CompareAndSwap(false, true) {
		diags.AddWarning("Requests Waited for the Rate Limit", d.rate.waitDetail(waited, d.rateBudget.Where()))
	}
}

// fallbackDetail explains why this process keeps the budget alone, and
// how to share it or to say that it need not be shared.
func (b *localBudget) fallbackDetail(why string) string {
	tried := "the user's cache folder is unknown"
	if b.dir != "" {
		tried = "it was tried in " + b.dir
	}
	return fmt.Sprintf("The key's rate budget (rate_limit_per_minute) is kept by this provider process alone: no folder can hold its file "+
		"(%s: %s). Other processes using the key on this machine do not count against it, so together they may pass Interakt's limit "+
		"(Interakt then answers 429, which is retried). To share the budget, set XDG_CACHE_HOME (or HOME) to a folder this user can write; "+
		`to share it across machines, set budget (or %s) to "receiver" with a status_url; when no other process uses this key, `+
		`set budget (or %s) to "process", which also ends this warning. Nothing else changes: plans and sends go on.`,
		tried, why, envBudget, envBudget)
}

// waitDetail says how long requests waited, why, and how to raise the
// limit when the account's plan allows more.
func (r rateSetting) waitDetail(waited time.Duration, where string) string {
	per := "minute"
	if r.window != time.Minute {
		per = r.window.String() // a test's shortened window
	}
	return fmt.Sprintf("Requests to Interakt with this key have waited %s in all for its rate budget: rate_limit_per_minute = %d allows %d requests "+
		"in any %s, counted across every process that uses the key (budget %q, kept in %s). The provider waits rather than have Interakt refuse "+
		"requests; nothing failed. If the account's plan allows more (Interakt allows 300 requests a minute on the Growth plan and 600 on Advanced), "+
		"set rate_limit_per_minute (or %s) to that figure in every configuration that uses the key.",
		waited.Round(100*time.Millisecond), r.limit, r.limit, per, r.setting, where, envRateLimit)
}
