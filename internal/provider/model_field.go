package provider

import (
	aschema "github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

// Objects the provider shows in several schemas (the contract, a
// message's values) are defined once, as a list of modelField; their
// attribute types and their schema attributes are derived here.

// fieldKind is the type of a modelField.
type fieldKind int

const (
	fieldString fieldKind = iota
	fieldInt64
	fieldBool
	fieldStringList
	// fieldIndexedLists is a map from button index to a list of strings.
	fieldIndexedLists
	// fieldObjectList is a list of objects with the field's nested
	// attributes.
	fieldObjectList
)

// modelField is one attribute of an object defined once for every schema
// that shows it.
type modelField struct {
	name string
	kind fieldKind
	// required: the input forms require the attribute; the others are
	// optional there. The computed form has neither.
	required bool
	desc     string
	nested   []modelField
}

// attrType is the framework type of a field.
func (f modelField) attrType() attr.Type {
	switch f.kind {
	case fieldInt64:
		return types.Int64Type
	case fieldBool:
		return types.BoolType
	case fieldStringList:
		return types.ListType{ElemType: types.StringType}
	case fieldIndexedLists:
		return types.MapType{ElemType: types.ListType{ElemType: types.StringType}}
	case fieldObjectList:
		return types.ListType{ElemType: types.ObjectType{AttrTypes: fieldAttrTypes(f.nested)}}
	default:
		return types.StringType
	}
}

func fieldAttrTypes(fields []modelField) map[string]attr.Type {
	out := make(map[string]attr.Type, len(fields))
	for _, f := range fields {
		out[f.name] = f.attrType()
	}
	return out
}

func fieldNames(fields []modelField) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = f.name
	}
	return out
}

// resourceFieldAttributes are fields as resource schema attributes: all
// computed, or required and optional as each field says.
func resourceFieldAttributes(fields []modelField, computed bool) map[string]schema.Attribute {
	out := make(map[string]schema.Attribute, len(fields))
	for _, f := range fields {
		required, optional := f.required && !computed, !f.required && !computed
		switch f.kind {
		case fieldString:
			out[f.name] = schema.StringAttribute{MarkdownDescription: f.desc, Required: required, Optional: optional, Computed: computed}
		case fieldInt64:
			out[f.name] = schema.Int64Attribute{MarkdownDescription: f.desc, Required: required, Optional: optional, Computed: computed}
		case fieldBool:
			out[f.name] = schema.BoolAttribute{MarkdownDescription: f.desc, Required: required, Optional: optional, Computed: computed}
		case fieldStringList:
			out[f.name] = schema.ListAttribute{MarkdownDescription: f.desc, Required: required, Optional: optional, Computed: computed,
				ElementType: types.StringType}
		case fieldIndexedLists:
			out[f.name] = schema.MapAttribute{MarkdownDescription: f.desc, Required: required, Optional: optional, Computed: computed,
				ElementType: types.ListType{ElemType: types.StringType}}
		case fieldObjectList:
			out[f.name] = schema.ListNestedAttribute{
				MarkdownDescription: f.desc, Required: required, Optional: optional, Computed: computed,
				NestedObject: schema.NestedAttributeObject{Attributes: resourceFieldAttributes(f.nested, computed)},
			}
		default:
			panic("unknown field kind of " + f.name)
		}
	}
	return out
}

// actionFieldAttributes are fields as action schema attributes, which are
// never computed.
func actionFieldAttributes(fields []modelField) map[string]aschema.Attribute {
	out := make(map[string]aschema.Attribute, len(fields))
	for _, f := range fields {
		required, optional := f.required, !f.required
		switch f.kind {
		case fieldString:
			out[f.name] = aschema.StringAttribute{MarkdownDescription: f.desc, Required: required, Optional: optional}
		case fieldInt64:
			out[f.name] = aschema.Int64Attribute{MarkdownDescription: f.desc, Required: required, Optional: optional}
		case fieldBool:
			out[f.name] = aschema.BoolAttribute{MarkdownDescription: f.desc, Required: required, Optional: optional}
		case fieldStringList:
			out[f.name] = aschema.ListAttribute{MarkdownDescription: f.desc, Required: required, Optional: optional, ElementType: types.StringType}
		case fieldIndexedLists:
			out[f.name] = aschema.MapAttribute{MarkdownDescription: f.desc, Required: required, Optional: optional,
				ElementType: types.ListType{ElemType: types.StringType}}
		case fieldObjectList:
			out[f.name] = aschema.ListNestedAttribute{
				MarkdownDescription: f.desc, Required: required, Optional: optional,
				NestedObject: aschema.NestedAttributeObject{Attributes: actionFieldAttributes(f.nested)},
			}
		default:
			panic("unknown field kind of " + f.name)
		}
	}
	return out
}

// nullIfEmpty is s, or null when s is empty.
func nullIfEmpty(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// fullyKnown reports whether v and everything inside it is known.
func fullyKnown(v attr.Value) bool {
	if v == nil || v.IsUnknown() {
		return false
	}
	if v.IsNull() {
		return true
	}
	var inner []attr.Value
	switch c := v.(type) {
	case basetypes.ObjectValue:
		for _, a := range c.Attributes() {
			inner = append(inner, a)
		}
	case basetypes.ListValue:
		inner = c.Elements()
	case basetypes.SetValue:
		inner = c.Elements()
	case basetypes.MapValue:
		for _, e := range c.Elements() {
			inner = append(inner, e)
		}
	}
	for _, e := range inner {
		if !fullyKnown(e) {
			return false
		}
	}
	return true
}
