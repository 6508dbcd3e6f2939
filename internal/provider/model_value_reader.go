package provider

import (
	"fmt"
	"math/big"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/interakt-community/terraform-provider-interakt/internal/contract"
)

// Function parameters are typed objects without optional attributes, so
// template_payload takes dynamic arguments and reads them here: objects or
// maps whose members are strings, numbers, bools, lists, tuples or sets,
// converted the way Terraform converts values to the attribute types of
// the same name elsewhere in the provider. Anything unknown is recorded so
// that rules needing it are skipped and the result is unknown.

// valueReader reads one value, collecting the problems of its shape (wrong
// types, unexpected fields) under the value's name. It reads the
// functions' dynamic arguments and, through the same code, a schema's
// typed values (contractFromObject), which never have a shape problem.
type valueReader struct {
	// arg is the value's name as errors show it: "contract" or "values"
	// for a function's argument.
	arg string
	// unknown says some part of the argument is unknown.
	unknown bool
	errs    []string
}

// failf records a shape problem at a path below the argument.
func (r *valueReader) failf(at string, format string, args ...any) {
	r.errs = append(r.errs, r.arg+at+": "+fmt.Sprintf(format, args...))
}

// unwrapDynamic returns the value inside nested dynamic wrappers.
func unwrapDynamic(v attr.Value) attr.Value {
	for {
		d, ok := v.(basetypes.DynamicValue)
		if !ok || d.IsNull() || d.IsUnknown() {
			return v
		}
		v = d.UnderlyingValue()
	}
}

// isUnknown reports whether a member is unknown.
func isUnknown(v attr.Value) bool {
	v = unwrapDynamic(v)
	return v != nil && v.IsUnknown()
}

// state classifies a member: absent or null, unknown, or known.
func (r *valueReader) state(v attr.Value) (null, unknown bool) {
	if v == nil || v.IsNull() {
		return true, false
	}
	if v.IsUnknown() {
		r.unknown = true
		return false, true
	}
	return false, false
}

// fields reads an object or a map, reporting members not in allowed. It
// returns nil, false for a null or unknown value.
func (r *valueReader) fields(v attr.Value, at string, allowed []string) (map[string]attr.Value, bool) {
	v = unwrapDynamic(v)
	if !r.isObject(v, at, allowed) {
		return nil, false
	}
	members := membersOf(v)
	r.checkMembers(members, at, allowed)
	return members, true
}

// isObject reports whether v is a known object or map, recording a shape
// problem when it is something else.
func (r *valueReader) isObject(v attr.Value, at string, allowed []string) bool {
	if null, unknown := r.state(v); null || unknown {
		return false
	}
	switch v.(type) {
	case basetypes.ObjectValue, basetypes.MapValue:
		return true
	}
	r.failf(at, "must be an object such as { %s = ... }, not %s.", allowed[0], describeValue(v))
	return false
}

// membersOf returns the members of an object or a map. It is small enough
// to be inlined, so that a caller's copy of them stays on its stack.
func membersOf(v attr.Value) map[string]attr.Value {
	if o, ok := v.(basetypes.ObjectValue); ok {
		return o.Attributes()
	}
	m, _ := v.(basetypes.MapValue)
	return m.Elements()
}

// checkMembers reports members not in allowed.
func (r *valueReader) checkMembers(members map[string]attr.Value, at string, allowed []string) {
	present := 0
	for _, name := range allowed {
		if _, ok := members[name]; ok {
			present++
		}
	}
	if present == len(members) {
		return // The common case, and a schema's objects: no other member.
	}
	var extra []string
	for name := range members {
		if !slices.Contains(allowed, name) {
			extra = append(extra, name)
		}
	}
	sort.Strings(extra)
	for _, name := range extra {
		r.failf(at, "has no attribute %q; its attributes are %s.", name, strings.Join(allowed, ", "))
	}
}

// elements reads a list, tuple or set.
func (r *valueReader) elements(v attr.Value, at string) ([]attr.Value, bool) {
	switch l := v.(type) {
	case basetypes.TupleValue:
		return l.Elements(), true
	case basetypes.ListValue:
		return l.Elements(), true
	case basetypes.SetValue:
		return l.Elements(), true
	}
	r.failf(at, "must be a list, not %s.", describeValue(v))
	return nil, false
}

// str reads a string, accepting a number or a bool as Terraform would
// convert it.
func (r *valueReader) str(v attr.Value, at string) contract.Str {
	v = unwrapDynamic(v)
	if null, unknown := r.state(v); null {
		return contract.NullStr()
	} else if unknown {
		return contract.UnknownStr()
	}
	switch s := v.(type) {
	case basetypes.StringValue:
		return contract.StrOf(s.ValueString())
	case basetypes.NumberValue:
		return contract.StrOf(s.ValueBigFloat().Text('f', -1))
	case basetypes.Int64Value:
		return contract.StrOf(strconv.FormatInt(s.ValueInt64(), 10))
	case basetypes.BoolValue:
		return contract.StrOf(strconv.FormatBool(s.ValueBool()))
	}
	r.failf(at, "must be a string, not %s.", describeValue(v))
	return contract.UnknownStr()
}

// integer reads a whole number, accepting a string of digits as Terraform
// would convert it. ok is false when the value is null, unknown or not a
// whole number.
func (r *valueReader) integer(v attr.Value, at string) (n int, ok bool) {
	v = unwrapDynamic(v)
	if null, unknown := r.state(v); null || unknown {
		return 0, false
	}
	var f *big.Float
	switch n := v.(type) {
	case basetypes.Int64Value:
		// A schema's Int64: already a whole number.
		return int(n.ValueInt64()), true
	case basetypes.NumberValue:
		f = n.ValueBigFloat()
	case basetypes.StringValue:
		parsed, ok := new(big.Float).SetString(strings.TrimSpace(n.ValueString()))
		if !ok {
			r.failf(at, "must be a whole number, not the string %q.", n.ValueString())
			return 0, false
		}
		f = parsed
	default:
		r.failf(at, "must be a whole number, not %s.", describeValue(v))
		return 0, false
	}
	i, accuracy := f.Int64()
	if !f.IsInt() || accuracy != big.Exact || i < -1<<31 || i > 1<<31-1 {
		r.failf(at, "must be a whole number, not %s.", f.Text('g', -1))
		return 0, false
	}
	return int(i), true
}

// optionalInteger is integer as a pointer, nil when not read.
func (r *valueReader) optionalInteger(v attr.Value, at string) *int {
	if n, ok := r.integer(v, at); ok {
		return &n
	}
	return nil
}

// boolean reads a bool, accepting "true" and "false" as Terraform would
// convert them. ok is false when the value is null, unknown or not a bool.
func (r *valueReader) boolean(v attr.Value, at string) (b, ok bool) {
	v = unwrapDynamic(v)
	if null, unknown := r.state(v); null || unknown {
		return false, false
	}
	switch b := v.(type) {
	case basetypes.BoolValue:
		return b.ValueBool(), true
	case basetypes.StringValue:
		switch b.ValueString() {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	r.failf(at, "must be true or false, not %s.", describeValue(v))
	return false, false
}

// list reads a list of strings.
func (r *valueReader) list(v attr.Value, at string) contract.List {
	v = unwrapDynamic(v)
	if null, unknown := r.state(v); null {
		return contract.List{Null: true}
	} else if unknown {
		return contract.List{Unknown: true}
	}
	elems, ok := r.elements(v, at)
	if !ok {
		return contract.List{Unknown: true}
	}
	out := contract.List{Items: make([]contract.Str, len(elems))}
	for i, e := range elems {
		out.Items[i] = r.str(e, fmt.Sprintf("%s[%d]", at, i))
	}
	return out
}

// indexedLists reads a map of lists of strings keyed by button index,
// sorted by key so that problems come out in a stable order.
func (r *valueReader) indexedLists(v attr.Value, at string) contract.Map {
	v = unwrapDynamic(v)
	if null, unknown := r.state(v); null {
		return contract.Map{Null: true}
	} else if unknown {
		return contract.Map{Unknown: true}
	}
	var members map[string]attr.Value
	switch o := v.(type) {
	case basetypes.ObjectValue:
		members = o.Attributes()
	case basetypes.MapValue:
		members = o.Elements()
	default:
		r.failf(at, "must be a map from button index to a list of strings, such as { \"0\" = [\"...\"] }, not %s.", describeValue(v))
		return contract.Map{Unknown: true}
	}
	keys := make([]string, 0, len(members))
	for k := range members {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := contract.Map{Entries: make([]contract.Entry, 0, len(keys))}
	for _, k := range keys {
		out.Entries = append(out.Entries, contract.Entry{Key: k, Value: r.list(members[k], fmt.Sprintf("%s[%q]", at, k))})
	}
	return out
}

// values reads the values of one message; absent fields are null.
func (r *valueReader) values(v attr.Value) contract.Values {
	members, ok := r.fields(v, "", messageValueFieldNames)
	if !ok {
		return contract.Values{
			CountryCode: contract.UnknownStr(), PhoneNumber: contract.UnknownStr(),
			CallbackData: contract.UnknownStr(), FileName: contract.UnknownStr(),
			HeaderValues: contract.List{Unknown: true}, BodyValues: contract.List{Unknown: true},
			ButtonValues: contract.Map{Unknown: true}, ButtonPayload: contract.Map{Unknown: true},
		}
	}
	return contract.Values{
		CountryCode:   r.str(members["country_code"], ".country_code"),
		PhoneNumber:   r.str(members["phone_number"], ".phone_number"),
		CallbackData:  r.str(members["callback_data"], ".callback_data"),
		FileName:      r.str(members["file_name"], ".file_name"),
		HeaderValues:  r.list(members["header_values"], ".header_values"),
		BodyValues:    r.list(members["body_values"], ".body_values"),
		ButtonValues:  r.indexedLists(members["button_values"], ".button_values"),
		ButtonPayload: r.indexedLists(members["button_payload"], ".button_payload"),
	}
}

// describeValue names a value's kind for shape errors without quoting it:
// a value may be personal data.
func describeValue(v attr.Value) string {
	switch v.(type) {
	case basetypes.StringValue:
		return "a string"
	case basetypes.NumberValue, basetypes.Int64Value, basetypes.Int32Value, basetypes.Float64Value, basetypes.Float32Value:
		return "a number"
	case basetypes.BoolValue:
		return "a bool"
	case basetypes.ObjectValue, basetypes.MapValue:
		return "an object"
	case basetypes.ListValue, basetypes.TupleValue, basetypes.SetValue:
		return "a list"
	}
	return "a value of another type"
}
