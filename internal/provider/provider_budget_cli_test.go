package provider

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
	"github.com/interakt-community/terraform-provider-interakt/internal/pgtest"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// The TestAccBudget tests run campaigns as separate Terraform processes
// (each apply starts a plan process and an apply process of the provider)
// against one mock enforcing 40 requests a window and answering 429
// without Retry-After, as Interakt does. The window is scaled down through
// INTERAKT_RATE_WINDOW and the mock's Window, so each runs in seconds.

// budgetPlugin is the CLI configuration of the budget tests' provider
// binary, linked once.
var budgetPlugin struct {
	once      sync.Once
	cliConfig string
}

// budgetCLIConfig returns a CLI configuration whose dev_overrides point at
// the provider, shared by the budget tests (their processes are told apart
// by their mocks, not by their binary).
func budgetCLIConfig(t testing.TB) string {
	t.Helper()
	budgetPlugin.once.Do(func() {
		_, budgetPlugin.cliConfig = buildPlugin(t, filepath.Join(testJournalRoot, "budget-plugin"))
	})
	if budgetPlugin.cliConfig == "" {
		t.Fatal("the budget tests' provider binary could not be linked")
	}
	return budgetPlugin.cliConfig
}

// budgetRig is one test's mock and Terraform, and the applies it ran.
type budgetRig struct {
	t      *testing.T
	ctx    context.Context
	tf     string
	dir    string
	window time.Duration
	srv    *mock.Server
	// env is every apply's environment: the plugin, the key, the window,
	// and a cache folder of this test's (so the local budget is shared by
	// its applies, and only by them).
	env []string
}

func newBudgetRig(t *testing.T, window time.Duration) *budgetRig {
	t.Helper()
	tf := acceptanceCLI(t).path
	cliConfig := budgetCLIConfig(t)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	t.Cleanup(cancel)
	dir := t.TempDir()
	r := &budgetRig{
		t: t, ctx: ctx, tf: tf, dir: dir, window: window,
		srv: newTestMock(t, mock.Options{RateLimit: 40, Window: window, NoRetryAfter: true}),
	}
	r.env = slices.Clip(append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
		envAPIKey+"="+testAPIKey, envRateWindow+"="+window.String(),
		"XDG_CACHE_HOME="+filepath.Join(dir, "cache")))
	return r
}

// budgetApply is one apply of a campaign in a directory of its own.
type budgetApply struct {
	name       string
	work       string
	recipients []campaignRecipient
	env        []string
	run        *killableRun
	started    time.Time
	took       time.Duration
	err        error
}

// newApply writes a campaign of n recipients (phones numbered from
// first) into its own directory.
func (r *budgetRig) newApply(name string, first, n int, providerExtra string, env []string) *budgetApply {
	r.t.Helper()
	a := &budgetApply{name: name, work: filepath.Join(r.dir, name), env: env}
	if a.env == nil {
		a.env = r.env
	}
	for i := range n {
		k := first + i
		a.recipients = append(a.recipients, campaignRecipient{key: fmt.Sprintf("r%03d", k), phone: fmt.Sprintf("96%08d", k), name: fmt.Sprintf("Name %d", k)})
	}
	writeFile(r.t, filepath.Join(a.work, "main.tf"),
		"terraform {\n  required_providers {\n    interakt = { source = \"interakt-community/interakt\" }\n  }\n}\n\n"+
			campaignHCL(r.srv, providerExtra, "", a.recipients))
	return a
}

// start starts terraform apply in its own process group.
func (r *budgetRig) start(a *budgetApply) {
	r.t.Helper()
	cmd := exec.CommandContext(r.ctx, r.tf, "apply", "-auto-approve", "-input=false", "-no-color")
	cmd.Dir, cmd.Env = a.work, a.env
	a.started = time.Now()
	a.run = startKillable(r.t, cmd)
}

// wait waits for the apply and records how it ended.
func (a *budgetApply) wait() {
	a.err = a.run.cmd.Wait()
	a.took = time.Since(a.started)
}

// runTogether starts the applies at once and waits for all.
func (r *budgetRig) runTogether(applies ...*budgetApply) {
	r.t.Helper()
	for _, a := range applies {
		r.start(a)
	}
	for _, a := range applies {
		a.wait()
	}
}

// expectSucceeded fails the test for an apply that failed, or whose state
// has a recipient that is not sent.
func (r *budgetRig) expectSucceeded(applies ...*budgetApply) {
	r.t.Helper()
	for _, a := range applies {
		if a.err != nil {
			r.t.Errorf("apply %s: %v\n%s", a.name, a.err, a.run.output.String())
			continue
		}
		results := campaignStateResults(r.t, filepath.Join(a.work, "terraform.tfstate"))
		for _, rc := range a.recipients {
			if got := results[rc.key]["status"]; got != sendSent {
				r.t.Errorf("apply %s: %s is %v in state, want sent", a.name, rc.key, got)
			}
		}
	}
}

// budgetFigures are what the mock saw of the provider's requests.
type budgetFigures struct {
	requests, sends, refused int
	// span is from the first admitted request of the provider to the last;
	// ideal is the shortest the limit allows for that many requests: a
	// burst of 40, the next one window later.
	span, ideal time.Duration
	// bursts are the first and last arrival of each run of 40, from the
	// first arrival.
	bursts []string
	// messageSpan is from the first message to the last, as the people
	// messaged see it; messageIdeal is the shortest the limit allows for
	// that many messages.
	messageSpan, messageIdeal time.Duration
}

// messageEfficiency is the user's measure: how soon the messages went,
// against the limit's best.
func (f budgetFigures) messageEfficiency() float64 {
	if f.messageSpan <= 0 {
		return 1
	}
	return float64(f.messageIdeal) / float64(f.messageSpan)
}

func (f budgetFigures) efficiency() float64 {
	if f.span <= 0 {
		return 1
	}
	return float64(f.ideal) / float64(f.span)
}

func (f budgetFigures) String() string {
	return fmt.Sprintf("%d requests (%d sends), %d answered 429, span %s, ideal %s, efficiency %.2f; messages from first to last %s, ideal %s, efficiency %.2f; bursts of 40 from %s",
		f.requests, f.sends, f.refused, f.span.Round(time.Millisecond), f.ideal, f.efficiency(),
		f.messageSpan.Round(time.Millisecond), f.messageIdeal, f.messageEfficiency(), strings.Join(f.bursts, ", "))
}

// figures counts the provider's requests at the mock (by their
// User-Agent; a second client's are not counted).
func (r *budgetRig) figures() budgetFigures {
	var (
		f        budgetFigures
		arrivals []time.Time
		messages []time.Time
	)
	for _, q := range r.srv.Requests() {
		if !strings.HasPrefix(q.Header.Get("User-Agent"), "terraform-provider-interakt/") {
			continue
		}
		if q.Status == http.StatusTooManyRequests {
			f.refused++
			continue
		}
		f.requests++
		if q.Sent {
			f.sends++
			messages = append(messages, q.At)
		}
		arrivals = append(arrivals, q.At)
	}
	if len(messages) > 1 {
		first, last := slices.MinFunc(messages, time.Time.Compare), slices.MaxFunc(messages, time.Time.Compare)
		f.messageSpan = last.Sub(first)
		f.messageIdeal = time.Duration(math.Ceil(float64(len(messages))/40)-1) * r.window
	}
	if len(arrivals) > 1 {
		slices.SortFunc(arrivals, func(a, b time.Time) int { return a.Compare(b) })
		f.span = arrivals[len(arrivals)-1].Sub(arrivals[0])
		f.ideal = time.Duration(math.Ceil(float64(len(arrivals))/40)-1) * r.window
		for i := 0; i < len(arrivals); i += 40 {
			last := min(i+40, len(arrivals)) - 1
			f.bursts = append(f.bursts, fmt.Sprintf("%s to %s",
				arrivals[i].Sub(arrivals[0]).Round(time.Millisecond), arrivals[last].Sub(arrivals[0]).Round(time.Millisecond)))
		}
	}
	return f
}

// expectEveryoneOnce fails unless every recipient of the applies was sent
// exactly once and no 429 was caused.
func (r *budgetRig) expectEveryoneOnce(applies ...*budgetApply) budgetFigures {
	r.t.Helper()
	var all []campaignRecipient
	for _, a := range applies {
		all = append(all, a.recipients...)
	}
	if err := expectCampaignSentOnce(r.srv, all); err != nil {
		r.t.Error(err)
	}
	f := r.figures()
	if f.refused != 0 {
		r.t.Errorf("%d of the provider's requests were answered 429", f.refused)
	}
	return f
}

// Back to back: an apply of 30 recipients, then at once another of 20 in
// a second directory. The second's processes find the first's slots in the
// local budget and wait for them to leave the window.
func TestAccBudgetBackToBack(t *testing.T) {
	t.Parallel()
	r := newBudgetRig(t, 5*time.Second)
	first := r.newApply("first", 0, 30, "", nil)
	second := r.newApply("second", 100, 20, "", nil)
	r.runTogether(first)
	r.runTogether(second)
	r.expectSucceeded(first, second)
	f := r.expectEveryoneOnce(first, second)
	t.Logf("back to back, 30 then 20 recipients at 40 per %s: applies took %s and %s; %s",
		r.window, first.took.Round(time.Millisecond), second.took.Round(time.Millisecond), f)
}

// efficiencyWindow is the window of the tests that log the rate
// efficiency: the three applies' first requests spread over a second
// or more (their processes start unevenly, more so on a busy machine), and
// each later burst follows the first one's spread, so the window must be
// long beside it.
const efficiencyWindow = 15 * time.Second

// Side by side: three applies of 20 recipients started together on one
// machine share the local budget: nobody gets a 429, and everyone is sent
// once.
func TestAccBudgetSideBySide(t *testing.T) {
	t.Parallel()
	r := newBudgetRig(t, efficiencyWindow)
	applies := []*budgetApply{r.newApply("a", 0, 20, "", nil), r.newApply("b", 100, 20, "", nil), r.newApply("c", 200, 20, "", nil)}
	r.runTogether(applies...)
	r.expectSucceeded(applies...)
	f := r.expectEveryoneOnce(applies...)
	// The efficiency is a figure, logged here and held to its target by
	// make bench: a busy machine's scheduling is not the budget's fault.
	t.Logf("side by side, 3 applies of 20 at 40 per %s: %s", r.window, f)
}

// runnerEnv is an environment of a runner of its own: home, cache, temp
// and Terraform data folders of its own, the receiver in common.
func (r *budgetRig) runnerEnv(name, statusURL string) []string {
	r.t.Helper()
	root := filepath.Join(r.dir, "runner-"+name)
	var dirs []string
	for _, d := range []string{"home", "cache", "tmp", "data"} {
		p := filepath.Join(root, d)
		if err := os.MkdirAll(p, 0o700); err != nil {
			r.t.Fatal(err)
		}
		dirs = append(dirs, p)
	}
	env := slices.Clone(r.env)
	env = slices.DeleteFunc(env, func(kv string) bool {
		return strings.HasPrefix(kv, "HOME=") || strings.HasPrefix(kv, "XDG_CACHE_HOME=") || strings.HasPrefix(kv, "TMPDIR=")
	})
	return append(env, "HOME="+dirs[0], "XDG_CACHE_HOME="+dirs[1], "TMPDIR="+dirs[2], "TF_DATA_DIR="+dirs[3],
		envStatusURL+"="+statusURL, envStatusToken+"="+testStatusToken)
}

// threeRunners runs three applies of 20 together, each as a runner of its
// own sharing only the receiver at statusURL.
func threeRunners(t *testing.T, statusURL string) {
	r := newBudgetRig(t, efficiencyWindow)
	applies := []*budgetApply{
		r.newApply("a", 0, 20, "", r.runnerEnv("a", statusURL)),
		r.newApply("b", 100, 20, "", r.runnerEnv("b", statusURL)),
		r.newApply("c", 200, 20, "", r.runnerEnv("c", statusURL)),
	}
	r.runTogether(applies...)
	r.expectSucceeded(applies...)
	f := r.expectEveryoneOnce(applies...)
	t.Logf("three runners sharing the receiver, 3 applies of 20 at 40 per %s: %s", r.window, f)
	for _, a := range applies {
		// The folder may hold the runner's shared template listing; a
		// budget file it must not hold.
		cache := filepath.Join(r.dir, "runner-"+a.name, "cache", budgetFolder)
		if budgets, _ := filepath.Glob(filepath.Join(cache, "budget-*")); len(budgets) > 0 {
			t.Errorf("runner %s kept a local budget in %s; the receiver should keep it", a.name, cache)
		}
	}
}

// Three runners: the same three applies with separate home, cache, temp
// and data folders, sharing only the receiver (on SQLite).
func TestAccBudgetThreeRunners(t *testing.T) {
	t.Parallel()
	threeRunners(t, startTestReceiver(t).url)
}

// The same with the receiver on PostgreSQL. It runs where PostgreSQL's
// server binaries are found (pgtest), as on a developer's machine and in
// CI, and skips, saying so, elsewhere.
func TestAccBudgetThreeRunnersPostgres(t *testing.T) {
	t.Parallel()
	acceptanceCLI(t)
	threeRunners(t, startTestReceiverOn(t, pgtest.NewDatabase(t)).url)
}

// A process killed with slots held: the first apply's ten sends are held
// by the mock (so its process holds every slot of a budget of 10) when its
// process group is killed. A second apply with the same key goes on once
// those slots' lease (request_timeout 2s plus the margin) has ended and
// they have left the window.
func TestAccBudgetKilledHolder(t *testing.T) {
	t.Parallel()
	r := newBudgetRig(t, 2*time.Second)
	r.srv = newTestMock(t, mock.Options{RateLimit: 10, Window: r.window, NoRetryAfter: true})
	const extra = "  rate_limit_per_minute = 10\n  request_timeout = \"2s\"\n"
	killed := r.newApply("killed", 0, 20, extra, nil)
	next := r.newApply("next", 100, 10, extra, nil)
	var holds []*mock.Hold
	for n := 1; n <= 10; n++ {
		holds = append(holds, r.srv.Hold(n))
	}
	r.start(killed)
	for _, h := range holds {
		if err := h.WaitHeld(r.ctx); err != nil {
			t.Fatalf("send %d never arrived: %v\n%s", h.N(), err, killed.run.output.String())
		}
	}
	killed.run.killGroup(t)
	killedAt := time.Now()
	killed.wait()
	for _, h := range holds {
		h.Release()
	}
	r.runTogether(next)
	r.expectSucceeded(next)
	var firstNext time.Time
	for _, q := range r.srv.Requests() {
		if q.At.After(killedAt) && (firstNext.IsZero() || q.At.Before(firstNext)) {
			firstNext = q.At
		}
	}
	waited := firstNext.Sub(killedAt)
	t.Logf("killed with 10 slots held: the next apply's first request came %s after the kill (lease %s, window %s); it took %s",
		waited.Round(time.Millisecond), 2*time.Second+5*time.Second, r.window, next.took.Round(time.Millisecond))
	if f := r.figures(); f.refused != 0 {
		t.Errorf("%d requests answered 429", f.refused)
	}
	// The held slots were granted before the kill; their lease is 7s.
	if waited < 4*time.Second {
		t.Errorf("the next apply went on %s after the kill, before the held slots' lease ended", waited)
	}
}

// With a second client spending half the key's budget outside Terraform
// (20 requests a window, evenly), a 60-recipient campaign absorbs the 429s
// it meets: every recipient is sent once and none failed.
func TestAccBudgetSecondClient(t *testing.T) {
	t.Parallel()
	r := newBudgetRig(t, 4*time.Second)
	apply := r.newApply("campaign", 0, 60, "", nil)
	stop := make(chan struct{})
	var other sync.WaitGroup
	var otherRequests, otherRefused int
	other.Go(func() {
		tick := time.NewTicker(r.window / 20)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			req, _ := http.NewRequest(http.MethodGet, r.srv.URL()+wire.TemplatesPath+"?offset=0&approval_status=APPROVED", nil)
			req.Header.Set("Authorization", "Basic "+testAPIKey)
			req.Header.Set("User-Agent", "backend")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				continue
			}
			_ = resp.Body.Close()
			otherRequests++
			if resp.StatusCode == http.StatusTooManyRequests {
				otherRefused++
			}
		}
	})
	time.Sleep(r.window) // the other client is already spending
	r.runTogether(apply)
	close(stop)
	other.Wait()
	r.expectSucceeded(apply)
	if err := expectCampaignSentOnce(r.srv, apply.recipients); err != nil {
		t.Error(err)
	}
	f := r.figures()
	t.Logf("a second client sent %d requests (%d answered 429) while a 60-recipient campaign ran at 40 per %s: it took %s; provider: %s",
		otherRequests, otherRefused, r.window, apply.took.Round(time.Millisecond), f)
	if !strings.Contains(apply.run.output.String(), "Apply complete") {
		t.Errorf("the apply did not complete:\n%s", apply.run.output.String())
	}
}

// When the receiver keeps the journal but its rate budget cannot be
// reached, nothing is sent, and the error says why and that nothing was
// sent.
func TestAccBudgetUnreachableSendsNothing(t *testing.T) {
	t.Parallel()
	rcv := startTestReceiver(t)
	target, err := url.Parse(rcv.url)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, wire.BudgetPathPrefix) {
			http.Error(w, "unavailable", http.StatusServiceUnavailable)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	srv := newTestMock(t, mock.Options{})
	config := fmt.Sprintf("provider \"interakt\" {\n  base_url = %q\n  status_url = %q\n}\n", srv.URL(), front.URL) + `
resource "interakt_template_message" "smoke" {
  template      = { name = "order_shipped", language_code = "en" }
  country_code  = "+91"
  phone_number  = "9811112222"
  header_values = ["A-1001"]
  body_values   = ["Asha", "A-1001"]
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams().withEnv(envAPIKey, testAPIKey).withEnv(envStatusToken, testStatusToken)),
		Steps: []resource.TestStep{{
			Config: config,
			ExpectError: regexp.MustCompile(strings.ReplaceAll(
				`rate budget shared by every process using this key cannot be reached, so nothing was sent: the status receiver answered HTTP 503`, " ", `\s+`)),
		}},
	})
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("%d requests reached the API, want 0", n)
	}
}
