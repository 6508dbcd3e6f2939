package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// traitElements returns the elements of traits, an object or a map in a
// dynamic value, and false when traits is null, unknown or another type.
// HCL's { amount = 2000, vip = true } is an object whose attributes keep
// their types, which is how a number stays a number.
func traitElements(traits types.Dynamic) (map[string]attr.Value, bool) {
	if traits.IsNull() || traits.IsUnknown() || traits.IsUnderlyingValueNull() || traits.IsUnderlyingValueUnknown() {
		return nil, false
	}
	switch v := traits.UnderlyingValue().(type) {
	case types.Object:
		return v.Attributes(), true
	case types.Map:
		return v.Elements(), true
	}
	return nil, false
}

// traitDiagnostics checks traits: an object (or map) of names to strings,
// numbers or booleans. Unknown values are skipped; ModifyPlan checks them
// again once known.
func traitDiagnostics(traits types.Dynamic) diag.Diagnostics {
	var diags diag.Diagnostics
	if traits.IsNull() || traits.IsUnknown() || traits.IsUnderlyingValueNull() || traits.IsUnderlyingValueUnknown() {
		return diags
	}
	elems, ok := traitElements(traits)
	if !ok {
		diags.AddAttributeError(path.Root("traits"), "Invalid Traits",
			fmt.Sprintf("traits is a %s; give an object of trait names to strings, numbers or booleans, such as { plan = \"gold\", amount = 2000, vip = true }. Nothing was sent.",
				typeName(traits.UnderlyingValue())))
		return diags
	}
	for _, name := range slices.Sorted(maps.Keys(elems)) {
		at := path.Root("traits").AtMapKey(name)
		v := elems[name]
		switch {
		case name == "":
			diags.AddAttributeError(at, "Empty Trait Name", "A trait has an empty name. Give every trait a name, or remove it. Nothing was sent.")
		case v.IsUnknown():
			// Known by apply; ModifyPlan checks it then.
		case v.IsNull():
			diags.AddAttributeError(at, "Null Trait Value",
				fmt.Sprintf("Trait %q is null. The Track Users API cannot remove a trait; give it a string, number or boolean, or leave it out of traits. Nothing was sent.", name))
		default:
			if _, flat := traitJSON(v); !flat {
				diags.AddAttributeError(at, "Nested Trait Value",
					fmt.Sprintf("Trait %q is a %s. Interakt's traits are flat: each is a string, number or boolean (a date as an RFC 3339 string). "+
						"Give nested data as several traits, such as address_city and address_pin, or as a JSON string with jsonencode. Nothing was sent.",
						name, typeName(v)))
			}
		}
	}
	return diags
}

// traitJSON encodes a known trait value as JSON, keeping its type: a
// number is written exactly as given (2000, not "2000" or 2e3). ok is false
// for values Interakt's flat traits cannot hold.
func traitJSON(v attr.Value) (json.RawMessage, bool) {
	var data []byte
	var err error
	switch v := v.(type) {
	case types.String:
		data, err = json.Marshal(v.ValueString())
	case types.Bool:
		data, err = json.Marshal(v.ValueBool())
	case types.Number:
		return json.RawMessage(numberText(v.ValueBigFloat())), true
	case types.Int64:
		return json.RawMessage(numberText(new(big.Float).SetInt64(v.ValueInt64()))), true
	case types.Float64:
		return json.RawMessage(numberText(big.NewFloat(v.ValueFloat64()))), true
	default:
		return nil, false
	}
	return data, err == nil
}

// numberText writes f as a JSON number: integers in full, others in the
// shortest decimal form that reads back as f.
func numberText(f *big.Float) string {
	if f == nil {
		return "0"
	}
	if f.IsInt() {
		i, _ := f.Int(nil)
		return i.String()
	}
	return f.Text('g', -1)
}

// traitsPayload returns the traits to send: every element, encoded. Call
// it with traits that passed traitDiagnostics and are known.
func traitsPayload(traits types.Dynamic) (map[string]json.RawMessage, diag.Diagnostics) {
	var diags diag.Diagnostics
	elems, ok := traitElements(traits)
	if !ok {
		return nil, diags
	}
	out := make(map[string]json.RawMessage, len(elems))
	for name, v := range elems {
		data, flat := traitJSON(v)
		if !flat || v.IsNull() || v.IsUnknown() {
			diags.AddAttributeError(path.Root("traits").AtMapKey(name), "Invalid Trait Value",
				fmt.Sprintf("Trait %q is not a known string, number or boolean at apply. Nothing was sent.", name))
			continue
		}
		out[name] = data
	}
	return out, diags
}

// traitValue converts a trait's JSON as Interakt holds it into a Terraform
// value: strings, numbers and booleans keep their types; anything else is
// kept as its JSON text.
func traitValue(raw json.RawMessage) attr.Value {
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return types.StringValue(string(raw))
	}
	switch v := v.(type) {
	case nil:
		return types.StringNull()
	case string:
		return types.StringValue(v)
	case bool:
		return types.BoolValue(v)
	case json.Number:
		f, _, err := big.ParseFloat(v.String(), 10, 512, big.ToNearestEven)
		if err != nil {
			return types.StringValue(v.String())
		}
		return types.NumberValue(f)
	}
	return types.StringValue(string(raw))
}

// sameTrait tells whether a value of the configuration and one Interakt
// holds are the same trait value: same JSON type and, for numbers, the
// same number however written.
func sameTrait(v attr.Value, remote json.RawMessage) bool {
	local, ok := traitJSON(v)
	if !ok || v.IsNull() || v.IsUnknown() {
		return false
	}
	r := traitValue(remote)
	if ln, ok := v.(types.Number); ok {
		rn, ok := r.(types.Number)
		return ok && ln.ValueBigFloat().Cmp(rn.ValueBigFloat()) == 0
	}
	rl, ok := traitJSON(r)
	return ok && string(rl) == string(local)
}

// traitsObject builds the dynamic value of an object of traits.
func traitsObject(elems map[string]attr.Value) types.Dynamic {
	typesOf := make(map[string]attr.Type, len(elems))
	for name, v := range elems {
		typesOf[name] = v.Type(context.Background())
	}
	obj, diags := types.ObjectValue(typesOf, elems)
	if diags.HasError() {
		return types.DynamicNull()
	}
	return types.DynamicValue(obj)
}

// managedTraits returns state's traits with each value replaced by the
// one Interakt holds, when it differs, and null when Interakt has none:
// only the traits state manages are compared, so traits set elsewhere are
// never drift. changed is false when every managed trait matches.
func managedTraits(state types.Dynamic, remote map[string]json.RawMessage) (types.Dynamic, bool) {
	elems, ok := traitElements(state)
	if !ok {
		return state, false
	}
	out := make(map[string]attr.Value, len(elems))
	changed := false
	for name, v := range elems {
		raw, found := remote[name]
		switch {
		case !found:
			// Interakt lacks it: a null string, so that the plan sets it again.
			out[name] = types.StringNull()
			changed = true
		case sameTrait(v, raw):
			out[name] = v
		default:
			out[name] = traitValue(raw)
			changed = true
		}
	}
	if !changed {
		return state, false
	}
	// A changed element may change its type, which only an object allows.
	return traitsObject(out), true
}

// allTraits is every trait Interakt holds, for an imported user.
func allTraits(remote map[string]json.RawMessage) types.Dynamic {
	if len(remote) == 0 {
		return types.DynamicNull()
	}
	elems := make(map[string]attr.Value, len(remote))
	for name, raw := range remote {
		elems[name] = traitValue(raw)
	}
	return traitsObject(elems)
}

// traitsHeld tells whether every trait of plan is in prior with the same
// value: prior is what the last refresh read from Interakt.
func traitsHeld(plan, prior types.Dynamic) bool {
	planned, _ := traitElements(plan)
	held, _ := traitElements(prior)
	for name, v := range planned {
		h, ok := held[name]
		if !ok {
			return false
		}
		data, ok := traitJSON(h)
		if !ok || h.IsNull() || !sameTrait(v, data) {
			return false
		}
	}
	return true
}

// droppedTraits lists the traits of prior that plan no longer has.
func droppedTraits(plan, prior types.Dynamic) []string {
	planned, _ := traitElements(plan)
	held, _ := traitElements(prior)
	var out []string
	for name := range held {
		if _, ok := planned[name]; !ok {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

func typeName(v attr.Value) string {
	switch v.(type) {
	case types.Object:
		return "object"
	case types.Map:
		return "map"
	case types.List, types.Tuple, types.Set:
		return "list"
	case types.String:
		return "string"
	case types.Number, types.Int64, types.Float64:
		return "number"
	case types.Bool:
		return "bool"
	}
	return v.Type(context.Background()).String()
}
