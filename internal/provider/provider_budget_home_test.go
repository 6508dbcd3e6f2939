package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/interakt-community/terraform-provider-interakt/internal/client"
	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
	"github.com/interakt-community/terraform-provider-interakt/internal/ratelimit"
)

const (
	fallbackWarning = "Rate Budget Kept in This Process"
	waitWarning     = "Requests Waited for the Rate Limit"
)

// homelessSeams are the provider's test settings with a home and a cache
// folder under a plain file, so that no folder can be made there (a
// read-only or missing home): the local budget's folder comes from this
// environment, as the served provider's comes from its own. It returns
// the plain file too.
func homelessSeams(t *testing.T) (seams, string) {
	t.Helper()
	plain := filepath.Join(t.TempDir(), "plain")
	if err := os.WriteFile(plain, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	s := testSeams().withEnv(envAPIKey, testAPIKey).
		withEnv("HOME", filepath.Join(plain, "home")).
		withEnv("XDG_CACHE_HOME", filepath.Join(plain, "cache")).
		withEnv("LocalAppData", filepath.Join(plain, "cache"))
	s.budgetDir = ""
	return s, plain
}

// orderShippedSend is a test send of order_shipped named name.
func orderShippedSend(name, release string) string {
	return fmt.Sprintf(`
resource "interakt_template_message" %q {
  template       = %s
%s  triggers       = { release = %q }
}
`, name, orderShippedLiteral, orderShippedValues, release)
}

// expectOneWarningPerServer fails unless some provider server warned
// summary, none more than once, and the warning's detail holds every
// one of want.
func expectOneWarningPerServer(t *testing.T, rec *diagRecorder, summary string, want ...string) {
	t.Helper()
	counts := rec.warningsPerServer(summary)
	if len(counts) == 0 {
		t.Fatalf("no %q warning; diagnostics:\n%s", summary, diagString(rec.all()))
	}
	for server, n := range counts {
		if n > 1 {
			t.Errorf("provider server %d warned %q %d times, want once", server, summary, n)
		}
	}
	d := rec.findWarning(summary)
	for _, w := range want {
		if !strings.Contains(d.Detail, w) {
			t.Errorf("the %q warning does not name %q:\n%s", summary, w, d.Detail)
		}
	}
}

// With a key and no folder for the budget or the journal (home, cache and
// journal under a plain file), a plan of templates, test sends and a
// campaign exits 0: the templates are compared with the account under a
// budget this process keeps, which one warning per provider process
// names, and nothing is sent.
func TestAccBudgetPlanWithoutAnyFolder(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{})
	s, plain := homelessSeams(t)
	s.journalDir = filepath.Join(plain, "journal")
	rec := &diagRecorder{}
	recipients := []campaignRecipient{{key: "r1", phone: "9811111111", name: "Asha"}}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(s),
		Steps: []resource.TestStep{{
			Config: campaignHCL(srv, "", "", recipients) +
				orderShippedConfig("order_shipped", "en", orderShippedBody, "") +
				orderShippedSend("first", "1") + orderShippedSend("second", "2"),
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		}},
	})
	if len(srv.Requests()) == 0 {
		t.Fatal("the plan made no request, so it tested no budget")
	}
	if n := srv.SentCount(); n != 0 {
		t.Errorf("a plan sent %d messages", n)
	}
	expectOneWarningPerServer(t, rec, fallbackWarning, envBudget, filepath.Join(plain, "cache", budgetFolder))
}

// With no folder for the budget, a test send goes once, under the budget
// this process keeps.
func TestAccBudgetTestSendWithoutCacheFolder(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{})
	s, _ := homelessSeams(t)
	rec := &diagRecorder{}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(s),
		Steps:                    []resource.TestStep{{Config: providerBlock(srv) + orderShippedSend("smoke", "1")}},
	})
	if n := srv.SentCount(); n != 1 {
		t.Errorf("the mock received %d sends, want 1", n)
	}
	expectOneWarningPerServer(t, rec, fallbackWarning, envBudget)
}

// With no folder for the journal either, a test send fails before any
// request with an error naming INTERAKT_JOURNAL_DIR (and status_url),
// and nothing is sent.
func TestAccBudgetTestSendWithoutJournalFolder(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{})
	s, plain := homelessSeams(t)
	s.journalDir = filepath.Join(plain, "journal")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(s),
		Steps: []resource.TestStep{{
			Config:      providerBlock(srv) + orderShippedSend("smoke", "1"),
			ExpectError: regexp.MustCompile(`(?s)Send Journal Unavailable.*Nothing was sent.*status_url.*` + envJournalDir),
		}},
	})
	if n := len(srv.SendRequests()); n != 0 {
		t.Errorf("the mock received %d send requests, want none", n)
	}
}

// A plan that finds the key's window spent by earlier runs (forty
// requests a window, all taken in the budget file it shares with them)
// waits for it, and says so in one warning naming the wait, the limit
// and how to raise it.
func TestAccBudgetLongWaitWarns(t *testing.T) {
	t.Parallel()
	const window = 8 * time.Second
	srv := newTestMock(t, mock.Options{Window: window})
	s := testSeams().withEnv(envAPIKey, testAPIKey)
	s.rateWindow = window
	s.budgetDir = t.TempDir()
	keyID, err := client.BudgetKeyID(testAPIKey, srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	earlier, err := ratelimit.OpenFile(t.Context(), s.budgetDir, keyID, 40, window, defaultRequestTimeout+ratelimit.LeaseMargin)
	if err != nil {
		t.Fatal(err)
	}
	for range 40 {
		slot, err := earlier.Acquire(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		slot.Release()
	}
	rec := &diagRecorder{}
	start := time.Now()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(s),
		Steps: []resource.TestStep{{
			Config:             providerBlock(srv) + orderShippedSend("first", "1") + orderShippedSend("second", "2"),
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		}},
	})
	t.Logf("the plan took %s with the window spent", time.Since(start).Round(time.Millisecond))
	expectOneWarningPerServer(t, rec, waitWarning, "rate_limit_per_minute = 40", "in any "+window.String(),
		"300 requests a minute on the Growth plan and 600 on Advanced", envRateLimit, keyID[:32])
	d := rec.findWarning(waitWarning)
	t.Logf("the plan's warning: %s", d.Detail)
	if !regexp.MustCompile(`waited \d+(\.\d)?s in all`).MatchString(d.Detail) {
		t.Errorf("the warning does not say how long requests waited:\n%s", d.Detail)
	}
}

// The budget is opened at the first request: a provider whose budget
// folder cannot exist configures, and a plan that makes no request warns
// of nothing.
func TestBudgetOpenedOnFirstRequest(t *testing.T) {
	t.Parallel()
	s, plain := homelessSeams(t)
	data, diags := newProviderData(context.Background(), providerModel{}, "test", s)
	if diags.HasError() || data.api == nil || data.local == nil {
		t.Fatalf("configure: %v (api %v, local budget %v)", diags, data != nil && data.api != nil, data != nil && data.local != nil)
	}
	if _, err := os.Stat(filepath.Join(plain, "cache")); err == nil {
		t.Fatal("configure made the budget's folder")
	}
	var none = diags
	data.report(&none)
	if len(none) != 0 {
		t.Errorf("warnings before any request: %v", none)
	}
	slot, err := data.rateBudget.Acquire(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	slot.Release()
	var first, second = diags, diags
	data.report(&first)
	data.report(&second)
	if len(first) != 1 || first[0].Summary() != fallbackWarning || len(second) != 0 {
		t.Errorf("reports after the first request: %v, then %v; want the fallback warning once", first, second)
	}
	if where := data.rateBudget.Where(); !strings.Contains(where, "this provider process") {
		t.Errorf("Where() = %q, want this provider process", where)
	}
}
