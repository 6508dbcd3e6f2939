package provider

import (
	"context"
	"math/big"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/interakt-community/terraform-provider-interakt/internal/contract"
)

// Values as Terraform hands them to a dynamic parameter: object and tuple
// literals, numbers as big floats.

func dStr(s string) attr.Value { return types.StringValue(s) }

func dNum(f float64) attr.Value { return types.NumberValue(big.NewFloat(f)) }

func dBool(b bool) attr.Value { return types.BoolValue(b) }

func dObj(members map[string]attr.Value) attr.Value {
	typ := make(map[string]attr.Type, len(members))
	for k, v := range members {
		typ[k] = v.Type(context.Background())
	}
	return types.ObjectValueMust(typ, members)
}

func dTuple(elems ...attr.Value) attr.Value {
	typ := make([]attr.Type, len(elems))
	for i, v := range elems {
		typ[i] = v.Type(context.Background())
	}
	return types.TupleValueMust(typ, elems)
}

func dStrings(ss ...string) attr.Value {
	elems := make([]attr.Value, len(ss))
	for i, s := range ss {
		elems[i] = dStr(s)
	}
	return dTuple(elems...)
}

// orderShippedContractValue is interakt_template.order_shipped.contract
// as the resource computes it.
func orderShippedContractValue(t *testing.T) attr.Value {
	t.Helper()
	var m templateModel
	m.Name, m.LanguageCode, m.Category = types.StringValue("order_shipped"), types.StringValue("en"), types.StringValue("UTILITY")
	m.Header = types.ObjectValueMust(templateHeaderAttrTypes, map[string]attr.Value{"format": dStr("TEXT"), "text": dStr("Order {{1}}"), "example": types.StringNull()})
	m.Body, m.Footer = types.StringValue(orderShippedBody), types.StringNull()
	button := func(typ, text, url string) attr.Value {
		u := types.StringNull()
		if url != "" {
			u = types.StringValue(url)
		}
		return types.ObjectValueMust(templateButtonAttrTypes, map[string]attr.Value{
			"type": dStr(typ), "text": dStr(text), "url": u, "phone_number": types.StringNull(), "example": types.StringNull(),
		})
	}
	m.Buttons = types.ListValueMust(types.ObjectType{AttrTypes: templateButtonAttrTypes}, []attr.Value{
		button("URL", "Track", "https://shop.example.com/track/{{1}}"),
		button("QUICK_REPLY", "Stop updates", ""),
	})
	d := m.decl()
	if ps := contract.ValidateTemplate(d); len(ps) > 0 || d.HasUnknown() {
		t.Fatalf("the test template is not valid and known: %v", ps)
	}
	return contractValue(contract.ContractOf(d))
}

// designValues are the values of the design's request example.
func designValues() map[string]attr.Value {
	return map[string]attr.Value{
		"country_code":   dStr("+91"),
		"phone_number":   dStr("9999999999"),
		"callback_data":  dStr("release-42"),
		"header_values":  dStrings("A-1001"),
		"body_values":    dStrings("Asha", "A-1001"),
		"button_values":  dObj(map[string]attr.Value{"0": dStrings("A-1001")}),
		"button_payload": dObj(map[string]attr.Value{"1": dStrings("stop-A-1001")}),
	}
}

const designPayload = `{"countryCode":"+91","phoneNumber":"9999999999","type":"Template","callbackData":"release-42",` +
	`"template":{"name":"order_shipped","languageCode":"en","headerValues":["A-1001"],"bodyValues":["Asha","A-1001"],` +
	`"buttonValues":{"0":["A-1001"]},"buttonPayload":{"1":["stop-A-1001"]}}}`

func with(m map[string]attr.Value, k string, v attr.Value) map[string]attr.Value {
	out := make(map[string]attr.Value, len(m)+1)
	for key, val := range m {
		out[key] = val
	}
	if v == nil {
		delete(out, k)
	} else {
		out[k] = v
	}
	return out
}

// TestRenderPayload covers the dynamic decoding of both arguments and the
// rules run on them.
func TestRenderPayload(t *testing.T) {
	t.Parallel()
	full := orderShippedContractValue(t)
	literal := dObj(map[string]attr.Value{"name": dStr("welcome_message"), "language_code": dStr("en")})
	phoneOnly := dObj(map[string]attr.Value{"country_code": dStr("+91"), "phone_number": dStr("9999999999")})
	tests := []struct {
		name     string
		contract attr.Value
		values   attr.Value
		want     string // the payload; "" when unknown or an error
		unknown  bool
		errArg   int64  // the argument an error names
		errText  string // a fragment of the error; "" for no error
	}{
		{name: "computed contract and all values", contract: full, values: dObj(designValues()), want: designPayload},
		{name: "hand-written contract and only the phone", contract: literal, values: phoneOnly,
			want: `{"countryCode":"+91","phoneNumber":"9999999999","type":"Template","template":{"name":"welcome_message","languageCode":"en"}}`},
		{name: "values as a map of strings", contract: literal,
			values: types.MapValueMust(types.StringType, map[string]attr.Value{"country_code": dStr("+44"), "phone_number": dStr("2079460958"), "callback_data": dStr("x")}),
			want:   `{"countryCode":"+44","phoneNumber":"2079460958","type":"Template","callbackData":"x","template":{"name":"welcome_message","languageCode":"en"}}`},
		{name: "numbers become strings", contract: dObj(map[string]attr.Value{"name": dStr("invoice_ready"), "language_code": dStr("en"), "body_variables": dNum(2)}),
			values: dObj(with(with(designValues(), "button_values", nil), "body_values", dTuple(dStr("Asha"), dNum(1250.5)))),
			want: `{"countryCode":"+91","phoneNumber":"9999999999","type":"Template","callbackData":"release-42",` +
				`"template":{"name":"invoice_ready","languageCode":"en","headerValues":["A-1001"],"bodyValues":["Asha","1250.5"],"buttonPayload":{"1":["stop-A-1001"]}}}`},
		{name: "hand-written buttons default their index and accept strings", contract: dObj(map[string]attr.Value{
			"name": dStr("order_shipped"), "language_code": dStr("en"), "header_variables": dStr("1"), "header_format": dStr("TEXT"),
			"buttons": dTuple(dObj(map[string]attr.Value{"type": dStr("URL"), "dynamic": dStr("true")}), dObj(map[string]attr.Value{"type": dStr("QUICK_REPLY")})),
		}), values: dObj(designValues()), want: designPayload},
		{name: "null members are left out", contract: dObj(map[string]attr.Value{"name": dStr("welcome_message"), "language_code": dStr("en"), "header_format": types.StringNull()}),
			values: dObj(with(with(designValues(), "header_values", types.DynamicNull()), "button_values", nil)), want: `{"countryCode":"+91","phoneNumber":"9999999999","type":"Template","callbackData":"release-42",` +
				`"template":{"name":"welcome_message","languageCode":"en","bodyValues":["Asha","A-1001"],"buttonPayload":{"1":["stop-A-1001"]}}}`},

		{name: "media URL sent as written", contract: dObj(map[string]attr.Value{"name": dStr("invoice_ready"), "language_code": dStr("en"), "header_format": dStr("DOCUMENT")}),
			values: dObj(map[string]attr.Value{"country_code": dStr("+91"), "phone_number": dStr("9999999999"),
				"header_values": dStrings("https://files.example.com/inv.pdf?id=7&sig=a<b"), "file_name": dStr("invoice.pdf")}),
			want: `{"countryCode":"+91","phoneNumber":"9999999999","type":"Template","template":{"name":"invoice_ready","languageCode":"en",` +
				`"headerValues":["https://files.example.com/inv.pdf?id=7&sig=a<b"],"fileName":"invoice.pdf"}}`},
		{name: "file name without a document header", contract: dObj(map[string]attr.Value{"name": dStr("x"), "language_code": dStr("en"), "header_format": dStr("NONE")}),
			values: dObj(map[string]attr.Value{"country_code": dStr("+91"), "phone_number": dStr("9999999999"), "file_name": dStr("a.pdf")}),
			errArg: 1, errText: "values.file_name: File Name Not Allowed"},

		{name: "unknown phone number", contract: full, values: dObj(with(designValues(), "phone_number", types.StringUnknown())), unknown: true},
		{name: "unknown contract", contract: types.DynamicUnknown(), values: phoneOnly, unknown: true},
		{name: "unknown contract attribute", contract: dObj(map[string]attr.Value{"name": types.StringUnknown(), "language_code": dStr("en")}), values: phoneOnly, unknown: true},
		{name: "unknown value item", contract: full, values: dObj(with(designValues(), "body_values", dTuple(dStr("Asha"), types.StringUnknown()))), unknown: true},
		{name: "unknown values still check the known ones", contract: full, values: dObj(with(with(designValues(), "phone_number", types.StringUnknown()), "body_values", dStrings("Asha"))),
			errArg: 1, errText: "values.body_values: Wrong Number of Body Values"},

		{name: "contract without name", contract: dObj(map[string]attr.Value{"language_code": dStr("en")}), values: phoneOnly,
			errArg: 0, errText: "contract.name: is required"},
		{name: "contract with an unknown attribute", contract: dObj(map[string]attr.Value{"name": dStr("x"), "language_code": dStr("en"), "bogus": dNum(1)}), values: phoneOnly,
			errArg: 0, errText: `contract: has no attribute "bogus"`},
		{name: "contract not an object", contract: dStr("order_shipped"), values: phoneOnly,
			errArg: 0, errText: "contract: must be an object"},
		{name: "contract header format", contract: dObj(map[string]attr.Value{"name": dStr("x"), "language_code": dStr("en"), "header_format": dStr("GIF")}), values: phoneOnly,
			errArg: 0, errText: "contract.header_format: Invalid Contract Header Format"},
		{name: "contract name", contract: dObj(map[string]attr.Value{"name": dStr("Order Shipped"), "language_code": dStr("en")}), values: phoneOnly,
			errArg: 0, errText: "contract.name: Invalid Template Name"},
		{name: "contract body variables not whole", contract: dObj(map[string]attr.Value{"name": dStr("x"), "language_code": dStr("en"), "body_variables": dNum(1.5)}), values: phoneOnly,
			errArg: 0, errText: "contract.body_variables: must be a whole number"},
		{name: "contract button without type", contract: dObj(map[string]attr.Value{"name": dStr("x"), "language_code": dStr("en"), "buttons": dTuple(dObj(map[string]attr.Value{"index": dNum(0)}))}), values: phoneOnly,
			errArg: 0, errText: "contract.buttons[0].type: is required"},
		{name: "contract dynamic quick reply", contract: dObj(map[string]attr.Value{"name": dStr("x"), "language_code": dStr("en"), "buttons": dTuple(dObj(map[string]attr.Value{"type": dStr("QUICK_REPLY"), "dynamic": dBool(true)}))}), values: phoneOnly,
			errArg: 0, errText: "contract.buttons[0].dynamic: Invalid Contract Button"},

		{name: "wrong body value count", contract: full, values: dObj(with(designValues(), "body_values", dStrings("Asha"))),
			errArg: 1, errText: "values.body_values: Wrong Number of Body Values"},
		{name: "button value for a quick reply", contract: full, values: dObj(with(designValues(), "button_values", dObj(map[string]attr.Value{"0": dStrings("A"), "1": dStrings("B")}))),
			errArg: 1, errText: `values.button_values["1"]: Not a Dynamic URL Button`},
		{name: "country code inside the phone number", contract: full, values: dObj(with(designValues(), "phone_number", dStr("919999999999"))),
			errArg: 1, errText: "values.phone_number: Country Code Inside Phone Number"},
		{name: "missing phone number", contract: literal, values: dObj(map[string]attr.Value{"country_code": dStr("+91")}),
			errArg: 1, errText: "values.phone_number: Invalid Phone Number"},
		{name: "body values not a list", contract: full, values: dObj(with(designValues(), "body_values", dStr("Asha"))),
			errArg: 1, errText: "values.body_values: must be a list"},
		{name: "values with an unknown attribute", contract: literal, values: dObj(with(map[string]attr.Value{"country_code": dStr("+91"), "phone_number": dStr("9999999999")}, "phone", dStr("x"))),
			errArg: 1, errText: `values: has no attribute "phone"`},
		{name: "empty body value", contract: full, values: dObj(with(designValues(), "body_values", dStrings("Asha", ""))),
			errArg: 1, errText: "values.body_values[1]: Empty Value"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			payload, unknown, funcErr := renderPayload(types.DynamicValue(tc.contract), types.DynamicValue(tc.values))
			if tc.errText != "" {
				if funcErr == nil || funcErr.FunctionArgument == nil {
					t.Fatalf("got payload %q (unknown %v), want an error on argument %d containing %q", payload, unknown, tc.errArg, tc.errText)
				}
				if *funcErr.FunctionArgument != tc.errArg || !strings.Contains(funcErr.Text, tc.errText) {
					t.Errorf("error on argument %d: %q\nwant argument %d containing %q", *funcErr.FunctionArgument, funcErr.Text, tc.errArg, tc.errText)
				}
				if strings.Contains(funcErr.Text, "9999999999") {
					t.Errorf("the error quotes the phone number: %q", funcErr.Text)
				}
				return
			}
			if funcErr != nil {
				t.Fatalf("unexpected error: %v", funcErr)
			}
			if unknown != tc.unknown || payload != tc.want {
				t.Errorf("got payload %q unknown %v\nwant payload %q unknown %v", payload, unknown, tc.want, tc.unknown)
			}
		})
	}
}

// TestTemplatePayloadFunctionRun checks the framework wiring: arguments
// in, a string (or an unknown) out.
func TestTemplatePayloadFunctionRun(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		values attr.Value
		want   types.String
	}{
		{name: "known", values: dObj(designValues()), want: types.StringValue(designPayload)},
		{name: "unknown", values: dObj(with(designValues(), "callback_data", types.StringUnknown())), want: types.StringUnknown()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := &function.RunResponse{Result: function.NewResultData(types.StringUnknown())}
			templatePayloadFunction{}.Run(context.Background(), function.RunRequest{
				Arguments: function.NewArgumentsData([]attr.Value{types.DynamicValue(orderShippedContractValue(t)), types.DynamicValue(tc.values)}),
			}, resp)
			if resp.Error != nil {
				t.Fatal(resp.Error)
			}
			if got := resp.Result.Value(); !got.Equal(tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestAccTemplatePayloadFunction calls the function from configuration: it
// is known in the plan when the contract is, unknown while a value is,
// and its errors name the argument's field.
func TestAccTemplatePayloadFunction(t *testing.T) {
	t.Parallel()
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: testFactories(testSeams()),
		Steps: []resource.TestStep{
			{
				Config: orderShippedConfig("order_shipped", "en", orderShippedBody, "") + `
output "payload" {
  value = provider::interakt::template_payload(interakt_template.order_shipped.contract, {
    country_code  = "+91"
    phone_number  = "9999999999"
    header_values = ["A-1001"]
    body_values   = ["Asha"]
    button_values = { "0" = ["A-1001"] }
  })
}
`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Invalid value for "values" parameter:\s+values\.body_values:\s+Wrong\s+Number\s+of\s+Body\s+Values`),
			},
			{
				Config: `
output "payload" {
  value = provider::interakt::template_payload({ name = "welcome_message" }, { country_code = "+91", phone_number = "9999999999" })
}
`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Invalid value for "contract" parameter:\s+contract\.language_code:\s+is\s+required`),
			},
			{
				Config: orderShippedConfig("order_shipped", "en", orderShippedBody, "") + `
resource "terraform_data" "later" {
  input = "A-1001"
}

output "payload" {
  value = provider::interakt::template_payload(interakt_template.order_shipped.contract, {
    country_code   = "+91"
    phone_number   = "9999999999"
    callback_data  = "release-42"
    header_values  = ["A-1001"]
    body_values    = ["Asha", "A-1001"]
    button_values  = { "0" = ["A-1001"] }
    button_payload = { "1" = ["stop-A-1001"] }
  })
}

output "literal" {
  value = provider::interakt::template_payload({ name = "welcome_message", language_code = "en" }, provider::interakt::parse_phone("+91 99999-99999"))
}

output "later" {
  value = provider::interakt::template_payload(interakt_template.order_shipped.contract, {
    country_code  = "+91"
    phone_number  = "9999999999"
    header_values = [terraform_data.later.output]
    body_values   = ["Asha", terraform_data.later.output]
    button_values = { "0" = [terraform_data.later.output] }
  })
}
`,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownOutputValue("payload", knownvalue.StringExact(designPayload)),
					plancheck.ExpectKnownOutputValue("literal", knownvalue.StringExact(
						`{"countryCode":"+91","phoneNumber":"9999999999","type":"Template","template":{"name":"welcome_message","languageCode":"en"}}`)),
					plancheck.ExpectUnknownOutputValue("later"),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("later", knownvalue.StringExact(
						`{"countryCode":"+91","phoneNumber":"9999999999","type":"Template","template":{"name":"order_shipped","languageCode":"en",`+
							`"headerValues":["A-1001"],"bodyValues":["Asha","A-1001"],"buttonValues":{"0":["A-1001"]}}}`)),
				},
			},
		},
	})
}
