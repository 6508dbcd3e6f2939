package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/interakt-community/terraform-provider-interakt/internal/contract"
)

// The contract object: what interakt_template computes as `contract` and
// what senders take as `template`. Both sides use these names and types, so
// `template = interakt_template.x.contract` fits, and so does a literal
// `{ name, language_code }`.
var (
	contractButtonAttrTypes = map[string]attr.Type{
		"index":   types.Int64Type,
		"type":    types.StringType,
		"dynamic": types.BoolType,
	}
	contractButtonType = types.ObjectType{AttrTypes: contractButtonAttrTypes}
	contractAttrTypes  = map[string]attr.Type{
		"name":             types.StringType,
		"language_code":    types.StringType,
		"header_format":    types.StringType,
		"header_variables": types.Int64Type,
		"body_variables":   types.Int64Type,
		"buttons":          types.ListType{ElemType: contractButtonType},
	}
)

// Descriptions shared by the contract's computed and input forms.
const (
	descContractName            = "The template's code name."
	descContractLanguageCode    = "The template's language code."
	descContractHeaderFormat    = "The header's format: `NONE`, `TEXT`, `IMAGE`, `VIDEO` or `DOCUMENT`."
	descContractHeaderVariables = "How many variables the header takes (0 or 1)."
	descContractBodyVariables   = "How many variables the body takes."
	descContractButtons         = "The template's buttons, by index."
	descContractButtonIndex     = "The button's index, from 0, as `button_values` and `button_payload` keys name it."
	descContractButtonType      = "`QUICK_REPLY`, `URL`, `PHONE_NUMBER` or `COPY_CODE`."
	descContractButtonDynamic   = "Whether a URL button ends in `{{1}}` and so takes one value in `button_values`."
)

// contractValue is the object form of a contract computed from a
// declaration.
func contractValue(c contract.Contract) types.Object {
	buttons := make([]attr.Value, 0, len(c.Buttons))
	for _, b := range c.Buttons {
		buttons = append(buttons, types.ObjectValueMust(contractButtonAttrTypes, map[string]attr.Value{
			"index":   types.Int64Value(int64(b.Index)),
			"type":    types.StringValue(b.Type),
			"dynamic": types.BoolValue(b.Dynamic),
		}))
	}
	return types.ObjectValueMust(contractAttrTypes, map[string]attr.Value{
		"name":             types.StringValue(c.Name),
		"language_code":    types.StringValue(c.LanguageCode),
		"header_format":    optionalString(c.HeaderFormat),
		"header_variables": optionalInt(c.HeaderVariables),
		"body_variables":   optionalInt(c.BodyVariables),
		"buttons":          types.ListValueMust(contractButtonType, buttons),
	})
}

func optionalString(p *string) types.String {
	if p == nil {
		return types.StringNull()
	}
	return types.StringValue(*p)
}

func optionalInt(p *int) types.Int64 {
	if p == nil {
		return types.Int64Null()
	}
	return types.Int64Value(int64(*p))
}

// contractFromObject reads a `template` attribute. Null or unknown parts
// become "not given", so only the rules they do not feed are checked; an
// unknown object as a whole gives an empty contract.
func contractFromObject(obj types.Object) contract.Contract {
	var c contract.Contract
	if obj.IsNull() || obj.IsUnknown() {
		return c
	}
	attrs := obj.Attributes()
	c.Name = knownString(attrs["name"])
	c.LanguageCode = knownString(attrs["language_code"])
	if s, ok := attrs["header_format"].(types.String); ok && !s.IsNull() && !s.IsUnknown() {
		c.HeaderFormat = ptrTo(s.ValueString())
	}
	c.HeaderVariables = knownInt(attrs["header_variables"])
	c.BodyVariables = knownInt(attrs["body_variables"])
	list, ok := attrs["buttons"].(types.List)
	if !ok || list.IsNull() || list.IsUnknown() {
		return c
	}
	for _, elem := range list.Elements() {
		b, ok := elem.(types.Object)
		if !ok || b.IsUnknown() || b.IsNull() {
			return c
		}
		ba := b.Attributes()
		index, typ := knownInt(ba["index"]), ba["type"]
		dynamic, ok := ba["dynamic"].(types.Bool)
		if index == nil || !ok || dynamic.IsUnknown() {
			return c
		}
		t, ok := typ.(types.String)
		if !ok || t.IsUnknown() {
			return c
		}
		c.Buttons = append(c.Buttons, contract.ContractButton{Index: *index, Type: t.ValueString(), Dynamic: dynamic.ValueBool()})
	}
	c.ButtonsKnown = true
	return c
}

func knownString(v attr.Value) string {
	s, ok := v.(types.String)
	if !ok || s.IsNull() || s.IsUnknown() {
		return ""
	}
	return s.ValueString()
}

func knownInt(v attr.Value) *int {
	n, ok := v.(types.Int64)
	if !ok || n.IsNull() || n.IsUnknown() {
		return nil
	}
	i := int(n.ValueInt64())
	return &i
}

func ptrTo[T any](v T) *T { return &v }

// contractProblems checks a hand-written contract, at paths below
// `template`.
func contractProblems(c contract.Contract) []contract.Problem {
	return contract.Prefix(contract.Root("template"), contract.ValidateContract(c))
}
