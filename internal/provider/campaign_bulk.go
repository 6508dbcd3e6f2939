package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/interakt-community/terraform-provider-interakt/internal/serve"
)

// BulkAttributes are the attributes the provider reads and writes past
// terraform-plugin-framework (serve.Bulk): a campaign's recipients and
// results, which a campaign of 100,000 recipients makes most of a plan.
var BulkAttributes = map[string][]string{"interakt_campaign": {"recipients", "results"}}

// campaignBulk is the request's bulk values, or an error diagnostic when
// the provider is served without them.
func campaignBulk(ctx context.Context) (*serve.BulkValues, diag.Diagnostics) {
	if b := serve.BulkFrom(ctx); b != nil {
		return b, nil
	}
	var diags diag.Diagnostics
	diags.AddError("Campaign Served Without Its Recipients",
		"The provider was served without the campaign's bulk attributes (serve.Bulk), so it cannot read them. Nothing was sent. "+reportBug)
	return nil, diags
}

// getCampaign reads a campaign from from, with its recipients and results
// from src.
func getCampaign(ctx context.Context, from modelGetter, src serve.BulkSource, m *campaignModel) diag.Diagnostics {
	diags := getModel(ctx, from, m)
	if diags.HasError() {
		return diags
	}
	b, d := campaignBulk(ctx)
	diags.Append(d...)
	if diags.HasError() {
		return diags
	}
	var recipients, results types.Map
	recipients, d = bulkMap(ctx, b, src, "recipients", campaignRecipientsType)
	diags.Append(d...)
	results, d = bulkMap(ctx, b, src, "results", types.MapType{ElemType: campaignResultType})
	diags.Append(d...)
	m.Recipients, m.Results = recipients, results
	return diags
}

// campaignRecipientsType is the type of `recipients`.
var campaignRecipientsType = types.MapType{ElemType: types.ObjectType{AttrTypes: func() map[string]attr.Type {
	out := map[string]attr.Type{}
	for name, a := range valueAttributes(false) {
		out[name] = a.GetType()
	}
	return out
}()}}

// bulkMap reads a bulk attribute as the framework's map.
func bulkMap(ctx context.Context, b *serve.BulkValues, src serve.BulkSource, name string, typ types.MapType) (types.Map, diag.Diagnostics) {
	var diags diag.Diagnostics
	tv, err := b.Value(src, name)
	if err != nil {
		diags.AddAttributeError(path.Root(name), "Campaign Not Read", err.Error()+". Nothing was sent. "+reportBug)
		return types.MapNull(typ.ElemType), diags
	}
	v, err := typ.ValueFromTerraform(ctx, tv)
	if err != nil {
		diags.AddAttributeError(path.Root(name), "Campaign Not Read", err.Error()+". Nothing was sent. "+reportBug)
		return types.MapNull(typ.ElemType), diags
	}
	m, ok := v.(basetypes.MapValue)
	if !ok {
		diags.AddAttributeError(path.Root(name), "Campaign Not Read", "not a map. Nothing was sent. "+reportBug)
		return types.MapNull(typ.ElemType), diags
	}
	return m, diags
}

// setBulk makes values the response's bulk attributes.
func setBulk(ctx context.Context, values map[string]types.Map) diag.Diagnostics {
	b, diags := campaignBulk(ctx)
	if diags.HasError() {
		return diags
	}
	for name, v := range values {
		tv, err := v.ToTerraformValue(ctx)
		if err == nil {
			err = b.Set(name, tv)
		}
		if err != nil {
			diags.AddAttributeError(path.Root(name), "Campaign Not Saved", err.Error()+". "+reportBug)
		}
	}
	return diags
}

// setCampaign writes m as the whole state or plan, its recipients and
// results past the framework, which sees them empty.
func setCampaign[T *tfsdk.Plan | *tfsdk.State](ctx context.Context, to T, m campaignModel) diag.Diagnostics {
	diags := setBulk(ctx, map[string]types.Map{"recipients": m.Recipients, "results": m.Results})
	if diags.HasError() {
		return diags
	}
	m.Recipients = emptyOrSame(m.Recipients)
	m.Results = emptyOrSame(m.Results)
	diags.Append(setModel(ctx, to, m)...)
	return diags
}

// emptyOrSame is what the framework sees of a bulk value: an empty map
// for a known one, and a null or unknown one as it is.
func emptyOrSame(m types.Map) types.Map {
	if m.IsNull() || m.IsUnknown() {
		return m
	}
	return types.MapValueMust(m.ElementType(context.Background()), map[string]attr.Value{})
}
