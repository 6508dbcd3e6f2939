package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/interakt-community/terraform-provider-interakt/internal/serve"
)

// BulkAttributes are the attributes the provider reads and writes past
// terraform-plugin-framework (serve.Bulk): a campaign's recipients and
// results, which in a campaign of 100,000 recipients are nearly all of a
// plan. They are read from the protocol's values straight into the
// campaign's own types, never into the framework's. A change of their
// form that needs a new state version has an entry in Upgrades, beside the
// campaign's state upgrader.
var BulkAttributes = map[string]serve.BulkResource{"interakt_campaign": {
	Attributes: []string{"recipients", "results"},
}}

// recipientMap is the recipients map as read past the framework.
type recipientMap struct {
	// known is false while the map as a whole is unknown (so not even its
	// keys are known), or null; null tells which.
	known, null bool
	byKey       map[string]recipientValue
}

// resultMap is the results map as read past the framework.
type resultMap struct {
	unknown bool // known only after apply
	byKey   map[string]recipientResult
}

// bulkParts says which bulk attributes getCampaign reads.
type bulkParts int

const (
	readRecipients bulkParts = 1 << iota
	readResults
)

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

// getCampaign reads a campaign from from, and the parts of its recipients
// and results that the caller needs from src.
func getCampaign(ctx context.Context, from modelGetter, src serve.BulkSource, parts bulkParts, m *campaignModel) diag.Diagnostics {
	diags := getModel(ctx, from, m)
	if diags.HasError() {
		return diags
	}
	diags.Append(readBulk(ctx, src, parts, m)...)
	return diags
}

// readBulk reads the parts of a campaign's recipients and results that the
// caller needs from src into m, whose other attributes it leaves as they
// are.
func readBulk(ctx context.Context, src serve.BulkSource, parts bulkParts, m *campaignModel) diag.Diagnostics {
	b, diags := campaignBulk(ctx)
	if diags.HasError() {
		return diags
	}
	if parts&readRecipients != 0 {
		var err error
		if m.recipients, err = recipientsFromMsgpack(b.Raw(src, "recipients")); err != nil {
			diags.AddAttributeError(path.Root("recipients"), "Campaign Not Read", err.Error()+". Nothing was sent. "+reportBug)
		}
	}
	if parts&readResults != 0 {
		var err error
		if m.results, err = resultsFromMsgpack(b.Raw(src, "results")); err != nil {
			diags.AddAttributeError(path.Root("results"), "Campaign Not Read", err.Error()+". Nothing was sent. "+reportBug)
		}
	}
	return diags
}

// setResults makes results the response's results: an unknown map when
// results.unknown is set.
func setResults(ctx context.Context, results resultMap) diag.Diagnostics {
	b, diags := campaignBulk(ctx)
	if diags.HasError() {
		return diags
	}
	raw := unknownResults
	var err error
	if !results.unknown {
		raw, err = resultsToMsgpack(results.byKey)
	}
	if err == nil {
		err = b.Set("results", raw)
	}
	if err != nil {
		diags.AddAttributeError(path.Root("results"), "Campaign Not Saved", err.Error()+". "+reportBug)
	}
	return diags
}

// setCampaignState writes m as the new state: its results past the
// framework, its recipients as planned, and the rest through the
// framework, which sees the two maps empty.
func setCampaignState(ctx context.Context, to *tfsdk.State, m campaignModel) diag.Diagnostics {
	diags := setResults(ctx, m.results)
	if diags.HasError() {
		return diags
	}
	b, _ := campaignBulk(ctx)
	b.Keep(serve.BulkPlanned, "recipients")
	m.Recipients = types.MapValueMust(campaignRecipientType, map[string]attr.Value{})
	m.Results = types.MapValueMust(campaignResultType, map[string]attr.Value{})
	diags.Append(setModel(ctx, to, m)...)
	return diags
}

// campaignRecipientType is the object type of one recipient.
var campaignRecipientType = types.ObjectType{AttrTypes: func() map[string]attr.Type {
	out := map[string]attr.Type{}
	for name, a := range valueAttributes(false) {
		out[name] = a.GetType()
	}
	return out
}()}

// unknownResults is the msgpack of results known only after apply.
var unknownResults = func() []byte {
	typ := types.MapType{ElemType: campaignResultType}.TerraformType(context.Background())
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, tftypes.UnknownValue))
	if err != nil {
		panic("encoding unknown results: " + err.Error())
	}
	return dv.MsgPack
}()
