package provider

import (
	"context"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/interakt-community/terraform-provider-interakt/internal/contract"
	"github.com/interakt-community/terraform-provider-interakt/internal/serve"
)

// BulkAttributes are the attributes the provider reads and writes past
// terraform-plugin-framework (serve.Bulk): a campaign's recipients and
// results, which in a campaign of 100,000 recipients are nearly all of a
// plan. They are read from the protocol's values straight into the
// campaign's own types, never into the framework's.
var BulkAttributes = map[string][]string{"interakt_campaign": {"recipients", "results"}}

// recipientMap is the recipients map as read past the framework.
type recipientMap struct {
	// known is false while the map as a whole is unknown (so not even its
	// keys are known), or null.
	known bool
	byKey map[string]recipientValue
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
	b, d := campaignBulk(ctx)
	diags.Append(d...)
	if diags.HasError() {
		return diags
	}
	if parts&readRecipients != 0 {
		v, err := b.Value(src, "recipients")
		if err == nil {
			m.recipients, err = recipientsFromTerraform(v)
		}
		if err != nil {
			diags.AddAttributeError(path.Root("recipients"), "Campaign Not Read", err.Error()+". Nothing was sent. "+reportBug)
		}
	}
	if parts&readResults != 0 {
		v, err := b.Value(src, "results")
		if err == nil {
			m.results, err = resultsFromTerraform(v)
		}
		if err != nil {
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
	v := tftypes.NewValue(campaignResultsTerraformType, tftypes.UnknownValue)
	if !results.unknown {
		v = resultsToTerraform(results.byKey)
	}
	if err := b.Set("results", v); err != nil {
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

// The protocol types of results and of one result.
var (
	campaignResultTerraformType  = campaignResultType.TerraformType(context.Background())
	campaignResultsTerraformType = tftypes.Map{ElementType: campaignResultTerraformType}
)

// recipientsFromTerraform reads the recipients map. An element that is
// unknown or null as a whole is kept, marked so, with no values.
func recipientsFromTerraform(v tftypes.Value) (recipientMap, error) {
	if !v.IsKnown() || v.IsNull() {
		return recipientMap{}, nil
	}
	var elems map[string]tftypes.Value
	if err := v.As(&elems); err != nil {
		return recipientMap{}, err
	}
	out := recipientMap{known: true, byKey: make(map[string]recipientValue, len(elems))}
	for key, elem := range elems {
		if !elem.IsKnown() || elem.IsNull() {
			out.byKey[key] = recipientValue{unknownObject: true}
			continue
		}
		var attrs map[string]tftypes.Value
		if err := elem.As(&attrs); err != nil {
			return recipientMap{}, fmt.Errorf("recipient %q: %w", key, err)
		}
		var r terraformReader
		values := r.values(attrs)
		if r.err != nil {
			return recipientMap{}, fmt.Errorf("recipient %q: %w", key, r.err)
		}
		out.byKey[key] = recipientValue{values: values, known: elem.IsFullyKnown()}
	}
	return out, nil
}

// terraformReader reads protocol values into the contract's types, and
// keeps the first error: the values' types are the schema's, so one is a
// bug.
type terraformReader struct{ err error }

func (r *terraformReader) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

// values reads one recipient's attributes.
func (r *terraformReader) values(attrs map[string]tftypes.Value) contract.Values {
	return contract.Values{
		CountryCode:   r.str(attrs["country_code"]),
		PhoneNumber:   r.str(attrs["phone_number"]),
		CallbackData:  r.str(attrs["callback_data"]),
		FileName:      r.str(attrs["file_name"]),
		HeaderValues:  r.list(attrs["header_values"]),
		BodyValues:    r.list(attrs["body_values"]),
		ButtonValues:  r.indexedLists(attrs["button_values"]),
		ButtonPayload: r.indexedLists(attrs["button_payload"]),
	}
}

func (r *terraformReader) str(v tftypes.Value) contract.Str {
	switch {
	case v.Type() == nil || v.IsNull():
		return contract.NullStr()
	case !v.IsKnown():
		return contract.UnknownStr()
	}
	var s string
	if err := v.As(&s); err != nil {
		r.fail(err)
	}
	return contract.StrOf(s)
}

func (r *terraformReader) list(v tftypes.Value) contract.List {
	switch {
	case v.Type() == nil || v.IsNull():
		return contract.List{Null: true}
	case !v.IsKnown():
		return contract.List{Unknown: true}
	}
	var items []tftypes.Value
	if err := v.As(&items); err != nil {
		r.fail(err)
	}
	out := contract.List{Items: make([]contract.Str, len(items))}
	for i, item := range items {
		out.Items[i] = r.str(item)
	}
	return out
}

// indexedLists reads a map of lists, its keys sorted so that problems
// come out in a stable order.
func (r *terraformReader) indexedLists(v tftypes.Value) contract.Map {
	switch {
	case v.Type() == nil || v.IsNull():
		return contract.Map{Null: true}
	case !v.IsKnown():
		return contract.Map{Unknown: true}
	}
	var members map[string]tftypes.Value
	if err := v.As(&members); err != nil {
		r.fail(err)
	}
	keys := make([]string, 0, len(members))
	for k := range members {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := contract.Map{Entries: make([]contract.Entry, 0, len(keys))}
	for _, k := range keys {
		out.Entries = append(out.Entries, contract.Entry{Key: k, Value: r.list(members[k])})
	}
	return out
}

// resultsFromTerraform reads results; null means none yet.
func resultsFromTerraform(v tftypes.Value) (resultMap, error) {
	out := resultMap{byKey: map[string]recipientResult{}}
	if !v.IsKnown() {
		out.unknown = true
		return out, nil
	}
	if v.IsNull() {
		return out, nil
	}
	var elems map[string]tftypes.Value
	if err := v.As(&elems); err != nil {
		return out, err
	}
	for key, elem := range elems {
		if !elem.IsKnown() || elem.IsNull() {
			continue
		}
		var attrs map[string]tftypes.Value
		if err := elem.As(&attrs); err != nil {
			return out, fmt.Errorf("result %q: %w", key, err)
		}
		str := func(name string) string {
			var s *string
			if err := attrs[name].As(&s); err != nil || s == nil {
				return ""
			}
			return *s
		}
		out.byKey[key] = recipientResult{
			MessageID: str("message_id"), Status: str("status"), Error: str("error"), SentAt: str("sent_at"),
			InputsHash: str("inputs_hash"), AttemptID: str("attempt_id"), DeliveryStatus: str("delivery_status"),
		}
	}
	return out, nil
}

// resultsToTerraform is the state form of results.
func resultsToTerraform(results map[string]recipientResult) tftypes.Value {
	str := func(s string) tftypes.Value {
		if s == "" {
			return tftypes.NewValue(tftypes.String, nil)
		}
		return tftypes.NewValue(tftypes.String, s)
	}
	elems := make(map[string]tftypes.Value, len(results))
	for key, r := range results {
		elems[key] = tftypes.NewValue(campaignResultTerraformType, map[string]tftypes.Value{
			"message_id":      str(r.MessageID),
			"status":          tftypes.NewValue(tftypes.String, r.Status),
			"error":           str(r.Error),
			"sent_at":         str(r.SentAt),
			"inputs_hash":     str(r.InputsHash),
			"attempt_id":      str(r.AttemptID),
			"delivery_status": str(r.DeliveryStatus),
		})
	}
	return tftypes.NewValue(campaignResultsTerraformType, elems)
}
