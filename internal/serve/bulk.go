package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
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

// BulkResource is what Bulk keeps from the framework of one resource.
type BulkResource struct {
	// Attributes are the names of its bulk attributes.
	Attributes []string
	// Upgrades rewrites, for a state saved with an older schema version
	// (the key), a bulk attribute's saved JSON into the form of the
	// current version, as the framework's state upgraders do for the rest
	// of the state (which see the bulk attributes empty). A state saved
	// with an older version that has no entry here is refused: the saved
	// JSON is read with the current type, which may have changed.
	Upgrades map[int64]BulkUpgrade
}

// BulkUpgrade rewrites the saved JSON of the named bulk attribute into the
// current version's form. It is not called for an attribute the saved
// state lacks.
type BulkUpgrade func(attribute string, saved json.RawMessage) (json.RawMessage, error)

// BulkUnchanged is the upgrade of a version whose bulk attributes were
// saved as the current version saves them.
func BulkUnchanged(_ string, saved json.RawMessage) (json.RawMessage, error) { return saved, nil }

// Bulk returns server with the named top-level attributes of the named
// resource types kept from the framework, as the comment at the top of
// this file says. Each must be a map, list or set. A server without the
// protocol's extensions is returned as it is, as by ReleaseContexts.
func Bulk(server tfprotov6.ProviderServer, resources map[string]BulkResource) tfprotov6.ProviderServer {
	full, ok := server.(fullServer)
	if !ok || len(resources) == 0 {
		return server
	}
	return &bulkServer{fullServer: full, resources: resources}
}

type bulkServer struct {
	fullServer
	resources map[string]BulkResource

	once     sync.Once
	types    map[string]map[string]tftypes.Type // resource type → attribute → type
	versions map[string]int64                   // resource type → its schema's version
	typesErr error
}

// values starts the bulk values of a request of typeName, or returns nil
// when typeName has no bulk attributes.
func (s *bulkServer) values(ctx context.Context, typeName string) (*BulkValues, error) {
	if _, ok := s.resources[typeName]; !ok {
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

// readTypes reads the bulk attributes' types and their resources' versions
// from the server's schemas.
func (s *bulkServer) readTypes(ctx context.Context) error {
	schemas, err := s.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		return err
	}
	for _, d := range schemas.Diagnostics {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return fmt.Errorf("the provider's schemas: %s: %s", d.Summary, d.Detail)
		}
	}
	s.types, s.versions = map[string]map[string]tftypes.Type{}, map[string]int64{}
	for typeName, res := range s.resources {
		schema, ok := schemas.ResourceSchemas[typeName]
		if !ok || schema.Block == nil {
			return fmt.Errorf("bulk attributes of %s: no such resource", typeName)
		}
		s.types[typeName], s.versions[typeName] = map[string]tftypes.Type{}, schema.Version
		for _, name := range res.Attributes {
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
	if err != nil {
		return &tfprotov6.ValidateResourceConfigResponse{Diagnostics: bulkError(req.TypeName, err)}, nil
	}
	if b == nil {
		return s.fullServer.ValidateResourceConfig(ctx, req)
	}
	r := *req
	if r.Config, err = b.take(BulkConfig, req.Config); err != nil {
		return &tfprotov6.ValidateResourceConfigResponse{Diagnostics: bulkError(req.TypeName, err)}, nil
	}
	return s.fullServer.ValidateResourceConfig(context.WithValue(ctx, bulkKey{}, b), &r)
}

func (s *bulkServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	b, err := s.values(ctx, req.TypeName)
	if err != nil {
		return &tfprotov6.PlanResourceChangeResponse{Diagnostics: bulkError(req.TypeName, err)}, nil
	}
	if b == nil {
		return s.fullServer.PlanResourceChange(ctx, req)
	}
	r := *req
	if err := b.takeAll(map[BulkSource]**tfprotov6.DynamicValue{
		BulkConfig: &r.Config, BulkProposed: &r.ProposedNewState, BulkPrior: &r.PriorState,
	}); err != nil {
		return &tfprotov6.PlanResourceChangeResponse{Diagnostics: bulkError(req.TypeName, err)}, nil
	}
	resp, err := s.fullServer.PlanResourceChange(context.WithValue(ctx, bulkKey{}, b), &r)
	if err != nil || resp == nil {
		return resp, err
	}
	if resp.PlannedState, err = b.give(resp.PlannedState, BulkProposed); err != nil {
		resp.Diagnostics = append(resp.Diagnostics, bulkError(req.TypeName, err)...)
	}
	return resp, nil
}

// ApplyResourceChange: should the new state not be written, the response
// keeps the prior state, so that Terraform saves what it had.
func (s *bulkServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	b, err := s.values(ctx, req.TypeName)
	if err != nil {
		return &tfprotov6.ApplyResourceChangeResponse{NewState: req.PriorState, Diagnostics: bulkError(req.TypeName, err)}, nil
	}
	if b == nil {
		return s.fullServer.ApplyResourceChange(ctx, req)
	}
	r := *req
	if err := b.takeAll(map[BulkSource]**tfprotov6.DynamicValue{
		BulkConfig: &r.Config, BulkPlanned: &r.PlannedState, BulkPrior: &r.PriorState,
	}); err != nil {
		return &tfprotov6.ApplyResourceChangeResponse{NewState: req.PriorState, Diagnostics: bulkError(req.TypeName, err)}, nil
	}
	resp, err := s.fullServer.ApplyResourceChange(context.WithValue(ctx, bulkKey{}, b), &r)
	if err != nil || resp == nil {
		return resp, err
	}
	newState, err := b.give(resp.NewState, BulkPlanned)
	if err != nil {
		newState = req.PriorState
		resp.Diagnostics = append(resp.Diagnostics, bulkError(req.TypeName, err)...)
	}
	resp.NewState = newState
	return resp, nil
}

func (s *bulkServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	b, err := s.values(ctx, req.TypeName)
	if err != nil {
		return &tfprotov6.ReadResourceResponse{NewState: req.CurrentState, Diagnostics: bulkError(req.TypeName, err)}, nil
	}
	if b == nil {
		return s.fullServer.ReadResource(ctx, req)
	}
	r := *req
	if r.CurrentState, err = b.take(BulkPrior, req.CurrentState); err != nil {
		return &tfprotov6.ReadResourceResponse{NewState: req.CurrentState, Diagnostics: bulkError(req.TypeName, err)}, nil
	}
	resp, err := s.fullServer.ReadResource(context.WithValue(ctx, bulkKey{}, b), &r)
	if err != nil || resp == nil {
		return resp, err
	}
	newState, err := b.give(resp.NewState, BulkPrior)
	if err != nil {
		newState = req.CurrentState
		resp.Diagnostics = append(resp.Diagnostics, bulkError(req.TypeName, err)...)
	}
	resp.NewState = newState
	return resp, nil
}

// UpgradeResourceState takes the bulk attributes from the saved JSON,
// brings them to the current version with the resource's Upgrades, and
// puts them back into the upgraded state. A resource's state upgraders
// see them empty. A state saved by a newer version goes to the framework
// as it is, which refuses it.
func (s *bulkServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	b, err := s.values(ctx, req.TypeName)
	if err != nil {
		return &tfprotov6.UpgradeResourceStateResponse{Diagnostics: bulkError(req.TypeName, err)}, nil
	}
	if b == nil || req.RawState == nil || req.RawState.JSON == nil || req.Version > s.versions[req.TypeName] {
		return s.fullServer.UpgradeResourceState(ctx, req)
	}
	var attrs map[string]json.RawMessage
	if err := json.Unmarshal(req.RawState.JSON, &attrs); err != nil {
		// Not an object: the framework says what is wrong with it.
		return s.fullServer.UpgradeResourceState(ctx, req)
	}
	upgrade := BulkUnchanged
	if req.Version < s.versions[req.TypeName] {
		var ok bool
		if upgrade, ok = s.resources[req.TypeName].Upgrades[req.Version]; !ok {
			return &tfprotov6.UpgradeResourceStateResponse{Diagnostics: bulkError(req.TypeName, fmt.Errorf(
				"the state was saved with schema version %d, and the provider has no upgrade of its bulk attributes from it to version %d",
				req.Version, s.versions[req.TypeName]))}, nil
		}
	}
	for name, typ := range b.types {
		raw, ok := attrs[name]
		if !ok {
			continue
		}
		if raw, err = upgrade(name, raw); err != nil {
			return &tfprotov6.UpgradeResourceStateResponse{Diagnostics: bulkError(req.TypeName,
				tftypes.NewAttributePath().WithAttributeName(name).NewErrorf("upgrading the saved %s from schema version %d: %w", name, req.Version, err))}, nil
		}
		if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
			attrs[name] = raw
			continue
		}
		packed, err := savedMsgpack(raw, typ)
		if err != nil {
			return &tfprotov6.UpgradeResourceStateResponse{Diagnostics: bulkError(req.TypeName, savedAt(name, err))}, nil
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
		return &tfprotov6.UpgradeResourceStateResponse{Diagnostics: bulkError(req.TypeName, err)}, nil
	}
	r := *req
	raw := *req.RawState
	raw.JSON = stripped
	r.RawState = &raw
	resp, err := s.fullServer.UpgradeResourceState(context.WithValue(ctx, bulkKey{}, b), &r)
	if err != nil || resp == nil {
		return resp, err
	}
	if resp.UpgradedState, err = b.give(resp.UpgradedState, BulkPrior); err != nil {
		resp.Diagnostics = append(resp.Diagnostics, bulkError(req.TypeName, err)...)
	}
	return resp, nil
}

// bulkError is err as the diagnostic Terraform shows on the resource: an
// error of the provider itself, never of the configuration. An error with
// an attribute path (tftypes.AttributePathError) is shown at it.
func bulkError(typeName string, err error) []*tfprotov6.Diagnostic {
	d := &tfprotov6.Diagnostic{
		Severity: tfprotov6.DiagnosticSeverityError,
		Summary:  "Bulk Attributes Not Handled",
		Detail: fmt.Sprintf("The provider could not pass the bulk attributes of this %s (the large collections it reads past "+
			"terraform-plugin-framework) between Terraform and the resource: %s. "+
			"This is a bug in the provider: please report it to its maintainers.", typeName, err),
	}
	var at tftypes.AttributePathError
	if errors.As(err, &at) {
		d.Attribute = at.Path
	}
	return []*tfprotov6.Diagnostic{d}
}

// savedAt puts the attribute name at the front of a saved value's error
// path.
func savedAt(name string, err error) error {
	var at tftypes.AttributePathError
	if errors.As(err, &at) {
		return tftypes.NewAttributePathWithSteps(append([]tftypes.AttributePathStep{tftypes.AttributeName(name)},
			at.Path.Steps()...)).NewErrorf("reading the saved %s: %w", name, errors.Unwrap(at))
	}
	return tftypes.NewAttributePath().WithAttributeName(name).NewErrorf("reading the saved %s: %w", name, err)
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
// has in fallback when the framework saw it empty and left it empty, and
// otherwise the framework's.
func (b *BulkValues) give(dv *tfprotov6.DynamicValue, fallback BulkSource) (*tfprotov6.DynamicValue, error) {
	if dv == nil || dv.MsgPack == nil {
		return dv, nil
	}
	out, err := rewriteObject(dv.MsgPack, func(name string, raw []byte) []byte {
		if set, ok := b.out[name]; ok {
			return set
		}
		if _, ok := b.types[name]; ok && b.taken[fallback][name] && emptyValue(raw) {
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

// emptyValue reports whether raw is the msgpack of an empty map, list or
// set, however its length is encoded.
func emptyValue(raw []byte) bool {
	dec := msgpack.NewDecoder(bytes.NewReader(raw))
	code, err := dec.PeekCode()
	if err != nil {
		return false
	}
	n := -1
	switch {
	case msgpcode.IsFixedMap(code) || code == msgpcode.Map16 || code == msgpcode.Map32:
		n, err = dec.DecodeMapLen()
	case msgpcode.IsFixedArray(code) || code == msgpcode.Array16 || code == msgpcode.Array32:
		n, err = dec.DecodeArrayLen()
	}
	return err == nil && n == 0
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
