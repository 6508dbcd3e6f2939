package provider

import (
	"context"
	"maps"
	"reflect"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

// frameworkChecks lists what the framework would run on attribute a (at
// path at) and the attributes nested in it: validators, defaults, plan
// modifiers, and custom types, whose validation and semantic equality run
// on framework values. With replaceOnly, plan modifiers that only require
// replacement are left out: they check nothing.
func frameworkChecks(at string, a schema.Attribute, replaceOnly bool) []string {
	var out []string
	check := func(at string, v reflect.Value) {
		for _, field := range []string{"Validators", "PlanModifiers", "Default", "CustomType"} {
			f := v.FieldByName(field)
			if !f.IsValid() || f.IsZero() || (field == "PlanModifiers" && replaceOnly && onlyRequiresReplace(f)) {
				continue
			}
			out = append(out, at+": "+field)
		}
		if et := v.FieldByName("ElementType"); et.IsValid() && !et.IsZero() {
			if t, ok := et.Interface().(attr.Type); !ok || !frameworkType(t) {
				out = append(out, at+": a custom ElementType")
			}
		}
	}
	v := reflect.ValueOf(a)
	check(at, v)
	nested := map[string]schema.Attribute{}
	if obj := v.FieldByName("NestedObject"); obj.IsValid() {
		check(at+" (its element)", obj)
		nested, _ = obj.FieldByName("Attributes").Interface().(map[string]schema.Attribute)
	} else if attrs := v.FieldByName("Attributes"); attrs.IsValid() {
		nested, _ = attrs.Interface().(map[string]schema.Attribute)
	}
	for name, na := range nested {
		out = append(out, frameworkChecks(at+"."+name, na, replaceOnly)...)
	}
	return out
}

// frameworkType reports whether t is one of the framework's own types,
// with no semantic equality or validation of its own.
func frameworkType(t attr.Type) bool {
	switch t := t.(type) {
	case basetypes.ListType:
		return frameworkType(t.ElemType)
	case basetypes.SetType:
		return frameworkType(t.ElemType)
	case basetypes.MapType:
		return frameworkType(t.ElemType)
	case basetypes.ObjectType:
		for _, at := range t.AttrTypes {
			if !frameworkType(at) {
				return false
			}
		}
		return true
	case basetypes.StringType, basetypes.BoolType, basetypes.Int64Type, basetypes.Int32Type, basetypes.Float64Type,
		basetypes.Float32Type, basetypes.NumberType, basetypes.DynamicType:
		return true
	}
	return false
}

// onlyRequiresReplace reports whether every plan modifier in the slice
// modifiers only requires replacement.
func onlyRequiresReplace(modifiers reflect.Value) bool {
	ctx := context.Background()
	replace := stringplanmodifier.RequiresReplace().Description(ctx)
	for i := range modifiers.Len() {
		m, ok := modifiers.Index(i).Interface().(interface{ Description(context.Context) string })
		if !ok || m.Description(ctx) != replace {
			return false
		}
	}
	return true
}

// bulkSchemaProblems lists what the framework would run on the bulk
// attributes of s or inside them. serve.Bulk hands the framework an
// empty map in their place, so none of it would ever run on the values:
// the campaign checks them itself (campaignChecks).
func bulkSchemaProblems(s schema.Schema, bulk []string) []string {
	var out []string
	for _, name := range bulk {
		a, ok := s.Attributes[name]
		if !ok {
			out = append(out, name+": no such attribute")
			continue
		}
		out = append(out, frameworkChecks(name, a, false)...)
	}
	return out
}

// sharedSchemaProblems lists what the framework runs on a top-level
// attribute of other, a resource whose attributes are not bulk, made from
// the definition a bulk element's attributes are made from (definition:
// the same name, type and description). A check that runs there but not in
// the campaign would let a campaign send what a single message refuses.
// Requiring replacement is no check.
func sharedSchemaProblems(other schema.Schema, definition map[string]schema.Attribute) []string {
	var out []string
	for name, a := range other.Attributes {
		if sharesDefinition(a, definition[name]) {
			out = append(out, frameworkChecks(name, a, true)...)
		}
	}
	return out
}

// sharesDefinition reports whether a is made from the definition def.
func sharesDefinition(a, def schema.Attribute) bool {
	return def != nil && a.GetType().Equal(def.GetType()) && a.GetMarkdownDescription() == def.GetMarkdownDescription()
}

// resourceSchema is r's schema.
func resourceSchema(t *testing.T, r resource.Resource) schema.Schema {
	t.Helper()
	var resp resource.SchemaResponse
	r.Schema(context.Background(), resource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("schema: %v", resp.Diagnostics)
	}
	return resp.Schema
}

// TestBulkAttributesHaveNoFrameworkChecks: nothing on recipients or
// results, or inside them, is for the framework to run, since it never
// sees their values; and no resource that shares a recipient's attribute
// definitions runs a check on them that the campaign would not. Should it
// fail, move the check into the campaign's own (campaignChecks, which
// the single message runs too through contract.ValidateValues), or drop
// the attribute from BulkAttributes.
func TestBulkAttributesHaveNoFrameworkChecks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	campaign := resourceSchema(t, NewCampaignResource())
	bulk := BulkAttributes[campaignType].Attributes
	if problems := bulkSchemaProblems(campaign, bulk); len(problems) > 0 {
		t.Errorf("the framework would run, on values it never sees: %v", problems)
	}
	recipients, ok := campaign.Attributes["recipients"].(schema.MapNestedAttribute)
	if !ok {
		t.Fatal("recipients is not a map of nested objects")
	}
	elem := recipients.NestedObject.Attributes
	// A recipient's attributes are the message inputs' definition, which
	// interakt_template_message shares.
	definition := valueAttributes(false)
	for name, a := range definition {
		if e, ok := elem[name]; !ok || !e.GetType().Equal(a.GetType()) {
			t.Errorf("a recipient's %s is not made from the message inputs' definition", name)
		}
	}
	shares := 0
	p := New("test")()
	for _, newResource := range p.Resources(ctx) {
		r := newResource()
		var meta resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "interakt"}, &meta)
		if _, isBulk := BulkAttributes[meta.TypeName]; isBulk {
			continue
		}
		s := resourceSchema(t, r)
		if problems := sharedSchemaProblems(s, definition); len(problems) > 0 {
			t.Errorf("%s runs checks on a recipient's attributes that the campaign does not: %v", meta.TypeName, problems)
		}
		for name, a := range s.Attributes {
			if sharesDefinition(a, definition[name]) {
				shares++
			}
		}
	}
	if shares < len(definition) {
		t.Errorf("%d attributes of other resources share a recipient's definition, want at least the %d of interakt_template_message",
			shares, len(definition))
	}

	// The checks find a validator on recipients, on a recipient's
	// attribute, and on a single message's shared attribute.
	withValidator := func(a schema.StringAttribute) schema.StringAttribute {
		a.Validators = []validator.String{stringvalidator.LengthAtLeast(1)}
		return a
	}
	changed := campaign
	changed.Attributes = maps.Clone(campaign.Attributes)
	r := recipients
	r.Validators = []validator.Map{mapvalidator.SizeAtLeast(1)}
	r.NestedObject.Attributes = maps.Clone(elem)
	phone, _ := elem["phone_number"].(schema.StringAttribute)
	r.NestedObject.Attributes["phone_number"] = withValidator(phone)
	changed.Attributes["recipients"] = r
	got := bulkSchemaProblems(changed, bulk)
	slices.Sort(got)
	if want := []string{"recipients.phone_number: Validators", "recipients: Validators"}; !slices.Equal(got, want) {
		t.Errorf("with validators added to recipients, the check reports %v, want %v", got, want)
	}
	message := resourceSchema(t, NewTemplateMessageResource())
	message.Attributes = maps.Clone(message.Attributes)
	messagePhone, _ := message.Attributes["phone_number"].(schema.StringAttribute)
	message.Attributes["phone_number"] = withValidator(messagePhone)
	if got := sharedSchemaProblems(message, definition); !slices.Equal(got, []string{"phone_number: Validators"}) {
		t.Errorf("with a validator on interakt_template_message's phone_number, the check reports %v", got)
	}
}

// TestBulkUpgradesCoverEveryVersion: a resource with bulk attributes says,
// for every state version older than its schema's, how their saved JSON
// becomes the current form (serve.BulkUnchanged when it did not change).
// Without an entry, a state of that version is refused at the next plan.
func TestBulkUpgradesCoverEveryVersion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, newResource := range New("test")().Resources(ctx) {
		r := newResource()
		var meta resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "interakt"}, &meta)
		bulk, ok := BulkAttributes[meta.TypeName]
		if !ok {
			continue
		}
		version := resourceSchema(t, r).Version
		for v := range version {
			if bulk.Upgrades[v] == nil {
				t.Errorf("%s is at state version %d, and its bulk attributes have no upgrade from version %d", meta.TypeName, version, v)
			}
		}
		for v := range bulk.Upgrades {
			if v >= version {
				t.Errorf("%s: an upgrade of its bulk attributes from version %d, which is not older than its schema's %d", meta.TypeName, v, version)
			}
		}
	}
}
