package provider

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// TestAccountSendCheck plans the send action and a message against the
// account's templates: one not APPROVED, one absent, and one whose body
// has another variable count are refused at plan, at template, and no
// request but the listing reaches the mock. Without a key nothing is read,
// and the plan only warns that the apply cannot send.
func TestAccountSendCheck(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		account func(*mock.Server)
		message func(map[string]any)
		want    wantDiag
		// lists are the statuses listed (one page each): APPROVED, and the
		// others in turn up to the one that has the template.
		lists int
	}{
		{name: "approved and alike", lists: 1},
		{
			name:    "paused",
			account: func(s *mock.Server) { _ = s.SetApproval("order_shipped", "en", "PAUSED", "") },
			want:    errAt("Template Not Approved", "template"),
			lists:   5, // APPROVED, PENDING, WAITING, REJECTED, PAUSED
		},
		{
			name:    "rejected",
			account: func(s *mock.Server) { _ = s.SetApproval("order_shipped", "en", "REJECTED", "TAG_CONTENT_MISMATCH") },
			want:    errAt("Template Not Approved", "template"),
			lists:   4,
		},
		{
			name:    "absent",
			account: func(s *mock.Server) { s.DeleteTemplate("order_shipped", "en") },
			want:    errAt("Template Not in the Account", "template.name"),
			lists:   len(wire.ApprovalStatuses),
		},
		{
			name: "body variables differ",
			account: func(s *mock.Server) {
				_ = s.UpdateTemplate("order_shipped", "en", func(t *wire.TemplateInfo) { t.Body = "Hi {{1}}, order {{2}} ships {{3}}." })
			},
			want:  errAt("Template Differs From the Account", "template"),
			lists: 1,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newTestMock(t, mock.Options{RateLimit: -1})
			if tc.account != nil {
				tc.account(srv)
			}
			p := newProtocolServer(t, testSeams().withEnv(envAPIKey, testAPIKey))
			if diags := p.configure(map[string]any{"base_url": srv.URL()}); hasErrorDiag(diags) {
				t.Fatalf("configure:\n%s", diagString(diags))
			}
			var want []wantDiag
			if tc.want.summary != "" {
				want = []wantDiag{tc.want}
			}
			assertDiags(t, "action plan", p.planAction(validMessage()), want)
			assertDiags(t, "message plan", p.planCreate(messageType, validMessage()).Diagnostics, want)
			for i, r := range srv.Requests() {
				if want := "approval_status=" + wire.ApprovalStatuses[min(i, len(wire.ApprovalStatuses)-1)] + "&offset=0"; r.Path != wire.TemplatesPath || r.Query != want {
					t.Errorf("plan made %s %s?%s; want only the listing of %s", r.Method, r.Path, r.Query, want)
				}
			}
			if n := len(srv.Requests()); n != tc.lists {
				t.Errorf("two plans made %d list requests; want %d, one per status listed (APPROVED first)", n, tc.lists)
			}

			// Without a key: nothing read, and nothing reported but that the
			// apply cannot send.
			offline := newProtocolServer(t, testSeams())
			if diags := offline.configure(map[string]any{"base_url": srv.URL()}); hasErrorDiag(diags) {
				t.Fatalf("configure:\n%s", diagString(diags))
			}
			before := len(srv.Requests())
			assertDiags(t, "plan without key", offline.planAction(validMessage()), []wantDiag{warnAt("No API Key to Send With", "(none)")})
			if n := len(srv.Requests()) - before; n != 0 {
				t.Errorf("a plan without a key made %d requests", n)
			}
		})
	}
}

// testSendConfig is the mock's order_shipped declared (without submit) and
// a test send of it.
func testSendConfig(srv *mock.Server) string {
	return cliRequiredProviders + providerBlock(srv) + orderShippedConfig("order_shipped", "en", orderShippedBody, "") + `
resource "interakt_template_message" "smoke" {
  template      = interakt_template.order_shipped.contract
  country_code  = "+91"
  phone_number  = "9999999999"
  header_values = ["A-1001"]
  body_values   = ["Asha", "A-1001"]
  button_values = { "0" = ["A-1001"] }
}
`
}

// TestAccTemplateListing_planAndApply: `terraform apply` of an approved
// template and a test send of it, as Terraform runs it (a plan walk and an
// apply walk, each configuring the provider afresh), lists the account
// once in each: one page of APPROVED, the apply's for the template it
// creates (a whole listing of every status each made 12 before). The
// next apply, with the template in the state and a second test send,
// lists once, at the plan's refresh: the apply reuses that listing.
func TestAccTemplateListing_planAndApply(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{RateLimit: -1})
	env := &testEnv{}
	env.set(envAPIKey, testAPIKey)
	cli := newCLITerraform(t, env.seams(), testSendConfig(srv))
	if out, err := cli.run("apply", "-auto-approve", "-input=false", "-no-color", "-lock=false"); err != nil {
		t.Fatalf("terraform apply: %v\n%s", err, out)
	}
	if got := countRequestKinds(srv); got != (requestKinds{listing: 2, send: 1}) {
		t.Errorf("the apply made %+v; want 2 listing requests (one APPROVED page in each walk) and 1 send", got)
	}
	for _, r := range srv.Requests() {
		if r.Path == wire.TemplatesPath && r.Query != "approval_status=APPROVED&offset=0" {
			t.Errorf("listing %s; want APPROVED alone", r.Query)
		}
	}
	if id, _ := cli.stateAttribute("interakt_template_message.smoke", "id").(string); id == "" || len(srv.Sent()) != 1 || srv.Sent()[0].ID != id {
		t.Errorf("state id %q; want the mock's one accepted send", id)
	}

	before := countRequestKinds(srv)
	cli.write(testSendConfig(srv) + `
resource "interakt_template_message" "again" {
  template      = interakt_template.order_shipped.contract
  country_code  = "+91"
  phone_number  = "9999999998"
  header_values = ["A-1002"]
  body_values   = ["Ravi", "A-1002"]
  button_values = { "0" = ["A-1002"] }
}
`)
	if out, err := cli.run("apply", "-auto-approve", "-input=false", "-no-color", "-lock=false"); err != nil {
		t.Fatalf("second terraform apply: %v\n%s", err, out)
	}
	after := countRequestKinds(srv)
	if listings, sends := after.listing-before.listing, after.send-before.send; listings != 1 || sends != 1 {
		t.Errorf("the next apply made %d listing requests and %d sends; want 1 (the refresh's) and 1", listings, sends)
	}
}

// TestAccTemplateListing_pendingAtPlan: a template the account lists
// PENDING is found, after APPROVED, in the next status listed, and the
// plan of a send of it fails saying so; nothing else is listed, and
// nothing is sent.
func TestAccTemplateListing_pendingAtPlan(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{RateLimit: -1})
	if err := srv.SetApproval("order_shipped", "en", wire.ApprovalPending, ""); err != nil {
		t.Fatal(err)
	}
	env := &testEnv{}
	env.set(envAPIKey, testAPIKey)
	cli := newCLITerraform(t, env.seams(), testSendConfig(srv))
	diags := cli.plan()
	d := findCLIDiag(diags, "error", "Template Not Approved", "template")
	if d == nil || !strings.Contains(d.Detail, "PENDING") {
		t.Errorf("want a Template Not Approved error naming PENDING at the message's template:\n%s", cliDiagString(diags))
	}
	var queries []string
	for _, r := range srv.Requests() {
		queries = append(queries, r.Query)
	}
	if want := []string{"approval_status=APPROVED&offset=0", "approval_status=PENDING&offset=0"}; strings.Join(queries, " ") != strings.Join(want, " ") {
		t.Errorf("the plan made %v; want %v", queries, want)
	}
	if n := len(srv.SendRequests()); n != 0 {
		t.Errorf("the plan made %d sends", n)
	}
}

// TestAccTemplateListing_staleListingRefused: with the template in the
// state, the plan finds it APPROVED; Interakt withdraws the approval; the
// apply of the saved plan, which lists nothing of its own, checks the
// send against the plan's listing, which still shows it APPROVED, and
// Interakt refuses the send. The apply fails, saying the template is
// PENDING now, the message is not in the state, and the next apply, once
// the template is approved again, sends it once.
func TestAccTemplateListing_staleListingRefused(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{RateLimit: -1})
	env := &testEnv{}
	env.set(envAPIKey, testAPIKey)
	cli := newCLITerraform(t, env.seams(), testSendConfig(srv))
	if out, err := cli.run("apply", "-auto-approve", "-input=false", "-no-color", "-lock=false", "-target=interakt_template.order_shipped"); err != nil {
		t.Fatalf("terraform apply of the template: %v\n%s", err, out)
	}
	if out, err := cli.run("plan", "-out=send.tfplan", "-input=false", "-no-color", "-lock=false"); err != nil {
		t.Fatalf("terraform plan: %v\n%s", err, out)
	}
	if err := srv.SetApproval("order_shipped", "en", wire.ApprovalPending, ""); err != nil {
		t.Fatal(err)
	}
	diags := cli.jsonDiagnostics("apply", "-json", "-input=false", "-no-color", "-lock=false", "send.tfplan")
	d := findCLIDiag(diags, "error", "Template Not Approved", "")
	if d == nil || !strings.Contains(d.Detail, "order_shipped (en) as PENDING") || !strings.Contains(d.Detail, "nothing was sent") ||
		!strings.Contains(d.Detail, mock.MsgNoTemplate("order_shipped", "en")) {
		t.Fatalf("want a Template Not Approved error naming PENDING, saying nothing was sent and quoting Interakt:\n%s", cliDiagString(diags))
	}
	if n, sent := len(srv.SendRequests()), len(srv.Sent()); n != 1 || sent != 0 {
		t.Errorf("the mock saw %d sends and accepted %d; want the one refused", n, sent)
	}
	if out, err := cli.run("state", "list"); err != nil || strings.Contains(out, "interakt_template_message.smoke") {
		t.Errorf("the refused message is in the state (%v):\n%s", err, out)
	}

	if err := srv.SetApproval("order_shipped", "en", wire.ApprovalApproved, ""); err != nil {
		t.Fatal(err)
	}
	if out, err := cli.run("apply", "-auto-approve", "-input=false", "-no-color", "-lock=false"); err != nil {
		t.Fatalf("terraform apply once approved: %v\n%s", err, out)
	}
	if sent := len(srv.Sent()); sent != 1 {
		t.Errorf("the mock accepted %d sends; want 1", sent)
	}
}

// TestAccTemplateListing_staleListingStopsCampaign: as above for a
// campaign: the first refusal stops it, no recipient counts as sent, each
// is failed, and the next apply, once the template is approved again,
// sends every one once.
func TestAccTemplateListing_staleListingStopsCampaign(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{RateLimit: -1})
	env := &testEnv{}
	env.set(envAPIKey, testAPIKey)
	const recipients = 5
	cli := newCLITerraform(t, env.seams(), applyRequestsConfig(srv, 0, recipients))
	if out, err := cli.run("apply", "-auto-approve", "-input=false", "-no-color", "-lock=false", "-target=interakt_template.order_shipped"); err != nil {
		t.Fatalf("terraform apply of the template: %v\n%s", err, out)
	}
	if out, err := cli.run("plan", "-out=send.tfplan", "-input=false", "-no-color", "-lock=false"); err != nil {
		t.Fatalf("terraform plan: %v\n%s", err, out)
	}
	if err := srv.SetApproval("order_shipped", "en", wire.ApprovalPaused, ""); err != nil {
		t.Fatal(err)
	}
	diags := cli.jsonDiagnostics("apply", "-json", "-input=false", "-no-color", "-lock=false", "send.tfplan")
	if d := findCLIDiag(diags, "warning", "Campaign stopped: the template is not approved", ""); d == nil || !strings.Contains(d.Detail, "as PAUSED") {
		t.Errorf("want a warning that the campaign stopped, naming PAUSED:\n%s", cliDiagString(diags))
	}
	if n := len(srv.Sent()); n != 0 {
		t.Errorf("the mock accepted %d sends", n)
	}
	if got := cli.stateAttribute("interakt_campaign.launch", "sent_count"); got != float64(0) {
		t.Errorf("sent_count = %v; want 0", got)
	}
	results := campaignStateResults(t, filepath.Join(cli.dir, "terraform.tfstate"))
	for key, r := range results {
		if r["status"] != sendFailed {
			t.Errorf("%s is %v; want failed", key, r["status"])
		}
	}
	if len(results) != recipients {
		t.Errorf("%d results; want %d", len(results), recipients)
	}

	if err := srv.SetApproval("order_shipped", "en", wire.ApprovalApproved, ""); err != nil {
		t.Fatal(err)
	}
	if out, err := cli.run("apply", "-auto-approve", "-input=false", "-no-color", "-lock=false"); err != nil {
		t.Fatalf("terraform apply once approved: %v\n%s", err, out)
	}
	if n := len(srv.Sent()); n != recipients {
		t.Errorf("the mock accepted %d sends; want %d", n, recipients)
	}
}
