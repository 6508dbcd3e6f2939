package client

import (
	"net/http"
	"testing"
)

// BenchmarkSendTemplate measures sends per second against a local server,
// with a rate limit high enough never to wait.
func BenchmarkSendTemplate(b *testing.B) {
	s := &server{respond: func(_ int, w http.ResponseWriter, _ *http.Request) { created(w, "bench") }}
	ts := startHTTPB(b, s)
	c, err := New(Config{BaseURL: ts, APIKey: testKey, RateLimitPerMinute: 1 << 30})
	if err != nil {
		b.Fatal(err)
	}
	m := fullMessage()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.SendTemplate(b.Context(), m); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sends/s")
}
