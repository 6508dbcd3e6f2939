package provider

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
	"github.com/interakt-community/terraform-provider-interakt/internal/serve"
)

// cliTerraform runs the real Terraform CLI against this provider served in
// process, the way plugin-testing does, for what plugin-testing cannot
// run: `terraform validate`, and warnings in plan output.
type cliTerraform struct {
	t   *testing.T
	bin string
	dir string
	env []string
}

// cliDiagnostic is one diagnostic of `terraform validate -json` or of a
// `terraform plan -json` log line.
type cliDiagnostic struct {
	Severity string `json:"severity"`
	Summary  string `json:"summary"`
	Detail   string `json:"detail"`
	Snippet  *struct {
		Code string `json:"code"`
	} `json:"snippet"`
}

// code returns the configuration line the diagnostic points at, trimmed.
func (d cliDiagnostic) code() string {
	if d.Snippet == nil {
		return ""
	}
	return strings.TrimSpace(d.Snippet.Code)
}

// newCLITerraform serves the provider for the test's lifetime and prepares
// a working directory holding config. It skips unless TF_ACC is set, like
// the acceptance tests.
func newCLITerraform(t *testing.T, s seams, config string) *cliTerraform {
	t.Helper()
	found := acceptanceCLI(t)
	requireConfigVersion(t, found, config)
	bin := found.path

	ctx, cancel := context.WithCancel(context.Background())
	reattach := make(chan *plugin.ReattachConfig, 1)
	closed := make(chan struct{})
	served := make(chan error, 1)
	go func() {
		served <- tf6server.Serve(cliProviderAddress(),
			func() tfprotov6.ProviderServer {
				return serve.Server(&InteraktProvider{version: "test", seams: s}, BulkAttributes)
			},
			tf6server.WithDebug(ctx, reattach, closed),
			tf6server.WithGoPluginLogger(hclog.NewNullLogger()),
			tf6server.WithLoggingSink(t),
		)
	}()
	var rc *plugin.ReattachConfig
	select {
	case rc = <-reattach:
	case err := <-served:
		cancel()
		t.Fatalf("serving the provider: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		<-closed
	})

	type addr struct{ Network, String string }
	type reattachConfig struct {
		Protocol        string
		ProtocolVersion int
		Pid             int
		Test            bool
		Addr            addr
	}
	providers, err := json.Marshal(map[string]reattachConfig{cliProviderAddress(): {
		Protocol:        string(rc.Protocol),
		ProtocolVersion: rc.ProtocolVersion,
		Pid:             rc.Pid,
		Test:            rc.Test,
		Addr:            addr{Network: rc.Addr.Network(), String: rc.Addr.String()},
	}})
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	cli := &cliTerraform{t: t, bin: bin, dir: dir, env: append(os.Environ(),
		"TF_REATTACH_PROVIDERS="+string(providers),
		"CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1",
	)}
	if out, err := cli.run("init", "-backend=false", "-input=false", "-no-color"); err != nil {
		t.Fatalf("terraform init: %v\n%s", err, out)
	}
	return cli
}

// run runs terraform and returns its stdout, failing the test when it
// cannot start. A non-zero exit is returned as an error with stderr:
// callers that expect diagnostics look at stdout instead.
func (c *cliTerraform) run(args ...string) (stdout string, exitErr error) {
	c.t.Helper()
	cmd := exec.Command(c.bin, args...)
	cmd.Dir = c.dir
	cmd.Env = c.env
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		c.t.Fatalf("terraform %s: %v", strings.Join(args, " "), err)
	}
	if err != nil {
		// With -json the diagnostics are on stdout; stderr explains the rest.
		return out.String(), fmt.Errorf("%w: %s", err, errOut.String())
	}
	return out.String(), nil
}

// validate runs `terraform validate -json` and returns its diagnostics.
func (c *cliTerraform) validate() []cliDiagnostic {
	c.t.Helper()
	out, _ := c.run("validate", "-json", "-no-color")
	var result struct {
		Diagnostics []cliDiagnostic `json:"diagnostics"`
	}
	if err := json.Unmarshal([]byte(out), &result); err != nil {
		c.t.Fatalf("terraform validate -json: %v\n%s", err, out)
	}
	return result.Diagnostics
}

// plan runs `terraform plan -json` and returns the diagnostics it logged.
func (c *cliTerraform) plan() []cliDiagnostic {
	c.t.Helper()
	return c.jsonDiagnostics("plan", "-json", "-input=false", "-no-color", "-lock=false")
}

// jsonDiagnostics runs a terraform command whose -json output is a log of
// lines and returns the diagnostics among them.
func (c *cliTerraform) jsonDiagnostics(args ...string) []cliDiagnostic {
	c.t.Helper()
	out, _ := c.run(args...)
	var diags []cliDiagnostic
	scanner := bufio.NewScanner(strings.NewReader(out))
	scanner.Buffer(make([]byte, 0, 64*1024), 4*1024*1024)
	for scanner.Scan() {
		var line struct {
			Type       string        `json:"type"`
			Diagnostic cliDiagnostic `json:"diagnostic"`
		}
		if err := json.Unmarshal(scanner.Bytes(), &line); err != nil {
			c.t.Fatalf("terraform %s line %q: %v", args[0], scanner.Text(), err)
		}
		if line.Type == "diagnostic" {
			diags = append(diags, line.Diagnostic)
		}
	}
	if err := scanner.Err(); err != nil {
		c.t.Fatal(err)
	}
	return diags
}

// countCLIDiags counts the diagnostics with this severity and summary (""
// for any).
func countCLIDiags(diags []cliDiagnostic, severity, summary string) int {
	n := 0
	for _, d := range diags {
		if d.Severity == severity && (summary == "" || d.Summary == summary) {
			n++
		}
	}
	return n
}

// expectSendStopsWithoutKey plans and applies cli's configuration, which
// sends with no API key and no dry run; args (such as -invoke=...) go to
// both commands. The plan warns once, with the summary planWarning, at
// the configuration line starting with planAt; the apply stops with a
// Missing Interakt API Key error at applyAt ("" for any: Terraform wraps
// an action's error in its own, without a line) that says nothing was
// sent and how to set the key; srv receives no request. (The CLI shows a
// diagnostic at an attribute the block lacks, such as api_key, at the
// block too: the protocol-level tests check that there is no path.)
func expectSendStopsWithoutKey(t *testing.T, cli *cliTerraform, srv *mock.Server, planAt, planWarning, applyAt string, args ...string) {
	t.Helper()
	planned := cli.jsonDiagnostics(append([]string{"plan", "-json", "-input=false", "-no-color", "-lock=false"}, args...)...)
	if countCLIDiags(planned, "warning", planWarning) != 1 || findCLIDiag(planned, "warning", planWarning, planAt) == nil ||
		countCLIDiags(planned, "error", "") != 0 {
		t.Errorf("plan: want one %q warning at %s and no error:\n%s", planWarning, planAt, cliDiagString(planned))
	}
	applied := cli.jsonDiagnostics(append([]string{"apply", "-json", "-auto-approve", "-input=false", "-no-color", "-lock=false"}, args...)...)
	var found *cliDiagnostic
	for i, d := range applied {
		if d.Severity == "error" && strings.Contains(d.Summary+": "+d.Detail, "Missing Interakt API Key") && strings.HasPrefix(d.code(), applyAt) {
			found = &applied[i]
		}
	}
	if found == nil || !strings.Contains(found.Detail, "nothing was sent") || !strings.Contains(found.Detail, "api_key") ||
		!strings.Contains(found.Detail, envAPIKey) {
		t.Errorf("apply: want a Missing Interakt API Key error at %q saying nothing was sent and how to set the key:\n%s",
			applyAt, cliDiagString(applied))
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("the mock received %d requests; want none", n)
	}
}

// findCLIDiag returns the first diagnostic with this severity and summary
// whose configuration line starts with codePrefix ("" for any), or nil.
func findCLIDiag(diags []cliDiagnostic, severity, summary, codePrefix string) *cliDiagnostic {
	for i, d := range diags {
		if d.Severity == severity && d.Summary == summary && strings.HasPrefix(d.code(), codePrefix) {
			return &diags[i]
		}
	}
	return nil
}

// cliDiagString renders diagnostics for test failures.
func cliDiagString(diags []cliDiagnostic) string {
	var b strings.Builder
	for _, d := range diags {
		b.WriteString(d.Severity + " " + d.Summary + " at `" + d.code() + "`: " + d.Detail + "\n")
	}
	return b.String()
}

// stateAttribute runs `terraform show -json` and returns one top-level
// attribute of a root module resource, as JSON decodes it.
func (c *cliTerraform) stateAttribute(address, name string) any {
	c.t.Helper()
	out, err := c.run("show", "-json", "-no-color")
	if err != nil {
		c.t.Fatalf("terraform show -json: %v", err)
	}
	var state struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address string         `json:"address"`
					Values  map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(out), &state); err != nil {
		c.t.Fatalf("terraform show -json: %v\n%s", err, out)
	}
	for _, r := range state.Values.RootModule.Resources {
		if r.Address == address {
			return r.Values[name]
		}
	}
	c.t.Fatalf("no %s in the state:\n%s", address, out)
	return nil
}

// planExitCode runs `terraform plan -detailed-exitcode`: 0 is a clean plan,
// 2 a plan with changes, 1 an error.
func (c *cliTerraform) planExitCode() (int, string) {
	c.t.Helper()
	out, err := c.run("plan", "-detailed-exitcode", "-input=false", "-no-color")
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), out + err.Error()
	}
	return 0, out
}
