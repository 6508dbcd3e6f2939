package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

const userType = "interakt_user"

// validUser is a user every rule accepts; each call returns a fresh copy.
func validUser() map[string]any {
	return map[string]any{
		"user_id":      "qa-asha",
		"country_code": "+91",
		"phone_number": "9999999999",
		"traits":       map[string]any{"name": "Asha", "amount": 2000, "vip": true},
		"tags":         []any{"qa"},
	}
}

// TestUserValidationTable drives bad user configurations through
// ValidateResourceConfig, and through PlanResourceChange when the value
// comes from a reference unknown at validate: each mistake is one error at
// its attribute.
func TestUserValidationTable(t *testing.T) {
	t.Parallel()
	const e = tfprotov6.DiagnosticSeverityError
	tests := []struct {
		name   string
		mutate func(c map[string]any)
		// unknownAtValidate names the attribute a reference hides at
		// validate; the rule then fires at plan.
		unknownAtValidate string
		want              wantDiag
	}{
		{name: "no identity", mutate: func(c map[string]any) {
			c["user_id"], c["country_code"], c["phone_number"] = nil, nil, nil
		}, want: wantDiag{e, "Missing User Identity", "user_id"}},
		{name: "empty user id", mutate: func(c map[string]any) {
			c["user_id"] = ""
		}, want: wantDiag{e, "Empty User ID", "user_id"}},
		{name: "phone number without country code", mutate: func(c map[string]any) {
			c["country_code"] = nil
		}, want: wantDiag{e, "Missing Country Code", "country_code"}},
		{name: "country code without phone number", mutate: func(c map[string]any) {
			c["phone_number"] = nil
		}, want: wantDiag{e, "Missing Phone Number", "phone_number"}},
		{name: "phone number invalid for its country", mutate: func(c map[string]any) {
			c["phone_number"] = "99999999"
		}, want: wantDiag{e, "Invalid Phone Number", "phone_number"}},
		{name: "phone number with +", mutate: func(c map[string]any) {
			c["phone_number"] = "+919999999999"
		}, want: wantDiag{e, "Invalid Phone Number", "phone_number"}},
		{name: "country code not in use", mutate: func(c map[string]any) {
			c["country_code"] = "+999"
		}, want: wantDiag{e, "Unknown Country Code", "country_code"}},
		{name: "trait value an object", mutate: func(c map[string]any) {
			c["traits"] = map[string]any{"address": map[string]any{"city": "Pune"}}
		}, want: wantDiag{e, "Nested Trait Value", `traits["address"]`}},
		{name: "trait value a list", mutate: func(c map[string]any) {
			c["traits"] = map[string]any{"courses": []any{"singing"}}
		}, want: wantDiag{e, "Nested Trait Value", `traits["courses"]`}},
		{name: "traits not an object", mutate: func(c map[string]any) {
			c["traits"] = "vip"
		}, want: wantDiag{e, "Invalid Traits", "traits"}},
		{name: "empty tag", mutate: func(c map[string]any) {
			c["tags"] = []any{"qa", ""}
		}, want: wantDiag{e, "Empty Tag", "tags[1]"}},
		{name: "duplicate tag", mutate: func(c map[string]any) {
			c["tags"] = []any{"qa", "qa"}
		}, want: wantDiag{e, "Duplicate Tag", "tags[1]"}},
		{name: "phone number from a reference", mutate: func(c map[string]any) {
			c["phone_number"] = "0999999999"
		}, unknownAtValidate: "phone_number", want: wantDiag{e, "Invalid Phone Number", "phone_number"}},
	}

	p := newProtocolServer(t, testSeams())
	if diags := p.configure(nil); len(diags) != 0 {
		t.Fatalf("configure without a key: %s", diagString(diags))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := validUser()
			tt.mutate(cfg)
			if tt.unknownAtValidate == "" {
				diags := p.validate(userType, cfg)
				expectOnlyUserDiag(t, "validate", diags, tt.want)
				if len(diags) == 1 && strings.Contains(diags[0].Detail, "basetypes.") {
					t.Errorf("the detail names a Go type: %s", diags[0].Detail)
				}
				return
			}
			hidden := validUser()
			hidden[tt.unknownAtValidate] = Unknown
			if diags := p.validate(userType, hidden); len(diags) != 0 {
				t.Errorf("validate with an unknown value must skip its rules:\n%s", diagString(diags))
			}
			var errs []*tfprotov6.Diagnostic
			for _, d := range p.planCreate(userType, cfg).Diagnostics {
				if d.Severity == e {
					errs = append(errs, d)
				}
			}
			expectOnlyUserDiag(t, "plan", errs, tt.want)
		})
	}

	t.Run("valid configuration", func(t *testing.T) {
		if diags := p.validate(userType, validUser()); len(diags) != 0 {
			t.Errorf("validate:\n%s", diagString(diags))
		}
		plan := p.planCreate(userType, validUser())
		if findDiag(plan.Diagnostics, wantDiag{tfprotov6.DiagnosticSeverityWarning, "No API Key to Send With", "(none)"}) == nil || len(plan.Diagnostics) != 1 {
			t.Errorf("plan without a key: want only the No API Key to Send With warning, got:\n%s", diagString(plan.Diagnostics))
		}
	})
}

// expectOnlyUserDiag fails unless diags holds exactly want, with a detail.
func expectOnlyUserDiag(t *testing.T, stage string, diags []*tfprotov6.Diagnostic, want wantDiag) {
	t.Helper()
	if len(diags) != 1 || findDiag(diags, want) == nil {
		t.Errorf("%s: want only %s %q at %s, got:\n%s", stage, severityName(want.severity), want.summary, want.path, diagString(diags))
		return
	}
	if diags[0].Detail == "" {
		t.Errorf("%s: diagnostic without detail", stage)
	}
}

// TestUserPlan_warnsOfTraitsAndTagsLeftOnTheUser checks that a trait or tag
// the configuration stops managing is a warning at its attribute that says
// it stays in Interakt, and that an unchanged user plans no warning.
func TestUserPlan_warnsOfTraitsAndTagsLeftOnTheUser(t *testing.T) {
	t.Parallel()
	p := newProtocolServer(t, testSeams().withEnv(envAPIKey, testAPIKey))
	if diags := p.configure(nil); len(diags) != 0 {
		t.Fatalf("configure: %s", diagString(diags))
	}
	priorCfg := validUser()
	priorCfg["id"] = "qa-asha"
	prior := p.value(p.resourceType(userType), priorCfg)

	if diags := p.planUpdate(userType, prior, validUser()).Diagnostics; len(diags) != 0 {
		t.Errorf("unchanged user:\n%s", diagString(diags))
	}
	cfg := validUser()
	cfg["traits"] = map[string]any{"name": "Asha", "vip": true}
	cfg["tags"] = []any{"beta"}
	diags := p.planUpdate(userType, prior, cfg).Diagnostics
	w := tfprotov6.DiagnosticSeverityWarning
	traits := findDiag(diags, wantDiag{w, "Traits Left on the User", "traits"})
	tags := findDiag(diags, wantDiag{w, "Tags Left on the User", "tags"})
	if len(diags) != 2 || traits == nil || tags == nil {
		t.Fatalf("want the two warnings, got:\n%s", diagString(diags))
	}
	if !strings.Contains(traits.Detail, `"amount"`) || !strings.Contains(tags.Detail, `"qa"`) {
		t.Errorf("the warnings do not name what stays:\n%s", diagString(diags))
	}
}

// TestUserPlan_identityChange checks that an identity attribute changed to
// another value replaces the user, and that one added or dropped does not.
func TestUserPlan_identityChange(t *testing.T) {
	t.Parallel()
	p := newProtocolServer(t, testSeams().withEnv(envAPIKey, testAPIKey))
	if diags := p.configure(nil); len(diags) != 0 {
		t.Fatalf("configure: %s", diagString(diags))
	}
	priorCfg := validUser()
	priorCfg["id"], priorCfg["user_id"] = "+91 9999999999", nil
	prior := p.value(p.resourceType(userType), priorCfg)
	for _, tt := range []struct {
		name    string
		change  func(c map[string]any)
		replace []string
	}{
		{name: "user id added", change: func(map[string]any) {}},
		{name: "phone number changed", change: func(c map[string]any) { c["phone_number"] = "9888888888" }, replace: []string{"phone_number"}},
		{name: "phone dropped", change: func(c map[string]any) { c["country_code"], c["phone_number"] = nil, nil }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := validUser()
			tt.change(cfg)
			resp := p.planUpdate(userType, prior, cfg)
			if hasErrorDiag(resp.Diagnostics) {
				t.Fatalf("plan:\n%s", diagString(resp.Diagnostics))
			}
			var got []string
			for _, ap := range resp.RequiresReplace {
				got = append(got, attrPathString(ap))
			}
			if strings.Join(got, ",") != strings.Join(tt.replace, ",") {
				t.Errorf("replaced by %v, want %v", got, tt.replace)
			}
		})
	}
}
