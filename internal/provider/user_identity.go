package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/interakt-community/terraform-provider-interakt/internal/contract"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// ImportState takes "+<country code> <phone number>" (any spacing, as
// parse_phone reads it) or a user id. The next Read takes every trait and
// tag the user has; the first plan then shows the configuration's subset,
// and its apply sends nothing when Interakt already holds those values.
func (r *userResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := strings.TrimSpace(req.ID)
	m := userModel{
		UserID: types.StringNull(), CountryCode: types.StringNull(), PhoneNumber: types.StringNull(),
		Traits: types.DynamicNull(), Tags: types.ListNull(types.StringType),
	}
	switch {
	case id == "":
		resp.Diagnostics.AddError("Invalid Import ID",
			"The import id is empty. Give a user id, or the phone number as \"+<country code> <phone number>\", such as \"+91 9999999999\".")
		return
	case strings.HasPrefix(id, "+"):
		cc, pn, err := contract.ParsePhone(id)
		if err != nil {
			resp.Diagnostics.AddError("Invalid Import ID",
				fmt.Sprintf("The import id starts with + but is not a phone number: %s. Give it as \"+<country code> <phone number>\", such as \"+91 9999999999\", "+
					"or give a user id (which does not start with +).", err))
			return
		}
		m.CountryCode, m.PhoneNumber = types.StringValue(cc), types.StringValue(pn)
	default:
		m.UserID = types.StringValue(id)
	}
	switch {
	case r.data != nil && r.data.dryRun:
		resp.Diagnostics.AddError("Cannot Import in a Dry Run",
			"Importing a user reads it from Interakt, and the provider's dry_run makes no request. Nothing was imported; unset dry_run to import.")
		return
	case !r.data.readsAccount():
		resp.Diagnostics.Append(apiKeyMissing(r.data, "Importing a user", "nothing was imported"))
		return
	}
	uid, _ := userID(m)
	m.ID = types.StringValue(uid)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &m)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, []byte(`true`))...)
}

// importIdentity completes an imported user's identity from Interakt's:
// its user id when imported by phone, its phone number when imported by
// user id and Interakt gives one that passes the phone rules.
func importIdentity(m *userModel, found wire.Customer) {
	if m.UserID.IsNull() && found.UserID != "" {
		m.UserID = types.StringValue(found.UserID)
	}
	if m.PhoneNumber.IsNull() && found.CountryCode != "" && found.PhoneNumber != "" &&
		len(contract.ValidatePhone(contract.StrOf(found.CountryCode), contract.StrOf(found.PhoneNumber))) == 0 {
		m.CountryCode, m.PhoneNumber = types.StringValue(found.CountryCode), types.StringValue(found.PhoneNumber)
	}
}
