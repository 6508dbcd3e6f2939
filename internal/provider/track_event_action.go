package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

var (
	_ action.Action                   = &trackEventAction{}
	_ action.ActionWithConfigure      = &trackEventAction{}
	_ action.ActionWithValidateConfig = &trackEventAction{}
	_ action.ActionWithModifyPlan     = &trackEventAction{}
)

// NewTrackEventAction returns the interakt_track_event action: one event
// per invocation, kept in no state.
func NewTrackEventAction() action.Action {
	return &trackEventAction{}
}

type trackEventAction struct {
	data *providerData
}

func (a *trackEventAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_track_event"
}

func (a *trackEventAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Fires one event of a user through Interakt's Track Events API each time the action is invoked: " +
			"`terraform apply -invoke=action.interakt_track_event.<name>`, or an `action_trigger` in a resource's `lifecycle`. " +
			"An ongoing campaign set up in Interakt's dashboard may message the user for it. Nothing is kept in state; " +
			"`interakt_event` records its event and fires it once per change of its `triggers`. Needs Terraform 1.14 or later. " +
			"The inputs are checked during validate and plan, without an API key.\n\n" +
			"An event Interakt certainly rejected is an error quoting Interakt's answer. An event Interakt may have recorded (its " +
			"answer was lost) is a warning, not an error, because an error invites running the action again, which could message " +
			"the user twice.",
		Attributes: map[string]schema.Attribute{
			"user_id":      schema.StringAttribute{MarkdownDescription: eventUserIDDescription, Optional: true},
			"country_code": schema.StringAttribute{MarkdownDescription: eventCountryCodeDescription, Optional: true},
			"phone_number": schema.StringAttribute{MarkdownDescription: eventPhoneNumberDescription, Optional: true},
			"event":        schema.StringAttribute{MarkdownDescription: eventNameDescription, Required: true},
			"traits":       schema.DynamicAttribute{MarkdownDescription: eventTraitsDescription, Optional: true},
		},
	}
}

func (a *trackEventAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig applies the event's rules; unknown values skip theirs.
func (a *trackEventAction) ValidateConfig(ctx context.Context, req action.ValidateConfigRequest, resp *action.ValidateConfigResponse) {
	var cfg eventInputsModel
	resp.Diagnostics.Append(getModel(ctx, req.Config, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(newEventCheck(cfg).diagnostics()...)
}

// ModifyPlan checks again with references resolved, and warns when no API
// key is configured to fire.
func (a *trackEventAction) ModifyPlan(ctx context.Context, req action.ModifyPlanRequest, resp *action.ModifyPlanResponse) {
	defer a.data.report(&resp.Diagnostics)
	var cfg eventInputsModel
	resp.Diagnostics.Append(getModel(ctx, req.Config, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(problemDiagnostics(path.Empty(), errorProblems(newEventCheck(cfg).problems))...)
	if !resp.Diagnostics.HasError() && a.data.keyMissing() {
		resp.Diagnostics.Append(sendWithoutKey("Firing this event (interakt_track_event)"))
	}
}

// Invoke fires the event once. Progress names the event and, last, its id;
// it never names the user, who is personal data.
func (a *trackEventAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	defer a.data.report(&resp.Diagnostics)
	progress := func(format string, args ...any) {
		if resp.SendProgress != nil {
			resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf(format, args...)})
		}
	}
	var cfg eventInputsModel
	resp.Diagnostics.Append(getModel(ctx, req.Config, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	check := newEventCheck(cfg)
	resp.Diagnostics.Append(check.diagnostics()...)
	if resp.Diagnostics.HasError() {
		return
	}
	if a.data == nil {
		resp.Diagnostics.Append(providerNotConfigured("this event"))
		return
	}
	if !a.data.canSend() {
		resp.Diagnostics.Append(apiKeyMissing(a.data, "Firing this event (interakt_track_event)", "nothing was fired"))
		return
	}
	e := check.event
	if a.data.dryRun {
		progress("Dry run: building event %s without firing it.", e.Event)
	} else {
		progress("Firing event %s.", e.Event)
	}
	ctx = maskSecrets(ctx, a.data.secrets)
	outcome := a.data.trackEvent(ctx, e)
	tflog.Debug(ctx, "track event action finished", map[string]any{"event": e.Event, "status": outcome.Status, "id": outcome.ID})

	switch outcome.Status {
	case sendSent:
		progress("Fired event %s: event id %s.", e.Event, outcome.ID)
	case sendDryRun:
		progress("Dry run: nothing fired for event %s: event id %s.", e.Event, outcome.ID)
	case sendUncertain:
		progress("The outcome of event %s is uncertain: no event id.", e.Event)
		resp.Diagnostics.AddWarning("Event May Have Been Fired",
			fmt.Sprintf("Interakt may have recorded event %s but its answer did not arrive: %s.\n\n"+
				"This is a warning, not an error: the action keeps no state to protect, but an error would invite running it again, "+
				"which could make an ongoing campaign message the user twice. Check the user's messages before invoking the action again.",
				e.Event, outcome.Err))
	default:
		resp.Diagnostics.Append(eventRefused(e.Event, outcome))
	}
}
