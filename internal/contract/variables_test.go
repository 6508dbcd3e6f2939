package contract

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestVariables(t *testing.T) {
	tests := []struct {
		text string
		want []int
	}{
		{"", nil},
		{"no variables", nil},
		{"Hi {{1}}, your order {{2}} has shipped.", []int{1, 2}},
		{"{{1}} {{2}} {{1}} {{3}}", []int{1, 2, 3}},
		{"{{2}} then {{1}}", []int{2, 1}},
		{"{{10}}", []int{10}},
		{"{{x}} {{ 1 }} {{0}} {{01}} {1} {{1}", nil},
		{"{{{1}}}", []int{1}},
		{"{{1234567}}", nil},
		{"{{123456}}", []int{123456}},
		{"héllo {{1}} wörld", []int{1}},
	}
	for _, tt := range tests {
		if got := Variables(tt.text); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Variables(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestCheckVariableSyntax(t *testing.T) {
	p := Root("body")
	valid := []string{"", "plain", "Hi {{1}}.", "{{1}}{{2}}", "a { b } c", "{1}", "}} {{1}}"}
	for _, text := range valid {
		assertProblems(t, CheckVariableSyntax(p, text))
	}
	tests := []struct {
		text, quoted string
	}{
		{"Hi {{x}}.", `"{{x}}"`},
		{"Hi {{ 1 }}.", `"{{ 1 }}"`},
		{"Hi {{0}}.", `"{{0}}"`},
		{"Hi {{01}}.", `"{{01}}"`},
		{"Hi {{1}.", `"{{1}."`},
		{"Hi {{1", `"{{1"`},
		{"Hi {{1234567}}", `"{{1234567}}"`},
		{"é {{name}} and {{other}}", `"{{name}}"`},
	}
	for _, tt := range tests {
		got := CheckVariableSyntax(p, tt.text)
		assertProblems(t, got, want("variable_syntax", p))
		if !strings.Contains(got[0].Detail, tt.quoted) {
			t.Errorf("CheckVariableSyntax(%q) detail %q does not quote %s", tt.text, got[0].Detail, tt.quoted)
		}
	}
	got := CheckVariableSyntax(p, "é {{name}} and {{other}}")
	if !strings.Contains(got[0].Detail, "character 3") || !strings.Contains(got[0].Detail, "first of 2") {
		t.Errorf("detail %q does not locate the first of 2 placeholders at character 3", got[0].Detail)
	}
}

// FuzzVariables checks the text parser on any input: no panic, only
// positive indices that appear in the text as {{n}}, each once, and the
// same answer from the allocation-free statistics.
func FuzzVariables(f *testing.F) {
	for _, s := range []string{
		"", "Hi {{1}}, your order {{2}} has shipped.", "{{1}}{{1}}{{2}}", "{{{1}}}", "{{", "}}", "{{}}",
		"{{0}}", "{{01}}", "{{ 1 }}", "{{x}}", "{{999999}}", "{{9999999}}", "{{1", "{{1}", "é{{2}}ü{{1}}",
		"https://shop.example.com/track/{{1}}", "{{1}}{{3}}", "\xff{{1}}\xfe",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		vars := Variables(text)
		seen := map[int]bool{}
		for _, n := range vars {
			if n <= 0 {
				t.Fatalf("Variables(%q) returned %d", text, n)
			}
			if seen[n] {
				t.Fatalf("Variables(%q) returned %d twice", text, n)
			}
			seen[n] = true
			if !strings.Contains(text, "{{"+strconv.Itoa(n)+"}}") {
				t.Fatalf("Variables(%q) returned %d, which is not in the text", text, n)
			}
		}
		st := statsOf(text)
		if st.outOfTurn == 0 && st.max != len(vars) {
			t.Fatalf("statsOf(%q).max = %d with %d variables in order", text, st.max, len(vars))
		}
		if (st.first == 0) != (len(vars) == 0) || len(vars) > 0 && st.first != vars[0] {
			t.Fatalf("statsOf(%q).first = %d, variables %v", text, st.first, vars)
		}
		ps := CheckVariableSyntax(Root("body"), text)
		if len(ps) > 1 || (len(ps) == 1) != st.malformed {
			t.Fatalf("CheckVariableSyntax(%q) = %v, malformed %v", text, ps, st.malformed)
		}
		if len(ps) == 0 && strings.Count(text, "{{") != countVariables(text) {
			t.Fatalf("%q: every {{ should start a variable when none is malformed", text)
		}
	})
}

func countVariables(text string) int {
	n := 0
	for ph, ok := nextPlaceholder(text, 0); ok; ph, ok = nextPlaceholder(text, ph.end) {
		if ph.n > 0 {
			n++
		}
	}
	return n
}
