// Package schemaonly serves a provider's resources with their schemas and
// nothing else: no provider configuration, no ValidateConfig, no
// ModifyPlan. Planning with it costs what terraform-plugin-framework and
// the plugin protocol cost for those schemas, so the plan benchmarks
// (scripts/bench.sh and the provider's BenchmarkPlanPair) can tell that
// floor apart from the cost of the provider's own checks.
package schemaonly

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// Provider returns p with its resources' schemas only.
func Provider(p provider.Provider) provider.Provider {
	return schemaOnlyProvider{p}
}

// schemaOnlyProvider exposes only the methods of provider.Provider, so the
// framework sees no functions, actions or other optional interfaces.
type schemaOnlyProvider struct {
	provider.Provider
}

// Configure does nothing: the resources never read provider data.
func (schemaOnlyProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

// Resources wraps every resource of the provider in schemaOnlyResource.
func (p schemaOnlyProvider) Resources(ctx context.Context) []func() resource.Resource {
	var out []func() resource.Resource
	for _, newResource := range p.Provider.Resources(ctx) {
		out = append(out, func() resource.Resource { return schemaOnlyResource{newResource()} })
	}
	return out
}

// schemaOnlyResource exposes only the methods of resource.Resource: the
// framework finds no ValidateConfig, ModifyPlan or Configure to call.
type schemaOnlyResource struct {
	resource.Resource
}
