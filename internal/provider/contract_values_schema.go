package provider

import (
	aschema "github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
)

// Descriptions of the `template` of every sender, and of callback_data,
// which a campaign also has as its recipients' default.
const (
	descTemplate     = "The template to send: normally `interakt_template.<name>.contract`, or a literal `{ name = \"...\", language_code = \"...\" }`, in which case only the checks that need no contract run."
	descCallbackData = "Up to 512 characters returned in the message's status webhooks."
)

// messageValueFields are the inputs of one message besides its template:
// the attributes of interakt_template_message, of a campaign recipient
// and of the send action, and what template_payload's values argument
// may have. messageValuesModel holds them.
var (
	messageValueFields = []modelField{
		{name: "country_code", kind: fieldString, required: true, desc: "The recipient's country code: `+` and 1 to 3 digits, such as `+91`."},
		{name: "phone_number", kind: fieldString, required: true, desc: "The recipient's phone number without the country code and without a leading `0`: digits only."},
		{name: "callback_data", kind: fieldString, desc: descCallbackData},
		{name: "file_name", kind: fieldString, desc: "The file name shown for a DOCUMENT header."},
		{name: "header_values", kind: fieldStringList, desc: "The header's value: the text for `{{1}}` of a TEXT header, or the https URL of a media header's file."},
		{name: "body_values", kind: fieldStringList, desc: "The values of the body's variables `{{1}}`..`{{n}}`, in order."},
		{name: "button_values", kind: fieldIndexedLists, desc: "Per dynamic URL button index (`\"0\"`, `\"1\"`...), the one value for its `{{1}}`."},
		{name: "button_payload", kind: fieldIndexedLists, desc: "Per quick-reply button index, the one payload (up to 128 characters) returned when it is tapped. At most 3."},
	}
	messageValueFieldNames = fieldNames(messageValueFields)
)

// valueAttributes are the message inputs in a resource schema. A test send
// replaces on any change (a change is a new send); a campaign recipient
// does not (a replacement would message everyone again).
func valueAttributes(replace bool) map[string]schema.Attribute {
	attrs := resourceFieldAttributes(messageValueFields, false)
	if !replace {
		return attrs
	}
	for name, a := range attrs {
		switch a := a.(type) {
		case schema.StringAttribute:
			a.PlanModifiers = []planmodifier.String{stringplanmodifier.RequiresReplace()}
			attrs[name] = a
		case schema.ListAttribute:
			a.PlanModifiers = []planmodifier.List{listplanmodifier.RequiresReplace()}
			attrs[name] = a
		case schema.MapAttribute:
			a.PlanModifiers = []planmodifier.Map{mapplanmodifier.RequiresReplace()}
			attrs[name] = a
		default:
			panic("no replacement for the message input " + name)
		}
	}
	return attrs
}

// actionValueAttributes are the message inputs in an action schema.
func actionValueAttributes() map[string]aschema.Attribute {
	return actionFieldAttributes(messageValueFields)
}

// descAPICampaignID describes a single send's api_campaign_id.
const descAPICampaignID = "The id of an Interakt API campaign to group this message under, sent as `campaignId`: for example " +
	"`interakt_campaign.<name>.api_campaign_id`, or an id from the dashboard. Interakt keys an API campaign by its template, " +
	"so name one made for this message's template and language. Whether Interakt refuses a send whose `campaignId` is for " +
	"another template is unconfirmed; a live run (`make testacc-live`) confirms it."
