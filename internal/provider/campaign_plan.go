package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/interakt-community/terraform-provider-interakt/internal/contract"
	"github.com/interakt-community/terraform-provider-interakt/internal/serve"
)

func (r *campaignResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg campaignModel
	resp.Diagnostics.Append(getCampaign(ctx, req.Config, serve.BulkConfig, readRecipients, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(campaignChecks(cfg, contractFromObject(cfg.Template), false)...)
}

// campaignChecks checks what the configuration holds: a hand-written
// contract once at `template`, the default callback data at
// `callback_data`, and every recipient's values against the contract at
// recipients["key"].<attribute>. tmpl is m's template, read once for
// all recipients. errorsOnly drops warnings, for ModifyPlan, which runs
// after ValidateConfig has already warned.
func campaignChecks(m campaignModel, tmpl contract.Contract, errorsOnly bool) diag.Diagnostics {
	var diags diag.Diagnostics
	ps := append(contractProblems(tmpl), defaultCallbackProblems(m.CallbackData)...)
	if errorsOnly {
		ps = errorProblems(ps)
	}
	diags.Append(problemDiagnostics(path.Empty(), ps)...)
	if !m.recipients.known {
		return diags
	}
	for _, key := range slices.Sorted(maps.Keys(m.recipients.byKey)) {
		r := m.recipients.byKey[key]
		if r.nullObject {
			diags.AddAttributeError(path.Root("recipients").AtMapKey(key), "Null Recipient",
				fmt.Sprintf("At recipients[%q]: the recipient is null; a recipient has at least a country_code and a phone_number. "+
					"To forget the recipient's result, remove the key. Nothing was sent.", key))
			continue
		}
		if r.unknownObject {
			continue
		}
		// The recipient's own callback_data only: the campaign's default
		// is checked once, at its own path.
		ps := contract.ValidateValues(tmpl, r.values)
		if errorsOnly {
			ps = errorProblems(ps)
		}
		diags.Append(problemDiagnostics(path.Root("recipients").AtMapKey(key), ps)...)
	}
	return diags
}

// defaultCallbackProblems checks the campaign's callback_data with the
// message rules, leaving every other value unknown so that only its own
// rules run.
func defaultCallbackProblems(cb types.String) []contract.Problem {
	unknownList := contract.List{Unknown: true}
	unknownMap := contract.Map{Unknown: true}
	return contract.ValidateValues(contract.Contract{}, contract.Values{
		CountryCode:   contract.UnknownStr(),
		PhoneNumber:   contract.UnknownStr(),
		CallbackData:  contractStr(cb),
		FileName:      contract.UnknownStr(),
		HeaderValues:  unknownList,
		BodyValues:    unknownList,
		ButtonValues:  unknownMap,
		ButtonPayload: unknownMap,
	})
}

// ModifyPlan checks the values against the contract where references are
// now resolved, and tells in the plan what the apply will send. When it
// will send, results and the counts are unknown and a warning says how
// many messages go; when it will not, they are planned exactly, so that
// nothing known at plan changes at apply.
func (r *campaignResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	defer r.data.report(&resp.Diagnostics)
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan campaignModel
	resp.Diagnostics.Append(getCampaign(ctx, req.Plan, serve.BulkProposed, readRecipients, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The template is read once for every check of this plan.
	tmpl := contractFromObject(plan.Template)
	resp.Diagnostics.Append(campaignChecks(plan, tmpl, true)...)
	if resp.Diagnostics.HasError() {
		return
	}

	prior := map[string]recipientResult{}
	salt := ""
	var priorState *campaignModel
	if !req.State.Raw.IsNull() {
		var state campaignModel
		resp.Diagnostics.Append(getCampaign(ctx, req.State, serve.BulkPrior, readResults, &state)...)
		if resp.Diagnostics.HasError() {
			return
		}
		prior, salt = state.results.byKey, state.ID.ValueString()
		priorState = &state
	}
	r.planAPICampaign(ctx, plan, priorState, resp)
	// retry_uncertain is checked against the state's results, so here and
	// not in ValidateConfig, which has no state.
	retry := readRetryUncertain(plan.RetryUncertain)
	dryRun := r.data != nil && r.data.dryRun
	inputs := campaignInputs(plan, tmpl, salt, salt)

	var recipients map[string]recipientInput
	if inputs.recipientsKnown {
		recipients = inputs.recipients
	}
	resp.Diagnostics.Append(retryEntryWarnings(retry, prior, recipients)...)

	if !inputs.recipientsKnown {
		resp.Diagnostics.Append(accountSendCheck(ctx, r.data, tmpl)...)
		if resp.Diagnostics.HasError() {
			return
		}
		r.planUnknownResults(ctx, resp)
		detail := "The recipients are not known until apply, so the plan cannot say how many messages the apply sends. " +
			"It sends to every recipient that is new or failed earlier; results, sent_count and failed_count are known after apply."
		if missing := r.missingKey(); missing != "" {
			detail += "\n\n" + applyCannotSend + missing
		}
		resp.Diagnostics.AddWarning("Campaign Recipients Known Only at Apply", detail)
		return
	}
	decision := decideSends(prior, inputs.hashes(), campaignPolicy(plan, dryRun))
	var j *sendJournal
	if r.data != nil {
		j = r.data.journal
	}
	// Entries that the state has taken in are done with; what a stopped
	// run left is adopted here, so the plan already shows it.
	forgetTaken(ctx, j, prior)
	adopted, err := adoptPending(ctx, j, r.data, &decision, inputs, prior)
	if err != nil {
		resp.Diagnostics.Append(journalUnavailable(err))
		return
	}
	resp.Diagnostics.Append(adoptionWarning(adopted, decision.keep)...)
	// A first apply's results hash with the id it makes, so they are known
	// in its plan only when there are none.
	if len(decision.send)+len(decision.maybe) == 0 && (len(adopted) == 0 || !req.State.Raw.IsNull()) {
		sent, failed := resultCounts(decision.keep)
		resp.Diagnostics.Append(setResults(ctx, resultMap{byKey: decision.keep})...)
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("sent_count"), sent)...)
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("failed_count"), failed)...)
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("delivery_counts"), deliveryCounts(decision.keep))...)
		if len(decision.dropped) > 0 {
			tflog.Info(ctx, "campaign plan: removed recipients are dropped from results", map[string]any{"dropped": len(decision.dropped)})
		}
		return
	}
	// The template is checked against the account only when the apply
	// would send: a campaign with nothing to send plans without it.
	resp.Diagnostics.Append(accountSendCheck(ctx, r.data, tmpl)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.planUnknownResults(ctx, resp)
	summary, detail := planWarning(decision, dryRun, r.missingKey())
	resp.Diagnostics.AddWarning(summary, detail)
}

// planUnknownResults marks what the apply will learn as unknown.
func (r *campaignResource) planUnknownResults(ctx context.Context, resp *resource.ModifyPlanResponse) {
	resp.Diagnostics.Append(setResults(ctx, resultMap{unknown: true})...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("sent_count"), types.Int64Unknown())...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("failed_count"), types.Int64Unknown())...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("delivery_counts"), types.MapUnknown(types.Int64Type))...)
}

// missingKey says why the apply will not be able to send, or "": no API
// key is configured. A key known only at apply is not missing.
func (r *campaignResource) missingKey() string {
	if !r.data.keyMissing() {
		return ""
	}
	return r.data.apiMissing
}

// applyCannotSend starts the part of a campaign's plan warning that says
// its apply will stop before sending, for want of an API key.
const applyCannotSend = "The apply cannot send, and stops with an error before sending anything: "

// planWarning says how many messages the apply sends and to whom.
func planWarning(d sendDecision, dryRun bool, missingKey string) (string, string) {
	n, m := len(d.send), len(d.maybe)
	var summary string
	switch {
	case dryRun && m > 0:
		summary = fmt.Sprintf("Campaign dry run will build %d to %d messages and send none", n, n+m)
	case dryRun:
		summary = fmt.Sprintf("Campaign dry run will build %s and send none", plural(n, "message"))
	case m > 0:
		summary = fmt.Sprintf("Campaign will send %d to %d messages", n, n+m)
	default:
		summary = fmt.Sprintf("Campaign will send %s", plural(n, "message"))
	}
	var b strings.Builder
	if n > 0 {
		fmt.Fprintf(&b, "This apply sends to %s:\n", plural(n, "recipient"))
		writeGrouped(&b, d.send)
	}
	if m > 0 {
		fmt.Fprintf(&b, "It may also send to %s whose inputs are known only during apply:\n", plural(m, "recipient"))
		writeGrouped(&b, d.maybe)
	}
	b.WriteString("\nresults, sent_count and failed_count are known after apply. A sent recipient is never sent again " +
		"unless resend_on_change is set, and an uncertain one only once, when retry_uncertain names its attempt_id.")
	if dryRun {
		b.WriteString(" The provider's dry_run is set: payloads are built and logged, and nothing reaches the API.")
	}
	if missingKey != "" {
		b.WriteString("\n\n" + applyCannotSend + missingKey)
	}
	return summary, b.String()
}

// writeGrouped lists keys by reason, a bounded number per reason.
func writeGrouped(b *strings.Builder, sends []plannedSend) {
	byReason := map[sendReason][]string{}
	var order []sendReason
	for _, s := range sends {
		if _, seen := byReason[s.reason]; !seen {
			order = append(order, s.reason)
		}
		byReason[s.reason] = append(byReason[s.reason], s.key)
	}
	for _, reason := range order {
		keys := byReason[reason]
		fmt.Fprintf(b, "  - %s (%d): %s\n", reason, len(keys), keyList(keys))
	}
}
