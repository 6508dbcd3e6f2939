package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// cliRequiredProviders names the provider at cliProviderAddress, where
// cliTerraform serves it.
const cliRequiredProviders = "terraform {\n  required_providers {\n    interakt = { source = \"interakt-community/interakt\" }\n  }\n}\n\n"

// accountCLI applies config against srv with the test key in env and
// returns the CLI, ready for the next command.
func accountCLI(t *testing.T, env *testEnv, srv *mock.Server, config string) *cliTerraform {
	t.Helper()
	env.set(envAPIKey, testAPIKey)
	cli := newCLITerraform(t, env.seams(), cliRequiredProviders+providerBlock(srv)+config)
	if out, err := cli.run("apply", "-auto-approve", "-input=false", "-no-color", "-lock=false"); err != nil {
		t.Fatalf("terraform apply: %v\n%s", err, out)
	}
	return cli
}

// TestAccTemplateAccount_drift: the account's body, footer and a button's
// text change after the apply (a dashboard edit); the next plan warns at
// each attribute with both texts and plans no change; an apply keeps the
// declaration and the plan after it is clean; a -refresh-only plan shows
// the account's change; a campaign of the template, once the edit changes
// its variables, fails at plan and sends nothing.
func TestAccTemplateAccount_drift(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{RateLimit: -1})
	config := orderShippedConfig("order_shipped", "en", orderShippedBody, "")
	cli := accountCLI(t, &testEnv{}, srv, config)
	if err := srv.UpdateTemplate("order_shipped", "en", func(tmpl *wire.TemplateInfo) {
		tmpl.Body = "Hi {{1}}, order {{2}} is on its way."
		tmpl.Footer = "Reply STOP to leave"
		tmpl.Buttons[0].Text = "Where is it"
	}); err != nil {
		t.Fatal(err)
	}
	diags := cli.plan()
	for _, want := range []struct{ code, account, declared string }{
		{`body   = "Hi {{1}}, your order {{2}} has shipped."`, "Hi {{1}}, order {{2}} is on its way.", "Hi {{1}}, your order {{2}} has shipped."},
		{`footer = "Reply STOP to opt out"`, "Reply STOP to leave", "Reply STOP to opt out"},
		// Terraform before 1.14 points a nested attribute's diagnostic at
		// the resource block; its detail starts with the path.
		{"buttons[0].text", "Where is it", "Track"},
	} {
		d := findCLIDiag(diags, "warning", "Template Differs From the Account", want.code)
		if want.code == "buttons[0].text" {
			d = nil
			for i := range diags {
				if diags[i].Summary == "Template Differs From the Account" && strings.HasPrefix(diags[i].Detail, want.code+":") {
					d = &diags[i]
				}
			}
		}
		if d == nil {
			t.Errorf("no drift warning at `%s`:\n%s", want.code, cliDiagString(diags))
			continue
		}
		if !strings.Contains(d.Detail, fmt.Sprintf("%q", want.account)) || !strings.Contains(d.Detail, fmt.Sprintf("%q", want.declared)) {
			t.Errorf("drift warning at `%s` lacks both texts:\n%s", want.code, d.Detail)
		}
	}
	if out, err := cli.run("plan", "-detailed-exitcode", "-no-color", "-input=false", "-lock=false"); err != nil || !strings.Contains(out, "No changes.") {
		t.Errorf("plan after a dashboard edit: want no changes (exit 0), got %v\n%s", err, out)
	}
	out, err := cli.run("plan", "-refresh-only", "-no-color", "-input=false", "-lock=false")
	if err != nil || !strings.Contains(out, "Reply STOP to leave") || !strings.Contains(out, "account") {
		t.Errorf("a -refresh-only plan does not show the account's change: %v\n%s", err, out)
	}
	if out, err := cli.run("apply", "-auto-approve", "-input=false", "-no-color", "-lock=false"); err != nil || !strings.Contains(out, "0 added, 0 changed, 0 destroyed") {
		t.Errorf("apply after a dashboard edit: %v\n%s", err, out)
	}
	if out, err := cli.run("plan", "-detailed-exitcode", "-no-color", "-input=false", "-lock=false"); err != nil {
		t.Errorf("the plan after the apply is not clean: %v\n%s", err, out)
	}
	if declared := cli.stateAttribute("interakt_template.order_shipped", "body"); declared != orderShippedBody {
		t.Errorf("state body = %v; want the declaration %q", declared, orderShippedBody)
	}
	if account, _ := cli.stateAttribute("interakt_template.order_shipped", "account").(map[string]any); account["body"] != "Hi {{1}}, order {{2}} is on its way." {
		t.Errorf("state account = %v; want the account's body", account)
	}

	// An edit that changes the variables: sends of the template fail at plan.
	if err := srv.UpdateTemplate("order_shipped", "en", func(tmpl *wire.TemplateInfo) {
		tmpl.Body = "Hi {{1}}, order {{2}} ships on {{3}}."
	}); err != nil {
		t.Fatal(err)
	}
	cli.write(cliRequiredProviders + providerBlock(srv) + config + `
resource "interakt_campaign" "launch" {
  template = interakt_template.order_shipped.contract
  recipients = {
    asha = { country_code = "+91", phone_number = "9800000001", header_values = ["A-1"], body_values = ["Asha", "A-1"], button_values = { "0" = ["A-1"] } }
  }
}
`)
	diags = cli.plan()
	if d := findCLIDiag(diags, "error", "Template Differs From the Account", "template = interakt_template.order_shipped.contract"); d == nil {
		t.Errorf("want a plan error at the campaign's template:\n%s", cliDiagString(diags))
	}
	if out, err := cli.run("apply", "-auto-approve", "-input=false", "-no-color", "-lock=false"); err == nil {
		t.Errorf("the apply succeeded:\n%s", out)
	}
	if n := len(srv.SendRequests()); n != 0 {
		t.Errorf("the mock saw %d send requests; want 0", n)
	}
}

// TestAccTemplateAccount_pausedBlocksCampaign: a campaign of a template the
// account shows as PAUSED fails at plan, and nothing is sent.
func TestAccTemplateAccount_pausedBlocksCampaign(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{RateLimit: -1})
	if err := srv.SetApproval("order_shipped", "en", "PAUSED", ""); err != nil {
		t.Fatal(err)
	}
	config := orderShippedConfig("order_shipped", "en", orderShippedBody, "") + `
resource "interakt_campaign" "launch" {
  template = interakt_template.order_shipped.contract
  recipients = {
    asha = { country_code = "+91", phone_number = "9800000001", header_values = ["A-1"], body_values = ["Asha", "A-1"], button_values = { "0" = ["A-1"] } }
    ravi = { country_code = "+91", phone_number = "9800000002", header_values = ["A-2"], body_values = ["Ravi", "A-2"], button_values = { "0" = ["A-2"] } }
  }
}
`
	cli := newCLITerraform(t, testSeams().withEnv(envAPIKey, testAPIKey), cliRequiredProviders+providerBlock(srv)+config)
	diags := cli.plan()
	d := findCLIDiag(diags, "error", "Template Not Approved", "template = interakt_template.order_shipped.contract")
	if d == nil || !strings.Contains(d.Detail, "PAUSED") || !strings.Contains(d.Detail, "nothing was sent") {
		t.Errorf("want a plan error naming PAUSED at the campaign's template:\n%s", cliDiagString(diags))
	}
	if out, err := cli.run("apply", "-auto-approve", "-input=false", "-no-color", "-lock=false"); err == nil {
		t.Errorf("the apply succeeded:\n%s", out)
	}
	if n := srv.SentCount(); n != 0 {
		t.Errorf("the mock accepted %d sends; want 0", n)
	}
	if n := len(srv.SendRequests()); n != 0 {
		t.Errorf("the mock saw %d send requests; want 0", n)
	}
}

// TestAccTemplateAccount_deleted: a reference template deleted in the
// account stays in the state as MISSING with a warning that names it; two
// applies in a row create nothing and say so, plans show no change, and a
// message of it fails at plan.
func TestAccTemplateAccount_deleted(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{RateLimit: -1})
	config := orderShippedConfig("order_shipped", "en", orderShippedBody, "")
	cli := accountCLI(t, &testEnv{}, srv, config)
	if !srv.DeleteTemplate("order_shipped", "en") {
		t.Fatal("the mock had no order_shipped")
	}
	missing := func(diags []cliDiagnostic) bool {
		for _, d := range diags {
			if d.Severity == "warning" && d.Summary == "Template Missing From the Account" && strings.Contains(d.Detail, `"order_shipped" (en)`) {
				return true
			}
		}
		return false
	}
	if diags := cli.plan(); !missing(diags) {
		t.Fatalf("want a warning naming order_shipped (en):\n%s", cliDiagString(diags))
	}
	for i := range 2 {
		out, err := cli.run("apply", "-auto-approve", "-input=false", "-no-color", "-lock=false")
		if err != nil || !strings.Contains(out, "0 added, 0 changed, 0 destroyed") || !strings.Contains(out, "Template Missing From the Account") {
			t.Errorf("apply %d after the deletion: want nothing created and a warning: %v\n%s", i+1, err, out)
		}
	}
	if out, err := cli.run("plan", "-detailed-exitcode", "-no-color", "-input=false", "-lock=false"); err != nil {
		t.Errorf("plan after the deletion shows a change: %v\n%s", err, out)
	}
	if got := cli.stateAttribute("interakt_template.order_shipped", "approval_status"); got != "MISSING" {
		t.Errorf("approval_status = %v; want MISSING", got)
	}
	if n := len(srv.Submissions()); n != 0 {
		t.Errorf("%d submissions; a reference template is never created", n)
	}
	cli.write(cliRequiredProviders + providerBlock(srv) + config + `
resource "interakt_template_message" "smoke" {
  template      = interakt_template.order_shipped.contract
  country_code  = "+91"
  phone_number  = "9999999999"
  header_values = ["A-1001"]
  body_values   = ["Asha", "A-1001"]
  button_values = { "0" = ["A-1001"] }
}
`)
	if diags := cli.plan(); findCLIDiag(diags, "error", "Template Not in the Account", "") == nil {
		t.Errorf("want a plan error for a message of the missing template:\n%s", cliDiagString(diags))
	}
	if n := len(srv.SendRequests()); n != 0 {
		t.Errorf("the mock saw %d send requests; want 0", n)
	}
}

// TestAccTemplateAccount_noKeyPlan: a plan without a key over a state made
// with one reads nothing, and has no error, no warning and no change.
func TestAccTemplateAccount_noKeyPlan(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{RateLimit: -1})
	env := &testEnv{}
	cli := accountCLI(t, env, srv, orderShippedConfig("order_shipped", "en", orderShippedBody, ""))
	// The account changes, which only a read would show.
	if err := srv.SetApproval("order_shipped", "en", "PAUSED", ""); err != nil {
		t.Fatal(err)
	}
	before := len(srv.Requests())
	env.set(envAPIKey, "")
	if diags := cli.plan(); len(diags) != 0 {
		t.Errorf("a plan without a key has diagnostics:\n%s", cliDiagString(diags))
	}
	if _, err := cli.run("plan", "-detailed-exitcode", "-no-color", "-input=false", "-lock=false"); err != nil {
		t.Errorf("a plan without a key shows changes or fails: %v", err)
	}
	if n := len(srv.Requests()) - before; n != 0 {
		t.Errorf("a plan without a key made %d requests", n)
	}
}

// TestAccTemplateSubmit_approveThenRefresh submits a new template, sees it
// WAITING (a message of it is refused at plan), approves it at the mock,
// and sends: exactly one create request over three applies.
func TestAccTemplateSubmit_approveThenRefresh(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{RateLimit: -1})
	const addr = "interakt_template.order_shipped"
	template := submittableConfig("order_shipped_v2", orderShippedBody)
	message := `
resource "interakt_template_message" "smoke" {
  template      = interakt_template.order_shipped.contract
  country_code  = "+91"
  phone_number  = "9999999999"
  header_values = ["A-1001"]
  body_values   = ["Asha", "A-1001"]
  button_values = { "0" = ["A-1001"] }
}
`
	creates := func() int {
		n := 0
		for _, r := range srv.Requests() {
			if r.Path == wire.CreateTemplatePath {
				n++
			}
		}
		return n
	}
	status := func(want string) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(addr, tfjsonpath.New("approval_status"), knownvalue.StringExact(want))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams().withEnv(envAPIKey, testAPIKey)),
		Steps: []resource.TestStep{
			{
				Config:            providerBlock(srv) + template,
				ConfigStateChecks: []statecheck.StateCheck{status("WAITING"), statecheck.ExpectKnownValue(addr, tfjsonpath.New("rejection_reason"), knownvalue.Null())},
				Check: func(*terraform.State) error {
					subs := srv.Submissions()
					if len(subs) != 1 {
						return fmt.Errorf("%d submissions, want 1", len(subs))
					}
					got := subs[0].Request
					if got.DisplayName != "order_shipped_v2" || got.Language != "English" || fmt.Sprint(got.BodyText) != "[Asha A-1001]" ||
						fmt.Sprint(got.HeaderText) != "[A-1001]" || got.ButtonType != wire.ButtonTypeCallToAction || len(got.Buttons) != 2 {
						return fmt.Errorf("submitted %+v", got)
					}
					return nil
				},
			},
			{
				// Not approved yet: the message is refused at plan.
				Config:      providerBlock(srv) + template + message,
				ExpectError: regexp.MustCompile(`Template Not Approved[\s\S]*WAITING`),
			},
			{
				PreConfig: func() {
					if err := srv.SetApproval("order_shipped_v2", "en", wire.ApprovalApproved, ""); err != nil {
						panic(err)
					}
				},
				Config:            providerBlock(srv) + template + message,
				ConfigStateChecks: []statecheck.StateCheck{status("APPROVED")},
				Check: func(*terraform.State) error {
					if n := len(srv.SendRequests()); n != 1 {
						return fmt.Errorf("%d sends, want 1", n)
					}
					return nil
				},
			},
		},
	})
	if n := creates(); n != 1 {
		t.Errorf("the mock saw %d create requests over three applies; want 1", n)
	}
}

// submittableConfig is order_shipped under name with every example a
// submission needs, and submit = true.
func submittableConfig(name, body string) string {
	config := orderShippedConfig(name, "en", body, `submit        = true
  body_examples = ["Asha", "A-1001"]`)
	config = strings.Replace(config, `text   = "Order {{1}}"`, `text    = "Order {{1}}"
    example = "A-1001"`, 1)
	return strings.Replace(config, `url = "https://shop.example.com/track/{{1}}" }`, `url = "https://shop.example.com/track/{{1}}", example = "https://shop.example.com/track/A-1001" }`, 1)
}

// TestAccTemplateSubmit_rejectedThenFixed: Meta rejects a submission; the
// refresh shows REJECTED with the reason; the corrected content is
// submitted again under the same name, and the reason goes.
func TestAccTemplateSubmit_rejectedThenFixed(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{RateLimit: -1})
	const addr = "interakt_template.order_shipped"
	check := func(status string, reason knownvalue.Check) []statecheck.StateCheck {
		return []statecheck.StateCheck{
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("approval_status"), knownvalue.StringExact(status)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("rejection_reason"), reason),
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams().withEnv(envAPIKey, testAPIKey)),
		Steps: []resource.TestStep{
			{Config: providerBlock(srv) + submittableConfig("promo_q3", orderShippedBody), ConfigStateChecks: check("WAITING", knownvalue.Null())},
			{
				PreConfig: func() {
					if err := srv.SetApproval("promo_q3", "en", wire.ApprovalRejected, "PROMOTIONAL_CONTENT"); err != nil {
						panic(err)
					}
				},
				Config:            providerBlock(srv) + submittableConfig("promo_q3", orderShippedBody),
				ConfigStateChecks: check("REJECTED", knownvalue.StringExact("PROMOTIONAL_CONTENT")),
			},
			{
				Config:            providerBlock(srv) + submittableConfig("promo_q3", "Hi {{1}}, your order {{2}} is on its way."),
				ConfigStateChecks: check("WAITING", knownvalue.Null()),
			},
		},
	})
	subs := srv.Submissions()
	if len(subs) != 2 || subs[1].Request.Body != "Hi {{1}}, your order {{2}} is on its way." {
		t.Errorf("submissions = %+v; want the first and the corrected one", subs)
	}
}

// TestAccTemplateSubmit_adoptsIdentical: a template to submit that the
// account has with the same content is adopted, not submitted; a rejected
// one is submitted again once fixed; destroy warns what stays.
func TestAccTemplateSubmit_adoptsIdentical(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{RateLimit: -1})
	config := submittableConfig("order_shipped", orderShippedBody)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams().withEnv(envAPIKey, testAPIKey)),
		Steps: []resource.TestStep{
			{
				Config: providerBlock(srv) + config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("interakt_template.order_shipped", tfjsonpath.New("approval_status"), knownvalue.StringExact("APPROVED")),
				},
			},
			{
				// A content change of a submitted template is refused.
				Config:      providerBlock(srv) + strings.Replace(config, "has shipped.", "is on its way.", 1),
				ExpectError: regexp.MustCompile(`Submitted Template Cannot Change[\s\S]*order_shipped_v2`),
			},
		},
	})
	if n := len(srv.Submissions()); n != 0 {
		t.Errorf("%d submissions; an identical template must be adopted", n)
	}
}

// TestAccTemplateSubmit_dashboardEdit: a submitted template edited in the
// dashboard is a warning and no change, not a refused change; declaring
// the edit is an update that adopts the account's template. Nothing is
// submitted after the first apply.
func TestAccTemplateSubmit_dashboardEdit(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{RateLimit: -1})
	const edited = "Hi {{1}}, your order {{2}} is on its way."
	cli := accountCLI(t, &testEnv{}, srv, submittableConfig("order_shipped_v2", orderShippedBody))
	if err := srv.UpdateTemplate("order_shipped_v2", "en", func(tmpl *wire.TemplateInfo) {
		tmpl.ApprovalStatus = wire.ApprovalApproved
		tmpl.Body = edited
	}); err != nil {
		t.Fatal(err)
	}
	if d := findCLIDiag(cli.plan(), "warning", "Template Differs From the Account", "body"); d == nil {
		t.Error("no drift warning at body")
	}
	if out, err := cli.run("plan", "-detailed-exitcode", "-no-color", "-input=false", "-lock=false"); err != nil {
		t.Errorf("plan after a dashboard edit of a submitted template: %v\n%s", err, out)
	}
	cli.write(cliRequiredProviders + providerBlock(srv) + submittableConfig("order_shipped_v2", edited))
	if out, err := cli.run("apply", "-auto-approve", "-input=false", "-no-color", "-lock=false"); err != nil || !strings.Contains(out, "0 added, 1 changed, 0 destroyed") {
		t.Errorf("declaring the account's edit: %v\n%s", err, out)
	}
	if diags := cli.plan(); len(diags) != 0 {
		t.Errorf("the plan after declaring the edit has diagnostics:\n%s", cliDiagString(diags))
	}
	if n := len(srv.Submissions()); n != 1 {
		t.Errorf("%d submissions; want the first only", n)
	}
}
