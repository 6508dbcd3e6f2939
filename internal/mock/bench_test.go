package mock

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkAcceptedSend measures accepted sends per second through the
// handler, without the network and with no effective rate limit.
func BenchmarkAcceptedSend(b *testing.B) {
	s := New(Options{RateLimit: -1})
	body := encode(b, orderShipped())
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		w := httptest.NewRecorder()
		s.Handler().ServeHTTP(w, newSendRequest(body))
		if w.Code != http.StatusCreated {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkAcceptedSendParallel is BenchmarkAcceptedSend from all CPUs,
// through a sliding window that never fills.
func BenchmarkAcceptedSendParallel(b *testing.B) {
	s := New(Options{RateLimit: 1 << 30})
	body := encode(b, orderShipped())
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			w := httptest.NewRecorder()
			r := httptest.NewRequest(http.MethodPost, "/v1/public/message/", strings.NewReader(body))
			r.Header.Set("Authorization", testAuth)
			r.Header.Set("Content-Type", "application/json")
			s.Handler().ServeHTTP(w, r)
			if w.Code != http.StatusCreated {
				b.Errorf("status %d", w.Code)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}
