package provider

import (
	"context"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

var (
	_ datasource.DataSource                   = &messageStatusDataSource{}
	_ datasource.DataSourceWithConfigure      = &messageStatusDataSource{}
	_ datasource.DataSourceWithValidateConfig = &messageStatusDataSource{}
)

const (
	// defaultStatusTimeout is how long wait_for waits when timeout is
	// unset, as the timeout attribute shows it.
	defaultStatusTimeout = "2m"
	// dryRunIDPrefix starts the ids a dry run invents; no webhook ever
	// comes for them.
	dryRunIDPrefix = "dry-run-"
)

// NewMessageStatusDataSource returns the interakt_message_status data source.
func NewMessageStatusDataSource() datasource.DataSource {
	return &messageStatusDataSource{}
}

// messageStatusDataSource reads a message's status from the status receiver.
type messageStatusDataSource struct {
	data *providerData
}

// messageStatusModel is the data source's configuration and state.
type messageStatusModel struct {
	ID            types.String `tfsdk:"id"`
	WaitFor       types.String `tfsdk:"wait_for"`
	Timeout       types.String `tfsdk:"timeout"`
	Status        types.String `tfsdk:"status"`
	SentAt        types.String `tfsdk:"sent_at"`
	DeliveredAt   types.String `tfsdk:"delivered_at"`
	ReadAt        types.String `tfsdk:"read_at"`
	FailedAt      types.String `tfsdk:"failed_at"`
	FailureReason types.String `tfsdk:"failure_reason"`
	ErrorCode     types.String `tfsdk:"error_code"`
	CallbackData  types.String `tfsdk:"callback_data"`
	// Latest finds the message by recipient, template and time instead of
	// by id (see message_status_latest.go).
	Latest     types.Object `tfsdk:"latest"`
	CampaignID types.String `tfsdk:"campaign_id"`
}

func (d *messageStatusDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_message_status"
}

func (d *messageStatusDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	timestamp := func(event string) schema.StringAttribute {
		return schema.StringAttribute{
			MarkdownDescription: "When the message was " + event + ", as an RFC 3339 UTC time; null until the receiver has seen that event.",
			Computed:            true,
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Status of one message, as the status receiver (`interakt-receiver`, at the provider's `status_url`) " +
			"has recorded it from Interakt's webhooks. Interakt itself offers no way to ask for a message's status, " +
			"so a message the receiver has no webhook for yet is `pending`, not an error.\n\n" +
			"The message is named by `id`, or found by `latest`: the latest message to a recipient with a template since a time, " +
			"whoever sent it (an ongoing campaign after a tracked event, say).\n\n" +
			"With `wait_for`, the read polls the receiver until the message reaches that status (or a later one), " +
			"and fails if the message fails or `timeout` passes first.\n\n" +
			"Terraform reads data sources on every plan, so declare this one inside a `check {}` block: " +
			"there a failed or slow message is reported as a warning instead of blocking every later plan and apply.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Message id returned by Interakt, normally `interakt_template_message.<name>.id`. " +
					"When it is not known until apply, Terraform reads the status during apply, after the send. " +
					"A dry run's id (`dry-run-...`) reads as `pending` without contacting the receiver. " +
					"The null id an uncertain send leaves is an error that says why it has none. " +
					"Give exactly one of `id` and `latest`; with `latest`, `id` is the id of the message found, null while none is.",
				Optional: true,
				Computed: true,
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					stringvalidator.ExactlyOneOf(path.MatchRoot("latest")),
				},
			},
			"latest": latestAttribute(),
			"campaign_id": schema.StringAttribute{
				MarkdownDescription: "The id of the Interakt campaign that sent the message (an ongoing campaign, or an API campaign), " +
					"as its webhooks carry it; null for a message sent outside any campaign.",
				Computed: true,
			},
			"wait_for": schema.StringAttribute{
				MarkdownDescription: "Status to wait for: `sent`, `delivered` or `read`. A later status counts as reached " +
					"(`sent` < `delivered` < `read`). The read fails at once if the message fails, with its failure reason and error code, " +
					"and at `timeout` with the last status seen. Unset, the status is read once and returned as it is.",
				Optional: true,
				Validators: []validator.String{
					stringvalidator.OneOf(wire.StatusSent, wire.StatusDelivered, wire.StatusRead),
				},
			},
			"timeout": schema.StringAttribute{
				MarkdownDescription: "How long to wait for `wait_for`, as a Go duration such as `30s` or `5m`. Defaults to `2m`. " +
					"Reads start a couple of seconds apart and slow down gradually while the status does not change.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{durationValidator{}},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "`pending` (the receiver has seen no webhook for this id yet), `sent`, `delivered`, `read` or `failed`. " +
					"Statuses only move forward: a late or repeated webhook never moves a message back.",
				Computed: true,
			},
			"sent_at":      timestamp("sent"),
			"delivered_at": timestamp("delivered"),
			"read_at":      timestamp("read"),
			"failed_at":    timestamp("reported failed"),
			"failure_reason": schema.StringAttribute{
				MarkdownDescription: "WhatsApp's reason for a failed message, verbatim; null unless the message failed.",
				Computed:            true,
			},
			"error_code": schema.StringAttribute{
				MarkdownDescription: "WhatsApp's error code for a failed message (such as `131026`, undeliverable); null unless the message failed.",
				Computed:            true,
			},
			"callback_data": schema.StringAttribute{
				MarkdownDescription: "The `callback_data` the message was sent with, as the webhooks carried it; null when none.",
				Computed:            true,
			},
		},
	}
}

func (d *messageStatusDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig warns about a timeout that cannot apply.
func (d *messageStatusDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var cfg messageStatusModel
	resp.Diagnostics.Append(getModel(ctx, req.Config, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if cfg.ID.IsNull() && cfg.Latest.IsNull() {
		resp.Diagnostics.Append(messageIDMissing())
	}
	resp.Diagnostics.Append(latestProblems(ctx, cfg.Latest)...)
	if cfg.WaitFor.IsNull() && !cfg.Timeout.IsNull() && !cfg.Timeout.IsUnknown() {
		resp.Diagnostics.AddAttributeWarning(path.Root("timeout"), "Timeout Without wait_for",
			"timeout bounds the wait for wait_for; without wait_for the status is read once. Set wait_for, or remove timeout.")
	}
}

func (d *messageStatusDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m messageStatusModel
	resp.Diagnostics.Append(getModel(ctx, req.Config, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if d.data == nil {
		resp.Diagnostics.Append(providerNotConfigured("interakt_message_status was read"))
		return
	}
	latest, diags := readLatest(ctx, m.Latest)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if m.ID.IsNull() && latest == nil {
		resp.Diagnostics.Append(messageIDMissing())
		return
	}
	ctx = maskSecrets(ctx, d.data.secrets)

	if m.Timeout.IsNull() || m.Timeout.IsUnknown() {
		m.Timeout = types.StringValue(defaultStatusTimeout)
	}
	timeout, err := time.ParseDuration(m.Timeout.ValueString())
	if err != nil || timeout <= 0 {
		resp.Diagnostics.AddAttributeError(path.Root("timeout"), "Invalid Duration",
			`The value must be a positive duration with a unit, such as "30s" or "2m".`)
		return
	}

	id := m.ID.ValueString()
	var st wire.Status
	switch {
	case latest != nil && d.data.status != nil:
		poller := statusPoller{
			source:   latestSource{reader: d.data.status, query: latest.query()},
			waitFor:  m.WaitFor.ValueString(),
			timeout:  timeout,
			interval: d.data.pollInterval,
		}
		st, err = poller.run(ctx)
		if err != nil {
			resp.Diagnostics.Append(latestReadFailed(*latest, err))
			return
		}
		m.ID = types.StringNull()
		if st.ID != "" {
			m.ID = types.StringValue(st.ID)
		}
	case strings.HasPrefix(id, dryRunIDPrefix):
		st = pendingStatus(id)
		if !m.WaitFor.IsNull() {
			resp.Diagnostics.AddAttributeWarning(path.Root("id"), "Dry-Run Message",
				"This id comes from a dry run: nothing was sent, so no status will ever arrive. wait_for is skipped and the status is pending.")
		}
	case d.data.status == nil:
		detail := d.data.statusMissing
		if !strings.Contains(detail, envStatusURL) {
			detail += " (provider attribute status_url, environment variable " + envStatusURL + ")"
		}
		resp.Diagnostics.AddError("Missing Status Receiver URL", detail)
		return
	default:
		poller := statusPoller{
			source:   d.data.status,
			id:       id,
			waitFor:  m.WaitFor.ValueString(),
			timeout:  timeout,
			interval: d.data.pollInterval,
		}
		st, err = poller.run(ctx)
		if err != nil {
			resp.Diagnostics.Append(statusReadFailed(id, err))
			return
		}
	}

	m.Status = types.StringValue(st.Status)
	m.SentAt = types.StringPointerValue(st.SentAt)
	m.DeliveredAt = types.StringPointerValue(st.DeliveredAt)
	m.ReadAt = types.StringPointerValue(st.ReadAt)
	m.FailedAt = types.StringPointerValue(st.FailedAt)
	m.FailureReason = types.StringPointerValue(st.FailureReason)
	m.ErrorCode = types.StringPointerValue(st.ErrorCode)
	m.CallbackData = types.StringPointerValue(st.CallbackData)
	m.CampaignID = types.StringPointerValue(st.CampaignID)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &m)...)
}
