package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// testRunBlock matches the start of a run block in a .tftest.hcl file.
var testRunBlock = regexp.MustCompile(`(?m)^run "`)

// TestAccGuideValidateInCI runs the example of the "Validate payloads in CI
// without credentials" guide the way its pipeline does: the configuration is
// formatted and valid, and `terraform test` passes every run with no API key
// and no network, against the provider served in process.
func TestAccGuideValidateInCI(t *testing.T) {
	t.Setenv(envAPIKey, "")
	t.Setenv(envDryRun, "")
	dir, err := filepath.Abs(filepath.Join("..", "..", "examples", "guides", "validate-in-ci"))
	if err != nil {
		t.Fatal(err)
	}
	config, err := os.ReadFile(filepath.Join(dir, "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	tests, err := os.ReadFile(filepath.Join(dir, "tests", "payloads.tftest.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	runs := len(testRunBlock.FindAll(tests, -1))
	if runs == 0 {
		t.Fatal("tests/payloads.tftest.hcl has no run blocks")
	}

	cli := newCLITerraform(t, testSeams(), string(config))
	if err := os.MkdirAll(filepath.Join(cli.dir, "tests"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cli.dir, "tests", "payloads.tftest.hcl"), tests, 0o600); err != nil {
		t.Fatal(err)
	}

	if out, err := cli.run("fmt", "-check", "-recursive", "-diff", "-no-color", dir); err != nil {
		t.Errorf("terraform fmt -check %s:\n%s", dir, out)
	}
	if diags := cli.validate(); len(diags) != 0 {
		t.Errorf("terraform validate:\n%s", cliDiagString(diags))
	}
	out, err := cli.run("test", "-no-color")
	if err != nil {
		t.Fatalf("terraform test: %v\n%s", err, out)
	}
	if want := fmt.Sprintf("Success! %d passed, 0 failed.", runs); !strings.Contains(out, want) {
		t.Errorf("terraform test: want %q in its output:\n%s", want, out)
	}
}
