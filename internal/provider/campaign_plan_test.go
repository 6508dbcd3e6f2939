package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
)

const campaignType = "interakt_campaign"

// campaignComputed are the attributes Terraform takes from the prior
// state into the proposed new state, since the configuration has none.
var campaignComputed = []string{"id", "results", "sent_count", "failed_count", "resend_on_change"}

// campaignConfigMap is a campaign configuration for the protocol server.
func campaignConfigMap(recipients []campaignRecipient, extra map[string]any) map[string]any {
	rs := map[string]any{}
	for _, r := range recipients {
		rs[r.key] = map[string]any{
			"country_code": "+91", "phone_number": r.phone,
			"header_values": []string{"A-" + r.key}, "body_values": []string{r.name, "A-" + r.key},
		}
	}
	cfg := map[string]any{
		"template": map[string]any{
			"name": "order_shipped", "language_code": "en", "header_format": "TEXT", "header_variables": 1, "body_variables": 2,
		},
		"callback_data": "launch",
		"recipients":    rs,
	}
	for k, v := range extra {
		cfg[k] = v
	}
	return cfg
}

// campaignPlan runs PlanResourceChange as Terraform does: the proposed new state
// is the configuration with the computed attributes of the prior state.
func (p *protocolServer) campaignPlan(prior *tfprotov6.DynamicValue, config map[string]any) *tfprotov6.PlanResourceChangeResponse {
	p.t.Helper()
	typ := p.resourceType(campaignType)
	cfg := p.value(typ, config)
	proposed := cfg
	if prior == nil {
		prior = p.toDynamic(typ, tftypes.NewValue(typ, nil))
	} else {
		proposed = p.campaignMerge(typ, cfg, p.campaignUnmarshal(typ, prior))
	}
	resp, err := p.server.PlanResourceChange(context.Background(), &tfprotov6.PlanResourceChangeRequest{
		TypeName:         campaignType,
		PriorState:       prior,
		ProposedNewState: p.toDynamic(typ, proposed),
		Config:           p.toDynamic(typ, cfg),
	})
	if err != nil {
		p.t.Fatal(err)
	}
	return resp
}

// campaignApply runs ApplyResourceChange on a plan.
func (p *protocolServer) campaignApply(prior *tfprotov6.DynamicValue, plan *tfprotov6.PlanResourceChangeResponse, config map[string]any) *tfprotov6.ApplyResourceChangeResponse {
	p.t.Helper()
	typ := p.resourceType(campaignType)
	if prior == nil {
		prior = p.toDynamic(typ, tftypes.NewValue(typ, nil))
	}
	resp, err := p.server.ApplyResourceChange(context.Background(), &tfprotov6.ApplyResourceChangeRequest{
		TypeName:       campaignType,
		PriorState:     prior,
		PlannedState:   plan.PlannedState,
		Config:         p.dynamic(typ, config),
		PlannedPrivate: plan.PlannedPrivate,
	})
	if err != nil {
		p.t.Fatal(err)
	}
	return resp
}

func (p *protocolServer) campaignUnmarshal(typ tftypes.Type, dv *tfprotov6.DynamicValue) tftypes.Value {
	p.t.Helper()
	v, err := dv.Unmarshal(typ)
	if err != nil {
		p.t.Fatal(err)
	}
	return v
}

// campaignMerge returns cfg with the computed attributes of prior.
func (p *protocolServer) campaignMerge(typ tftypes.Type, cfg, prior tftypes.Value) tftypes.Value {
	p.t.Helper()
	var c, s map[string]tftypes.Value
	if err := cfg.As(&c); err != nil {
		p.t.Fatal(err)
	}
	if err := prior.As(&s); err != nil {
		p.t.Fatal(err)
	}
	for _, name := range campaignComputed {
		if c[name].IsNull() {
			c[name] = s[name]
		}
	}
	return tftypes.NewValue(typ, c)
}

// campaignAttr returns a top-level attribute of a state or plan.
func (p *protocolServer) campaignAttr(dv *tfprotov6.DynamicValue, name string) tftypes.Value {
	p.t.Helper()
	var attrs map[string]tftypes.Value
	if err := p.campaignUnmarshal(p.resourceType(campaignType), dv).As(&attrs); err != nil {
		p.t.Fatal(err)
	}
	return attrs[name]
}

// campaignResultsIn returns the results of a state as strings ("" for null).
func (p *protocolServer) campaignResultsIn(dv *tfprotov6.DynamicValue) map[string]map[string]string {
	p.t.Helper()
	var entries map[string]tftypes.Value
	if err := p.campaignAttr(dv, "results").As(&entries); err != nil {
		p.t.Fatal(err)
	}
	out := map[string]map[string]string{}
	for key, e := range entries {
		var fields map[string]tftypes.Value
		if err := e.As(&fields); err != nil {
			p.t.Fatal(err)
		}
		out[key] = map[string]string{}
		for name, f := range fields {
			var s string
			if !f.IsNull() {
				if err := f.As(&s); err != nil {
					p.t.Fatal(err)
				}
			}
			out[key][name] = s
		}
	}
	return out
}

// configuredCampaignServer returns a protocol server with the seams s
// configured against srv.
func configuredCampaignServer(t *testing.T, s seams, srv *mock.Server, settings map[string]any) *protocolServer {
	t.Helper()
	p := newProtocolServer(t, s)
	cfg := map[string]any{"base_url": srv.URL()}
	for k, v := range settings {
		cfg[k] = v
	}
	if diags := p.configure(cfg); len(diags) != 0 {
		t.Fatalf("configure: %s", diagString(diags))
	}
	return p
}

func campaignWarnings(diags []*tfprotov6.Diagnostic) []*tfprotov6.Diagnostic {
	var out []*tfprotov6.Diagnostic
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityWarning {
			out = append(out, d)
		}
	}
	return out
}

func campaignHasErrors(diags []*tfprotov6.Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}

// TestCampaignPlanTellsAndKeepsItsWord walks a campaign through create,
// a no-op and a removal at the protocol level: the plan warns
// exactly when the apply sends, and whatever the plan knows the apply
// returns unchanged.
func TestCampaignPlanTellsAndKeepsItsWord(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{})
	p := configuredCampaignServer(t, testSeams().withEnv(envAPIKey, testAPIKey), srv, nil)
	recipients := campaignRecipients(3)

	cfg := campaignConfigMap(recipients, nil)
	plan := p.campaignPlan(nil, cfg)
	ws := campaignWarnings(plan.Diagnostics)
	if campaignHasErrors(plan.Diagnostics) || len(ws) != 1 || ws[0].Summary != "Campaign will send 3 messages" ||
		!strings.Contains(ws[0].Detail, "new (3): r000, r001, r002") {
		t.Fatalf("create plan diagnostics:\n%s", diagString(plan.Diagnostics))
	}
	if p.campaignAttr(plan.PlannedState, "results").IsKnown() || p.campaignAttr(plan.PlannedState, "failed_count").IsKnown() {
		t.Error("results and failed_count must be unknown in a plan that sends")
	}
	applied := p.campaignApply(nil, plan, cfg)
	if len(applied.Diagnostics) != 0 {
		t.Fatalf("apply diagnostics:\n%s", diagString(applied.Diagnostics))
	}
	state := applied.NewState

	// Nothing changed: nothing to send, no warning, no diff.
	again := p.campaignPlan(state, cfg)
	if len(again.Diagnostics) != 0 {
		t.Errorf("no-op plan diagnostics:\n%s", diagString(again.Diagnostics))
	}
	if !p.campaignUnmarshal(p.resourceType(campaignType), again.PlannedState).Equal(p.campaignUnmarshal(p.resourceType(campaignType), state)) {
		t.Error("a plan with nothing to send must equal the prior state")
	}

	// A removal: results planned exactly, and the apply returns them.
	smaller := campaignConfigMap(recipients[:2], nil)
	removal := p.campaignPlan(state, smaller)
	if len(removal.Diagnostics) != 0 || !p.campaignAttr(removal.PlannedState, "results").IsFullyKnown() {
		t.Fatalf("removal plan: results known %v, diagnostics:\n%s", p.campaignAttr(removal.PlannedState, "results").IsFullyKnown(), diagString(removal.Diagnostics))
	}
	if got := p.campaignResultsIn(removal.PlannedState); len(got) != 2 || got["r000"]["message_id"] != p.campaignResultsIn(state)["r000"]["message_id"] {
		t.Errorf("planned results after removal = %v", got)
	}
	removed := p.campaignApply(state, removal, smaller)
	if len(removed.Diagnostics) != 0 {
		t.Fatalf("removal apply diagnostics:\n%s", diagString(removed.Diagnostics))
	}
	if !p.campaignUnmarshal(p.resourceType(campaignType), removed.NewState).Equal(p.campaignUnmarshal(p.resourceType(campaignType), removal.PlannedState)) {
		t.Error("the apply changed what the plan knew")
	}
	if n := srv.SentCount(); n != 3 {
		t.Errorf("mock accepted %d, want 3", n)
	}
}

// TestCampaignApplyWarnsByKey rejects three numbers: the apply has no
// error, and its warning names them by key, grouped by the API's message,
// and never by number; the resume plan says it sends the two whose
// numbers were fixed.
func TestCampaignApplyWarnsByKey(t *testing.T) {
	t.Parallel()
	recipients := campaignRecipients(5)
	srv := newTestMock(t, mock.Options{RejectPhones: map[string]string{
		recipients[1].phone: "", recipients[2].phone: "", recipients[4].phone: "Please correct the following error - not a WhatsApp number",
	}})
	p := configuredCampaignServer(t, testSeams().withEnv(envAPIKey, testAPIKey), srv, nil)
	cfg := campaignConfigMap(recipients, nil)
	plan := p.campaignPlan(nil, cfg)
	applied := p.campaignApply(nil, plan, cfg)
	if campaignHasErrors(applied.Diagnostics) {
		t.Fatalf("a rejected recipient must not fail the apply:\n%s", diagString(applied.Diagnostics))
	}
	ws := campaignWarnings(applied.Diagnostics)
	if len(ws) != 1 || ws[0].Summary != "3 of 5 campaign messages not sent" {
		t.Fatalf("apply diagnostics:\n%s", diagString(applied.Diagnostics))
	}
	for _, want := range []string{
		"Rejected by the API; sent again once their inputs change (3):",
		"  - r001, r002: send template: the API rejected the request (HTTP 400): " + mock.MsgInvalidPhone + "\n",
		"  - r004: send template: the API rejected the request (HTTP 400): Please correct the following error - not a WhatsApp number\n",
		"self.failed_count == 0",
	} {
		if !strings.Contains(ws[0].Detail, want) {
			t.Errorf("warning lacks %q:\n%s", want, ws[0].Detail)
		}
	}
	for _, r := range recipients {
		if strings.Contains(ws[0].Detail, r.phone) {
			t.Errorf("warning names the number of %s:\n%s", r.key, ws[0].Detail)
		}
	}

	fixed := append([]campaignRecipient(nil), recipients...)
	fixed[1].phone, fixed[4].phone = "9811111111", "9844444444"
	resume := p.campaignPlan(applied.NewState, campaignConfigMap(fixed, nil))
	ws = campaignWarnings(resume.Diagnostics)
	if len(ws) != 1 || ws[0].Summary != "Campaign will send 2 messages" || !strings.Contains(ws[0].Detail, "rejected before, inputs changed (2): r001, r004\n") {
		t.Errorf("resume plan diagnostics:\n%s", diagString(resume.Diagnostics))
	}
}

// TestCampaignWithoutKeyFailsBeforeSending: with no API key and no
// dry_run the plan warns, and the apply stops with an error at the
// resource (not at the provider's api_key) before any request, leaving no
// state.
func TestCampaignWithoutKeyFailsBeforeSending(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{})
	p := configuredCampaignServer(t, testSeams(), srv, nil)
	cfg := campaignConfigMap(campaignRecipients(2), nil)
	plan := p.campaignPlan(nil, cfg)
	if campaignHasErrors(plan.Diagnostics) || len(plan.Diagnostics) != 1 || !strings.Contains(plan.Diagnostics[0].Detail, applyCannotSend+"No API key is configured") {
		t.Fatalf("plan diagnostics:\n%s", diagString(plan.Diagnostics))
	}
	applied := p.campaignApply(nil, plan, cfg)
	if d := findDiag(applied.Diagnostics, wantDiag{tfprotov6.DiagnosticSeverityError, "Missing Interakt API Key", "(none)"}); d == nil ||
		!strings.Contains(d.Detail, "nothing was sent") || !strings.Contains(d.Detail, envAPIKey) {
		t.Errorf("apply diagnostics:\n%s", diagString(applied.Diagnostics))
	}
	if applied.NewState != nil && !p.campaignUnmarshal(p.resourceType(campaignType), applied.NewState).IsNull() {
		t.Error("a campaign that could not send must leave no state")
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("the mock received %d requests", n)
	}
}

// TestCampaignPlanSaysWhenTheKeyIsMissing: the plan's one warning says
// the apply cannot send when no key is configured, recipients known or
// not, and not when the key is only unknown until apply or dry_run is set.
func TestCampaignPlanSaysWhenTheKeyIsMissing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		settings    map[string]any
		recipients  any // nil: two known recipients
		wantSummary string
		wantMissing bool
	}{
		{name: "no key", wantSummary: "Campaign will send 2 messages", wantMissing: true},
		{name: "no key, recipients known at apply", recipients: Unknown, wantSummary: "Campaign Recipients Known Only at Apply", wantMissing: true},
		{name: "key known at apply", settings: map[string]any{"api_key": Unknown}, wantSummary: "Campaign will send 2 messages"},
		{name: "dry run", settings: map[string]any{"dry_run": true}, wantSummary: "Campaign dry run will build 2 messages and send none"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newTestMock(t, mock.Options{})
			p := configuredCampaignServer(t, testSeams(), srv, tc.settings)
			var extra map[string]any
			if tc.recipients != nil {
				extra = map[string]any{"recipients": tc.recipients}
			}
			plan := p.campaignPlan(nil, campaignConfigMap(campaignRecipients(2), extra))
			ws := campaignWarnings(plan.Diagnostics)
			if campaignHasErrors(plan.Diagnostics) || len(ws) != 1 || ws[0].Summary != tc.wantSummary ||
				strings.Contains(ws[0].Detail, applyCannotSend) != tc.wantMissing {
				t.Errorf("want one warning %q, saying the apply cannot send: %v; got:\n%s", tc.wantSummary, tc.wantMissing, diagString(plan.Diagnostics))
			}
			if n := len(srv.Requests()); n != 0 {
				t.Errorf("the plan made %d requests", n)
			}
		})
	}
}

// TestCampaignDryRunPlanSaysSo names the dry run in the plan warning.
func TestCampaignDryRunPlanSaysSo(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{})
	p := configuredCampaignServer(t, testSeams(), srv, map[string]any{"dry_run": true})
	plan := p.campaignPlan(nil, campaignConfigMap(campaignRecipients(3), nil))
	ws := campaignWarnings(plan.Diagnostics)
	if len(ws) != 1 || ws[0].Summary != "Campaign dry run will build 3 messages and send none" || strings.Contains(ws[0].Detail, "cannot send") {
		t.Errorf("plan diagnostics:\n%s", diagString(plan.Diagnostics))
	}
}

// TestCampaignBudgetWarning says why sending stopped.
func TestCampaignBudgetWarning(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{})
	p := configuredCampaignServer(t, testSeams().withEnv(envAPIKey, testAPIKey), srv, map[string]any{"max_sends_per_apply": 2})
	cfg := campaignConfigMap(campaignRecipients(5), nil)
	plan := p.campaignPlan(nil, cfg)
	applied := p.campaignApply(nil, plan, cfg)
	if campaignHasErrors(applied.Diagnostics) {
		t.Fatalf("apply diagnostics:\n%s", diagString(applied.Diagnostics))
	}
	var stopped *tfprotov6.Diagnostic
	for _, w := range campaignWarnings(applied.Diagnostics) {
		if w.Summary == "Campaign stopped: max_sends_per_apply reached" {
			stopped = w
		}
	}
	if stopped == nil || !strings.Contains(stopped.Detail, "max_sends_per_apply (2)") || !strings.Contains(stopped.Detail, "3 recipients of this apply were not sent") {
		t.Errorf("apply diagnostics:\n%s", diagString(applied.Diagnostics))
	}
	if n := srv.SentCount(); n != 2 {
		t.Errorf("mock accepted %d, want 2", n)
	}
}

// TestCampaignUnknownRecipients plans unknown results when even the keys
// are unknown, and names that in the warning.
func TestCampaignUnknownRecipients(t *testing.T) {
	t.Parallel()
	p := newProtocolServer(t, testSeams())
	if diags := p.configure(nil); len(diags) != 0 {
		t.Fatal(diagString(diags))
	}
	plan := p.campaignPlan(nil, campaignConfigMap(nil, map[string]any{"recipients": Unknown}))
	if findDiag(plan.Diagnostics, wantDiag{tfprotov6.DiagnosticSeverityWarning, "Campaign Recipients Known Only at Apply", "(none)"}) == nil {
		t.Errorf("plan diagnostics:\n%s", diagString(plan.Diagnostics))
	}
	if p.campaignAttr(plan.PlannedState, "results").IsKnown() {
		t.Error("results must be unknown")
	}
}
