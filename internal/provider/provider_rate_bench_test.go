package provider

import (
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// BenchmarkRateEfficiency40 sends 50 campaign messages at 40 per window
// through the provider's configured client and campaign sender, against a
// mock enforcing the same limit, with the minute scaled down to 2 s.
func BenchmarkRateEfficiency40(b *testing.B) {
	benchRateEfficiency(b, 50, 40, 2*time.Second)
}

// BenchmarkRateEfficiency600 is the same at 600 per window with 1,000
// messages, the minute scaled down to 8 s. Its second burst of 400 takes
// a while itself (the 10 campaign workers through the local mock), which
// the ratio counts against the limiter.
func BenchmarkRateEfficiency600(b *testing.B) {
	benchRateEfficiency(b, 1000, 600, 8*time.Second)
}

// BenchmarkRateEfficiencyCampaign2000 is a campaign of 2,000 recipients
// at Interakt's Advanced plan, 600 a minute, the minute scaled down to
// 20 s: three windows after the first burst, so that the last burst's own
// time is a small part of the span.
func BenchmarkRateEfficiencyCampaign2000(b *testing.B) {
	benchRateEfficiency(b, 2000, 600, 20*time.Second)
}

// benchRateEfficiency reports "ideal/actual", the span a perfect limiter
// needs from the first arrival at the API to the last over the span
// measured, and "429s", the rate-limit refusals the provider caused. A
// perfect limiter sends a burst of limit at once and each next burst one
// window later, so n sends need (ceil(n/limit)-1) windows. Both figures are
// ratios within one run, so a noisy machine shifts them little.
func benchRateEfficiency(b *testing.B, sends, limit int, window time.Duration) {
	jobs := make([]campaignJob, sends)
	for i := range jobs {
		jobs[i] = campaignJob{key: fmt.Sprintf("r%04d", i), message: wire.Message{
			CountryCode: "+91", PhoneNumber: fmt.Sprintf("98%08d", i), Type: "Template",
			Template: wire.Template{
				Name: "order_shipped", LanguageCode: "en",
				HeaderValues: []string{"A-1"}, BodyValues: []string{"Asha", "A-1"},
			},
		}}
	}
	ideal := time.Duration(math.Ceil(float64(sends)/float64(limit))-1) * window
	var efficiency, refused float64
	for b.Loop() {
		srv := mock.NewTestServer(b, mock.Options{APIKey: testAPIKey, RateLimit: limit, Window: window})
		data, diags := newProviderData(b.Context(), providerModel{
			APIKey:             types.StringValue(testAPIKey),
			BaseURL:            types.StringValue(srv.URL()),
			RateLimitPerMinute: types.Int64Value(int64(limit)),
		}, "bench", seams{rateWindow: window, budgetDir: b.TempDir(), getenv: func(string) string { return "" }})
		if diags.HasError() {
			b.Fatalf("configuring the provider: %v", diags)
		}
		sender := campaignSender{send: data.send, workers: campaignWorkers, now: time.Now, op: "create", timeout: time.Hour}
		run := sender.run(b.Context(), jobs)
		for key, r := range run.results {
			if r.Status != sendSent {
				b.Fatalf("%s: %s: %s", key, r.Status, r.Error)
			}
		}
		var arrivals []time.Time
		for _, r := range srv.SendRequests() {
			if r.Sent {
				arrivals = append(arrivals, r.At)
			}
		}
		if len(arrivals) != sends {
			b.Fatalf("the mock accepted %d sends, want %d", len(arrivals), sends)
		}
		slices.SortFunc(arrivals, func(x, y time.Time) int { return x.Compare(y) })
		actual := arrivals[len(arrivals)-1].Sub(arrivals[0])
		efficiency += float64(ideal) / float64(actual)
		refused += float64(srv.Count429ByLimit())
		b.Logf("%d sends at %d per %s: ideal span %s, actual %s", sends, limit, window, ideal, actual.Round(time.Millisecond))
	}
	b.ReportMetric(efficiency/float64(b.N), "ideal/actual")
	b.ReportMetric(refused/float64(b.N), "429s")
}
