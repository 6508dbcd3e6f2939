package provider

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/interakt-community/terraform-provider-interakt/internal/contract"
)

// Every form of the contract object Terraform sees is the one definition,
// contractFields: names, types, descriptions, and which attributes an
// input requires.
func TestContractSchemas_followTheDefinition(t *testing.T) {
	t.Parallel()
	p := newProtocolServer(t, testSeams())
	attribute := func(block *tfprotov6.SchemaBlock, name string) *tfprotov6.SchemaAttribute {
		t.Helper()
		for _, a := range block.Attributes {
			if a.Name == name {
				return a
			}
		}
		t.Fatalf("no attribute %s", name)
		return nil
	}
	act, ok := p.schemas.ActionSchemas[sendTemplateType]
	if !ok {
		t.Fatalf("no %s schema", sendTemplateType)
	}
	forms := []struct {
		where    string
		attr     *tfprotov6.SchemaAttribute
		computed bool
	}{
		{messageType + ".template", attribute(p.schemas.ResourceSchemas[messageType].Block, "template"), false},
		{campaignType + ".template", attribute(p.schemas.ResourceSchemas[campaignType].Block, "template"), false},
		{sendTemplateType + ".template", attribute(act.Schema.Block, "template"), false},
		{"interakt_template.contract", attribute(p.schemas.ResourceSchemas["interakt_template"].Block, "contract"), true},
	}
	want := types.ObjectType{AttrTypes: contractAttrTypes}.TerraformType(context.Background())
	for _, form := range forms {
		if !form.attr.ValueType().Equal(want) {
			t.Errorf("%s has the type %s; the definition's is %s", form.where, form.attr.ValueType(), want)
		}
		if form.attr.NestedType == nil || form.attr.NestedType.Nesting != tfprotov6.SchemaObjectNestingModeSingle {
			t.Errorf("%s is not a single nested object", form.where)
			continue
		}
		checkFields(t, form.where, form.attr.NestedType, contractFields, form.computed)
	}
}

// checkFields compares a nested object's attributes with fields.
func checkFields(t *testing.T, where string, got *tfprotov6.SchemaObject, fields []modelField, computed bool) {
	t.Helper()
	byName := map[string]*tfprotov6.SchemaAttribute{}
	for _, a := range got.Attributes {
		byName[a.Name] = a
	}
	if len(byName) != len(fields) {
		t.Errorf("%s has %d attributes; the definition has %d", where, len(byName), len(fields))
	}
	for _, f := range fields {
		at := where + "." + f.name
		a, ok := byName[f.name]
		if !ok {
			t.Errorf("%s is missing", at)
			continue
		}
		if a.Description != f.desc {
			t.Errorf("%s is described %q; the definition says %q", at, a.Description, f.desc)
		}
		wantRequired, wantOptional := f.required && !computed, !f.required && !computed
		if a.Required != wantRequired || a.Optional != wantOptional || a.Computed != computed {
			t.Errorf("%s is required %v, optional %v, computed %v; want %v, %v, %v",
				at, a.Required, a.Optional, a.Computed, wantRequired, wantOptional, computed)
		}
		if want := f.attrType().TerraformType(context.Background()); !a.ValueType().Equal(want) {
			t.Errorf("%s has the type %s; the definition's is %s", at, a.ValueType(), want)
		}
		if f.kind == fieldObjectList {
			if a.NestedType == nil || a.NestedType.Nesting != tfprotov6.SchemaObjectNestingModeList {
				t.Errorf("%s is not a list of nested objects", at)
				continue
			}
			checkFields(t, at, a.NestedType, f.nested, computed)
		}
	}
}

// template_payload accepts exactly the definition's attributes, in its
// order when it names them.
func TestContractFieldNames_areTheDefinitions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		names  []string
		fields []modelField
	}{{contractFieldNames, contractFields}, {contractButtonFieldNames, contractButtonFields}} {
		var want []string
		for _, f := range tc.fields {
			want = append(want, f.name)
		}
		if !reflect.DeepEqual(tc.names, want) {
			t.Errorf("the reader accepts %v; the definition has %v", tc.names, want)
		}
	}
	r := valueReader{arg: "contract"}
	r.contract(dObj(map[string]attr.Value{"name": dStr("x"), "language_code": dStr("en"), "footer": dStr("x")}))
	want := `contract: has no attribute "footer"; its attributes are ` + strings.Join(contractFieldNames, ", ") + "."
	if len(r.errs) != 1 || r.errs[0] != want {
		t.Errorf("errors %q; want %q", r.errs, want)
	}
}

// A contract written as the resource computes it reads back the same,
// from a schema's typed object and from a function's dynamic argument:
// every field of the definition is encoded and decoded under its name.
func TestContractValue_readsBack(t *testing.T) {
	t.Parallel()
	text, one, two := "TEXT", 1, 2
	full := contract.Contract{
		Name: "order_shipped", LanguageCode: "en", HeaderFormat: &text, HeaderVariables: &one, BodyVariables: &two,
		Buttons:      []contract.ContractButton{{Index: 0, Type: "URL", Dynamic: true}, {Index: 1, Type: "QUICK_REPLY"}},
		ButtonsKnown: true,
	}
	noButtons := contract.Contract{Name: "welcome", LanguageCode: "pt_BR", HeaderFormat: ptrTo("NONE"),
		HeaderVariables: ptrTo(0), BodyVariables: ptrTo(0), Buttons: []contract.ContractButton{}, ButtonsKnown: true}
	for _, c := range []contract.Contract{full, noButtons} {
		obj := contractValue(c)
		if got := contractFromObject(obj); !reflect.DeepEqual(got, c) {
			t.Errorf("typed: read %s; wrote %s", showContract(got), showContract(c))
		}
		r := valueReader{arg: "contract"}
		if got := r.contract(types.DynamicValue(obj)); !reflect.DeepEqual(got, c) || len(r.errs) > 0 || r.unknown {
			t.Errorf("dynamic: read %s (errors %q, unknown %v); wrote %s", showContract(got), r.errs, r.unknown, showContract(c))
		}
	}
}

// Unknown parts decode the same way from both sources: not given, and
// buttons known only when all are, keeping those before the first unknown.
func TestContractDecoding_unknownPartsAlike(t *testing.T) {
	t.Parallel()
	button := func(index attr.Value, typ attr.Value, dynamic attr.Value) attr.Value {
		return types.ObjectValueMust(contractButtonType.AttrTypes, map[string]attr.Value{"index": index, "type": typ, "dynamic": dynamic})
	}
	known := button(types.Int64Value(0), types.StringValue("URL"), types.BoolValue(true))
	object := func(members map[string]attr.Value) types.Object {
		all := map[string]attr.Value{
			"name": types.StringValue("order_shipped"), "language_code": types.StringValue("en"),
			"header_format": types.StringNull(), "header_variables": types.Int64Null(), "body_variables": types.Int64Null(),
			"buttons": types.ListNull(contractButtonType),
		}
		for k, v := range members {
			all[k] = v
		}
		return types.ObjectValueMust(contractAttrTypes, all)
	}
	buttons := func(elems ...attr.Value) attr.Value { return types.ListValueMust(contractButtonType, elems) }
	literal := contract.Contract{Name: "order_shipped", LanguageCode: "en"}
	withButtons := func(known bool, bs ...contract.ContractButton) contract.Contract {
		c := literal
		c.Buttons, c.ButtonsKnown = append([]contract.ContractButton{}, bs...), known
		return c
	}
	url := contract.ContractButton{Index: 0, Type: "URL", Dynamic: true}
	tests := []struct {
		name string
		obj  types.Object
		want contract.Contract
	}{
		{"unknown object", types.ObjectUnknown(contractAttrTypes), contract.Contract{}},
		{"null object", types.ObjectNull(contractAttrTypes), contract.Contract{}},
		{"literal", object(nil), literal},
		{"unknown name", object(map[string]attr.Value{"name": types.StringUnknown()}), contract.Contract{LanguageCode: "en"}},
		{"unknown counts", object(map[string]attr.Value{"header_format": types.StringUnknown(), "body_variables": types.Int64Unknown()}), literal},
		{"unknown buttons", object(map[string]attr.Value{"buttons": types.ListUnknown(contractButtonType)}), literal},
		{"known buttons", object(map[string]attr.Value{"buttons": buttons(known)}), withButtons(true, url)},
		{"an unknown button", object(map[string]attr.Value{"buttons": buttons(known, types.ObjectUnknown(contractButtonType.AttrTypes), known)}),
			withButtons(false, url)},
		{"an unknown index", object(map[string]attr.Value{"buttons": buttons(button(types.Int64Unknown(), types.StringValue("URL"), types.BoolValue(true)), known)}),
			withButtons(false)},
		{"an unknown type", object(map[string]attr.Value{"buttons": buttons(known, button(types.Int64Value(1), types.StringUnknown(), types.BoolValue(false)))}),
			withButtons(false, url)},
		{"an unknown dynamic", object(map[string]attr.Value{"buttons": buttons(known, button(types.Int64Value(1), types.StringValue("URL"), types.BoolUnknown()))}),
			withButtons(false, url)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := contractFromObject(tt.obj); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("typed: %s; want %s", showContract(got), showContract(tt.want))
			}
			r := valueReader{arg: "contract"}
			if got := r.contract(types.DynamicValue(tt.obj)); !reflect.DeepEqual(got, tt.want) || len(r.errs) > 0 {
				t.Errorf("dynamic: %s (errors %q); want %s", showContract(got), r.errs, showContract(tt.want))
			}
		})
	}
}

// showContract prints a contract with its optional fields' values.
func showContract(c contract.Contract) string {
	opt := func(p any) string {
		switch v := p.(type) {
		case *string:
			if v != nil {
				return *v
			}
		case *int:
			if v != nil {
				return fmt.Sprint(*v)
			}
		}
		return "<nil>"
	}
	return fmt.Sprintf("{name %q, language %q, header %s/%s, body %s, buttons %+v known %v}",
		c.Name, c.LanguageCode, opt(c.HeaderFormat), opt(c.HeaderVariables), opt(c.BodyVariables), c.Buttons, c.ButtonsKnown)
}
