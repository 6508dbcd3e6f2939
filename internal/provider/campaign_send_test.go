package provider

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/interakt-community/terraform-provider-interakt/internal/client"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// campaignFakeSender stands in for (*providerData).send: it counts the sends per
// phone number and the sends in flight, and answers with answer.
type campaignFakeSender struct {
	answer func(context.Context, wire.Message) sendOutcome

	mu          sync.Mutex
	calls       map[string]int
	inFlight    int
	maxInFlight int
}

func newCampaignFakeSender(answer func(context.Context, wire.Message) sendOutcome) *campaignFakeSender {
	return &campaignFakeSender{answer: answer, calls: map[string]int{}}
}

func (f *campaignFakeSender) send(ctx context.Context, m wire.Message) sendOutcome {
	f.mu.Lock()
	f.calls[m.PhoneNumber]++
	f.inFlight++
	f.maxInFlight = max(f.maxInFlight, f.inFlight)
	f.mu.Unlock()
	out := f.answer(ctx, m)
	f.mu.Lock()
	f.inFlight--
	f.mu.Unlock()
	return out
}

func (f *campaignFakeSender) totalCalls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		n += c
	}
	return n
}

// campaignSentOK answers like a successful send, with an id derived from the number.
func campaignSentOK(_ context.Context, m wire.Message) sendOutcome {
	return sendOutcome{ID: campaignFakeID(m.PhoneNumber), Status: sendSent}
}

// campaignFakeID is the fake's message id for a number; it does not contain it.
func campaignFakeID(number string) string { return fmt.Sprintf("id-%x", number) }

// campaignJobs returns n jobs keyed r000, r001... with distinct numbers.
func campaignJobs(n int) []campaignJob {
	jobs := make([]campaignJob, n)
	for i := range jobs {
		jobs[i] = campaignJob{
			key:  fmt.Sprintf("r%03d", i),
			hash: fmt.Sprintf("hash-%d", i),
			message: wire.Message{
				CountryCode: "+91", PhoneNumber: fmt.Sprintf("98%08d", i), Type: wire.MessageTypeTemplate,
				Template: wire.Template{Name: "order_shipped", LanguageCode: "en"},
			},
		}
	}
	return jobs
}

func testCampaignSender(send sendFunc, workers int) campaignSender {
	return campaignSender{send: send, workers: workers, now: time.Now, op: "create", timeout: time.Hour}
}

// assertOnce fails unless every job was sent at most once, and the ones
// with a result other than "not started" exactly once.
func assertCampaignAtMostOnce(t *testing.T, f *campaignFakeSender) {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	for number, n := range f.calls {
		if n > 1 {
			t.Errorf("number %s sent %d times", number, n)
		}
	}
}

func TestCampaignSendEveryRecipientOnceWithBoundedConcurrency(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		f := newCampaignFakeSender(func(ctx context.Context, m wire.Message) sendOutcome {
			time.Sleep(time.Duration(len(m.PhoneNumber)%3+1) * time.Second)
			return campaignSentOK(ctx, m)
		})
		jobs := campaignJobs(100)
		run := testCampaignSender(f.send, 10).run(t.Context(), jobs)

		if len(run.results) != len(jobs) || f.totalCalls() != len(jobs) {
			t.Fatalf("%d results and %d sends for %d jobs", len(run.results), f.totalCalls(), len(jobs))
		}
		assertCampaignAtMostOnce(t, f)
		for _, job := range jobs {
			r := run.results[job.key]
			if r.Status != sendSent || r.MessageID != campaignFakeID(job.message.PhoneNumber) || r.InputsHash != job.hash || r.SentAt == "" || r.Error != "" {
				t.Errorf("%s: result %+v", job.key, r)
			}
		}
		if f.maxInFlight > 10 || f.maxInFlight < 2 {
			t.Errorf("at most %d sends were in flight, want 2..10", f.maxInFlight)
		}
		if run.stop != stopNone || run.notStarted != 0 {
			t.Errorf("stop = %v, not started = %d", run.stop, run.notStarted)
		}
	})
}

func TestCampaignSendRecordsEveryOutcome(t *testing.T) {
	t.Parallel()
	rejected := &client.Error{Kind: client.KindRejected, Op: "send template", StatusCode: 400, Message: "Phone Number & Country Code provided is invalid"}
	uncertain := &client.Error{Kind: client.KindUncertain, Op: "send template", Err: errors.New("connection reset")}
	unsent := &client.Error{Kind: client.KindUnsent, Op: "send template", Err: errors.New("connection refused")}
	answers := map[string]sendOutcome{
		"9800000000": {ID: "id-0", Status: sendSent},
		"9800000001": {Status: sendRejected, Err: rejected},
		"9800000002": {Status: sendUncertain, Err: uncertain},
		"9800000003": {Status: sendFailed, Err: unsent},
		"9800000004": {ID: "dry-run-x", Status: sendDryRun},
	}
	f := newCampaignFakeSender(func(_ context.Context, m wire.Message) sendOutcome { return answers[m.PhoneNumber] })
	run := testCampaignSender(f.send, 3).run(t.Context(), campaignJobs(5))

	want := map[string]recipientResult{
		"r000": {MessageID: "id-0", Status: sendSent},
		"r001": {Status: sendRejected, Error: rejected.Error()},
		"r002": {Status: sendUncertain, Error: uncertain.Error()},
		"r003": {Status: sendFailed, Error: unsent.Error()},
		"r004": {MessageID: "dry-run-x", Status: sendDryRun},
	}
	for key, w := range want {
		got := run.results[key]
		if got.Status != w.Status || got.MessageID != w.MessageID || got.Error != w.Error {
			t.Errorf("%s = %+v, want %+v", key, got, w)
		}
		// A request was made for all but the certainly unsent one.
		if (got.SentAt == "") != (w.Status == sendFailed) {
			t.Errorf("%s: sent_at %q for status %s", key, got.SentAt, got.Status)
		}
	}
	if !strings.Contains(run.results["r001"].Error, "Phone Number & Country Code provided is invalid") {
		t.Errorf("the API's message must be kept verbatim: %q", run.results["r001"].Error)
	}
	if run.stop != stopNone {
		t.Errorf("stop = %v; a failure of one recipient must not stop the others", run.stop)
	}
	summary, detail := notSentWarning(run, 5)
	if summary != "3 of 5 campaign messages not sent" {
		t.Errorf("warning summary = %q", summary)
	}
	for _, key := range []string{"r001", "r002", "r003"} {
		if !strings.Contains(detail, key+": ") {
			t.Errorf("warning does not name %s:\n%s", key, detail)
		}
	}
	for number := range answers {
		if strings.Contains(detail, number) {
			t.Errorf("warning names a phone number:\n%s", detail)
		}
	}
}

// TestCampaignSendInterrupt cancels the context (Ctrl-C) while sends are
// in flight: they finish and keep their ids, no new send starts, and the
// rest are failed "not sent: apply was interrupted".
func TestCampaignSendInterrupt(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		f := newCampaignFakeSender(func(ctx context.Context, m wire.Message) sendOutcome {
			<-release // a written request runs on regardless of ctx
			return campaignSentOK(ctx, m)
		})
		ctx, cancel := context.WithCancel(t.Context())
		jobs := campaignJobs(30)
		var run campaignRun
		done := make(chan struct{})
		go func() {
			defer close(done)
			run = testCampaignSender(f.send, 10).run(ctx, jobs)
		}()
		synctest.Wait() // ten sends in flight, the feeder blocked
		if n := f.totalCalls(); n != 10 {
			t.Fatalf("%d sends in flight, want 10", n)
		}
		cancel()
		synctest.Wait()
		close(release)
		<-done

		if f.totalCalls() != 10 {
			t.Errorf("%d sends after the interrupt, want only the 10 in flight", f.totalCalls())
		}
		assertCampaignAtMostOnce(t, f)
		sent, interrupted := 0, 0
		for _, job := range jobs {
			switch r := run.results[job.key]; {
			case r.Status == sendSent && r.MessageID == campaignFakeID(job.message.PhoneNumber):
				sent++
			case r.Status == sendFailed && r.Error == errTextInterrupted && r.MessageID == "" && r.InputsHash == job.hash:
				interrupted++
			default:
				t.Errorf("%s: unexpected result %+v", job.key, r)
			}
		}
		if sent != 10 || interrupted != 20 || run.stop != stopInterrupted || run.notStarted != 20 {
			t.Errorf("sent %d, interrupted %d, stop %v, not started %d; want 10, 20, interrupted, 20", sent, interrupted, run.stop, run.notStarted)
		}
		if d := runDiagnostics(run, len(jobs)); d.HasError() || d.WarningsCount() != 2 {
			t.Errorf("diagnostics = %v, want two warnings and no error", d)
		}
	})
}

// TestCampaignSendInterruptWhileWaitingForTheLimiter treats a send whose
// rate-limit wait ended with the context as not sent.
func TestCampaignSendInterruptWhileWaitingForTheLimiter(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		f := newCampaignFakeSender(func(ctx context.Context, _ wire.Message) sendOutcome {
			<-ctx.Done()
			return sendOutcome{Status: sendFailed, Err: &client.Error{Kind: client.KindUnsent, Op: "send template", Err: ctx.Err()}}
		})
		ctx, cancel := context.WithCancel(t.Context())
		go func() {
			time.Sleep(time.Second)
			cancel()
		}()
		run := testCampaignSender(f.send, 4).run(ctx, campaignJobs(8))
		for key, r := range run.results {
			if r.Status != sendFailed || r.Error != errTextInterrupted {
				t.Errorf("%s = %+v, want failed %q", key, r, errTextInterrupted)
			}
		}
		if run.stop != stopInterrupted || run.notStarted != 8 {
			t.Errorf("stop %v, not started %d; want interrupted, 8", run.stop, run.notStarted)
		}
	})
}

// TestCampaignSendTimeout stops at the deadline the timeouts block sets.
func TestCampaignSendTimeout(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		f := newCampaignFakeSender(func(ctx context.Context, m wire.Message) sendOutcome {
			time.Sleep(time.Minute)
			return campaignSentOK(ctx, m)
		})
		ctx, cancel := context.WithTimeout(t.Context(), 150*time.Second)
		defer cancel()
		s := testCampaignSender(f.send, 10)
		s.timeout = 150 * time.Second
		run := s.run(ctx, campaignJobs(50))

		// Batches start at 0, 60 and 120 seconds; the fourth would start
		// after the deadline.
		if f.totalCalls() != 30 || run.stop != stopTimeout || run.notStarted != 20 {
			t.Fatalf("%d sends, stop %v, %d not started; want 30, timeout, 20", f.totalCalls(), run.stop, run.notStarted)
		}
		for _, r := range run.results {
			if r.Status == sendFailed && r.Error != "not sent: the campaign's timeout elapsed" {
				t.Errorf("timeout result error = %q", r.Error)
			}
		}
		if detail := run.stopDetail(); !strings.Contains(detail, "create timeout (2m30s)") || !strings.Contains(detail, "20 recipients") {
			t.Errorf("stop detail = %q", detail)
		}
	})
}

// TestCampaignSendBudget stops at max_sends_per_apply and says why.
func TestCampaignSendBudget(t *testing.T) {
	t.Parallel()
	budget := &sendBudget{limit: 10}
	f := newCampaignFakeSender(func(ctx context.Context, m wire.Message) sendOutcome {
		if !budget.take() {
			return sendOutcome{Status: sendFailed, Err: fmt.Errorf("%w (%d)", errBudgetSpent, budget.limit)}
		}
		return campaignSentOK(ctx, m)
	})
	run := testCampaignSender(f.send, 10).run(t.Context(), campaignJobs(20))
	sent := 0
	for key, r := range run.results {
		switch {
		case r.Status == sendSent:
			sent++
		case r.Status == sendFailed && r.Error == "not sent: this provider process reached its max_sends_per_apply (10)":
		default:
			t.Errorf("%s = %+v", key, r)
		}
	}
	if sent != 10 || run.stop != stopBudget || run.notStarted != 10 {
		t.Errorf("sent %d, stop %v, not started %d; want 10, budget, 10", sent, run.stop, run.notStarted)
	}
	if d := run.stopDetail(); !strings.Contains(d, "max_sends_per_apply (10)") || !strings.Contains(d, "next apply sends them") {
		t.Errorf("stop detail = %q", d)
	}
}

// TestCampaignSendStopsOnRefusedCredentials sends no more once the API
// says the key is wrong: every further send would fail the same way.
func TestCampaignSendStopsOnRefusedCredentials(t *testing.T) {
	t.Parallel()
	refused := &client.Error{Kind: client.KindUnauthorized, Op: "send template", StatusCode: 401, Message: "Invalid API key or the API key is missing"}
	f := newCampaignFakeSender(func(context.Context, wire.Message) sendOutcome {
		return sendOutcome{Status: sendFailed, Err: refused}
	})
	run := testCampaignSender(f.send, 1).run(t.Context(), campaignJobs(5))
	if f.totalCalls() != 1 || run.stop != stopCredentials || run.notStarted != 4 {
		t.Errorf("%d sends, stop %v, %d not started; want 1, credentials, 4", f.totalCalls(), run.stop, run.notStarted)
	}
	if r := run.results["r004"]; r.Status != sendFailed || !strings.Contains(r.Error, "refused the credentials") {
		t.Errorf("r004 = %+v", r)
	}
}

// TestCampaignSendStopsOnRefusedStatusToken sends no more once the rate
// budget at the status receiver refuses the status token, and says so:
// the status token, not the API key.
func TestCampaignSendStopsOnRefusedStatusToken(t *testing.T) {
	t.Parallel()
	budget := &client.Error{Kind: client.KindUnauthorized, Op: "rate budget", StatusCode: 401, Receiver: true}
	refused := &client.Error{Kind: client.KindUnsent, Op: "send template", Err: fmt.Errorf("the rate budget cannot be reached: %w", budget)}
	f := newCampaignFakeSender(func(context.Context, wire.Message) sendOutcome {
		return sendOutcome{Status: sendFailed, Err: refused}
	})
	run := testCampaignSender(f.send, 1).run(t.Context(), campaignJobs(5))
	if f.totalCalls() != 1 || run.stop != stopStatusToken || run.notStarted != 4 {
		t.Errorf("%d sends, stop %v, %d not started; want 1, status token, 4", f.totalCalls(), run.stop, run.notStarted)
	}
	if r := run.results["r004"]; r.Status != sendFailed || !strings.Contains(r.Error, "the status receiver refused the status token") {
		t.Errorf("r004 = %+v", r)
	}
	if d := run.stopDetail(); !strings.Contains(d, "status_token") || !strings.Contains(d, envStatusToken) || strings.Contains(d, "api_key") {
		t.Errorf("stop detail = %q", d)
	}
}

// campaignLogBuffer is a bytes.Buffer safe for the logger's concurrent writes.
type campaignLogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *campaignLogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *campaignLogBuffer) entries(t *testing.T) []map[string]any {
	b.mu.Lock()
	defer b.mu.Unlock()
	entries, err := tflogtest.MultilineJSONDecode(bytes.NewReader(b.buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

// TestCampaignSendLogsProgressWithoutNumbers logs done/total, failures and
// an ETA at INFO, and phone numbers only at TRACE.
func TestCampaignSendLogsProgressWithoutNumbers(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var logs campaignLogBuffer
		// Masked and with a field, as every context of a provider call:
		// concurrent logging through one such context would race (go test
		// -race).
		ctx := tflog.SetField(tflogtest.RootLogger(t.Context(), &logs), "tf_req_id", "test")
		ctx = maskSecrets(ctx, []string{testAPIKey})
		f := newCampaignFakeSender(func(ctx context.Context, m wire.Message) sendOutcome {
			time.Sleep(time.Second)
			tflog.Debug(ctx, "fake send", map[string]any{"authorization": "Basic " + testAPIKey})
			if m.PhoneNumber == "9800000003" {
				return sendOutcome{Status: sendRejected, Err: errors.New("rejected")}
			}
			return campaignSentOK(ctx, m)
		})
		s := testCampaignSender(f.send, 3)
		s.progress = 5 * time.Second
		jobs := campaignJobs(36)
		s.run(ctx, jobs)

		var progress []map[string]any
		for _, e := range logs.entries(t) {
			if e["@message"] == "campaign progress" {
				progress = append(progress, e)
			}
			if e["@level"] == "trace" {
				continue
			}
			line := fmt.Sprint(e)
			if strings.Contains(line, testAPIKey) {
				t.Errorf("API key logged: %s", line)
			}
			for _, job := range jobs {
				if strings.Contains(line, job.message.PhoneNumber) {
					t.Errorf("phone number logged at %v: %s", e["@level"], line)
				}
			}
		}
		if len(progress) < 2 {
			t.Fatalf("%d progress lines, want one every 5 s of a 12 s campaign", len(progress))
		}
		first := progress[0]
		if first["@level"] != "info" || first["total"] != float64(36) || first["done"] == nil || first["eta"] == nil {
			t.Errorf("progress line = %v", first)
		}
		if last := progress[len(progress)-1]; last["failed"] != float64(1) {
			t.Errorf("last progress line = %v, want 1 failure counted", last)
		}
	})
}
