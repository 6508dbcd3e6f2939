package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/interakt-community/terraform-provider-interakt/internal/contract"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// sendPlanCheck is a message's or the send action's check at plan: the
// message's errors once references are resolved (ValidateConfig has
// warned), then, when they pass, the account's template.
func sendPlanCheck(ctx context.Context, d *providerData, template types.Object, values messageValuesModel) diag.Diagnostics {
	check := newMessageCheck(template, values)
	diags := check.diagnostics(path.Empty(), true)
	if !diags.HasError() {
		diags.Append(accountSendCheck(ctx, d, check.contract)...)
	}
	return diags
}

// accountSendCheck is the plan-time check of a message, campaign or send
// action against the account: the template it names must be listed as
// APPROVED, with the header, body variables and buttons its contract
// gives. It uses the provider's one listing of the run, or one that
// another process of the key made moments before (the plan process's,
// in the apply process) when that lists the template APPROVED; a send of
// a template Interakt no longer approves is refused by Interakt, and
// templateRefusal reports it. Without a key, in
// a dry run, or while the name or language is unknown, it checks nothing:
// plans stay offline. c is the request's `template`, read once.
func accountSendCheck(ctx context.Context, d *providerData, c contract.Contract) diag.Diagnostics {
	var diags diag.Diagnostics
	if !d.readsAccount() {
		return diags
	}
	if c.Name == "" || c.LanguageCode == "" {
		return diags
	}
	at := path.Root("template")
	account, listed, err := d.api.FindTemplateToSend(maskSecrets(ctx, d.secrets), c.Name, c.LanguageCode)
	if err != nil {
		diags.AddAttributeError(at, "Cannot Check the Template",
			fmt.Sprintf("Listing the account's templates to check %q (%s) failed: %s Nothing was sent. Retry, or plan without the API key to skip the check.",
				c.Name, c.LanguageCode, err))
		return diags
	}
	found := &account
	if !listed {
		found = nil
	}
	switch {
	case found == nil:
		diags.AddAttributeError(at.AtName("name"), "Template Not in the Account",
			fmt.Sprintf("Interakt lists no template %q (%s) in any approval status, so no message of it can be sent; nothing was sent. "+
				"Fix the name or language, or submit the template (interakt_template with submit = true) and wait for Meta's approval.", c.Name, c.LanguageCode))
		return diags
	case !strings.EqualFold(found.ApprovalStatus, wire.ApprovalApproved):
		diags.AddAttributeError(at, "Template Not Approved",
			fmt.Sprintf("Interakt lists %q (%s) as %s%s; only APPROVED templates can be sent, so nothing was sent. "+
				"Wait for Meta's approval (a paused template is approved again once its quality recovers), or send another template.",
				c.Name, c.LanguageCode, strings.ToUpper(found.ApprovalStatus), rejectionText(found.RejectionReason)))
		return diags
	}
	if differences := contractDifferences(c, contract.ContractOf(accountDecl(*found))); len(differences) > 0 {
		diags.AddAttributeError(at, "Template Differs From the Account",
			fmt.Sprintf("The plan's template %q (%s) is not the one the account lists: %s. Messages built from it would be refused, so nothing was sent. "+
				"Make the interakt_template declaration match the account (its plan shows where they differ), or give the new version a new name and submit it.",
				c.Name, c.LanguageCode, strings.Join(differences, "; ")))
	}
	return diags
}

// templateRefusedError is a send Interakt refused whose template the
// account, asked after the refusal, does not list APPROVED: the plan's
// check passed on a listing from moments before (see accountSendCheck),
// and the approval has been withdrawn since. Nothing was sent, and it is a
// failure rather than a rejection of the message: the message is not at
// fault, and the next apply sends it once the template is approved.
type templateRefusedError struct {
	name, language string
	// status is the account's approval status now, "" when the account
	// lists the template in no status.
	status  string
	refusal error
}

func (e *templateRefusedError) Error() string {
	listed := "in no approval status"
	if e.status != "" {
		listed = "as " + e.status
	}
	return fmt.Sprintf("not sent: Interakt lists template %s (%s) %s now, and sends only APPROVED templates (%s)",
		e.name, e.language, listed, e.refusal)
}

func (e *templateRefusedError) Unwrap() error { return e.refusal }

// templateRefusal looks at a send Interakt rejected: when the account does
// not list its template APPROVED, the outcome becomes a failure saying so
// (a templateRefusedError). The lookup is the provider's listing of the
// run, made now if this process has none (the apply process whose check
// reused the plan process's), so every refusal of a run costs one lookup
// between them. Any other rejection, or a lookup that fails, is left as
// Interakt's rejection.
func (d *providerData) templateRefusal(ctx context.Context, m wire.Message, o sendOutcome) sendOutcome {
	if o.Status != sendRejected || m.Template.Name == "" {
		return o
	}
	name, language := m.Template.Name, m.Template.LanguageCode
	account, listed, err := d.api.FindTemplate(ctx, name, language)
	if err != nil || listed && strings.EqualFold(account.ApprovalStatus, wire.ApprovalApproved) {
		return o
	}
	refused := &templateRefusedError{name: name, language: language, refusal: o.Err}
	if listed {
		refused.status = strings.ToUpper(account.ApprovalStatus)
	}
	return sendOutcome{Status: sendFailed, Err: refused}
}

// isTemplateRefused reports whether err is a templateRefusedError.
func isTemplateRefused(err error) bool {
	_, ok := errors.AsType[*templateRefusedError](err)
	return ok
}

// accountDecl is the declaration a listed template amounts to.
func accountDecl(t wire.TemplateInfo) contract.TemplateDecl {
	d := contract.TemplateDecl{
		Name: contract.StrOf(t.Name), LanguageCode: contract.StrOf(t.Language), Category: contract.StrOf(strings.ToUpper(t.Category)),
		Body: contract.StrOf(t.Body), Footer: contract.StrOf(t.Footer),
	}
	if format := strings.ToUpper(t.HeaderFormat); format != "" && format != contract.HeaderNone {
		d.Header = &contract.HeaderDecl{Format: contract.StrOf(format), Text: contract.StrOf(t.Header), Example: contract.NullStr()}
	}
	for _, b := range t.Buttons {
		d.Buttons = append(d.Buttons, contract.ButtonDecl{
			Type: contract.StrOf(strings.ToUpper(b.Type)), Text: contract.StrOf(b.Text), URL: contract.StrOf(b.URL),
			PhoneNumber: contract.StrOf(b.PhoneNumber), Example: contract.NullStr(),
		})
	}
	return d
}

// contractDifferences says where a given contract (parts not given are
// skipped) and the account's differ.
func contractDifferences(given, account contract.Contract) []string {
	var out []string
	if given.HeaderFormat != nil && *given.HeaderFormat != *account.HeaderFormat {
		out = append(out, fmt.Sprintf("header_format is %s in the plan and %s in the account", *given.HeaderFormat, *account.HeaderFormat))
	}
	if given.HeaderVariables != nil && *given.HeaderVariables != *account.HeaderVariables {
		out = append(out, fmt.Sprintf("header_variables is %d in the plan and %d in the account", *given.HeaderVariables, *account.HeaderVariables))
	}
	if given.BodyVariables != nil && *given.BodyVariables != *account.BodyVariables {
		out = append(out, fmt.Sprintf("body_variables is %d in the plan and %d in the account", *given.BodyVariables, *account.BodyVariables))
	}
	if given.ButtonsKnown && buttonsText(given.Buttons) != buttonsText(account.Buttons) {
		out = append(out, fmt.Sprintf("buttons are %s in the plan and %s in the account", buttonsText(given.Buttons), buttonsText(account.Buttons)))
	}
	return out
}

func buttonsText(bs []contract.ContractButton) string {
	if len(bs) == 0 {
		return "none"
	}
	parts := make([]string, len(bs))
	for i, b := range bs {
		parts[i] = b.Type
		if b.Dynamic {
			parts[i] += " (dynamic)"
		}
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
