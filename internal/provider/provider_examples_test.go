package provider

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
)

// minExampleDirs is how many example folders there are at least, so that
// a walk that misses some (a renamed folder, a moved file) fails.
const minExampleDirs = 20

// exampleDirs are the folders of examples/ that hold a configuration: the
// documentation's (in tfplugindocs' layout, and the guides' and templates'
// examples that the pages include with tffile) and the demo's.
func exampleDirs(t *testing.T) []string {
	t.Helper()
	root := filepath.Join("..", "..", "examples")
	var dirs []string
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".tf" {
			return err
		}
		dir, _ := filepath.Rel(root, filepath.Dir(path))
		dir = filepath.ToSlash(dir)
		// The mistakes of the validate-in-CI guide are wrong on purpose;
		// TestAccGuideValidateInCIMistakes runs them.
		if strings.Contains(dir, "/mistakes/") {
			return nil
		}
		// A folder's files may come on both sides of a subfolder's.
		if !slices.Contains(dirs, dir) {
			dirs = append(dirs, dir)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < minExampleDirs {
		t.Fatalf("found only %d example folders: %v", len(dirs), dirs)
	}
	return dirs
}

// The input variables that examples declare for what the environment
// gives: the API key (an ephemeral variable in the provider page's
// example), the status receiver's URL and a fallback rule's secret.
const (
	exampleKeyVariable            = "interakt_api_key"
	exampleStatusURLVariable      = "status_url"
	exampleFallbackSecretVariable = "fallback_secret"
)

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

// exampleSends is how many messages the first apply of an example sends,
// where the count shows that the example did what its page says: the
// from-file campaigns send to the 3 rows of customers.csv and the 2 of
// customers.json, the sharded ones to the 5 rows of theirs.
var exampleSends = map[string]int{"guides/campaigns/from-file": 5, "guides/campaigns/sharded": 5}

// exampleOngoingCampaigns are the ongoing campaigns an example's account
// has: the ongoing-campaigns guide checks that the campaign its event sets
// off delivered its message, so the mock must run one, or the check would
// wait out its timeout and fail.
var exampleOngoingCampaigns = map[string]mock.OngoingCampaign{
	"guides/ongoing-campaigns": {Event: "order_placed", Template: "order_shipped", BodyTraits: []string{"name", "order_id"}},
}

// copyExampleData copies the files an example reads with file(), its
// .csv and .json files, into the folder Terraform runs in.
func copyExampleData(t *testing.T, dir, to string) {
	t.Helper()
	for _, ext := range []string{"*.csv", "*.json"} {
		files, err := filepath.Glob(filepath.Join("..", "..", "examples", filepath.FromSlash(dir), ext))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err == nil {
				err = os.WriteFile(filepath.Join(to, filepath.Base(f)), b, 0o600)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestAccExamples keeps the documentation honest: every example is
// formatted, validates with no API key and no warnings, and plans with no
// key unless it lists templates; every example but the actions' (an action
// block needs Terraform 1.14, and is invoked, not applied) is then applied
// against the mock and a status receiver, with every check block passing,
// and applied again to show that an unchanged configuration sends nothing
// and then plans no change (planChangesNothing).
// An example that declares the input variable for the status receiver's
// URL, for the API key or for a fallback rule's secret gets its value as
// TF_VAR_<name>, as its page says; the API key then reaches the provider through that variable only,
// so a send proves that it works.
func TestAccExamples(t *testing.T) {
	t.Parallel()
	for _, dir := range exampleDirs(t) {
		t.Run(dir, func(t *testing.T) {
			t.Parallel()
			actions := strings.HasPrefix(dir, "actions/")
			if actions {
				requireTerraform114(t, "action blocks")
			}
			rcv := startTestReceiver(t)
			srv := newWebhookMock(t, rcv)
			if campaign, ok := exampleOngoingCampaigns[dir]; ok {
				if err := srv.AddOngoingCampaign(campaign); err != nil {
					t.Fatal(err)
				}
			}
			env := &testEnv{}
			env.set(envStatusToken, testStatusToken)
			config := exampleConfig(t, dir)
			cli := newCLITerraform(t, env.seams(), config)
			copyExampleData(t, dir, cli.dir)
			keyVariable := strings.Contains(config, `variable "`+exampleKeyVariable+`"`)
			cli.env = append(cli.env, "TF_VAR_"+exampleStatusURLVariable+"="+rcv.url,
				"TF_VAR_"+exampleFallbackSecretVariable+"=example-fallback-secret")

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
			if keyVariable {
				cli.env = append(cli.env, "TF_VAR_"+exampleKeyVariable+"="+testAPIKey)
			} else {
				env.set(envAPIKey, testAPIKey)
			}
			env.set(envBaseURL, srv.URL())
			env.set(envStatusURL, rcv.url)
			out, err := cli.run("apply", "-auto-approve", "-input=false", "-no-color")
			if err != nil {
				t.Fatalf("terraform apply against the mock: %v\n%s", err, out)
			}
			// A check block's failure is only a warning to Terraform; in an
			// example it is a page that does not do what it says.
			if strings.Contains(out, "Check block assertion failed") {
				t.Errorf("a check block of the example failed:\n%s", out)
			}
			sent, events := srv.SentCount(), len(srv.TrackedEvents())
			if want, ok := exampleSends[dir]; ok && sent != want {
				t.Errorf("the apply sent %d messages, want %d", sent, want)
			}
			if keyVariable && sent == 0 {
				t.Errorf("the apply sent nothing, so the key in %s was not shown to reach Interakt", exampleKeyVariable)
			}
			if out, err := cli.run("apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
				t.Fatalf("second terraform apply: %v\n%s", err, out)
			}
			if again := srv.SentCount(); again != sent {
				t.Errorf("the unchanged second apply sent %d more messages", again-sent)
			}
			if again := len(srv.TrackedEvents()); again != events {
				t.Errorf("the unchanged second apply fired %d more events", again-events)
			}
			if code, out := cli.planExitCode(); !planChangesNothing(code, out) {
				t.Errorf("the plan after the applies exited %d, want no change:\n%s", code, out)
			}
			t.Logf("%s: %d messages sent, %d events fired", dir, sent, events)
		})
	}
}

// inlineHCL matches a fenced block of Terraform configuration in a
// template, with its body.
var inlineHCL = regexp.MustCompile("(?s)```(?:terraform|hcl|tf)\n(.*?)```")

// TestTemplatesInlineHCLIsFragmentsOfExamples keeps the pages' configurations
// applied: a template includes whole configurations from examples/ with
// tffile, which TestAccExamples applies, and writes inline only a fragment
// of one of them, marked with a "# ..." line, whose first line (the block
// it belongs to) an example declares.
func TestTemplatesInlineHCLIsFragmentsOfExamples(t *testing.T) {
	t.Parallel()
	var examples strings.Builder
	err := filepath.WalkDir(filepath.Join("..", "..", "examples"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".tf" {
			return err
		}
		b, err := os.ReadFile(path)
		examples.Write(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	templates := 0
	err = filepath.WalkDir(filepath.Join("..", "..", "templates"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".md.tmpl") {
			return err
		}
		templates++
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range inlineHCL.FindAllStringSubmatch(string(b), -1) {
			block := m[1]
			first, _, _ := strings.Cut(block, "\n")
			if !strings.Contains(block, "# ...") || !strings.Contains(examples.String(), first+"\n") {
				t.Errorf("%s: an inline configuration that is not a marked fragment of an example; move it to examples/ and include it with tffile:\n%s", path, block)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if templates == 0 {
		t.Fatal("no templates found")
	}
}

// planChangesNothing tells whether `terraform plan -detailed-exitcode`
// planned no change: exit 0, or exit 2 only because the data sources of
// check blocks are read again during every apply (Terraform plans them so,
// "config will be reloaded to verify a check block"), with no resource or
// output change.
func planChangesNothing(code int, out string) bool {
	if code == 0 {
		return true
	}
	return code == 2 && strings.Contains(out, "Plan: 0 to add, 0 to change, 0 to destroy.") &&
		!strings.Contains(out, "Changes to Outputs") &&
		strings.Count(out, "will be read during apply") == strings.Count(out, "config will be reloaded to verify a check block")
}
