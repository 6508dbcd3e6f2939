package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

var (
	_ resource.Resource                     = &fallbackResource{}
	_ resource.ResourceWithConfigure        = &fallbackResource{}
	_ resource.ResourceWithConfigValidators = &fallbackResource{}
	_ resource.ResourceWithValidateConfig   = &fallbackResource{}
	_ resource.ResourceWithModifyPlan       = &fallbackResource{}
	_ resource.ResourceWithImportState      = &fallbackResource{}
	_ resource.ResourceWithIdentity         = &fallbackResource{}
)

// NewFallbackResource returns the interakt_fallback resource.
func NewFallbackResource() resource.Resource {
	return &fallbackResource{}
}

// fallbackResource is a fallback rule kept in the status receiver: which
// messages it hands off (failed, or sent and undelivered for a while) and
// where the receiver posts them, signed with the rule's secret.
type fallbackResource struct {
	data *providerData
}

type fallbackModel struct {
	ID               types.String `tfsdk:"id"`
	Name             types.String `tfsdk:"name"`
	URL              types.String `tfsdk:"url"`
	Secret           types.String `tfsdk:"secret"`
	SecretWO         types.String `tfsdk:"secret_wo"`
	SecretWOVersion  types.Int64  `tfsdk:"secret_wo_version"`
	On               types.Set    `tfsdk:"on"`
	UndeliveredAfter types.String `tfsdk:"undelivered_after"`
	Templates        types.List   `tfsdk:"templates"`
}

func (r *fallbackResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_fallback"
}

func (r *fallbackResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A fallback rule, kept in the status receiver (the provider's `status_url` and `status_token`): when a message " +
			"fails, or is sent and neither delivered nor read within `undelivered_after`, the receiver posts it to `url`, signed with the " +
			"rule's secret, so that another channel (such as SMS) can reach the customer. Each message is handed off at most once per rule, " +
			"for the first reason met, and delivered at least once.\n\n" +
			"Every refresh reads the rule from the receiver: a rule changed or removed there shows as drift. Destroying the rule removes it; " +
			"its hand-offs still pending are dropped, and the count is shown as a warning. The secret is never read back: give it as " +
			"`secret_wo` (Terraform 1.11 and later) to keep it out of the state, and change `secret_wo_version` to send a new one.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The rule's name, the form the import id takes.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "The rule's name: 1 to 64 letters, digits, `_`, `.` or `-`, starting with a letter or digit. It is part of " +
					"every hand-off's `Idempotency-Key` (`<message id>:<name>`). Changing it replaces the rule.",
				Required:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{stringvalidator.RegexMatches(fallbackNamePattern, fallbackNameRule)},
			},
			"url": schema.StringAttribute{
				MarkdownDescription: "Where the receiver posts each hand-off: an `https` URL, or `http` to a loopback address only " +
					"(`localhost`, `127.0.0.0/8`, `::1`), as hand-offs carry customers' numbers. No credentials in the URL: the secret signs each hand-off.",
				Required:   true,
				Validators: []validator.String{fallbackURLValidator{}},
			},
			"secret": schema.StringAttribute{
				MarkdownDescription: "The secret that signs each hand-off (header `" + wire.FallbackSignatureHeader + ": sha256=<hex HMAC-SHA256 of the body>`). " +
					"Kept in the state; give `secret_wo` instead with Terraform 1.11 and later. Exactly one of `secret` and `secret_wo`.",
				Optional:   true,
				Sensitive:  true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1), stringvalidator.PreferWriteOnlyAttribute(path.MatchRoot("secret_wo"))},
			},
			"secret_wo": schema.StringAttribute{
				MarkdownDescription: "The secret, write-only (Terraform 1.11 and later): sent to the receiver at create and at every update, " +
					"never kept in the plan or the state. Change `secret_wo_version` to send a new secret.",
				Optional:   true,
				Sensitive:  true,
				WriteOnly:  true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"secret_wo_version": schema.Int64Attribute{
				MarkdownDescription: "Any number, changed to send `secret_wo` again (the plan cannot see a write-only value change). Needs `secret_wo`.",
				Optional:            true,
				Validators:          []validator.Int64{int64validator.AlsoRequires(path.MatchRoot("secret_wo"))},
			},
			"on": schema.SetAttribute{
				MarkdownDescription: "What is handed off: `failed` (the message failed) and/or `undelivered` (sent, and neither delivered, read " +
					"nor failed within `undelivered_after`). A message is handed off once, for the first of these it meets: one handed off " +
					"as undelivered that fails later is not handed off again.",
				Required:    true,
				ElementType: types.StringType,
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(stringvalidator.OneOf(wire.FallbackOnFailed, wire.FallbackOnUndelivered)),
				},
			},
			"undelivered_after": schema.StringAttribute{
				MarkdownDescription: "How long a sent message may go neither delivered nor read before it is handed off as undelivered: " +
					"a duration from `1s` to `7d`, in whole seconds, such as `15m`, `2h` or `1d`. Required when `on` lists `undelivered`, " +
					"and only then.",
				Optional:   true,
				Validators: []validator.String{undeliveredAfterValidator{}},
			},
			"templates": schema.ListNestedAttribute{
				MarkdownDescription: "The templates whose messages the rule covers, each given once. Unset or empty: every template.",
				Optional:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"name": schema.StringAttribute{
							MarkdownDescription: "The template's code name.",
							Required:            true,
							Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
						},
						"language_code": schema.StringAttribute{
							MarkdownDescription: "The template's language code, such as `en`.",
							Required:            true,
							Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
						},
					},
				},
			},
		},
	}
}

func (r *fallbackResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.ExactlyOneOf(path.MatchRoot("secret"), path.MatchRoot("secret_wo")),
	}
}

func (r *fallbackResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan stops a plan that creates or changes a rule when the
// provider has no status receiver to keep it in.
func (r *fallbackResource) ModifyPlan(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil || r.data.statusUnknown {
		return
	}
	if d, ok := fallbackReceiverMissing(r.data, "Planning this fallback rule", "nothing was changed"); ok {
		resp.Diagnostics.Append(d)
	}
}

func (r *fallbackResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan fallbackModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(r.put(ctx, req.Config, &plan, "created")...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &plan)...)
	resp.Diagnostics.Append(setFallbackIdentity(ctx, resp.Identity, plan.Name)...)
}

// Update writes the whole rule again, its secret included: a PUT by name.
func (r *fallbackResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan fallbackModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(r.put(ctx, req.Config, &plan, "updated")...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &plan)...)
	resp.Diagnostics.Append(setFallbackIdentity(ctx, resp.Identity, plan.Name)...)
}

// put writes m to the receiver with the secret of config, and sets m to
// the rule as kept.
func (r *fallbackResource) put(ctx context.Context, config tfsdk.Config, m *fallbackModel, done string) diag.Diagnostics {
	var diags diag.Diagnostics
	if d, ok := fallbackReceiverMissing(r.data, "Writing the fallback rule", "nothing was "+done); ok {
		diags.Append(d)
		return diags
	}
	secret, d := fallbackSecret(ctx, config, *m)
	diags.Append(d...)
	rule, d := fallbackWire(ctx, *m, secret)
	diags.Append(d...)
	if diags.HasError() {
		return diags
	}
	ctx = maskSecrets(ctx, append(nonEmpty(secret), r.data.secrets...))
	kept, err := r.data.fallback.Put(ctx, rule)
	if err != nil {
		diags.Append(fallbackRequestFailed(err, fmt.Sprintf("Writing the fallback rule %q", rule.Name),
			"The rule may or may not be "+done+" at the receiver; applying again writes it whole, which is safe."))
		return diags
	}
	tflog.Info(ctx, "fallback rule written", map[string]any{"rule": rule.Name, "on": rule.On, "templates": len(rule.Templates)})
	diags.Append(keepFallback(ctx, m, kept)...)
	m.SecretWO = types.StringNull()
	return diags
}

// Read reads the rule from the receiver: a rule changed there is drift,
// and one removed there leaves the state, so the next plan creates it.
func (r *fallbackResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m fallbackModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if d, ok := fallbackReceiverMissing(r.data, "Reading the fallback rule", "nothing was read"); ok {
		resp.Diagnostics.Append(d)
		return
	}
	ctx = maskSecrets(ctx, r.data.secrets)
	name := m.Name.ValueString()
	kept, found, err := r.data.fallback.Get(ctx, name)
	if err != nil {
		resp.Diagnostics.Append(fallbackRequestFailed(err, fmt.Sprintf("Reading the fallback rule %q", name),
			"Nothing was changed. Retry; to plan without reading the receiver, run terraform plan -refresh=false."))
		return
	}
	if !found {
		tflog.Warn(ctx, "fallback rule not found at the status receiver; removed from the state", map[string]any{"rule": name})
		resp.State.RemoveResource(ctx)
		// The framework wants an identity after every Read without an
		// error, a removed resource's too ("Missing Resource Identity
		// After Read"), and Terraform before 1.12 keeps none to start from.
		resp.Diagnostics.Append(setFallbackIdentity(ctx, resp.Identity, m.Name)...)
		return
	}
	resp.Diagnostics.Append(keepFallback(ctx, &m, kept)...)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &m)...)
	resp.Diagnostics.Append(setFallbackIdentity(ctx, resp.Identity, m.Name)...)
}

// Delete removes the rule; the hand-offs of it still pending are dropped
// with it, and their count is shown.
func (r *fallbackResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m fallbackModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if d, ok := fallbackReceiverMissing(r.data, "Removing the fallback rule", "nothing was removed"); ok {
		resp.Diagnostics.Append(d)
		return
	}
	ctx = maskSecrets(ctx, r.data.secrets)
	name := m.Name.ValueString()
	removed, found, err := r.data.fallback.Delete(ctx, name)
	if err != nil {
		resp.Diagnostics.Append(fallbackRequestFailed(err, fmt.Sprintf("Removing the fallback rule %q", name),
			"The rule may still be at the receiver and hand messages off; destroy again."))
		return
	}
	fields := map[string]any{"rule": name, "dropped_handoffs": removed.DroppedHandoffs, "found": found}
	if removed.DroppedHandoffs == 0 {
		tflog.Info(ctx, "fallback rule removed", fields)
		return
	}
	tflog.Warn(ctx, "fallback rule removed; its pending hand-offs were dropped", fields)
	resp.Diagnostics.AddWarning("Pending Hand-offs Dropped",
		fmt.Sprintf("The fallback rule %q was removed with %d hand-off(s) still pending: the receiver dropped them, so those messages "+
			"will not reach %s. Hand them to the other channel yourself if they still matter (the receiver's log names the rule).",
			name, removed.DroppedHandoffs, m.URL.ValueString()))
}
