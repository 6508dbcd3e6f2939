package receiver

import (
	"fmt"
	"testing"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

func ptr(s string) *string { return &s }

func deref(s *string) string {
	if s == nil {
		return "<null>"
	}
	return *s
}

// compareStatus describes how got differs from want, or returns "".
func compareStatus(got, want wire.Status) string {
	fields := []struct {
		name      string
		got, want string
	}{
		{"id", got.ID, want.ID},
		{"status", got.Status, want.Status},
		{"sent_at", deref(got.SentAt), deref(want.SentAt)},
		{"delivered_at", deref(got.DeliveredAt), deref(want.DeliveredAt)},
		{"read_at", deref(got.ReadAt), deref(want.ReadAt)},
		{"failed_at", deref(got.FailedAt), deref(want.FailedAt)},
		{"failure_reason", deref(got.FailureReason), deref(want.FailureReason)},
		{"error_code", deref(got.ErrorCode), deref(want.ErrorCode)},
		{"callback_data", deref(got.CallbackData), deref(want.CallbackData)},
	}
	diff := ""
	for _, f := range fields {
		if f.got != f.want {
			diff += fmt.Sprintf("\n  %s = %s, want %s", f.name, f.got, f.want)
		}
	}
	return diff
}

// counterValue reads a counter's current value.
func counterValue(t testing.TB, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatalf("read metric: %v", err)
	}
	return m.GetCounter().GetValue()
}
