package provider

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
	"github.com/interakt-community/terraform-provider-interakt/internal/receiver"
)

// testRunBlock matches the start of a run block in a .tftest.hcl file.
var testRunBlock = regexp.MustCompile(`(?m)^run "`)

// guideExample is a guide's example folder (main.tf and tests/*.tftest.hcl)
// copied into the working directory of a Terraform CLI that serves this
// provider in process.
type guideExample struct {
	cli *cliTerraform
	dir string // the example folder in the repository
	// runs counts the run blocks of every test file.
	runs int
}

// newGuideExample prepares examples/guides/<name> for the CLI, replacing in
// its test files each old string of oldNew with the new one that follows it.
// It skips unless TF_ACC is set, like the acceptance tests.
func newGuideExample(t *testing.T, name string, oldNew ...string) *guideExample {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "examples", "guides", name))
	if err != nil {
		t.Fatal(err)
	}
	config, err := os.ReadFile(filepath.Join(dir, "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	testFiles, err := filepath.Glob(filepath.Join(dir, "tests", "*.tftest.hcl"))
	if err != nil || len(testFiles) == 0 {
		t.Fatalf("no test files in %s/tests (%v)", dir, err)
	}

	cli := newCLITerraform(t, testSeams(), string(config))
	ex := &guideExample{cli: cli, dir: dir}
	replacer := strings.NewReplacer(oldNew...)
	replaced := map[string]bool{}
	if err := os.MkdirAll(filepath.Join(cli.dir, "tests"), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, f := range testFiles {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		ex.runs += len(testRunBlock.FindAll(data, -1))
		for i := 0; i < len(oldNew); i += 2 {
			if strings.Contains(string(data), oldNew[i]) {
				replaced[oldNew[i]] = true
			}
		}
		text := replacer.Replace(string(data))
		if err := os.WriteFile(filepath.Join(cli.dir, "tests", filepath.Base(f)), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if ex.runs == 0 {
		t.Fatalf("the test files in %s/tests have no run blocks", dir)
	}
	for i := 0; i < len(oldNew); i += 2 {
		if !replaced[oldNew[i]] {
			t.Fatalf("no test file in %s/tests holds %q", dir, oldNew[i])
		}
	}
	return ex
}

// check expects the example to be formatted and valid without warnings.
func (ex *guideExample) check(t *testing.T) {
	t.Helper()
	if out, err := ex.cli.run("fmt", "-check", "-recursive", "-diff", "-no-color", ex.dir); err != nil {
		t.Errorf("terraform fmt -check %s:\n%s", ex.dir, out)
	}
	if diags := ex.cli.validate(); len(diags) != 0 {
		t.Errorf("terraform validate:\n%s", cliDiagString(diags))
	}
}

// test runs `terraform test` with args and expects every run to pass.
func (ex *guideExample) test(t *testing.T, args ...string) {
	t.Helper()
	out, err := ex.cli.run(append([]string{"test", "-no-color"}, args...)...)
	if err != nil {
		t.Fatalf("terraform test: %v\n%s", err, out)
	}
	if want := fmt.Sprintf("Success! %d passed, 0 failed.", ex.runs); !strings.Contains(out, want) {
		t.Errorf("terraform test: want %q in its output:\n%s", want, out)
	}
}

// TestAccGuideValidateInCI runs the example of the "Validate payloads in CI
// without credentials" guide the way its pipeline does: the configuration is
// formatted and valid, and `terraform test` passes every run with no API key
// and no network.
func TestAccGuideValidateInCI(t *testing.T) {
	t.Parallel()
	ex := newGuideExample(t, "validate-in-ci")
	ex.check(t)
	ex.test(t)
}

// mockGuideURL is where the mock guide's test file expects interakt-mock.
const mockGuideURL = "http://127.0.0.1:8081"

// TestAccGuideMock runs the example of the "Test against the bundled mock"
// guide against the mock, at the mock's address instead of the fixed one
// the guide starts it on: two applies send the three messages once.
func TestAccGuideMock(t *testing.T) {
	t.Parallel()
	if cli := acceptanceCLI(t); cli.name == "OpenTofu" {
		t.Skipf("OpenTofu %s: an assert cannot refer to an earlier run's outputs (run.<name>.<output>), which the guide's second run compares", cli.version)
	}
	srv := newTestMock(t, mock.Options{APIKey: mock.DefaultAPIKey})
	ex := newGuideExample(t, "mock", `"`+mockGuideURL+`"`, `"`+srv.URL()+`"`)
	ex.check(t)
	ex.test(t)
	if got := srv.SentCount(); got != 3 {
		t.Errorf("the mock received %d messages, want 3: one test send and two campaign recipients, each once", got)
	}
}

// mistakesExample prepares examples/guides/validate-in-ci/mistakes/<name>
// for the CLI with its files under their own names, so that diagnostics
// point at the lines the guide quotes.
func mistakesExample(t *testing.T, name string) *cliTerraform {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "examples", "guides", "validate-in-ci", "mistakes", name))
	if err != nil {
		t.Fatal(err)
	}
	cli := newCLITerraform(t, testSeams(), exampleConfig(t, "guides/validate-in-ci/mistakes/"+name))
	for _, file := range []string{"main.tf", "smoke.tf"} {
		data, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(cli.dir, file), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := cli.run("fmt", "-check", "-diff", "-no-color", dir); err != nil {
		t.Errorf("terraform fmt -check %s:\n%s", dir, out)
	}
	return cli
}

// TestAccGuideValidateInCIMistakes holds what the validate-in-CI guide shows
// of its two mistaken configurations: `terraform validate` reports the
// phone number with its country code and the fourth button payload, and
// only those; the wrong count of body values, which needs the template's
// contract, passes validate and is an error of `terraform plan`, with no
// API key.
func TestAccGuideValidateInCIMistakes(t *testing.T) {
	t.Parallel()
	t.Run("validate", func(t *testing.T) {
		t.Parallel()
		cli := mistakesExample(t, "validate")
		diags := cli.validate()
		if findCLIDiag(diags, "error", "Invalid Phone Number", `phone_number   = "+91 99999 99999"`) == nil ||
			findCLIDiag(diags, "error", "Too Many Button Payloads", "button_payload = ") == nil || len(diags) != 2 {
			t.Errorf("terraform validate: want Invalid Phone Number and Too Many Button Payloads only, got:\n%s", cliDiagString(diags))
		}
	})
	t.Run("plan", func(t *testing.T) {
		t.Parallel()
		cli := mistakesExample(t, "plan")
		if diags := cli.validate(); len(diags) != 0 {
			t.Errorf("terraform validate: want no diagnostics, got:\n%s", cliDiagString(diags))
		}
		diags := cli.plan()
		var errs []cliDiagnostic
		for _, d := range diags {
			if d.Severity == "error" {
				errs = append(errs, d)
			}
		}
		if findCLIDiag(errs, "error", "Wrong Number of Body Values", `body_values   = ["Asha"]`) == nil || len(errs) != 1 {
			t.Errorf("terraform plan: want Wrong Number of Body Values only, got:\n%s", cliDiagString(diags))
		}
	})
}

// TestAccGuideOngoingCampaigns applies the example of the "Testing an
// ongoing campaign from CI" guide against the mock with an ongoing campaign
// and the status receiver: the first apply fires the event once and the
// campaign's message reaches the receiver by webhook, a re-apply fires
// nothing, and a new release fires the event once more.
func TestAccGuideOngoingCampaigns(t *testing.T) {
	t.Parallel()
	rcv := startTestReceiver(t)
	srv := newTestMock(t, mock.Options{
		WebhookURL:    rcv.url + receiver.DefaultWebhookPath,
		WebhookSecret: testWebhookSecret,
		WebhookDelays: &mock.Delays{Sent: 0, Delivered: 20 * time.Millisecond, Read: 40 * time.Millisecond},
		OngoingCampaigns: []mock.OngoingCampaign{
			{Event: "order_placed", Template: "order_shipped", BodyTraits: []string{"name", "order_id"}},
		},
	})
	env := &testEnv{}
	env.set(envAPIKey, testAPIKey)
	env.set(envBaseURL, srv.URL())
	env.set(envStatusURL, rcv.url)
	env.set(envStatusToken, testStatusToken)
	cli := newCLITerraform(t, env.seams(), exampleConfig(t, "guides/ongoing-campaigns"))
	apply := func(args ...string) string {
		t.Helper()
		out, err := cli.run(append([]string{"apply", "-auto-approve", "-input=false", "-no-color"}, args...)...)
		if err != nil {
			t.Fatalf("terraform apply %v: %v\n%s", args, err, out)
		}
		return out
	}
	out := apply()
	if strings.Contains(out, "Check block assertion failed") || strings.Contains(out, "Warning:") {
		t.Errorf("the guide's apply warned or its check failed:\n%s", out)
	}
	if got := cli.stateAttribute("data.interakt_message_status.campaign", "status"); got != "delivered" && got != "read" {
		t.Errorf("the check's message status = %v; want delivered or read", got)
	}
	if n := len(srv.TrackUserRequests()); n != 1 {
		t.Errorf("the QA user was upserted %d times, want 1", n)
	}
	if n := len(srv.TrackedEvents()); n != 1 {
		t.Fatalf("the first apply fired %d events, want 1", n)
	}
	if err := srv.WaitWebhooks(t.Context()); err != nil {
		t.Fatal(err)
	}
	msgs := srv.CampaignMessages()
	if len(msgs) != 1 || strings.Join(msgs[0].Message.Template.BodyValues, "|") != "Asha|A-1001" {
		t.Fatalf("the ongoing campaign sent %+v", msgs)
	}
	delivered := 0
	for _, d := range srv.WebhookDeliveries() {
		if d.MessageID == msgs[0].ID && d.Delivered {
			delivered++
		}
	}
	if delivered != 3 {
		t.Errorf("the receiver took %d of the campaign message's 3 webhooks", delivered)
	}
	apply()
	if n := len(srv.TrackedEvents()); n != 1 {
		t.Errorf("a plain re-apply fired an event: %d in all", n)
	}
	apply("-var", "release=43")
	if n := len(srv.TrackedEvents()); n != 2 {
		t.Errorf("a new release fired %d events in all, want 2", n)
	}
}

// guidePhone is the QA user's number in the ongoing-campaigns guide.
const guidePhone = "9845012345"

// TestAccGuideOngoingCampaignsRefusedWebhooks applies the ongoing-campaigns
// guide's example when the receiver refuses the campaign's webhooks (the
// mock signs them with another secret), after an earlier test send of the
// same template to the QA user was delivered and read: the check fails
// (No Message Found in Time), and does not pass on the earlier message.
func TestAccGuideOngoingCampaignsRefusedWebhooks(t *testing.T) {
	t.Parallel()
	rcv := startTestReceiver(t)
	earlierMock := newWebhookMock(t, rcv)
	earlier := sendThroughMock(t, earlierMock, guidePhone, "")
	if err := earlierMock.WaitWebhooks(t.Context()); err != nil {
		t.Fatal(err)
	}
	if st, err := rcv.server.Store().Message(t.Context(), earlier); err != nil || st.Status.String() != "read" {
		t.Fatalf("the earlier test send at the receiver: %+v, %v; want read", st, err)
	}
	srv := newTestMock(t, mock.Options{
		WebhookURL:      rcv.url + receiver.DefaultWebhookPath,
		WebhookSecret:   "not-the-receivers-secret",
		WebhookDelays:   &mock.Delays{Sent: 0, Delivered: 20 * time.Millisecond, Read: 40 * time.Millisecond},
		WebhookAttempts: 1,
		OngoingCampaigns: []mock.OngoingCampaign{
			{Event: "order_placed", Template: "order_shipped", BodyTraits: []string{"name", "order_id"}},
		},
	})
	env := &testEnv{}
	env.set(envAPIKey, testAPIKey)
	env.set(envBaseURL, srv.URL())
	env.set(envStatusURL, rcv.url)
	env.set(envStatusToken, testStatusToken)
	config := exampleConfig(t, "guides/ongoing-campaigns")
	const guideTimeout = `timeout  = "2m"`
	if !strings.Contains(config, guideTimeout) {
		t.Fatalf("the guide's check has no %s to shorten", guideTimeout)
	}
	cli := newCLITerraform(t, env.seams(), strings.Replace(config, guideTimeout, `timeout  = "3s"`, 1))
	out, err := cli.run("apply", "-auto-approve", "-input=false", "-no-color")
	if err != nil {
		t.Fatalf("terraform apply: %v\n%s", err, out)
	}
	if !strings.Contains(out, "Warning: No Message Found in Time") {
		t.Errorf("the guide's check did not fail with No Message Found in Time:\n%s", out)
	}
	if err := srv.WaitWebhooks(t.Context()); err != nil {
		t.Fatal(err)
	}
	msgs := srv.CampaignMessages()
	if len(msgs) != 1 {
		t.Fatalf("the ongoing campaign sent %d messages, want 1", len(msgs))
	}
	refused := 0
	for _, d := range srv.WebhookDeliveries() {
		if d.MessageID == msgs[0].ID && !d.Delivered && len(d.Attempts) == 1 && d.Attempts[0].Status == http.StatusUnauthorized {
			refused++
		}
	}
	if refused != 3 {
		t.Errorf("the receiver refused %d of the campaign message's 3 webhooks with 401, want all", refused)
	}
	state, err := cli.run("show", "-json", "-no-color")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(state, earlier) {
		t.Errorf("the state holds the earlier test send %s: the check found it", earlier)
	}
}
