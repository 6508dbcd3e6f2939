package contract

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
)

// covered records the rules a test asserted, so TestMain can check that
// every rule has at least one test.
var covered sync.Map

// expect is one problem a test expects.
type expect struct {
	rule string
	path Path
}

func want(rule string, path Path) expect { return expect{rule: rule, path: path} }

func ruleByID(t *testing.T, id string) Rule {
	t.Helper()
	for _, r := range Rules() {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("no rule %q", id)
	return Rule{}
}

// assertProblems checks that got holds exactly the expected problems, in
// order, each with its rule's severity and summary and a detail.
func assertProblems(t *testing.T, got []Problem, wants ...expect) {
	t.Helper()
	if len(got) != len(wants) {
		t.Fatalf("got %d problems, want %d:\n%s", len(got), len(wants), renderProblems(got))
	}
	for i, w := range wants {
		p := got[i]
		r := ruleByID(t, w.rule)
		covered.Store(w.rule, true)
		if p.Rule != w.rule {
			t.Errorf("problem %d: rule %q, want %q:\n%s", i, p.Rule, w.rule, p)
		}
		if p.Severity != r.Severity {
			t.Errorf("problem %d: severity %s, want %s", i, p.Severity, r.Severity)
		}
		if p.Summary != r.Summary || p.Summary == "" {
			t.Errorf("problem %d: summary %q, want %q", i, p.Summary, r.Summary)
		}
		if !p.Path.Equal(w.path) {
			t.Errorf("problem %d: path %s, want %s", i, p.Path, w.path)
		}
		if p.Detail == "" || !strings.HasSuffix(p.Detail, ".") {
			t.Errorf("problem %d: detail %q is not a sentence", i, p.Detail)
		}
	}
}

func renderProblems(ps []Problem) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "  %s\n", p)
	}
	return b.String()
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if code == 0 && flag.Lookup("test.run").Value.String() == "" && !testing.Short() {
		var missing []string
		for _, r := range Rules() {
			if _, ok := covered.Load(r.ID); !ok {
				missing = append(missing, r.ID)
			}
		}
		if len(missing) > 0 {
			fmt.Fprintf(os.Stderr, "rules without a test asserting them: %s\n", strings.Join(missing, ", "))
			code = 1
		}
	}
	os.Exit(code)
}
