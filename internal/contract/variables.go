package contract

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxVariableDigits bounds the digits of a variable index, so an index
// always fits an int and a pathological text cannot make one overflow.
const maxVariableDigits = 6

var ruleVariableSyntax = newRule("variable_syntax", Error, "Malformed Variable",
	"Variables are written {{1}}, {{2}}, ... : two braces, a number from 1 without leading zeros, two braces, no spaces.")

// placeholder is one "{{" found in a text: a variable when n > 0, malformed
// otherwise.
type placeholder struct {
	start, end int // "{{" starts at byte start; scanning resumes at end
	n          int
}

// nextPlaceholder finds the first "{{" at or after byte offset from. A
// malformed one ends one byte after its start, so scanning resumes inside
// it: in "{{{1}}}" the variable {{1}} is still found.
func nextPlaceholder(text string, from int) (placeholder, bool) {
	if from >= len(text) {
		return placeholder{}, false
	}
	i := strings.Index(text[from:], "{{")
	if i < 0 {
		return placeholder{}, false
	}
	start := from + i
	j := start + 2
	n := 0
	for j < len(text) && j-start-2 <= maxVariableDigits && text[j] >= '0' && text[j] <= '9' {
		n = n*10 + int(text[j]-'0')
		j++
	}
	digits := j - start - 2
	if digits == 0 || digits > maxVariableDigits || text[start+2] == '0' || !strings.HasPrefix(text[j:], "}}") {
		return placeholder{start: start, end: start + 1}, true
	}
	return placeholder{start: start, end: j + 2, n: n}, true
}

// Variables returns the indices of the {{n}} variables of text, each once,
// in the order of their first appearance, or nil when there are none.
// Malformed placeholders such as {{x}}, {{ 1 }} or {{0}} are not variables;
// CheckVariableSyntax reports them.
func Variables(text string) []int {
	var out []int
	for ph, ok := nextPlaceholder(text, 0); ok; ph, ok = nextPlaceholder(text, ph.end) {
		if ph.n > 0 && !containsInt(out, ph.n) {
			out = append(out, ph.n)
		}
	}
	return out
}

func containsInt(s []int, n int) bool {
	for _, v := range s {
		if v == n {
			return true
		}
	}
	return false
}

// variableStats summarises the variables of a text without allocating.
type variableStats struct {
	max       int  // highest index
	first     int  // index of the first variable, 0 when none
	firstAt   int  // byte offset of the first variable
	last      int  // byte offset just after the last variable
	outOfTurn int  // first index that was new but not the next number, 0 when none
	expected  int  // the number expected where outOfTurn appeared
	malformed bool // some placeholder is malformed
}

// statsOf scans text once. While the numbering is in order (outOfTurn is
// 0), max is also the number of distinct variables.
func statsOf(text string) variableStats {
	var st variableStats
	for ph, ok := nextPlaceholder(text, 0); ok; ph, ok = nextPlaceholder(text, ph.end) {
		if ph.n == 0 {
			st.malformed = true
			continue
		}
		if st.first == 0 {
			st.first, st.firstAt = ph.n, ph.start
		}
		st.last = ph.end
		if ph.n > st.max+1 && st.outOfTurn == 0 {
			st.outOfTurn, st.expected = ph.n, st.max+1
		}
		st.max = max(st.max, ph.n)
	}
	return st
}

// CheckVariableSyntax reports the malformed placeholders of text, such as
// {{x}}, {{ 1 }}, {{0}} or an unclosed {{1, as one Error at p naming the
// first of them. Template texts are not personal data, so the detail
// quotes it.
func CheckVariableSyntax(p Path, text string) []Problem {
	count, first := 0, -1
	for ph, ok := nextPlaceholder(text, 0); ok; ph, ok = nextPlaceholder(text, ph.end) {
		if ph.n == 0 {
			if first < 0 {
				first = ph.start
			}
			count++
		}
	}
	if count == 0 {
		return nil
	}
	more := ""
	if count > 1 {
		more = " It is the first of " + strconv.Itoa(count) + " malformed placeholders."
	}
	return []Problem{ruleVariableSyntax.atf(p,
		"%q at character %d is not a variable. Write variables as {{1}}, {{2}}, ... with no spaces, "+
			"numbered from 1 without leading zeros, or remove the braces.%s",
		snippet(text, first), utf8.RuneCountInString(text[:first])+1, more)}
}

// snippet returns the placeholder starting at byte offset start, up to and
// including its closing braces when they come soon, cut at a rune boundary.
func snippet(text string, start int) string {
	const maxLen = 24
	rest := text[start:]
	if end := strings.Index(rest[2:], "}}"); end >= 0 && end+4 <= maxLen {
		return rest[:end+4]
	}
	if len(rest) <= maxLen {
		return rest
	}
	cut := maxLen
	for cut > 0 && !utf8.RuneStart(rest[cut]) {
		cut--
	}
	return rest[:cut] + "…"
}
