package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// accountOf250 is an account of 250 templates: 210 APPROVED (three pages of
// 100), 25 REJECTED with a reason and 15 PAUSED, in three languages, with
// text and media headers, footers and buttons of every kind.
func accountOf250() []wire.TemplateInfo {
	languages := []string{"en", "hi", "pt_BR"}
	list := make([]wire.TemplateInfo, 0, 250)
	for i := range 250 {
		t := wire.TemplateInfo{
			ID:             fmt.Sprintf("id-%03d", i),
			Name:           fmt.Sprintf("adopted_%03d", i),
			Language:       languages[i%len(languages)],
			Category:       []string{"UTILITY", "MARKETING"}[i%2],
			Body:           fmt.Sprintf("Hello {{1}}, update %d: your code is {{2}}.", i),
			ApprovalStatus: wire.ApprovalApproved,
		}
		switch {
		case i >= 235:
			t.ApprovalStatus = wire.ApprovalPaused
		case i >= 210:
			t.ApprovalStatus, t.RejectionReason = wire.ApprovalRejected, "INVALID_FORMAT"
		}
		switch i % 4 {
		case 0:
			t.HeaderFormat, t.Header = "TEXT", "Update {{1}}"
		case 1:
			t.HeaderFormat = "IMAGE"
		case 2:
			t.HeaderFormat, t.Header = "TEXT", "Plain header"
		}
		if i%3 == 0 {
			t.Footer = "Reply STOP to opt out"
		}
		switch i % 5 {
		case 0:
			t.Buttons = wire.Buttons{{Type: "URL", Text: "Track", URL: "https://shop.example.com/track/{{1}}"}, {Type: "QUICK_REPLY", Text: "Stop"}}
		case 1:
			t.Buttons = wire.Buttons{{Type: "PHONE_NUMBER", Text: "Call us", PhoneNumber: "+919999999999"}}
		case 2:
			t.Buttons = wire.Buttons{{Type: "QUICK_REPLY", Text: "Yes"}, {Type: "QUICK_REPLY", Text: "No"}}
		}
		list = append(list, t)
	}
	return list
}

// TestAccTemplateQuery_adopt250 runs the "Adopting an existing account"
// guide against an account of 250 templates: terraform query writes an
// import and a resource block for each, the plan imports all 250 and
// changes nothing, and after the apply a second plan has no changes.
// Nothing is created in the account and nothing is sent.
func TestAccTemplateQuery_adopt250(t *testing.T) {
	t.Parallel()
	requireTerraform114(t, "list resources or terraform query")
	srv := newTestMock(t, mock.Options{Templates: accountOf250(), PageSize: 100, RateLimit: -1})
	cli := newCLITerraform(t, testSeams().withEnv(envAPIKey, testAPIKey).withEnv(envBaseURL, srv.URL()),
		exampleConfig(t, "guides/adopting-an-account"))
	query, err := os.ReadFile(filepath.Join("..", "..", "examples", "guides", "adopting-an-account", "adopt.tfquery.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(cli.dir, "adopt.tfquery.hcl"), string(query))

	if out, err := cli.run("query", "-generate-config-out=generated.tf", "-no-color"); err != nil {
		t.Fatalf("terraform query: %v\n%s", err, out)
	}
	listed := len(srv.Requests())
	generated, err := os.ReadFile(filepath.Join(cli.dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(generated), "import {"); n != 250 {
		t.Fatalf("generated.tf has %d import blocks, want 250:\n%.2000s", n, generated)
	}
	// One listing for the query: three pages of APPROVED, one page of each
	// other status.
	if want := 3 + len(wire.ApprovalStatuses) - 1; listed != want {
		t.Errorf("the query made %d list requests, want %d", listed, want)
	}

	out, err := cli.run("plan", "-no-color", "-input=false", "-lock=false")
	if err != nil || !strings.Contains(out, "Plan: 250 to import, 0 to add, 0 to change, 0 to destroy.") {
		t.Fatalf("plan after query: %v\n%.4000s", err, tail(out, 4000))
	}
	if out, err := cli.run("apply", "-auto-approve", "-no-color", "-input=false", "-lock=false"); err != nil {
		t.Fatalf("apply: %v\n%s", err, tail(out, 4000))
	}
	if out, err := cli.run("plan", "-detailed-exitcode", "-no-color", "-input=false", "-lock=false"); err != nil {
		t.Errorf("the second plan shows changes or fails: %v\n%s", err, tail(out, 4000))
	}
	for _, r := range srv.Requests() {
		if r.Path != wire.TemplatesPath {
			t.Errorf("request %s %s; adoption only lists templates", r.Method, r.Path)
		}
	}
}

// TestAccTemplateQuery_withoutKey: terraform query with no API key stops
// with an error that says how to set it, and makes no request.
func TestAccTemplateQuery_withoutKey(t *testing.T) {
	t.Parallel()
	requireTerraform114(t, "list resources or terraform query")
	srv := newTestMock(t, mock.Options{})
	cli := newCLITerraform(t, testSeams().withEnv(envBaseURL, srv.URL()), exampleConfig(t, "guides/adopting-an-account"))
	writeFile(t, filepath.Join(cli.dir, "all.tfquery.hcl"), "list \"interakt_template\" \"all\" {\n  provider = interakt\n}\n")
	out, err := cli.run("query", "-no-color")
	if err == nil || !strings.Contains(out+err.Error(), "Missing Interakt API Key") || !strings.Contains(out+err.Error(), envAPIKey) {
		t.Errorf("terraform query without a key: want a Missing Interakt API Key error naming %s; got %v\n%s", envAPIKey, err, out)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("the mock received %d requests; want none", n)
	}
}

// tail is the end of a long output, for failure messages.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}

func TestTemplateListFilters(t *testing.T) {
	t.Parallel()
	account := accountOf250()
	count := func(m templateListModel) int {
		n := 0
		for _, tmpl := range account {
			if m.matches(tmpl) {
				n++
			}
		}
		return n
	}
	null := types.StringNull()
	for _, tc := range []struct {
		name  string
		model templateListModel
		want  int
	}{
		{"all", templateListModel{null, null, null}, 250},
		{"rejected in any case", templateListModel{types.StringValue("rejected"), null, null}, 25},
		{"name prefix", templateListModel{null, types.StringValue("adopted_24"), null}, 10},
		{"language_code", templateListModel{null, null, types.StringValue("pt_BR")}, 83},
		{"all three", templateListModel{types.StringValue("PAUSED"), types.StringValue("adopted_2"), types.StringValue("en")}, 5},
	} {
		if got := count(tc.model); got != tc.want {
			t.Errorf("%s: %d templates, want %d", tc.name, got, tc.want)
		}
	}
}
