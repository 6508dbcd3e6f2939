package provider

import (
	aschema "github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
)

// The contract's three schema forms, all from contractFields: the
// `template` input of a resource and of the send action (everything but
// name, language_code and a button's attributes optional), and
// interakt_template's computed `contract`.

// descContract describes interakt_template's computed `contract`.
const descContract = "What a message of this template must give, known at plan time: pass it as the `template` of a message, campaign or send action."

// templateAttribute is the `template` input of a resource; replace makes
// any change of it a replacement.
func templateAttribute(replace bool) schema.SingleNestedAttribute {
	a := schema.SingleNestedAttribute{
		MarkdownDescription: descTemplate,
		Required:            true,
		Attributes:          resourceFieldAttributes(contractFields, false),
	}
	if replace {
		a.PlanModifiers = []planmodifier.Object{objectplanmodifier.RequiresReplace()}
	}
	return a
}

// contractAttribute is interakt_template's computed `contract`.
func contractAttribute() schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		MarkdownDescription: descContract,
		Computed:            true,
		Attributes:          resourceFieldAttributes(contractFields, true),
	}
}

// actionTemplateAttribute is the send action's `template`, as
// templateAttribute is a resource's.
func actionTemplateAttribute() aschema.SingleNestedAttribute {
	return aschema.SingleNestedAttribute{
		MarkdownDescription: descTemplate,
		Required:            true,
		Attributes:          actionFieldAttributes(contractFields),
	}
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
