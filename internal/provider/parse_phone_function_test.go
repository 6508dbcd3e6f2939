package provider

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// runFunction calls a function's Run as the framework does.
func runFunction(f function.Function, ret attr.Value, args ...attr.Value) *function.RunResponse {
	resp := &function.RunResponse{Result: function.NewResultData(ret)}
	f.Run(context.Background(), function.RunRequest{Arguments: function.NewArgumentsData(args)}, resp)
	return resp
}

func TestParsePhoneFunctionRun(t *testing.T) {
	t.Parallel()
	unknown := types.ObjectUnknown(parsedPhoneAttrTypes)
	for _, tc := range []struct {
		in, countryCode, phoneNumber, err string
	}{
		{in: "+91 99999-99999", countryCode: "+91", phoneNumber: "9999999999"},
		{in: "0091 9999999999", countryCode: "+91", phoneNumber: "9999999999"},
		{in: "+1 (415) 555-2671", countryCode: "+1", phoneNumber: "4155552671"},
		{in: " +44 20 7946 0958 ", countryCode: "+44", phoneNumber: "2079460958"},
		{in: "98765 43210", err: "not in international format"},
		{in: "+999 12345678", err: "country code"},
		{in: "+91 99999", err: "digits"},
		{in: "+1 415 555 2671 ext. 12", err: "extension"},
		{in: "call me", err: "not in international format"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			resp := runFunction(parsePhoneFunction{}, unknown, types.StringValue(tc.in))
			if tc.err != "" {
				if resp.Error == nil || resp.Error.FunctionArgument == nil || *resp.Error.FunctionArgument != 0 ||
					!strings.Contains(resp.Error.Text, tc.err) || !strings.HasPrefix(resp.Error.Text, "Invalid phone number: ") {
					t.Fatalf("got error %v, want one on argument 0 containing %q", resp.Error, tc.err)
				}
				if digits := regexp.MustCompile(`\d{5,}`).FindString(tc.in); digits != "" && strings.Contains(resp.Error.Text, digits) {
					t.Errorf("the error quotes the number: %q", resp.Error.Text)
				}
				return
			}
			if resp.Error != nil {
				t.Fatal(resp.Error)
			}
			want := types.ObjectValueMust(parsedPhoneAttrTypes, map[string]attr.Value{
				"country_code": types.StringValue(tc.countryCode), "phone_number": types.StringValue(tc.phoneNumber),
			})
			if got := resp.Result.Value(); !got.Equal(want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

// TestAccParsePhoneFunction calls the function from configuration, with no
// provider configuration at all.
func TestAccParsePhoneFunction(t *testing.T) {
	t.Parallel()
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: testFactories(testSeams()),
		Steps: []resource.TestStep{
			{
				Config:      `output "phone" { value = provider::interakt::parse_phone("99999 99999") }`,
				ExpectError: regexp.MustCompile(`Invalid value for "phone" parameter:\s+Invalid\s+phone\s+number:\s+the\s+phone\s+number\s+is\s+not\s+in\s+international\s+format`),
			},
			{
				Config: `output "phone" { value = provider::interakt::parse_phone("+91 99999-99999") }`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("phone", knownvalue.ObjectExact(map[string]knownvalue.Check{
						"country_code": knownvalue.StringExact("+91"),
						"phone_number": knownvalue.StringExact("9999999999"),
					})),
				},
			},
		},
	})
}
