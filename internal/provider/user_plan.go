package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/interakt-community/terraform-provider-interakt/internal/contract"
)

func (r *userResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg userModel
	resp.Diagnostics.Append(getModel(ctx, req.Config, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(userDiagnostics(cfg)...)
}

// userDiagnostics are the rules of a user's configuration: an identity,
// a valid phone number, flat traits and distinct non-empty tags.
// Unknown values skip their rules.
func userDiagnostics(m userModel) diag.Diagnostics {
	var diags diag.Diagnostics
	userID, cc, pn := contractStr(m.UserID), contractStr(m.CountryCode), contractStr(m.PhoneNumber)
	switch {
	case userID.Known() && strings.TrimSpace(userID.Value) == "":
		diags.AddAttributeError(path.Root("user_id"), "Empty User ID",
			"user_id is empty. Give the user's id in your system, or remove user_id and name the user by country_code and phone_number. Nothing was sent.")
	case userID.Null && cc.Null && pn.Null:
		diags.AddAttributeError(path.Root("user_id"), "Missing User Identity",
			"The user has neither user_id nor country_code and phone_number, so Interakt cannot tell which user it is. "+
				"Give user_id, or country_code and phone_number, or both. Nothing was sent.")
	}
	switch {
	case cc.Null && !pn.Null:
		diags.AddAttributeError(path.Root("country_code"), "Missing Country Code",
			"phone_number is set without country_code. Give the country code, such as \"+91\", or use parse_phone to split an international number. Nothing was sent.")
	case pn.Null && !cc.Null:
		diags.AddAttributeError(path.Root("phone_number"), "Missing Phone Number",
			"country_code is set without phone_number. Give the national number, digits only, or remove country_code. Nothing was sent.")
	case !cc.Null && !pn.Null:
		diags.Append(problemDiagnostics(path.Empty(), contract.ValidatePhone(cc, pn))...)
	}
	diags.Append(traitDiagnostics(m.Traits)...)
	diags.Append(tagDiagnostics(m.Tags)...)
	return diags
}

// tagDiagnostics checks that tags are non-empty and given once.
func tagDiagnostics(tags types.List) diag.Diagnostics {
	var diags diag.Diagnostics
	if tags.IsNull() || tags.IsUnknown() {
		return diags
	}
	seen := map[string]int{}
	for i, v := range tags.Elements() {
		s, ok := v.(types.String)
		if !ok || s.IsUnknown() {
			continue
		}
		at := path.Root("tags").AtListIndex(i)
		switch {
		case s.IsNull() || strings.TrimSpace(s.ValueString()) == "":
			diags.AddAttributeError(at, "Empty Tag", fmt.Sprintf("Tag %d is empty. Remove it or give it a name. Nothing was sent.", i))
		default:
			if first, dup := seen[s.ValueString()]; dup {
				diags.AddAttributeError(at, "Duplicate Tag",
					fmt.Sprintf("Tag %q is given at %d and again at %d. Give each tag once. Nothing was sent.", s.ValueString(), first, i))
			} else {
				seen[s.ValueString()] = i
			}
		}
	}
	return diags
}

// ModifyPlan checks the rules again with references resolved (errors only),
// sets id, warns of traits and tags the configuration stops managing (they
// stay on the user) and of an apply that will lack the API key.
func (r *userResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	defer r.data.report(&resp.Diagnostics)
	if req.Plan.Raw.IsNull() {
		return // Destroy: Delete warns that the user stays.
	}
	var plan userModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	for _, d := range userDiagnostics(plan) {
		if d.Severity() == diag.SeverityError {
			resp.Diagnostics.Append(d)
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	var state *userModel
	if !req.State.Raw.IsNull() {
		state = &userModel{}
		resp.Diagnostics.Append(getModel(ctx, req.State, state)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	// id follows the identity: an identity known only at apply (a user_id
	// from a resource not yet created) makes it unknown, since the apply
	// sets it from the identity and a plan that kept the state's would be
	// contradicted.
	if id, ok := userID(plan); ok {
		plan.ID = types.StringValue(id)
	} else {
		plan.ID = types.StringUnknown()
	}
	resp.Diagnostics.Append(setModel(ctx, &resp.Plan, &plan)...)
	if state != nil {
		dropped := droppedTraits(plan.Traits, state.Traits)
		if len(dropped) > 0 {
			resp.Diagnostics.AddAttributeWarning(path.Root("traits"), "Traits Left on the User",
				fmt.Sprintf("The configuration no longer manages the traits %s. The Track Users API cannot remove a trait, so they stay on the user in Interakt "+
					"with their last values; only the state forgets them. Clear them in Interakt's dashboard if they must go.", quoteList(dropped)))
		}
		if dropped := droppedTags(plan.Tags, state.Tags); len(dropped) > 0 {
			resp.Diagnostics.AddAttributeWarning(path.Root("tags"), "Tags Left on the User",
				fmt.Sprintf("The configuration no longer manages the tags %s. They stay on the user in Interakt; only the state forgets them. "+
					"Remove them in Interakt's dashboard if they must go.", quoteList(dropped)))
		}
	}
	if r.data.keyMissing() && (state == nil || !traitsHeld(plan.Traits, state.Traits) || !tagsHeld(plan.Tags, state.Tags)) {
		resp.Diagnostics.Append(sendWithoutKey("Recording this user"))
	}
}

// userID is the id of a user whose identity is known.
func userID(m userModel) (string, bool) {
	switch {
	case m.UserID.IsUnknown() || m.CountryCode.IsUnknown() || m.PhoneNumber.IsUnknown():
		return "", false
	case !m.UserID.IsNull():
		return m.UserID.ValueString(), true
	case !m.PhoneNumber.IsNull():
		return m.CountryCode.ValueString() + " " + m.PhoneNumber.ValueString(), true
	}
	return "", false
}
