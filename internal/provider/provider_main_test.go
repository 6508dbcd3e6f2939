package provider

import (
	"fmt"
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/interakt-community/terraform-provider-interakt/internal/pgtest"
)

// testJournalRoot holds the local send journals of the tests that serve
// the provider in process, whose working directory is this package's
// folder; each testSeams call gets a folder of its own inside it, so no
// test adopts another's sends.
var testJournalRoot string

// TestMain runs the tests, or with -sweep the sweepers
// (provider_live_sweep_test.go), as terraform-plugin-testing does.
func TestMain(m *testing.M) {
	if mode := os.Getenv(budgetBenchChildEnv); mode != "" {
		os.Exit(budgetBenchChild(mode))
	}
	resource.TestMain(testRun{m})
}

// testRun runs the tests with a journal root of their own and a throwaway
// PostgreSQL server, and stops the live tests' mock process after them.
type testRun struct{ m *testing.M }

func (r testRun) Run() int {
	root, err := os.MkdirTemp("", "interakt-journal-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	testJournalRoot = root
	code := pgtest.RunTests(r.m)
	stopLiveRun()
	_ = os.RemoveAll(root)
	return code
}

// testBudgetDir is the local rate budgets' folder of the tests that serve
// the provider in process, in place of the user's cache folder. Each test
// has a mock of its own, so a budget of its own (named by the key and the
// mock's URL).
func testBudgetDir() string {
	return testJournalRoot + string(os.PathSeparator) + "budgets"
}

// newTestJournalDir returns a fresh journal folder for one provider.
func newTestJournalDir() string {
	dir, err := os.MkdirTemp(testJournalRoot, "journal-")
	if err != nil {
		panic(err)
	}
	return dir
}
