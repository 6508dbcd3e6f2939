package provider

import (
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/interakt-community/terraform-provider-interakt/internal/contract"
)

// The contract object: what interakt_template computes as `contract` and
// what senders take as `template`. contractFields defines it once; its
// attribute types, its three schema forms (contract_schema.go) and the
// fields template_payload accepts are derived from it, so
// `template = interakt_template.x.contract` fits, and so does a literal
// `{ name, language_code }`. One decoder, valueReader.contract, reads it
// wherever it comes from.

var (
	contractButtonFields = []modelField{
		{name: "index", kind: fieldInt64, required: true, desc: "The button's index, from 0, as `button_values` and `button_payload` keys name it."},
		{name: "type", kind: fieldString, required: true, desc: "`QUICK_REPLY`, `URL`, `PHONE_NUMBER` or `COPY_CODE`."},
		{name: "dynamic", kind: fieldBool, required: true, desc: "Whether a URL button ends in `{{1}}` and so takes one value in `button_values`."},
	}
	contractFields = []modelField{
		{name: "name", kind: fieldString, required: true, desc: "The template's code name."},
		{name: "language_code", kind: fieldString, required: true, desc: "The template's language code."},
		{name: "header_format", kind: fieldString, desc: "The header's format: `NONE`, `TEXT`, `IMAGE`, `VIDEO` or `DOCUMENT`."},
		{name: "header_variables", kind: fieldInt64, desc: "How many variables the header takes (0 or 1)."},
		{name: "body_variables", kind: fieldInt64, desc: "How many variables the body takes."},
		{name: "buttons", kind: fieldObjectList, desc: "The template's buttons, by index.", nested: contractButtonFields},
	}

	contractButtonType = types.ObjectType{AttrTypes: fieldAttrTypes(contractButtonFields)}
	contractAttrTypes  = fieldAttrTypes(contractFields)

	// The names a contract and one of its buttons may have, in order, for
	// readers of values that no schema has typed.
	contractFieldNames       = fieldNames(contractFields)
	contractButtonFieldNames = fieldNames(contractButtonFields)
)

// contractValue is the object form of a contract computed from a
// declaration.
func contractValue(c contract.Contract) types.Object {
	buttons := make([]attr.Value, 0, len(c.Buttons))
	for _, b := range c.Buttons {
		buttons = append(buttons, types.ObjectValueMust(contractButtonType.AttrTypes, map[string]attr.Value{
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

// contractFromObject reads the `template` of a resource or of the send
// action. The schema has given it its types and required attributes, so
// the reader finds no shape problem to report; null or unknown parts
// become "not given", and an unknown object as a whole gives an empty
// contract.
func contractFromObject(obj types.Object) contract.Contract {
	r := valueReader{arg: "template"}
	return r.contract(obj)
}

// contract reads a contract: interakt_template.<name>.contract, or a
// literal with at least name and language_code. A null or unknown part is
// "not given", so only the rules it does not feed are checked. Buttons
// are known when every one is; until then the known buttons before the
// first unknown one are kept, so that their own rules run at their own
// paths. A button's index defaults to its position and dynamic to false.
func (r *valueReader) contract(v attr.Value) contract.Contract {
	var c contract.Contract
	v = unwrapDynamic(v)
	if !r.isObject(v, "", contractFieldNames) {
		return c
	}
	// Not r.fields: inlined here, the copy of the members stays on the
	// stack, and every plan of a message reads a contract.
	members := membersOf(v)
	r.checkMembers(members, "", contractFieldNames)
	c.Name = r.requiredString(members["name"], ".name", "is required: give the template's name.")
	c.LanguageCode = r.requiredString(members["language_code"], ".language_code", "is required: give the template's language code.")
	if s := r.str(members["header_format"], ".header_format"); s.Known() {
		c.HeaderFormat = ptrTo(s.Value)
	}
	c.HeaderVariables = r.optionalInteger(members["header_variables"], ".header_variables")
	c.BodyVariables = r.optionalInteger(members["body_variables"], ".body_variables")
	c.Buttons, c.ButtonsKnown = r.contractButtons(members["buttons"])
	return c
}

// requiredString reads a string a contract must have; "" while unknown.
func (r *valueReader) requiredString(v attr.Value, at, missing string) string {
	s := r.str(v, at)
	switch {
	case s.Unknown:
		return ""
	case s.Missing():
		r.failf(at, "%s", missing)
		return ""
	}
	return s.Value
}

func (r *valueReader) contractButtons(v attr.Value) ([]contract.ContractButton, bool) {
	v = unwrapDynamic(v)
	if null, unknown := r.state(v); null || unknown {
		return nil, false
	}
	elems, ok := r.elements(v, ".buttons")
	if !ok {
		return nil, false
	}
	buttons := make([]contract.ContractButton, 0, len(elems))
	known := true
	for i, e := range elems {
		// Every button is read, for its shape problems; the list stops
		// at the first one not known.
		b, ok := r.contractButton(e, i)
		known = known && ok
		if known {
			buttons = append(buttons, b)
		}
	}
	return buttons, known
}

// contractButton reads the button at position i; ok is false while some
// part of it is unknown.
func (r *valueReader) contractButton(v attr.Value, i int) (b contract.ContractButton, ok bool) {
	at := buttonPathOf(i)
	v = unwrapDynamic(v)
	if !r.isObject(v, at.button, contractButtonFieldNames) {
		return b, false
	}
	members := membersOf(v)
	r.checkMembers(members, at.button, contractButtonFieldNames)
	b.Index, ok = i, true
	if index, known := r.integer(members["index"], at.index); known {
		b.Index = index
	} else if isUnknown(members["index"]) {
		ok = false
	}
	switch t := r.str(members["type"], at.typ); {
	case t.Unknown:
		ok = false
	case t.Missing():
		r.failf(at.typ, "is required: QUICK_REPLY, URL, PHONE_NUMBER or COPY_CODE.")
	default:
		b.Type = t.Value
	}
	if dynamic, known := r.boolean(members["dynamic"], at.dynamic); known {
		b.Dynamic = dynamic
	} else if isUnknown(members["dynamic"]) {
		ok = false
	}
	return b, ok
}

// buttonPath is where a button and its attributes sit in a contract, as
// shape errors name them.
type buttonPath struct{ button, index, typ, dynamic string }

// buttonPaths are the paths of the buttons a template can have, made once:
// every plan reads them.
var buttonPaths = func() []buttonPath {
	out := make([]buttonPath, contract.MaxButtons)
	for i := range out {
		out[i] = newButtonPath(i)
	}
	return out
}()

func buttonPathOf(i int) buttonPath {
	if i < len(buttonPaths) {
		return buttonPaths[i]
	}
	return newButtonPath(i)
}

func newButtonPath(i int) buttonPath {
	at := ".buttons[" + strconv.Itoa(i) + "]"
	return buttonPath{button: at, index: at + ".index", typ: at + ".type", dynamic: at + ".dynamic"}
}

func ptrTo[T any](v T) *T { return &v }

// contractProblems checks a hand-written contract, at paths below
// `template`.
func contractProblems(c contract.Contract) []contract.Problem {
	return contract.Prefix(contract.Root("template"), contract.ValidateContract(c))
}
