package receiver

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/pgtest"
	"github.com/interakt-community/terraform-provider-interakt/internal/receiver/store"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// benchReceiver starts a receiver on dsn behind a real HTTP server.
func benchReceiver(b *testing.B, dsn string) (*Server, *httptest.Server, *http.Client) {
	b.Helper()
	srv, err := New(b.Context(), Config{DB: dsn, WebhookSecrets: []string{testSecret},
		StatusTokens: []string{testToken}, Logger: discardLogger()})
	if err != nil {
		b.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	// Interakt, like any sender, holds a bounded number of connections.
	tr := &http.Transport{MaxIdleConnsPerHost: 128, MaxConnsPerHost: 128}
	b.Cleanup(func() {
		hs.Close()
		tr.CloseIdleConnections()
		if err := srv.Close(); err != nil {
			b.Error(err)
		}
	})
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	warmUp(b, client, hs.URL, 128)
	return srv, hs, client
}

// warmUp opens conns keep-alive connections with concurrent health
// checks, so that the measured requests do not pay for TCP handshakes.
func warmUp(b *testing.B, client *http.Client, baseURL string, conns int) {
	b.Helper()
	var wg sync.WaitGroup
	var failures atomic.Int64
	for range conns {
		wg.Go(func() {
			resp, err := client.Get(baseURL + "/healthz")
			if err != nil {
				failures.Add(1)
				return
			}
			if _, err := io.Copy(io.Discard, resp.Body); err != nil {
				failures.Add(1)
			}
			if err := resp.Body.Close(); err != nil || resp.StatusCode != http.StatusOK {
				failures.Add(1)
			}
		})
	}
	wg.Wait()
	if n := failures.Load(); n > 0 {
		b.Fatalf("%d warm-up requests failed", n)
	}
}

// ingestResult is what one ingest run measured.
type ingestResult struct {
	latencies []time.Duration
	elapsed   time.Duration
	failures  int64
}

func (r ingestResult) report(b *testing.B, srv *Server) {
	b.Helper()
	if r.failures > 0 {
		b.Fatalf("%d webhooks not answered 200", r.failures)
	}
	b.ReportMetric(float64(len(r.latencies))/r.elapsed.Seconds(), "webhooks/s")
	b.ReportMetric(percentile(r.latencies, 0.99).Seconds()*1000, "p99-ms")
	b.ReportMetric(percentile(r.latencies, 0.50).Seconds()*1000, "p50-ms")
	commits, commitSeconds := histogramTotals(b, srv.metrics.commitDuration)
	_, events := histogramTotals(b, srv.metrics.batchSize)
	if commits > 0 {
		b.ReportMetric(events/float64(commits), "events/batch")
		b.ReportMetric(commitSeconds/float64(commits)*1000, "commit-ms")
	}
}

// ingestClosedLoop has senders post unique signed webhooks back to back:
// it measures the most the receiver can take.
func ingestClosedLoop(b *testing.B, client *http.Client, url string, sendersPerCPU int, newHook func(id string) hook) ingestResult {
	var (
		seq      atomic.Int64
		mu       sync.Mutex
		res      ingestResult
		failures atomic.Int64
	)
	b.SetParallelism(sendersPerCPU)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		local := make([]time.Duration, 0, 1024)
		for pb.Next() {
			body := newHook(fmt.Sprintf("bench-%09d", seq.Add(1))).body()
			t0 := time.Now()
			code, err := postWebhook(client, url, testSecret, body)
			local = append(local, time.Since(t0))
			if err != nil || code != http.StatusOK {
				failures.Add(1)
			}
		}
		mu.Lock()
		res.latencies = append(res.latencies, local...)
		mu.Unlock()
	})
	res.elapsed = time.Since(start)
	b.StopTimer()
	res.failures = failures.Load()
	return res
}

// ingestOpenLoop sends b.N webhooks at a fixed rate, whatever the answers'
// latency, as Interakt does, and times each from its scheduled start (so
// a stall counts against every webhook it delays).
func ingestOpenLoop(b *testing.B, client *http.Client, url string, perSecond int, newHook func(id string) hook) ingestResult {
	interval := time.Second / time.Duration(perSecond)
	latencies := make([]time.Duration, b.N)
	var failures atomic.Int64
	var firstFailure atomic.Value
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		due := start.Add(time.Duration(i) * interval)
		if wait := time.Until(due); wait > 0 {
			time.Sleep(wait)
		}
		body := newHook(fmt.Sprintf("open-%09d", i)).body()
		wg.Go(func() {
			code, err := postWebhook(client, url, testSecret, body)
			latencies[i] = time.Since(due)
			if err != nil || code != http.StatusOK {
				failures.Add(1)
				firstFailure.CompareAndSwap(nil, fmt.Sprintf("code %d, error %v", code, err))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if f := firstFailure.Load(); f != nil {
		b.Logf("first failure: %v", f)
	}
	return ingestResult{latencies: latencies, elapsed: elapsed, failures: failures.Load()}
}

// BenchmarkIngestSQLite measures signed webhooks into SQLite: "rate-3000"
// offers the target 3,000 webhooks/s and reports the latency they get;
// "max" has 64 senders (32 per core on 2 cores) post back to back. The
// "rule-" variants do the same with a fallback rule set, on failed and
// undelivered for every template: its cost on the webhooks that it does
// not hand off. "rule-failures-max" also has one webhook in ten a failure,
// which is handed off, to an endpoint in the same process, while the
// benchmark runs.
func BenchmarkIngestSQLite(b *testing.B) {
	benchIngest(b, func(b *testing.B) string { return "sqlite://" + filepath.Join(b.TempDir(), "bench.db") })
}

// BenchmarkIngestPostgres is the same on the test PostgreSQL server
// (which runs with fsync off, so it measures the receiver, not the disk).
func BenchmarkIngestPostgres(b *testing.B) {
	benchIngest(b, func(b *testing.B) string { return pgtest.NewDatabase(b) })
}

func benchIngest(b *testing.B, dsn func(b *testing.B) string) {
	for _, withRule := range []bool{false, true} {
		prefix, newHook := "", readEvent
		if withRule {
			prefix = "rule-"
		}
		b.Run(prefix+"rate-3000", func(b *testing.B) {
			srv, hs, client := benchReceiver(b, dsn(b))
			if withRule {
				benchRule(b, srv)
			}
			ingestOpenLoop(b, client, hs.URL+DefaultWebhookPath, 3000, newHook).report(b, srv)
		})
		b.Run(prefix+"max", func(b *testing.B) {
			srv, hs, client := benchReceiver(b, dsn(b))
			if withRule {
				benchRule(b, srv)
			}
			ingestClosedLoop(b, client, hs.URL+DefaultWebhookPath, 32, newHook).report(b, srv)
		})
	}
	b.Run("rule-failures-max", func(b *testing.B) {
		srv, hs, client := benchReceiver(b, dsn(b))
		benchRule(b, srv)
		ingestClosedLoop(b, client, hs.URL+DefaultWebhookPath, 32, oneInTenFailed).report(b, srv)
		b.ReportMetric(counterValue(b, srv.metrics.handoffsDelivered), "handoffs-delivered")
	})
}

// oneInTenFailed is a read event, or a failure for one id in ten.
func oneInTenFailed(id string) hook {
	if id[len(id)-1] == '0' {
		return failedEvent(id)
	}
	return readEvent(id)
}

// benchRule puts a fallback rule on failed and undelivered, every
// template, whose URL is a local endpoint that accepts every hand-off.
func benchRule(b *testing.B, srv *Server) {
	b.Helper()
	endpoint := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusNoContent)
	}))
	b.Cleanup(endpoint.Close)
	if _, err := srv.store.PutFallback(b.Context(), store.Fallback{Name: "bench", URL: endpoint.URL, Secret: "bench-secret",
		OnFailed: true, OnUndelivered: true, UndeliveredAfter: time.Minute}, time.Now()); err != nil {
		b.Fatal(err)
	}
}

// histogramTotals reads a histogram's observation count and sum.
func histogramTotals(b *testing.B, h prometheus.Histogram) (uint64, float64) {
	b.Helper()
	var m dto.Metric
	if err := h.Write(&m); err != nil {
		b.Fatal(err)
	}
	return m.GetHistogram().GetSampleCount(), m.GetHistogram().GetSampleSum()
}

func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	slices.Sort(d)
	return d[min(len(d)-1, int(float64(len(d))*p))]
}

// BenchmarkStatusGetSQLite reads the status of stored messages from many
// concurrent clients.
func BenchmarkStatusGetSQLite(b *testing.B) {
	_, hs, client := benchReceiver(b, "sqlite://"+filepath.Join(b.TempDir(), "bench.db"))
	const messages = 1000
	var seeding sync.WaitGroup
	var seedFailures atomic.Int64
	for i := range messages {
		seeding.Go(func() {
			code, err := postWebhook(client, hs.URL+DefaultWebhookPath, testSecret,
				readEvent(fmt.Sprintf("get-%04d", i)).body())
			if err != nil || code != http.StatusOK {
				seedFailures.Add(1)
			}
		})
	}
	seeding.Wait()
	if n := seedFailures.Load(); n > 0 {
		b.Fatalf("%d seed webhooks failed", n)
	}
	var seq, failures atomic.Int64
	b.SetParallelism(16)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			id := fmt.Sprintf("get-%04d", seq.Add(1)%messages)
			code, st, err := getStatus(client, hs.URL, testToken, id)
			if err != nil || code != http.StatusOK || st.ID != id {
				failures.Add(1)
			}
		}
	})
	elapsed := time.Since(start)
	b.StopTimer()
	if n := failures.Load(); n > 0 {
		b.Fatalf("%d status requests failed", n)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "gets/s")
}
