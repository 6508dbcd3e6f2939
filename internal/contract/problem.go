package contract

import (
	"fmt"
	"slices"
	"strings"
)

// Severity says whether a Problem stops a send (Error) or only advises
// (Warning).
type Severity uint8

// The severities of a Problem.
const (
	// Error means the request cannot be built or the API would reject it.
	Error Severity = iota + 1
	// Warning means the value breaks a rule Meta applies when authoring
	// templates; an approved template may predate the rule, so it is advice.
	Warning
)

// String returns "error" or "warning".
func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	default:
		return fmt.Sprintf("Severity(%d)", uint8(s))
	}
}

// Problem is one broken rule, located at the attribute that breaks it.
// Summary is short and fixed per rule; Detail states the rule in words and
// what to do. Detail may quote template texts but never a phone number or a
// message value, which are personal data.
type Problem struct {
	Path     Path
	Severity Severity
	Summary  string
	Detail   string
	// Rule is the identifier of the broken rule (see Rules).
	Rule string
}

// String renders the problem for logs and test failures.
func (p Problem) String() string {
	return fmt.Sprintf("%s at %s: %s: %s [%s]", p.Severity, p.Path, p.Summary, p.Detail, p.Rule)
}

// HasErrors reports whether any of ps is an Error.
func HasErrors(ps []Problem) bool {
	for _, p := range ps {
		if p.Severity == Error {
			return true
		}
	}
	return false
}

// Prefix returns ps with every path prefixed by prefix, for example
// recipients["asha"] for the problems of one campaign recipient. It changes
// ps in place and returns it.
func Prefix(prefix Path, ps []Problem) []Problem {
	for i := range ps {
		ps[i].Path = prefix.Concat(ps[i].Path)
	}
	return ps
}

// Rule describes one check this package makes.
type Rule struct {
	// ID identifies the rule; Problem.Rule carries it.
	ID       string
	Severity Severity
	// Summary is the Problem.Summary of every problem of this rule.
	Summary string
	// Description states the rule in words.
	Description string
}

// registry holds every rule, filled while package variables initialise.
var registry []Rule

func newRule(id string, severity Severity, summary, description string) Rule {
	r := Rule{ID: id, Severity: severity, Summary: summary, Description: description}
	registry = append(registry, r)
	return r
}

// Rules returns every rule this package checks, sorted by ID, so callers
// can list or count them (by severity, for example).
func Rules() []Rule {
	out := slices.Clone(registry)
	slices.SortFunc(out, func(a, b Rule) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// at returns a problem of rule r at path p with the given detail.
func (r Rule) at(p Path, detail string) Problem {
	return Problem{Path: p, Severity: r.Severity, Summary: r.Summary, Detail: detail, Rule: r.ID}
}

// atf is at with a formatted detail.
func (r Rule) atf(p Path, format string, args ...any) Problem {
	return r.at(p, fmt.Sprintf(format, args...))
}
