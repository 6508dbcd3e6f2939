package provider

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// exampleDirs are the folders of examples/ that hold a configuration: the
// documentation's (in tfplugindocs' layout) and the demo's.
func exampleDirs(t *testing.T) []string {
	t.Helper()
	root := filepath.Join("..", "..", "examples")
	var dirs []string
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".tf" {
			return err
		}
		dir, _ := filepath.Rel(root, filepath.Dir(path))
		if len(dirs) == 0 || dirs[len(dirs)-1] != dir {
			dirs = append(dirs, filepath.ToSlash(dir))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 10 {
		t.Fatalf("found only %d example folders: %v", len(dirs), dirs)
	}
	return dirs
}

// exampleConfig joins an example folder's top-level .tf files.
func exampleConfig(t *testing.T, dir string) string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "examples", filepath.FromSlash(dir), "*.tf"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no .tf files in %s (%v)", dir, err)
	}
	var config strings.Builder
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		config.Write(b)
		config.WriteByte('\n')
	}
	return config.String()
}

// TestAccExamples keeps the documentation honest: every example is
// formatted, validates with no API key and no warnings, and plans with no
// key unless it lists templates; every example but the actions' (an action
// block needs Terraform 1.14, and is invoked, not applied) is then applied
// against the mock and a status receiver, and applied again to show that an
// unchanged configuration sends nothing.
func TestAccExamples(t *testing.T) {
	t.Parallel()
	for _, dir := range exampleDirs(t) {
		t.Run(dir, func(t *testing.T) {
			actions := strings.HasPrefix(dir, "actions/")
			if actions {
				requireTerraform114(t, "action blocks")
			}
			rcv := startTestReceiver(t)
			srv := newWebhookMock(t, rcv)
			env := &testEnv{}
			env.set(envStatusToken, testStatusToken)
			cli := newCLITerraform(t, env.seams(), exampleConfig(t, dir))

			abs, err := filepath.Abs(filepath.Join("..", "..", "examples", filepath.FromSlash(dir)))
			if err != nil {
				t.Fatal(err)
			}
			if out, err := cli.run("fmt", "-check", "-diff", "-no-color", abs); err != nil {
				t.Errorf("terraform fmt -check:\n%s", out)
			}
			if diags := cli.validate(); len(diags) != 0 {
				t.Fatalf("terraform validate without credentials:\n%s", cliDiagString(diags))
			}
			if dir != "data-sources/interakt_templates" {
				for _, d := range cli.plan() {
					if d.Severity == "error" {
						t.Errorf("terraform plan without credentials: %s: %s", d.Summary, d.Detail)
					}
				}
			}
			if actions {
				return
			}

			// The apply has the key, the mock and the receiver.
			env.set(envAPIKey, testAPIKey)
			env.set(envBaseURL, srv.URL())
			env.set(envStatusURL, rcv.url)
			if out, err := cli.run("apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
				t.Fatalf("terraform apply against the mock: %v\n%s", err, out)
			}
			sent := srv.SentCount()
			if out, err := cli.run("apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
				t.Fatalf("second terraform apply: %v\n%s", err, out)
			}
			if again := srv.SentCount(); again != sent {
				t.Errorf("the unchanged second apply sent %d more messages", again-sent)
			}
			t.Logf("%s: %d messages sent", dir, sent)
		})
	}
}
