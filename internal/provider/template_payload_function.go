package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/interakt-community/terraform-provider-interakt/internal/contract"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

var _ function.Function = templatePayloadFunction{}

// NewTemplatePayloadFunction returns provider::interakt::template_payload.
func NewTemplatePayloadFunction() function.Function {
	return templatePayloadFunction{}
}

// templatePayloadFunction renders the request body a message would send,
// with the encoder the client uses, so what a plan shows is what is sent.
type templatePayloadFunction struct{}

// Argument positions, as function errors report them.
const (
	payloadArgContract int64 = 0
	payloadArgValues   int64 = 1
)

func (templatePayloadFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "template_payload"
}

func (templatePayloadFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Render the exact JSON body Interakt would receive for a message",
		MarkdownDescription: "Returns the exact JSON request body that sending a template message with these values would POST to Interakt, " +
			"built by the same encoder the provider sends with. The values are checked against the contract first, with the rules " +
			"`interakt_template_message` applies at plan; a broken rule is an error naming the argument and its field. " +
			"Needs no API key and no provider configuration, so it runs in `terraform validate` and `plan`. " +
			"While any input is unknown the result is unknown.",
		Parameters: []function.Parameter{
			function.DynamicParameter{
				Name: "contract",
				MarkdownDescription: "The template's contract: `interakt_template.<name>.contract`, or a literal with at least " +
					"`name` and `language_code` (then only the rules that need no more are checked). Its other attributes are " +
					"`header_format`, `header_variables`, `body_variables` and `buttons`, a list of `{ index, type, dynamic }`; " +
					"a button's `index` defaults to its position and `dynamic` to false.",
			},
			function.DynamicParameter{
				Name: "values",
				MarkdownDescription: "The message's values, as an object with only the attributes used among `country_code`, `phone_number`, " +
					"`callback_data`, `header_values`, `body_values`, `button_values`, `button_payload` and `file_name`, " +
					"with the meanings they have in `interakt_template_message`.",
			},
		},
		Return: function.StringReturn{},
	}
}

func (templatePayloadFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var contractArg, valuesArg types.Dynamic
	resp.Error = req.Arguments.Get(ctx, &contractArg, &valuesArg)
	if resp.Error != nil {
		return
	}
	payload, unknown, funcErr := renderPayload(contractArg, valuesArg)
	if funcErr != nil {
		resp.Error = funcErr
		return
	}
	if unknown {
		resp.Error = resp.Result.Set(ctx, types.StringUnknown())
		return
	}
	resp.Error = resp.Result.Set(ctx, types.StringValue(payload))
}

// renderPayload reads both arguments, checks them, and encodes the message.
// A contract error is reported before any values error: values are checked
// against the contract. unknown is true when some input is not known yet;
// the known parts are still checked.
func renderPayload(contractArg, valuesArg types.Dynamic) (payload string, unknown bool, _ *function.FuncError) {
	cr := &valueReader{arg: "contract"}
	c := cr.contract(contractArg)
	if len(cr.errs) > 0 {
		return "", false, argumentError(payloadArgContract, strings.Join(cr.errs, "\n"))
	}
	if ps := errorProblems(contract.ValidateContract(c)); len(ps) > 0 {
		return "", false, argumentError(payloadArgContract, problemLines("contract", ps))
	}
	vr := &valueReader{arg: "values"}
	v := vr.values(valuesArg)
	if len(vr.errs) > 0 {
		return "", false, argumentError(payloadArgValues, strings.Join(vr.errs, "\n"))
	}
	if ps := errorProblems(contract.ValidateValues(c, v)); len(ps) > 0 {
		return "", false, argumentError(payloadArgValues, problemLines("values", ps))
	}
	if cr.unknown || vr.unknown {
		return "", true, nil
	}
	body, err := wire.Encode(contract.ToMessage(c, v))
	if err != nil {
		return "", false, function.NewFuncError("Cannot encode the message: " + err.Error())
	}
	return string(body), false, nil
}

// problemLines renders problems one per line as "<arg>.<path>: summary:
// detail"; details never quote phone numbers or values.
func problemLines(arg string, ps []contract.Problem) string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = arg + "." + p.Path.String() + ": " + p.Summary + ": " + p.Detail
	}
	return strings.Join(lines, "\n")
}
