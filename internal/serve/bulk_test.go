package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// bulkProvider has one resource, test_list: a map of nested objects,
// items, that is a bulk attribute, and echo, a computed bulk map that its
// plan fills with each item's value and a "!". What the framework saw of
// items in each request is recorded in seen.
type bulkProvider struct {
	seen    *[]int // how many items the framework handed the resource
	version int64  // test_list's schema version
}

func (bulkProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "test"
}
func (bulkProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}
func (bulkProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}
func (p bulkProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return bulkList(p) }}
}
func (bulkProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

type bulkList bulkProvider

type bulkListModel struct {
	Name  types.String `tfsdk:"name"`
	Items types.Map    `tfsdk:"items"`
	Echo  types.Map    `tfsdk:"echo"`
}

func (bulkList) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = "test_list"
}

func (l bulkList) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{Version: l.version, Attributes: map[string]schema.Attribute{
		"name": schema.StringAttribute{Optional: true},
		"items": schema.MapNestedAttribute{Required: true, NestedObject: schema.NestedAttributeObject{
			Attributes: map[string]schema.Attribute{"value": schema.StringAttribute{Optional: true}},
		}},
		"echo": schema.MapAttribute{Computed: true, ElementType: types.StringType},
	}}
}

func (l bulkList) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var m bulkListModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	*l.seen = append(*l.seen, len(m.Items.Elements()))
	b := BulkFrom(ctx)
	items, err := tfprotov6.DynamicValue{MsgPack: b.Raw(BulkProposed, "items")}.Unmarshal(tftypes.Map{ElementType: bulkItemType})
	if err != nil {
		resp.Diagnostics.AddError("items", err.Error())
		return
	}
	var elems map[string]tftypes.Value
	if err := items.As(&elems); err != nil {
		resp.Diagnostics.AddError("items", err.Error())
		return
	}
	echo := map[string]tftypes.Value{}
	for key, elem := range elems {
		var attrs map[string]tftypes.Value
		_ = elem.As(&attrs)
		var v string
		_ = attrs["value"].As(&v)
		echo[key] = tftypes.NewValue(tftypes.String, v+"!")
	}
	echoType := tftypes.Map{ElementType: tftypes.String}
	raw, err := tfprotov6.NewDynamicValue(echoType, tftypes.NewValue(echoType, echo))
	if err == nil {
		err = b.Set("echo", raw.MsgPack)
	}
	if err != nil {
		resp.Diagnostics.AddError("echo", err.Error())
	}
}

// UpgradeState keeps the state of every older version as it is: what
// changed between versions is in the bulk attributes, which the
// framework's upgraders see empty.
func (l bulkList) UpgradeState(context.Context) map[int64]resource.StateUpgrader {
	keep := resource.StateUpgrader{StateUpgrader: func(_ context.Context, req resource.UpgradeStateRequest, resp *resource.UpgradeStateResponse) {
		resp.DynamicValue = &tfprotov6.DynamicValue{JSON: req.RawState.JSON}
	}}
	out := map[int64]resource.StateUpgrader{}
	for v := range l.version {
		out[v] = keep
	}
	return out
}

func (bulkList) Create(context.Context, resource.CreateRequest, *resource.CreateResponse) {}
func (bulkList) Read(context.Context, resource.ReadRequest, *resource.ReadResponse)       {}
func (bulkList) Update(context.Context, resource.UpdateRequest, *resource.UpdateResponse) {}
func (bulkList) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

var (
	bulkItemType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{"value": tftypes.String}}
	bulkListType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"name":  tftypes.String,
		"items": tftypes.Map{ElementType: bulkItemType},
		"echo":  tftypes.Map{ElementType: tftypes.String},
	}}
)

func bulkTestServer(t *testing.T) (tfprotov6.ProviderServer, *[]int) {
	t.Helper()
	var seen []int
	server := Bulk(ReleaseContexts(providerserver.NewProtocol6(bulkProvider{seen: &seen})()),
		map[string]BulkResource{"test_list": {Attributes: []string{"items", "echo"}}})
	return server, &seen
}

func bulkListValue(t *testing.T, items tftypes.Value, echo tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	dv, err := tfprotov6.NewDynamicValue(bulkListType, tftypes.NewValue(bulkListType, map[string]tftypes.Value{
		"name": tftypes.NewValue(tftypes.String, "x"), "items": items, "echo": echo,
	}))
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

func bulkItems(values map[string]string) tftypes.Value {
	elems := map[string]tftypes.Value{}
	for k, v := range values {
		elems[k] = tftypes.NewValue(bulkItemType, map[string]tftypes.Value{"value": tftypes.NewValue(tftypes.String, v)})
	}
	return tftypes.NewValue(tftypes.Map{ElementType: bulkItemType}, elems)
}

func attrOf(t *testing.T, dv *tfprotov6.DynamicValue, name string) tftypes.Value {
	t.Helper()
	v, err := dv.Unmarshal(bulkListType)
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		t.Fatal(err)
	}
	return attrs[name]
}

// TestBulkPlanKeepsItemsFromTheFramework plans a test_list of three items:
// the framework hands the resource none of them, the resource reads all
// three past it, and the planned state holds the items as proposed and
// the echo the resource wrote.
func TestBulkPlanKeepsItemsFromTheFramework(t *testing.T) {
	server, seen := bulkTestServer(t)
	items := bulkItems(map[string]string{"a": "1", "b": "2", "c": "3"})
	unknownEcho := tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, tftypes.UnknownValue)
	nullEcho := tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, nil)
	prior, err := tfprotov6.NewDynamicValue(bulkListType, tftypes.NewValue(bulkListType, nil))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.PlanResourceChange(context.Background(), &tfprotov6.PlanResourceChangeRequest{
		TypeName:         "test_list",
		PriorState:       &prior,
		Config:           bulkListValue(t, items, nullEcho),
		ProposedNewState: bulkListValue(t, items, unknownEcho),
	})
	if err != nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("plan: %v %v", err, resp.Diagnostics)
	}
	if len(*seen) != 1 || (*seen)[0] != 0 {
		t.Errorf("the framework handed the resource %v items, want [0]", *seen)
	}
	if got := attrOf(t, resp.PlannedState, "items"); !got.Equal(items) {
		t.Errorf("planned items = %v, want %v", got, items)
	}
	wantEcho := tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, map[string]tftypes.Value{
		"a": tftypes.NewValue(tftypes.String, "1!"), "b": tftypes.NewValue(tftypes.String, "2!"), "c": tftypes.NewValue(tftypes.String, "3!"),
	})
	if got := attrOf(t, resp.PlannedState, "echo"); !got.Equal(wantEcho) {
		t.Errorf("planned echo = %v, want %v", got, wantEcho)
	}
}

// TestBulkUnknownAndNullReachTheFramework: an unknown items map is not
// taken, so the framework and the resource see it unknown.
func TestBulkUnknownAndNullReachTheFramework(t *testing.T) {
	typ := tftypes.Map{ElementType: bulkItemType}
	var b BulkValues
	b.types = map[string]tftypes.Type{"items": typ, "echo": tftypes.Map{ElementType: tftypes.String}}
	for i := range b.in {
		b.in[i], b.taken[i] = map[string][]byte{}, map[string]bool{}
	}
	b.out = map[string][]byte{}
	in := bulkListValue(t, tftypes.NewValue(typ, tftypes.UnknownValue), tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, nil))
	taken, err := b.take(BulkConfig, in)
	if err != nil {
		t.Fatal(err)
	}
	if got := attrOf(t, taken, "items"); got.IsKnown() {
		t.Errorf("the framework sees items %v, want unknown", got)
	}
	read := func(src BulkSource, name string) tftypes.Value {
		v, err := tfprotov6.DynamicValue{MsgPack: b.Raw(src, name)}.Unmarshal(b.types[name])
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if v := read(BulkConfig, "items"); v.IsKnown() {
		t.Errorf("the resource reads items %v, want unknown", v)
	}
	if v := read(BulkConfig, "echo"); !v.IsNull() {
		t.Errorf("echo = %v, want null", v)
	}
	if v := read(BulkPrior, "items"); !v.IsNull() {
		t.Errorf("items of an absent prior state = %v, want null", v)
	}
}

// TestBulkReadAndUpgradeKeepWhatTheResourceLeaves: a read that writes no
// bulk attribute returns them as they were, and a state upgrade reads
// them from the saved JSON.
func TestBulkReadAndUpgradeKeepWhatTheResourceLeaves(t *testing.T) {
	server, _ := bulkTestServer(t)
	ctx := context.Background()
	items := bulkItems(map[string]string{"a": "1", "b": "2"})
	echo := tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, map[string]tftypes.Value{"a": tftypes.NewValue(tftypes.String, "1!")})
	read, err := server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: "test_list", CurrentState: bulkListValue(t, items, echo)})
	if err != nil || len(read.Diagnostics) > 0 {
		t.Fatalf("read: %v %v", err, read.Diagnostics)
	}
	if got := attrOf(t, read.NewState, "items"); !got.Equal(items) {
		t.Errorf("read items = %v, want %v", got, items)
	}
	if got := attrOf(t, read.NewState, "echo"); !got.Equal(echo) {
		t.Errorf("read echo = %v, want %v", got, echo)
	}

	saved := `{"name":"x","items":{"a":{"value":"1"},"b":{"value":"2"}},"echo":{"a":"1!"}}`
	up, err := server.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{
		TypeName: "test_list", RawState: &tfprotov6.RawState{JSON: []byte(saved)},
	})
	if err != nil || len(up.Diagnostics) > 0 {
		t.Fatalf("upgrade: %v %v", err, up.Diagnostics)
	}
	if got := attrOf(t, up.UpgradedState, "items"); !got.Equal(items) {
		t.Errorf("upgraded items = %v, want %v", got, items)
	}
	if got := attrOf(t, up.UpgradedState, "echo"); !got.Equal(echo) {
		t.Errorf("upgraded echo = %v, want %v", got, echo)
	}
}

// expectBulkError fails unless diags are one error about the bulk
// attributes of test_list, at the attribute path at when it is not nil.
func expectBulkError(t *testing.T, request string, err error, diags []*tfprotov6.Diagnostic, at *tftypes.AttributePath) {
	t.Helper()
	if err != nil {
		t.Errorf("%s: a Go error, which Terraform shows as an rpc error: %v", request, err)
		return
	}
	if len(diags) != 1 {
		t.Errorf("%s: %d diagnostics, want one: %v", request, len(diags), diags)
		return
	}
	d := diags[0]
	if d.Severity != tfprotov6.DiagnosticSeverityError || d.Summary != "Bulk Attributes Not Handled" || !strings.Contains(d.Detail, "test_list") {
		t.Errorf("%s: %s %q: %s; want an error naming test_list", request, d.Severity, d.Summary, d.Detail)
	}
	if at != nil && !d.Attribute.Equal(at) {
		t.Errorf("%s: the diagnostic is at %v, want %v", request, d.Attribute, at)
	}
}

// TestBulkErrorsAreDiagnostics: what the seam cannot do reaches Terraform
// as an error diagnostic naming the resource type, in every request, not
// as a Go error.
func TestBulkErrorsAreDiagnostics(t *testing.T) {
	server, _ := bulkTestServer(t)
	ctx := context.Background()
	broken := &tfprotov6.DynamicValue{MsgPack: []byte{0x81, 0xa1, 'a'}}
	good := bulkListValue(t, bulkItems(map[string]string{"a": "1"}), tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, nil))

	validate, err := server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: "test_list", Config: broken})
	expectBulkError(t, "validate", err, validate.Diagnostics, nil)
	plan, err := server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
		TypeName: "test_list", Config: good, ProposedNewState: broken, PriorState: good,
	})
	expectBulkError(t, "plan", err, plan.Diagnostics, nil)
	apply, err := server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
		TypeName: "test_list", Config: good, PlannedState: broken, PriorState: good,
	})
	expectBulkError(t, "apply", err, apply.Diagnostics, nil)
	if apply.NewState != good {
		t.Errorf("a failed apply's new state is %v, want the prior state kept", apply.NewState)
	}
	read, err := server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: "test_list", CurrentState: broken})
	expectBulkError(t, "read", err, read.Diagnostics, nil)

	saved := `{"name":"x","items":{"a":{"value":["1"]}},"echo":null}`
	up, err := server.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{
		TypeName: "test_list", RawState: &tfprotov6.RawState{JSON: []byte(saved)},
	})
	expectBulkError(t, "upgrade", err, up.Diagnostics,
		tftypes.NewAttributePath().WithAttributeName("items").WithElementKeyString("a").WithAttributeName("value"))

	// A bulk attribute that is no collection fails every request of the
	// resource, and no other resource's.
	misnamed := Bulk(providerserver.NewProtocol6(bulkProvider{seen: new([]int)})(),
		map[string]BulkResource{"test_list": {Attributes: []string{"name"}}})
	validate, err = misnamed.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: "test_list", Config: good})
	expectBulkError(t, "validate with a misnamed attribute", err, validate.Diagnostics, nil)
	if validate != nil && len(validate.Diagnostics) == 1 && !strings.Contains(validate.Diagnostics[0].Detail, "not a map, list or set") {
		t.Errorf("the error does not say what is wrong: %s", validate.Diagnostics[0].Detail)
	}
}

// TestBulkGiveComparesValues: the framework's response keeps a bulk
// attribute the resource did not write when its value is an empty map,
// however the length is encoded, and not when it holds anything.
func TestBulkGiveComparesValues(t *testing.T) {
	typ := tftypes.Map{ElementType: bulkItemType}
	var b BulkValues
	b.types = map[string]tftypes.Type{"items": typ}
	for i := range b.in {
		b.in[i], b.taken[i] = map[string][]byte{}, map[string]bool{}
	}
	b.out = map[string][]byte{}
	proposed := []byte{0x81, 0xa1, 'a', 0x81, 0xa5, 'v', 'a', 'l', 'u', 'e', 0xa1, '1'}
	b.in[BulkProposed]["items"], b.taken[BulkProposed]["items"] = proposed, true
	items := []byte{0x81, 0xa5, 'i', 't', 'e', 'm', 's'}
	for name, tt := range map[string]struct {
		framework []byte
		want      []byte
	}{
		"fixed map":                  {[]byte{0x80}, proposed},
		"map16":                      {[]byte{0xde, 0, 0}, proposed},
		"map32":                      {[]byte{0xdf, 0, 0, 0, 0}, proposed},
		"a map the framework filled": {[]byte{0x81, 0xa1, 'b', 0xc0}, []byte{0x81, 0xa1, 'b', 0xc0}},
		"null":                       {[]byte{0xc0}, []byte{0xc0}},
	} {
		out, err := b.give(&tfprotov6.DynamicValue{MsgPack: append(slices.Clone(items), tt.framework...)}, BulkProposed)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if want := append(slices.Clone(items), tt.want...); !bytes.Equal(out.MsgPack, want) {
			t.Errorf("%s: gave % x, want % x", name, out.MsgPack, want)
		}
	}
	if _, err := b.give(&tfprotov6.DynamicValue{MsgPack: []byte{0x81, 0xa1}}, BulkProposed); err == nil {
		t.Error("a truncated response was given")
	}
}

// TestBulkUpgradeRewritesSavedVersions upgrades a test_list saved with
// schema version 1, whose items' value was named text, to version 2: the
// resource's Upgrades entry for version 1 renames it, and is not called
// for a state of the current version. A version with no entry is
// refused, not read with today's type (which would make every value null).
func TestBulkUpgradeRewritesSavedVersions(t *testing.T) {
	ctx := context.Background()
	var calls []string
	renameText := func(attribute string, saved json.RawMessage) (json.RawMessage, error) {
		calls = append(calls, attribute)
		if attribute != "items" {
			return saved, nil
		}
		var items map[string]map[string]any
		if err := json.Unmarshal(saved, &items); err != nil {
			return nil, err
		}
		for _, item := range items {
			item["value"] = item["text"]
			delete(item, "text")
		}
		return json.Marshal(items)
	}
	newServer := func(upgrades map[int64]BulkUpgrade) tfprotov6.ProviderServer {
		return Bulk(providerserver.NewProtocol6(bulkProvider{seen: new([]int), version: 2})(),
			map[string]BulkResource{"test_list": {Attributes: []string{"items", "echo"}, Upgrades: upgrades}})
	}
	upgrade := func(server tfprotov6.ProviderServer, version int64, saved string) *tfprotov6.UpgradeResourceStateResponse {
		t.Helper()
		resp, err := server.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{
			TypeName: "test_list", Version: version, RawState: &tfprotov6.RawState{JSON: []byte(saved)},
		})
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	server := newServer(map[int64]BulkUpgrade{1: renameText, 0: BulkUnchanged})
	want := bulkItems(map[string]string{"a": "1", "b": "2"})

	resp := upgrade(server, 1, `{"name":"x","items":{"a":{"text":"1"},"b":{"text":"2"}},"echo":{"a":"1!"}}`)
	if len(resp.Diagnostics) > 0 {
		t.Fatalf("upgrade from version 1: %v", resp.Diagnostics)
	}
	if got := attrOf(t, resp.UpgradedState, "items"); !got.Equal(want) {
		t.Errorf("items upgraded from version 1 = %v, want %v", got, want)
	}
	slices.Sort(calls)
	if !slices.Equal(calls, []string{"echo", "items"}) {
		t.Errorf("the upgrade was called for %v, want echo and items", calls)
	}

	calls = nil
	resp = upgrade(server, 2, `{"name":"x","items":{"a":{"value":"1"},"b":{"value":"2"}},"echo":null}`)
	if len(resp.Diagnostics) > 0 || len(calls) > 0 {
		t.Fatalf("a state of the current version: %v, upgrades called for %v", resp.Diagnostics, calls)
	}
	if got := attrOf(t, resp.UpgradedState, "items"); !got.Equal(want) {
		t.Errorf("items of the current version = %v, want %v", got, want)
	}

	resp = upgrade(newServer(nil), 1, `{"name":"x","items":{"a":{"text":"1"}},"echo":null}`)
	expectBulkError(t, "upgrade from a version with no entry", nil, resp.Diagnostics, nil)
	if len(resp.Diagnostics) == 1 && !strings.Contains(resp.Diagnostics[0].Detail, "schema version 1") {
		t.Errorf("the error does not name the saved version: %s", resp.Diagnostics[0].Detail)
	}

	failing := func(string, json.RawMessage) (json.RawMessage, error) { return nil, errors.New("no text") }
	resp = upgrade(newServer(map[int64]BulkUpgrade{1: failing}), 1, `{"name":"x","items":{},"echo":null}`)
	expectBulkError(t, "a failed upgrade", nil, resp.Diagnostics, nil)
}
