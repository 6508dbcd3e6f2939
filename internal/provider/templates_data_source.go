package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

var (
	_ datasource.DataSource              = &templatesDataSource{}
	_ datasource.DataSourceWithConfigure = &templatesDataSource{}
)

// NewTemplatesDataSource returns the interakt_templates data source.
func NewTemplatesDataSource() datasource.DataSource {
	return &templatesDataSource{}
}

// templatesDataSource lists the account's templates. It only reads: the
// listing is a GET, safe to run on every plan.
type templatesDataSource struct {
	data *providerData
}

type templatesModel struct {
	Name           types.String `tfsdk:"name"`
	LanguageCode   types.String `tfsdk:"language_code"`
	ApprovalStatus types.String `tfsdk:"approval_status"`
	Templates      types.List   `tfsdk:"templates"`
}

// listedTemplateAttrTypes is one element of templates: the names and the
// header object of interakt_template.
var listedTemplateAttrTypes = map[string]attr.Type{
	"id":              types.StringType,
	"name":            types.StringType,
	"language_code":   types.StringType,
	"category":        types.StringType,
	"header":          types.ObjectType{AttrTypes: templateHeaderAttrTypes},
	"body":            types.StringType,
	"footer":          types.StringType,
	"approval_status": types.StringType,
}

func (d *templatesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_templates"
}

func (d *templatesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The templates of the Interakt account, for checks such as \"the template I send is APPROVED\". " +
			"Needs the provider's `api_key`. Every page of the listing is read, once per run, within the provider's rate limit: " +
			"one request per page of each approval status, or of the one status `approval_status` names.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				MarkdownDescription: "Only templates with this code name.",
				Optional:            true,
			},
			"language_code": schema.StringAttribute{
				MarkdownDescription: "Only templates in this language code, such as `en` or `pt_BR`.",
				Optional:            true,
			},
			"approval_status": schema.StringAttribute{
				MarkdownDescription: "Only templates with this approval status, such as `APPROVED`, `PENDING` or `REJECTED` (any letter case).",
				Optional:            true,
			},
			"templates": schema.ListNestedAttribute{
				MarkdownDescription: "The matching templates, in the order Interakt lists them. Their attributes have the names and shapes of `interakt_template`'s.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":            str("Interakt's id of the template."),
					"name":          str("The template's code name."),
					"language_code": str("The template's language code."),
					"category":      str("`MARKETING`, `UTILITY` or `AUTHENTICATION`."),
					"header": schema.SingleNestedAttribute{
						MarkdownDescription: "The template's header, as `interakt_template`'s `header`; null when it has none.",
						Computed:            true,
						Attributes: map[string]schema.Attribute{
							"format":  str("`TEXT`, `IMAGE`, `VIDEO` or `DOCUMENT`."),
							"text":    str("The text of a `TEXT` header; null for media headers."),
							"example": str("Always null: the listing has no examples. Kept so that the object has `interakt_template`'s shape."),
						},
					},
					"body":            str("The body text."),
					"footer":          str("The footer text, or null."),
					"approval_status": str("The approval status as Interakt reports it, such as `APPROVED`."),
				}},
			},
		},
	}
}

func (d *templatesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

func (d *templatesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	defer d.data.report(&resp.Diagnostics)
	var m templatesModel
	resp.Diagnostics.Append(getModel(ctx, req.Config, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if d.data == nil {
		resp.Diagnostics.Append(providerNotConfigured("interakt_templates was read"))
		return
	}
	if d.data.api == nil {
		resp.Diagnostics.Append(apiKeyMissing(d.data, "Reading interakt_templates (the account's templates)", "no request was made"))
		return
	}
	ctx = maskSecrets(ctx, d.data.secrets)
	list, err := d.data.api.ListTemplates(ctx, statusesToList(m.ApprovalStatus.ValueString())...)
	if err != nil {
		resp.Diagnostics.AddError("Cannot List Templates", "Listing the account's templates failed: "+err.Error())
		return
	}
	filter := templateFilter{
		name:           m.Name.ValueString(),
		languageCode:   m.LanguageCode.ValueString(),
		approvalStatus: m.ApprovalStatus.ValueString(),
	}
	elems := make([]attr.Value, 0, len(list))
	for _, t := range list {
		if filter.matches(t) {
			elems = append(elems, listedTemplateValue(t))
		}
	}
	tflog.Debug(ctx, "listed templates", map[string]any{"listed": len(list), "matching": len(elems)})
	templates, diags := types.ListValue(types.ObjectType{AttrTypes: listedTemplateAttrTypes}, elems)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	m.Templates = templates
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &m)...)
}

// statusesToList are the approval statuses a filter by status needs
// listed: that status alone when it is one Interakt lists by, else (no
// filter, or a status Interakt does not list by, which then matches what
// the listing reports) every status.
func statusesToList(filter string) []string {
	for _, status := range wire.ApprovalStatuses {
		if strings.EqualFold(filter, status) {
			return []string{status}
		}
	}
	return nil
}

// templateFilter holds the data source's filters; an empty one matches all.
type templateFilter struct {
	name, languageCode, approvalStatus string
}

func (f templateFilter) matches(t wire.TemplateInfo) bool {
	return (f.name == "" || t.Name == f.name) &&
		(f.languageCode == "" || t.Language == f.languageCode) &&
		(f.approvalStatus == "" || strings.EqualFold(t.ApprovalStatus, f.approvalStatus))
}

func listedTemplateValue(t wire.TemplateInfo) attr.Value {
	return types.ObjectValueMust(listedTemplateAttrTypes, map[string]attr.Value{
		"id":              types.StringValue(t.ID),
		"name":            types.StringValue(t.Name),
		"language_code":   types.StringValue(t.Language),
		"category":        types.StringValue(t.Category),
		"header":          accountHeader(t, types.StringNull()),
		"body":            types.StringValue(t.Body),
		"footer":          listedString(t.Footer),
		"approval_status": types.StringValue(t.ApprovalStatus),
	})
}

// listedString maps the listing's omitted fields to null.
func listedString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}
