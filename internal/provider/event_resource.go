package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

var (
	_ resource.Resource                   = &eventResource{}
	_ resource.ResourceWithConfigure      = &eventResource{}
	_ resource.ResourceWithValidateConfig = &eventResource{}
	_ resource.ResourceWithModifyPlan     = &eventResource{}
	_ resource.ResourceWithImportState    = &eventResource{}
)

// NewEventResource returns the interakt_event resource: one test event,
// fired through the Track Events API when the resource is created and
// again only when its triggers change.
func NewEventResource() resource.Resource {
	return &eventResource{}
}

type eventResource struct {
	data *providerData
}

// eventModel is interakt_event's state.
type eventModel struct {
	ID types.String `tfsdk:"id"`
	eventInputsModel
	Triggers types.Map    `tfsdk:"triggers"`
	FiredAt  types.String `tfsdk:"fired_at"`
	// ReceiverTime is the status receiver's clock just before the event
	// was fired (see message_status_latest.go).
	ReceiverTime types.String `tfsdk:"receiver_time"`
	Status       types.String `tfsdk:"status"`
	// AttemptID names the event's entry in the send journal.
	AttemptID types.String `tfsdk:"attempt_id"`
}

func (r *eventResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_event"
}

func (r *eventResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	kept := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Fires one event of a user through Interakt's Track Events API when created, as a test of an ongoing " +
			"campaign set up in Interakt's dashboard (which may message the user). It fires again only when `triggers` change, " +
			"which replaces the resource. A change of any other input (the user, `event`, `traits`) is an in-place update that " +
			"fires nothing and only records the new inputs, with a warning at plan: `id` and `fired_at` stay those of the event " +
			"last fired. Destroying it only removes it from state: an event cannot be taken back.\n\n" +
			"An event Interakt certainly rejected is an error and leaves nothing in state, so the next apply tries again. " +
			"An event Interakt may have recorded (a timeout, a dropped connection or a 5xx after the request was written, or " +
			"an answer without an id) is saved with `status = \"uncertain\"` and a warning, and is never fired again by a plain " +
			"apply: fire it again on purpose by changing `triggers` or with `terraform apply -replace=<address>`.\n\n" +
			"Every event is first recorded in the provider's send journal, like a test send. If the apply is killed after the " +
			"request was written, the next plan or apply takes the recorded event into state (with its id once the answer had " +
			"arrived, else as `uncertain`) instead of firing it again.\n\n" +
			"Personal data: the user's `user_id`, `country_code`, `phone_number` and every trait are kept in state and shown in " +
			"plan output. Use test users, and treat state as personal data when they are real people. The send journal keeps " +
			"only a hash of the event.",
		Attributes: map[string]schema.Attribute{
			"user_id":      schema.StringAttribute{MarkdownDescription: eventUserIDDescription, Optional: true},
			"country_code": schema.StringAttribute{MarkdownDescription: eventCountryCodeDescription, Optional: true},
			"phone_number": schema.StringAttribute{MarkdownDescription: eventPhoneNumberDescription, Optional: true},
			"event":        schema.StringAttribute{MarkdownDescription: eventNameDescription, Required: true},
			"traits":       schema.DynamicAttribute{MarkdownDescription: eventTraitsDescription, Optional: true},
			"triggers": schema.MapAttribute{
				MarkdownDescription: "Arbitrary values whose change fires the event again, such as a release number.",
				Optional:            true,
				ElementType:         types.StringType,
				PlanModifiers:       []planmodifier.Map{mapplanmodifier.RequiresReplace()},
			},
			"id": schema.StringAttribute{
				MarkdownDescription: "The event id Interakt returned; `dry-run-<uuid>` for a dry run; null when the outcome is `uncertain`.",
				Computed:            true,
				PlanModifiers:       kept,
			},
			"fired_at": schema.StringAttribute{
				MarkdownDescription: "When Interakt accepted the event (or it was built, for a dry run), in RFC 3339 UTC: the `since` " +
					"of a check that looks for the message an ongoing campaign sent for it.",
				Computed:      true,
				PlanModifiers: kept,
			},
			"receiver_time": schema.StringAttribute{
				MarkdownDescription: "The status receiver's clock just before the event was fired, in RFC 3339 UTC, read from the " +
					"receiver at the provider's `status_url`: the `receiver_since` of a check that looks for the message an ongoing " +
					"campaign sent for the event. The receiver times each message by when its first webhook arrived, on the same " +
					"clock, so such a check finds only messages that came after the event, with no allowance for clocks. Null " +
					"without `status_url`, in a dry run, and for an event taken from the send journal of a stopped apply (its " +
					"time before firing was not recorded); use `since = fired_at` then.",
				Computed:      true,
				PlanModifiers: kept,
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "`fired`: Interakt accepted the event. `dry_run`: the provider's `dry_run` is set and nothing was " +
					"fired. `uncertain`: Interakt may have recorded the event but its answer was lost; it is not fired again unless " +
					"`triggers` change or you replace the resource.",
				Computed:      true,
				PlanModifiers: kept,
			},
			"attempt_id": schema.StringAttribute{
				MarkdownDescription: "Internal: the event's entry in the send journal, so that the journal knows this state has " +
					"taken it in. Not meant for use in configuration.",
				Computed:      true,
				PlanModifiers: kept,
			},
		},
	}
}

func (r *eventResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig applies the event's rules; unknown values skip theirs.
func (r *eventResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg eventModel
	resp.Diagnostics.Append(getModel(ctx, req.Config, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(newEventCheck(cfg.eventInputsModel).diagnostics()...)
}

// ModifyPlan checks the event again once references are resolved, and
// says what an update does: a change of anything but triggers records the
// new inputs and fires nothing.
func (r *eventResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	defer r.data.report(&resp.Diagnostics)
	if !req.State.Raw.IsNull() {
		// The state has taken its event in: the journal is done with it,
		// and a replacement is a new event.
		r.data.forgetAttempt(ctx, req.State)
	}
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan eventModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(problemDiagnostics(path.Empty(), errorProblems(newEventCheck(plan.eventInputsModel).problems))...)
	if resp.Diagnostics.HasError() {
		return
	}
	if req.State.Raw.IsNull() {
		if r.data.keyMissing() {
			resp.Diagnostics.Append(sendWithoutKey("Firing this interakt_event"))
		}
		return
	}
	var state eventModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() || !plan.Triggers.Equal(state.Triggers) {
		return // a replacement, which fires
	}
	p, st := plan.eventInputsModel, state.eventInputsModel
	changes := []struct {
		name    string
		changed bool
	}{
		{"user_id", !p.UserID.Equal(st.UserID)},
		{"country_code", !p.CountryCode.Equal(st.CountryCode)},
		{"phone_number", !p.PhoneNumber.Equal(st.PhoneNumber)},
		{"event", !p.Event.Equal(st.Event)},
		{"traits", !p.Traits.Equal(st.Traits)},
	}
	for _, c := range changes {
		if c.changed {
			resp.Diagnostics.AddAttributeWarning(path.Root(c.name), "Event Not Fired Again",
				fmt.Sprintf("%s changes, and triggers do not: the update only records the new inputs in state and fires nothing, so "+
					"that editing an input never messages the user by surprise. id and fired_at stay those of the event last fired. "+
					"To fire the event with the new inputs, change triggers (or apply with -replace=<address of this interakt_event>).", c.name))
			return
		}
	}
}

func (r *eventResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer r.data.report(&resp.Diagnostics)
	var plan eventModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	check := newEventCheck(plan.eventInputsModel)
	resp.Diagnostics.Append(check.diagnostics()...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !check.known {
		resp.Diagnostics.AddError("Event Inputs Unknown at Apply",
			"An input of this interakt_event is still unknown at apply, so the event cannot be built. Nothing was fired. "+reportBug)
		return
	}
	if r.data == nil {
		resp.Diagnostics.Append(providerNotConfigured("this event"))
		return
	}
	if !r.data.canSend() {
		resp.Diagnostics.Append(apiKeyMissing(r.data, "Firing this interakt_event", "nothing was fired"))
		return
	}

	e := check.event
	ctx = maskSecrets(ctx, r.data.secrets)
	key, err := eventJournalKey(triggersScope(plan.Triggers), e)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("traits"), "Event Cannot Be Encoded",
			fmt.Sprintf("The event could not be encoded as JSON: %s. Nothing was fired.", err))
		return
	}
	var receiverTime string
	outcome, attempt, adoptedAt, err := r.data.once(ctx, key, func(ctx context.Context) sendOutcome {
		if r.data.status != nil && !r.data.dryRun {
			// Read just before firing: every message the event causes
			// reaches the receiver after this time, by its own clock.
			now, err := r.data.status.Now(ctx)
			if err != nil {
				return sendOutcome{Status: sendFailed, Err: err}
			}
			receiverTime = now.Format(time.RFC3339Nano)
		}
		tflog.Debug(ctx, "firing test event", map[string]any{"event": e.Event})
		return r.data.trackEvent(ctx, e)
	})
	if err != nil {
		resp.Diagnostics.Append(journalUnavailable(err))
		return
	}
	plan.AttemptID = nullIfEmpty(attempt)
	if adoptedAt != "" {
		resp.Diagnostics.AddWarning("Event Adopted From a Stopped Apply",
			fmt.Sprintf("An earlier apply was stopped (killed) after firing this interakt_event (event %q); the send journal "+
				"recorded it, so it is taken into state as %q and not fired again.", e.Event, eventStatus(outcome.Status)))
	}
	switch outcome.Status {
	case sendSent, sendDryRun:
		plan.ID = types.StringValue(outcome.ID)
	case sendUncertain:
		plan.ID = types.StringNull()
		resp.Diagnostics.AddWarning("Event May Have Been Fired",
			fmt.Sprintf("Interakt may have recorded this interakt_event (event %q) but its answer did not arrive: %s.\n\n"+
				"So that an ongoing campaign does not message the user twice, the resource is saved with status = \"uncertain\" and "+
				"no id, and later applies do not fire it again. Check the user's messages or the status receiver. To fire it again "+
				"on purpose, change triggers, or replace this resource: terraform apply -replace=<address>, with the address "+
				"Terraform shows for this diagnostic (interakt_event.<name>).", e.Event, outcome.Err))
	default:
		resp.Diagnostics.Append(eventRefused(e.Event, outcome))
		return
	}
	plan.Status = types.StringValue(eventStatus(outcome.Status))
	plan.ReceiverTime = nullIfEmpty(receiverTime)
	plan.FiredAt = types.StringValue(time.Now().UTC().Format(time.RFC3339))
	if adoptedAt != "" {
		plan.FiredAt = types.StringValue(adoptedAt)
	}
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &plan)...)
}

// eventStatus is an outcome's status as interakt_event's state says it.
func eventStatus(status string) string {
	if status == sendSent {
		return eventFired
	}
	return status
}

// Read keeps the state: Interakt has no API to read an event back.
func (r *eventResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state eventModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &state)...)
}

// Update records the new inputs and keeps what the last event produced,
// firing nothing: only a change of triggers (a replacement) fires.
func (r *eventResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state eventModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ID, plan.FiredAt, plan.Status, plan.AttemptID = state.ID, state.FiredAt, state.Status, state.AttemptID
	plan.ReceiverTime = state.ReceiverTime
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &plan)...)
}

// Delete only forgets: an event cannot be taken back.
func (r *eventResource) Delete(ctx context.Context, req resource.DeleteRequest, _ *resource.DeleteResponse) {
	r.data.forgetAttempt(ctx, req.State)
}

// ImportState refuses: an event fired elsewhere cannot be adopted.
func (r *eventResource) ImportState(_ context.Context, _ resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resp.Diagnostics.Append(importNotSupported("interakt_event",
		"it records an event that Terraform fired when it created the resource, and Interakt has no API to read an event back. "+
			"Remove the import, and declare the resource to fire a new event."))
}
