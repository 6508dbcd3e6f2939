package provider

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// approvalApproved is the approval status of a template that can be sent.
const approvalApproved = "APPROVED"

// verifyTemplate checks that the account lists the template by name and
// language, APPROVED, with the declared body. Each mismatch is an error at
// the attribute that differs. The lists are fetched once per provider
// process, APPROVED first, and share the provider's rate limit; every
// status is listed only for a template not found, to name its languages.
func verifyTemplate(ctx context.Context, d *providerData, m templateModel) diag.Diagnostics {
	var diags diag.Diagnostics
	ctx = maskSecrets(ctx, d.secrets)
	name, language := m.Name.ValueString(), m.LanguageCode.ValueString()
	tflog.Debug(ctx, "verifying template", map[string]any{"template": name, "language": language})
	cannot := func(err error) diag.Diagnostics {
		diags.AddAttributeError(path.Root("verify"), "Cannot Verify Template",
			"Listing the account's templates failed, so the template could not be checked: "+err.Error()+
				" Retry, or set verify = false to skip the check.")
		return diags
	}
	account, ok, err := d.api.FindTemplate(ctx, name, language)
	if err != nil {
		return cannot(err)
	}
	found := &account
	var languages []string
	if !ok {
		list, err := d.api.ListTemplates(ctx)
		if err != nil {
			return cannot(err)
		}
		found, languages = findTemplate(list, name, language)
	}
	switch {
	case found == nil && len(languages) == 0:
		diags.AddAttributeError(path.Root("name"), "Template Not Found",
			fmt.Sprintf("Interakt lists no template named %q in this account. Use the template's code name as Interakt shows it, "+
				"or create the template in Interakt and wait for its approval.", name))
		return diags
	case found == nil:
		diags.AddAttributeError(path.Root("language_code"), "Template Language Not Found",
			fmt.Sprintf("Interakt lists the template %q in %s, but not in %q. Use the language code the template was created with.",
				name, strings.Join(languages, ", "), language))
		return diags
	}
	if !strings.EqualFold(found.ApprovalStatus, approvalApproved) {
		diags.AddAttributeError(path.Root("verify"), "Template Not Approved",
			fmt.Sprintf("Interakt lists the template %q (%s) with approval status %q; only APPROVED templates can be sent. "+
				"Wait for Meta's approval, or fix and resubmit the template in Interakt.", name, language, found.ApprovalStatus))
	}
	if !m.Body.IsUnknown() && normalizeBody(found.Body) != normalizeBody(m.Body.ValueString()) {
		diags.AddAttributeError(path.Root("body"), "Template Body Differs",
			fmt.Sprintf("The body of %q (%s) in Interakt is %q, which differs from the declared body. "+
				"Messages are built against the declared body's variables, so copy the body exactly as Interakt shows it.", name, language, found.Body))
	}
	return diags
}

// findTemplate returns the listed template with this name and language,
// preferring an approved one, or else the other languages of the name.
func findTemplate(list []wire.TemplateInfo, name, language string) (*wire.TemplateInfo, []string) {
	var found *wire.TemplateInfo
	var languages []string
	for i := range list {
		t := &list[i]
		if t.Name != name {
			continue
		}
		if t.Language != language {
			languages = append(languages, t.Language)
			continue
		}
		if found == nil || !strings.EqualFold(found.ApprovalStatus, approvalApproved) {
			found = t
		}
	}
	sort.Strings(languages)
	return found, slices.Compact(languages)
}

// normalizeBody makes bodies comparable across line-ending styles and
// surrounding whitespace, which the dashboard does not show.
func normalizeBody(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}
