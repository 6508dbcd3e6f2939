package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/interakt-community/terraform-provider-interakt/internal/contract"
)

// problemDiagnostics turns contract problems into diagnostics at their exact
// attribute paths, each below base (empty for a resource's own attributes,
// recipients["key"] for a campaign recipient). Terraform (1.11 at least)
// shows a path inside a nested object against the whole resource block, so
// the detail of such a problem starts with its path.
func problemDiagnostics(base path.Path, problems []contract.Problem) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, p := range problems {
		at := frameworkPath(base, p.Path)
		detail := p.Detail
		if len(at.Steps()) > 1 {
			detail = "At " + at.String() + ": " + detail
		}
		if p.Severity == contract.Warning {
			diags.AddAttributeWarning(at, p.Summary, detail)
		} else {
			diags.AddAttributeError(at, p.Summary, detail)
		}
	}
	return diags
}

// errorProblems keeps the errors of ps, for ModifyPlan (Terraform has run
// ValidateConfig with the same values and shown its warnings) and for
// functions, which cannot warn.
func errorProblems(ps []contract.Problem) []contract.Problem {
	kept := ps[:0]
	for _, p := range ps {
		if p.Severity == contract.Error {
			kept = append(kept, p)
		}
	}
	return kept
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
