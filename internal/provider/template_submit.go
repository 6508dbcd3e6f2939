package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/interakt-community/terraform-provider-interakt/internal/client"
	"github.com/interakt-community/terraform-provider-interakt/internal/contract"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// isRejected reports whether an approval status is REJECTED, the one
// status whose template may be submitted again under its name.
func isRejected(status string) bool {
	return strings.EqualFold(status, wire.ApprovalRejected)
}

// accountTemplate returns the account's template with this name and
// language in any status, or nil. The list is the provider's one listing
// of the run.
func (r *templateResource) accountTemplate(ctx context.Context, name, language string) (*wire.TemplateInfo, diag.Diagnostics) {
	var diags diag.Diagnostics
	ctx = maskSecrets(ctx, r.data.secrets)
	found, ok, err := r.data.api.FindTemplate(ctx, name, language)
	if err != nil {
		if d, ok := receiverRefused(err, "The account's templates could not be read; nothing was submitted or sent."); ok {
			diags.Append(d)
			return nil, diags
		}
		diags.AddError("Cannot Read the Account's Templates",
			fmt.Sprintf("Listing the account's templates to compare %q (%s) failed: %s Nothing was submitted or sent. "+
				"Retry; to plan without the account, unset the API key or run terraform plan -refresh=false.", name, language, err))
		return nil, diags
	}
	if !ok {
		return nil, diags
	}
	return &found, diags
}

// compareWithAccount looks, at plan, at the account's template of this
// name and language: a template to submit (not yet submitted from this
// state) that the account has with other content is an error unless it
// was rejected (then it is submitted again, and account is unknown until
// the apply); any other declaration that differs gets a warning at each
// attribute and no change; one the account lacks, without submit, gets a
// warning that says what follows. Without a key nothing is compared.
func (r *templateResource) compareWithAccount(ctx context.Context, state *templateModel, plan *templateModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if !r.data.readsAccount() {
		if state == nil && plan.submitRequested() && r.data.keyMissing() {
			diags.Append(submitNeedsKey(r.data, diag.NewAttributeWarningDiagnostic, "Template to Submit at Apply"))
		}
		return diags
	}
	if plan.Name.IsUnknown() || plan.LanguageCode.IsUnknown() {
		return diags
	}
	name, language := plan.Name.ValueString(), plan.LanguageCode.ValueString()
	found, d := r.accountTemplate(ctx, name, language)
	if diags.Append(d...); diags.HasError() {
		return diags
	}
	if found == nil {
		if state == nil && !plan.submitRequested() {
			diags.AddAttributeWarning(path.Root("name"), "Template Not in the Account",
				fmt.Sprintf("Interakt lists no template %q (%s) in any approval status. Messages of it are refused at plan until it is approved. "+
					"The apply creates nothing in Interakt: it records the declaration with approval_status = \"MISSING\". "+
					"Set submit = true (with body_examples) to submit it for approval, or create it in Interakt.", name, language))
		}
		return diags
	}
	account := *plan
	account.refreshFrom(*found)
	diffs := contentDiffs(account, *plan)
	switch {
	case len(diffs) == 0:
		if state == nil && plan.submitRequested() {
			tflog.Info(ctx, "template to submit is in the account with the same content; the apply adopts it",
				map[string]any{"template": name, "language": language, "approval_status": found.ApprovalStatus})
		}
	case plan.submitRequested() && isRejected(found.ApprovalStatus):
		plan.ApprovalStatus, plan.RejectionReason = types.StringUnknown(), types.StringUnknown()
		plan.Account = types.ObjectUnknown(accountAttrTypes)
		diags.AddAttributeWarning(path.Root("submit"), "Rejected Template Submitted Again",
			fmt.Sprintf("Meta rejected %q (%s)%s; the apply submits the declared content again under the same name, as Meta allows for a rejected template. "+
				"If Interakt refuses, the apply fails and nothing changes: give the template a new name.", name, language, rejectionText(found.RejectionReason)))
	case plan.submitRequested() && (state == nil || !state.submitRequested()):
		for _, df := range diffs {
			diags.Append(problemDiagnostics(path.Empty(), []contract.Problem{contract.SubmittedChange(df.path, name, strings.ToUpper(found.ApprovalStatus))})...)
		}
	default:
		diags.Append(driftWarnings(name, language, diffs)...)
	}
	return diags
}

func rejectionText(reason string) string {
	if reason == "" {
		return ""
	}
	return fmt.Sprintf(" (%s)", reason)
}

// ensureSubmitted makes sure, at apply, that the account has the template:
// one with the same content is adopted; one Meta rejected, or none, is
// submitted. One submitted before (submitted: the prior state asked for
// it) whose content the account now lists otherwise, an edit in the
// dashboard, is kept: the plan has warned. A create whose outcome is
// uncertain is kept in the state with a warning, never sent again by
// itself: the next refresh finds the template or, if Interakt never made
// it, removes it.
func (r *templateResource) ensureSubmitted(ctx context.Context, m *templateModel, submitted bool) diag.Diagnostics {
	var diags diag.Diagnostics
	if r.data != nil && r.data.dryRun {
		setStatus(m, nil)
		diags.AddAttributeWarning(path.Root("submit"), "Template Not Submitted in a Dry Run",
			fmt.Sprintf("dry_run sends nothing, so %q (%s) was not submitted; an apply without dry_run submits it, or adopts it if the account has it by then.",
				m.Name.ValueString(), m.LanguageCode.ValueString()))
		return diags
	}
	if r.data == nil || r.data.api == nil {
		diags.Append(submitNeedsKey(r.data, diag.NewAttributeErrorDiagnostic, "Cannot Submit Template"))
		return diags
	}
	name, language := m.Name.ValueString(), m.LanguageCode.ValueString()
	found, d := r.accountTemplate(ctx, name, language)
	if diags.Append(d...); diags.HasError() {
		return diags
	}
	if found != nil {
		account := *m
		account.refreshFrom(*found)
		diffs := contentDiffs(account, *m)
		if len(diffs) == 0 || submitted && !isRejected(found.ApprovalStatus) {
			tflog.Info(ctx, "the account has the template; nothing submitted", map[string]any{"template": name, "language": language, "differences": len(diffs)})
			setStatus(m, found)
			return diags
		}
		if !isRejected(found.ApprovalStatus) {
			for _, df := range diffs {
				diags.Append(problemDiagnostics(path.Empty(), []contract.Problem{contract.SubmittedChange(df.path, name, strings.ToUpper(found.ApprovalStatus))})...)
			}
			return diags
		}
	}
	ctx = maskSecrets(ctx, r.data.secrets)
	tflog.Info(ctx, "submitting template for approval", map[string]any{"template": name, "language": language, "resubmission": found != nil})
	created, err := r.data.api.CreateTemplate(ctx, createRequest(*m))
	switch {
	case err != nil && !client.IsCertain(err):
		setStatus(m, nil)
		diags.AddWarning("Template Submission Uncertain",
			fmt.Sprintf("Submitting %q (%s) may or may not have reached Interakt: %s. It is kept in the state so that it is not submitted twice; "+
				"the next plan with the API key reads the account and shows whether Interakt has it.", name, language, err))
	case err != nil:
		diags.AddAttributeError(path.Root("submit"), "Template Not Submitted",
			fmt.Sprintf("Interakt refused to create %q (%s): %s. Nothing was created. Fix the declaration, or give the template a new name if Interakt keeps the old one.",
				name, language, err))
	default:
		setStatus(m, &created)
	}
	return diags
}

// readStatus fills, at apply, what the plan left unknown of the account
// (a create's): from the account with a key, null without one. A template
// the account lacks is recorded as MISSING, and nothing is created.
func (r *templateResource) readStatus(ctx context.Context, m *templateModel) diag.Diagnostics {
	if !m.ApprovalStatus.IsUnknown() && !m.RejectionReason.IsUnknown() && !m.Account.IsUnknown() {
		return nil
	}
	if !r.data.readsAccount() {
		setStatus(m, nil)
		return nil
	}
	name, language := m.Name.ValueString(), m.LanguageCode.ValueString()
	found, diags := r.accountTemplate(ctx, name, language)
	if diags.HasError() {
		return diags
	}
	if found == nil {
		if m.ApprovalStatus.IsUnknown() {
			m.ApprovalStatus = types.StringValue(approvalMissing)
		}
		setStatus(m, nil)
		diags.Append(templateMissing(name, language))
		return diags
	}
	setStatus(m, found)
	return diags
}

// setStatus fills account, approval_status and rejection_reason where the
// plan left them unknown, from the account's template t, or null when nil;
// known planned values stay, as Terraform requires.
func setStatus(m *templateModel, t *wire.TemplateInfo) {
	read := *m
	if t != nil {
		read.readAccount(*t)
	} else {
		read.Account, read.ApprovalStatus, read.RejectionReason = types.ObjectNull(accountAttrTypes), types.StringNull(), types.StringNull()
	}
	if m.ApprovalStatus.IsUnknown() {
		m.ApprovalStatus = read.ApprovalStatus
	}
	if m.RejectionReason.IsUnknown() {
		m.RejectionReason = read.RejectionReason
	}
	if m.Account.IsUnknown() {
		m.Account = read.Account
	}
}

// createRequest is the Create Template body of a declaration.
func createRequest(m templateModel) wire.CreateTemplate {
	req := wire.CreateTemplate{
		DisplayName: m.Name.ValueString(),
		Language:    wire.LanguageNames[m.LanguageCode.ValueString()],
		Category:    m.Category.ValueString(),
		Body:        m.Body.ValueString(),
		Footer:      m.Footer.ValueString(),
	}
	for _, e := range listElems(m.BodyExamples) {
		if s, ok := e.(types.String); ok {
			req.BodyText = append(req.BodyText, s.ValueString())
		}
	}
	if !m.Header.IsNull() {
		a := m.Header.Attributes()
		format := strings.ToUpper(attrText(a, "format"))
		req.HeaderFormat = &format
		if format == contract.HeaderText {
			req.Header = attrText(a, "text")
			if example := attrText(a, "example"); example != "" {
				req.HeaderText = []string{example}
			}
		}
	}
	quickRepliesOnly := true
	for _, e := range listElems(m.Buttons) {
		obj, ok := e.(types.Object)
		if !ok || obj.IsNull() {
			continue
		}
		a := obj.Attributes()
		b := wire.Button{Type: attrText(a, "type"), Text: attrText(a, "text"), URL: attrText(a, "url"), PhoneNumber: attrText(a, "phone_number")}
		if example := attrText(a, "example"); example != "" {
			b.Example = wire.Examples{example}
		}
		quickRepliesOnly = quickRepliesOnly && b.Type == contract.ButtonQuickReply
		req.Buttons = append(req.Buttons, b)
	}
	switch {
	case len(req.Buttons) == 0:
	case quickRepliesOnly:
		req.ButtonType = wire.ButtonTypeQuickReplies
	default:
		req.ButtonType = wire.ButtonTypeCallToAction
	}
	return req
}
