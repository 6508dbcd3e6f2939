package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/interakt-community/terraform-provider-interakt/internal/contract"
)

var _ function.Function = templateVariablesFunction{}

// NewTemplateVariablesFunction returns provider::interakt::template_variables.
func NewTemplateVariablesFunction() function.Function {
	return templateVariablesFunction{}
}

// templateVariablesFunction lists the {{n}} variables of a template text.
type templateVariablesFunction struct{}

func (templateVariablesFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "template_variables"
}

func (templateVariablesFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "List the {{n}} variables a template text uses",
		MarkdownDescription: "Returns the indices of the `{{n}}` variables of a template text (a body, a header text or a button URL), " +
			"each once, in the order of their first appearance: `\"Hi {{1}}, order {{2}} for {{1}}\"` gives `[1, 2]`. " +
			"So `length(...)` of a body is the number of `body_values` a message gives. " +
			"A malformed placeholder such as `{{ 1 }}`, `{{x}}` or `{{0}}` is an error, as it is in `interakt_template`.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "text",
				MarkdownDescription: "The template text.",
			},
		},
		Return: function.ListReturn{ElementType: types.Int64Type},
	}
}

func (templateVariablesFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var text string
	resp.Error = req.Arguments.Get(ctx, &text)
	if resp.Error != nil {
		return
	}
	if ps := contract.CheckVariableSyntax(nil, text); len(ps) > 0 {
		resp.Error = argumentError(0, ps[0].Summary+": "+ps[0].Detail)
		return
	}
	vars := contract.Variables(text)
	elems := make([]attr.Value, len(vars))
	for i, n := range vars {
		elems[i] = types.Int64Value(int64(n))
	}
	resp.Error = resp.Result.Set(ctx, types.ListValueMust(types.Int64Type, elems))
}
