package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/interakt-community/terraform-provider-interakt/internal/contract"
)

var _ resource.ResourceWithIdentity = &templateResource{}

// templateIdentity is interakt_template's identity: a template is its name
// and language, in Interakt as in WhatsApp.
type templateIdentity struct {
	Name         types.String `tfsdk:"name"`
	LanguageCode types.String `tfsdk:"language_code"`
}

func (r *templateResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"name": identityschema.StringAttribute{
				Description:       "The template's code name.",
				RequiredForImport: true,
			},
			"language_code": identityschema.StringAttribute{
				Description:       "The template's language code, such as en or pt_BR.",
				RequiredForImport: true,
			},
		},
	}
}

// setIdentity records m's name and language as the resource's identity.
func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, m templateModel) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	return identity.Set(ctx, templateIdentity{Name: m.Name, LanguageCode: m.LanguageCode})
}

// ImportState adopts a template by <name>:<language_code>, or by an
// identity { name, language_code }. With an API key the refresh that
// follows reads the rest from the account; without one, the next plan
// shows the declaration from configuration as an update.
func (r *templateResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var name, languageCode string
	summary, where := "Invalid Import ID", "The import id is <name>:<language_code>, and its"
	if req.ID == "" && req.Identity != nil {
		var id templateIdentity
		resp.Diagnostics.Append(req.Identity.Get(ctx, &id)...)
		if resp.Diagnostics.HasError() {
			return
		}
		name, languageCode = id.Name.ValueString(), id.LanguageCode.ValueString()
		summary, where = "Invalid Import Identity", "The identity's"
	} else {
		var ok bool
		name, languageCode, ok = cutImportID(req.ID)
		if !ok {
			resp.Diagnostics.AddError("Invalid Import ID",
				fmt.Sprintf("The import id %q is not of the form <name>:<language_code>. Give the template's code name and language, such as order_shipped:en or order_shipped:pt_BR.", req.ID))
			return
		}
	}
	if problems := errorProblems(contract.ValidateContract(contract.Contract{Name: name, LanguageCode: languageCode})); len(problems) > 0 {
		for _, p := range problems {
			resp.Diagnostics.AddError(summary, fmt.Sprintf("%s %s is not valid: %s", where, p.Path, p.Detail))
		}
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), templateID(name, languageCode))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("language_code"), languageCode)...)
	if resp.Identity != nil {
		resp.Diagnostics.Append(resp.Identity.Set(ctx, templateIdentity{Name: types.StringValue(name), LanguageCode: types.StringValue(languageCode)})...)
	}
}
