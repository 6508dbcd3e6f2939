package provider

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/interakt-community/terraform-provider-interakt/internal/contract"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// This file compares a declaration with the template the account lists:
// the refresh of interakt_template, and the drift its plan reports.

// accountHeader is the header object of a listed template, or null when it
// has none. example is carried over from the state: the listing has no
// header examples.
func accountHeader(t wire.TemplateInfo, example types.String) types.Object {
	format := strings.ToUpper(t.HeaderFormat)
	if format == "" || format == contract.HeaderNone {
		return types.ObjectNull(templateHeaderAttrTypes)
	}
	text := types.StringNull()
	if format == contract.HeaderText {
		text = types.StringValue(t.Header)
	}
	return types.ObjectValueMust(templateHeaderAttrTypes, map[string]attr.Value{
		"format": types.StringValue(format), "text": text, "example": example,
	})
}

// accountButtons is the buttons list of a listed template, null when it
// has none. Examples the listing lacks are taken from prior, by index.
func accountButtons(t wire.TemplateInfo, prior types.List) types.List {
	if len(t.Buttons) == 0 {
		return types.ListNull(types.ObjectType{AttrTypes: templateButtonAttrTypes})
	}
	var priorElems []attr.Value
	if !prior.IsNull() && !prior.IsUnknown() {
		priorElems = prior.Elements()
	}
	elems := make([]attr.Value, len(t.Buttons))
	for i, b := range t.Buttons {
		example := types.StringNull()
		if len(b.Example) > 0 && b.Example[0] != "" {
			example = types.StringValue(b.Example[0])
		} else if i < len(priorElems) {
			if obj, ok := priorElems[i].(types.Object); ok && !obj.IsNull() && !obj.IsUnknown() {
				if s, ok := obj.Attributes()["example"].(types.String); ok && !s.IsUnknown() {
					example = s
				}
			}
		}
		elems[i] = types.ObjectValueMust(templateButtonAttrTypes, map[string]attr.Value{
			"type":         types.StringValue(strings.ToUpper(b.Type)),
			"text":         optionalText(b.Text),
			"url":          optionalText(b.URL),
			"phone_number": optionalText(b.PhoneNumber),
			"example":      example,
		})
	}
	return types.ListValueMust(types.ObjectType{AttrTypes: templateButtonAttrTypes}, elems)
}

// optionalText maps the listing's empty texts to null, as a declaration
// that omits them holds.
func optionalText(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// approvalMissing is the approval status of a declared template the
// account does not list in any status. It is the provider's word, not
// Interakt's: the declaration stays in the state, and sends of it fail at
// plan.
const approvalMissing = "MISSING"

// accountValue is the account object of a listed template: its content as
// Interakt lists it, formats and button types in upper case.
func accountValue(t wire.TemplateInfo) types.Object {
	header := types.ObjectNull(accountHeaderAttrTypes)
	if format := strings.ToUpper(t.HeaderFormat); format != "" && format != contract.HeaderNone {
		text := types.StringNull()
		if format == contract.HeaderText {
			text = types.StringValue(t.Header)
		}
		header = types.ObjectValueMust(accountHeaderAttrTypes, map[string]attr.Value{"format": types.StringValue(format), "text": text})
	}
	buttonType := types.ObjectType{AttrTypes: accountButtonAttrTypes}
	buttons := types.ListNull(buttonType)
	if len(t.Buttons) > 0 {
		elems := make([]attr.Value, len(t.Buttons))
		for i, b := range t.Buttons {
			elems[i] = types.ObjectValueMust(accountButtonAttrTypes, map[string]attr.Value{
				"type":         types.StringValue(strings.ToUpper(b.Type)),
				"text":         optionalText(b.Text),
				"url":          optionalText(b.URL),
				"phone_number": optionalText(b.PhoneNumber),
			})
		}
		buttons = types.ListValueMust(buttonType, elems)
	}
	return types.ObjectValueMust(accountAttrTypes, map[string]attr.Value{
		"category": types.StringValue(strings.ToUpper(t.Category)),
		"header":   header,
		"body":     types.StringValue(t.Body),
		"footer":   optionalText(t.Footer),
		"buttons":  buttons,
	})
}

// readAccount sets what the account says of the template: its content in
// account, approval_status and rejection_reason. The declaration is left
// as it is: a difference is a warning at plan, never a change.
func (m *templateModel) readAccount(t wire.TemplateInfo) {
	m.Account = accountValue(t)
	m.ApprovalStatus = types.StringValue(strings.ToUpper(t.ApprovalStatus))
	m.RejectionReason = types.StringNull()
	if isRejected(t.ApprovalStatus) && t.RejectionReason != "" {
		m.RejectionReason = types.StringValue(t.RejectionReason)
	}
}

// readMissing records that the account lists the template in no status.
func (m *templateModel) readMissing() {
	m.Account = types.ObjectNull(accountAttrTypes)
	m.ApprovalStatus = types.StringValue(approvalMissing)
	m.RejectionReason = types.StringNull()
}

// refreshFrom makes the declaration in m what the account lists, keeping
// m's own value of every attribute that is equivalent to the account's
// (letter case of formats, line endings of the body, examples the listing
// does not show), and reads the account. It serves import and the list
// resource, which have no declaration of their own, and the comparison of
// a declaration with the account.
func (m *templateModel) refreshFrom(t wire.TemplateInfo) {
	m.Name, m.LanguageCode = types.StringValue(t.Name), types.StringValue(t.Language)
	if !strings.EqualFold(m.Category.ValueString(), t.Category) || m.Category.IsNull() {
		m.Category = types.StringValue(strings.ToUpper(t.Category))
	}
	headerExample := types.StringNull()
	if !m.Header.IsNull() && !m.Header.IsUnknown() {
		if s, ok := m.Header.Attributes()["example"].(types.String); ok {
			headerExample = s
		}
	}
	if header := accountHeader(t, headerExample); !sameHeader(m.Header, header) {
		m.Header = header
	}
	if m.Body.IsNull() || normalizeBody(m.Body.ValueString()) != normalizeBody(t.Body) {
		m.Body = types.StringValue(t.Body)
	}
	if strings.TrimSpace(m.Footer.ValueString()) != strings.TrimSpace(t.Footer) {
		m.Footer = optionalText(t.Footer)
	}
	if buttons := accountButtons(t, m.Buttons); !sameButtons(m.Buttons, buttons) {
		m.Buttons = buttons
	}
	m.readAccount(t)
	m.setComputed()
}

// accountContent is the account's content as a declaration, for
// contentDiffs, and false when the account was not read or lacks the
// template. Its header and buttons keep the account's object types, which
// the comparisons read by attribute name.
func (m templateModel) accountContent() (templateModel, bool) {
	if m.Account.IsNull() || m.Account.IsUnknown() {
		return templateModel{}, false
	}
	a := m.Account.Attributes()
	header, _ := a["header"].(types.Object)
	buttons, _ := a["buttons"].(types.List)
	category, _ := a["category"].(types.String)
	body, _ := a["body"].(types.String)
	footer, _ := a["footer"].(types.String)
	return templateModel{Category: category, Header: header, Body: body, Footer: footer, Buttons: buttons}, true
}

// declaresAccount reports whether plan declares exactly what the account
// listed at state's last refresh.
func declaresAccount(state, plan templateModel) bool {
	account, ok := state.accountContent()
	return ok && len(contentDiffs(account, plan)) == 0
}

// sameHeader compares two header objects by format (any case) and text.
func sameHeader(a, b types.Object) bool {
	if a.IsNull() || b.IsNull() || a.IsUnknown() || b.IsUnknown() {
		return a.IsNull() == b.IsNull() && a.IsUnknown() == b.IsUnknown()
	}
	aa, ba := a.Attributes(), b.Attributes()
	return strings.EqualFold(attrText(aa, "format"), attrText(ba, "format")) && attrText(aa, "text") == attrText(ba, "text")
}

// buttonContentFields are the parts of a button that are its content; example is
// not, since Meta keeps it only for review.
var buttonContentFields = []string{"type", "text", "url", "phone_number"}

// sameButtons compares two button lists by content.
func sameButtons(a, b types.List) bool {
	if a.IsUnknown() || b.IsUnknown() {
		return a.IsUnknown() == b.IsUnknown()
	}
	ae, be := a.Elements(), b.Elements()
	if len(ae) != len(be) {
		return false
	}
	for i := range ae {
		ao, aok := ae[i].(types.Object)
		bo, bok := be[i].(types.Object)
		if !aok || !bok || ao.IsNull() != bo.IsNull() || ao.IsUnknown() || bo.IsUnknown() {
			return false
		}
		if ao.IsNull() {
			continue
		}
		for _, f := range buttonContentFields {
			if !sameButtonField(f, attrText(ao.Attributes(), f), attrText(bo.Attributes(), f)) {
				return false
			}
		}
	}
	return true
}

// sameButtonField compares one field of two buttons; types in any case.
func sameButtonField(field, a, b string) bool {
	if field == "type" {
		return strings.EqualFold(a, b)
	}
	return a == b
}

// attrText is a known string attribute's value, "" for null or unknown.
func attrText(attrs map[string]attr.Value, name string) string {
	s, ok := attrs[name].(types.String)
	if !ok || s.IsNull() || s.IsUnknown() {
		return ""
	}
	return s.ValueString()
}

// contentDiff is one attribute where the account and a declaration differ.
type contentDiff struct {
	path             contract.Path
	account, planned string
}

// contentDiffs lists where the account's content (in account) and the
// declaration (in planned) differ, at the most precise path: a button's
// field rather than the whole list. Unknown planned parts are skipped.
func contentDiffs(account, planned templateModel) []contentDiff {
	var diffs []contentDiff
	add := func(p contract.Path, a, b string) {
		diffs = append(diffs, contentDiff{path: p, account: a, planned: b})
	}
	if !planned.Category.IsUnknown() && !strings.EqualFold(account.Category.ValueString(), planned.Category.ValueString()) {
		add(contract.Root("category"), account.Category.ValueString(), planned.Category.ValueString())
	}
	if !planned.Header.IsUnknown() && !sameHeader(account.Header, planned.Header) {
		add(contract.Root("header"), headerText(account.Header), headerText(planned.Header))
	}
	if !planned.Body.IsUnknown() && normalizeBody(account.Body.ValueString()) != normalizeBody(planned.Body.ValueString()) {
		add(contract.Root("body"), account.Body.ValueString(), planned.Body.ValueString())
	}
	if !planned.Footer.IsUnknown() && strings.TrimSpace(account.Footer.ValueString()) != strings.TrimSpace(planned.Footer.ValueString()) {
		add(contract.Root("footer"), account.Footer.ValueString(), planned.Footer.ValueString())
	}
	if planned.Buttons.IsUnknown() || sameButtons(account.Buttons, planned.Buttons) {
		return diffs
	}
	ae, pe := listElems(account.Buttons), listElems(planned.Buttons)
	if len(ae) != len(pe) {
		add(contract.Root("buttons"), fmt.Sprintf("%d buttons", len(ae)), fmt.Sprintf("%d buttons", len(pe)))
		return diffs
	}
	for i := range ae {
		ao, _ := ae[i].(types.Object)
		po, _ := pe[i].(types.Object)
		if po.IsUnknown() || ao.IsNull() || po.IsNull() {
			continue
		}
		for _, f := range buttonContentFields {
			a, p := attrText(ao.Attributes(), f), attrText(po.Attributes(), f)
			if sameButtonField(f, a, p) {
				continue
			}
			add(contract.Root("buttons").Index(i).Name(f), a, p)
		}
	}
	return diffs
}

func listElems(l types.List) []attr.Value {
	if l.IsNull() || l.IsUnknown() {
		return nil
	}
	return l.Elements()
}

// headerText describes a header object for a diagnostic.
func headerText(h types.Object) string {
	if h.IsNull() || h.IsUnknown() {
		return "no header"
	}
	a := h.Attributes()
	if text := attrText(a, "text"); text != "" {
		return attrText(a, "format") + " " + fmt.Sprintf("%q", text)
	}
	return attrText(a, "format")
}

// driftWarnings says, at each attribute, where the account's template
// differs from the declaration, with both texts.
func driftWarnings(name, language string, diffs []contentDiff) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, d := range diffs {
		diags.AddAttributeWarning(frameworkPath(path.Empty(), d.path), "Template Differs From the Account",
			fmt.Sprintf("%s: Interakt lists %s (%s) with %q, and the configuration declares %q. "+
				"The plan changes nothing for it: the state keeps the declaration, and the account attribute holds what Interakt lists. "+
				"Messages are checked at plan against what the account has. "+
				"Declare what the account has, edit the template in Interakt (Interakt has no API to edit one), or submit the new content under a new name (such as %s_v2).",
				d.path, name, language, d.account, d.planned, name))
	}
	return diags
}
