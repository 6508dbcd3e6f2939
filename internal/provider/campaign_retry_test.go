package provider

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
)

// TestCampaignRetryUncertainShapes drives retry_uncertain's values
// through ValidateResourceConfig and a create's PlanResourceChange: null,
// empty, unknown as a whole or in an entry, and entries that name no
// attempt to retry. A value of another type never reaches the provider:
// Terraform refuses it (TestAccCampaignRetryUncertainFormerList).
func TestCampaignRetryUncertainShapes(t *testing.T) {
	t.Parallel()
	p := newProtocolServer(t, testSeams())
	withRetry := func(v any) map[string]any {
		cfg := validCampaign()
		cfg["retry_uncertain"] = v
		return cfg
	}
	tests := []struct {
		name  string
		value any
		plan  []wantDiag
	}{
		{name: "null", value: nil},
		{name: "empty map", value: map[string]any{}},
		{name: "an attempt id whose value is unknown", value: map[string]any{"asha": Unknown}},
		{name: "an entry set to null", value: map[string]any{"asha": nil}},
		{name: "unknown as a whole", value: Unknown},
		{name: "a key that names no recipient", value: map[string]any{"nobody": "x", "asha": "y"},
			plan: []wantDiag{
				{campaignWarn, "Unknown Recipient Key", `retry_uncertain["nobody"]`},
				{campaignWarn, "Nothing to Retry", `retry_uncertain["asha"]`},
				{campaignWarn, "Campaign will send 2 messages", "(none)"},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			expectCampaignDiags(t, "validate", p.validate(campaignType, withRetry(tt.value)), nil)
			plan := p.planCreate(campaignType, withRetry(tt.value))
			want := tt.plan
			if want == nil {
				want = []wantDiag{{campaignWarn, "Campaign will send 2 messages", "(none)"}}
			}
			expectCampaignDiags(t, "plan", plan.Diagnostics, want)
		})
	}
}

// expectCampaignDiags fails unless diags are exactly want, each with a
// detail.
func expectCampaignDiags(t *testing.T, stage string, diags []*tfprotov6.Diagnostic, want []wantDiag) {
	t.Helper()
	ok := len(diags) == len(want)
	for _, w := range want {
		if d := findDiag(diags, w); d == nil || d.Detail == "" {
			ok = false
		}
	}
	if !ok {
		t.Errorf("%s: got\n%swant %v", stage, diagString(diags), want)
	}
}

// TestRetryEntryWarnings warns at each entry that sends nothing, and is
// silent for an entry naming the recipient's uncertain attempt.
func TestRetryEntryWarnings(t *testing.T) {
	t.Parallel()
	prior := map[string]recipientResult{
		"ravi":  {Status: sendUncertain, AttemptID: "att-2"},
		"bela":  {Status: sendUncertain, AttemptID: "att-b"},
		"asha":  {Status: sendSent, MessageID: "id-asha", AttemptID: "att-asha"},
		"chen":  {Status: sendFailed, AttemptID: "att-chen"},
		"dara":  {Status: sendUncertain},
		"gone":  {Status: sendUncertain, AttemptID: "att-gone"},
		"queue": {Status: "queued", AttemptID: "att-q"},
	}
	recipients := map[string]recipientInput{"ravi": {}, "bela": {}, "asha": {}, "chen": {}, "dara": {}, "fern": {}, "queue": {}}
	entries := retryEntries{attempts: map[string]string{
		"ravi": "att-1", "bela": "att-b", "asha": "att-asha", "chen": "att-chen", "dara": "", "fern": "x", "gone": "att-gone",
		"queue": "att-q",
	}}
	diags := retryEntryWarnings(entries, prior, recipients)
	want := map[string]string{
		`retry_uncertain["ravi"]`: "Retry Entry Is Stale",
		`retry_uncertain["asha"]`: "Nothing to Retry",
		`retry_uncertain["chen"]`: "Nothing to Retry",
		`retry_uncertain["dara"]`: "Nothing to Retry",
		`retry_uncertain["fern"]`: "Nothing to Retry",
		`retry_uncertain["gone"]`: "Unknown Recipient Key",
	}
	got := map[string]string{}
	for _, d := range diags {
		if d.Severity().String() != "Warning" {
			t.Errorf("%s is a %s, want a warning", d.Summary(), d.Severity())
		}
		wp, ok := d.(diag.DiagnosticWithPath)
		if !ok {
			t.Errorf("%s has no attribute path", d.Summary())
			continue
		}
		got[wp.Path().String()] = d.Summary()
		if !strings.Contains(d.Detail(), "nothing") {
			t.Errorf("%s: the detail does not say that nothing is sent: %s", d.Summary(), d.Detail())
		}
	}
	if len(got) != len(want) || len(diags) != len(want) {
		t.Errorf("warnings %v, want %v", got, want)
	}
	for p, summary := range want {
		if got[p] != summary {
			t.Errorf("at %s: %q, want %q", p, got[p], summary)
		}
	}
	stale := ""
	for _, d := range diags {
		if d.Summary() == "Retry Entry Is Stale" {
			stale = d.Detail()
		}
	}
	if !strings.Contains(stale, `"att-1"`) || !strings.Contains(stale, `"att-2"`) {
		t.Errorf("the stale warning names neither the attempt named nor the current one: %s", stale)
	}

	// With the recipients not known yet, keys are not checked.
	if diags := retryEntryWarnings(retryEntries{attempts: map[string]string{"gone": "att-gone"}}, prior, nil); len(diags) != 0 {
		t.Errorf("recipients unknown: %v", diags)
	}
}

// retryCLI is a campaign applied by the Terraform CLI against a mock, with
// retry_uncertain set step by step from what the state holds.
type retryCLI struct {
	cli        *cliTerraform
	srv        *mock.Server
	recipients []campaignRecipient
	state      string
}

func newRetryCLI(t *testing.T, faults map[int]mock.Fault, recipients []campaignRecipient) *retryCLI {
	t.Helper()
	srv := newTestMock(t, mock.Options{Faults: mock.Faults{ByRequest: faults}})
	c := &retryCLI{srv: srv, recipients: recipients}
	c.cli = newCLITerraform(t, testSeams(), c.config(""))
	c.state = filepath.Join(c.cli.dir, "terraform.tfstate")
	return c
}

// config is the campaign with retry (HCL lines of the resource, or "").
func (c *retryCLI) config(retry string) string {
	return faultRequiredProviders + campaignHCL(c.srv, fmt.Sprintf("  api_key = %q\n", testAPIKey), retry, c.recipients)
}

// apply applies the campaign with retry and returns the diagnostics and
// how many send requests the mock received during the apply.
func (c *retryCLI) apply(t *testing.T, retry string) ([]cliDiagnostic, int, error) {
	t.Helper()
	c.cli.write(c.config(retry))
	before := len(c.srv.SendRequests())
	diags, err := faultApply(c.cli)
	return diags, len(c.srv.SendRequests()) - before, err
}

// mustApply applies and fails the test unless the apply succeeds with
// exactly wantRequests send requests.
func (c *retryCLI) mustApply(t *testing.T, step, retry string, wantRequests int) []cliDiagnostic {
	t.Helper()
	diags, requests, err := c.apply(t, retry)
	if err != nil {
		t.Fatalf("%s: the apply failed: %v\n%s", step, err, cliDiagString(diags))
	}
	if requests != wantRequests {
		t.Fatalf("%s: the mock received %d send requests, want %d\n%s", step, requests, wantRequests, cliDiagString(diags))
	}
	return diags
}

// result returns the result of the first recipient, r000, in the state
// file.
func (c *retryCLI) result(t *testing.T) map[string]any {
	t.Helper()
	r, ok := campaignStateResults(t, c.state)["r000"]
	if !ok {
		t.Fatal("no result for r000 in state")
	}
	return r
}

// retryMap is retry_uncertain as HCL lines, one entry a line.
func retryMap(keyAttempt ...string) string {
	var b strings.Builder
	b.WriteString("  retry_uncertain = {\n")
	for i := 0; i+1 < len(keyAttempt); i += 2 {
		fmt.Fprintf(&b, "    %s = %q\n", keyAttempt[i], keyAttempt[i+1])
	}
	b.WriteString("  }\n")
	return b.String()
}

// expectUncertain fails unless key's result is uncertain, and returns its
// attempt id.
func expectUncertain(t *testing.T, step string, r map[string]any) string {
	t.Helper()
	attempt, _ := r["attempt_id"].(string)
	if r["status"] != sendUncertain || r["message_id"] != nil || attempt == "" {
		t.Fatalf("%s: result %v, want uncertain with an attempt_id and no message_id", step, r)
	}
	return attempt
}

// TestAccCampaignRetryUncertainOnce retries an uncertain recipient by
// naming its attempt: the retry is one request; when it is uncertain too,
// the same entry sends nothing and warns at the entry; naming the new
// attempt sends once more; and once sent, the entry warns and sends nothing.
func TestAccCampaignRetryUncertainOnce(t *testing.T) {
	t.Parallel()
	c := newRetryCLI(t, map[int]mock.Fault{1: mock.FaultDropAfterBody, 2: mock.Fault500}, campaignRecipients(1))

	c.mustApply(t, "first apply", "", 1)
	first := expectUncertain(t, "first apply", c.result(t))

	c.mustApply(t, "plain apply", "", 0)

	diags := c.mustApply(t, "retry", retryMap("r000", first), 1)
	if findCLIDiag(diags, "warning", "Campaign will send 1 message", "") == nil {
		t.Errorf("retry: no plan warning of the send:\n%s", cliDiagString(diags))
	}
	second := expectUncertain(t, "retry (uncertain again)", c.result(t))
	if second == first {
		t.Fatalf("the uncertain retry kept attempt_id %s; it must have a new one", first)
	}

	diags = c.mustApply(t, "the same entry again", retryMap("r000", first), 0)
	stale := findCLIDiag(diags, "warning", "Retry Entry Is Stale", "r000 =")
	if stale == nil {
		t.Fatalf("the same entry again: no warning at the entry:\n%s", cliDiagString(diags))
	}
	if !strings.Contains(stale.Detail, first) || !strings.Contains(stale.Detail, second) {
		t.Errorf("the stale warning names neither %s nor %s: %s", first, second, stale.Detail)
	}
	if got := expectUncertain(t, "the same entry again", c.result(t)); got != second {
		t.Errorf("attempt_id changed to %s without a send", got)
	}

	c.mustApply(t, "naming the new attempt", retryMap("r000", second), 1)
	sent := c.result(t)
	accepted := c.srv.Sent()
	if sent["status"] != sendSent || len(accepted) == 0 || sent["message_id"] != accepted[len(accepted)-1].ID {
		t.Fatalf("after naming the new attempt: result %v, want sent with the mock's last id", sent)
	}

	diags = c.mustApply(t, "the entry of a sent recipient", retryMap("r000", second), 0)
	if findCLIDiag(diags, "warning", "Nothing to Retry", "r000 =") == nil {
		t.Errorf("the entry of a sent recipient: no warning at the entry:\n%s", cliDiagString(diags))
	}
	if got := len(c.srv.SendRequests()); got != 3 {
		t.Errorf("the mock received %d send requests in all, want 3 (one send, two retries)", got)
	}
}

// TestAccCampaignRetryUncertainFormerList: the form retry_uncertain had
// before the first release, a list of keys, gets Terraform's own type
// error, and nothing is sent.
func TestAccCampaignRetryUncertainFormerList(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{})
	campaignAccTest(t, resource.TestStep{
		Config:      campaignHCL(srv, "", "  retry_uncertain = [\"r000\"]\n", campaignRecipients(1)),
		ExpectError: regexp.MustCompile(`(?s)Inappropriate value for attribute "retry_uncertain".*map of string required`),
	})
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("the mock received %d requests, want none", n)
	}
}

// TestAccCampaignRetryUncertainEntryWarns names the attempt of a sent
// recipient and a key that is no recipient: both warn at their entry at
// plan, and the apply sends nothing.
func TestAccCampaignRetryUncertainEntryWarns(t *testing.T) {
	t.Parallel()
	c := newRetryCLI(t, nil, campaignRecipients(2))
	c.mustApply(t, "first apply", "", 2)
	attempt, _ := c.result(t)["attempt_id"].(string)
	if attempt == "" {
		t.Fatal("a sent result has no attempt_id")
	}
	retry := retryMap("r000", attempt, "nobody", "x")
	c.cli.write(c.config(retry))
	diags := c.cli.plan()
	nothing := findCLIDiag(diags, "warning", "Nothing to Retry", "r000 =")
	if nothing == nil || findCLIDiag(diags, "warning", "Unknown Recipient Key", "nobody =") == nil {
		t.Fatalf("plan: want a warning at each entry:\n%s", cliDiagString(diags))
	}
	if !strings.Contains(nothing.Detail, `results["r000"] is sent`) {
		t.Errorf("the warning does not say the recipient is sent: %s", nothing.Detail)
	}
	for _, d := range diags {
		if d.Severity == "error" || strings.HasPrefix(d.Summary, "Campaign will send") {
			t.Errorf("plan: %s %s", d.Severity, d.Summary)
		}
	}
	c.mustApply(t, "apply", retry, 0)
	if r := c.result(t); r["attempt_id"] != attempt || r["status"] != sendSent {
		t.Errorf("the sent result changed: %v", r)
	}
}

// TestNotSentWarningShowsRetryEntries shows, after an apply that left
// recipients uncertain, the retry_uncertain entries that would retry them.
func TestNotSentWarningShowsRetryEntries(t *testing.T) {
	t.Parallel()
	run := campaignRun{results: map[string]recipientResult{
		"asha": {Status: sendSent, MessageID: "id-asha", AttemptID: "att-asha"},
		"ravi": {Status: sendUncertain, Error: "EOF", AttemptID: "att-ravi"},
		"bela": {Status: sendFailed, Error: "not sent: apply was interrupted"},
	}}
	_, detail := notSentWarning(run, 3)
	want := "  retry_uncertain = {\n    ravi = \"att-ravi\"\n  }\n"
	if !strings.Contains(detail, want) || strings.Contains(detail, "att-asha") {
		t.Errorf("detail does not show exactly ravi's entry:\n%s", detail)
	}
	run.results["ravi"] = recipientResult{Status: sendFailed, Error: "x"}
	if _, detail := notSentWarning(run, 3); strings.Contains(detail, "retry_uncertain = {") {
		t.Errorf("an entry is shown with no uncertain recipient:\n%s", detail)
	}
}
