//go:build ignore

// Command schemaonly serves this provider's resources with their schemas
// and nothing else: no provider configuration, no ValidateConfig, no
// ModifyPlan. Planning with it costs what terraform-plugin-framework and
// the plugin protocol cost for these schemas, so scripts/bench.sh can tell
// that floor apart from the cost of this provider's own checks. It is
// served through internal/serve, whose request contexts the framework does
// not keep.
package main

import (
	"context"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	interakt "github.com/interakt-community/terraform-provider-interakt/internal/provider"
	"github.com/interakt-community/terraform-provider-interakt/internal/serve"
)

// schemaOnlyProvider exposes only the methods of provider.Provider, so the
// framework sees no functions, actions or other optional interfaces.
type schemaOnlyProvider struct {
	provider.Provider
}

// Configure does nothing: the resources below never read provider data.
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

func main() {
	err := serve.Provider("registry.terraform.io/interakt-community/interakt", func() provider.Provider {
		return schemaOnlyProvider{interakt.New("bench")()}
	}, false)
	if err != nil {
		log.Fatal(err)
	}
}
