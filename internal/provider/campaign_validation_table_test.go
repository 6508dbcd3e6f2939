package provider

import (
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// validCampaign is a configuration every check accepts: a hand-written
// contract with a dynamic URL button 0 and a quick reply 1, and two
// recipients. Each call returns a fresh copy to mutate.
func validCampaign() map[string]any {
	recipient := func(phone, name string) map[string]any {
		return map[string]any{
			"country_code":  "+91",
			"phone_number":  phone,
			"header_values": []any{"A-1"},
			"body_values":   []any{name, "A-1"},
			"button_values": map[string]any{"0": []any{"A-1"}},
		}
	}
	return map[string]any{
		"template": map[string]any{
			"name": "order_shipped", "language_code": "en", "header_format": "TEXT",
			"header_variables": 1, "body_variables": 2,
			"buttons": []any{
				map[string]any{"index": 0, "type": "URL", "dynamic": true},
				map[string]any{"index": 1, "type": "QUICK_REPLY", "dynamic": false},
			},
		},
		"callback_data": "launch",
		"recipients": map[string]any{
			"asha": recipient("9999999999", "Asha"),
			"bela": recipient("9888888888", "Bela"),
		},
	}
}

// campaignRecipientOf returns recipient key of cfg, to mutate.
func campaignRecipientOf(t *testing.T, cfg map[string]any, key string) map[string]any {
	t.Helper()
	rs, ok := cfg["recipients"].(map[string]any)
	if !ok {
		t.Fatal("recipients is not a map")
	}
	r, ok := rs[key].(map[string]any)
	if !ok {
		t.Fatalf("no recipient %q", key)
	}
	return r
}

func campaignTemplateOf(t *testing.T, cfg map[string]any) map[string]any {
	t.Helper()
	tmpl, ok := cfg["template"].(map[string]any)
	if !ok {
		t.Fatal("template is not a map")
	}
	return tmpl
}

const (
	campaignErr  = tfprotov6.DiagnosticSeverityError
	campaignWarn = tfprotov6.DiagnosticSeverityWarning
)

// TestCampaignValidationTable drives bad campaign configurations through
// ValidateResourceConfig and PlanResourceChange with no API key set: each
// mistake is one diagnostic at the exact path of the recipient's attribute
// (or of the campaign's own), found by validate when the configuration
// holds it, and by plan when it comes from a reference unknown at validate.
func TestCampaignValidationTable(t *testing.T) {
	t.Parallel()
	long := func(n int) string { return strings.Repeat("x", n) }
	tests := []struct {
		name string
		// mutate makes the mistake in a valid configuration.
		mutate func(t *testing.T, cfg map[string]any)
		// unknownAtValidate hides what mutate set behind an unknown value,
		// as a reference is during validate; the check then fires at plan.
		unknownAtValidate func(t *testing.T, cfg map[string]any)
		want              wantDiag
		// also is a second expected diagnostic, when the mistake hits
		// every recipient.
		also *wantDiag
	}{
		{name: "null recipient", mutate: func(t *testing.T, c map[string]any) {
			rs, ok := c["recipients"].(map[string]any)
			if !ok {
				t.Fatal("recipients is not a map")
			}
			rs["asha"] = nil
		}, want: wantDiag{campaignErr, "Null Recipient", `recipients["asha"]`}},
		{name: "phone number with +", mutate: func(t *testing.T, c map[string]any) {
			campaignRecipientOf(t, c, "asha")["phone_number"] = "+919999999999"
		}, want: wantDiag{campaignErr, "Invalid Phone Number", `recipients["asha"].phone_number`}},
		{name: "phone number with leading 0", mutate: func(t *testing.T, c map[string]any) {
			campaignRecipientOf(t, c, "asha")["phone_number"] = "09999999999"
		}, want: wantDiag{campaignErr, "Invalid Phone Number", `recipients["asha"].phone_number`}},
		{name: "phone number with dashes", mutate: func(t *testing.T, c map[string]any) {
			campaignRecipientOf(t, c, "bela")["phone_number"] = "98888-88888"
		}, want: wantDiag{campaignErr, "Invalid Phone Number", `recipients["bela"].phone_number`}},
		{name: "phone number too short", mutate: func(t *testing.T, c map[string]any) {
			campaignRecipientOf(t, c, "asha")["phone_number"] = "123"
		}, want: wantDiag{campaignErr, "Invalid Phone Number", `recipients["asha"].phone_number`}},
		{name: "country code inside the number", mutate: func(t *testing.T, c map[string]any) {
			campaignRecipientOf(t, c, "asha")["phone_number"] = "919999999999"
		}, want: wantDiag{campaignErr, "Country Code Inside Phone Number", `recipients["asha"].phone_number`}},
		{name: "country code without +", mutate: func(t *testing.T, c map[string]any) {
			campaignRecipientOf(t, c, "bela")["country_code"] = "91"
		}, want: wantDiag{campaignErr, "Invalid Country Code", `recipients["bela"].country_code`}},
		{name: "country code not in use", mutate: func(t *testing.T, c map[string]any) {
			campaignRecipientOf(t, c, "asha")["country_code"] = "+999"
		}, want: wantDiag{campaignErr, "Unknown Country Code", `recipients["asha"].country_code`}},
		{name: "recipient callback data too long", mutate: func(t *testing.T, c map[string]any) {
			campaignRecipientOf(t, c, "asha")["callback_data"] = long(513)
		}, want: wantDiag{campaignErr, "Callback Data Too Long", `recipients["asha"].callback_data`}},
		{name: "campaign callback data too long, reported once", mutate: func(t *testing.T, c map[string]any) {
			c["callback_data"] = long(513)
		}, want: wantDiag{campaignErr, "Callback Data Too Long", `callback_data`}},
		{name: "too few body values", mutate: func(t *testing.T, c map[string]any) {
			campaignRecipientOf(t, c, "asha")["body_values"] = []any{"Asha"}
		}, want: wantDiag{campaignErr, "Wrong Number of Body Values", `recipients["asha"].body_values`}},
		{name: "empty body value", mutate: func(t *testing.T, c map[string]any) {
			campaignRecipientOf(t, c, "bela")["body_values"] = []any{"Bela", ""}
		}, want: wantDiag{campaignErr, "Empty Value", `recipients["bela"].body_values[1]`}},
		{name: "missing header value", mutate: func(t *testing.T, c map[string]any) {
			campaignRecipientOf(t, c, "asha")["header_values"] = []any{}
		}, want: wantDiag{campaignErr, "Wrong Number of Header Values", `recipients["asha"].header_values`}},
		{name: "file name with a TEXT header", mutate: func(t *testing.T, c map[string]any) {
			campaignRecipientOf(t, c, "asha")["file_name"] = "invoice.pdf"
		}, want: wantDiag{campaignErr, "File Name Not Allowed", `recipients["asha"].file_name`}},
		{name: "button value for no button", mutate: func(t *testing.T, c map[string]any) {
			campaignRecipientOf(t, c, "asha")["button_values"] = map[string]any{"0": []any{"A-1"}, "5": []any{"x"}}
		}, want: wantDiag{campaignErr, "No Such Button", `recipients["asha"].button_values["5"]`}},
		{name: "button index not a number", mutate: func(t *testing.T, c map[string]any) {
			campaignRecipientOf(t, c, "asha")["button_values"] = map[string]any{"0": []any{"A-1"}, "first": []any{"x"}}
		}, want: wantDiag{campaignErr, "Invalid Button Index", `recipients["asha"].button_values["first"]`}},
		{name: "button value for a quick reply", mutate: func(t *testing.T, c map[string]any) {
			campaignRecipientOf(t, c, "bela")["button_values"] = map[string]any{"0": []any{"A-1"}, "1": []any{"x"}}
		}, want: wantDiag{campaignErr, "Not a Dynamic URL Button", `recipients["bela"].button_values["1"]`}},
		{name: "dynamic URL button without its value", mutate: func(t *testing.T, c map[string]any) {
			campaignRecipientOf(t, c, "asha")["button_values"] = nil
		}, want: wantDiag{campaignErr, "Missing Button Value", `recipients["asha"].button_values`}},
		{name: "two values for one URL button", mutate: func(t *testing.T, c map[string]any) {
			campaignRecipientOf(t, c, "asha")["button_values"] = map[string]any{"0": []any{"A-1", "A-2"}}
		}, want: wantDiag{campaignErr, "Wrong Number of Button Values", `recipients["asha"].button_values["0"]`}},
		{name: "payload for a URL button", mutate: func(t *testing.T, c map[string]any) {
			campaignRecipientOf(t, c, "asha")["button_payload"] = map[string]any{"0": []any{"p"}}
		}, want: wantDiag{campaignErr, "Not a Quick Reply Button", `recipients["asha"].button_payload["0"]`}},
		{name: "payload too long", mutate: func(t *testing.T, c map[string]any) {
			campaignRecipientOf(t, c, "asha")["button_payload"] = map[string]any{"1": []any{long(129)}}
		}, want: wantDiag{campaignErr, "Button Payload Too Long", `recipients["asha"].button_payload["1"][0]`}},
		{name: "empty payload", mutate: func(t *testing.T, c map[string]any) {
			campaignRecipientOf(t, c, "bela")["button_payload"] = map[string]any{"1": []any{""}}
		}, want: wantDiag{campaignErr, "Empty Value", `recipients["bela"].button_payload["1"][0]`}},
		{name: "line break in a value is a warning", mutate: func(t *testing.T, c map[string]any) {
			campaignRecipientOf(t, c, "asha")["body_values"] = []any{"Asha\nK", "A-1"}
		}, want: wantDiag{campaignWarn, "Value With Line Breaks or Long Spaces", `recipients["asha"].body_values[0]`}},
		{name: "contract header format, reported once at template", mutate: func(t *testing.T, c map[string]any) {
			campaignTemplateOf(t, c)["header_format"] = "PDF"
			campaignTemplateOf(t, c)["header_variables"] = nil
		}, want: wantDiag{campaignErr, "Invalid Contract Header Format", `template.header_format`}},
		{name: "contract template name", mutate: func(t *testing.T, c map[string]any) {
			campaignTemplateOf(t, c)["name"] = "Order Shipped"
		}, want: wantDiag{campaignErr, "Invalid Template Name", `template.name`}},
		{name: "empty API campaign name", mutate: func(t *testing.T, c map[string]any) {
			c["api_campaign_name"] = ""
		}, want: wantDiag{campaignErr, "Invalid Attribute Value Length", `api_campaign_name`}},
		// From references: unknown at validate, caught at plan.
		{name: "body variables from a template resource", mutate: func(t *testing.T, c map[string]any) {
			campaignTemplateOf(t, c)["body_variables"] = 3
		}, unknownAtValidate: func(t *testing.T, c map[string]any) {
			c["template"] = Unknown
		}, want: wantDiag{campaignErr, "Wrong Number of Body Values", `recipients["asha"].body_values`},
			also: &wantDiag{campaignErr, "Wrong Number of Body Values", `recipients["bela"].body_values`}},
		{name: "button kinds from a template resource", mutate: func(t *testing.T, c map[string]any) {
			campaignTemplateOf(t, c)["buttons"] = []any{map[string]any{"index": 0, "type": "URL", "dynamic": false}}
		}, unknownAtValidate: func(t *testing.T, c map[string]any) {
			campaignTemplateOf(t, c)["buttons"] = Unknown
		}, want: wantDiag{campaignErr, "Not a Dynamic URL Button", `recipients["asha"].button_values["0"]`},
			also: &wantDiag{campaignErr, "Not a Dynamic URL Button", `recipients["bela"].button_values["0"]`}},
		{name: "phone number from a variable", mutate: func(t *testing.T, c map[string]any) {
			campaignRecipientOf(t, c, "bela")["phone_number"] = "0888888888"
		}, unknownAtValidate: func(t *testing.T, c map[string]any) {
			campaignRecipientOf(t, c, "bela")["phone_number"] = Unknown
		}, want: wantDiag{campaignErr, "Invalid Phone Number", `recipients["bela"].phone_number`}},
		{name: "recipients from a for expression", mutate: func(t *testing.T, c map[string]any) {
			campaignRecipientOf(t, c, "bela")["country_code"] = "+0"
		}, unknownAtValidate: func(t *testing.T, c map[string]any) {
			c["recipients"] = Unknown
		}, want: wantDiag{campaignErr, "Invalid Country Code", `recipients["bela"].country_code`}},
	}
	if len(tests) < 20 {
		t.Fatalf("only %d cases", len(tests))
	}

	p := newProtocolServer(t, testSeams())
	if diags := p.configure(nil); len(diags) != 0 {
		t.Fatalf("configure without a key: %s", diagString(diags))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := validCampaign()
			tt.mutate(t, cfg)
			if tt.unknownAtValidate == nil {
				diags := p.validate(campaignType, cfg)
				expectOnlyCampaignDiag(t, "validate", diags, tt.want)
				return
			}
			hidden := validCampaign()
			tt.mutate(t, hidden)
			tt.unknownAtValidate(t, hidden)
			if diags := p.validate(campaignType, hidden); len(diags) != 0 {
				t.Errorf("validate with an unknown value must skip its rules:\n%s", diagString(diags))
			}
			plan := p.planCreate(campaignType, cfg)
			var errs []*tfprotov6.Diagnostic
			for _, d := range plan.Diagnostics {
				if d.Severity == campaignErr {
					errs = append(errs, d)
				}
			}
			if tt.also != nil {
				if findDiag(errs, *tt.also) == nil {
					t.Errorf("plan: want also %q at %s, got:\n%s", tt.also.summary, tt.also.path, diagString(errs))
				}
				errs = slices.DeleteFunc(errs, func(d *tfprotov6.Diagnostic) bool { return attrPathString(d.Attribute) == tt.also.path })
			}
			expectOnlyCampaignDiag(t, "plan", errs, tt.want)
		})
	}

	t.Run("valid configuration", func(t *testing.T) {
		if diags := p.validate(campaignType, validCampaign()); len(diags) != 0 {
			t.Errorf("validate:\n%s", diagString(diags))
		}
		plan := p.planCreate(campaignType, validCampaign())
		if campaignHasErrors(plan.Diagnostics) || findDiag(plan.Diagnostics, wantDiag{campaignWarn, "Campaign will send 2 messages", "(none)"}) == nil {
			t.Errorf("plan:\n%s", diagString(plan.Diagnostics))
		}
	})

	t.Run("plan reports errors only", func(t *testing.T) {
		cfg := validCampaign()
		campaignRecipientOf(t, cfg, "asha")["body_values"] = []any{"Asha\nK", "A-1"}
		plan := p.planCreate(campaignType, cfg)
		for _, d := range plan.Diagnostics {
			if d.Attribute != nil {
				t.Errorf("plan repeated a validate warning: %s", diagString([]*tfprotov6.Diagnostic{d}))
			}
		}
	})
}

// expectOnlyCampaignDiag fails unless diags holds exactly one diagnostic, want.
func expectOnlyCampaignDiag(t *testing.T, stage string, diags []*tfprotov6.Diagnostic, want wantDiag) {
	t.Helper()
	if len(diags) != 1 || findDiag(diags, want) == nil {
		t.Errorf("%s: want only %s %q at %s, got:\n%s", stage, severityName(want.severity), want.summary, want.path, diagString(diags))
		return
	}
	d := diags[0]
	if d.Detail == "" {
		t.Errorf("%s: diagnostic without detail", stage)
	}
	// The CLI shows it against the whole resource: the detail names the
	// recipient.
	if strings.HasPrefix(want.path, "recipients[") && !strings.HasPrefix(d.Detail, "At "+want.path+": ") {
		t.Errorf("%s: detail does not start with %s: %q", stage, want.path, d.Detail)
	}
}
