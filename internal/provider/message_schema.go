package provider

import (
	aschema "github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Descriptions of the message inputs, shared by every sender's schema.
const (
	descTemplate      = "The template to send: normally `interakt_template.<name>.contract`, or a literal `{ name = \"...\", language_code = \"...\" }`, in which case only the checks that need no contract run."
	descCountryCode   = "The recipient's country code: `+` and 1 to 3 digits, such as `+91`."
	descPhoneNumber   = "The recipient's phone number without the country code and without a leading `0`: digits only."
	descCallbackData  = "Up to 512 characters returned in the message's status webhooks."
	descHeaderValues  = "The header's value: the text for `{{1}}` of a TEXT header, or the https URL of a media header's file."
	descBodyValues    = "The values of the body's variables `{{1}}`..`{{n}}`, in order."
	descButtonValues  = "Per dynamic URL button index (`\"0\"`, `\"1\"`...), the one value for its `{{1}}`."
	descButtonPayload = "Per quick-reply button index, the one payload (up to 128 characters) returned when it is tapped. At most 3."
	descFileName      = "The file name shown for a DOCUMENT header."
)

// valueAttributes are the message inputs in a resource schema. A test send
// replaces on any change (a change is a new send); a campaign recipient
// does not (a replacement would message everyone again).
func valueAttributes(replace bool) map[string]schema.Attribute {
	str := func(desc string) schema.StringAttribute {
		a := schema.StringAttribute{MarkdownDescription: desc, Optional: true}
		if replace {
			a.PlanModifiers = []planmodifier.String{stringplanmodifier.RequiresReplace()}
		}
		return a
	}
	list := func(desc string) schema.ListAttribute {
		a := schema.ListAttribute{MarkdownDescription: desc, Optional: true, ElementType: types.StringType}
		if replace {
			a.PlanModifiers = []planmodifier.List{listplanmodifier.RequiresReplace()}
		}
		return a
	}
	indexed := func(desc string) schema.MapAttribute {
		a := schema.MapAttribute{MarkdownDescription: desc, Optional: true, ElementType: types.ListType{ElemType: types.StringType}}
		if replace {
			a.PlanModifiers = []planmodifier.Map{mapplanmodifier.RequiresReplace()}
		}
		return a
	}
	countryCode, phoneNumber := str(descCountryCode), str(descPhoneNumber)
	countryCode.Optional, countryCode.Required = false, true
	phoneNumber.Optional, phoneNumber.Required = false, true
	return map[string]schema.Attribute{
		"country_code":   countryCode,
		"phone_number":   phoneNumber,
		"callback_data":  str(descCallbackData),
		"header_values":  list(descHeaderValues),
		"body_values":    list(descBodyValues),
		"button_values":  indexed(descButtonValues),
		"button_payload": indexed(descButtonPayload),
		"file_name":      str(descFileName),
	}
}

// actionValueAttributes are the message inputs in an action schema, with
// the same names, types and descriptions as valueAttributes.
func actionValueAttributes() map[string]aschema.Attribute {
	str := func(desc string, required bool) aschema.StringAttribute {
		return aschema.StringAttribute{MarkdownDescription: desc, Required: required, Optional: !required}
	}
	list := func(desc string) aschema.ListAttribute {
		return aschema.ListAttribute{MarkdownDescription: desc, Optional: true, ElementType: types.StringType}
	}
	indexed := func(desc string) aschema.MapAttribute {
		return aschema.MapAttribute{MarkdownDescription: desc, Optional: true, ElementType: types.ListType{ElemType: types.StringType}}
	}
	return map[string]aschema.Attribute{
		"country_code":   str(descCountryCode, true),
		"phone_number":   str(descPhoneNumber, true),
		"callback_data":  str(descCallbackData, false),
		"header_values":  list(descHeaderValues),
		"body_values":    list(descBodyValues),
		"button_values":  indexed(descButtonValues),
		"button_payload": indexed(descButtonPayload),
		"file_name":      str(descFileName, false),
	}
}
