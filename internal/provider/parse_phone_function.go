package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/interakt-community/terraform-provider-interakt/internal/contract"
)

var _ function.Function = parsePhoneFunction{}

// NewParsePhoneFunction returns provider::interakt::parse_phone.
func NewParsePhoneFunction() function.Function {
	return parsePhoneFunction{}
}

// parsePhoneFunction splits an international number into the API's
// country_code and phone_number.
type parsePhoneFunction struct{}

// parsedPhoneAttrTypes is the function's result object.
var parsedPhoneAttrTypes = map[string]attr.Type{
	"country_code": types.StringType,
	"phone_number": types.StringType,
}

func (parsePhoneFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "parse_phone"
}

func (parsePhoneFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Split an international phone number into country_code and phone_number",
		MarkdownDescription: "Splits an international phone number, such as `\"+91 99999-99999\"` or `\"0091 9999999999\"`, into the object " +
			"`{ country_code = \"+91\", phone_number = \"9999999999\" }` that messages and campaign recipients take. " +
			"Spaces, dashes, dots and brackets are allowed. A number that is not international (no `+` or `00` prefix), " +
			"has an unknown country code, an extension, or the wrong number of digits for its country is an error.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "phone",
				MarkdownDescription: "The phone number in international format: `+` (or `00`), the country code, then the national number.",
			},
		},
		Return: function.ObjectReturn{AttributeTypes: parsedPhoneAttrTypes},
	}
}

func (parsePhoneFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var phone string
	resp.Error = req.Arguments.Get(ctx, &phone)
	if resp.Error != nil {
		return
	}
	countryCode, phoneNumber, err := contract.ParsePhone(phone)
	if err != nil {
		// The error never quotes the number, which is personal data.
		resp.Error = argumentError(0, "Invalid phone number: "+err.Error())
		return
	}
	resp.Error = resp.Result.Set(ctx, types.ObjectValueMust(parsedPhoneAttrTypes, map[string]attr.Value{
		"country_code": types.StringValue(countryCode),
		"phone_number": types.StringValue(phoneNumber),
	}))
}
