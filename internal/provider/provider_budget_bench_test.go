package provider

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/interakt-community/terraform-provider-interakt/internal/client"
	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
	"github.com/interakt-community/terraform-provider-interakt/internal/receiver"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// The budget benchmarks run three provider processes (this test binary,
// re-run as a child, see budgetBenchChild) sharing one key, as three
// applies do, and measure what the shared budget costs.

// budgetBenchChildEnv makes the test binary run one child of a budget
// benchmark: "overhead" or "send".
const budgetBenchChildEnv = "INTERAKT_BUDGET_BENCH_CHILD"

// budgetBenchSeconds is how long the overhead benchmarks run (env
// BENCH_BUDGET_SECONDS, default 20).
func budgetBenchSeconds() time.Duration {
	if n, err := strconv.Atoi(os.Getenv("BENCH_BUDGET_SECONDS")); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	return 20 * time.Second
}

// budgetBenchChild runs one child and returns its exit code. Its settings
// come from the environment the parent gives it.
func budgetBenchChild(mode string) int {
	getenv := os.Getenv
	window, _ := time.ParseDuration(getenv(envRateWindow))
	st, diags := resolveSettings(providerModel{
		APIKey: types.StringValue(testAPIKey), BaseURL: types.StringValue(getenv(envBaseURL)),
	}, getenv)
	if diags.HasError() {
		fmt.Fprintln(os.Stderr, diags)
		return 2
	}
	s := seams{rateWindow: window, budgetDir: getenv("BENCH_BUDGET_DIR"), getenv: getenv, journalDir: getenv("BENCH_BUDGET_DIR")}
	ctx := context.Background()
	switch mode {
	case "overhead":
		// One acquire and release every 300 ms: 200 a minute, 600 from
		// three children. Each line is one request's time in the budget.
		keyID, err := client.BudgetKeyID(st.apiKey, st.baseURL)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		budget, _, err := newBudget(st, s, nil, keyID)
		local, ok := budget.(*localBudget)
		if err != nil || !ok {
			fmt.Fprintln(os.Stderr, "no local budget:", err)
			return 2
		}
		if o, err := local.open(ctx); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		} else if o.fallback != "" {
			fmt.Fprintln(os.Stderr, "no budget file:", o.fallback)
			return 2
		}
		until := time.Now().Add(budgetBenchSeconds())
		tick := time.NewTicker(300 * time.Millisecond)
		defer tick.Stop()
		out := bufio.NewWriter(os.Stdout)
		for time.Now().Before(until) {
			<-tick.C
			start := time.Now()
			slot, err := budget.Acquire(ctx)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 2
			}
			slot.Release()
			fmt.Fprintln(out, time.Since(start).Nanoseconds())
		}
		_ = out.Flush()
		return 0
	case "send":
		data, diags := newProviderData(ctx, providerModel{
			APIKey: types.StringValue(testAPIKey), BaseURL: types.StringValue(getenv(envBaseURL)),
		}, "bench", s)
		if diags.HasError() {
			fmt.Fprintln(os.Stderr, diags)
			return 2
		}
		first, _ := strconv.Atoi(getenv("BENCH_BUDGET_FIRST"))
		jobs := make([]campaignJob, 50)
		for i := range jobs {
			jobs[i] = campaignJob{key: fmt.Sprintf("r%04d", first+i), message: wire.Message{
				CountryCode: "+91", PhoneNumber: fmt.Sprintf("98%08d", first+i), Type: "Template",
				Template: wire.Template{
					Name: "order_shipped", LanguageCode: "en",
					HeaderValues: []string{"A-1"}, BodyValues: []string{"Asha", "A-1"},
				},
			}}
		}
		sender := campaignSender{send: data.send, workers: campaignWorkers, now: time.Now, op: "create", timeout: time.Hour}
		for key, r := range sender.run(ctx, jobs).results {
			if r.Status != sendSent {
				fmt.Fprintf(os.Stderr, "%s: %s: %s\n", key, r.Status, r.Error)
				return 1
			}
		}
		return 0
	default:
		fmt.Fprintln(os.Stderr, "unknown child mode", mode)
		return 2
	}
}

// runBudgetChildren runs three children in mode with env added, and
// returns their outputs.
func runBudgetChildren(b *testing.B, mode string, env ...string) [][]byte {
	b.Helper()
	outs := make([][]byte, 3)
	errs := make([]error, 3)
	var wg sync.WaitGroup
	for i := range 3 {
		wg.Go(func() {
			cmd := exec.CommandContext(b.Context(), os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), append(env, budgetBenchChildEnv+"="+mode, fmt.Sprintf("BENCH_BUDGET_FIRST=%d", i*100))...)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			outs[i], errs[i] = cmd.Output()
			if errs[i] != nil {
				errs[i] = fmt.Errorf("child %d: %v\n%s", i, errs[i], stderr.String())
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			b.Fatal(err)
		}
	}
	return outs
}

// benchBudgetOverhead reports the p50 and p99 time a request spends in
// the budget (acquire and release, no waiting: 600 a minute against a
// limit of 600) from three processes.
func benchBudgetOverhead(b *testing.B, env ...string) {
	for b.Loop() {
		var samples []time.Duration
		for _, out := range runBudgetChildren(b, "overhead", env...) {
			for line := range strings.Lines(string(out)) {
				ns, err := strconv.ParseInt(strings.TrimSpace(line), 10, 64)
				if err != nil {
					b.Fatalf("child output %q", line)
				}
				samples = append(samples, time.Duration(ns))
			}
		}
		slices.Sort(samples)
		p := func(q float64) float64 {
			return float64(samples[int(math.Ceil(q*float64(len(samples))))-1]) / float64(time.Millisecond)
		}
		b.ReportMetric(p(0.5), "p50-ms")
		b.ReportMetric(p(0.99), "p99-ms")
		b.ReportMetric(float64(len(samples)), "requests")
	}
}

// BenchmarkBudgetOverheadLocal: the local file budget.
func BenchmarkBudgetOverheadLocal(b *testing.B) {
	benchBudgetOverhead(b, envBudget+"=local", "BENCH_BUDGET_DIR="+b.TempDir(), envBaseURL+"=http://127.0.0.1:1",
		envRateLimit+"=600", envRateWindow+"=1m")
}

// BenchmarkBudgetOverheadReceiver: the receiver's budget, on SQLite.
func BenchmarkBudgetOverheadReceiver(b *testing.B) {
	srv, err := receiver.New(b.Context(), receiver.Config{
		DB: "sqlite://" + filepath.Join(b.TempDir(), "status.db"), WebhookSecrets: []string{testWebhookSecret},
		StatusTokens: []string{testStatusToken},
	})
	if err != nil {
		b.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer func() { hs.Close(); _ = srv.Close() }()
	benchBudgetOverhead(b, envBudget+"=receiver", envStatusURL+"="+hs.URL, envStatusToken+"="+testStatusToken,
		envBaseURL+"=http://127.0.0.1:1", envRateLimit+"=600", envRateWindow+"=1m", "BENCH_BUDGET_DIR="+b.TempDir())
}

// BenchmarkBudgetRateEfficiency3 has three processes send 50 messages each
// through the provider's configured client (local budget) at 40 per 2 s
// against a mock enforcing the same, and reports the ideal span of the
// 150 sends over the actual one, and the 429s.
func BenchmarkBudgetRateEfficiency3(b *testing.B) {
	const limit, window, sends = 40, 2 * time.Second, 150
	for b.Loop() {
		srv := mock.NewTestServer(b, mock.Options{APIKey: testAPIKey, RateLimit: limit, Window: window, NoRetryAfter: true})
		runBudgetChildren(b, "send", envBudget+"=local", "BENCH_BUDGET_DIR="+b.TempDir(), envBaseURL+"="+srv.URL(),
			envRateLimit+"="+strconv.Itoa(limit), envRateWindow+"="+window.String())
		var arrivals []time.Time
		refused := 0
		for _, r := range srv.Requests() {
			switch {
			case r.Status == http.StatusTooManyRequests:
				refused++
			case r.Sent:
				arrivals = append(arrivals, r.At)
			}
		}
		if len(arrivals) != sends {
			b.Fatalf("the mock accepted %d sends, want %d", len(arrivals), sends)
		}
		slices.SortFunc(arrivals, func(x, y time.Time) int { return x.Compare(y) })
		actual := arrivals[len(arrivals)-1].Sub(arrivals[0])
		ideal := time.Duration(math.Ceil(float64(sends)/limit)-1) * window
		b.ReportMetric(float64(ideal)/float64(actual), "ideal/actual")
		b.ReportMetric(float64(refused), "429s")
		b.Logf("3 processes, %d sends at %d per %s: ideal span %s, actual %s, %d answered 429",
			sends, limit, window, ideal, actual.Round(time.Millisecond), refused)
	}
}
