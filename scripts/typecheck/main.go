//go:build ignore

// Command typecheck type-checks the packages it is given, test files
// included, for the GOOS and GOARCH of its environment, from source. It
// shows that the module builds for an operating system that CI does not
// run, for a fraction of what go vet costs there: vet compiles every
// dependency for that system first (about 290 CPU-seconds per system on a
// fresh machine, against about 20 here).
//
// Usage: GOOS=windows go run scripts/typecheck/main.go ./...
package main

import (
	"fmt"
	"log"
	"os"
	"runtime"

	"golang.org/x/tools/go/packages"
)

func main() {
	log.SetFlags(0)
	cfg := &packages.Config{Mode: packages.LoadAllSyntax, Tests: true}
	pkgs, err := packages.Load(cfg, os.Args[1:]...)
	if err != nil {
		log.Fatal(err)
	}
	if n := packages.PrintErrors(pkgs); n > 0 {
		log.Fatalf("%d errors type-checking for %s", n, target())
	}
	fmt.Printf("%d packages and their tests type-check for %s\n", len(pkgs), target())
}

// target is the system checked for: the environment's GOOS and GOARCH,
// which go/packages passes on to go list.
func target() string {
	goos, goarch := os.Getenv("GOOS"), os.Getenv("GOARCH")
	if goos == "" {
		goos = runtime.GOOS
	}
	if goarch == "" {
		goarch = runtime.GOARCH
	}
	return goos + "/" + goarch
}
