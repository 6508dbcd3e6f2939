package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
	"github.com/interakt-community/terraform-provider-interakt/internal/receiver"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// killRuns is how many times the TestAccCampaignKillRecovery tests kill an
// apply, together.
const killRuns = 20

// killRecipients is how many recipients each killed campaign has.
const killRecipients = 60

// killTotals adds up what the kill runs saw, for the log.
type killTotals struct {
	runs, answeredBeforeKill, inFlightAtKill, sentAfterKill int
	sent, uncertain, doubles                                int
	// answeredUncertain counts answers the mock wrote before the kill that
	// the provider had not yet recorded (local journal, no receiver).
	answeredUncertain int
}

// The TestAccCampaignKillRecovery tests kill Terraform's whole process
// group (Terraform and the provider plugin, as a CI runner ending a job
// does) with SIGKILL at a random moment of a 60-recipient campaign whose
// every answer the mock holds 100 to 300 ms, and apply again: in the same
// directory for half the runs, and for the other half in a fresh directory
// that has only the state file and the configuration, with the status
// receiver keeping the send journal. Half the killed applies are the
// campaign's first (no state yet), half an update adding 50 recipients.
// The killRuns runs are split into four tests, one for each kind of run,
// each with its own mock and receiver, so that they run beside the rest of
// the suite. Across all runs:
//
//   - no phone number gets two messages at the mock;
//   - every recipient whose answer the mock wrote before the kill is sent,
//     in state, with the mock's id;
//   - every other recipient is sent exactly once by the next apply, or is
//     uncertain (its request was recorded but never reached the mock, or
//     no webhook accounts for it), and is never sent by itself.
func TestAccCampaignKillRecovery_firstApply(t *testing.T) {
	t.Parallel()
	campaignKillRecovery(t, false, true)
}

func TestAccCampaignKillRecovery_firstApplyFreshDir(t *testing.T) {
	t.Parallel()
	campaignKillRecovery(t, true, true)
}

func TestAccCampaignKillRecovery_update(t *testing.T) {
	t.Parallel()
	campaignKillRecovery(t, false, false)
}

func TestAccCampaignKillRecovery_updateFreshDir(t *testing.T) {
	t.Parallel()
	campaignKillRecovery(t, true, false)
}

// campaignKillRecovery runs those of the killRuns runs whose apply after
// the kill is in a fresh directory or not, and whose killed apply is the
// campaign's first or not: run%2 says fresh, (run/2)%2 an update.
func campaignKillRecovery(t *testing.T, fresh, first bool) {
	rcv := startTestReceiver(t)
	c := newCampaignCLI(t)
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Minute)
	defer cancel()
	c.ctx = ctx
	c.srv = newTestMock(t, mock.Options{
		RateLimit:     -1,
		WebhookURL:    rcv.url + receiver.DefaultWebhookPath,
		WebhookSecret: testWebhookSecret,
		WebhookDelays: &mock.Delays{Sent: 0, Delivered: 10 * time.Millisecond, Read: 20 * time.Millisecond},
		Faults:        mock.Faults{AnswerDelayMin: 100 * time.Millisecond, AnswerDelayMax: 300 * time.Millisecond},
	})
	env := append(slices.Clone(c.env), envStatusToken+"="+testStatusToken)
	providerExtra := fmt.Sprintf("  rate_limit_per_minute = 100000\n  status_url = %q\n", rcv.url)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 12))

	var totals killTotals
	for run := range killRuns {
		if fresh != (run%2 == 1) || first != ((run/2)%2 == 0) {
			continue
		}
		t.Run(fmt.Sprintf("run%02d_fresh=%v_first=%v", run, fresh, first), func(t *testing.T) {
			killRecoveryRun(t, c, env, providerExtra, rng, killRun{n: run, fresh: fresh, first: first, settles: true}, &totals)
		})
	}
	t.Logf("kill totals over %d runs of %d recipients: %d answered before the kill (all sent in state with the mock's id), "+
		"%d in flight at the kill, %d sent after the kill, %d sent and %d uncertain in the final state, %d recipients with two messages",
		totals.runs, killRecipients, totals.answeredBeforeKill, totals.inFlightAtKill, totals.sentAfterKill,
		totals.sent, totals.uncertain, totals.doubles)
	if totals.doubles != 0 {
		t.Errorf("%d recipients got two messages", totals.doubles)
	}
}

// The TestAccCampaignKillRecoveryLocal tests are the kill tests without a
// status receiver: the journal lives in the working directory's .terraform
// folder, and each run applies again in the same directory. Nobody is
// messaged twice. A recipient whose answer the mock wrote in the instant
// before the kill, before the provider recorded it, cannot be settled
// without a receiver and is uncertain; the tests count them. Their six
// runs are split into two tests: killed first applies, killed updates.
func TestAccCampaignKillRecoveryLocal_firstApply(t *testing.T) {
	t.Parallel()
	campaignKillRecoveryLocal(t, true)
}

func TestAccCampaignKillRecoveryLocal_update(t *testing.T) {
	t.Parallel()
	campaignKillRecoveryLocal(t, false)
}

// campaignKillRecoveryLocal runs those of the six local runs whose killed
// apply is the campaign's first or not (run%2).
func campaignKillRecoveryLocal(t *testing.T, first bool) {
	c := newCampaignCLI(t)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
	defer cancel()
	c.ctx = ctx
	c.srv = newTestMock(t, mock.Options{
		RateLimit: -1,
		Faults:    mock.Faults{AnswerDelayMin: 100 * time.Millisecond, AnswerDelayMax: 300 * time.Millisecond},
	})
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 13))
	var totals killTotals
	for run := range 6 {
		if first != (run%2 == 0) {
			continue
		}
		t.Run(fmt.Sprintf("run%02d_first=%v", run, first), func(t *testing.T) {
			killRecoveryRun(t, c, c.env, "  rate_limit_per_minute = 100000\n", rng, killRun{n: run, first: first}, &totals)
			if _, err := os.Stat(filepath.Join(c.dir, fmt.Sprintf("run%02d", run), ".terraform", journalFolder)); err != nil {
				t.Errorf("no local journal in the working directory: %v", err)
			}
		})
	}
	t.Logf("local journal, %d runs of %d recipients: %d answered before the kill (%d of them uncertain: answered in the "+
		"instant before the kill), %d in flight, %d sent after the kill, %d sent and %d uncertain at the end, %d recipients with two messages",
		totals.runs, killRecipients, totals.answeredBeforeKill, totals.answeredUncertain, totals.inFlightAtKill,
		totals.sentAfterKill, totals.sent, totals.uncertain, totals.doubles)
}

// killRun says how one kill run goes: its number (which picks its phone
// numbers and directory), whether the apply after the kill runs in a fresh
// directory, whether the killed apply is the campaign's first, and whether
// a status receiver settles uncertain sends.
type killRun struct {
	n                     int
	fresh, first, settles bool
}

// killRecoveryRun is one run of a kill test, in a directory of its own
// with phone numbers of its own.
func killRecoveryRun(t *testing.T, c *campaignCLI, env []string, providerExtra string, rng *rand.Rand, kr killRun, totals *killTotals) {
	srv, run, fresh, first := c.srv, kr.n, kr.fresh, kr.first
	recipients := make([]campaignRecipient, killRecipients)
	for i := range recipients {
		recipients[i] = campaignRecipient{key: fmt.Sprintf("r%03d", i), phone: fmt.Sprintf("97%02d%06d", run, i), name: fmt.Sprintf("Name %d", i)}
	}
	work := filepath.Join(c.dir, fmt.Sprintf("run%02d", run))
	write := func(dir string, rs []campaignRecipient) {
		writeFile(t, filepath.Join(dir, "main.tf"),
			"terraform {\n  required_providers {\n    interakt = { source = \"interakt-community/interakt\" }\n  }\n}\n\n"+
				campaignHCL(srv, providerExtra, "", rs))
	}
	terraform := func(dir string, args ...string) *exec.Cmd {
		cmd := c.command(env, args...)
		cmd.Dir = dir
		return cmd
	}
	if !first {
		write(work, recipients[:10])
		if out, err := terraform(work, "apply", "-auto-approve").CombinedOutput(); err != nil {
			t.Fatalf("first apply: %v\n%s", err, out)
		}
	}
	write(work, recipients)
	before := len(srv.SendRequests())

	killed := startKillable(t, terraform(work, "apply", "-auto-approve"))
	// A random moment of the campaign: from its first request to about
	// when the last would be answered.
	if err := waitFor(c.ctx, "the campaign's first request", func() (bool, string) {
		return len(srv.SendRequests()) > before, "none yet"
	}); err != nil {
		t.Fatalf("%v\n%s", err, killed.output.String())
	}
	time.Sleep(time.Duration(rng.Int64N(int64(1200 * time.Millisecond))))
	killAt := time.Now()
	killed.kill(t)
	if !killed.wasKilled() {
		// The apply finished before the kill: a run without a kill proves
		// nothing about recovery, but must still hold what follows.
		t.Logf("the apply ended before the kill: %v", killed.cmd.ProcessState)
	}
	if err := campaignWaitGone(c.ctx, c.plugin); err != nil {
		t.Fatal(err)
	}
	if err := waitFor(c.ctx, "the mock to finish the killed run's requests", func() (bool, string) {
		for _, r := range srv.SendRequests()[before:] {
			if !r.Done {
				return false, fmt.Sprintf("request %d not done", r.N)
			}
		}
		return true, ""
	}); err != nil {
		t.Fatal(err)
	}
	answered := map[string]string{} // phone -> the mock's id, answered before the kill
	inFlight := 0
	atKill := len(srv.SendRequests())
	for _, r := range srv.SendRequests()[before:] {
		switch {
		case r.Sent && !r.AnsweredAt.IsZero() && r.AnsweredAt.Before(killAt):
			answered[killPhone(t, r)] = r.MessageID
		case r.At.Before(killAt):
			inFlight++
		}
	}
	if kr.settles {
		if err := srv.WaitWebhooks(c.ctx); err != nil {
			t.Fatal(err)
		}
	}

	dir := work
	if fresh {
		// Another runner: the state file and the configuration only.
		dir = filepath.Join(c.dir, fmt.Sprintf("run%02d-fresh", run))
		if state, err := os.ReadFile(filepath.Join(work, "terraform.tfstate")); err == nil {
			writeFile(t, filepath.Join(dir, "terraform.tfstate"), string(state))
		}
		write(dir, recipients)
	}
	// The answered sends the state lacks: a kill that landed after
	// Terraform saved the state leaves none to adopt.
	unsaved := 0
	saved := savedCampaignResults(filepath.Join(dir, "terraform.tfstate"))
	for _, r := range recipients {
		if answered[r.phone] != "" && saved[r.key]["status"] != sendSent {
			unsaved++
		}
	}
	out, err := terraform(dir, "apply", "-auto-approve").CombinedOutput()
	if err != nil {
		t.Fatalf("apply after the kill: %v\n%s", err, out)
	}
	if unsaved > 0 && !bytes.Contains(out, []byte("Campaign Adopts")) {
		t.Errorf("the apply after the kill does not say it adopts the killed run's %d answered sends:\n%s", unsaved, out)
	}
	if kr.settles {
		if err := srv.WaitWebhooks(c.ctx); err != nil {
			t.Fatal(err)
		}
		// A refresh settles, from the receiver's webhooks, the sends whose
		// answers the kill lost.
		if out, err := terraform(dir, "apply", "-refresh-only", "-auto-approve").CombinedOutput(); err != nil {
			t.Fatalf("refresh after the kill: %v\n%s", err, out)
		}
	}

	sentIDs := map[string][]string{}
	for _, m := range srv.Sent() {
		sentIDs[m.Message.PhoneNumber] = append(sentIDs[m.Message.PhoneNumber], m.ID)
	}
	results := campaignStateResults(t, filepath.Join(dir, "terraform.tfstate"))
	if len(results) != len(recipients) {
		t.Errorf("state has %d results, want %d", len(results), len(recipients))
	}
	totals.runs++
	totals.answeredBeforeKill += len(answered)
	totals.inFlightAtKill += inFlight
	totals.sentAfterKill += len(srv.SendRequests()) - atKill
	for _, r := range recipients {
		ids, res := sentIDs[r.phone], results[r.key]
		switch {
		case len(ids) > 1:
			totals.doubles++
			t.Errorf("%s got %d messages", r.key, len(ids))
		case answered[r.phone] != "" && !kr.settles && res["status"] == sendUncertain:
			totals.answeredUncertain++
		case answered[r.phone] != "" && (res["status"] != sendSent || res["message_id"] != answered[r.phone]):
			t.Errorf("%s was answered %s before the kill, and is %v in state", r.key, answered[r.phone], res)
		case len(ids) == 1 && res["status"] == sendSent && res["message_id"] != ids[0]:
			t.Errorf("%s is sent with id %v, the mock's is %s", r.key, res["message_id"], ids[0])
		case len(ids) == 1 && res["status"] != sendSent && res["status"] != sendUncertain:
			t.Errorf("%s reached the mock and is %v", r.key, res)
		case len(ids) == 0 && res["status"] != sendUncertain:
			t.Errorf("%s never reached the mock and is %v, want uncertain (recorded, never sent by itself)", r.key, res)
		}
		switch res["status"] {
		case sendSent:
			totals.sent++
		case sendUncertain:
			totals.uncertain++
		}
	}
}

// killPhone is the phone number of a send request.
func killPhone(t *testing.T, r mock.Request) string {
	t.Helper()
	var msg wire.Message
	if err := json.Unmarshal(r.Body, &msg); err != nil {
		t.Fatalf("request %d: %v", r.N, err)
	}
	return msg.PhoneNumber
}

// campaignWaitGone waits until no live process runs the binary, so a test
// leaves no orphaned plugin behind.
func campaignWaitGone(ctx context.Context, binary string) error {
	var listErr error
	err := waitFor(ctx, "no process running "+binary, func() (bool, string) {
		pids, err := campaignProcessesOf(binary)
		if err != nil {
			listErr = err
			return true, ""
		}
		return len(pids) == 0, fmt.Sprintf("processes %v", pids)
	})
	if listErr != nil {
		return listErr
	}
	return err
}

// TestAccTemplateMessageKillRecovery kills Terraform while the mock holds
// a test send's request, which the mock then processes; the next apply,
// in the same directory, takes the recorded send into state as uncertain
// (its answer never arrived) and sends nothing. (Answered sends are taken
// in as sent through the same journal code, which the campaign kill tests
// exercise.)
func TestAccTemplateMessageKillRecovery(t *testing.T) {
	t.Parallel()
	c := newCampaignCLI(t)
	srv := c.srv
	config := func(phone string) string {
		return "terraform {\n  required_providers {\n    interakt = { source = \"interakt-community/interakt\" }\n  }\n}\n\n" +
			fmt.Sprintf("provider \"interakt\" {\n  base_url = %q\n}\n\n", srv.URL()) +
			fmt.Sprintf(`resource "interakt_template_message" "smoke" {
  template      = { name = "order_shipped", language_code = "en" }
  country_code  = "+91"
  phone_number  = %q
  header_values = ["A-1001"]
  body_values   = ["Asha", "A-1001"]
}
`, phone)
	}
	killAfter := func(t *testing.T, wait func() error) {
		t.Helper()
		killed := startKillable(t, c.command(c.env, "apply", "-auto-approve"))
		if err := wait(); err != nil {
			t.Fatalf("%v\n%s", err, killed.output.String())
		}
		killed.kill(t)
		if err := campaignWaitGone(c.ctx, c.plugin); err != nil {
			t.Fatal(err)
		}
	}
	apply := func(t *testing.T) string {
		t.Helper()
		out, err := c.command(c.env, "apply", "-auto-approve").CombinedOutput()
		if err != nil {
			t.Fatalf("apply after the kill: %v\n%s", err, out)
		}
		return string(out)
	}
	stateAttrs := func(t *testing.T) map[string]any {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(c.work, "terraform.tfstate"))
		if err != nil {
			t.Fatal(err)
		}
		var state struct {
			Resources []struct {
				Instances []struct {
					Attributes map[string]any `json:"attributes"`
				} `json:"instances"`
			} `json:"resources"`
		}
		if err := json.Unmarshal(data, &state); err != nil || len(state.Resources) != 1 || len(state.Resources[0].Instances) != 1 {
			t.Fatalf("state: %v\n%s", err, data)
		}
		return state.Resources[0].Instances[0].Attributes
	}

	t.Run("unanswered", func(t *testing.T) {
		writeFile(t, filepath.Join(c.work, "main.tf"), config("9811110001"))
		hold := srv.Hold(len(srv.SendRequests()) + 1)
		killAfter(t, func() error { return hold.WaitHeld(c.ctx) })
		hold.Release()
		if err := waitFor(c.ctx, "the held send to be processed", func() (bool, string) { return srv.SentCount() == 1, "" }); err != nil {
			t.Fatal(err)
		}
		out := apply(t)
		if !strings.Contains(out, "Test Send Adopted From a Stopped Apply") {
			t.Errorf("no adoption warning:\n%s", out)
		}
		if n := srv.SentCount(); n != 1 {
			t.Fatalf("the mock accepted %d sends, want 1", n)
		}
		if attrs := stateAttrs(t); attrs["status"] != sendUncertain || attrs["id"] != nil {
			t.Errorf("state after the kill: status %v id %v, want uncertain with no id", attrs["status"], attrs["id"])
		}
	})
}

// savedCampaignResults reads the campaign's results from a state file that
// a killed run may have left absent, empty or without the campaign.
func savedCampaignResults(name string) map[string]map[string]any {
	results, _ := readCampaignResults(name)
	return results
}
