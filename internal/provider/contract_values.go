package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/interakt-community/terraform-provider-interakt/internal/contract"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// messageValuesModel holds the inputs of one message: the attributes of
// interakt_template_message, of a campaign recipient and of the send action.
type messageValuesModel struct {
	CountryCode   types.String `tfsdk:"country_code"`
	PhoneNumber   types.String `tfsdk:"phone_number"`
	CallbackData  types.String `tfsdk:"callback_data"`
	HeaderValues  types.List   `tfsdk:"header_values"`
	BodyValues    types.List   `tfsdk:"body_values"`
	ButtonValues  types.Map    `tfsdk:"button_values"`
	ButtonPayload types.Map    `tfsdk:"button_payload"`
	FileName      types.String `tfsdk:"file_name"`
}

// contractValues converts the model for the contract package. Map keys are
// sorted so problems come out in a stable order.
func (m messageValuesModel) contractValues() contract.Values {
	return contract.Values{
		CountryCode:   contractStr(m.CountryCode),
		PhoneNumber:   contractStr(m.PhoneNumber),
		CallbackData:  contractStr(m.CallbackData),
		FileName:      contractStr(m.FileName),
		HeaderValues:  contractList(m.HeaderValues),
		BodyValues:    contractList(m.BodyValues),
		ButtonValues:  contractMap(m.ButtonValues),
		ButtonPayload: contractMap(m.ButtonPayload),
	}
}

// A schema's typed values are read by the reader of the functions'
// dynamic arguments, so that both read a value the same way; their types
// are the schema's, so it finds no shape problem in them.

func contractStr(s types.String) contract.Str {
	var r valueReader
	return r.str(s, "")
}

func contractList(l types.List) contract.List {
	var r valueReader
	return r.list(l, "")
}

func contractMap(m types.Map) contract.Map {
	var r valueReader
	return r.indexedLists(m, "")
}

// messageCheck is one message's inputs ready to check and to build.
type messageCheck struct {
	contract contract.Contract
	values   contract.Values
}

func newMessageCheck(tmpl types.Object, values messageValuesModel) messageCheck {
	return messageCheck{contract: contractFromObject(tmpl), values: values.contractValues()}
}

// problems runs every rule that the known parts allow: the hand-written
// contract's own rules and the values against the contract.
func (mc messageCheck) problems() []contract.Problem {
	return append(contractProblems(mc.contract), contract.ValidateValues(mc.contract, mc.values)...)
}

// diagnostics reports the problems below base; errorsOnly drops warnings,
// for ModifyPlan, which runs after ValidateConfig has already warned.
func (mc messageCheck) diagnostics(base path.Path, errorsOnly bool) diag.Diagnostics {
	ps := mc.problems()
	if errorsOnly {
		ps = errorProblems(ps)
	}
	return problemDiagnostics(base, ps)
}

// message builds the request; call it only when every input is known.
func (mc messageCheck) message() wire.Message {
	return contract.ToMessage(mc.contract, mc.values)
}
