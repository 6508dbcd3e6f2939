package provider

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
)

const sendTemplateType = "interakt_send_template"

// sendTemplateActionBlock returns order_shipped's complete message as an action
// block named smoke.
func sendTemplateActionBlock() string {
	return fmt.Sprintf(`
action "interakt_send_template" "smoke" {
  config {
    template       = %s
%s  }
}
`, orderShippedLiteral, orderShippedValues)
}

func TestAccSendTemplateAction_actionTrigger(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{})
	config := func(input string) string {
		return providerBlock(srv) + sendTemplateActionBlock() + fmt.Sprintf(`
resource "terraform_data" "release" {
  input = %q
  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.interakt_send_template.smoke]
    }
  }
}
`, input)
	}
	requireTerraform114(t, "action blocks")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams().withEnv(envAPIKey, testAPIKey)),
		Steps: []resource.TestStep{
			{
				Config: config("42"),
				Check:  func(*terraform.State) error { return expectBodies(srv, orderShippedRequest) },
			},
			{
				// Nothing changes, nothing triggers, nothing is sent.
				Config: config("42"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: func(*terraform.State) error { return expectSendRequests(srv, 1) },
			},
			{
				// An update triggers the action once more.
				Config: config("43"),
				Check:  func(*terraform.State) error { return expectBodies(srv, orderShippedRequest, orderShippedRequest) },
			},
		},
	})
}

func TestAccSendTemplateAction_invokeFromCLI(t *testing.T) {
	t.Parallel()
	tf := requireTerraform114(t, "action blocks")
	srv := newTestMock(t, mock.Options{})
	dir := t.TempDir()
	_, cliConfig := buildPlugin(t, dir)
	work := filepath.Join(dir, "work")
	writeFile(t, filepath.Join(work, "main.tf"), `terraform {
  required_providers {
    interakt = { source = "interakt-community/interakt" }
  }
}
`+providerBlock(srv)+sendTemplateActionBlock())

	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(tf, args...)
		cmd.Dir = work
		cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
			envAPIKey+"="+testAPIKey, "TF_LOG=")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	out := run("apply", "-invoke=action.interakt_send_template.smoke", "-auto-approve", "-no-color", "-input=false")
	if err := expectBodies(srv, orderShippedRequest); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	// Terraform prints each progress event on its own line.
	const prefix = "Action action.interakt_send_template.smoke (triggered by CLI): "
	var progress []string
	for _, line := range strings.Split(out, "\n") {
		if msg, ok := strings.CutPrefix(strings.TrimSpace(line), prefix); ok {
			progress = append(progress, msg)
		}
	}
	want := []string{"Validated the message for template order_shipped (en).", "Sending template order_shipped (en).",
		"Sent template order_shipped (en): message id " + srv.Sent()[0].ID + "."}
	if !slices.Equal(progress, want) {
		t.Errorf("progress %q; want %q\n%s", progress, want, out)
	}
	// A plain apply does not invoke the action.
	run("apply", "-auto-approve", "-no-color", "-input=false")
	if n := len(srv.SendRequests()); n != 1 {
		t.Errorf("the mock saw %d send requests; want 1", n)
	}
}

// TestAccSendTemplateAction_withoutKey: invoking the action with no API
// key warns at plan, and the invocation stops before any request, at the
// action.
func TestAccSendTemplateAction_withoutKey(t *testing.T) {
	t.Parallel()
	requireTerraform114(t, "action blocks")
	srv := newTestMock(t, mock.Options{})
	cli := newCLITerraform(t, testSeams(), cliRequiredProviders+providerBlock(srv)+sendTemplateActionBlock())
	// Terraform shows the plan's warning at the action's config block.
	expectSendStopsWithoutKey(t, cli, srv, "config {", "No API Key to Send With", "",
		"-invoke=action.interakt_send_template.smoke")
}

// Unit tests: Invoke called directly, with a recorded progress stream.

func TestSendTemplateActionInvoke_outcomes(t *testing.T) {
	t.Parallel()
	const rejection = "Please correct the following error - No approved template found with name 'order_shipped' and language 'en'"
	tests := []struct {
		name        string
		opts        mock.Options
		dryRun      bool
		noKey       bool
		config      func(c map[string]any)
		wantDiag    *wantDiag
		wantDetail  []string
		wantEvents  []string // regular expressions, in order
		wantSends   int
		wantNoError bool
	}{
		{
			name: "sent", wantSends: 1, wantNoError: true,
			wantEvents: []string{`^Validated the message for template order_shipped \(en\)\.$`, `^Sending template order_shipped \(en\)\.$`,
				`^Sent template order_shipped \(en\): message id [0-9a-f-]{36}\.$`},
		},
		{
			name: "dry run", dryRun: true, wantNoError: true,
			wantEvents: []string{`^Validated`, `^Dry run: building`, `^Dry run: nothing sent for template order_shipped \(en\): message id dry-run-[0-9a-f-]{36}\.$`},
		},
		{
			name: "uncertain", opts: mock.Options{Faults: mock.Faults{ByRequest: map[int]mock.Fault{1: mock.FaultDropAfterBody}}},
			wantSends: 1, wantNoError: true,
			wantDiag:   &wantDiag{tfprotov6.DiagnosticSeverityWarning, "Message May Have Been Sent", "(none)"},
			wantDetail: []string{"not an error", "twice", "order_shipped (en)"},
			wantEvents: []string{`^Validated`, `^Sending`, `^The outcome of template order_shipped \(en\) is uncertain: no message id\.$`},
		},
		{
			name: "rejected", opts: mock.Options{RejectPhones: map[string]string{"9999999999": rejection}}, wantSends: 1,
			wantDiag:   &wantDiag{tfprotov6.DiagnosticSeverityError, "Interakt Rejected the Message", "(none)"},
			wantDetail: []string{"(HTTP 400): " + rejection},
			wantEvents: []string{`^Validated`, `^Sending`},
		},
		{
			name: "no key", noKey: true,
			wantDiag:   &wantDiag{tfprotov6.DiagnosticSeverityError, "Missing Interakt API Key", "(none)"},
			wantDetail: []string{"nothing was sent", "api_key", envAPIKey},
		},
		{
			name:     "invalid values are not sent",
			config:   withValue("body_values", []any{"There"}),
			wantDiag: &wantDiag{tfprotov6.DiagnosticSeverityError, "Wrong Number of Body Values", "body_values"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := newTestMock(t, tc.opts)
			cfg := providerModel{BaseURL: types.StringValue(srv.URL()), DryRun: types.BoolValue(tc.dryRun)}
			if !tc.noKey {
				cfg.APIKey = types.StringValue(testAPIKey)
			}
			data, diags := newProviderData(context.Background(), cfg, "test", testSeams())
			if diags.HasError() {
				t.Fatal(diags)
			}
			values := validMessage()
			if tc.config != nil {
				tc.config(values)
			}
			events, got := invokeSendTemplate(t, data, values)

			if n := len(srv.SendRequests()); n != tc.wantSends {
				t.Errorf("the mock saw %d send requests; want %d", n, tc.wantSends)
			}
			if tc.wantNoError && got.HasError() {
				t.Fatalf("unexpected error: %v", got)
			}
			if tc.wantDiag != nil {
				d := findFrameworkDiag(got, *tc.wantDiag)
				if d == nil {
					t.Fatalf("want %v; got %v", *tc.wantDiag, got)
				}
				for _, want := range tc.wantDetail {
					if !strings.Contains(d.Detail(), want) {
						t.Errorf("detail lacks %q:\n%s", want, d.Detail())
					}
				}
			} else if len(got) != 0 {
				t.Errorf("unexpected diagnostics: %v", got)
			}
			if len(events) != len(tc.wantEvents) {
				t.Fatalf("progress %q; want %d events matching %q", events, len(tc.wantEvents), tc.wantEvents)
			}
			for i, re := range tc.wantEvents {
				if !regexp.MustCompile(re).MatchString(events[i]) {
					t.Errorf("event %d = %q; want a match of %s", i, events[i], re)
				}
			}
			if tc.name == "sent" && !strings.Contains(events[len(events)-1], srv.Sent()[0].ID) {
				t.Errorf("the last event %q does not carry the mock's id %s", events[len(events)-1], srv.Sent()[0].ID)
			}
			for _, e := range events {
				if strings.Contains(e, "9999999999") {
					t.Errorf("event %q names the recipient", e)
				}
			}
		})
	}
}

func TestSendTemplateActionInvoke_unconfigured(t *testing.T) {
	t.Parallel()
	events, diags := invokeSendTemplate(t, nil, validMessage())
	if findFrameworkDiag(diags, wantDiag{tfprotov6.DiagnosticSeverityError, "Provider Not Configured", "(none)"}) == nil {
		t.Fatalf("want the not configured error; got %v", diags)
	}
	if len(events) != 0 {
		t.Errorf("progress %q; want none", events)
	}
}

func TestSendTemplateActionInvoke_sendLimit(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{})
	cfg := providerModel{BaseURL: types.StringValue(srv.URL()), APIKey: types.StringValue(testAPIKey), MaxSendsPerApply: types.Int64Value(1)}
	data, diags := newProviderData(context.Background(), cfg, "test", testSeams())
	if diags.HasError() {
		t.Fatal(diags)
	}
	if _, diags := invokeSendTemplate(t, data, validMessage()); diags.HasError() {
		t.Fatalf("first invocation: %v", diags)
	}
	_, diags = invokeSendTemplate(t, data, validMessage())
	if findFrameworkDiag(diags, wantDiag{tfprotov6.DiagnosticSeverityError, "Send Limit Reached", "(none)"}) == nil {
		t.Fatalf("want the send limit error; got %v", diags)
	}
	if n := len(srv.SendRequests()); n != 1 {
		t.Errorf("the mock saw %d send requests; want 1", n)
	}
}

// TestSendTemplateActionProtocol_invoke drives the action as Terraform
// does: configure, plan, then invoke with its progress stream.
func TestSendTemplateActionProtocol_invoke(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{})
	p := newProtocolServer(t, testSeams().withEnv(envAPIKey, testAPIKey))
	if diags := p.configure(map[string]any{"base_url": srv.URL()}); hasErrorDiag(diags) {
		t.Fatalf("configure:\n%s", diagString(diags))
	}
	if diags := p.planAction(validMessage()); len(diags) != 0 {
		t.Fatalf("plan:\n%s", diagString(diags))
	}
	events, diags := p.invokeAction(sendTemplateType, validMessage())
	if len(diags) != 0 {
		t.Fatalf("invoke:\n%s", diagString(diags))
	}
	if err := expectBodies(srv, orderShippedRequest); err != nil {
		t.Fatal(err)
	}
	want := "Sent template order_shipped (en): message id " + srv.Sent()[0].ID + "."
	if len(events) != 3 || events[2] != want {
		t.Errorf("progress %q; want 3 events, the last %q", events, want)
	}
}

func TestSendTemplateActionSchema_matchesTheResourceInputs(t *testing.T) {
	t.Parallel()
	p := newProtocolServer(t, testSeams())
	act, ok := p.schemas.ActionSchemas[sendTemplateType]
	if !ok {
		t.Fatalf("no %s schema", sendTemplateType)
	}
	res := p.schemas.ResourceSchemas[messageType]
	if act.Schema.Block.Description == "" {
		t.Error("the action has no description")
	}
	inputs := map[string]*tfprotov6.SchemaAttribute{}
	for _, a := range res.Block.Attributes {
		if !a.Computed && a.Name != "triggers" {
			inputs[a.Name] = a
		}
	}
	var names []string
	for _, a := range act.Schema.Block.Attributes {
		names = append(names, a.Name)
		r, ok := inputs[a.Name]
		if !ok {
			t.Errorf("the action has %s, which the resource's inputs lack", a.Name)
			continue
		}
		if a.Description != r.Description || a.Required != r.Required || a.Optional != r.Optional || !a.ValueType().Equal(r.ValueType()) {
			t.Errorf("%s differs: action %+v, resource %+v", a.Name, a, r)
		}
		if a.NestedType != nil {
			for i, n := range a.NestedType.Attributes {
				rn := r.NestedType.Attributes[i]
				if n.Name != rn.Name || n.Description != rn.Description || n.Required != rn.Required {
					t.Errorf("%s.%s differs from the resource's %s.%s", a.Name, n.Name, r.Name, rn.Name)
				}
			}
		}
	}
	if len(names) != len(inputs) {
		t.Errorf("action attributes %v; want the resource's %d inputs", names, len(inputs))
	}
}

func TestSendTemplateActionValidate_unknownTemplateDefersToPlan(t *testing.T) {
	t.Parallel()
	p := newProtocolServer(t, testSeams())
	config := validMessage()
	config["body_values"] = []any{"There"}
	config["template"] = Unknown
	if diags := p.validateAction(sendTemplateType, config); len(diags) != 0 {
		t.Errorf("validate with an unknown template:\n%s", diagString(diags))
	}
	config["template"] = orderShippedTemplate(nil)
	diags := p.planAction(config)
	expectDiags(t, "plan", diags, []wantDiag{errAt("Wrong Number of Body Values", "body_values")})
}

// recordedProgress returns a SendProgress that appends to events.
func recordedProgress(events *[]string) func(action.InvokeProgressEvent) {
	return func(e action.InvokeProgressEvent) { *events = append(*events, e.Message) }
}

// invokeSendTemplate calls the action's Invoke with data as its provider
// data and values as its configuration.
func invokeSendTemplate(t *testing.T, data *providerData, values map[string]any) ([]string, diag.Diagnostics) {
	t.Helper()
	ctx := context.Background()
	a := &sendTemplateAction{}
	var configureResp action.ConfigureResponse
	if data != nil {
		a.Configure(ctx, action.ConfigureRequest{ProviderData: data}, &configureResp)
	}
	if configureResp.Diagnostics.HasError() {
		t.Fatal(configureResp.Diagnostics)
	}
	var schemaResp action.SchemaResponse
	a.Schema(ctx, action.SchemaRequest{}, &schemaResp)
	p := &protocolServer{t: t}
	raw := p.value(schemaResp.Schema.Type().TerraformType(ctx), values)
	var events []string
	resp := action.InvokeResponse{SendProgress: recordedProgress(&events)}
	a.Invoke(ctx, action.InvokeRequest{Config: tfsdk.Config{Raw: raw, Schema: schemaResp.Schema}}, &resp)
	return events, resp.Diagnostics
}

// findFrameworkDiag returns the first framework diagnostic matching w.
func findFrameworkDiag(diags diag.Diagnostics, w wantDiag) diag.Diagnostic {
	severity := diag.SeverityError
	if w.severity == tfprotov6.DiagnosticSeverityWarning {
		severity = diag.SeverityWarning
	}
	for _, d := range diags {
		at := "(none)"
		if wp, ok := d.(diag.DiagnosticWithPath); ok {
			at = wp.Path().String()
		}
		if d.Severity() == severity && d.Summary() == w.summary && at == w.path {
			return d
		}
	}
	return nil
}

// actionServer returns the provider server's action RPCs.
func (p *protocolServer) actionServer() tfprotov6.ActionServer {
	p.t.Helper()
	s, ok := p.server.(tfprotov6.ActionServer)
	if !ok {
		p.t.Fatal("the provider server has no action RPCs")
	}
	return s
}

func (p *protocolServer) actionType(typeName string) tftypes.Type {
	p.t.Helper()
	s, ok := p.schemas.ActionSchemas[typeName]
	if !ok {
		p.t.Fatalf("no action type %q", typeName)
	}
	return s.Schema.ValueType()
}

// validateAction runs ValidateActionConfig on an action configuration.
func (p *protocolServer) validateAction(typeName string, config map[string]any) []*tfprotov6.Diagnostic {
	p.t.Helper()
	resp, err := p.actionServer().ValidateActionConfig(context.Background(), &tfprotov6.ValidateActionConfigRequest{
		ActionType: typeName, Config: p.dynamic(p.actionType(typeName), config),
	})
	if err != nil {
		p.t.Fatal(err)
	}
	return resp.Diagnostics
}

// planAction runs PlanAction on a configuration of the provider's action.
func (p *protocolServer) planAction(config map[string]any) []*tfprotov6.Diagnostic {
	p.t.Helper()
	resp, err := p.actionServer().PlanAction(context.Background(), &tfprotov6.PlanActionRequest{
		ActionType: sendTemplateType, Config: p.dynamic(p.actionType(sendTemplateType), config),
		ClientCapabilities: &tfprotov6.PlanActionClientCapabilities{},
	})
	if err != nil {
		p.t.Fatal(err)
	}
	return resp.Diagnostics
}

// invokeAction runs InvokeAction and collects its progress messages and
// the diagnostics of its completion.
func (p *protocolServer) invokeAction(typeName string, config map[string]any) ([]string, []*tfprotov6.Diagnostic) {
	p.t.Helper()
	stream, err := p.actionServer().InvokeAction(context.Background(), &tfprotov6.InvokeActionRequest{
		ActionType: typeName, Config: p.dynamic(p.actionType(typeName), config),
		ClientCapabilities: &tfprotov6.InvokeActionClientCapabilities{},
	})
	if err != nil {
		p.t.Fatal(err)
	}
	var events []string
	var diags []*tfprotov6.Diagnostic
	completed := 0
	for e := range stream.Events {
		switch ev := e.Type.(type) {
		case tfprotov6.ProgressInvokeActionEventType:
			events = append(events, ev.Message)
		case tfprotov6.CompletedInvokeActionEventType:
			diags = append(diags, ev.Diagnostics...)
			completed++
		}
	}
	if completed != 1 {
		p.t.Fatalf("%d completion events; want 1", completed)
	}
	return slices.Clip(events), diags
}

// The action's api_campaign_id is sent as campaignId; without it the body
// has none (TestSendTemplateActionProtocol_invoke).
func TestSendTemplateActionProtocol_apiCampaignID(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{})
	p := newProtocolServer(t, testSeams().withEnv(envAPIKey, testAPIKey))
	if diags := p.configure(map[string]any{"base_url": srv.URL()}); hasErrorDiag(diags) {
		t.Fatalf("configure:\n%s", diagString(diags))
	}
	cfg := validMessage()
	cfg["api_campaign_id"] = "c0ffee00-1111-4222-8333-444455556666"
	if _, diags := p.invokeAction(sendTemplateType, cfg); len(diags) != 0 {
		t.Fatalf("invoke:\n%s", diagString(diags))
	}
	sent := srv.Sent()
	if len(sent) != 1 || sent[0].Message.CampaignID != "c0ffee00-1111-4222-8333-444455556666" ||
		!strings.Contains(string(sent[0].Body), `"campaignId":"c0ffee00-1111-4222-8333-444455556666"`) {
		t.Fatalf("sent = %+v, want one send with campaignId", sent)
	}
}
