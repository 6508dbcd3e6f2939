package provider

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// entryPoint is the name of an entry point's file: <object>_<kind>.go.
var entryPoint = regexp.MustCompile(`^(.+)_(resource|data_source|action|function|list)\.go$`)

// sharedPrefixes are the rooms of helpers shared across objects (doc.go).
var sharedPrefixes = []string{"provider_", "model_", "contract_", "send_"}

// systemSuffix is the end of a file built for some systems only.
var systemSuffix = regexp.MustCompile(`_(unix|windows|linux|other)$`)

// maxEntryLines is where an entry point should split out its plan,
// identity or upgrades ("about 400 lines" in doc.go).
const maxEntryLines = 450

// misplacedFiles returns the names, of the package's Go files given, that
// follow no rule of doc.go, each with why.
func misplacedFiles(names []string) []string {
	objects := map[string]bool{}
	for _, name := range names {
		if m := entryPoint.FindStringSubmatch(name); m != nil && !strings.HasSuffix(name, "_test.go") {
			objects[m[1]] = true
		}
	}
	var bad []string
	for _, name := range names {
		stem := systemSuffix.ReplaceAllString(strings.TrimSuffix(strings.TrimSuffix(name, ".go"), "_test"), "")
		if stem == "doc" || stem == "provider" || entryPoint.MatchString(stem+".go") && objects[entryPoint.FindStringSubmatch(stem + ".go")[1]] {
			continue
		}
		if slices.ContainsFunc(sharedPrefixes, func(p string) bool { return strings.HasPrefix(stem, p) }) {
			continue
		}
		found := false
		for object := range objects {
			if strings.HasPrefix(stem, object+"_") {
				found = true
				break
			}
		}
		if !found {
			bad = append(bad, name+": neither an entry point, nor prefixed by an entry point's object, nor by "+strings.Join(sharedPrefixes, ", "))
		}
	}
	return bad
}

// TestFileNamesFollowTheRoomRule checks every file of the package against
// the rule of doc.go, and that no entry point outgrew its file.
func TestFileNamesFollowTheRoomRule(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil || len(files) < 50 {
		t.Fatalf("the package's files: %v (%d)", err, len(files))
	}
	for _, bad := range misplacedFiles(files) {
		t.Error(bad)
	}
	for _, name := range files {
		if !entryPoint.MatchString(name) || strings.HasSuffix(name, "_test.go") {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(string(b), "\n"); n > maxEntryLines {
			t.Errorf("%s has %d lines: move its plan, identity or upgrades into <object>_plan.go, _identity.go or _upgrade.go", name, n)
		}
	}

	// The check finds a bare helper, another family's helper and an
	// unknown object, and takes a system suffix and a test.
	sample := []string{"user_resource.go", "sender.go", "widget_cache.go", "user_tags_windows.go", "provider_x_test.go", "user_resource_test.go"}
	if got := misplacedFiles(sample); len(got) != 2 || !strings.HasPrefix(got[0], "sender.go:") || !strings.HasPrefix(got[1], "widget_cache.go:") {
		t.Errorf("the check on %v reports %q; want sender.go and widget_cache.go", sample, got)
	}
}
