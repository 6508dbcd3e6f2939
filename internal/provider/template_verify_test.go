package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// verifyData configures the provider against srv with the test key.
func verifyData(t *testing.T, srv *mock.Server) *providerData {
	t.Helper()
	d, diags := newProviderData(context.Background(), providerModel{BaseURL: types.StringValue(srv.URL())}, "test", testSeams().withEnv(envAPIKey, testAPIKey))
	if diags.HasError() {
		t.Fatalf("configure: %v", diags)
	}
	return d
}

func declared(name, language, body string) templateModel {
	return templateModel{Name: types.StringValue(name), LanguageCode: types.StringValue(language), Body: types.StringValue(body)}
}

// TestVerifyTemplate_listsOnce checks that several verifications in one
// provider process read the listing once: every page of APPROVED, where
// all three are, and no other status.
func TestVerifyTemplate_listsOnce(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{PageSize: 2, RateLimit: -1})
	d := verifyData(t, srv)
	for _, m := range []templateModel{
		declared("order_shipped", "en", "Hi {{1}}, your order {{2}} has shipped."),
		declared("order_shipped", "hi", "नमस्ते {{1}}, आपका ऑर्डर {{2}} भेज दिया गया है।"),
		declared("welcome_message", "en", "Welcome to Example Shop! Reply HELP any time to reach us."),
	} {
		if diags := verifyTemplate(context.Background(), d, m); len(diags) > 0 {
			t.Errorf("verify %s:%s: %v", m.Name.ValueString(), m.LanguageCode.ValueString(), diags)
		}
	}
	assertCompleteListings(t, srv)
	if n := len(srv.Requests()); n != 3 {
		t.Errorf("the mock saw %d requests, want one listing of APPROVED: its 3 pages", n)
	}
}

// TestVerifyTemplate_mismatches checks each mismatch's summary, path and
// detail.
func TestVerifyTemplate_mismatches(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{Templates: []wire.TemplateInfo{
		{ID: "1", Name: "order_shipped", Language: "en", Category: "UTILITY", Body: "Hi {{1}},\r\nyour order {{2}} has shipped. ", ApprovalStatus: "approved"},
		{ID: "2", Name: "order_shipped", Language: "hi", Category: "UTILITY", Body: "x", ApprovalStatus: "REJECTED"},
		{ID: "3", Name: "order_shipped", Language: "hi", Category: "UTILITY", Body: "x", ApprovalStatus: "APPROVED"},
		{ID: "4", Name: "win_back", Language: "en", Category: "MARKETING", Body: "We miss you, {{1}}!", ApprovalStatus: "REJECTED"},
	}})
	d := verifyData(t, srv)
	tests := []struct {
		name    string
		m       templateModel
		summary []string
		path    []path.Path
		detail  string
	}{
		{name: "same body across line endings and trailing space", m: declared("order_shipped", "en", "Hi {{1}},\nyour order {{2}} has shipped.")},
		{name: "approved entry preferred over a rejected duplicate", m: declared("order_shipped", "hi", "x")},
		{name: "different body", m: declared("order_shipped", "en", "Hi {{1}}, order {{2}} shipped."),
			summary: []string{"Template Body Differs"}, path: []path.Path{path.Root("body")}, detail: "your order {{2}} has shipped."},
		{name: "missing name", m: declared("order_delivered", "en", "x"),
			summary: []string{"Template Not Found"}, path: []path.Path{path.Root("name")}, detail: `"order_delivered"`},
		{name: "missing language", m: declared("order_shipped", "pt_BR", "x"),
			summary: []string{"Template Language Not Found"}, path: []path.Path{path.Root("language_code")}, detail: "en, hi"},
		{name: "rejected and different body", m: declared("win_back", "en", "We miss you!"),
			summary: []string{"Template Not Approved", "Template Body Differs"}, path: []path.Path{path.Root("verify"), path.Root("body")}, detail: `"REJECTED"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			diags := verifyTemplate(context.Background(), d, tc.m)
			if len(diags) != len(tc.summary) {
				t.Fatalf("got %d diagnostics, want %d: %v", len(diags), len(tc.summary), diags)
			}
			for i, want := range tc.summary {
				got, ok := diags[i].(diag.DiagnosticWithPath)
				if !ok || diags[i].Summary() != want || !got.Path().Equal(tc.path[i]) || diags[i].Severity() != diag.SeverityError {
					t.Errorf("diagnostic %d: %s %q at %v, want error %q at %s", i, diags[i].Severity(), diags[i].Summary(), pathOf(diags[i]), want, tc.path[i])
				}
			}
			if tc.detail != "" && !strings.Contains(diags[0].Detail(), tc.detail) {
				t.Errorf("detail %q does not contain %q", diags[0].Detail(), tc.detail)
			}
		})
	}
}

// TestVerifyTemplate_listingFails checks that a failed listing is an error
// at verify that never quotes the API key.
func TestVerifyTemplate_listingFails(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{APIKey: "b3RoZXIta2V5Og=="})
	d := verifyData(t, srv)
	diags := verifyTemplate(context.Background(), d, declared("order_shipped", "en", "x"))
	if len(diags) != 1 || diags[0].Summary() != "Cannot Verify Template" || !pathOf(diags[0]).Equal(path.Root("verify")) {
		t.Fatalf("got %v, want one Cannot Verify Template error at verify", diags)
	}
	if strings.Contains(diags[0].Detail(), testAPIKey) {
		t.Errorf("the detail quotes the API key: %q", diags[0].Detail())
	}
}

// TestVerifySkippedDiagnostic checks the warning of verify without a key.
func TestVerifySkippedDiagnostic(t *testing.T) {
	t.Parallel()
	for _, d := range []*providerData{nil, {apiMissing: "No API key is configured."}} {
		got := verifySkipped(d)
		if got.Severity() != diag.SeverityWarning || got.Summary() != "Template Not Verified" || !pathOf(got).Equal(path.Root("verify")) ||
			!strings.Contains(got.Detail(), envAPIKey) || !strings.Contains(got.Detail(), "skipped") {
			t.Errorf("verifySkipped(%v) = %s %q at %v: %s", d, got.Severity(), got.Summary(), pathOf(got), got.Detail())
		}
	}
}

func pathOf(d diag.Diagnostic) path.Path {
	if p, ok := d.(diag.DiagnosticWithPath); ok {
		return p.Path()
	}
	return path.Empty()
}
