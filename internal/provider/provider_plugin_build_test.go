package provider

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// buildPlugin builds the provider into dir/bin and writes dir/terraformrc,
// a CLI configuration whose dev_overrides point Terraform at it, for tests
// that run Terraform as a separate process they signal or invoke.
func buildPlugin(t *testing.T, dir string) (binary, cliConfig string) {
	t.Helper()
	binDir := filepath.Join(dir, "bin")
	binary = filepath.Join(binDir, "terraform-provider-interakt")
	build := exec.CommandContext(t.Context(), "go", "build", "-o", binary, ".")
	build.Dir = filepath.Join("..", "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cliConfig = filepath.Join(dir, "terraformrc")
	writeFile(t, cliConfig, fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"interakt-community/interakt\" = %q\n  }\n  direct {}\n}\n", binDir))
	return binary, cliConfig
}

// writeFile writes content to name, creating its folder.
func writeFile(t testing.TB, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// waitFor polls done every 10 ms until it reports true or ctx ends; then
// the error names what was awaited and, from done, what was last seen.
func waitFor(ctx context.Context, what string, done func() (bool, string)) error {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, seen := done()
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s (%s): %w", what, seen, ctx.Err())
		case <-tick.C:
		}
	}
}
