//go:build ignore

// Command profiled is the provider with CPU and allocation profiles: each
// process writes cpu-<pid>.pprof and allocs-<pid>.pprof into
// $PROFILE_DIR when Terraform stops it. Built under the provider's name in
// a dev_overrides folder, it shows where a plan or apply spends the
// provider's time (go tool pprof -top cpu-*.pprof).
package main

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime/pprof"

	"github.com/interakt-community/terraform-provider-interakt/internal/provider"
	"github.com/interakt-community/terraform-provider-interakt/internal/serve"
)

func main() {
	dir := os.Getenv("PROFILE_DIR")
	if dir == "" {
		log.Fatal("profiled: set PROFILE_DIR")
	}
	name := func(kind string) string { return filepath.Join(dir, fmt.Sprintf("%s-%d.pprof", kind, os.Getpid())) }
	cpu, err := os.Create(name("cpu"))
	if err != nil {
		log.Fatal(err)
	}
	if err := pprof.StartCPUProfile(cpu); err != nil {
		log.Fatal(err)
	}
	serveErr := serve.Provider("registry.terraform.io/interakt-community/interakt", provider.New("profiled"), provider.BulkAttributes, false)
	pprof.StopCPUProfile()
	if err := cpu.Close(); err != nil {
		log.Fatal(err)
	}
	allocs, err := os.Create(name("allocs"))
	if err != nil {
		log.Fatal(err)
	}
	if err := pprof.Lookup("allocs").WriteTo(allocs, 0); err != nil {
		log.Fatal(err)
	}
	if err := allocs.Close(); err != nil {
		log.Fatal(err)
	}
	if serveErr != nil {
		log.Fatal(serveErr)
	}
}
