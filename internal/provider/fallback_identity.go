package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// fallbackIdentity is interakt_fallback's identity: a rule is its name at
// the receiver.
type fallbackIdentity struct {
	Name types.String `tfsdk:"name"`
}

func (r *fallbackResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"name": identityschema.StringAttribute{
				Description:       "The rule's name at the status receiver.",
				RequiredForImport: true,
			},
		},
	}
}

// setFallbackIdentity records the rule's name as the resource's identity.
func setFallbackIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, name types.String) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	return identity.Set(ctx, fallbackIdentity{Name: name})
}

// ImportState adopts a rule by its name (or an identity { name }); the
// refresh that follows reads the rest from the receiver, all but the
// secret, which the receiver never answers: the first plan after an
// import sends the configuration's secret with the rule.
func (r *fallbackResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	name := strings.TrimSpace(req.ID)
	if req.ID == "" && req.Identity != nil {
		var id fallbackIdentity
		resp.Diagnostics.Append(req.Identity.Get(ctx, &id)...)
		if resp.Diagnostics.HasError() {
			return
		}
		name = id.Name.ValueString()
	}
	if !fallbackNamePattern.MatchString(name) {
		resp.Diagnostics.AddError("Invalid Import ID",
			fmt.Sprintf("The import id %q is not a fallback rule's name: it %s. Give the rule's name as the receiver keeps it, such as sms.", name, fallbackNameRule))
		return
	}
	if d, ok := fallbackReceiverMissing(r.data, "Importing a fallback rule", "nothing was imported"); ok {
		resp.Diagnostics.Append(d)
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), name)...)
	resp.Diagnostics.Append(setFallbackIdentity(ctx, resp.Identity, types.StringValue(name))...)
}
