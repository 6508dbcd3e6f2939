package provider

import (
	"context"
	"fmt"
	"math/big"
	"sort"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/interakt-community/terraform-provider-interakt/internal/serve"
)

// Unknown marks a value as unknown in a protocol-level configuration, as
// a reference to another resource is during validate or plan.
var Unknown = unknownMarker{}

type unknownMarker struct{}

// protocolServer serves the provider in process, with no Terraform CLI, for
// tables of configurations driven through ValidateResourceConfig and
// PlanResourceChange.
type protocolServer struct {
	t       testing.TB
	server  tfprotov6.ProviderServer
	schemas *tfprotov6.GetProviderSchemaResponse
}

func newProtocolServer(t testing.TB, s seams) *protocolServer {
	t.Helper()
	return serveProtocol(t, &InteraktProvider{version: "test", seams: s})
}

// serveProtocol serves p in process, as newProtocolServer serves the
// provider.
func serveProtocol(t testing.TB, p provider.Provider) *protocolServer {
	t.Helper()
	server := serve.Server(p, BulkAttributes)
	schemas, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	return &protocolServer{t: t, server: server, schemas: schemas}
}

// configure configures the provider with the given attributes (nil for an
// empty provider block).
func (p *protocolServer) configure(config map[string]any) []*tfprotov6.Diagnostic {
	p.t.Helper()
	resp, err := p.server.ConfigureProvider(context.Background(), &tfprotov6.ConfigureProviderRequest{
		Config: p.dynamic(p.schemas.Provider.ValueType(), config),
	})
	if err != nil {
		p.t.Fatal(err)
	}
	return resp.Diagnostics
}

// validate runs ValidateResourceConfig on a resource configuration.
func (p *protocolServer) validate(typeName string, config map[string]any) []*tfprotov6.Diagnostic {
	p.t.Helper()
	resp, err := p.server.ValidateResourceConfig(context.Background(), &tfprotov6.ValidateResourceConfigRequest{
		TypeName: typeName,
		Config:   p.dynamic(p.resourceType(typeName), config),
	})
	if err != nil {
		p.t.Fatal(err)
	}
	return resp.Diagnostics
}

// planCreate runs PlanResourceChange for a create (no prior state).
func (p *protocolServer) planCreate(typeName string, config map[string]any) *tfprotov6.PlanResourceChangeResponse {
	p.t.Helper()
	typ := p.resourceType(typeName)
	cfg := p.value(typ, config)
	dv := p.toDynamic(typ, cfg)
	resp, err := p.server.PlanResourceChange(context.Background(), &tfprotov6.PlanResourceChangeRequest{
		TypeName:         typeName,
		PriorState:       p.toDynamic(typ, tftypes.NewValue(typ, nil)),
		ProposedNewState: dv,
		Config:           dv,
	})
	if err != nil {
		p.t.Fatal(err)
	}
	return resp
}

func (p *protocolServer) resourceType(typeName string) tftypes.Type {
	s, ok := p.schemas.ResourceSchemas[typeName]
	if !ok {
		p.t.Fatalf("no resource type %q", typeName)
	}
	return s.ValueType()
}

func (p *protocolServer) dynamic(typ tftypes.Type, v any) *tfprotov6.DynamicValue {
	return p.toDynamic(typ, p.value(typ, v))
}

func (p *protocolServer) toDynamic(typ tftypes.Type, v tftypes.Value) *tfprotov6.DynamicValue {
	dv, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		p.t.Fatal(err)
	}
	return &dv
}

// value builds a tftypes.Value of typ from plain Go values: maps for
// objects and maps, slices for lists, strings, ints, bools, nil for null
// and Unknown for unknown. Attributes an object map leaves out are null.
func (p *protocolServer) value(typ tftypes.Type, v any) tftypes.Value {
	p.t.Helper()
	if v == nil {
		return tftypes.NewValue(typ, nil)
	}
	if _, ok := v.(unknownMarker); ok {
		return tftypes.NewValue(typ, tftypes.UnknownValue)
	}
	if typ.Is(tftypes.DynamicPseudoType) {
		return p.value(dynamicType(p.t, v), v)
	}
	switch t := typ.(type) {
	case tftypes.Object:
		in, ok := v.(map[string]any)
		if !ok {
			p.t.Fatalf("want map for object, got %T", v)
		}
		out := make(map[string]tftypes.Value, len(t.AttributeTypes))
		for name, at := range t.AttributeTypes {
			out[name] = p.value(at, in[name])
		}
		for name := range in {
			if _, ok := t.AttributeTypes[name]; !ok {
				p.t.Fatalf("no attribute %q", name)
			}
		}
		return tftypes.NewValue(t, out)
	case tftypes.Map:
		in, ok := v.(map[string]any)
		if !ok {
			p.t.Fatalf("want map, got %T", v)
		}
		out := make(map[string]tftypes.Value, len(in))
		for k, e := range in {
			out[k] = p.value(t.ElementType, e)
		}
		return tftypes.NewValue(t, out)
	case tftypes.List:
		in := toSlice(p.t, v)
		out := make([]tftypes.Value, len(in))
		for i, e := range in {
			out[i] = p.value(t.ElementType, e)
		}
		return tftypes.NewValue(t, out)
	case tftypes.Set:
		in := toSlice(p.t, v)
		out := make([]tftypes.Value, len(in))
		for i, e := range in {
			out[i] = p.value(t.ElementType, e)
		}
		return tftypes.NewValue(t, out)
	case tftypes.Tuple:
		in := toSlice(p.t, v)
		out := make([]tftypes.Value, len(in))
		for i, e := range in {
			out[i] = p.value(t.ElementTypes[i], e)
		}
		return tftypes.NewValue(t, out)
	}
	switch {
	case typ.Is(tftypes.String):
		return tftypes.NewValue(typ, v)
	case typ.Is(tftypes.Number):
		switch n := v.(type) {
		case int:
			return tftypes.NewValue(typ, big.NewFloat(float64(n)))
		case float64:
			return tftypes.NewValue(typ, big.NewFloat(n))
		}
	case typ.Is(tftypes.Bool):
		return tftypes.NewValue(typ, v)
	}
	p.t.Fatalf("cannot build %s from %T", typ, v)
	return tftypes.Value{}
}

// dynamicType is the type HCL gives v in a dynamic attribute: an object
// for a map, a tuple for a slice; an unknown is a string.
func dynamicType(t testing.TB, v any) tftypes.Type {
	switch v := v.(type) {
	case map[string]any:
		attrs := make(map[string]tftypes.Type, len(v))
		for k, e := range v {
			attrs[k] = dynamicType(t, e)
		}
		return tftypes.Object{AttributeTypes: attrs}
	case []any:
		elems := make([]tftypes.Type, len(v))
		for i, e := range v {
			elems[i] = dynamicType(t, e)
		}
		return tftypes.Tuple{ElementTypes: elems}
	case string, unknownMarker:
		return tftypes.String
	case int, float64:
		return tftypes.Number
	case bool:
		return tftypes.Bool
	}
	t.Fatalf("no dynamic type for %T", v)
	return nil
}

func toSlice(t testing.TB, v any) []any {
	switch s := v.(type) {
	case []any:
		return s
	case []string:
		out := make([]any, len(s))
		for i, e := range s {
			out[i] = e
		}
		return out
	}
	t.Fatalf("want slice, got %T", v)
	return nil
}

// diagString renders diagnostics for test failures, one per line, sorted.
func diagString(diags []*tfprotov6.Diagnostic) string {
	lines := make([]string, 0, len(diags))
	for _, d := range diags {
		lines = append(lines, fmt.Sprintf("%s %q at %s: %s", severityName(d.Severity), d.Summary, attrPathString(d.Attribute), d.Detail))
	}
	sort.Strings(lines)
	out := ""
	for _, l := range lines {
		out += l + "\n"
	}
	return out
}

func severityName(s tfprotov6.DiagnosticSeverity) string {
	switch s {
	case tfprotov6.DiagnosticSeverityError:
		return "error"
	case tfprotov6.DiagnosticSeverityWarning:
		return "warning"
	}
	return "invalid"
}

// attrPathString renders a protocol attribute path the way the framework
// writes paths: buttons[2].url, recipients["asha"].phone_number.
func attrPathString(p *tftypes.AttributePath) string {
	if p == nil {
		return "(none)"
	}
	out := ""
	for _, step := range p.Steps() {
		switch s := step.(type) {
		case tftypes.AttributeName:
			if out != "" {
				out += "."
			}
			out += string(s)
		case tftypes.ElementKeyInt:
			out += fmt.Sprintf("[%d]", int64(s))
		case tftypes.ElementKeyString:
			out += fmt.Sprintf("[%q]", string(s))
		}
	}
	return out
}

// wantDiag is an expected diagnostic: severity, summary and path.
type wantDiag struct {
	severity tfprotov6.DiagnosticSeverity
	summary  string
	path     string
}

// findDiag returns the first diagnostic matching w, or nil.
func findDiag(diags []*tfprotov6.Diagnostic, w wantDiag) *tfprotov6.Diagnostic {
	for _, d := range diags {
		if d.Severity == w.severity && d.Summary == w.summary && attrPathString(d.Attribute) == w.path {
			return d
		}
	}
	return nil
}

// applyMessage plans and applies the creation of an
// interakt_template_message, as Terraform does, and returns its new state
// (null when the apply failed) with the diagnostics of both calls.
func (p *protocolServer) applyMessage(config map[string]any) (tftypes.Value, []*tfprotov6.Diagnostic) {
	p.t.Helper()
	typeName := messageType
	typ := p.resourceType(typeName)
	plan := p.planCreate(typeName, config)
	diags := plan.Diagnostics
	if hasErrorDiag(diags) {
		return tftypes.NewValue(typ, nil), diags
	}
	resp, err := p.server.ApplyResourceChange(context.Background(), &tfprotov6.ApplyResourceChangeRequest{
		TypeName:     typeName,
		PriorState:   p.toDynamic(typ, tftypes.NewValue(typ, nil)),
		PlannedState: plan.PlannedState,
		Config:       p.dynamic(typ, config),
	})
	if err != nil {
		p.t.Fatal(err)
	}
	diags = append(diags, resp.Diagnostics...)
	if resp.NewState == nil {
		return tftypes.NewValue(typ, nil), diags
	}
	state, err := resp.NewState.Unmarshal(typ)
	if err != nil {
		p.t.Fatal(err)
	}
	return state, diags
}

// planUpdate plans a change of an existing resource: the proposed state is
// the configuration with the computed attributes of prior, as Terraform
// proposes it.
func (p *protocolServer) planUpdate(typeName string, prior tftypes.Value, config map[string]any) *tfprotov6.PlanResourceChangeResponse {
	p.t.Helper()
	typ := p.resourceType(typeName)
	var priorAttrs map[string]tftypes.Value
	if err := prior.As(&priorAttrs); err != nil {
		p.t.Fatal(err)
	}
	cfg := p.value(typ, config)
	var proposedAttrs map[string]tftypes.Value
	if err := cfg.As(&proposedAttrs); err != nil {
		p.t.Fatal(err)
	}
	for _, a := range p.schemas.ResourceSchemas[typeName].Block.Attributes {
		if a.Computed && !a.Optional {
			proposedAttrs[a.Name] = priorAttrs[a.Name]
		}
	}
	resp, err := p.server.PlanResourceChange(context.Background(), &tfprotov6.PlanResourceChangeRequest{
		TypeName:         typeName,
		PriorState:       p.toDynamic(typ, prior),
		ProposedNewState: p.toDynamic(typ, tftypes.NewValue(typ, proposedAttrs)),
		Config:           p.toDynamic(typ, cfg),
	})
	if err != nil {
		p.t.Fatal(err)
	}
	return resp
}

// stateAttributes returns the attributes of a resource state object.
func stateAttributes(t *testing.T, state tftypes.Value) map[string]tftypes.Value {
	t.Helper()
	if state.IsNull() {
		t.Fatal("no state")
	}
	var attrs map[string]tftypes.Value
	if err := state.As(&attrs); err != nil {
		t.Fatal(err)
	}
	return attrs
}

// stringAttr returns a known string attribute, "" when it is null.
func stringAttr(t *testing.T, attrs map[string]tftypes.Value, name string) string {
	t.Helper()
	v, ok := attrs[name]
	if !ok {
		t.Fatalf("no attribute %q", name)
	}
	var s *string
	if err := v.As(&s); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if s == nil {
		return ""
	}
	return *s
}
