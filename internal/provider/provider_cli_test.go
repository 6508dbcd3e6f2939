package provider

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/go-version"
)

// testCLI is the CLI the acceptance tests run, as terraform-plugin-testing
// finds it: TF_ACC_TERRAFORM_PATH, else terraform on PATH. It may be
// Terraform or OpenTofu.
type testCLI struct {
	path    string
	name    string // "Terraform" or "OpenTofu", as its version banner says
	version *version.Version
}

// findTestCLI asks the CLI for its banner once per test binary.
var findTestCLI = sync.OnceValues(func() (testCLI, error) {
	path := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if path == "" {
		found, err := exec.LookPath("terraform")
		if err != nil {
			return testCLI{}, err
		}
		path = found
	}
	out, err := exec.Command(path, "version").Output()
	if err != nil {
		return testCLI{}, err
	}
	// "Terraform v1.14.9" or "OpenTofu v1.12.6" on the first line.
	banner := strings.Fields(strings.SplitN(string(out), "\n", 2)[0])
	if len(banner) < 2 {
		return testCLI{}, &exec.Error{Name: path, Err: os.ErrInvalid}
	}
	v, err := version.NewVersion(strings.TrimPrefix(banner[1], "v"))
	if err != nil {
		return testCLI{}, err
	}
	return testCLI{path: path, name: banner[0], version: v}, nil
})

// acceptanceCLI returns the CLI for a test that runs it. It skips unless
// TF_ACC is set, like the acceptance tests, or when no CLI is found.
func acceptanceCLI(t *testing.T) testCLI {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run tests that run the Terraform CLI")
	}
	cli, err := findTestCLI()
	if err != nil {
		t.Skipf("no Terraform CLI: %v", err)
	}
	return cli
}

// requiredVersion matches a configuration's required_version constraint.
var requiredVersion = regexp.MustCompile(`(?m)^\s*required_version\s*=\s*"([^"]+)"`)

// requireConfigVersion skips the test when the CLI does not meet the
// required_version that config declares for a feature it uses, such as the
// validate-in-CI guide's variable validations that refer to other objects
// (Terraform 1.9).
func requireConfigVersion(t *testing.T, cli testCLI, config string) {
	t.Helper()
	m := requiredVersion.FindStringSubmatch(config)
	if m == nil {
		return
	}
	constraint, err := version.NewConstraint(m[1])
	if err != nil {
		t.Fatalf("required_version %q: %v", m[1], err)
	}
	if !constraint.Check(cli.version) {
		t.Skipf("the configuration needs required_version %q; %s %s does not meet it", m[1], cli.name, cli.version)
	}
}

// writeOnlyArguments reports whether the CLI takes write-only arguments,
// as Terraform and OpenTofu do from 1.11.
func writeOnlyArguments(t *testing.T) bool {
	t.Helper()
	return !acceptanceCLI(t).version.LessThan(version.Must(version.NewVersion("1.11.0")))
}

// requireTerraform114 returns the CLI when it is Terraform 1.14 or later,
// the first with feature (actions, list resources and `terraform query`),
// and skips the test otherwise, saying why.
func requireTerraform114(t *testing.T, feature string) string {
	t.Helper()
	cli := acceptanceCLI(t)
	if cli.name == "OpenTofu" {
		t.Skipf("OpenTofu %s has no %s; Terraform 1.14 or later has", cli.version, feature)
	}
	if cli.version.LessThan(version.Must(version.NewVersion("1.14.0"))) {
		t.Skipf("Terraform %s has no %s; want 1.14 or later (make testacc-1.16)", cli.version, feature)
	}
	return cli.path
}

// cliProviderAddress is the provider's address in the examples'
// required_providers, under which tests serve it in process. OpenTofu
// looks providers up under its own registry's host, which
// TF_ACC_PROVIDER_HOST names, as it does for terraform-plugin-testing.
func cliProviderAddress() string {
	host := os.Getenv("TF_ACC_PROVIDER_HOST")
	if host == "" {
		host = "registry.terraform.io"
	}
	return host + "/interakt-community/interakt"
}
