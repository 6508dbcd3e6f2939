package provider

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// Every form of a message's values Terraform sees is the one definition,
// messageValueFields; a campaign recipient's callback_data only adds its
// default to the description.
func TestMessageValueSchemas_followTheDefinition(t *testing.T) {
	t.Parallel()
	p := newProtocolServer(t, testSeams())
	// only keeps the attributes the definition names; the schemas'
	// other attributes are their own.
	only := func(attrs []*tfprotov6.SchemaAttribute) *tfprotov6.SchemaObject {
		o := &tfprotov6.SchemaObject{}
		for _, a := range attrs {
			for _, f := range messageValueFields {
				if a.Name == f.name {
					o.Attributes = append(o.Attributes, a)
				}
			}
		}
		return o
	}
	checkFields(t, messageType, only(p.schemas.ResourceSchemas[messageType].Block.Attributes), messageValueFields, false)

	act := p.schemas.ActionSchemas[sendTemplateType].Schema.Block
	if len(act.Attributes) != len(messageValueFields)+2 {
		t.Errorf("the action has %d attributes; want the values, template and api_campaign_id", len(act.Attributes))
	}
	checkFields(t, sendTemplateType, only(act.Attributes), messageValueFields, false)

	var recipients *tfprotov6.SchemaAttribute
	for _, a := range p.schemas.ResourceSchemas[campaignType].Block.Attributes {
		if a.Name == "recipients" {
			recipients = a
		}
	}
	if recipients == nil || recipients.NestedType == nil {
		t.Fatal("the campaign has no nested recipients")
	}
	recipient := append([]modelField(nil), messageValueFields...)
	for i, f := range recipient {
		if f.name == "callback_data" {
			recipient[i].desc += " Defaults to the campaign's `callback_data`."
		}
	}
	checkFields(t, campaignType+".recipients", recipients.NestedType, recipient, false)
}

// The model the resources read values into, and the function's values
// argument, have the definition's attributes.
func TestMessageValueFields_areTheModelsAndTheReaders(t *testing.T) {
	t.Parallel()
	var tags []string
	typ := reflect.TypeFor[messageValuesModel]()
	for i := range typ.NumField() {
		tags = append(tags, typ.Field(i).Tag.Get("tfsdk"))
	}
	if names := fieldNames(messageValueFields); !reflect.DeepEqual(sortedCopy(tags), sortedCopy(names)) {
		t.Errorf("messageValuesModel has %v; the definition has %v", tags, names)
	}
	r := valueReader{arg: "values"}
	members := map[string]attr.Value{"phone": dStr("x")}
	for _, f := range messageValueFields {
		switch f.kind {
		case fieldStringList:
			members[f.name] = dStrings("1")
		case fieldIndexedLists:
			members[f.name] = dObj(map[string]attr.Value{"0": dStrings("1")})
		default:
			members[f.name] = dStr("1")
		}
	}
	r.values(dObj(members))
	want := `values: has no attribute "phone"; its attributes are ` + strings.Join(fieldNames(messageValueFields), ", ") + "."
	if len(r.errs) != 1 || r.errs[0] != want {
		t.Errorf("errors %q; want only %q", r.errs, want)
	}
}

func sortedCopy(ss []string) []string {
	out := append([]string(nil), ss...)
	slices.Sort(out)
	return out
}
