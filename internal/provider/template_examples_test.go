package provider

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// templateExamples are the documentation examples of the template
// resource, the templates data source, the functions and the provider,
// with whether `terraform plan` runs them without credentials.
var templateExamples = []struct {
	dir  string
	plan bool
}{
	{dir: "provider"},
	{dir: "resources/interakt_template", plan: true},
	{dir: "data-sources/interakt_templates"},
	{dir: "functions/template_payload", plan: true},
	{dir: "functions/parse_phone", plan: true},
	{dir: "functions/template_variables", plan: true},
}

// TestAccTemplateExamples checks that each example is formatted, passes
// `terraform validate` offline with no warnings, and, where it needs no
// credentials, plans without errors.
func TestAccTemplateExamples(t *testing.T) {
	t.Setenv(envAPIKey, "")
	for _, ex := range templateExamples {
		t.Run(ex.dir, func(t *testing.T) {
			dir, err := filepath.Abs(filepath.Join("..", "..", "examples", filepath.FromSlash(ex.dir)))
			if err != nil {
				t.Fatal(err)
			}
			files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
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
			cli := newCLITerraform(t, testSeams(), config.String())
			if out, err := cli.run("fmt", "-check", "-diff", "-no-color", dir); err != nil {
				t.Errorf("terraform fmt -check %s:\n%s", dir, out)
			}
			if diags := cli.validate(); len(diags) != 0 {
				t.Errorf("terraform validate:\n%s", cliDiagString(diags))
			}
			if !ex.plan {
				return
			}
			for _, d := range cli.plan() {
				if d.Severity == "error" {
					t.Errorf("terraform plan: %s: %s", d.Summary, d.Detail)
				}
			}
		})
	}
}
