package receiver

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promauto"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Reasons a webhook is not stored, the label of webhooks_rejected_total.
const (
	rejectSignature   = "signature"
	rejectTooLarge    = "too_large"
	rejectMalformed   = "malformed"
	rejectUnavailable = "unavailable"
)

// metrics are the receiver's Prometheus metrics, on a registry of their
// own so that two servers in one process do not collide.
type metrics struct {
	registry       *prometheus.Registry
	received       prometheus.Counter
	rejected       *prometheus.CounterVec
	stored         prometheus.Counter
	duplicates     prometheus.Counter
	ignored        prometheus.Counter
	commitErrors   prometheus.Counter
	commitDuration prometheus.Histogram
	batchSize      prometheus.Histogram
	statusRequests *prometheus.CounterVec
	purged         prometheus.Counter
	deadLetters    prometheus.Counter
	pings          prometheus.Counter

	handoffsDropped     prometheus.Counter
	handoffsUndelivered prometheus.Counter
	handoffsPending     prometheus.Gauge
	handoffsDelivered   prometheus.Counter
	handoffsRetried     prometheus.Counter
	handoffsDead        prometheus.Counter
	handoffLatency      prometheus.Histogram
}

func newMetrics() *metrics {
	registry := prometheus.NewRegistry()
	factory := promauto.With(registry)
	counter := func(name, help string) prometheus.Counter {
		return factory.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
	}
	m := &metrics{
		registry: registry,
		received: counter("interakt_receiver_webhooks_received_total", "Webhook requests received."),
		rejected: factory.NewCounterVec(prometheus.CounterOpts{
			Name: "interakt_receiver_webhooks_rejected_total",
			Help: "Webhook requests not stored, by reason: signature (401), too_large (413), malformed (400, the body could not be read), unavailable (503, the store did not commit in time).",
		}, []string{"reason"}),
		stored:     counter("interakt_receiver_events_stored_total", "New events committed."),
		duplicates: counter("interakt_receiver_events_duplicate_total", "Events received again after they had been committed."),
		ignored: counter("interakt_receiver_events_ignored_total",
			"Signed events of types that are not about a sent message (incoming messages...), acknowledged and not stored."),
		commitErrors: counter("interakt_receiver_commit_errors_total", "Batch commits that failed."),
		commitDuration: factory.NewHistogram(prometheus.HistogramOpts{
			Name:    "interakt_receiver_commit_duration_seconds",
			Help:    "Time to commit one batch of events.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
		}),
		batchSize: factory.NewHistogram(prometheus.HistogramOpts{
			Name:    "interakt_receiver_batch_size",
			Help:    "Events per committed batch.",
			Buckets: prometheus.ExponentialBuckets(1, 2, 11),
		}),
		statusRequests: factory.NewCounterVec(prometheus.CounterOpts{
			Name: "interakt_receiver_status_requests_total",
			Help: "Status requests, by HTTP status code.",
		}, []string{"code"}),
		purged: counter("interakt_receiver_purged_messages_total", "Messages deleted by the retention purge."),
		deadLetters: counter("interakt_receiver_dead_letters_total",
			"Signed webhook bodies that could not be parsed, kept whole in the dead_letters table and answered 200."),
		pings: counter("interakt_receiver_pings_total",
			"Unsigned requests carrying no event (a URL check such as the dashboard's), answered 200 and not stored."),
	}
	m.handoffsDropped = counter("interakt_receiver_handoffs_dropped_total",
		"Pending fallback hand-offs dropped with their rule.")
	m.handoffsUndelivered = counter("interakt_receiver_handoffs_undelivered_total",
		"Messages handed off by the undelivered scan (failures are handed off as they are stored).")
	m.handoffsPending = factory.NewGauge(prometheus.GaugeOpts{
		Name: "interakt_receiver_handoffs_pending",
		Help: "Fallback hand-offs not yet delivered nor dead, of every receiver sharing the database, as of the last undelivered scan.",
	})
	m.handoffsDelivered = counter("interakt_receiver_handoffs_delivered_total", "Fallback hand-offs answered 2xx by their rule's URL.")
	m.handoffsRetried = counter("interakt_receiver_handoffs_retried_total",
		"Fallback hand-off tries refused (not 2xx, or no answer) and scheduled again.")
	m.handoffsDead = counter("interakt_receiver_handoffs_dead_total",
		"Fallback hand-offs refused until their give-up time; POST /v1/fallbacks/{name}/retry sends them again.")
	m.handoffLatency = factory.NewHistogram(prometheus.HistogramOpts{
		Name:    "interakt_receiver_handoff_delivery_seconds",
		Help:    "Time from a hand-off's creation to its 2xx answer.",
		Buckets: prometheus.ExponentialBuckets(0.01, 4, 10),
	})
	registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, reason := range []string{rejectSignature, rejectTooLarge, rejectMalformed, rejectUnavailable} {
		m.rejected.WithLabelValues(reason)
	}
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}
