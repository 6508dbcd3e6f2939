package provider

import (
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
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

// Descriptions of the message inputs, shared by every sender's schema.
const (
	descTemplate      = "The template to send: normally `interakt_template.<name>.contract`, or a literal `{ name = \"...\", language_code = \"...\" }`, in which case only the checks that need no contract run."
	descCountryCode   = "The recipient's country code: `+` and 1 to 3 digits, such as `+91`."
	descPhoneNumber   = "The recipient's phone number without the country code and without a leading `0`: digits only."
	descCallbackData  = "Up to 512 characters returned in the message's status webhooks."
	descHeaderValues  = "The header's value: the text for `{{1}}` of a TEXT header, or the https URL of a media header's file."
	descBodyValues    = "The values of the body's variables `{{1}}`..`{{n}}`, in order."
	descButtonValues  = "Per dynamic URL button index (`\"0\"`, `\"1\"`...), the one value for its `{{1}}`."
	descButtonPayload = "Per quick-reply button index, the one payload (up to 128 characters) returned when it is tapped. At most 3."
	descFileName      = "The file name shown for a DOCUMENT header."
)

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

// withDefaultCallback fills callback_data from a campaign's default.
func (m messageValuesModel) withDefaultCallback(def types.String) messageValuesModel {
	if m.CallbackData.IsNull() {
		m.CallbackData = def
	}
	return m
}

func contractStr(s types.String) contract.Str {
	switch {
	case s.IsUnknown():
		return contract.UnknownStr()
	case s.IsNull():
		return contract.NullStr()
	}
	return contract.StrOf(s.ValueString())
}

func contractList(l types.List) contract.List {
	switch {
	case l.IsUnknown():
		return contract.List{Unknown: true}
	case l.IsNull():
		return contract.List{Null: true}
	}
	elems := l.Elements()
	out := contract.List{Items: make([]contract.Str, len(elems))}
	for i, e := range elems {
		if s, ok := e.(types.String); ok {
			out.Items[i] = contractStr(s)
		} else {
			out.Items[i] = contract.UnknownStr()
		}
	}
	return out
}

func contractMap(m types.Map) contract.Map {
	switch {
	case m.IsUnknown():
		return contract.Map{Unknown: true}
	case m.IsNull():
		return contract.Map{Null: true}
	}
	elems := m.Elements()
	keys := make([]string, 0, len(elems))
	for k := range elems {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := contract.Map{Entries: make([]contract.Entry, 0, len(keys))}
	for _, k := range keys {
		l, ok := elems[k].(types.List)
		if !ok {
			out.Entries = append(out.Entries, contract.Entry{Key: k, Value: contract.List{Unknown: true}})
			continue
		}
		out.Entries = append(out.Entries, contract.Entry{Key: k, Value: contractList(l)})
	}
	return out
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

// valueAttributes are the message inputs in a resource schema. A test send
// replaces on any change (a change is a new send); a campaign recipient
// does not (a replacement would message everyone again).
func valueAttributes(replace bool) map[string]schema.Attribute {
	str := func(desc string) schema.StringAttribute {
		a := schema.StringAttribute{MarkdownDescription: desc, Optional: true}
		if replace {
			a.PlanModifiers = []planmodifier.String{stringplanmodifier.RequiresReplace()}
		}
		return a
	}
	list := func(desc string) schema.ListAttribute {
		a := schema.ListAttribute{MarkdownDescription: desc, Optional: true, ElementType: types.StringType}
		if replace {
			a.PlanModifiers = []planmodifier.List{listplanmodifier.RequiresReplace()}
		}
		return a
	}
	indexed := func(desc string) schema.MapAttribute {
		a := schema.MapAttribute{MarkdownDescription: desc, Optional: true, ElementType: types.ListType{ElemType: types.StringType}}
		if replace {
			a.PlanModifiers = []planmodifier.Map{mapplanmodifier.RequiresReplace()}
		}
		return a
	}
	countryCode, phoneNumber := str(descCountryCode), str(descPhoneNumber)
	countryCode.Optional, countryCode.Required = false, true
	phoneNumber.Optional, phoneNumber.Required = false, true
	return map[string]schema.Attribute{
		"country_code":   countryCode,
		"phone_number":   phoneNumber,
		"callback_data":  str(descCallbackData),
		"header_values":  list(descHeaderValues),
		"body_values":    list(descBodyValues),
		"button_values":  indexed(descButtonValues),
		"button_payload": indexed(descButtonPayload),
		"file_name":      str(descFileName),
	}
}

// templateAttribute is the `template` input of a resource: the contract
// object with everything but name and language_code optional.
func templateAttribute(replace bool) schema.SingleNestedAttribute {
	a := schema.SingleNestedAttribute{
		MarkdownDescription: descTemplate,
		Required:            true,
		Attributes: map[string]schema.Attribute{
			"name":             schema.StringAttribute{MarkdownDescription: descContractName, Required: true},
			"language_code":    schema.StringAttribute{MarkdownDescription: descContractLanguageCode, Required: true},
			"header_format":    schema.StringAttribute{MarkdownDescription: descContractHeaderFormat, Optional: true},
			"header_variables": schema.Int64Attribute{MarkdownDescription: descContractHeaderVariables, Optional: true},
			"body_variables":   schema.Int64Attribute{MarkdownDescription: descContractBodyVariables, Optional: true},
			"buttons": schema.ListNestedAttribute{
				MarkdownDescription: descContractButtons,
				Optional:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"index":   schema.Int64Attribute{MarkdownDescription: descContractButtonIndex, Required: true},
					"type":    schema.StringAttribute{MarkdownDescription: descContractButtonType, Required: true},
					"dynamic": schema.BoolAttribute{MarkdownDescription: descContractButtonDynamic, Required: true},
				}},
			},
		},
	}
	if replace {
		a.PlanModifiers = []planmodifier.Object{objectplanmodifier.RequiresReplace()}
	}
	return a
}
