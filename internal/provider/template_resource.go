package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/interakt-community/terraform-provider-interakt/internal/contract"
)

var (
	_ resource.Resource                   = &templateResource{}
	_ resource.ResourceWithConfigure      = &templateResource{}
	_ resource.ResourceWithValidateConfig = &templateResource{}
	_ resource.ResourceWithModifyPlan     = &templateResource{}
	_ resource.ResourceWithImportState    = &templateResource{}
)

// NewTemplateResource returns the interakt_template resource.
func NewTemplateResource() resource.Resource {
	return &templateResource{}
}

// templateResource declares a template of the Interakt account. With an
// API key it reads the account's list (once per run) and may create a
// template; Interakt has no API to edit or delete one.
type templateResource struct {
	// data is nil until the provider is configured, and during validate.
	data *providerData
}

func (r *templateResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_template"
}

func (r *templateResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Declares a WhatsApp template of the Interakt account, checks the declaration against WhatsApp's template rules at plan time, " +
			"and exposes its `contract`: what a message must give (header and body variable counts, buttons by index). " +
			"`contract` is known in the plan, so `interakt_template_message` and `interakt_campaign` check their values against it before anything is sent.\n\n" +
			"With an API key, every refresh reads the account into `account`, `approval_status` and `rejection_reason`, beside the declaration: " +
			"a difference in category, header, body, footer or buttons is a warning in the plan at that attribute with both texts, never a change, " +
			"and a `-refresh-only` plan shows what changed in the account. A template the account no longer lists stays in the state as `MISSING`, with a warning " +
			"(with `submit = true` it leaves the state, and the next apply submits it again). Without a key nothing is read and plans stay offline. " +
			"`submit = true` submits a template the account lacks for Meta's approval; one the account has with the same content is adopted, never submitted twice. " +
			"Interakt has no API to edit or delete templates: destroying only forgets the declaration.\n\n" +
			"Rules that decide whether a message can be built are errors; Meta's authoring rules for new templates (lengths, button grouping and counts, " +
			"a variable at the edge of the body) are warnings, since an approved template may predate them.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<name>:<language_code>`, also the import id.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "The template's code name as Interakt shows it (the part of its URL between `template/` and `/view`): lowercase letters, digits and underscores. Changing it replaces the resource.",
				Required:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"language_code": schema.StringAttribute{
				MarkdownDescription: "The language the template was created in, such as `en`, `en_US` or `pt_BR`. Changing it replaces the resource.",
				Required:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"category": schema.StringAttribute{
				MarkdownDescription: "`MARKETING`, `UTILITY` or `AUTHENTICATION`, as the template was approved.",
				Required:            true,
			},
			"header": schema.SingleNestedAttribute{
				MarkdownDescription: "The template's header; omit it when the template has none.",
				Optional:            true,
				Attributes: map[string]schema.Attribute{
					"format": schema.StringAttribute{
						MarkdownDescription: "`TEXT`, `IMAGE`, `VIDEO` or `DOCUMENT`. A media header's URL is given with each message as its one `header_values` entry.",
						Required:            true,
					},
					"text": schema.StringAttribute{
						MarkdownDescription: "The text of a `TEXT` header, with at most one variable, `{{1}}`. Media headers have no text.",
						Optional:            true,
					},
					"example": schema.StringAttribute{
						MarkdownDescription: "A value the header's `{{1}}` could take, for Meta's review; needed with `submit = true` when the header has a variable.",
						Optional:            true,
					},
				},
			},
			"body": schema.StringAttribute{
				MarkdownDescription: "The body text exactly as approved, with its variables `{{1}}`, `{{2}}`, ... numbered in order of first appearance.",
				Required:            true,
			},
			"footer": schema.StringAttribute{
				MarkdownDescription: "The footer text, without variables.",
				Optional:            true,
			},
			"buttons": schema.ListNestedAttribute{
				MarkdownDescription: "The template's buttons in order; `button_values` and `button_payload` of a message name them by index from 0.",
				Optional:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					// type is required by the button_type rule, not by the
					// schema: terraform-plugin-framework v1.19 reports a
					// Required attribute of a wholly unknown element (a button
					// known only at apply) as missing, at validate and plan.
					// TestRequiredInUnknownElementIsReportedMissing fails
					// once it stops; type can then be Required.
					"type": schema.StringAttribute{
						MarkdownDescription: "`QUICK_REPLY`, `URL`, `PHONE_NUMBER` or `COPY_CODE`. Every button must set it; the schema lists it as optional " +
							"only so that a button known only at apply (from another resource) can be planned. Leaving it out is an error at validate.",
						Optional: true,
					},
					"text": schema.StringAttribute{
						MarkdownDescription: "The label the button shows; required for all but `COPY_CODE`.",
						Optional:            true,
					},
					"url": schema.StringAttribute{
						MarkdownDescription: "A `URL` button's https URL: static, or ending in `{{1}}`, whose value each message gives in `button_values`.",
						Optional:            true,
					},
					"phone_number": schema.StringAttribute{
						MarkdownDescription: "The number a `PHONE_NUMBER` button calls, in international format.",
						Optional:            true,
					},
					"example": schema.StringAttribute{
						MarkdownDescription: "An example value for Meta's review: a full URL for a `URL` button ending in `{{1}}` (needed with `submit = true`), or a code for `COPY_CODE`.",
						Optional:            true,
					},
				}},
			},
			"body_examples": schema.ListAttribute{
				MarkdownDescription: "One example value per body variable, in order (`{{1}}`, `{{2}}`, ...), none empty: what Meta's reviewers see. Needed with `submit = true`; checked at plan whenever given.",
				Optional:            true,
				ElementType:         types.StringType,
			},
			"submit": schema.BoolAttribute{
				MarkdownDescription: "Submit the template for Meta's approval through Interakt's Create Template API when the account lacks it (default `false`). " +
					"A template the account already has with the same content is adopted, never submitted twice. WhatsApp versions templates by name: once submitted, " +
					"its content cannot change (a plan error says so) unless Meta rejected it; give a new version a new name, such as `order_shipped_v2`. " +
					"Needs the provider's `api_key` at apply; examples are checked at plan without it. Text headers only: media headers are created in Interakt.",
				Optional: true,
			},
			"approval_status": schema.StringAttribute{
				MarkdownDescription: "The approval status the account lists (`APPROVED`, `WAITING`, `PENDING`, `REJECTED`, `PAUSED`, `DISABLED`), read at every refresh with an API key; null without one. " +
					"`MISSING` when the account lists the template in no status: it was deleted in Interakt or by Meta, or never created; messages of it fail at plan.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"rejection_reason": schema.StringAttribute{
				MarkdownDescription: "Why Meta rejected the template, as the account lists it; null unless `approval_status` is `REJECTED`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"account": schema.SingleNestedAttribute{
				MarkdownDescription: "The template's content as the account lists it, read at every refresh with an API key; null without one, and while the account lacks the template. " +
					"It changes only with the account: the declaration is never overwritten by it, and a difference is a plan warning at the declared attribute.",
				Computed: true,
				Attributes: map[string]schema.Attribute{
					"category": schema.StringAttribute{MarkdownDescription: "The category, in upper case.", Computed: true},
					"header": schema.SingleNestedAttribute{
						MarkdownDescription: "The header, null when the template has none.",
						Computed:            true,
						Attributes: map[string]schema.Attribute{
							"format": schema.StringAttribute{MarkdownDescription: "`TEXT`, `IMAGE`, `VIDEO` or `DOCUMENT`.", Computed: true},
							"text":   schema.StringAttribute{MarkdownDescription: "A `TEXT` header's text; null for media.", Computed: true},
						},
					},
					"body":   schema.StringAttribute{MarkdownDescription: "The body text.", Computed: true},
					"footer": schema.StringAttribute{MarkdownDescription: "The footer text, null when there is none.", Computed: true},
					"buttons": schema.ListNestedAttribute{
						MarkdownDescription: "The buttons in order, null when there are none.",
						Computed:            true,
						NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
							"type":         schema.StringAttribute{MarkdownDescription: "The button's type, in upper case.", Computed: true},
							"text":         schema.StringAttribute{MarkdownDescription: "Its label.", Computed: true},
							"url":          schema.StringAttribute{MarkdownDescription: "A `URL` button's URL.", Computed: true},
							"phone_number": schema.StringAttribute{MarkdownDescription: "A `PHONE_NUMBER` button's number.", Computed: true},
						}},
					},
				},
			},
			"verify": schema.BoolAttribute{
				MarkdownDescription: "Check with the API that the template exists in the account, is `APPROVED` and has this `body`, at plan and again at apply. " +
					"Needs the provider's `api_key`; without it the check is skipped with a warning. The account's template list is read once per run.",
				Optional: true,
			},
			"contract": contractAttribute(),
			"fingerprint": schema.StringAttribute{
				MarkdownDescription: "A SHA-256 of the template's content (name, language, category, header, body, footer, buttons): it changes whenever the template does, for use in `triggers`.",
				Computed:            true,
			},
		},
	}
}

func (r *templateResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig reports every rule the configuration's known values break,
// warnings included. Unknown values (references, during validate) skip
// their rules; ModifyPlan checks them once resolved.
func (r *templateResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg templateModel
	resp.Diagnostics.Append(getModel(ctx, req.Config, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(problemDiagnostics(path.Empty(), contract.ValidateTemplate(cfg.decl()))...)
	resp.Diagnostics.Append(problemDiagnostics(path.Empty(), contract.ValidateSubmission(cfg.decl(), cfg.submitRequested()))...)
}

// ModifyPlan checks the declaration again with references resolved (errors
// only: Terraform has just run ValidateConfig with the same values), sets
// contract and fingerprint so that dependants see them in the plan,
// refuses a content change of a submitted template, compares the
// declaration with the account when a key is set, and runs verify when it
// can.
func (r *templateResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	defer r.data.report(&resp.Diagnostics)
	if req.Plan.Raw.IsNull() {
		return // Destroy: Delete warns what stays in Interakt.
	}
	var plan templateModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	decl := plan.decl()
	resp.Diagnostics.Append(problemDiagnostics(path.Empty(), errorProblems(contract.ValidateTemplate(decl)))...)
	resp.Diagnostics.Append(problemDiagnostics(path.Empty(), errorProblems(contract.ValidateSubmission(decl, plan.submitRequested())))...)
	var state *templateModel
	if !req.State.Raw.IsNull() {
		state = &templateModel{}
		resp.Diagnostics.Append(getModel(ctx, req.State, state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	plan.setComputed()
	if state != nil {
		// What the account holds changes only with the account, and an
		// update applies to the declaration alone (a resubmission, set
		// in compareWithAccount, is the exception).
		plan.Account = state.Account
	}
	// A change of a submitted template is refused with or without a key:
	// the state holds what was submitted. A change to what the account
	// last listed is allowed: it declares the dashboard's edit, and the
	// apply adopts the account's template.
	if state != nil && state.submitRequested() && plan.submitRequested() && !isRejected(state.ApprovalStatus.ValueString()) && !declaresAccount(*state, plan) {
		for _, d := range contentDiffs(*state, plan) {
			resp.Diagnostics.Append(problemDiagnostics(path.Empty(),
				[]contract.Problem{contract.SubmittedChange(d.path, plan.Name.ValueString(), state.ApprovalStatus.ValueString())})...)
		}
		if resp.Diagnostics.HasError() {
			return
		}
	}
	resp.Diagnostics.Append(r.compareWithAccount(ctx, state, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(setModel(ctx, &resp.Plan, &plan)...)
	if !plan.verifyRequested() {
		return
	}
	if r.data == nil || r.data.api == nil {
		resp.Diagnostics.Append(verifySkipped(r.data))
		return
	}
	if plan.Name.IsUnknown() || plan.LanguageCode.IsUnknown() || plan.Body.IsUnknown() {
		return // Checked at apply, once known.
	}
	resp.Diagnostics.Append(verifyTemplate(ctx, r.data, plan)...)
}

func (r *templateResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer r.data.report(&resp.Diagnostics)
	resp.Diagnostics.Append(r.save(ctx, req.Plan, &resp.State, resp.Identity, false)...)
}

func (r *templateResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer r.data.report(&resp.Diagnostics)
	var prior templateModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(r.save(ctx, req.Plan, &resp.State, resp.Identity, prior.submitRequested())...)
}

// save is Create and Update alike: the planned declaration, its computed
// attributes filled (all known by apply), becomes the state once verify,
// when requested and the API key is known, passes, and once a template to
// submit is in the account (submitted: the prior state had asked for it).
// Without a key the plan has warned that verify was skipped.
func (r *templateResource) save(ctx context.Context, plan tfsdk.Plan, state *tfsdk.State, identity *tfsdk.ResourceIdentity, submitted bool) diag.Diagnostics {
	var m templateModel
	diags := getModel(ctx, plan, &m)
	if diags.HasError() {
		return diags
	}
	m.setComputed()
	if m.verifyRequested() && r.data != nil && r.data.api != nil {
		diags.Append(verifyTemplate(ctx, r.data, m)...)
		if diags.HasError() {
			return diags
		}
	}
	if m.submitRequested() {
		diags.Append(r.ensureSubmitted(ctx, &m, submitted)...)
		if diags.HasError() {
			return diags
		}
	} else {
		diags.Append(r.readStatus(ctx, &m)...)
	}
	diags.Append(setModel(ctx, state, &m)...)
	diags.Append(setIdentity(ctx, identity, m)...)
	return diags
}

// Read refreshes what the account says of the template (account,
// approval_status, rejection_reason) when an API key is set; the
// declaration stays, so a dashboard edit is a plan warning, not a change.
// An imported template, which has no declaration yet, takes the account's.
// A template the account no longer lists stays as MISSING with a warning,
// unless it is to be submitted: then it leaves the state, and the next
// apply submits it. Without a key, or in a dry run, nothing changes, so
// plans stay offline.
func (r *templateResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer r.data.report(&resp.Diagnostics)
	var m templateModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, m)...)
	if !r.data.readsAccount() {
		return
	}
	name, language := m.Name.ValueString(), m.LanguageCode.ValueString()
	found, diags := r.accountTemplate(ctx, name, language)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	switch {
	case found == nil && m.submitRequested():
		resp.Diagnostics.AddWarning("Template Gone From the Account",
			fmt.Sprintf("Interakt no longer lists the template %q (%s) in any approval status, so it was removed from the state, "+
				"and the next apply submits it for approval again (submit = true). It was deleted in Interakt or by Meta.", name, language))
		resp.State.RemoveResource(ctx)
		return
	case found == nil:
		resp.Diagnostics.Append(templateMissing(name, language))
		m.readMissing()
	case m.Body.IsNull():
		tflog.Debug(ctx, "imported template from the account", map[string]any{"template": name, "language": language})
		m.refreshFrom(*found)
	default:
		tflog.Debug(ctx, "refreshed template from the account", map[string]any{"template": name, "language": language, "approval_status": found.ApprovalStatus})
		m.readAccount(*found)
	}
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &m)...)
}

// templateMissing warns that a declared template, not to be submitted, is
// in the account in no status: it stays in the state, and nothing is
// created.
func templateMissing(name, language string) diag.Diagnostic {
	return diag.NewAttributeWarningDiagnostic(path.Root("approval_status"), "Template Missing From the Account",
		fmt.Sprintf("Interakt lists no template %q (%s) in any approval status: it was deleted in Interakt or by Meta, or never created. "+
			"The declaration stays in the state with approval_status = \"MISSING\", and applying creates nothing; messages of it fail at plan. "+
			"Create the template in Interakt, set submit = true (with body_examples) to submit it for approval, or remove the resource.", name, language))
}

// Delete only forgets the declaration: Interakt has no API to delete a
// template, and the warning names the one left behind. A dry run's
// declaration that never read the account (no approval_status) warns of
// nothing: the run neither found nor submitted a template to leave.
func (r *templateResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m templateModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.data != nil && r.data.dryRun && m.ApprovalStatus.IsNull() {
		tflog.Debug(ctx, "dry run: forgot a template declaration that never reached the account",
			map[string]any{"template": m.Name.ValueString(), "language": m.LanguageCode.ValueString()})
		return
	}
	resp.Diagnostics.AddWarning("Template Left in Interakt",
		fmt.Sprintf("The template %q (%s) was removed from the state only: Interakt has no API to delete a template, so it stays in the account. "+
			"Delete it in Interakt's dashboard if it is no longer wanted.", m.Name.ValueString(), m.LanguageCode.ValueString()))
}

// cutImportID splits an import id <name>:<language_code>.
func cutImportID(id string) (name, languageCode string, ok bool) {
	name, languageCode, ok = strings.Cut(id, ":")
	return name, languageCode, ok && name != "" && languageCode != "" && !strings.Contains(languageCode, ":")
}
