package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

var (
	_ list.ListResource              = &templateListResource{}
	_ list.ListResourceWithConfigure = &templateListResource{}
)

// NewTemplateListResource returns the interakt_template list, which
// `terraform query` uses to find the account's templates.
func NewTemplateListResource() list.ListResource {
	return &templateListResource{}
}

// templateListResource lists the account's templates as interakt_template
// resources, each with its identity, for bulk adoption.
type templateListResource struct {
	data *providerData
}

// templateListModel is the list block's configuration.
type templateListModel struct {
	ApprovalStatus types.String `tfsdk:"approval_status"`
	NamePrefix     types.String `tfsdk:"name_prefix"`
	LanguageCode   types.String `tfsdk:"language_code"`
}

func (l *templateListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_template"
}

func (l *templateListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists the account's templates, in every approval status, as `interakt_template` resources with their identity, " +
			"so that `terraform query -generate-config-out=generated.tf` writes an `import` and a `resource` block for each. " +
			"Needs the provider's `api_key` and Terraform 1.14 or newer. The account is read once per run, one request per page of each approval status, or of the one status `approval_status` names.",
		Attributes: map[string]listschema.Attribute{
			"approval_status": listschema.StringAttribute{
				MarkdownDescription: "Only templates with this approval status, such as `APPROVED` or `REJECTED` (any letter case).",
				Optional:            true,
			},
			"name_prefix": listschema.StringAttribute{
				MarkdownDescription: "Only templates whose code name starts with this.",
				Optional:            true,
			},
			"language_code": listschema.StringAttribute{
				MarkdownDescription: "Only templates in this language code, such as `en` or `pt_BR`.",
				Optional:            true,
			},
		},
	}
}

func (l *templateListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

func (l *templateListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg templateListModel
	diags := getModel(ctx, req.Config, &cfg)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	if l.data == nil || l.data.api == nil {
		diags.Append(apiKeyMissing(l.data, "Listing the account's templates (the interakt_template list)", "no request was made"))
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	templates, err := l.data.api.ListTemplates(maskSecrets(ctx, l.data.secrets), statusesToList(cfg.ApprovalStatus.ValueString())...)
	if err != nil {
		diags.AddError("Cannot List Templates", "Listing the account's templates failed: "+err.Error())
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	matching := templates[:0]
	for _, t := range templates {
		if cfg.matches(t) {
			matching = append(matching, t)
		}
	}
	tflog.Debug(ctx, "listing templates for query", map[string]any{"listed": len(templates), "matching": len(matching), "limit": req.Limit})
	stream.Results = func(push func(list.ListResult) bool) {
		for i, t := range matching {
			if req.Limit > 0 && int64(i) >= req.Limit {
				return
			}
			if !push(listedTemplate(ctx, req, t)) {
				return
			}
		}
	}
}

// matches applies the list block's filters; unset ones match all.
func (m templateListModel) matches(t wire.TemplateInfo) bool {
	return (m.ApprovalStatus.IsNull() || strings.EqualFold(t.ApprovalStatus, m.ApprovalStatus.ValueString())) &&
		(m.NamePrefix.IsNull() || strings.HasPrefix(t.Name, m.NamePrefix.ValueString())) &&
		(m.LanguageCode.IsNull() || t.Language == m.LanguageCode.ValueString())
}

// listedTemplate is one result: the identity and, when asked, the resource
// as a refresh with a key would read it, so that generated configuration
// plans with no change after import.
func listedTemplate(ctx context.Context, req list.ListRequest, t wire.TemplateInfo) list.ListResult {
	result := req.NewListResult(ctx)
	result.DisplayName = fmt.Sprintf("%s (%s, %s)", t.Name, t.Language, strings.ToUpper(t.ApprovalStatus))
	m := newTemplateModel()
	m.refreshFrom(t)
	result.Diagnostics.Append(setIdentity(ctx, result.Identity, m)...)
	if req.IncludeResource {
		result.Diagnostics.Append(setModel(ctx, result.Resource, &m)...)
	}
	return result
}

// newTemplateModel is an interakt_template with every attribute null.
func newTemplateModel() templateModel {
	return templateModel{
		Header:       types.ObjectNull(templateHeaderAttrTypes),
		Buttons:      types.ListNull(types.ObjectType{AttrTypes: templateButtonAttrTypes}),
		BodyExamples: types.ListNull(types.StringType),
		Contract:     types.ObjectNull(contractAttrTypes),
	}
}
