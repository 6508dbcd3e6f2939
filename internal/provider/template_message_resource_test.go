package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// designBody is DESIGN.md's example request, byte for byte.
const designBody = `{"countryCode":"+91","phoneNumber":"9999999999","type":"Template","callbackData":"release-42",` +
	`"template":{"name":"order_shipped","languageCode":"en","headerValues":["Alert"],"fileName":"invoice.pdf",` +
	`"bodyValues":["There","1234"],"buttonValues":{"0":["12344"]},"buttonPayload":{"1":["payload1"]}}}`

func TestAccTemplateMessage_sendsOnceAndOnTriggers(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{})
	addr := messageType + ".smoke"
	sentID := func(i int) knownvalue.Check {
		return knownvalue.StringFunc(func(id string) error {
			sent := srv.Sent()
			if len(sent) <= i || sent[i].ID != id {
				return fmt.Errorf("state id %q is not the id of send %d the mock accepted (%d accepted)", id, i+1, len(sent))
			}
			return nil
		})
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams().withEnv(envAPIKey, testAPIKey)),
		Steps: []resource.TestStep{
			{
				Config: orderShippedMessage(srv, "42"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
					plancheck.ExpectUnknownValue(addr, tfjsonpath.New("id")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), sentID(0)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("sent")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("sent_at"), rfc3339Check()),
				},
				Check: func(*terraform.State) error {
					return expectBodies(srv, orderShippedRequest)
				},
			},
			{
				// The same configuration plans nothing and sends nothing.
				Config: orderShippedMessage(srv, "42"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: func(*terraform.State) error { return expectSendRequests(srv, 1) },
			},
			{
				// A trigger change is a replacement: exactly one more send.
				Config: orderShippedMessage(srv, "43"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionReplace),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), sentID(1)),
				},
				Check: func(*terraform.State) error { return expectBodies(srv, orderShippedRequest, orderShippedRequest) },
			},
		},
	})
}

func TestAccTemplateMessage_designExampleBody(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{})
	// A contract that gives no header format: the header rules are skipped,
	// so the design example's text header value and file name both pass.
	config := providerBlock(srv) + `
resource "interakt_template_message" "design" {
  template       = { name = "order_shipped", language_code = "en", body_variables = 2 }
  country_code   = "+91"
  phone_number   = "9999999999"
  callback_data  = "release-42"
  header_values  = ["Alert"]
  file_name      = "invoice.pdf"
  body_values    = ["There", "1234"]
  button_values  = { "0" = ["12344"] }
  button_payload = { "1" = ["payload1"] }
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams().withEnv(envAPIKey, testAPIKey)),
		Steps: []resource.TestStep{{
			Config: config,
			Check:  func(*terraform.State) error { return expectBodies(srv, designBody) },
		}},
	})
}

func TestAccTemplateMessage_documentHeaderBody(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{})
	config := providerBlock(srv) + `
resource "interakt_template_message" "invoice" {
  template = {
    name             = "invoice_ready"
    language_code    = "en"
    header_format    = "DOCUMENT"
    header_variables = 0
    body_variables   = 3
    buttons          = []
  }
  country_code  = "+91"
  phone_number  = "9999999999"
  header_values = ["https://files.example.com/invoice-1234.pdf"]
  file_name     = "invoice.pdf"
  body_values   = ["Asha", "1234", "INR 500"]
}
`
	want := `{"countryCode":"+91","phoneNumber":"9999999999","type":"Template","template":{"name":"invoice_ready","languageCode":"en",` +
		`"headerValues":["https://files.example.com/invoice-1234.pdf"],"fileName":"invoice.pdf","bodyValues":["Asha","1234","INR 500"]}}`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams().withEnv(envAPIKey, testAPIKey)),
		Steps: []resource.TestStep{{
			Config: config,
			Check:  func(*terraform.State) error { return expectBodies(srv, want) },
		}},
	})
}

func TestAccTemplateMessage_minimalBody(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{})
	config := providerBlock(srv) + `
resource "interakt_template_message" "welcome" {
  template     = { name = "welcome_message", language_code = "en", header_format = "NONE", body_variables = 0, buttons = [] }
  country_code = "+91"
  phone_number = "9999999999"
}
`
	want := `{"countryCode":"+91","phoneNumber":"9999999999","type":"Template","template":{"name":"welcome_message","languageCode":"en"}}`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams().withEnv(envAPIKey, testAPIKey)),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(messageType+".welcome", tfjsonpath.New("callback_data"), knownvalue.Null()),
			},
			Check: func(*terraform.State) error { return expectBodies(srv, want) },
		}},
	})
}

func TestAccTemplateMessage_rejectedThenFixed(t *testing.T) {
	t.Parallel()
	const rejection = "Please correct the following error - The number 9999999999 is not on WhatsApp (code 1013)"
	srv := newTestMock(t, mock.Options{RejectPhones: map[string]string{"9999999999": rejection}})
	addr := messageType + ".smoke"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams().withEnv(envAPIKey, testAPIKey)),
		Steps: []resource.TestStep{
			{
				Config:      orderShippedMessage(srv, "42"),
				ExpectError: regexp.MustCompile(`Interakt Rejected the Message[\s\S]*` + regexp.QuoteMeta("(code 1013)")),
			},
			{
				// Nothing was saved: the same configuration plans a create,
				// and once the API accepts the number it sends once.
				PreConfig: func() {
					if n := len(srv.SendRequests()); n != 1 {
						t.Errorf("the rejected apply made %d send requests; want 1", n)
					}
					srv.SetRejectPhone("9999999999", "", false)
				},
				Config: orderShippedMessage(srv, "42"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("sent")),
				},
				Check: func(*terraform.State) error {
					if err := expectSendRequests(srv, 2); err != nil {
						return err
					}
					return expectBodies(srv, orderShippedRequest)
				},
			},
		},
	})
}

func TestAccTemplateMessage_uncertainIsNotSentAgain(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{Faults: mock.Faults{ByRequest: map[int]mock.Fault{1: mock.FaultDropAfterBody}}})
	rec := &diagRecorder{}
	addr := messageType + ".smoke"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(testSeams().withEnv(envAPIKey, testAPIKey)),
		Steps: []resource.TestStep{
			{
				Config: orderShippedMessage(srv, "42"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("uncertain")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("sent_at"), rfc3339Check()),
				},
				Check: func(*terraform.State) error {
					if err := expectSendRequests(srv, 1); err != nil {
						return err
					}
					if n := srv.SentCount(); n != 1 {
						return fmt.Errorf("the mock accepted %d messages; want 1 (it reads the body before dropping the connection)", n)
					}
					w := rec.findWarning("Message May Have Been Sent")
					if w == nil {
						return fmt.Errorf("no uncertain-send warning; apply diagnostics:\n%s", diagString(rec.all()))
					}
					for _, want := range []string{"interakt_template_message", `status = "uncertain"`, "terraform apply -replace="} {
						if !strings.Contains(w.Detail, want) {
							return fmt.Errorf("warning detail lacks %q: %s", want, w.Detail)
						}
					}
					if strings.Contains(w.Detail, "9999999999") {
						return fmt.Errorf("warning detail quotes the phone number: %s", w.Detail)
					}
					return nil
				},
			},
			{
				Config: orderShippedMessage(srv, "42"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: func(*terraform.State) error { return expectSendRequests(srv, 1) },
			},
		},
	})
}

func TestAccTemplateMessage_dryRunSendsNothing(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{})
	addr := messageType + ".smoke"
	config := strings.Replace(orderShippedMessage(srv, "42"), "provider \"interakt\" {\n", "provider \"interakt\" {\n  dry_run = true\n", 1)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams().withEnv(envAPIKey, testAPIKey)),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("dry_run")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringRegexp(
					regexp.MustCompile(`^dry-run-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`))),
			},
			Check: func(*terraform.State) error {
				if reqs := srv.Requests(); len(reqs) != 0 {
					return fmt.Errorf("a dry run made %d requests to the mock; want none", len(reqs))
				}
				return nil
			},
		}},
	})
}

// TestAccTemplateMessage_withoutKey: a test send planned with no API key
// warns at plan, and its apply stops before any request, at the resource.
func TestAccTemplateMessage_withoutKey(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{})
	cli := newCLITerraform(t, testSeams(), cliRequiredProviders+orderShippedMessage(srv, "42"))
	const block = `resource "interakt_template_message" "smoke"`
	expectSendStopsWithoutKey(t, cli, srv, block, "No API Key to Send With", block)
}

func TestAccTemplateMessage_importRefused(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams().withEnv(envAPIKey, testAPIKey)),
		Steps: []resource.TestStep{{
			Config:        orderShippedMessage(srv, "42"),
			ResourceName:  messageType + ".smoke",
			ImportState:   true,
			ImportStateId: "5f0c6a2e-7b1d-4c3e-9a58-2d4e8f6b1a01",
			ExpectError:   regexp.MustCompile(`Import Not Supported[\s\S]*cannot be adopted`),
		}},
	})
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("an import attempt made %d requests; want none", n)
	}
}

// TestAccTemplateMessage_contractFromTemplate takes the contract from an
// interakt_template, as the docs show: it is known at plan, so the values
// are checked against it there; a template change that keeps the contract
// sends nothing, and one that changes it is checked before anything is sent.
func TestAccTemplateMessage_contractFromTemplate(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{})
	addr := messageType + ".smoke"
	config := func(body, footer string) string {
		return providerBlock(srv) + fmt.Sprintf(`
resource "interakt_template" "order_shipped" {
  name          = "order_shipped"
  language_code = "en"
  category      = "UTILITY"
  header = {
    format = "TEXT"
    text   = "Order {{1}}"
  }
  body   = %q
  footer = %q
  buttons = [
    { type = "URL", text = "Track", url = "https://shop.example.com/track/{{1}}" },
    { type = "QUICK_REPLY", text = "Stop updates" },
  ]
}

resource "interakt_template_message" "smoke" {
  template       = interakt_template.order_shipped.contract
%s}
`, body, footer, orderShippedValues)
	}
	const body = "Hi {{1}}, your order {{2}} has shipped."
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams().withEnv(envAPIKey, testAPIKey)),
		Steps: []resource.TestStep{
			{
				Config: config(body, "Reply STOP to opt out"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("template").AtMapKey("body_variables"), knownvalue.Int64Exact(2)),
				}},
				Check: func(*terraform.State) error { return expectBodies(srv, orderShippedRequest) },
			},
			{
				// The footer is not part of the contract: no new send. The
				// account's footer is edited too, so that the declaration
				// matches it.
				PreConfig: func() {
					if err := srv.UpdateTemplate("order_shipped", "en", func(t *wire.TemplateInfo) { t.Footer = "Reply STOP to stop" }); err != nil {
						panic(err)
					}
				},
				Config: config(body, "Reply STOP to stop"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
				}},
				Check: func(*terraform.State) error { return expectSendRequests(srv, 1) },
			},
			{
				// A third body variable changes the contract, and the
				// message's two values no longer fit: refused at plan.
				Config:      config("Hi {{1}}, your order {{2}} ships on {{3}}.", "Reply STOP to stop"),
				ExpectError: regexp.MustCompile(`Wrong Number of Body Values[\s\S]*The template's body has 3 variables`),
			},
		},
	})
	if err := expectSendRequests(srv, 1); err != nil {
		t.Error(err)
	}
}

// Protocol-level tests: Terraform's calls made directly on the provider
// server, without a CLI.

func TestTemplateMessageApply_outcomes(t *testing.T) {
	t.Parallel()
	const rejection = "Please correct the following error - No approved template found with name 'order_shipped' and language 'en'"
	tests := []struct {
		name       string
		opts       mock.Options
		provider   map[string]any
		apiKey     string
		wantStatus string // "" when the apply must fail
		wantID     *regexp.Regexp
		wantDiag   wantDiag
		wantDetail []string
		wantSends  int // send requests the mock sees
	}{
		{
			name: "sent", wantStatus: "sent", wantID: regexp.MustCompile(`^[0-9a-f-]{36}$`), wantSends: 1,
		},
		{
			name:       "rejected",
			opts:       mock.Options{RejectPhones: map[string]string{"9999999999": rejection}},
			wantDiag:   wantDiag{tfprotov6.DiagnosticSeverityError, "Interakt Rejected the Message", "(none)"},
			wantDetail: []string{"(HTTP 400): " + rejection},
			wantSends:  1,
		},
		{
			name: "unauthorized",
			// Caught at plan, where the template is checked against the
			// account: nothing is sent.
			apiKey:     "d3Jvbmcta2V5Og==", // base64 of "wrong-key:"
			wantDiag:   wantDiag{tfprotov6.DiagnosticSeverityError, "Cannot Check the Template", "template"},
			wantDetail: []string{"(HTTP 401): " + mock.MsgUnauthorized, "Nothing was sent"},
			wantSends:  0,
		},
		{
			name:       "server error is uncertain",
			opts:       mock.Options{Faults: mock.Faults{ByRequest: map[int]mock.Fault{1: mock.Fault500}}},
			wantStatus: "uncertain",
			wantDiag:   wantDiag{tfprotov6.DiagnosticSeverityWarning, "Message May Have Been Sent", "(none)"},
			wantDetail: []string{"interakt_template_message", `template "order_shipped"`, "-replace="},
			wantSends:  1,
		},
		{
			name:       "answer without id is uncertain",
			opts:       mock.Options{Faults: mock.Faults{ByRequest: map[int]mock.Fault{1: mock.FaultNoID}}},
			wantStatus: "uncertain",
			wantDiag:   wantDiag{tfprotov6.DiagnosticSeverityWarning, "Message May Have Been Sent", "(none)"},
			wantSends:  1,
		},
		{
			name:       "rate limited after retries",
			opts:       mock.Options{Faults: mock.Faults{Every429: 1, Every429NoRetryAfter: true}},
			provider:   map[string]any{"max_retries": 0},
			wantDiag:   wantDiag{tfprotov6.DiagnosticSeverityError, "Interakt Rate Limit Exceeded", "(none)"},
			wantDetail: []string{"(HTTP 429): " + mock.MsgRateLimited},
			wantSends:  1,
		},
		{
			name: "dry run", provider: map[string]any{"dry_run": true},
			wantStatus: "dry_run", wantID: regexp.MustCompile(`^dry-run-[0-9a-f-]{36}$`),
		},
		{
			// At the resource: api_key is the provider's attribute.
			name: "no key", apiKey: "none",
			wantDiag:   wantDiag{tfprotov6.DiagnosticSeverityError, "Missing Interakt API Key", "(none)"},
			wantDetail: []string{"nothing was sent", "api_key", envAPIKey},
		},
		{
			name: "dry run needs no key", apiKey: "none", provider: map[string]any{"dry_run": true},
			wantStatus: "dry_run", wantID: regexp.MustCompile(`^dry-run-`),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			key := testAPIKey
			switch tc.apiKey {
			case "none":
				key = ""
			case "":
			default:
				key = tc.apiKey
			}
			srv := newTestMock(t, tc.opts)
			p := newProtocolServer(t, testSeams().withEnv(envAPIKey, key))
			providerConfig := map[string]any{"base_url": srv.URL()}
			for k, v := range tc.provider {
				providerConfig[k] = v
			}
			if diags := p.configure(providerConfig); hasErrorDiag(diags) {
				t.Fatalf("configure:\n%s", diagString(diags))
			}
			state, diags := p.applyMessage(protocolMessage())
			if n := len(srv.SendRequests()); n != tc.wantSends {
				t.Errorf("the mock saw %d send requests; want %d", n, tc.wantSends)
			}
			if tc.wantDiag.summary != "" {
				d := findDiag(diags, tc.wantDiag)
				if d == nil {
					t.Fatalf("want %v; got:\n%s", tc.wantDiag, diagString(diags))
				}
				for _, want := range tc.wantDetail {
					if !strings.Contains(d.Detail, want) {
						t.Errorf("detail lacks %q:\n%s", want, d.Detail)
					}
				}
			}
			if tc.wantStatus == "" {
				if !hasErrorDiag(diags) {
					t.Fatalf("want an error; got:\n%s", diagString(diags))
				}
				if !state.IsNull() {
					t.Errorf("a failed send left state %v; want none", state)
				}
				return
			}
			if hasErrorDiag(diags) {
				t.Fatalf("unexpected error:\n%s", diagString(diags))
			}
			attrs := stateAttributes(t, state)
			if got := stringAttr(t, attrs, "status"); got != tc.wantStatus {
				t.Errorf("status = %q; want %q", got, tc.wantStatus)
			}
			id := attrs["id"]
			switch {
			case tc.wantID == nil && !id.IsNull():
				t.Errorf("id = %v; want null", id)
			case tc.wantID != nil && !tc.wantID.MatchString(stringAttr(t, attrs, "id")):
				t.Errorf("id = %v; want a match of %s", id, tc.wantID)
			}
			if _, err := time.Parse(time.RFC3339, stringAttr(t, attrs, "sent_at")); err != nil {
				t.Errorf("sent_at: %v", err)
			}
			if tc.wantStatus == "sent" && stringAttr(t, attrs, "id") != srv.Sent()[0].ID {
				t.Errorf("id %q is not the mock's %q", stringAttr(t, attrs, "id"), srv.Sent()[0].ID)
			}
		})
	}
}

func TestTemplateMessageApply_sendLimit(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{})
	p := newProtocolServer(t, testSeams().withEnv(envAPIKey, testAPIKey))
	if diags := p.configure(map[string]any{"base_url": srv.URL(), "max_sends_per_apply": 1}); hasErrorDiag(diags) {
		t.Fatalf("configure:\n%s", diagString(diags))
	}
	if _, diags := p.applyMessage(protocolMessage()); hasErrorDiag(diags) {
		t.Fatalf("first send:\n%s", diagString(diags))
	}
	state, diags := p.applyMessage(protocolMessage())
	d := findDiag(diags, wantDiag{tfprotov6.DiagnosticSeverityError, "Send Limit Reached", "(none)"})
	if d == nil {
		t.Fatalf("want the send limit error; got:\n%s", diagString(diags))
	}
	if !strings.Contains(d.Detail, "max_sends_per_apply") || !strings.Contains(d.Detail, "Nothing was sent") {
		t.Errorf("detail does not name max_sends_per_apply or say nothing was sent: %s", d.Detail)
	}
	if !state.IsNull() {
		t.Errorf("a refused send left state")
	}
	if n := len(srv.SendRequests()); n != 1 {
		t.Errorf("the mock saw %d send requests; want 1", n)
	}
}

func TestTemplateMessagePlan_everyInputReplaces(t *testing.T) {
	t.Parallel()
	p := newProtocolServer(t, testSeams())
	base := protocolMessage()
	base["triggers"] = map[string]any{"release": "42"}
	prior := p.value(p.resourceType(messageType), withComputed(base))
	changes := map[string]any{
		"template":       map[string]any{"name": "order_shipped", "language_code": "hi", "body_variables": 2},
		"country_code":   "+1",
		"phone_number":   "9999999998",
		"callback_data":  "release-43",
		"header_values":  []any{"Alert 2"},
		"body_values":    []any{"There", "1235"},
		"button_values":  map[string]any{"0": []any{"12345"}},
		"button_payload": map[string]any{"1": []any{"payload2"}},
		"file_name":      "invoice-2.pdf",
		"triggers":       map[string]any{"release": "43"},
	}
	for name, value := range changes {
		t.Run(name, func(t *testing.T) {
			config := protocolMessage()
			config["triggers"] = base["triggers"]
			config[name] = value
			resp := p.planUpdate(messageType, prior, config)
			if hasErrorDiag(resp.Diagnostics) {
				t.Fatalf("plan:\n%s", diagString(resp.Diagnostics))
			}
			if len(resp.RequiresReplace) != 1 || attrPathString(resp.RequiresReplace[0]) != name {
				t.Errorf("RequiresReplace = %v; want [%s]", resp.RequiresReplace, name)
			}
		})
	}
	t.Run("unchanged", func(t *testing.T) {
		resp := p.planUpdate(messageType, prior, base)
		if len(resp.RequiresReplace) != 0 || hasErrorDiag(resp.Diagnostics) {
			t.Fatalf("RequiresReplace = %v, diagnostics:\n%s", resp.RequiresReplace, diagString(resp.Diagnostics))
		}
		planned, err := resp.PlannedState.Unmarshal(p.resourceType(messageType))
		if err != nil {
			t.Fatal(err)
		}
		if !planned.Equal(prior) {
			t.Errorf("an unchanged configuration plans a change:\nplanned %v\nprior   %v", planned, prior)
		}
	})
}

func TestTemplateMessagePlan_keptStateIsNotChecked(t *testing.T) {
	t.Parallel()
	// Values a newer rule would refuse do not block a plan that sends
	// nothing; a create of the same values is refused.
	p := newProtocolServer(t, testSeams())
	config := protocolMessage()
	config["body_values"] = []any{"There"}
	prior := p.value(p.resourceType(messageType), withComputed(config))
	if resp := p.planUpdate(messageType, prior, config); len(resp.Diagnostics) != 0 {
		t.Errorf("a plan that keeps state reported:\n%s", diagString(resp.Diagnostics))
	}
	resp := p.planCreate(messageType, config)
	if findDiag(resp.Diagnostics, wantDiag{tfprotov6.DiagnosticSeverityError, "Wrong Number of Body Values", "body_values"}) == nil {
		t.Errorf("a create was not checked:\n%s", diagString(resp.Diagnostics))
	}
}

// TestTemplateMessagePlan_warnsWithoutKey: a send planned with no API key
// and no dry run warns once, at the resource; with a key known only at
// apply, a key, or dry_run, the plan does not warn. A plan that keeps the
// state sends nothing and does not warn either.
func TestTemplateMessagePlan_warnsWithoutKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		key      string
		settings map[string]any
		warns    bool
	}{
		{name: "no key", warns: true},
		{name: "key known at apply", settings: map[string]any{"api_key": Unknown}},
		{name: "key", key: testAPIKey},
		{name: "dry run", settings: map[string]any{"dry_run": true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newTestMock(t, mock.Options{})
			p := newProtocolServer(t, testSeams().withEnv(envAPIKey, tc.key))
			settings := map[string]any{"base_url": srv.URL()}
			for k, v := range tc.settings {
				settings[k] = v
			}
			if diags := p.configure(settings); len(diags) != 0 {
				t.Fatalf("configure:\n%s", diagString(diags))
			}
			diags := p.planCreate(messageType, protocolMessage()).Diagnostics
			want := []wantDiag(nil)
			if tc.warns {
				want = []wantDiag{warnAt("No API Key to Send With", "(none)")}
			}
			assertDiags(t, "plan", diags, want)
			if d := findDiag(diags, warnAt("No API Key to Send With", "(none)")); d != nil && !strings.Contains(d.Detail, envAPIKey) {
				t.Errorf("the warning does not say how to set the key:\n%s", d.Detail)
			}
			prior := p.value(p.resourceType(messageType), withComputed(protocolMessage()))
			if diags := p.planUpdate(messageType, prior, protocolMessage()).Diagnostics; len(diags) != 0 {
				t.Errorf("a plan that keeps state reported:\n%s", diagString(diags))
			}
			if n := len(srv.SendRequests()); n != 0 {
				t.Errorf("planning made %d send requests", n)
			}
		})
	}
}

func TestTemplateMessageImport_refused(t *testing.T) {
	t.Parallel()
	p := newProtocolServer(t, testSeams())
	resp, err := p.server.ImportResourceState(context.Background(), &tfprotov6.ImportResourceStateRequest{
		TypeName: messageType, ID: "5f0c6a2e-7b1d-4c3e-9a58-2d4e8f6b1a01",
	})
	if err != nil {
		t.Fatal(err)
	}
	d := findDiag(resp.Diagnostics, wantDiag{tfprotov6.DiagnosticSeverityError, "Import Not Supported", "(none)"})
	if d == nil || !strings.Contains(d.Detail, "cannot be adopted") {
		t.Fatalf("want the import refusal; got:\n%s", diagString(resp.Diagnostics))
	}
	if len(resp.ImportedResources) != 0 {
		t.Errorf("imported %d resources; want none", len(resp.ImportedResources))
	}
}

func TestTemplateMessageReadAndDelete_keepAndForget(t *testing.T) {
	t.Parallel()
	p := newProtocolServer(t, testSeams())
	typ := p.resourceType(messageType)
	prior := p.value(typ, withComputed(protocolMessage()))
	read, err := p.server.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{
		TypeName: messageType, CurrentState: p.toDynamic(typ, prior),
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := read.NewState.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	if len(read.Diagnostics) != 0 || !got.Equal(prior) {
		t.Errorf("Read changed the state:\n%v\ndiagnostics:\n%s", got, diagString(read.Diagnostics))
	}
	null := tftypes.NewValue(typ, nil)
	del, err := p.server.ApplyResourceChange(context.Background(), &tfprotov6.ApplyResourceChangeRequest{
		TypeName: messageType, PriorState: p.toDynamic(typ, prior), PlannedState: p.toDynamic(typ, null), Config: p.toDynamic(typ, null),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(del.Diagnostics) != 0 {
		t.Errorf("Delete reported:\n%s", diagString(del.Diagnostics))
	}
	if gone, err := del.NewState.Unmarshal(typ); err != nil || !gone.IsNull() {
		t.Errorf("Delete left state %v (%v)", gone, err)
	}
}

func TestTemplateMessageSchema_descriptions(t *testing.T) {
	t.Parallel()
	p := newProtocolServer(t, testSeams())
	s, ok := p.schemas.ResourceSchemas[messageType]
	if !ok {
		t.Fatalf("no %s schema", messageType)
	}
	if s.Block.Description == "" {
		t.Error("the resource has no description")
	}
	computed := map[string]bool{}
	var walk func(prefix string, attrs []*tfprotov6.SchemaAttribute)
	walk = func(prefix string, attrs []*tfprotov6.SchemaAttribute) {
		for _, a := range attrs {
			if a.Description == "" {
				t.Errorf("%s%s has no description", prefix, a.Name)
			}
			if a.Computed {
				computed[prefix+a.Name] = true
			}
			if a.NestedType != nil {
				walk(prefix+a.Name+".", a.NestedType.Attributes)
			}
		}
	}
	walk("", s.Block.Attributes)
	for _, name := range []string{"id", "sent_at", "status", "attempt_id"} {
		if !computed[name] {
			t.Errorf("%s is not computed", name)
		}
	}
	if len(computed) != 4 {
		t.Errorf("computed attributes %v; want id, sent_at, status and attempt_id only", computed)
	}
}

// withComputed returns a message configuration with the computed
// attributes of a sent message, as state holds it.
func withComputed(config map[string]any) map[string]any {
	out := make(map[string]any, len(config)+3)
	for k, v := range config {
		out[k] = v
	}
	out["id"], out["status"], out["sent_at"] = "sent-id", "sent", "2026-01-02T03:04:05Z"
	return out
}
