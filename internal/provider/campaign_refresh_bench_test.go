package provider

import (
	"fmt"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/interakt-community/terraform-provider-interakt/internal/receiver"
	"github.com/interakt-community/terraform-provider-interakt/internal/receiver/event"
)

// countingTransport counts the requests it carries.
type countingTransport struct {
	n atomic.Int64
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return http.DefaultTransport.RoundTrip(r)
}

// BenchmarkCampaignRefresh10000 refreshes a campaign of 10,000 sent
// recipients against the status receiver on SQLite, every message known
// to it: the campaign's Read decodes the state, looks the delivery
// statuses up in batches and writes the state back. It reports the time
// of one refresh and the requests it made.
func BenchmarkCampaignRefresh10000(b *testing.B) {
	const n = 10000
	ctx := b.Context()
	srv, err := receiver.New(ctx, receiver.Config{
		DB:             "sqlite://" + filepath.Join(b.TempDir(), "status.db"),
		WebhookSecrets: []string{testWebhookSecret},
		StatusTokens:   []string{testStatusToken},
		Logger:         slog.New(slog.DiscardHandler),
	})
	if err != nil {
		b.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	b.Cleanup(func() {
		hs.Close()
		_ = srv.Close()
	})
	now := time.Now().UTC()
	events := make([]event.Event, 0, n)
	results := make(map[string]any, n)
	recipients := make(map[string]any, n)
	for i := range n {
		id, key := fmt.Sprintf("m-%05d", i), fmt.Sprintf("c-%05d", i)
		events = append(events, event.Event{MessageID: id, Type: "message_api_delivered", Status: event.StatusDelivered,
			DeliveredAt: now, ReceivedAt: now})
		results[key] = map[string]any{"message_id": id, "status": sendSent, "sent_at": now.Format(time.RFC3339),
			"inputs_hash": "h", "attempt_id": "00000000-0000-4000-8000-000000000000", "delivery_status": "pending"}
		recipients[key] = map[string]any{
			"country_code": "+91", "phone_number": fmt.Sprintf("98%08d", i), "callback_data": "launch:" + key,
			"header_values": []any{}, "body_values": []any{},
		}
	}
	for i := 0; i < n; i += 1000 {
		if _, err := srv.Store().Apply(ctx, events[i:i+1000]); err != nil {
			b.Fatal(err)
		}
	}

	// The refresh is served as Terraform asks for it: through the
	// protocol, the recipients and results past the framework.
	counter := &countingTransport{}
	s := testSeams().withEnv(envStatusToken, testStatusToken)
	s.httpClient, s.journalDir = &http.Client{Transport: counter}, b.TempDir()
	p := newProtocolServer(b, s)
	if diags := p.configure(map[string]any{"status_url": hs.URL}); len(diags) > 0 {
		b.Fatalf("configuring the provider: %s", diagString(diags))
	}
	typ := p.resourceType("interakt_campaign")
	state := p.dynamic(typ, map[string]any{
		"id": "c", "recipients": recipients, "results": results, "resend_on_change": false,
		"sent_count": n, "failed_count": 0,
	})

	var requests int64
	for b.Loop() {
		before := counter.n.Load()
		resp, err := p.server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: "interakt_campaign", CurrentState: state})
		if err != nil || len(resp.Diagnostics) > 0 {
			b.Fatalf("refresh: %v %s", err, diagString(resp.Diagnostics))
		}
		requests = counter.n.Load() - before
		refreshed, err := resp.NewState.Unmarshal(typ)
		if err != nil {
			b.Fatal(err)
		}
		var attrs map[string]tftypes.Value
		var counts map[string]tftypes.Value
		var delivered big.Float
		if err := refreshed.As(&attrs); err != nil {
			b.Fatal(err)
		}
		if err := attrs["delivery_counts"].As(&counts); err != nil {
			b.Fatal(err)
		}
		if err := counts["delivered"].As(&delivered); err != nil || delivered.Cmp(big.NewFloat(n)) != 0 {
			b.Fatalf("delivery_counts = %v, want %d delivered", counts, n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/refresh")
	b.ReportMetric(float64(requests), "requests/refresh")
}
