package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/interakt-community/terraform-provider-interakt/internal/client"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// journalAPICampaign is the resource type an API campaign's create is
// journaled under.
const journalAPICampaign = "interakt_campaign api_campaign"

// apiCampaignKey identifies an API campaign's create in the send journal:
// the campaign's scope (its id once it has state, "" for its first apply),
// the API campaign's name and the template it is for. A new template or
// name is a new create; an apply that repeats a killed one computes the
// same key and adopts the campaign the killed one made.
func apiCampaignKey(scope, name, template, language string) string {
	h := sha256.New()
	for _, part := range []string{journalKeyVersion, journalAPICampaign, scope, name, template, language} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// campaignTemplateIdentity returns the name and language code of a campaign's
// template, and whether both are known.
func campaignTemplateIdentity(tmpl types.Object) (name, language string, known bool) {
	if tmpl.IsNull() || tmpl.IsUnknown() {
		return "", "", false
	}
	attrs := tmpl.Attributes()
	n, okN := attrs["name"].(types.String)
	l, okL := attrs["language_code"].(types.String)
	if !okN || !okL || n.IsUnknown() || l.IsUnknown() {
		return "", "", false
	}
	return n.ValueString(), l.ValueString(), true
}

// planAPICampaign plans api_campaign_id. Without api_campaign_name it is
// null. It keeps the state's id while the name and the template (name
// and language) stay the same; otherwise it is unknown and the apply
// creates the API campaign, or null in a dry run, which creates nothing. A change of template or name in a campaign
// that has one warns: Interakt keys an API campaign by its template, so
// the campaign's later sends are grouped under a new one.
func (r *campaignResource) planAPICampaign(ctx context.Context, plan campaignModel, state *campaignModel, resp *resource.ModifyPlanResponse) {
	id := path.Root("api_campaign_id")
	if plan.APICampaignName.IsNull() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, id, types.StringNull())...)
		return
	}
	name, language, known := campaignTemplateIdentity(plan.Template)
	dryRun := r.data != nil && r.data.dryRun
	if state != nil && !state.APICampaignID.IsNull() && !state.APICampaignID.IsUnknown() {
		oldName, oldLanguage, _ := campaignTemplateIdentity(state.Template)
		if known && !plan.APICampaignName.IsUnknown() && plan.APICampaignName.Equal(state.APICampaignName) &&
			name == oldName && language == oldLanguage {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, id, state.APICampaignID)...)
			r.forgetAPICampaignEntries(ctx, *state)
			return
		}
		if dryRun {
			// A dry run creates nothing, so the id its apply leaves is null.
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, id, types.StringNull())...)
			return
		}
		resp.Diagnostics.AddAttributeWarning(path.Root("api_campaign_name"), "New API Campaign at Apply",
			fmt.Sprintf("The template (%s, %s) or api_campaign_name (%q) of this campaign changed, or is known only at apply. "+
				"Interakt keys an API campaign by its template, so the apply creates a new API campaign (one create request, "+
				"journaled like a send) before it sends anything, api_campaign_id is known after apply, and every message the "+
				"campaign sends from then on names the new campaign. The former one (%s) stays in Interakt with the messages "+
				"already sent under it; recipients already sent are not sent again because of this change.",
				knownOr(name, known), knownOr(language, known), plan.APICampaignName.ValueString(), state.APICampaignID.ValueString()))
	}
	if dryRun {
		// The apply creates nothing and leaves the id null: planning it
		// unknown would show a change in every plan after a dry run.
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, id, types.StringNull())...)
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, id, types.StringUnknown())...)
}

// knownOr is s, or says that it is known only after apply.
func knownOr(s string, known bool) string {
	if !known {
		return "(known after apply)"
	}
	return s
}

// forgetAPICampaignEntries removes the journal entries of the state's API
// campaign create once the state holds its id; a failure leaves them to
// the retention.
func (r *campaignResource) forgetAPICampaignEntries(ctx context.Context, state campaignModel) {
	if r.data == nil || r.data.journal == nil {
		return
	}
	name, language, _ := campaignTemplateIdentity(state.Template)
	keys := []string{
		apiCampaignKey("", state.APICampaignName.ValueString(), name, language),
		apiCampaignKey(state.ID.ValueString(), state.APICampaignName.ValueString(), name, language),
	}
	entries, err := r.data.journal.j.Lookup(ctx, keys)
	if err != nil {
		tflog.Warn(ctx, "send journal: the API campaign's entries could not be read", map[string]any{"error": err.Error()})
		return
	}
	var taken []string
	for _, e := range entries {
		if e.MessageID == state.APICampaignID.ValueString() || certainlyNotSent(e) {
			taken = append(taken, e.Attempt)
		}
	}
	r.data.journal.forget(ctx, taken)
}

// ensureAPICampaign sets plan's api_campaign_id where the plan left it
// unknown: from the journal when a stopped apply already created it, else
// by creating it, once. It reports false, with an error in diags, when
// the campaign must not send: the create failed or may have happened
// without its answer arriving. A dry run creates nothing and leaves the id
// null. scope is the journal key's scope, as for the campaign's sends.
func (r *campaignResource) ensureAPICampaign(ctx context.Context, plan *campaignModel, scope string, diags *diag.Diagnostics) bool {
	if plan.APICampaignName.IsNull() {
		plan.APICampaignID = types.StringNull()
		return true
	}
	if !plan.APICampaignID.IsUnknown() {
		return true
	}
	if r.data == nil {
		diags.Append(providerNotConfigured("interakt_campaign was applied"))
		return false
	}
	if r.data.dryRun {
		tflog.Info(ctx, "dry run: the API campaign is not created; api_campaign_id stays null")
		plan.APICampaignID = types.StringNull()
		return true
	}
	ctx = maskSecrets(ctx, r.data.secrets)
	name := plan.APICampaignName.ValueString()
	template, language, _ := campaignTemplateIdentity(plan.Template)
	key := apiCampaignKey(scope, name, template, language)
	at := path.Root("api_campaign_name")
	pending, err := r.data.journal.pending(ctx, []string{key}, nil, true)
	if err != nil {
		diags.Append(journalUnavailable(err))
		return false
	}
	if e, ok := pending[key]; ok {
		if e.Answered && e.Status == sendSent && e.MessageID != "" {
			plan.APICampaignID = types.StringValue(e.MessageID)
			diags.AddAttributeWarning(at, "API Campaign Adopted From a Stopped Apply",
				fmt.Sprintf("An earlier apply was stopped (killed) after Interakt created the API campaign %q (id %s) for template %s (%s); "+
					"the send journal recorded its answer, so it is used and not created again.", name, e.MessageID, template, language))
			return true
		}
		diags.AddAttributeError(at, "API Campaign Creation Uncertain",
			fmt.Sprintf("An earlier apply was stopped after it sent the request that creates the API campaign %q for template %s (%s), "+
				"before its answer arrived: Interakt may have created it, and its id is unknown. Nothing was created or sent now, "+
				"so that no second API campaign is made.\n\nTo go on, set api_campaign_name to a new name (the apply then creates "+
				"that one; an API campaign the stopped apply may have made stays unused in the dashboard).", name, template, language))
		return false
	}
	if r.data.api == nil {
		diags.Append(apiKeyMissing(r.data, "Creating this interakt_campaign's API campaign", "nothing was created or sent"))
		return false
	}
	outcome, _ := r.data.journal.record(ctx, key, func(ctx context.Context) sendOutcome {
		id, err := r.data.api.CreateAPICampaign(ctx, wire.CreateCampaign{CampaignName: name, TemplateName: template, LanguageCode: language})
		if err == nil {
			return sendOutcome{ID: id, Status: sendSent}
		}
		switch client.KindOf(err) {
		case client.KindUncertain:
			return sendOutcome{Status: sendUncertain, Err: err}
		case client.KindRejected:
			return sendOutcome{Status: sendRejected, Err: err}
		default:
			return sendOutcome{Status: sendFailed, Err: err}
		}
	})
	if outcome.Status == sendSent {
		plan.APICampaignID = types.StringValue(outcome.ID)
		tflog.Info(ctx, "API campaign created", map[string]any{"api_campaign_id": outcome.ID, "template": template})
		return true
	}
	detail := fmt.Sprintf("Creating the API campaign %q for template %s (%s) failed: %s.\n\nNo message was sent. ", name, template, language, outcome.Err)
	if outcome.Status == sendUncertain {
		detail += "The request was written and no answer arrived, so Interakt may have created it. The next apply does not " +
			"create it again with this name; set api_campaign_name to a new name to create another."
	} else {
		detail += "Interakt did not create it. Correct the cause (the template must be approved in the account) and apply again."
	}
	diags.AddAttributeError(at, "API Campaign Not Created", detail)
	return false
}
