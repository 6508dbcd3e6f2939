package provider

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// builtPlugin is the provider binary built once per test run, which
// buildPlugin links into each test's folder.
var builtPlugin struct {
	once   sync.Once
	binary string
	err    error
}

// buildPlugin puts the provider binary into dir/bin and writes
// dir/terraformrc, a CLI configuration whose dev_overrides point Terraform
// at it, for tests that run Terraform as a separate process they signal or
// invoke. The provider is built once per test run (a build costs seconds of
// CPU even from a warm cache); each test gets a hard link of its own (a
// copy where links fail), so that the processes running it are its own.
func buildPlugin(t testing.TB, dir string) (binary, cliConfig string) {
	t.Helper()
	builtPlugin.once.Do(func() {
		builtPlugin.binary = filepath.Join(testJournalRoot, "plugin", "terraform-provider-interakt")
		build := exec.Command("go", "build", "-o", builtPlugin.binary, ".")
		build.Dir = filepath.Join("..", "..")
		if out, err := build.CombinedOutput(); err != nil {
			builtPlugin.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if builtPlugin.err != nil {
		t.Fatal(builtPlugin.err)
	}
	binDir := filepath.Join(dir, "bin")
	binary = filepath.Join(binDir, "terraform-provider-interakt")
	if err := os.MkdirAll(binDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(builtPlugin.binary, binary); err != nil {
		copyFile(t, builtPlugin.binary, binary)
	}
	cliConfig = filepath.Join(dir, "terraformrc")
	writeFile(t, cliConfig, fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"interakt-community/interakt\" = %q\n  }\n  direct {}\n}\n", binDir))
	return binary, cliConfig
}

// copyFile copies an executable from to to.
func copyFile(t testing.TB, from, to string) {
	t.Helper()
	content, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, content, 0o755); err != nil {
		t.Fatal(err)
	}
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
