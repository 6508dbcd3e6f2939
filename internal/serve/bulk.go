package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"
)

// Bulk attributes are top-level collections of a resource that can hold
// tens of thousands of elements (a campaign's recipients and results).
// terraform-plugin-framework (v1.19) walks every value of a request
// several times with a schema lookup at each step (null blocks, defaults,
// computed values, write-only values), and plans a map of nested objects
// in quadratic time (hashicorp/terraform-plugin-framework#775): planning
// 10,000 recipients took the provider ten times what Terraform itself
// needs for the same value. The framework sees in their place an empty
// collection of their type; the resource reads their msgpack with BulkFrom
// and writes what it plans or applies, and the values go back into the
// response as the resource wrote them or as they came. Null and unknown
// values are not taken: they are small, and the framework sees them as
// they are.

// BulkSource names the request value a bulk attribute is read from.
type BulkSource int

const (
	// BulkConfig is the configuration (validate, plan, apply).
	BulkConfig BulkSource = iota
	// BulkProposed is Terraform's proposed new state (plan).
	BulkProposed
	// BulkPrior is the state before the request: plan's and apply's prior
	// state, read's current state.
	BulkPrior
	// BulkPlanned is the planned state (apply).
	BulkPlanned
	bulkSources
)

// BulkValues are one request's bulk attributes, as they came and as the
// resource writes them.
type BulkValues struct {
	types map[string]tftypes.Type
	in    [bulkSources]map[string][]byte // raw msgpack of each attribute, by source
	taken [bulkSources]map[string]bool   // which the framework saw empty
	out   map[string][]byte
}

type bulkKey struct{}

// BulkFrom returns the bulk attributes of the request ctx belongs to, or
// nil when the resource's requests are not served through Bulk.
func BulkFrom(ctx context.Context) *BulkValues {
	b, _ := ctx.Value(bulkKey{}).(*BulkValues)
	return b
}

// Raw is the msgpack of the attribute's value in the source as Terraform
// sent it, typed as the schema says; a null when the source has none (a
// create's prior state).
func (b *BulkValues) Raw(src BulkSource, name string) []byte {
	if raw, ok := b.in[src][name]; ok {
		return raw
	}
	return []byte{msgpcode.Nil}
}

// Set makes raw, the msgpack of a value of the attribute's type, its value
// in the response.
func (b *BulkValues) Set(name string, raw []byte) error {
	if _, ok := b.types[name]; !ok {
		return fmt.Errorf("%s is not a bulk attribute", name)
	}
	b.out[name] = raw
	return nil
}

// Keep makes the attribute's value in the response the one it has in src.
func (b *BulkValues) Keep(src BulkSource, name string) {
	b.out[name] = b.Raw(src, name)
}

// Bulk returns server with the named top-level attributes of the named
// resource types (type name → attribute names) kept from the framework,
// as the comment at the top of this file says. Each must be a map, list
// or set. A server without the protocol's extensions is returned as it
// is, as by ReleaseContexts.
func Bulk(server tfprotov6.ProviderServer, attributes map[string][]string) tfprotov6.ProviderServer {
	full, ok := server.(fullServer)
	if !ok || len(attributes) == 0 {
		return server
	}
	return &bulkServer{fullServer: full, attributes: attributes}
}

type bulkServer struct {
	fullServer
	attributes map[string][]string

	once     sync.Once
	types    map[string]map[string]tftypes.Type // resource type → attribute → type
	typesErr error
}

// values starts the bulk values of a request of typeName, or returns nil
// when typeName has no bulk attributes.
func (s *bulkServer) values(ctx context.Context, typeName string) (*BulkValues, error) {
	if _, ok := s.attributes[typeName]; !ok {
		return nil, nil
	}
	s.once.Do(func() { s.typesErr = s.readTypes(ctx) })
	if s.typesErr != nil {
		return nil, s.typesErr
	}
	b := &BulkValues{types: s.types[typeName], out: map[string][]byte{}}
	for i := range b.in {
		b.in[i], b.taken[i] = map[string][]byte{}, map[string]bool{}
	}
	return b, nil
}

// readTypes reads the bulk attributes' types from the server's schemas.
func (s *bulkServer) readTypes(ctx context.Context) error {
	schemas, err := s.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		return err
	}
	s.types = map[string]map[string]tftypes.Type{}
	for typeName, names := range s.attributes {
		schema, ok := schemas.ResourceSchemas[typeName]
		if !ok || schema.Block == nil {
			return fmt.Errorf("bulk attributes of %s: no such resource", typeName)
		}
		s.types[typeName] = map[string]tftypes.Type{}
		for _, name := range names {
			var typ tftypes.Type
			for _, a := range schema.Block.Attributes {
				if a.Name == name {
					typ = a.ValueType()
				}
			}
			switch typ.(type) {
			case tftypes.Map, tftypes.List, tftypes.Set:
				s.types[typeName][name] = typ
			default:
				return fmt.Errorf("bulk attribute %s of %s: not a map, list or set", name, typeName)
			}
		}
	}
	return nil
}

func (s *bulkServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	b, err := s.values(ctx, req.TypeName)
	if b == nil || err != nil {
		return orCall(err, func() (*tfprotov6.ValidateResourceConfigResponse, error) {
			return s.fullServer.ValidateResourceConfig(ctx, req)
		})
	}
	r := *req
	if r.Config, err = b.take(BulkConfig, req.Config); err != nil {
		return nil, err
	}
	return s.fullServer.ValidateResourceConfig(context.WithValue(ctx, bulkKey{}, b), &r)
}

func (s *bulkServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	b, err := s.values(ctx, req.TypeName)
	if b == nil || err != nil {
		return orCall(err, func() (*tfprotov6.PlanResourceChangeResponse, error) {
			return s.fullServer.PlanResourceChange(ctx, req)
		})
	}
	r := *req
	if err := b.takeAll(map[BulkSource]**tfprotov6.DynamicValue{
		BulkConfig: &r.Config, BulkProposed: &r.ProposedNewState, BulkPrior: &r.PriorState,
	}); err != nil {
		return nil, err
	}
	resp, err := s.fullServer.PlanResourceChange(context.WithValue(ctx, bulkKey{}, b), &r)
	if err == nil && resp != nil {
		resp.PlannedState, err = b.give(resp.PlannedState, BulkProposed)
	}
	return resp, err
}

func (s *bulkServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	b, err := s.values(ctx, req.TypeName)
	if b == nil || err != nil {
		return orCall(err, func() (*tfprotov6.ApplyResourceChangeResponse, error) {
			return s.fullServer.ApplyResourceChange(ctx, req)
		})
	}
	r := *req
	if err := b.takeAll(map[BulkSource]**tfprotov6.DynamicValue{
		BulkConfig: &r.Config, BulkPlanned: &r.PlannedState, BulkPrior: &r.PriorState,
	}); err != nil {
		return nil, err
	}
	resp, err := s.fullServer.ApplyResourceChange(context.WithValue(ctx, bulkKey{}, b), &r)
	if err == nil && resp != nil {
		resp.NewState, err = b.give(resp.NewState, BulkPlanned)
	}
	return resp, err
}

func (s *bulkServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	b, err := s.values(ctx, req.TypeName)
	if b == nil || err != nil {
		return orCall(err, func() (*tfprotov6.ReadResourceResponse, error) { return s.fullServer.ReadResource(ctx, req) })
	}
	r := *req
	if r.CurrentState, err = b.take(BulkPrior, req.CurrentState); err != nil {
		return nil, err
	}
	resp, err := s.fullServer.ReadResource(context.WithValue(ctx, bulkKey{}, b), &r)
	if err == nil && resp != nil {
		resp.NewState, err = b.give(resp.NewState, BulkPrior)
	}
	return resp, err
}

// UpgradeResourceState takes the bulk attributes from the saved JSON, and
// puts them back into the upgraded state. A resource's state upgraders
// see them empty.
func (s *bulkServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	b, err := s.values(ctx, req.TypeName)
	if b == nil || err != nil || req.RawState == nil || req.RawState.JSON == nil {
		return orCall(err, func() (*tfprotov6.UpgradeResourceStateResponse, error) {
			return s.fullServer.UpgradeResourceState(ctx, req)
		})
	}
	var attrs map[string]json.RawMessage
	if err := json.Unmarshal(req.RawState.JSON, &attrs); err != nil {
		// Not an object: the framework says what is wrong with it.
		return s.fullServer.UpgradeResourceState(ctx, req)
	}
	for name, typ := range b.types {
		raw, ok := attrs[name]
		if !ok || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
			continue
		}
		packed, err := savedMsgpack(raw, typ)
		if err != nil {
			return nil, fmt.Errorf("reading the saved %s: %w", name, err)
		}
		b.in[BulkPrior][name], b.taken[BulkPrior][name] = packed, true
		if _, isMap := typ.(tftypes.Map); isMap {
			attrs[name] = json.RawMessage("{}")
		} else {
			attrs[name] = json.RawMessage("[]")
		}
	}
	stripped, err := json.Marshal(attrs)
	if err != nil {
		return nil, err
	}
	r := *req
	raw := *req.RawState
	raw.JSON = stripped
	r.RawState = &raw
	resp, err := s.fullServer.UpgradeResourceState(context.WithValue(ctx, bulkKey{}, b), &r)
	if err == nil && resp != nil {
		resp.UpgradedState, err = b.give(resp.UpgradedState, BulkPrior)
	}
	return resp, err
}

// orCall returns err, or what call returns when err is nil.
func orCall[Resp any](err error, call func() (Resp, error)) (Resp, error) {
	if err != nil {
		var zero Resp
		return zero, err
	}
	return call()
}

func (b *BulkValues) takeAll(values map[BulkSource]**tfprotov6.DynamicValue) error {
	for src, dv := range values {
		taken, err := b.take(src, *dv)
		if err != nil {
			return err
		}
		*dv = taken
	}
	return nil
}

// take records the bulk attributes of dv as src and returns dv with each
// known, non-null one replaced by an empty collection.
func (b *BulkValues) take(src BulkSource, dv *tfprotov6.DynamicValue) (*tfprotov6.DynamicValue, error) {
	if dv == nil || dv.MsgPack == nil {
		return dv, nil
	}
	out, err := rewriteObject(dv.MsgPack, func(name string, raw []byte) []byte {
		typ, ok := b.types[name]
		if !ok {
			return raw
		}
		b.in[src][name] = raw
		if !collectionValue(raw) {
			return raw
		}
		b.taken[src][name] = true
		return emptyCollection(typ)
	})
	if err != nil {
		return nil, fmt.Errorf("reading the request's %s: %w", describeSource(src), err)
	}
	return &tfprotov6.DynamicValue{MsgPack: out}, nil
}

// give returns the framework's response value dv with each bulk
// attribute as the resource set it; one it did not set keeps the value it
// has in fallback when the framework saw it empty, and otherwise the
// framework's.
func (b *BulkValues) give(dv *tfprotov6.DynamicValue, fallback BulkSource) (*tfprotov6.DynamicValue, error) {
	if dv == nil || dv.MsgPack == nil {
		return dv, nil
	}
	out, err := rewriteObject(dv.MsgPack, func(name string, raw []byte) []byte {
		if set, ok := b.out[name]; ok {
			return set
		}
		typ, ok := b.types[name]
		if ok && b.taken[fallback][name] && bytes.Equal(raw, emptyCollection(typ)) {
			return b.in[fallback][name]
		}
		return raw
	})
	if err != nil {
		return nil, fmt.Errorf("writing the response: %w", err)
	}
	return &tfprotov6.DynamicValue{MsgPack: out}, nil
}

// rewriteObject copies the msgpack object raw with each attribute's value
// replaced by what edit returns for it. A null or unknown object is
// returned as it is.
func rewriteObject(raw []byte, edit func(name string, value []byte) []byte) ([]byte, error) {
	r := bytes.NewReader(raw)
	dec := msgpack.NewDecoder(r)
	code, err := dec.PeekCode()
	if err != nil {
		return nil, err
	}
	if code == msgpcode.Nil || msgpcode.IsExt(code) {
		return raw, nil
	}
	n, err := dec.DecodeMapLen()
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.Grow(len(raw))
	enc := msgpack.NewEncoder(&out)
	if err := enc.EncodeMapLen(n); err != nil {
		return nil, err
	}
	for range n {
		name, err := dec.DecodeString()
		if err != nil {
			return nil, err
		}
		start := len(raw) - r.Len()
		if err := dec.Skip(); err != nil {
			return nil, err
		}
		value := raw[start : len(raw)-r.Len()]
		if err := enc.EncodeString(name); err != nil {
			return nil, err
		}
		out.Write(edit(name, value))
	}
	if r.Len() != 0 {
		return nil, fmt.Errorf("%d bytes after the object", r.Len())
	}
	return out.Bytes(), nil
}

// collectionValue reports whether raw is a known, non-null value: not nil
// and not the extension type that marks an unknown.
func collectionValue(raw []byte) bool {
	if len(raw) == 0 {
		return false
	}
	return raw[0] != msgpcode.Nil && !msgpcode.IsExt(raw[0])
}

// emptyCollection is the msgpack of an empty value of typ.
func emptyCollection(typ tftypes.Type) []byte {
	if _, ok := typ.(tftypes.Map); ok {
		return []byte{msgpcode.FixedMapLow}
	}
	return []byte{msgpcode.FixedArrayLow}
}

func describeSource(src BulkSource) string {
	return [...]string{"configuration", "proposed new state", "prior state", "planned state"}[src]
}
