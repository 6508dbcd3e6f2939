package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/interakt-community/terraform-provider-interakt/internal/contract"
)

// templateModel is the interakt_template resource.
type templateModel struct {
	ID           types.String `tfsdk:"id"`
	Name         types.String `tfsdk:"name"`
	LanguageCode types.String `tfsdk:"language_code"`
	Category     types.String `tfsdk:"category"`
	// Header and Buttons stay generic values so that an unknown part of
	// them (a reference resolved only at apply) skips only its own rules.
	Header      types.Object `tfsdk:"header"`
	Body        types.String `tfsdk:"body"`
	Footer      types.String `tfsdk:"footer"`
	Buttons     types.List   `tfsdk:"buttons"`
	Verify      types.Bool   `tfsdk:"verify"`
	Contract    types.Object `tfsdk:"contract"`
	Fingerprint types.String `tfsdk:"fingerprint"`

	// Submission and what the account says of the template.
	Submit          types.Bool   `tfsdk:"submit"`
	BodyExamples    types.List   `tfsdk:"body_examples"`
	ApprovalStatus  types.String `tfsdk:"approval_status"`
	RejectionReason types.String `tfsdk:"rejection_reason"`
	// Account is the content the account lists, beside the declaration.
	Account types.Object `tfsdk:"account"`
}

// Attribute types of the header object and of one button.
var (
	templateHeaderAttrTypes = map[string]attr.Type{
		"format":  types.StringType,
		"text":    types.StringType,
		"example": types.StringType,
	}
	templateButtonAttrTypes = map[string]attr.Type{
		"type":         types.StringType,
		"text":         types.StringType,
		"url":          types.StringType,
		"phone_number": types.StringType,
		"example":      types.StringType,
	}
	// The account object: a listed template's content. Examples are left
	// out: the listing rarely shows them, and Meta keeps them only for review.
	accountHeaderAttrTypes = map[string]attr.Type{
		"format": types.StringType,
		"text":   types.StringType,
	}
	accountButtonAttrTypes = map[string]attr.Type{
		"type":         types.StringType,
		"text":         types.StringType,
		"url":          types.StringType,
		"phone_number": types.StringType,
	}
	accountAttrTypes = map[string]attr.Type{
		"category": types.StringType,
		"header":   types.ObjectType{AttrTypes: accountHeaderAttrTypes},
		"body":     types.StringType,
		"footer":   types.StringType,
		"buttons":  types.ListType{ElemType: types.ObjectType{AttrTypes: accountButtonAttrTypes}},
	}
)

// decl converts the model for the contract package, keeping unknown parts
// unknown so that their rules are skipped.
func (m templateModel) decl() contract.TemplateDecl {
	d := contract.TemplateDecl{
		Name:         contractStr(m.Name),
		LanguageCode: contractStr(m.LanguageCode),
		Category:     contractStr(m.Category),
		Body:         contractStr(m.Body),
		Footer:       contractStr(m.Footer),
	}
	switch {
	case m.Header.IsUnknown():
		d.Header = &contract.HeaderDecl{Unknown: true}
	case !m.Header.IsNull():
		a := m.Header.Attributes()
		d.Header = &contract.HeaderDecl{Format: attrStr(a, "format"), Text: attrStr(a, "text"), Example: attrStr(a, "example")}
	}
	switch {
	case m.BodyExamples.IsUnknown():
		d.BodyExamplesUnknown = true
	case !m.BodyExamples.IsNull():
		d.BodyExamples = []contract.Str{}
		for _, e := range m.BodyExamples.Elements() {
			s, ok := e.(types.String)
			if !ok {
				d.BodyExamples = append(d.BodyExamples, contract.UnknownStr())
				continue
			}
			d.BodyExamples = append(d.BodyExamples, contractStr(s))
		}
	}
	switch {
	case m.Buttons.IsUnknown():
		d.ButtonsUnknown = true
	case !m.Buttons.IsNull():
		elems := m.Buttons.Elements()
		d.Buttons = make([]contract.ButtonDecl, len(elems))
		for i, e := range elems {
			d.Buttons[i] = buttonDecl(e)
		}
	}
	return d
}

// buttonDecl converts one element of buttons. A null element has no type,
// which the button_type rule reports.
func buttonDecl(v attr.Value) contract.ButtonDecl {
	obj, ok := v.(types.Object)
	switch {
	case !ok || obj.IsUnknown():
		return contract.ButtonDecl{Unknown: true}
	case obj.IsNull():
		return contract.ButtonDecl{Type: contract.NullStr(), Text: contract.NullStr(), URL: contract.NullStr(),
			PhoneNumber: contract.NullStr(), Example: contract.NullStr()}
	}
	a := obj.Attributes()
	return contract.ButtonDecl{
		Type:        attrStr(a, "type"),
		Text:        attrStr(a, "text"),
		URL:         attrStr(a, "url"),
		PhoneNumber: attrStr(a, "phone_number"),
		Example:     attrStr(a, "example"),
	}
}

// attrStr reads a string attribute of an object; a missing or mistyped one
// counts as unknown, so it can only skip rules, never fail them.
func attrStr(attrs map[string]attr.Value, name string) contract.Str {
	s, ok := attrs[name].(types.String)
	if !ok {
		return contract.UnknownStr()
	}
	return contractStr(s)
}

// templateID is the resource's id and import id: <name>:<language_code>.
func templateID(name, languageCode string) string {
	return name + ":" + languageCode
}

// setComputed fills id, contract and fingerprint from the declaration:
// known when the whole declaration is known, unknown otherwise.
func (m *templateModel) setComputed() {
	if m.Name.IsUnknown() || m.LanguageCode.IsUnknown() {
		m.ID = types.StringUnknown()
	} else {
		m.ID = types.StringValue(templateID(m.Name.ValueString(), m.LanguageCode.ValueString()))
	}
	d := m.decl()
	if d.HasUnknown() {
		m.Contract = types.ObjectUnknown(contractAttrTypes)
		m.Fingerprint = types.StringUnknown()
		return
	}
	m.Contract = contractValue(contract.ContractOf(d))
	m.Fingerprint = types.StringValue(contract.Fingerprint(d))
}

// submitRequested reports whether submit is known to be true.
func (m templateModel) submitRequested() bool {
	return !m.Submit.IsNull() && !m.Submit.IsUnknown() && m.Submit.ValueBool()
}

// verifyRequested reports whether verify is known to be true.
func (m templateModel) verifyRequested() bool {
	return !m.Verify.IsNull() && !m.Verify.IsUnknown() && m.Verify.ValueBool()
}
