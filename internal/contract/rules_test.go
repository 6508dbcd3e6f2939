package contract

import (
	"strings"
	"testing"
)

func TestRulesAreWellFormed(t *testing.T) {
	rules := Rules()
	ids := map[string]bool{}
	var errs, warns int
	for _, r := range rules {
		if ids[r.ID] {
			t.Errorf("rule %q is registered twice", r.ID)
		}
		ids[r.ID] = true
		if r.Summary == "" || strings.HasSuffix(r.Summary, ".") {
			t.Errorf("rule %q: summary %q should be a short phrase", r.ID, r.Summary)
		}
		if !strings.HasSuffix(r.Description, ".") {
			t.Errorf("rule %q: description %q is not a sentence", r.ID, r.Description)
		}
		switch r.Severity {
		case Error:
			errs++
		case Warning:
			warns++
		default:
			t.Errorf("rule %q: severity %v", r.ID, r.Severity)
		}
	}
	t.Logf("%d rules: %d errors, %d warnings", len(rules), errs, warns)
	if errs == 0 || warns == 0 {
		t.Fatal("rules are missing")
	}
}

func TestSeverityString(t *testing.T) {
	if Error.String() != "error" || Warning.String() != "warning" || Severity(9).String() != "Severity(9)" {
		t.Fatal("Severity.String")
	}
}
