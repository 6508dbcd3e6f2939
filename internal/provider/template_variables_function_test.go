package provider

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

func TestTemplateVariablesFunctionRun(t *testing.T) {
	t.Parallel()
	unknown := types.ListUnknown(types.Int64Type)
	for _, tc := range []struct {
		text string
		want []int64
		err  string
	}{
		{text: "Hi {{1}}, your order {{2}} has shipped.", want: []int64{1, 2}},
		{text: "Hi {{1}}, order {{2}} for {{1}}", want: []int64{1, 2}},
		{text: "{{3}} then {{1}}", want: []int64{3, 1}},
		{text: "No variables here.", want: []int64{}},
		{text: "", want: []int64{}},
		{text: "Braces {{{1}}} around", err: "Malformed Variable"},
		{text: "Hi {{ 1 }}", err: "Malformed Variable"},
		{text: "Hi {{name}}", err: `"{{name}}" at character 4`},
		{text: "Hi {{0}}", err: "Malformed Variable"},
	} {
		t.Run(tc.text, func(t *testing.T) {
			resp := runFunction(templateVariablesFunction{}, unknown, types.StringValue(tc.text))
			if tc.err != "" {
				if resp.Error == nil || resp.Error.FunctionArgument == nil || *resp.Error.FunctionArgument != 0 || !strings.Contains(resp.Error.Text, tc.err) {
					t.Fatalf("got error %v, want one on argument 0 containing %q", resp.Error, tc.err)
				}
				if strings.HasSuffix(resp.Error.Text, ".") {
					t.Errorf("the error ends with a period, which Terraform adds: %q", resp.Error.Text)
				}
				return
			}
			if resp.Error != nil {
				t.Fatal(resp.Error)
			}
			elems := make([]attr.Value, len(tc.want))
			for i, n := range tc.want {
				elems[i] = types.Int64Value(n)
			}
			want := types.ListValueMust(types.Int64Type, elems)
			if got := resp.Result.Value(); !got.Equal(want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

// TestAccTemplateVariablesFunction calls the function from configuration,
// counting a body's values as a message would give them.
func TestAccTemplateVariablesFunction(t *testing.T) {
	t.Parallel()
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: testFactories(testSeams()),
		Steps: []resource.TestStep{
			{
				Config:      `output "variables" { value = provider::interakt::template_variables("Hi {{ 1 }}") }`,
				ExpectError: regexp.MustCompile(`Invalid value for "text" parameter:\s+Malformed\s+Variable`),
			},
			{
				Config: `
output "variables" {
  value = provider::interakt::template_variables("Hi {{1}}, order {{2}} for {{1}}")
}

output "count" {
  value = length(provider::interakt::template_variables("Hi {{1}}, order {{2}} for {{1}}"))
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("variables", knownvalue.ListExact([]knownvalue.Check{knownvalue.Int64Exact(1), knownvalue.Int64Exact(2)})),
					statecheck.ExpectKnownOutputValue("count", knownvalue.Int64Exact(2)),
				},
			},
		},
	})
}
