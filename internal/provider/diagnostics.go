package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/interakt-community/terraform-provider-interakt/internal/contract"
)

// problemDiagnostics turns contract problems into diagnostics at their exact
// attribute paths, each below base (empty for a resource's own attributes,
// recipients["key"] for a campaign recipient).
func problemDiagnostics(base path.Path, problems []contract.Problem) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, p := range problems {
		at := frameworkPath(base, p.Path)
		if p.Severity == contract.Warning {
			diags.AddAttributeWarning(at, p.Summary, p.Detail)
		} else {
			diags.AddAttributeError(at, p.Summary, p.Detail)
		}
	}
	return diags
}

// frameworkPath appends a contract path to base.
func frameworkPath(base path.Path, p contract.Path) path.Path {
	out := base.Copy()
	for i, step := range p {
		switch {
		case i == 0 && len(base.Steps()) == 0:
			out = path.Root(step.Name)
		case step.Kind == contract.StepIndex:
			out = out.AtListIndex(step.Index)
		case step.Kind == contract.StepKey:
			out = out.AtMapKey(step.Key)
		default:
			out = out.AtName(step.Name)
		}
	}
	return out
}
