package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
)

// TestCampaignRetryUncertainShapes drives retry_uncertain's forms through
// ValidateResourceConfig and a create's PlanResourceChange: a map of
// attempt ids is valid; a value of another shape is an error at validate;
// the former list of keys passes validate and is an error at plan, which
// shows the map to write.
func TestCampaignRetryUncertainShapes(t *testing.T) {
	t.Parallel()
	p := newProtocolServer(t, testSeams())
	withRetry := func(v any) map[string]any {
		cfg := validCampaign()
		cfg["retry_uncertain"] = v
		return cfg
	}
	tests := []struct {
		name     string
		value    any
		validate []wantDiag
		plan     []wantDiag
		// detail is a text the first diagnostic's detail holds.
		detail string
	}{
		{name: "null", value: nil},
		{name: "empty map", value: map[string]any{}},
		{name: "an attempt id whose value is unknown", value: map[string]any{"asha": Unknown}},
		{name: "unknown as a whole", value: Unknown},
		{name: "a number", value: map[string]any{"asha": 3},
			validate: []wantDiag{{campaignErr, "Invalid Retry Uncertain Value", `retry_uncertain["asha"]`}},
			detail:   `retry_uncertain["asha"] is a number`},
		{name: "a string", value: "asha",
			validate: []wantDiag{{campaignErr, "Invalid Retry Uncertain Value", "retry_uncertain"}},
			detail:   "retry_uncertain is a string"},
		{name: "a nested map", value: map[string]any{"asha": map[string]any{"id": "x"}},
			validate: []wantDiag{{campaignErr, "Invalid Retry Uncertain Value", `retry_uncertain["asha"]`}}},
		{name: "the former list of keys", value: []any{"asha"},
			plan:   []wantDiag{{campaignErr, "Retry Uncertain Takes Attempt IDs", "retry_uncertain"}},
			detail: "Not uncertain, so left out: asha (no result)."},
		{name: "an empty former list", value: []any{},
			plan: []wantDiag{{campaignErr, "Retry Uncertain Takes Attempt IDs", "retry_uncertain"}}},
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
			got := p.validate(campaignType, withRetry(tt.value))
			expectCampaignDiags(t, "validate", got, tt.validate)
			if len(tt.validate) > 0 {
				if len(got) > 0 && !strings.Contains(got[0].Detail, tt.detail) {
					t.Errorf("validate: the detail lacks %q: %s", tt.detail, got[0].Detail)
				}
				return
			}
			plan := p.planCreate(campaignType, withRetry(tt.value))
			if len(plan.Diagnostics) > 0 && !strings.Contains(plan.Diagnostics[0].Detail, tt.detail) {
				t.Errorf("plan: the detail lacks %q: %s", tt.detail, plan.Diagnostics[0].Detail)
			}
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

// TestListedRetryError shows, for the former list of keys, the map to
// write with the attempt ids the state holds, and why other keys are left
// out.
func TestListedRetryError(t *testing.T) {
	t.Parallel()
	prior := map[string]recipientResult{
		"ravi":   {Status: sendUncertain, AttemptID: "att-ravi"},
		"c-1002": {Status: sendUncertain, AttemptID: "att-c"},
		"9lives": {Status: sendUncertain, AttemptID: "att-9"},
		"asha":   {Status: sendSent, MessageID: "id-asha", AttemptID: "att-asha"},
		"old":    {Status: sendUncertain},
	}
	d := listedRetryError([]string{"ravi", "asha", "c-1002", "9lives", "ravi", "new", "old"}, prior)
	if d.Severity().String() != "Error" || d.Summary() != "Retry Uncertain Takes Attempt IDs" {
		t.Fatalf("diagnostic %s %q", d.Severity(), d.Summary())
	}
	wantBlock := "  retry_uncertain = {\n    ravi = \"att-ravi\"\n    c-1002 = \"att-c\"\n    \"9lives\" = \"att-9\"\n  }"
	for _, want := range []string{wantBlock, "Nothing was sent.",
		"Not uncertain, so left out: asha (sent), new (no result), old (its result records no attempt_id)."} {
		if !strings.Contains(d.Detail(), want) {
			t.Errorf("detail lacks %q:\n%s", want, d.Detail())
		}
	}

	d = listedRetryError([]string{"asha"}, prior)
	if !strings.Contains(d.Detail(), "No listed recipient has an uncertain result to retry, so remove retry_uncertain") ||
		strings.Contains(d.Detail(), "att-asha") {
		t.Errorf("with nothing to retry:\n%s", d.Detail())
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

// TestCampaignUpgradeStateV0 upgrades a version 0 state, whose
// retry_uncertain is a set of keys: the set is dropped and everything else,
// results included, is kept as it was.
func TestCampaignUpgradeStateV0(t *testing.T) {
	t.Parallel()
	p := newProtocolServer(t, testSeams())
	if v := p.schemas.ResourceSchemas[campaignType].Version; v != 1 {
		t.Fatalf("schema version %d, want 1", v)
	}
	raw := `{
  "id": "c-1", "callback_data": "launch", "resend_on_change": false,
  "retry_uncertain": ["ravi"],
  "results": {
    "ravi": {"message_id": null, "status": "uncertain", "error": "EOF", "sent_at": "2026-11-01T10:00:00Z",
             "inputs_hash": "h1", "attempt_id": "att-ravi", "delivery_status": null},
    "asha": {"message_id": "id-asha", "status": "sent", "error": null, "sent_at": "2026-11-01T10:00:01Z",
             "inputs_hash": "h2", "attempt_id": "att-asha", "delivery_status": null}
  },
  "sent_count": 1, "failed_count": 1, "delivery_counts": null,
  "recipients": {"ravi": {"country_code": "+91", "phone_number": "9800000001", "body_values": ["Ravi", "A-1"]}}
}`
	resp, err := p.server.UpgradeResourceState(context.Background(), &tfprotov6.UpgradeResourceStateRequest{
		TypeName: campaignType, Version: 0, RawState: &tfprotov6.RawState{JSON: []byte(raw)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Diagnostics) != 0 {
		t.Fatalf("upgrade: %s", diagString(resp.Diagnostics))
	}
	if v := p.campaignAttr(resp.UpgradedState, "retry_uncertain"); !v.IsNull() {
		t.Errorf("retry_uncertain = %s, want null", v)
	}
	var id string
	if err := p.campaignAttr(resp.UpgradedState, "id").As(&id); err != nil || id != "c-1" {
		t.Errorf("id = %q (%v), want c-1", id, err)
	}
	results := p.campaignResultsIn(resp.UpgradedState)
	wantRavi := map[string]string{"message_id": "", "status": sendUncertain, "error": "EOF", "sent_at": "2026-11-01T10:00:00Z",
		"inputs_hash": "h1", "attempt_id": "att-ravi", "delivery_status": ""}
	if len(results) != 2 || !maps.Equal(results["ravi"], wantRavi) || results["asha"]["message_id"] != "id-asha" {
		t.Errorf("results = %v", results)
	}
	var phones map[string]tftypes.Value
	if err := p.campaignAttr(resp.UpgradedState, "recipients").As(&phones); err != nil || len(phones) != 1 {
		t.Errorf("recipients = %v (%v), want ravi kept", phones, err)
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

// result returns key's result in the state file.
func (c *retryCLI) result(t *testing.T, key string) map[string]any {
	t.Helper()
	r, ok := campaignStateResults(t, c.state)[key]
	if !ok {
		t.Fatalf("no result for %s in state", key)
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
	first := expectUncertain(t, "first apply", c.result(t, "r000"))

	c.mustApply(t, "plain apply", "", 0)

	diags := c.mustApply(t, "retry", retryMap("r000", first), 1)
	if findCLIDiag(diags, "warning", "Campaign will send 1 message", "") == nil {
		t.Errorf("retry: no plan warning of the send:\n%s", cliDiagString(diags))
	}
	second := expectUncertain(t, "retry (uncertain again)", c.result(t, "r000"))
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
	if got := expectUncertain(t, "the same entry again", c.result(t, "r000")); got != second {
		t.Errorf("attempt_id changed to %s without a send", got)
	}

	c.mustApply(t, "naming the new attempt", retryMap("r000", second), 1)
	sent := c.result(t, "r000")
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

// TestAccCampaignRetryUncertainFormerList starts from a state of schema
// version 0, whose retry_uncertain was a set of keys: the state upgrades,
// and the former form is an error at plan that shows the map to write
// with the state's attempt id, sending nothing; the map it shows sends
// the uncertain recipient once.
func TestAccCampaignRetryUncertainFormerList(t *testing.T) {
	t.Parallel()
	c := newRetryCLI(t, map[int]mock.Fault{1: mock.FaultDropAfterBody}, campaignRecipients(2))
	c.mustApply(t, "first apply", "", 2)
	results := campaignStateResults(t, c.state)
	uncertain, sent := "r000", "r001"
	if results[uncertain]["status"] != sendUncertain {
		uncertain, sent = sent, uncertain
	}
	attempt := expectUncertain(t, "first apply", results[uncertain])
	if results[sent]["status"] != sendSent {
		t.Fatalf("first apply: %s is %v, want sent", sent, results[sent]["status"])
	}
	downgradeCampaignState(t, c.state, []string{"r000", "r001"})

	former := "  retry_uncertain = [\"r000\", \"r001\"]\n"
	c.cli.write(c.config(former))
	if diags := c.cli.validate(); len(diags) != 0 {
		t.Errorf("validate: %s", cliDiagString(diags))
	}
	diags, requests, err := c.apply(t, former)
	if err == nil || requests != 0 {
		t.Fatalf("the former form: apply error %v after %d send requests; want an error and none", err, requests)
	}
	e := findCLIDiag(diags, "error", "Retry Uncertain Takes Attempt IDs", "retry_uncertain")
	if e == nil {
		t.Fatalf("the former form: no error at retry_uncertain:\n%s", cliDiagString(diags))
	}
	for _, want := range []string{fmt.Sprintf("%s = %q", uncertain, attempt), sent + " (sent)", "Nothing was sent."} {
		if !strings.Contains(e.Detail, want) {
			t.Errorf("the error does not show %q:\n%s", want, e.Detail)
		}
	}

	c.mustApply(t, "the map shown", retryMap(uncertain, attempt), 1)
	if r := c.result(t, uncertain); r["status"] != sendSent {
		t.Errorf("after the retry: %s is %v, want sent", uncertain, r["status"])
	}
	if v := campaignStateVersion(t, c.state); v != 1 {
		t.Errorf("state schema_version %d after the apply, want 1", v)
	}
}

// TestAccCampaignRetryUncertainEntryWarns names the attempt of a sent
// recipient and a key that is no recipient: both warn at their entry at
// plan, and the apply sends nothing.
func TestAccCampaignRetryUncertainEntryWarns(t *testing.T) {
	t.Parallel()
	c := newRetryCLI(t, nil, campaignRecipients(2))
	c.mustApply(t, "first apply", "", 2)
	attempt, _ := c.result(t, "r000")["attempt_id"].(string)
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
	if r := c.result(t, "r000"); r["attempt_id"] != attempt || r["status"] != sendSent {
		t.Errorf("the sent result changed: %v", r)
	}
}

// downgradeCampaignState rewrites a state file as version 0 wrote it:
// schema_version 0 and retry_uncertain a set of keys.
func downgradeCampaignState(t *testing.T, name string, keys []string) {
	t.Helper()
	editCampaignState(t, name, func(instance map[string]any) {
		instance["schema_version"] = 0
		attrs, ok := instance["attributes"].(map[string]any)
		if !ok {
			t.Fatal("the campaign's instance has no attributes")
		}
		attrs["retry_uncertain"] = keys
	})
}

// campaignStateVersion returns the schema_version of the campaign in a
// state file.
func campaignStateVersion(t *testing.T, name string) int {
	t.Helper()
	_, instance := readCampaignInstance(t, name)
	v, ok := instance["schema_version"].(float64)
	if !ok {
		t.Fatalf("the campaign's schema_version is %v", instance["schema_version"])
	}
	return int(v)
}

// editCampaignState runs edit on the campaign's instance in a state file
// and writes the file back.
func editCampaignState(t *testing.T, name string, edit func(instance map[string]any)) {
	t.Helper()
	state, instance := readCampaignInstance(t, name)
	edit(instance)
	out, err := json.MarshalIndent(state, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, out, 0o600); err != nil {
		t.Fatal(err)
	}
}

// readCampaignInstance reads a state file and returns it with the
// campaign's instance in it.
func readCampaignInstance(t *testing.T, name string) (state, instance map[string]any) {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &state); err != nil {
		t.Fatal(err)
	}
	resources, _ := state["resources"].([]any)
	for _, r := range resources {
		res, _ := r.(map[string]any)
		instances, _ := res["instances"].([]any)
		if res["type"] != campaignType || len(instances) != 1 {
			continue
		}
		if instance, ok := instances[0].(map[string]any); ok {
			return state, instance
		}
	}
	t.Fatalf("no %s in %s", campaignType, name)
	return nil, nil
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
