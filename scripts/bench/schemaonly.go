//go:build ignore

// Command schemaonly serves this provider's resources with their schemas
// and nothing else (internal/schemaonly), for scripts/bench.sh's plan
// floor. It is served through internal/serve, whose request contexts the
// framework does not keep.
package main

import (
	"log"

	"github.com/hashicorp/terraform-plugin-framework/provider"

	interakt "github.com/interakt-community/terraform-provider-interakt/internal/provider"
	"github.com/interakt-community/terraform-provider-interakt/internal/schemaonly"
	"github.com/interakt-community/terraform-provider-interakt/internal/serve"
)

func main() {
	err := serve.Provider("registry.terraform.io/interakt-community/interakt", func() provider.Provider {
		return schemaonly.Provider(interakt.New("bench")())
	}, nil, false)
	if err != nil {
		log.Fatal(err)
	}
}
