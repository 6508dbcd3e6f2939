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
