package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

const orderShippedAddr = "interakt_template.order_shipped"

// orderShippedConfig is the design's template with a chosen name, language
// and body, plus extra attribute lines (such as "verify = true").
func orderShippedConfig(name, language, body, extra string) string {
	return fmt.Sprintf(`
resource "interakt_template" "order_shipped" {
  name          = %q
  language_code = %q
  category      = "UTILITY"
  header = {
    format = "TEXT"
    text   = "Order {{1}}"
  }
  body   = %q
  footer = "Reply STOP to opt out"
  buttons = [
    { type = "URL", text = "Track", url = "https://shop.example.com/track/{{1}}" },
    { type = "QUICK_REPLY", text = "Stop updates" },
  ]
  %s
}
`, name, language, body, extra)
}

const orderShippedBody = "Hi {{1}}, your order {{2}} has shipped."

// orderShippedContract is the contract of orderShippedConfig's template
// with a body of bodyVariables variables.
func orderShippedContract(name string, bodyVariables int64) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"name":             knownvalue.StringExact(name),
		"language_code":    knownvalue.StringExact("en"),
		"header_format":    knownvalue.StringExact("TEXT"),
		"header_variables": knownvalue.Int64Exact(1),
		"body_variables":   knownvalue.Int64Exact(bodyVariables),
		"buttons": knownvalue.ListExact([]knownvalue.Check{
			knownvalue.ObjectExact(map[string]knownvalue.Check{
				"index": knownvalue.Int64Exact(0), "type": knownvalue.StringExact("URL"), "dynamic": knownvalue.Bool(true),
			}),
			knownvalue.ObjectExact(map[string]knownvalue.Check{
				"index": knownvalue.Int64Exact(1), "type": knownvalue.StringExact("QUICK_REPLY"), "dynamic": knownvalue.Bool(false),
			}),
		}),
	})
}

var fingerprintPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// TestAccTemplate_contractKnownInPlan checks that a create's plan already
// holds the contract and fingerprint, and that dependants see them.
func TestAccTemplate_contractKnownInPlan(t *testing.T) {
	t.Parallel()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams()),
		Steps: []resource.TestStep{{
			Config: orderShippedConfig("order_shipped", "en", orderShippedBody, "") + `
resource "terraform_data" "uses_contract" {
  input = interakt_template.order_shipped.contract
}

output "body_variables" {
  value = interakt_template.order_shipped.contract.body_variables
}
`,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(orderShippedAddr, plancheck.ResourceActionCreate),
				plancheck.ExpectKnownValue(orderShippedAddr, tfjsonpath.New("contract"), orderShippedContract("order_shipped", 2)),
				plancheck.ExpectKnownValue(orderShippedAddr, tfjsonpath.New("fingerprint"), knownvalue.StringRegexp(fingerprintPattern)),
				plancheck.ExpectKnownValue(orderShippedAddr, tfjsonpath.New("id"), knownvalue.StringExact("order_shipped:en")),
				plancheck.ExpectKnownValue("terraform_data.uses_contract", tfjsonpath.New("input").AtMapKey("body_variables"), knownvalue.Int64Exact(2)),
				plancheck.ExpectKnownOutputValue("body_variables", knownvalue.Int64Exact(2)),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(orderShippedAddr, tfjsonpath.New("contract"), orderShippedContract("order_shipped", 2)),
				statecheck.ExpectKnownValue(orderShippedAddr, tfjsonpath.New("id"), knownvalue.StringExact("order_shipped:en")),
				statecheck.ExpectKnownValue(orderShippedAddr, tfjsonpath.New("fingerprint"), knownvalue.StringRegexp(fingerprintPattern)),
			},
		}},
	})
}

// TestAccTemplate_updateAndReplace checks that a body change updates in
// place with the new contract in the plan, that an unchanged declaration
// plans nothing, and that name and language changes replace.
func TestAccTemplate_updateAndReplace(t *testing.T) {
	t.Parallel()
	newBody := "Hi {{1}}, your order {{2}} ships on {{3}}."
	var fingerprints []string
	recordFingerprint := func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[orderShippedAddr]
		if !ok {
			return fmt.Errorf("%s not in state", orderShippedAddr)
		}
		fingerprints = append(fingerprints, rs.Primary.Attributes["fingerprint"])
		return nil
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams()),
		Steps: []resource.TestStep{
			{
				Config: orderShippedConfig("order_shipped", "en", orderShippedBody, ""),
				Check:  recordFingerprint,
			},
			{
				Config: orderShippedConfig("order_shipped", "en", newBody, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(orderShippedAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(orderShippedAddr, tfjsonpath.New("contract"), orderShippedContract("order_shipped", 3)),
				}},
				Check: recordFingerprint,
			},
			{
				Config: orderShippedConfig("order_shipped", "en", newBody, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			{
				Config: orderShippedConfig("order_dispatched", "en", newBody, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(orderShippedAddr, plancheck.ResourceActionReplace),
					plancheck.ExpectKnownValue(orderShippedAddr, tfjsonpath.New("contract"), orderShippedContract("order_dispatched", 3)),
				}},
			},
			{
				Config: orderShippedConfig("order_dispatched", "en_GB", newBody, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(orderShippedAddr, plancheck.ResourceActionReplace),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(orderShippedAddr, tfjsonpath.New("id"), knownvalue.StringExact("order_dispatched:en_GB")),
				},
			},
		},
	})
	if len(fingerprints) != 2 || fingerprints[0] == fingerprints[1] || !fingerprintPattern.MatchString(fingerprints[0]) {
		t.Errorf("fingerprints before and after the body change: %q, want two different SHA-256 digests", fingerprints)
	}
}

// TestAccTemplate_import checks import by <name>:<language_code> and the
// diagnostic of a malformed id.
func TestAccTemplate_import(t *testing.T) {
	t.Parallel()
	config := orderShippedConfig("order_shipped", "en", orderShippedBody, "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams()),
		Steps: []resource.TestStep{
			{Config: config},
			{
				ResourceName:      orderShippedAddr,
				ImportState:       true,
				ImportStateId:     "order_shipped:en",
				ImportStateVerify: true,
				// Only the identity is imported; the declaration comes from
				// configuration at the next plan.
				ImportStateVerifyIgnore: []string{"category", "header", "body", "footer", "buttons", "verify", "contract", "fingerprint"},
			},
			{
				ResourceName:  orderShippedAddr,
				ImportState:   true,
				ImportStateId: "order_shipped",
				ExpectError:   regexp.MustCompile(`Invalid Import ID(?s:.*)<name>:<language_code>`),
			},
			{
				ResourceName:  orderShippedAddr,
				ImportState:   true,
				ImportStateId: "Order Shipped:en",
				ExpectError:   regexp.MustCompile(`Invalid Import ID(?s:.*)lowercase letters`),
			},
		},
	})
}

// TestAccTemplate_importByIdentity imports with an import block that gives
// the resource identity (name, language_code), as terraform query writes
// them: the template is imported, and its plan fills the declaration in.
func TestAccTemplate_importByIdentity(t *testing.T) {
	t.Parallel()
	if cli := acceptanceCLI(t); cli.name == "Terraform" && cli.version.LessThan(version.Must(version.NewVersion("1.12.0"))) {
		t.Skipf("Terraform %s has no import blocks by identity; want 1.12 or later", cli.version)
	}
	config := orderShippedConfig("order_shipped", "en", orderShippedBody, "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams()),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(orderShippedAddr, map[string]knownvalue.Check{
						"name": knownvalue.StringExact("order_shipped"), "language_code": knownvalue.StringExact("en"),
					}),
				},
			},
			{
				Config:             config,
				ResourceName:       orderShippedAddr,
				ImportState:        true,
				ImportStateKind:    resource.ImportBlockWithResourceIdentity,
				ExpectNonEmptyPlan: true,
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(orderShippedAddr, tfjsonpath.New("id"), knownvalue.StringExact("order_shipped:en")),
					plancheck.ExpectKnownValue(orderShippedAddr, tfjsonpath.New("body"), knownvalue.StringExact(orderShippedBody)),
				}},
			},
		},
	})
}

// TestAccTemplate_importThenPlan checks that an imported template's next
// plan fills the declaration in as an update, with a known contract.
func TestAccTemplate_importThenPlan(t *testing.T) {
	t.Parallel()
	config := orderShippedConfig("order_shipped", "en", orderShippedBody, "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams()),
		Steps: []resource.TestStep{
			{
				Config:             config,
				ResourceName:       orderShippedAddr,
				ImportState:        true,
				ImportStateId:      "order_shipped:en",
				ImportStatePersist: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 {
						return fmt.Errorf("imported %d instances, want 1", len(states))
					}
					a := states[0].Attributes
					if a["name"] != "order_shipped" || a["language_code"] != "en" || a["id"] != "order_shipped:en" {
						return fmt.Errorf("imported attributes %v", a)
					}
					if a["body"] != "" {
						return fmt.Errorf("import set body %q; the declaration must come from configuration", a["body"])
					}
					return nil
				},
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(orderShippedAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(orderShippedAddr, tfjsonpath.New("contract"), orderShippedContract("order_shipped", 2)),
				}},
			},
		},
	})
}

// TestAccTemplate_literalErrorAtPlan checks through plugin-testing that a
// literal mistake stops the plan, at the attribute's line.
func TestAccTemplate_literalErrorAtPlan(t *testing.T) {
	t.Parallel()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams()),
		Steps: []resource.TestStep{
			{
				Config:      orderShippedConfig("order_shipped", "en", "Hi {{2}}, your order {{1}} has shipped.", ""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Invalid Variable Numbering(?s:.*)\d+:\s+body\s+=`),
			},
			{
				Config:      orderShippedConfig("Order-Shipped", "en", orderShippedBody, ""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Invalid Template Name(?s:.*)\d+:\s+name\s+=`),
			},
		},
	})
}

// TestAccTemplate_validateThenPlan runs the Terraform CLI itself: literal
// mistakes are errors at `terraform validate`, at their own lines; a body
// from another resource is unknown there and its mistake is an error at
// `terraform plan`, once resolved. verify without a key warns at plan.
func TestAccTemplate_validateThenPlan(t *testing.T) {
	t.Parallel()
	const header = `
terraform {
  required_providers {
    interakt = { source = "interakt-community/interakt" }
  }
}

resource "terraform_data" "copy" {
  input = "Hi {{1}}, your order {{3}} has shipped."
}

resource "interakt_template" "referenced" {
  name          = "referenced"
  language_code = "en"
  category      = "UTILITY"
  body          = terraform_data.copy.input
}
`
	const literal = `
resource "interakt_template" "literal" {
  name          = "literal"
  language_code = "en"
  category      = "UTILITY"
  header        = { format = "IMAGE", text = "Sale" }
  body          = "Hi {{1}}, welcome."
  footer        = "Reply {{1}} to stop"
  buttons = [
    { type = "QUICK_REPLY", text = "Yes" },
    { type = "URL", text = "Open", url = "ftp://shop.example.com" },
  ]
}
`
	cli := newCLITerraform(t, testSeams(), header+literal)
	diags := cli.validate()
	if findCLIDiag(diags, "error", sumFooterVar, "footer") == nil {
		t.Errorf("validate: no %q error at the footer line:\n%s", sumFooterVar, cliDiagString(diags))
	}
	// Terraform up to 1.14 and OpenTofu 1.12 show paths inside nested
	// attributes against the block (hashicorp/terraform#33491); Terraform
	// 1.16 shows them against the object that holds the attribute (the
	// list element, the header's object), not the attribute. Either way the
	// line does not name the attribute, so the detail does. These checks
	// fail once a CLI points at the nested attribute itself, and the
	// "At <path>: " prefix of problemDiagnostics can then go.
	urlAt, textAt := `resource "interakt_template" "literal"`, `resource "interakt_template" "literal"`
	if cli := acceptanceCLI(t); cli.name == "Terraform" && !cli.version.LessThan(version.Must(version.NewVersion("1.16.0"))) {
		urlAt, textAt = `{ type = "URL", text = "Open"`, `header        = { format = "IMAGE"`
	}
	if d := findCLIDiag(diags, "error", sumURLFormat, urlAt); d == nil || !strings.HasPrefix(d.Detail, "At buttons[1].url: ") {
		t.Errorf("validate: no %q error at %s naming buttons[1].url:\n%s", sumURLFormat, urlAt, cliDiagString(diags))
	}
	if d := findCLIDiag(diags, "error", sumHeaderNoText, textAt); d == nil || !strings.HasPrefix(d.Detail, "At header.text: ") {
		t.Errorf("validate: no %q error at %s naming header.text:\n%s", sumHeaderNoText, textAt, cliDiagString(diags))
	}
	if d := findCLIDiag(diags, "error", sumBodyOrder, ""); d != nil {
		t.Errorf("validate: the referenced body is unknown during validate, yet got %+v", *d)
	}

	// Without the literal mistakes, validate passes and plan finds the
	// referenced one.
	cli.write(header + `
resource "interakt_template" "verified" {
  name          = "verified"
  language_code = "en"
  category      = "UTILITY"
  body          = "Hi {{1}}, welcome."
  verify        = true
}
`)
	if diags := cli.validate(); len(diags) != 0 {
		t.Errorf("validate: want no diagnostics, got:\n%s", cliDiagString(diags))
	}
	diags = cli.plan()
	if findCLIDiag(diags, "error", sumBodyOrder, "body") == nil {
		t.Errorf("plan: no %q error at the body line:\n%s", sumBodyOrder, cliDiagString(diags))
	}
	if d := findCLIDiag(diags, "warning", sumNotVerified, "verify"); d == nil || !strings.Contains(d.Detail, envAPIKey) {
		t.Errorf("plan: no %q warning naming %s at the verify line:\n%s", sumNotVerified, envAPIKey, cliDiagString(diags))
	}
}

// TestAccTemplate_verifyUnknownWithoutKey checks that verify = true is
// never a silent pass: when verify is unknown at plan and there is no API
// key, the apply warns that the check was skipped.
func TestAccTemplate_verifyUnknownWithoutKey(t *testing.T) {
	t.Parallel()
	cli := newCLITerraform(t, testSeams(), `
terraform {
  required_providers {
    interakt = { source = "interakt-community/interakt" }
  }
}

resource "terraform_data" "verify" {
  input = true
}

resource "interakt_template" "welcome" {
  name          = "welcome_message"
  language_code = "en"
  category      = "MARKETING"
  body          = "Welcome to Example Shop! Reply HELP any time to reach us."
  verify        = terraform_data.verify.output
}
`)
	out, err := cli.run("apply", "-auto-approve", "-input=false", "-no-color", "-lock=false")
	if err != nil {
		t.Fatalf("terraform apply: %v\n%s", err, out)
	}
	if !strings.Contains(out, "Warning: "+sumNotVerified) || !strings.Contains(out, "Apply complete!") {
		t.Errorf("terraform apply: want a %q warning and a complete apply:\n%s", sumNotVerified, out)
	}
}

// write replaces the working directory's configuration.
func (c *cliTerraform) write(config string) {
	c.t.Helper()
	if err := os.WriteFile(filepath.Join(c.dir, "main.tf"), []byte(config), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

// TestAccTemplate_verify checks verify = true against the mock: an
// approved template with the same body passes with one listing and no
// send; a different body, a pending template, an unknown name and an
// unknown language are errors at the attribute concerned.
func TestAccTemplate_verify(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{PageSize: 2, RateLimit: -1})
	provider := providerBlock(srv)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams().withEnv(envAPIKey, testAPIKey)),
		Steps: []resource.TestStep{
			{
				Config: provider + orderShippedConfig("order_shipped", "en", orderShippedBody, "verify = true"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(orderShippedAddr, tfjsonpath.New("verify"), knownvalue.Bool(true)),
				},
			},
			{
				Config:      provider + orderShippedConfig("order_shipped", "en", "Hi {{1}}, your order {{2}} is on its way.", "verify = true"),
				ExpectError: regexp.MustCompile(`Template Body Differs(?s:.*)\d+:\s+body\s+=(?s:.*)has shipped`),
			},
			{
				Config: provider + `
resource "interakt_template" "festive_sale" {
  name          = "festive_sale"
  language_code = "en"
  category      = "MARKETING"
  header        = { format = "IMAGE" }
  body          = "Hi {{1}}, our festive sale starts today with up to {{2}} off."
  verify        = true
}
`,
				ExpectError: regexp.MustCompile(`Template Not Approved(?s:.*)\d+:\s+verify\s+=(?s:.*)"PENDING"`),
			},
			{
				// A body known only at apply is verified at apply.
				Config: provider + `
resource "terraform_data" "body" {
  input = "Hi {{1}}, your order {{2}} is on its way."
}

resource "interakt_template" "order_shipped" {
  name          = "order_shipped"
  language_code = "en"
  category      = "UTILITY"
  body          = terraform_data.body.output
  verify        = true
}
`,
				ExpectError: regexp.MustCompile(`Template Body Differs`),
			},
			{
				Config:      provider + orderShippedConfig("order_delivered", "en", orderShippedBody, "verify = true"),
				ExpectError: regexp.MustCompile(`Template Not Found(?s:.*)\d+:\s+name\s+=`),
			},
			{
				Config:      provider + orderShippedConfig("order_shipped", "pt_BR", orderShippedBody, "verify = true"),
				ExpectError: regexp.MustCompile(`Template Language Not Found(?s:.*)\d+:\s+language_code\s+=(?s:.*)en, hi`),
			},
		},
	})
	if n := srv.SentCount(); n != 0 {
		t.Errorf("verify sent %d messages; it must only list templates", n)
	}
	assertCompleteListings(t, srv)
}

// assertCompleteListings checks that the mock saw only template listings
// of the default templates by pages of 2: each status listed whole, every
// page in turn, and the statuses of one listing in the order of
// wire.ApprovalStatuses from APPROVED, each one only after the one
// before it (a process lists the others only for a template APPROVED
// lacks).
func assertCompleteListings(t *testing.T, srv *mock.Server) {
	t.Helper()
	pages := map[string][]string{}
	for _, status := range wire.ApprovalStatuses {
		n := 0
		for _, tmpl := range mock.DefaultTemplates() {
			if strings.EqualFold(tmpl.ApprovalStatus, status) {
				n++
			}
		}
		for offset := 0; offset == 0 || offset < n; offset += 2 {
			pages[status] = append(pages[status], fmt.Sprintf("approval_status=%s&offset=%d", status, offset))
		}
	}
	reqs := srv.Requests()
	if len(reqs) == 0 {
		t.Fatal("the mock saw no request")
	}
	next := 0 // the index in wire.ApprovalStatuses of the status a listing may list next
	for i := 0; i < len(reqs); {
		status := wire.ApprovalApproved
		if next < len(wire.ApprovalStatuses) && strings.Contains(reqs[i].Query, "approval_status="+wire.ApprovalStatuses[next]+"&") {
			status = wire.ApprovalStatuses[next]
		}
		if status == wire.ApprovalApproved {
			next = 0
		}
		for _, want := range pages[status] {
			if i >= len(reqs) {
				t.Fatalf("the listing of %s ends before its page %s", status, want)
			}
			r := reqs[i]
			if r.Method != "GET" || r.Path != wire.TemplatesPath || r.Query != want || r.Status != 200 {
				t.Fatalf("request %d: %s %s?%s answered %d, want GET %s?%s answered 200", i, r.Method, r.Path, r.Query, r.Status, wire.TemplatesPath, want)
			}
			i++
		}
		next++
	}
}

// TestAccTemplate_buttonKnownOnlyAtApply checks that buttons[].type being
// Required does not reject a button that is wholly unknown until apply
// (Terraform sends such an element as one unknown object): validate and
// plan pass, and the apply stores the button and its contract. A whole
// buttons list known only at apply works too.
func TestAccTemplate_buttonKnownOnlyAtApply(t *testing.T) {
	t.Parallel()
	const addr = "interakt_template.later"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams()),
		Steps: []resource.TestStep{
			{
				Config: `
resource "terraform_data" "button" {
  input = { type = "QUICK_REPLY", text = "Stop updates" }
}

resource "interakt_template" "later" {
  name          = "later_button"
  language_code = "en"
  category      = "MARKETING"
  body          = "Hi {{1}}, new arrivals are in."
  buttons       = [{ type = "URL", text = "Shop", url = "https://shop.example.com" }, terraform_data.button.output]
}
`,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
					plancheck.ExpectUnknownValue(addr, tfjsonpath.New("buttons").AtSliceIndex(1)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("buttons").AtSliceIndex(1).AtMapKey("type"), knownvalue.StringExact("QUICK_REPLY")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("contract").AtMapKey("buttons"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"index": knownvalue.Int64Exact(0), "type": knownvalue.StringExact("URL"), "dynamic": knownvalue.Bool(false),
						}),
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"index": knownvalue.Int64Exact(1), "type": knownvalue.StringExact("QUICK_REPLY"), "dynamic": knownvalue.Bool(false),
						}),
					})),
				},
			},
		},
	})
}

// TestAccTemplate_destroyWarnsOfATemplateLeft checks the warning of a
// destroy: a declaration whose account was read (approval_status known)
// or that was applied without a key warns that the template stays in
// Interakt; a dry run's, which never read the account, warns of nothing.
func TestAccTemplate_destroyWarnsOfATemplateLeft(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		provider func(srv *mock.Server) string
		seams    seams
		warns    bool
	}{
		{name: "account read", provider: providerBlock, seams: testSeams().withEnv(envAPIKey, testAPIKey), warns: true},
		{name: "no key", provider: providerBlock, seams: testSeams(), warns: true},
		{name: "dry run", seams: testSeams().withEnv(envAPIKey, testAPIKey), provider: func(srv *mock.Server) string {
			return fmt.Sprintf("provider \"interakt\" {\n  base_url = %q\n  dry_run  = true\n}\n", srv.URL())
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newTestMock(t, mock.Options{})
			rec := &diagRecorder{}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: rec.factories(tc.seams),
				CheckDestroy: func(*terraform.State) error {
					d := rec.findWarning("Template Left in Interakt")
					if tc.warns && (d == nil || !strings.Contains(d.Detail, `"order_shipped" (en)`)) {
						return fmt.Errorf("destroy gave no Template Left in Interakt warning naming order_shipped (en): %+v", rec.all())
					}
					if !tc.warns && d != nil {
						return fmt.Errorf("a dry run's destroy warned: %s: %s", d.Summary, d.Detail)
					}
					return nil
				},
				Steps: []resource.TestStep{{Config: tc.provider(srv) + orderShippedConfig("order_shipped", "en", orderShippedBody, "")}},
			})
		})
	}
}
