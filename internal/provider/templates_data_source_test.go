package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// TestAccTemplatesDataSource lists the mock's default templates (7, in
// pages of 2) with and without filters.
func TestAccTemplatesDataSource(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{PageSize: 2, RateLimit: -1})
	templates := tfjsonpath.New("templates")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams().withEnv(envAPIKey, testAPIKey)),
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + `
data "interakt_templates" "all" {}

data "interakt_templates" "approved" {
  approval_status = "approved"
}

data "interakt_templates" "hindi" {
  language_code = "hi"
}

data "interakt_templates" "order_shipped" {
  name = "order_shipped"
}

data "interakt_templates" "order_shipped_pt" {
  name          = "order_shipped"
  language_code = "pt_BR"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.interakt_templates.all", templates, knownvalue.ListSizeExact(7)),
				statecheck.ExpectKnownValue("data.interakt_templates.all", templates.AtSliceIndex(5), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"id":            knownvalue.StringExact("4d6c8b29-1a5e-4f30-b7d6-9c2e4a6f8b06"),
					"name":          knownvalue.StringExact("festive_sale"),
					"language_code": knownvalue.StringExact("en"),
					"category":      knownvalue.StringExact("MARKETING"),
					"header": knownvalue.ObjectExact(map[string]knownvalue.Check{
						"format": knownvalue.StringExact("IMAGE"), "text": knownvalue.Null(), "example": knownvalue.Null(),
					}),
					"body":            knownvalue.StringExact("Hi {{1}}, our festive sale starts today with up to {{2}} off."),
					"footer":          knownvalue.Null(),
					"approval_status": knownvalue.StringExact("PENDING"),
				})),
				statecheck.ExpectKnownValue("data.interakt_templates.approved", templates, knownvalue.ListSizeExact(5)),
				statecheck.ExpectKnownValue("data.interakt_templates.hindi", templates, knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"name":          knownvalue.StringExact("order_shipped"),
						"language_code": knownvalue.StringExact("hi"),
						"header": knownvalue.ObjectExact(map[string]knownvalue.Check{
							"format": knownvalue.StringExact("TEXT"), "text": knownvalue.StringExact("ऑर्डर {{1}}"), "example": knownvalue.Null(),
						}),
					}),
				})),
				statecheck.ExpectKnownValue("data.interakt_templates.order_shipped", templates, knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{"language_code": knownvalue.StringExact("en"), "footer": knownvalue.StringExact("Reply STOP to opt out")}),
					knownvalue.ObjectPartial(map[string]knownvalue.Check{"language_code": knownvalue.StringExact("hi")}),
				})),
				statecheck.ExpectKnownValue("data.interakt_templates.order_shipped_pt", templates, knownvalue.ListSizeExact(0)),
			},
		}},
	})
	if n := srv.SentCount(); n != 0 {
		t.Errorf("listing templates sent %d messages", n)
	}
	// Every listing read all 8 pages, and the five data sources of one
	// Terraform command shared one listing: the few commands of a test step
	// (apply, then plan and refresh) list fewer times than there are data
	// sources.
	assertCompleteListings(t, srv)
	if listings := len(srv.Requests()) / 8; listings >= 5 {
		t.Errorf("%d listings for one test step; the data sources of each command must share one", listings)
	}
}

// TestAccTemplatesDataSource_oneStatus: a data source filtered by approval
// status lists that status alone.
func TestAccTemplatesDataSource_oneStatus(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{PageSize: 2, RateLimit: -1})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams().withEnv(envAPIKey, testAPIKey)),
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + `
data "interakt_templates" "rejected" {
  approval_status = "rejected"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.interakt_templates.rejected", tfjsonpath.New("templates"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"name": knownvalue.StringExact("win_back"), "approval_status": knownvalue.StringExact("REJECTED"),
					}),
				})),
			},
		}},
	})
	reqs := srv.Requests()
	if len(reqs) == 0 {
		t.Fatal("the data source made no request")
	}
	for _, r := range reqs {
		if r.Path != wire.TemplatesPath || r.Query != "approval_status=REJECTED&offset=0" {
			t.Errorf("request %s %s?%s; want REJECTED's one page alone", r.Method, r.Path, r.Query)
		}
	}
}

// TestAccTemplatesDataSource_noAPIKey checks the error without a key.
func TestAccTemplatesDataSource_noAPIKey(t *testing.T) {
	t.Parallel()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams()),
		Steps: []resource.TestStep{{
			Config:      `data "interakt_templates" "all" {}`,
			ExpectError: regexp.MustCompile(`Missing Interakt API Key(?s:.*)api_key(?s:.*)INTERAKT_API_KEY`),
		}},
	})
}
