package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

var (
	_ action.Action                   = &sendTemplateAction{}
	_ action.ActionWithConfigure      = &sendTemplateAction{}
	_ action.ActionWithValidateConfig = &sendTemplateAction{}
	_ action.ActionWithModifyPlan     = &sendTemplateAction{}
)

// NewSendTemplateAction returns the interakt_send_template action: one
// send per invocation, kept in no state.
func NewSendTemplateAction() action.Action {
	return &sendTemplateAction{}
}

type sendTemplateAction struct {
	data *providerData
}

// sendTemplateModel is the action's configuration: the message inputs of
// interakt_template_message without triggers.
type sendTemplateModel struct {
	Template types.Object `tfsdk:"template"`
	messageValuesModel
	APICampaignID types.String `tfsdk:"api_campaign_id"`
}

func (a *sendTemplateAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_send_template"
}

func (a *sendTemplateAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	attrs := actionValueAttributes()
	attrs["template"] = actionTemplateAttribute()
	attrs["api_campaign_id"] = schema.StringAttribute{
		MarkdownDescription: descAPICampaignID,
		Optional:            true,
		Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Sends one WhatsApp template message each time the action is invoked: `terraform apply -invoke=action.interakt_send_template.<name>`, " +
			"or an `action_trigger` in a resource's `lifecycle`. Nothing is kept in state, so use it for sends that should not be tracked; " +
			"`interakt_template_message` records its send. Needs Terraform 1.14 or later. The values are checked against `template` during " +
			"validate and plan, without an API key.\n\n" +
			"A send Interakt certainly rejected is an error quoting Interakt's answer. A send Interakt may have processed (its answer was lost) " +
			"is a warning, not an error, because an error invites running the action again, which could deliver the message twice.",
		Attributes: attrs,
	}
}

func (a *sendTemplateAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig checks what the configuration itself holds, warnings
// included; unknown values skip their rules.
func (a *sendTemplateAction) ValidateConfig(ctx context.Context, req action.ValidateConfigRequest, resp *action.ValidateConfigResponse) {
	var cfg sendTemplateModel
	resp.Diagnostics.Append(getModel(ctx, req.Config, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(newMessageCheck(cfg.Template, cfg.messageValuesModel).diagnostics(path.Empty(), false)...)
}

// ModifyPlan checks again with references resolved, errors only
// (ValidateConfig has already warned), and warns when no API key is
// configured to send.
func (a *sendTemplateAction) ModifyPlan(ctx context.Context, req action.ModifyPlanRequest, resp *action.ModifyPlanResponse) {
	defer a.data.report(&resp.Diagnostics)
	var cfg sendTemplateModel
	resp.Diagnostics.Append(getModel(ctx, req.Config, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(sendPlanCheck(ctx, a.data, cfg.Template, cfg.messageValuesModel)...)
	if !resp.Diagnostics.HasError() && a.data.keyMissing() {
		resp.Diagnostics.Append(sendWithoutKey("Sending this message (interakt_send_template)"))
	}
}

// Invoke sends the message once. Progress names the template and, last,
// the message id; it never names the recipient, who is personal data.
func (a *sendTemplateAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	defer a.data.report(&resp.Diagnostics)
	progress := func(format string, args ...any) {
		if resp.SendProgress != nil {
			resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf(format, args...)})
		}
	}
	var cfg sendTemplateModel
	resp.Diagnostics.Append(getModel(ctx, req.Config, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	check := newMessageCheck(cfg.Template, cfg.messageValuesModel)
	resp.Diagnostics.Append(check.diagnostics(path.Empty(), true)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if a.data == nil {
		resp.Diagnostics.Append(providerNotConfigured("this send"))
		return
	}
	if !a.data.canSend() {
		resp.Diagnostics.Append(apiKeyMissing(a.data, "Sending this message (interakt_send_template)", "nothing was sent"))
		return
	}

	msg := check.message()
	msg.CampaignID = cfg.APICampaignID.ValueString()
	name := msg.Template.Name + " (" + msg.Template.LanguageCode + ")"
	progress("Validated the message for template %s.", name)
	if a.data.dryRun {
		progress("Dry run: building the message for template %s without sending it.", name)
	} else {
		progress("Sending template %s.", name)
	}
	ctx = maskSecrets(ctx, a.data.secrets)
	outcome := a.data.send(ctx, msg)
	tflog.Debug(ctx, "send action finished", map[string]any{"template": msg.Template.Name, "status": outcome.Status, "id": outcome.ID})

	switch outcome.Status {
	case sendSent:
		progress("Sent template %s: message id %s.", name, outcome.ID)
	case sendDryRun:
		progress("Dry run: nothing sent for template %s: message id %s.", name, outcome.ID)
	case sendUncertain:
		progress("The outcome of template %s is uncertain: no message id.", name)
		resp.Diagnostics.AddWarning("Message May Have Been Sent",
			fmt.Sprintf("Interakt may have processed the message for template %s but its answer did not arrive: %s.\n\n"+
				"This is a warning, not an error: the action keeps no state to protect, but an error would invite running it again, "+
				"which could deliver the message twice. Check the recipient or the status webhooks (callback_data identifies the "+
				"message when it is set) before invoking the action again.", name, outcome.Err))
	default:
		resp.Diagnostics.Append(sendRefused(outcome))
	}
}
