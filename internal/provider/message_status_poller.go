package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/interakt-community/terraform-provider-interakt/internal/client"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// The status polling of interakt_message_status: reads of the status
// receiver, repeated with a growing pause until the awaited status, a
// failure or the timeout.

const (
	// defaultPollInterval is the first pause between two status reads.
	defaultPollInterval = 2 * time.Second
	// pollBackoffCap bounds the pause between reads to this many times
	// the first one, so a long wait still notices a change quickly.
	pollBackoffCap = 5
	// finalReadGrace lets the read made at the timeout finish, so that a
	// status reached just in time is still seen.
	finalReadGrace = 10 * time.Second
)

// statusSource reads one message's status; *client.StatusReader is one.
type statusSource interface {
	Get(ctx context.Context, id string) (st wire.Status, found bool, err error)
}

// statusPoller reads a message's status, again and again until waitFor is
// reached when set.
type statusPoller struct {
	source  statusSource
	id      string
	waitFor string // "" reads once
	timeout time.Duration
	// interval is the first pause between reads (defaultPollInterval
	// when zero); each later pause is half as long again, up to
	// pollBackoffCap times interval.
	interval time.Duration
}

// statusFailedError ends a wait whose message failed.
type statusFailedError struct {
	status wire.Status
}

func (e *statusFailedError) Error() string {
	return fmt.Sprintf("the message failed: %s (error code %s)",
		orUnknown(e.status.FailureReason, "no reason reported"), orUnknown(e.status.ErrorCode, "none"))
}

// statusTimeoutError ends a wait that ran out of time.
type statusTimeoutError struct {
	last    wire.Status
	lastErr error // the last read's error, if it failed
	timeout time.Duration
}

func (e *statusTimeoutError) Error() string {
	s := fmt.Sprintf("the status was still %q after %s", e.last.Status, e.timeout)
	if e.lastErr != nil {
		s += "; the last read failed: " + e.lastErr.Error()
	}
	return s
}

// statusCanceledError ends a wait whose context ended (Ctrl-C).
type statusCanceledError struct {
	last wire.Status
	err  error
}

func (e *statusCanceledError) Error() string {
	return fmt.Sprintf("stopped while the status was %q: %v", e.last.Status, e.err)
}

func (e *statusCanceledError) Unwrap() error { return e.err }

// run reads the status until it is final for this wait. It returns the
// status, or the last status seen with one of the errors above, or the
// reader's error when it cannot be cured by waiting.
func (p statusPoller) run(ctx context.Context) (wire.Status, error) {
	if p.interval <= 0 {
		p.interval = defaultPollInterval
	}
	deadline := time.Now().Add(p.timeout)
	readCtx, cancel := context.WithDeadline(ctx, deadline.Add(finalReadGrace))
	defer cancel()

	last := pendingStatus(p.id)
	pause := p.interval
	for attempt := 1; ; attempt++ {
		st, found, err := p.source.Get(readCtx, p.id)
		if !found && err == nil {
			st = pendingStatus(p.id)
		}
		switch {
		case err != nil && ctx.Err() != nil:
			return last, &statusCanceledError{last: last, err: ctx.Err()}
		case err != nil && readCtx.Err() != nil:
			return last, &statusTimeoutError{last: last, timeout: p.timeout,
				lastErr: errors.New("the status receiver did not answer in time")}
		case err != nil && (p.waitFor == "" || !transientStatusError(err)):
			return last, err
		case err != nil:
			tflog.Debug(ctx, "message status read failed; retrying", map[string]any{"id": p.id, "attempt": attempt, "error": err.Error()})
		default:
			last = st
			tflog.Debug(ctx, "message status read", map[string]any{"id": p.id, "attempt": attempt, "status": st.Status})
			switch {
			case p.waitFor == "" || statusReached(st.Status, p.waitFor):
				return st, nil
			case st.Status == wire.StatusFailed:
				return st, &statusFailedError{status: st}
			}
		}

		remaining := time.Until(deadline)
		if remaining <= 0 {
			return last, &statusTimeoutError{last: last, lastErr: err, timeout: p.timeout}
		}
		timer := time.NewTimer(min(pause, remaining))
		select {
		case <-ctx.Done():
			timer.Stop()
			return last, &statusCanceledError{last: last, err: ctx.Err()}
		case <-timer.C:
		}
		pause = min(pause*3/2, pollBackoffCap*p.interval)
	}
}

// statusRank orders the statuses a wait can reach; failed is not among
// them, and an unknown status ranks as pending.
func statusRank(status string) int {
	switch status {
	case wire.StatusSent:
		return 1
	case wire.StatusDelivered:
		return 2
	case wire.StatusRead:
		return 3
	default:
		return 0
	}
}

// statusReached reports whether status is want or a later status.
func statusReached(status, want string) bool {
	return statusRank(status) > 0 && statusRank(status) >= statusRank(want)
}

// transientStatusError reports whether waiting may cure a failed read: the
// receiver was unreachable, overloaded or restarting. A refused token or a
// bad request stays refused.
func transientStatusError(err error) bool {
	e, ok := errors.AsType[*client.Error](err)
	if !ok {
		return false
	}
	switch e.Kind {
	case client.KindUncertain, client.KindUnsent, client.KindRateLimited:
		return true
	default:
		return false
	}
}

// pendingStatus is the status of a message the receiver has not seen.
func pendingStatus(id string) wire.Status {
	return wire.Status{ID: id, Status: wire.StatusPending}
}

func orUnknown(s *string, fallback string) string {
	if s == nil || *s == "" {
		return fallback
	}
	return *s
}
