package main

import (
	"flag"
	"log"

	"github.com/interakt-community/terraform-provider-interakt/internal/provider"
	"github.com/interakt-community/terraform-provider-interakt/internal/serve"
)

// version is set by the release build's ldflags.
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	if err := serve.Provider("registry.terraform.io/interakt-community/interakt", provider.New(version), provider.BulkAttributes, debug); err != nil {
		log.Fatal(err.Error())
	}
}
