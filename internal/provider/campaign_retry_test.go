package provider

import (
	"context"
	"maps"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
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
	}{
		{name: "null", value: nil},
		{name: "empty map", value: map[string]any{}},
		{name: "an attempt id whose value is unknown", value: map[string]any{"asha": Unknown}},
		{name: "unknown as a whole", value: Unknown},
		{name: "a number", value: map[string]any{"asha": 3},
			validate: []wantDiag{{campaignErr, "Invalid Retry Uncertain Value", `retry_uncertain["asha"]`}}},
		{name: "a string", value: "asha",
			validate: []wantDiag{{campaignErr, "Invalid Retry Uncertain Value", "retry_uncertain"}}},
		{name: "a nested map", value: map[string]any{"asha": map[string]any{"id": "x"}},
			validate: []wantDiag{{campaignErr, "Invalid Retry Uncertain Value", `retry_uncertain["asha"]`}}},
		{name: "the former list of keys", value: []any{"asha"},
			plan: []wantDiag{{campaignErr, "Retry Uncertain Takes Attempt IDs", "retry_uncertain"}}},
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
				return
			}
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
