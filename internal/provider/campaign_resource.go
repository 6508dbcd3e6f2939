package provider

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/interakt-community/terraform-provider-interakt/internal/serve"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

var (
	_ resource.Resource                   = &campaignResource{}
	_ resource.ResourceWithConfigure      = &campaignResource{}
	_ resource.ResourceWithModifyPlan     = &campaignResource{}
	_ resource.ResourceWithValidateConfig = &campaignResource{}
	_ resource.ResourceWithImportState    = &campaignResource{}
)

// defaultCampaignTimeout bounds one create or update: 1,000 recipients at
// Interakt's 40 requests per minute take 25 minutes.
const defaultCampaignTimeout = 60 * time.Minute

// campaignWorkers is how many sends may be in flight at once. The client's
// rate limiter paces them; more workers only help when responses are slow.
const campaignWorkers = 10

// NewCampaignResource returns the interakt_campaign resource.
func NewCampaignResource() resource.Resource {
	return &campaignResource{}
}

// campaignResource sends one template to many recipients, resumably.
type campaignResource struct {
	data *providerData
}

// campaignModel is the resource's configuration and state.
type campaignModel struct {
	ID             types.String   `tfsdk:"id"`
	Template       types.Object   `tfsdk:"template"`
	CallbackData   types.String   `tfsdk:"callback_data"`
	Recipients     types.Map      `tfsdk:"recipients"`
	ResendOnChange types.Bool     `tfsdk:"resend_on_change"`
	RetryUncertain types.Map      `tfsdk:"retry_uncertain"`
	Results        types.Map      `tfsdk:"results"`
	SentCount      types.Int64    `tfsdk:"sent_count"`
	FailedCount    types.Int64    `tfsdk:"failed_count"`
	DeliveryCounts types.Map      `tfsdk:"delivery_counts"`
	Timeouts       timeouts.Value `tfsdk:"timeouts"`
	// APICampaignName and APICampaignID: the Interakt API campaign the
	// campaign's sends are grouped under (see campaign_api.go).
	APICampaignName types.String `tfsdk:"api_campaign_name"`
	APICampaignID   types.String `tfsdk:"api_campaign_id"`

	// recipients and results are the two maps as the campaign reads them,
	// past the framework (campaign_bulk.go); Recipients and Results hold
	// what the framework sees of them, empty maps.
	recipients recipientMap
	results    resultMap
}

const campaignDescription = "Sends one WhatsApp template to many recipients, each with its own values, at the provider's rate limit, " +
	"and records per recipient the message id or the error in `results`.\n\n" +
	"**Resumable, and never twice.** A later apply sends only to recipients that are new, that `failed` for a reason the API " +
	"certainly did not act on (HTTP 401, 403, 429 after retries, no connection, `max_sends_per_apply` reached, an interrupted apply), " +
	"or that were `rejected` (HTTP 400) and whose inputs have changed since. A `sent` recipient is never sent again, even when its " +
	"inputs change, unless `resend_on_change = true`. An `uncertain` recipient (the API may have sent it: a timeout, a dropped " +
	"connection or a 5xx after the request was written) is never sent again unless `retry_uncertain` names its `attempt_id`, " +
	"and then once. " +
	"Removing a key forgets its result.\n\n" +
	"**The plan tells.** When an apply will send, the plan shows a warning naming how many messages it sends and to which keys, " +
	"and `results`, `sent_count` and `failed_count` are known only after apply.\n\n" +
	"**Apply never fails because of a send.** The campaign is saved with every message id obtained and every error, and the apply " +
	"ends with a warning naming the recipients that were not sent, by key. To make a failure stop the run, write a postcondition: " +
	"`lifecycle { postcondition { condition = self.failed_count == 0 } }`. The one exception: with no API key and no `dry_run`, " +
	"the apply stops with an error before sending anything.\n\n" +
	"**No attribute forces replacement**, because a replacement would message every recipient again; `terraform apply -replace` " +
	"does exactly that. Destroying the resource only forgets it.\n\n" +
	"**Interrupting.** On Ctrl-C the campaign starts no new sends, lets the requests already on their way finish, and saves " +
	"every result; the recipients it did not reach are `failed` and the next apply sends them.\n\n" +
	"**Killed.** Before each send the provider records it in its send journal (on disk, fsynced, before the request is " +
	"written) and records the answer when it arrives. A forced kill (SIGKILL, or a second Ctrl-C that makes Terraform stop " +
	"waiting) loses the running apply's results, but not the journal: the next plan or apply takes every recorded send into " +
	"`results` instead of sending it again, `sent` with its message id when the answer had arrived and `uncertain` when it had " +
	"not. The journal lives in the working directory's `.terraform` folder, or in the status receiver when `status_url` is set, " +
	"so that a run killed on one machine is recovered on another.\n\n" +
	"**Delivery.** With `status_url`, every refresh settles the uncertain sends that exactly one message in the receiver " +
	"accounts for, and sets each result's `delivery_status` and the `delivery_counts`.\n\n" +
	"With the provider's `dry_run`, every payload is built and logged and nothing is sent: results have ids `dry-run-<uuid>` and " +
	"status `dry_run`, and a later real apply sends them. Import is not supported: a send cannot be adopted."

func (r *campaignResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_campaign"
}

func (r *campaignResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	recipient := valueAttributes(false)
	if cb, ok := recipient["callback_data"].(schema.StringAttribute); ok {
		cb.MarkdownDescription = descCallbackData + " Defaults to the campaign's `callback_data`."
		recipient["callback_data"] = cb
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: campaignDescription,
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "A random identifier of this campaign, set when it is created.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"template": templateAttribute(false),
			"callback_data": schema.StringAttribute{
				MarkdownDescription: descCallbackData + " The default of every recipient that sets none.",
				Optional:            true,
			},
			"recipients": schema.MapNestedAttribute{
				MarkdownDescription: "The recipients, keyed by a stable name of yours (a customer id, say): the key is how results, " +
					"warnings and `retry_uncertain` name a recipient, so keep it when a recipient's values change. " +
					"Adding a key sends to it with the next apply; removing one forgets its result.",
				Required:     true,
				NestedObject: schema.NestedAttributeObject{Attributes: recipient},
			},
			"resend_on_change": schema.BoolAttribute{
				MarkdownDescription: "Send again to a `sent` recipient whose inputs (values, callback data or template) changed. " +
					"Defaults to `false`: a recipient who got the message does not get it again.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"retry_uncertain": schema.MapAttribute{
				MarkdownDescription: "The `uncertain` recipients to send again with the next apply: a map from a recipient's key to " +
					"the `attempt_id` of its uncertain result, for example `{ ravi = \"4be0643f-1d98-4b1c-9b5a-3c2f6a9e7d10\" }` " +
					"(`results[\"ravi\"].attempt_id`). The named attempt is sent again once: the retry's result has a new " +
					"`attempt_id`, so a retry that is uncertain again is not sent until that attempt is named. An entry that names " +
					"anything else (an older attempt, a recipient that is `sent` or `failed`, a key not in `recipients`) sends " +
					"nothing and is a warning at plan; remove it. The API may already have delivered an uncertain message, so a " +
					"retry can message someone twice: check (for example with `interakt_message_status` or the dashboard) before " +
					"naming an attempt.",
				Optional:    true,
				ElementType: types.StringType,
			},
			"results": schema.MapNestedAttribute{
				MarkdownDescription: "Per recipient key, the outcome of its last send. Phone numbers are never stored here.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"message_id": schema.StringAttribute{
						MarkdownDescription: "The message id the API returned (`dry-run-<uuid>` in a dry run), or null.",
						Computed:            true,
					},
					"status": schema.StringAttribute{
						MarkdownDescription: "`sent`, `rejected` (the API answered 400; sent again once the inputs change), " +
							"`failed` (certainly not sent; sent again by the next apply), `uncertain` (the API may have sent it; " +
							"sent again, once, only when `retry_uncertain` names its `attempt_id`) or `dry_run`.",
						Computed: true,
					},
					"error": schema.StringAttribute{
						MarkdownDescription: "Why the recipient was not sent, with the API's message verbatim; null when sent.",
						Computed:            true,
					},
					"sent_at": schema.StringAttribute{
						MarkdownDescription: "When the send finished (RFC 3339, UTC): the API's answer, or for `uncertain` the moment the " +
							"client stopped waiting for one; null when no request was made.",
						Computed: true,
					},
					"inputs_hash": schema.StringAttribute{
						MarkdownDescription: "Internal: a salted hash of the inputs this result was obtained with, to tell when " +
							"they change. Not meant for use in configuration.",
						Computed: true,
					},
					"delivery_status": schema.StringAttribute{
						MarkdownDescription: "With the provider's `status_url`, what the status receiver knows of a sent message, " +
							"refreshed by every plan: `pending` (no webhook yet), `sent`, `delivered`, `read` (a button click counts as " +
							"read) or `failed`. Null without `status_url`, and for recipients not sent.",
						Computed: true,
					},
					"attempt_id": schema.StringAttribute{
						MarkdownDescription: "The id of this result's send, new at every send: what `retry_uncertain` names to " +
							"send an `uncertain` recipient again, once. It also names the send's entry in the send journal, so that the " +
							"journal knows this state has taken it in. Null when no request was made.",
						Computed: true,
					},
				}},
			},
			"sent_count": schema.Int64Attribute{
				MarkdownDescription: "How many recipients have the status `sent`.",
				Computed:            true,
			},
			"delivery_counts": schema.MapAttribute{
				MarkdownDescription: "With the provider's `status_url`, how many sent recipients are `pending`, `sent`, `delivered`, " +
					"`read` and `failed` (every key present), from `results`' `delivery_status`. The receiver is asked in batches " +
					"of 1,000 messages a request, never once per recipient. Null without `status_url`.",
				Computed:    true,
				ElementType: types.Int64Type,
			},
			"api_campaign_name": schema.StringAttribute{
				MarkdownDescription: "When set, the campaign's messages are grouped under an Interakt API campaign of this name, " +
					"which the dashboard's campaign reports show with its delivery and read figures. The apply creates it once " +
					"(`POST /v1/public/create-campaign/` with `campaign_type = \"PublicAPI\"` and the template's name and language), " +
					"before its first send, and every send of the campaign names it in `campaignId`. The create is journaled like " +
					"a send: a killed apply never creates two. Interakt keys an API campaign by its template, so a change of the " +
					"template's name or language (or of this name) makes the plan warn and the apply create a new one; recipients " +
					"already sent are not sent again because of it. Adding it to a campaign that has sent only groups its later sends.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"api_campaign_id": schema.StringAttribute{
				MarkdownDescription: "The id Interakt gave the API campaign named by `api_campaign_name` (its answer's " +
					"`data.campaignId`), sent as `campaignId` with every message. Null without `api_campaign_name`, and in a dry run, " +
					"which creates nothing.",
				Computed: true,
			},
			"failed_count": schema.Int64Attribute{
				MarkdownDescription: "How many recipients are not sent: `failed`, `rejected` or `uncertain`. " +
					"A postcondition `self.failed_count == 0` turns any of them into an error.",
				Computed: true,
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{
				Create: true,
				Update: true,
				CreateDescription: "How long the first apply may send, as a duration such as `\"90m\"`; default `60m`. " +
					"Sends are paced by the provider's `rate_limit_per_minute`: 1,000 recipients at 40 per minute take 25 minutes. " +
					"At the timeout, sending stops and every result so far is saved; the next apply sends the rest.",
				UpdateDescription: "How long a later apply may send; default `60m`, as for `create`.",
			}),
		},
	}
}

func (r *campaignResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

func (r *campaignResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer r.data.report(&resp.Diagnostics)
	var plan campaignModel
	resp.Diagnostics.Append(getCampaign(ctx, req.Plan, serve.BulkPlanned, readRecipients, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultCampaignTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ID = types.StringValue(uuid.NewString())
	if !r.ensureAPICampaign(ctx, &plan, "", &resp.Diagnostics) {
		return
	}
	if !r.apply(ctx, "create", timeout, &plan, nil, "", &resp.Diagnostics) {
		return
	}
	resp.Diagnostics.Append(setCampaignState(ctx, &resp.State, plan)...)
}

// Read keeps the results, which are what the sends returned (the API has
// no read of a sent message). With a status receiver, it settles the
// uncertain sends the receiver's webhooks account for, and refreshes each
// sent message's delivery_status.
func (r *campaignResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if r.data == nil || r.data.status == nil {
		return
	}
	ctx = maskSecrets(ctx, r.data.secrets)
	// Only results are read and written: the recipients, which are most
	// of a large campaign's state, are decoded only to settle a send.
	var state campaignModel
	resp.Diagnostics.Append(getCampaign(ctx, req.State, serve.BulkPrior, readResults, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	results := state.results.byKey
	if hasStatus(results, sendUncertain) {
		resp.Diagnostics.Append(readBulk(ctx, serve.BulkPrior, readRecipients, &state)...)
		if resp.Diagnostics.HasError() {
			return
		}
		resp.Diagnostics.Append(r.settleUncertain(ctx, state, results)...)
	}
	resp.Diagnostics.Append(r.refreshDelivery(ctx, results)...)
	sent, failed := resultCounts(results)
	resp.Diagnostics.Append(setResults(ctx, resultMap{byKey: results})...)
	if err := setTopLevel(ctx, &resp.State, map[string]attr.Value{
		"sent_count": sent, "failed_count": failed, "delivery_counts": deliveryCounts(results),
	}); err != nil {
		resp.Diagnostics.AddError("Campaign State Not Refreshed", "Writing the refreshed results failed: "+err.Error()+
			". Nothing was sent. "+reportBug)
	}
}

// hasStatus reports whether any result has the status.
func hasStatus(results map[string]recipientResult, status string) bool {
	for _, r := range results {
		if r.Status == status {
			return true
		}
	}
	return false
}

func (r *campaignResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer r.data.report(&resp.Diagnostics)
	// Until this apply has results, the saved state stays as it was.
	resp.State.Raw = req.State.Raw.Copy()
	b, diags := campaignBulk(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	b.Keep(serve.BulkPrior, "recipients")
	b.Keep(serve.BulkPrior, "results")

	var plan, state campaignModel
	resp.Diagnostics.Append(getCampaign(ctx, req.Plan, serve.BulkPlanned, readRecipients|readResults, &plan)...)
	resp.Diagnostics.Append(getCampaign(ctx, req.State, serve.BulkPrior, readResults, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ID = state.ID
	if !r.ensureAPICampaign(ctx, &plan, state.ID.ValueString(), &resp.Diagnostics) {
		return
	}
	if !plan.results.unknown {
		// The plan promised no send and these exact results; keep to it.
		resp.Diagnostics.Append(setCampaignState(ctx, &resp.State, plan)...)
		return
	}
	prior := state.results.byKey
	timeout, diags := plan.Timeouts.Update(ctx, defaultCampaignTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !r.apply(ctx, "update", timeout, &plan, prior, state.ID.ValueString(), &resp.Diagnostics) {
		return
	}
	resp.Diagnostics.Append(setCampaignState(ctx, &resp.State, plan)...)
}

func (r *campaignResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	tflog.Info(ctx, "interakt_campaign removed from state; messages already sent cannot be recalled")
	if r.data == nil {
		return
	}
	var state campaignModel
	resp.Diagnostics.Append(getCampaign(ctx, req.State, serve.BulkPrior, readResults, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	forgetTaken(ctx, r.data.journal, state.results.byKey)
}

func (r *campaignResource) ImportState(_ context.Context, _ resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resp.Diagnostics.Append(importNotSupported("interakt_campaign",
		"a campaign's sends cannot be adopted, since the API has no way to list what was sent. Declare the campaign and apply it; "+
			"to record recipients that were already messaged elsewhere, leave them out of recipients."))
}

// apply sends what the rules call for and fills plan's computed
// attributes. It reports false, with an error in diags, only when nothing
// could be sent at all; send failures are warnings and results. scope is
// the journal keys' scope: the campaign's id in state, "" on create.
func (r *campaignResource) apply(ctx context.Context, op string, timeout time.Duration, plan *campaignModel,
	prior map[string]recipientResult, scope string, diags *diag.Diagnostics,
) bool {
	if r.data == nil {
		diags.Append(providerNotConfigured("interakt_campaign was applied"))
		return false
	}
	ctx = maskSecrets(ctx, r.data.secrets)
	inputs := campaignInputs(*plan, contractFromObject(plan.Template), plan.ID.ValueString(), scope)
	if !inputs.known {
		diags.AddError("Campaign Inputs Not Known", "Some recipient values or the template are still unknown during apply. Nothing was sent. "+reportBug)
		return false
	}
	policy := campaignPolicy(*plan, r.data.dryRun)
	decision := decideSends(prior, inputs.hashes(), policy)
	adopted, err := adoptPending(ctx, r.data.journal, r.data, &decision, inputs, prior)
	if err != nil {
		diags.Append(journalUnavailable(err))
		return false
	}
	if len(decision.send) > 0 && !r.data.canSend() {
		diags.Append(apiKeyMissing(r.data, "Sending this interakt_campaign's messages", "nothing was sent"))
		return false
	}

	jobs := make([]campaignJob, 0, len(decision.send))
	for _, s := range decision.send {
		in := inputs.recipients[s.key]
		// The API campaign is not part of the inputs' hash or journal key:
		// adding one, or a new one for a new template, sends nobody again.
		in.message.CampaignID = plan.APICampaignID.ValueString()
		jobs = append(jobs, campaignJob{key: s.key, message: in.message, hash: in.hash, journalKey: in.journalKey})
	}
	sendCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	run := campaignSender{
		send:     r.data.send,
		journal:  r.data.sendJournal(),
		workers:  campaignWorkers,
		progress: campaignProgressInterval,
		now:      time.Now,
		op:       op,
		timeout:  timeout,
	}.run(sendCtx, jobs)

	results := decision.keep
	for key, res := range run.results {
		results[key] = res
	}
	if r.data.status != nil {
		for key, res := range run.results {
			if res.Status == sendSent {
				res.DeliveryStatus = wire.StatusPending
				results[key] = res
			}
		}
	}
	plan.results = resultMap{byKey: results}
	plan.SentCount, plan.FailedCount = resultCounts(results)
	plan.DeliveryCounts = deliveryCounts(results)
	diags.Append(adoptionWarning(adopted, results)...)
	diags.Append(runDiagnostics(run, len(jobs))...)
	return true
}
