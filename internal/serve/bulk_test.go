package serve

import (
	"context"
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
	seen *[]int // how many items the framework handed the resource
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

func (bulkList) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
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
		map[string][]string{"test_list": {"items", "echo"}})
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

// TestBulkRejectsBrokenValues: a value that is not a msgpack object is an
// error, not a request the framework gets half of.
func TestBulkRejectsBrokenValues(t *testing.T) {
	server, _ := bulkTestServer(t)
	_, err := server.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{
		TypeName: "test_list", CurrentState: &tfprotov6.DynamicValue{MsgPack: []byte{0x81, 0xa1, 'a'}},
	})
	if err == nil {
		t.Fatal("a truncated object was read")
	}
}
