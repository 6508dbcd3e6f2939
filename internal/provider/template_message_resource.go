package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

var (
	_ resource.Resource                   = &templateMessageResource{}
	_ resource.ResourceWithConfigure      = &templateMessageResource{}
	_ resource.ResourceWithValidateConfig = &templateMessageResource{}
	_ resource.ResourceWithModifyPlan     = &templateMessageResource{}
	_ resource.ResourceWithImportState    = &templateMessageResource{}
)

// NewTemplateMessageResource returns the interakt_template_message resource:
// one test send, made when the resource is created.
func NewTemplateMessageResource() resource.Resource {
	return &templateMessageResource{}
}

type templateMessageResource struct {
	data *providerData
}

// templateMessageModel is interakt_template_message's state.
type templateMessageModel struct {
	ID       types.String `tfsdk:"id"`
	Template types.Object `tfsdk:"template"`
	messageValuesModel
	Triggers types.Map    `tfsdk:"triggers"`
	SentAt   types.String `tfsdk:"sent_at"`
	Status   types.String `tfsdk:"status"`
	// AttemptID names the send's entry in the send journal.
	AttemptID types.String `tfsdk:"attempt_id"`
	// APICampaignID groups the send under an Interakt API campaign.
	APICampaignID types.String `tfsdk:"api_campaign_id"`
}

func (r *templateMessageResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_template_message"
}

func (r *templateMessageResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := valueAttributes(true)
	attrs["template"] = templateAttribute(true)
	attrs["triggers"] = schema.MapAttribute{
		MarkdownDescription: "Arbitrary values whose change sends the message again, such as a release number.",
		Optional:            true,
		ElementType:         types.StringType,
		PlanModifiers:       []planmodifier.Map{mapplanmodifier.RequiresReplace()},
	}
	attrs["api_campaign_id"] = schema.StringAttribute{
		MarkdownDescription: descAPICampaignID,
		Optional:            true,
		PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
		Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
	}
	attrs["id"] = schema.StringAttribute{
		MarkdownDescription: "The message id Interakt returned; `dry-run-<uuid>` for a dry run; null when the outcome is `uncertain`.",
		Computed:            true,
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
	attrs["sent_at"] = schema.StringAttribute{
		MarkdownDescription: "When the message was sent (or built, for a dry run), in RFC 3339 UTC.",
		Computed:            true,
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
	attrs["status"] = schema.StringAttribute{
		MarkdownDescription: "`sent`: Interakt accepted the message. `dry_run`: the provider's `dry_run` is set and nothing was sent. " +
			"`uncertain`: Interakt may have processed the message but its answer was lost; it is not sent again unless you replace the resource.",
		Computed:      true,
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
	attrs["attempt_id"] = schema.StringAttribute{
		MarkdownDescription: "Internal: the send's entry in the send journal, so that the journal knows this state has taken it in. " +
			"Not meant for use in configuration.",
		Computed:      true,
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Sends one WhatsApp template message when created, as a test send after a change. " +
			"Any change of an input plans a replacement, that is a new send; an unchanged configuration sends nothing. " +
			"Destroying it only removes it from state. Values are checked against `template` at plan time, without an API key.\n\n" +
			"A send Interakt certainly rejected is an error and leaves nothing in state, so the next apply tries again. " +
			"A send Interakt may have processed (a timeout, a dropped connection or a 5xx after the request was written, or an answer " +
			"without a message id) is saved with " +
			"`status = \"uncertain\"` and a warning, and is never sent again by a plain apply: send it again on purpose with " +
			"`terraform apply -replace=<address>`.\n\n" +
			"Every send is first recorded in the provider's send journal. If the apply is killed (SIGKILL) after the request was " +
			"written, the next plan or apply takes the recorded send into state (with its id once the answer had arrived, else " +
			"as `uncertain`) instead of sending again.",
		Attributes: attrs,
	}
}

func (r *templateMessageResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig checks what the configuration itself holds, warnings
// included. Unknown values, such as a reference to an interakt_template's
// contract during validate, skip their rules.
func (r *templateMessageResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg templateMessageModel
	resp.Diagnostics.Append(getModel(ctx, req.Config, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(newMessageCheck(cfg.Template, cfg.messageValuesModel).diagnostics(path.Empty(), false)...)
}

// ModifyPlan checks the message again once references are resolved. Only
// errors are reported: ValidateConfig has already warned, and Terraform
// validates again during plan. A plan that keeps the existing state sends
// nothing and is not checked; a replacement is planned again as a create,
// which is, and warns when no API key is configured to send it.
func (r *templateMessageResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	defer r.data.report(&resp.Diagnostics)
	if !req.State.Raw.IsNull() {
		// The state has taken its send in: the journal is done with it,
		// and a replacement is a new send.
		r.data.forgetAttempt(ctx, req.State)
	}
	if req.Plan.Raw.IsNull() || !req.State.Raw.IsNull() {
		return
	}
	var plan templateMessageModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(sendPlanCheck(ctx, r.data, plan.Template, plan.messageValuesModel)...)
	if !resp.Diagnostics.HasError() && r.data.keyMissing() {
		resp.Diagnostics.Append(sendWithoutKey("Sending this interakt_template_message"))
	}
}

func (r *templateMessageResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer r.data.report(&resp.Diagnostics)
	var plan templateMessageModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	check := newMessageCheck(plan.Template, plan.messageValuesModel)
	resp.Diagnostics.Append(check.diagnostics(path.Empty(), true)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.data == nil {
		resp.Diagnostics.Append(providerNotConfigured("this send"))
		return
	}
	if !r.data.canSend() {
		resp.Diagnostics.Append(apiKeyMissing(r.data, "Sending this interakt_template_message", "nothing was sent"))
		return
	}

	msg := check.message()
	msg.CampaignID = plan.APICampaignID.ValueString()
	ctx = maskSecrets(ctx, r.data.secrets)
	key := journalKey(journalTestMessage, triggersScope(plan.Triggers), "", check.contract, msg)
	outcome, attempt, adoptedAt, err := r.data.once(ctx, key, func(ctx context.Context) sendOutcome {
		tflog.Debug(ctx, "sending test message", map[string]any{"template": msg.Template.Name, "language": msg.Template.LanguageCode})
		return r.data.send(ctx, msg)
	})
	adopted := adoptedAt != ""
	if err != nil {
		resp.Diagnostics.Append(journalUnavailable(err))
		return
	}
	plan.AttemptID = nullIfEmpty(attempt)
	if adopted {
		resp.Diagnostics.AddWarning("Test Send Adopted From a Stopped Apply",
			fmt.Sprintf("An earlier apply was stopped (killed) after sending this interakt_template_message (template %q); "+
				"the send journal recorded it, so it is taken into state as %q and not sent again.", msg.Template.Name, outcome.Status))
	}

	switch outcome.Status {
	case sendSent, sendDryRun:
		plan.ID = types.StringValue(outcome.ID)
	case sendUncertain:
		plan.ID = types.StringNull()
		resp.Diagnostics.AddWarning("Message May Have Been Sent",
			fmt.Sprintf("Interakt may have processed this interakt_template_message (template %q) but its answer did not arrive: %s.\n\n"+
				"So that the recipient is not messaged twice, the resource is saved with status = \"uncertain\" and no id, and later applies "+
				"do not send it again. Check the recipient or the status webhooks (callback_data identifies the message when it is set). "+
				"To send it again on purpose, replace this resource: terraform apply -replace=<address>, with the address "+
				"Terraform shows for this diagnostic (interakt_template_message.<name>).",
				msg.Template.Name, outcome.Err))
	default:
		resp.Diagnostics.Append(sendRefused(outcome))
		return
	}
	plan.Status = types.StringValue(outcome.Status)
	plan.SentAt = types.StringValue(time.Now().UTC().Format(time.RFC3339))
	if adopted {
		// The send's own time, which settlement looks near.
		plan.SentAt = types.StringValue(adoptedAt)
	}
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &plan)...)
}

// Read keeps the state: Interakt has no API to read a message back, and
// its status lives in the status receiver (interakt_message_status). With
// a receiver, an uncertain send that exactly one message accounts for is
// settled: sent, with that message's id.
func (r *templateMessageResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state templateMessageModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if state.Status.ValueString() == sendUncertain && r.data != nil && r.data.status != nil {
		r.settle(ctx, &state, &resp.Diagnostics)
	}
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &state)...)
}

// settle looks for the message an uncertain send made.
func (r *templateMessageResource) settle(ctx context.Context, state *templateMessageModel, diags *diag.Diagnostics) {
	ctx = maskSecrets(ctx, r.data.secrets)
	at, ok := parseResultTime(state.SentAt.ValueString())
	check := newMessageCheck(state.Template, state.messageValuesModel)
	if !ok || !fullyKnown(state.Template) {
		return
	}
	msg := check.message()
	id, err := r.data.settle(ctx, msg, at)
	switch {
	case err != nil:
		diags.AddWarning("Uncertain Send Not Checked",
			fmt.Sprintf("The status receiver could not be asked whether this uncertain send was made: %s. It stays uncertain and "+
				"is not sent again; the next refresh asks again.", err))
	case id != "":
		state.ID, state.Status = types.StringValue(id), types.StringValue(sendSent)
		diags.AddWarning("Uncertain Send Settled From the Status Receiver",
			fmt.Sprintf("The status receiver holds exactly one message of template %q sent to this recipient near the time of "+
				"this uncertain send, so it is now sent with id %s. It is not sent again.", msg.Template.Name, id))
	}
}

// Update is never planned, since every input requires replacement; should
// Terraform call it anyway, it records the inputs and keeps what the send
// produced, sending nothing.
func (r *templateMessageResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state templateMessageModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ID, plan.SentAt, plan.Status, plan.AttemptID = state.ID, state.SentAt, state.Status, state.AttemptID
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &plan)...)
}

// Delete only forgets: a sent message cannot be unsent.
func (r *templateMessageResource) Delete(ctx context.Context, req resource.DeleteRequest, _ *resource.DeleteResponse) {
	r.data.forgetAttempt(ctx, req.State)
}

// ImportState refuses: a send made elsewhere cannot be adopted.
func (r *templateMessageResource) ImportState(_ context.Context, _ resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resp.Diagnostics.Append(importNotSupported("interakt_template_message",
		"it records a send that Terraform made when it created the resource, and a message that was already sent "+
			"cannot be adopted. Remove the import, and declare the resource to send a new message, or read an existing message's status "+
			"by id with the interakt_message_status data source."))
}
