package provider

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/interakt-community/terraform-provider-interakt/internal/client"
	"github.com/interakt-community/terraform-provider-interakt/internal/contract"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// The provider's diagnostics that more than one resource, data source or
// action gives, in one style: a Title Case summary, and a detail that says
// what happened, whether anything was sent, and what to do. The rules of
// a declaration or a message are the contract package's registry
// (contract.Rules()); problemDiagnostics places them.

// reportBug ends the detail of a diagnostic that only a bug can cause.
const reportBug = "Please report this issue to the provider's maintainers."

// whyNoAPI says why the provider has no API client: no key, an unknown
// key, or no configuration yet.
func whyNoAPI(d *providerData) string {
	if d == nil || d.apiMissing == "" {
		return "The provider is not configured."
	}
	return d.apiMissing
}

// providerDataOf is every Configure's reading of the provider's data: nil
// before the provider is configured (during validate), and an error for
// data of another type, which would be a bug.
func providerDataOf(data any, diags *diag.Diagnostics) *providerData {
	if data == nil {
		return nil
	}
	d, ok := data.(*providerData)
	if !ok {
		diags.AddError("Unexpected Provider Data",
			fmt.Sprintf("Expected *providerData, got %T. Nothing was sent. "+reportBug, data))
		return nil
	}
	return d
}

// providerNotConfigured is the error of an operation (a send, a read)
// that Terraform asked for before configuring the provider, which it does
// not do.
func providerNotConfigured(operation string) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Provider Not Configured",
		"The interakt provider was not configured before "+operation+". Nothing was sent. "+reportBug)
}

// importNotSupported refuses to import a resource whose state records
// sends that Terraform made, with what to do instead.
func importNotSupported(typeName, why string) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Import Not Supported", "An "+typeName+" cannot be imported: "+why)
}

// sendRefused turns a send the API certainly did not act on into an
// error that quotes the API's text verbatim and says what to do. Nothing
// was sent, so applying again is safe.
func sendRefused(o sendOutcome) diag.Diagnostic {
	if d, ok := receiverRefused(o.Err, "Nothing was sent."); ok {
		return d
	}
	if errors.Is(o.Err, errBudgetSpent) {
		return diag.NewErrorDiagnostic("Send Limit Reached",
			fmt.Sprintf("Nothing was sent: this apply already made as many sends as the provider's max_sends_per_apply allows (%s). "+
				"Raise max_sends_per_apply in the provider block if this many sends are intended, then apply again.", o.Err))
	}
	if errors.Is(o.Err, errJournal) {
		return diag.NewErrorDiagnostic("Send Journal Unavailable",
			fmt.Sprintf("Nothing was sent: %s. A send that is not recorded could be sent twice after a kill, so none is made. "+
				"Check the status receiver at status_url, or the local journal folder (%s, by default .terraform/%s in the "+
				"working directory), and apply again.", o.Err, envJournalDir, journalFolder))
	}
	if refused, ok := errors.AsType[*templateRefusedError](o.Err); ok {
		return diag.NewErrorDiagnostic("Template Not Approved",
			fmt.Sprintf("Interakt refused the message, and nothing was sent: %s.\n\nThe plan found the template APPROVED; its approval "+
				"was withdrawn since. Wait for Meta's approval (a paused template is approved again once its quality recovers), or send "+
				"another template, then apply again: nothing was saved, so the next apply sends it.", withoutNotSent(refused)))
	}
	apiErr, ok := errors.AsType[*client.Error](o.Err)
	if !ok {
		return diag.NewErrorDiagnostic("Message Not Sent", fmt.Sprintf("The message was not sent: %s. Apply again to retry.", o.Err))
	}
	text := apiErr.Message
	if text == "" {
		text = apiErr.Error()
	}
	status := ""
	if apiErr.StatusCode != 0 {
		status = fmt.Sprintf(" (HTTP %d)", apiErr.StatusCode)
	}
	switch apiErr.Kind {
	case client.KindRejected:
		return diag.NewErrorDiagnostic("Interakt Rejected the Message",
			fmt.Sprintf("Interakt did not send the message%s: %s\n\nFix the message (or the template on Interakt) and apply again; nothing was saved, so the next apply sends it.", status, text))
	case client.KindUnauthorized:
		return diag.NewErrorDiagnostic("Interakt Rejected the API Key",
			fmt.Sprintf("Interakt refused the credentials%s: %s\n\nSet the provider's api_key (or %s) to the key exactly as Interakt's Developer Settings show it, then apply again. Nothing was sent.", status, text, envAPIKey))
	case client.KindForbidden:
		return diag.NewErrorDiagnostic("Interakt Refused API Access",
			fmt.Sprintf("Interakt refused access%s: %s\n\nThe account's plan may not include API access. Nothing was sent.", status, text))
	case client.KindRateLimited:
		return diag.NewErrorDiagnostic("Interakt Rate Limit Exceeded",
			fmt.Sprintf("Interakt still refused the message for its rate limit after every retry%s: %s\n\nNothing was sent. Lower rate_limit_per_minute to the account's limit, or apply again later.", status, text))
	default:
		return diag.NewErrorDiagnostic("Message Not Sent",
			fmt.Sprintf("The message did not reach Interakt: %s\n\nNothing was sent; apply again to retry.", apiErr.Error()))
	}
}

// messageIDMissing explains a null id: a test send whose outcome is
// uncertain has none, because the answer that carries it never arrived.
func messageIDMissing() diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("id"), "Missing Message ID",
		"id is null. An interakt_template_message whose send is uncertain (status = \"uncertain\") has no id: Interakt may have "+
			"sent it, but the answer carrying the id never arrived. Find the message in the status receiver by its callback_data, "+
			"or send it again on purpose with terraform apply -replace=<address of the message>.")
}

// statusReadFailed explains a failed status read.
func statusReadFailed(id string, err error) diag.Diagnostic {
	if failed, ok := errors.AsType[*statusFailedError](err); ok {
		st := failed.status
		detail := fmt.Sprintf("Message %s failed", id)
		if st.FailedAt != nil {
			detail += " at " + *st.FailedAt
		}
		detail += fmt.Sprintf(". Reason: %s. Error code: %s.",
			orUnknown(st.FailureReason, "not reported"), orUnknown(st.ErrorCode, "not reported"))
		return diag.NewAttributeErrorDiagnostic(path.Root("wait_for"), "Message Failed", detail)
	}
	if timeout, ok := errors.AsType[*statusTimeoutError](err); ok {
		detail := fmt.Sprintf("Message %s did not reach the awaited status within %s; the last status seen was %q.",
			id, timeout.timeout, timeout.last.Status)
		if timeout.lastErr != nil {
			detail += " The last read failed: " + timeout.lastErr.Error() + "."
		}
		if timeout.last.Status == wire.StatusPending {
			detail += " The receiver has no webhook for this message: check that Interakt's webhook URL points at the receiver's webhook path " +
				"and that the receiver's webhook secret matches Interakt's."
		}
		return diag.NewAttributeErrorDiagnostic(path.Root("timeout"), "Message Status Not Reached in Time", detail)
	}
	if canceled, ok := errors.AsType[*statusCanceledError](err); ok {
		return diag.NewErrorDiagnostic("Status Read Stopped",
			fmt.Sprintf("Reading the status of message %s stopped before it finished (the last status seen was %q).", id, canceled.last.Status))
	}
	if d, ok := receiverRefused(err, ""); ok {
		return d
	}
	return diag.NewErrorDiagnostic("Cannot Read Message Status",
		fmt.Sprintf("Reading the status of message %s failed: %s. Check the provider's status_url and status_token (env %s, %s).",
			id, err, envStatusURL, envStatusToken))
}

// receiverRefused is the error of a request that the status receiver
// refused (401 or 403), however deep in err: a send whose rate budget
// is kept at the receiver fails with the receiver's 401 inside the API
// operation's error, and the fix is the status token, never the API key.
// outcome says what did not happen ("Nothing was sent."); ok is false
// when err holds no refusal of the receiver's.
func receiverRefused(err error, outcome string) (d diag.Diagnostic, ok bool) {
	e, ok := client.ReceiverError(err)
	if !ok {
		return nil, false
	}
	tail := ""
	if outcome != "" {
		tail = " " + outcome
	}
	switch e.Kind {
	case client.KindUnauthorized:
		return diag.NewErrorDiagnostic("Status Token Rejected",
			fmt.Sprintf("The status receiver at status_url answered 401 to %s: the status token is wrong or missing. Set the "+
				"provider's status_token (or %s) to one of the tokens the receiver accepts (its --status-token or %s); "+
				"the API key is not involved.%s", e.Op, envStatusToken, envStatusToken, tail)), true
	case client.KindForbidden:
		return diag.NewErrorDiagnostic("Status Receiver Refused Access",
			fmt.Sprintf("The status receiver at status_url answered 403 to %s. Check that status_url points at an "+
				"interakt-receiver and that status_token (or %s) is one it accepts.%s", e.Op, envStatusToken, tail)), true
	}
	return nil, false
}

// receiverRefusal reports whether err holds the status receiver's 401 or
// 403.
func receiverRefusal(err error) bool {
	_, refused := receiverRefused(err, "")
	return refused
}

// journalUnavailable is the error of a journal that cannot be read.
func journalUnavailable(err error) diag.Diagnostic {
	if d, ok := receiverRefused(err, "Nothing was sent: without the send journal the provider cannot tell whether a stopped "+
		"apply already sent it."); ok {
		return d
	}
	return diag.NewErrorDiagnostic("Send Journal Unavailable",
		fmt.Sprintf("The send journal could not be read: %s.\n\nNothing was sent: without the journal the provider cannot tell "+
			"whether a stopped apply already sent these messages. Make the journal readable (the status receiver at status_url, "+
			"or the local folder) and run again.", err))
}

// apiKeyMissing is the error of an operation that needs the API key when
// the provider has none, made before any request. operation says what
// needed it ("Sending this message") and outcome what did not happen
// ("nothing was sent"). It has no attribute path: api_key is the
// provider's, and the resource, data source or action that reports it has
// no such attribute.
func apiKeyMissing(d *providerData, operation, outcome string) diag.Diagnostic {
	why := whyNoAPI(d)
	if !strings.Contains(why, envAPIKey) {
		why += " (provider attribute api_key, environment variable " + envAPIKey + ")"
	}
	return diag.NewErrorDiagnostic("Missing Interakt API Key",
		operation+" needs Interakt's API key, so "+outcome+". "+why)
}

// sendWithoutKey is the plan's warning of a send whose apply will fail
// for want of an API key (providerData.keyMissing). what names the send.
func sendWithoutKey(what string) diag.Diagnostic {
	return diag.NewWarningDiagnostic("No API Key to Send With",
		what+" needs Interakt's API key, and none is configured: the apply will stop with an error before sending anything. "+
			"Set the provider's api_key attribute or the "+envAPIKey+" environment variable to the key shown in Interakt's "+
			"Developer Settings, or set the provider's dry_run = true to build the messages without sending them.")
}

// verifySkipped is the warning of verify = true when the provider
// has no API key: the check did not run, and that must be visible.
func verifySkipped(d *providerData) diag.Diagnostic {
	why := whyNoAPI(d)
	return diag.NewAttributeWarningDiagnostic(path.Root("verify"), "Template Not Verified",
		"verify = true checks with Interakt's API that the template exists, is APPROVED and has this body, but the check was skipped: "+
			why+" (provider attribute api_key, environment variable "+envAPIKey+").")
}

// submitNeedsKey says that submitting needs the API key, as a warning at
// plan or an error at apply.
func submitNeedsKey(d *providerData, severity func(path.Path, string, string) diag.DiagnosticWithPath, summary string) diag.Diagnostic {
	why := whyNoAPI(d)
	return severity(path.Root("submit"), summary,
		"submit = true creates the template through Interakt's API, which needs the provider's api_key (or "+envAPIKey+"): "+why+" Nothing was submitted.")
}

// --- Rule problems at their attribute paths ---------------------------

// problemDiagnostics turns contract problems into diagnostics at their exact
// attribute paths, each below base (empty for a resource's own attributes,
// recipients["key"] for a campaign recipient). Terraform shows a path
// inside a nested attribute against the whole resource block
// (hashicorp/terraform#33491, on 1.8 to 1.14 and OpenTofu 1.12), and
// Terraform 1.16 against the object that holds it, so the detail of such
// a problem starts with its path. TestAccTemplate_validateThenPlan fails
// once Terraform points at the nested attribute itself; the prefix can go
// when every supported CLI does.
func problemDiagnostics(base path.Path, problems []contract.Problem) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, p := range problems {
		at := frameworkPath(base, p.Path)
		detail := p.Detail
		if len(at.Steps()) > 1 {
			detail = "At " + at.String() + ": " + detail
		}
		if p.Severity == contract.Warning {
			diags.AddAttributeWarning(at, p.Summary, detail)
		} else {
			diags.AddAttributeError(at, p.Summary, detail)
		}
	}
	return diags
}

// errorProblems keeps the errors of ps, for ModifyPlan (Terraform has run
// ValidateConfig with the same values and shown its warnings) and for
// functions, which cannot warn.
func errorProblems(ps []contract.Problem) []contract.Problem {
	kept := ps[:0]
	for _, p := range ps {
		if p.Severity == contract.Error {
			kept = append(kept, p)
		}
	}
	return kept
}

// frameworkPath appends a contract path to base.
func frameworkPath(base path.Path, p contract.Path) path.Path {
	out := base.Copy()
	for i, step := range p {
		switch {
		case i == 0 && len(base.Steps()) == 0:
			out = path.Root(step.Name)
		case step.Kind == contract.StepIndex:
			out = out.AtListIndex(step.Index)
		case step.Kind == contract.StepKey:
			out = out.AtMapKey(step.Key)
		default:
			out = out.AtName(step.Name)
		}
	}
	return out
}

// argumentError is a function error on one argument. Terraform shows it
// as `Invalid value for "<name>" parameter: <text>.`, so text has no final
// period of its own.
func argumentError(arg int64, text string) *function.FuncError {
	return function.NewArgumentFuncError(arg, strings.TrimSuffix(text, "."))
}
