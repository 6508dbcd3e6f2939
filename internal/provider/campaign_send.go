package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/interakt-community/terraform-provider-interakt/internal/client"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// campaignProgressInterval is how often a running campaign logs progress.
const campaignProgressInterval = 5 * time.Second

// Texts of recipients a stopped campaign did not send.
const (
	errTextInterrupted = "not sent: apply was interrupted"
)

// campaignJob is one recipient to send.
type campaignJob struct {
	key     string
	message wire.Message
	hash    string
	// journalKey is the send's key in the send journal.
	journalKey string
}

// sendFunc sends one message; (*providerData).send in the provider, a fake
// in tests.
type sendFunc func(context.Context, wire.Message) sendOutcome

// stopCause says why a campaign stopped before sending to everyone.
type stopCause int

const (
	stopNone stopCause = iota
	stopInterrupted
	stopTimeout
	stopBudget
	stopCredentials
	stopStatusToken
	stopJournal
	stopTemplate
)

// summary is the stop warning's summary.
func (c stopCause) summary() string {
	switch c {
	case stopInterrupted:
		return "Campaign interrupted"
	case stopTimeout:
		return "Campaign timeout reached"
	case stopBudget:
		return "Campaign stopped: max_sends_per_apply reached"
	case stopCredentials:
		return "Campaign stopped: the API refused the credentials"
	case stopStatusToken:
		return "Campaign stopped: the status receiver refused the status token"
	case stopJournal:
		return "Campaign stopped: the send journal failed"
	case stopTemplate:
		return "Campaign stopped: the template is not approved"
	default:
		return ""
	}
}

// campaignSender runs the sends of one apply.
type campaignSender struct {
	send sendFunc
	// journal records each send before it is made; nil records nothing.
	journal  *sendJournal
	workers  int
	progress time.Duration
	now      func() time.Time
	// op and timeout name the timeout in texts ("create", 60m).
	op      string
	timeout time.Duration
}

// campaignRun is what one apply's sends left behind.
type campaignRun struct {
	// results has an entry for every job, sent or not.
	results map[string]recipientResult
	stop    stopCause
	// stopErr is the failure that stopped the campaign (budget, credentials).
	stopErr error
	// notStarted counts the jobs never handed to send.
	notStarted int
	op         string
	timeout    time.Duration
}

// stopDetail is the stop warning's detail.
func (r campaignRun) stopDetail() string {
	rest := plural(r.notStarted, "recipient") + " of this apply were not sent; they are `failed` in results and the next apply sends them."
	switch r.stop {
	case stopInterrupted:
		return "The apply was interrupted. Requests already on their way were let finish and every result obtained is saved. " + rest
	case stopTimeout:
		return fmt.Sprintf("The campaign's %s timeout (%s) elapsed. Every result obtained is saved. %s "+
			"At the provider's rate_limit_per_minute a campaign of 1,000 recipients at 40 per minute takes 25 minutes; "+
			"raise timeouts.%s if this campaign needs longer.", r.op, r.timeout, rest, r.op)
	case stopBudget:
		return fmt.Sprintf("Sending stopped: %s. Every result obtained is saved. %s "+
			"Raise the provider's max_sends_per_apply, or apply again to send the next batch.", withoutNotSent(r.stopErr), rest)
	case stopCredentials:
		return fmt.Sprintf("Sending stopped after the API refused the credentials (%s), since every further send would fail "+
			"the same way. Check the provider's api_key (or %s). %s", errorText(r.stopErr), envAPIKey, rest)
	case stopStatusToken:
		return fmt.Sprintf("Sending stopped after the status receiver at status_url refused the status token (%s), since every "+
			"further send would fail the same way. Set the provider's status_token (or %s) to one of the tokens the receiver "+
			"accepts; the API key is not involved. %s", errorText(r.stopErr), envStatusToken, rest)
	case stopJournal:
		return fmt.Sprintf("Sending stopped because the send journal could not record a send (%s): a send that is not "+
			"recorded could be sent twice after a kill, so none is made. Check the status receiver at status_url, or the "+
			"local journal folder (%s, by default .terraform/%s in the working directory). %s",
			withoutNotSent(r.stopErr), envJournalDir, journalFolder, rest)
	case stopTemplate:
		return fmt.Sprintf("Sending stopped after Interakt refused a message: %s. The plan found the template APPROVED; its approval "+
			"was withdrawn since, so every further send would be refused the same way. The refused recipients are `failed` too. %s "+
			"Wait for Meta's approval (a paused template is approved again once its quality recovers), or send another template.",
			withoutNotSent(r.stopErr), rest)
	default:
		return ""
	}
}

// withoutNotSent is an error's text without its "not sent: " prefix.
func withoutNotSent(err error) string {
	return strings.TrimPrefix(errorText(err), "not sent: ")
}

func errorText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// runState is the shared state of one run.
type runState struct {
	mu      sync.Mutex
	results map[string]recipientResult
	stop    stopCause
	stopErr error
	// notStarted counts jobs recorded without a send.
	notStarted int

	done   atomic.Int64
	failed atomic.Int64
}

// halt records the first reason to stop.
func (s *runState) halt(cause stopCause, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stop == stopNone {
		s.stop, s.stopErr = cause, err
	}
}

// stopped returns the reason to stop, counting an ended context as one.
func (s *runState) stopped(ctx context.Context) (stopCause, error) {
	if err := ctx.Err(); err != nil {
		cause := stopInterrupted
		if errors.Is(err, context.DeadlineExceeded) {
			cause = stopTimeout
		}
		s.halt(cause, nil)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stop, s.stopErr
}

func (s *runState) record(key string, r recipientResult, started bool) {
	s.mu.Lock()
	s.results[key] = r
	if !started {
		s.notStarted++
	}
	s.mu.Unlock()
	s.done.Add(1)
	if r.Status != sendSent && r.Status != sendDryRun {
		s.failed.Add(1)
	}
}

// run sends every job with at most s.workers in flight, and returns a
// result for each. Once ctx ends (Ctrl-C or the timeout), the budget is
// spent or the credentials are refused, it starts no new send; sends
// already started finish (the client completes a written request on a
// context of its own), and the jobs never started are recorded failed.
func (s campaignSender) run(ctx context.Context, jobs []campaignJob) campaignRun {
	st := &runState{results: make(map[string]recipientResult, len(jobs))}
	out := campaignRun{op: s.op, timeout: s.timeout}
	if len(jobs) == 0 {
		out.results = st.results
		return out
	}
	start := s.now()
	workers := min(max(s.workers, 1), len(jobs))
	tflog.Info(ctx, "campaign sending", map[string]any{"total": len(jobs), "workers": workers})
	stopLogCtx := ownLogContext(ctx)
	stopLog := context.AfterFunc(ctx, func() {
		tflog.Info(stopLogCtx, "campaign stop requested: starting no new sends, letting sends in flight finish",
			map[string]any{"done": st.done.Load(), "total": len(jobs)})
	})
	defer stopLog()
	stopProgress := s.logProgress(ownLogContext(ctx), st, len(jobs), start)

	queue := make(chan campaignJob)
	var wg sync.WaitGroup
	for i := range workers {
		workerCtx := tflog.SetField(ctx, "campaign_worker", i)
		wg.Go(func() {
			for job := range queue {
				s.sendOne(workerCtx, st, job)
			}
		})
	}
	for _, job := range jobs {
		if cause, err := st.stopped(ctx); cause != stopNone {
			st.record(job.key, notSent(job, cause, err), false)
			continue
		}
		select {
		case queue <- job:
		case <-ctx.Done():
			cause, err := st.stopped(ctx)
			st.record(job.key, notSent(job, cause, err), false)
		}
	}
	close(queue)
	wg.Wait()
	stopProgress()

	out.results, out.stop, out.stopErr, out.notStarted = st.results, st.stop, st.stopErr, st.notStarted
	tflog.Info(ctx, "campaign finished", map[string]any{
		"total": len(jobs), "failed": st.failed.Load(), "not_started": st.notStarted,
		"elapsed": s.now().Sub(start).Round(time.Millisecond).String(),
	})
	return out
}

// sendOne sends one job unless the run has stopped, and records its result.
func (s campaignSender) sendOne(ctx context.Context, st *runState, job campaignJob) {
	if cause, err := st.stopped(ctx); cause != stopNone {
		st.record(job.key, notSent(job, cause, err), false)
		return
	}
	outcome, attempt := s.journal.send(ctx, job.journalKey, job.message, s.send)
	at := s.now().UTC().Format(time.RFC3339)
	res := recipientResult{MessageID: outcome.ID, Status: outcome.Status, InputsHash: job.hash, AttemptID: attempt}
	started := true
	switch outcome.Status {
	case sendSent, sendDryRun, sendUncertain, sendRejected:
		res.SentAt = at
	}
	if outcome.Err != nil {
		res.Error = outcome.Err.Error()
	}
	if outcome.Status == sendFailed {
		switch kind := client.KindOf(outcome.Err); {
		case errors.Is(outcome.Err, errBudgetSpent):
			st.halt(stopBudget, outcome.Err)
			started = false
		case errors.Is(outcome.Err, errJournal):
			st.halt(stopJournal, outcome.Err)
			started = false
		case receiverRefusal(outcome.Err):
			st.halt(stopStatusToken, outcome.Err)
		case kind == client.KindUnauthorized || kind == client.KindForbidden:
			st.halt(stopCredentials, outcome.Err)
		case isTemplateRefused(outcome.Err):
			st.halt(stopTemplate, outcome.Err)
		case kind == client.KindUnsent && ctx.Err() != nil:
			// The wait for the rate limiter ended with the context.
			cause, err := st.stopped(ctx)
			res = notSent(job, cause, err)
			started = false
		}
	}
	st.record(job.key, res, started)
	fields := map[string]any{"key": job.key, "status": res.Status}
	if res.MessageID != "" {
		fields["message_id"] = res.MessageID
	}
	if res.Error != "" {
		fields["error"] = res.Error
	}
	tflog.Debug(ctx, "campaign recipient", fields)
	tflog.Trace(ctx, "campaign recipient number", map[string]any{
		"key": job.key, "country_code": job.message.CountryCode, "phone_number": job.message.PhoneNumber,
	})
}

// ownLogContext returns ctx with a logger of its own for one goroutine.
// terraform-plugin-log (v0.11) masks field values by writing to the
// logger's field map in place, so goroutines that log through one context
// at once race on it (hashicorp/terraform-plugin-log#246, open); every
// goroutine of a run logs through its own copy, made before it starts.
// (Workers get theirs from tflog.SetField, which copies the same way.) The
// race needs two goroutines masking at the same instant, so no test shows
// it reliably; this can go once #246 is fixed and the provider requires
// that release.
func ownLogContext(ctx context.Context) context.Context {
	return tflog.MaskFieldValuesWithFieldKeys(ctx)
}

// notSent is the result of a job the run never sent.
func notSent(job campaignJob, cause stopCause, err error) recipientResult {
	text := errTextInterrupted
	switch cause {
	case stopTimeout:
		text = "not sent: the campaign's timeout elapsed"
	case stopBudget:
		text = "not sent: " + withoutNotSent(err)
	case stopCredentials:
		text = "not sent: sending stopped after the API refused the credentials: " + errorText(err)
	case stopStatusToken:
		text = "not sent: sending stopped after the status receiver refused the status token: " + errorText(err)
	case stopJournal:
		text = "not sent: sending stopped after the send journal failed: " + withoutNotSent(err)
	case stopTemplate:
		text = "not sent: sending stopped after Interakt refused the template: " + withoutNotSent(err)
	}
	return recipientResult{Status: sendFailed, Error: text, InputsHash: job.hash}
}

// logProgress logs done/total, failures and an estimate of the time left
// every s.progress until the returned function is called.
func (s campaignSender) logProgress(ctx context.Context, st *runState, total int, start time.Time) func() {
	if s.progress <= 0 {
		return func() {}
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		ticker := time.NewTicker(s.progress)
		defer ticker.Stop()
		for {
			select {
			case <-stop:
				return
			case <-ticker.C:
				done := st.done.Load()
				fields := map[string]any{"done": done, "total": total, "failed": st.failed.Load()}
				if done > 0 {
					elapsed := s.now().Sub(start)
					eta := time.Duration(float64(elapsed) / float64(done) * float64(int64(total)-done))
					fields["eta"] = eta.Round(time.Second).String()
				}
				tflog.Info(ctx, "campaign progress", fields)
			}
		}
	})
	return func() {
		close(stop)
		wg.Wait()
	}
}
