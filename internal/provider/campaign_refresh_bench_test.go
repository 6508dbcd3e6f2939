package provider

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/interakt-community/terraform-provider-interakt/internal/receiver"
	"github.com/interakt-community/terraform-provider-interakt/internal/receiver/store"
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
	events := make([]store.Event, 0, n)
	results := make(map[string]recipientResult, n)
	recipients := make(map[string]messageValuesModel, n)
	for i := range n {
		id, key := fmt.Sprintf("m-%05d", i), fmt.Sprintf("c-%05d", i)
		events = append(events, store.Event{MessageID: id, Type: "message_api_delivered", Status: store.StatusDelivered,
			DeliveredAt: now, ReceivedAt: now})
		results[key] = recipientResult{MessageID: id, Status: sendSent, SentAt: now.Format(time.RFC3339),
			InputsHash: "h", AttemptID: "00000000-0000-4000-8000-000000000000", DeliveryStatus: "pending"}
		recipients[key] = messageValuesModel{
			CountryCode: types.StringValue("+91"), PhoneNumber: types.StringValue(fmt.Sprintf("98%08d", i)),
			CallbackData: types.StringValue("launch:" + key),
			HeaderValues: types.ListValueMust(types.StringType, nil), BodyValues: types.ListValueMust(types.StringType, nil),
			ButtonValues:  types.MapNull(types.ListType{ElemType: types.StringType}),
			ButtonPayload: types.MapNull(types.ListType{ElemType: types.StringType}),
			FileName:      types.StringNull(),
		}
	}
	for i := 0; i < n; i += 1000 {
		if _, err := srv.Store().Apply(ctx, events[i:i+1000]); err != nil {
			b.Fatal(err)
		}
	}

	counter := &countingTransport{}
	s := testSeams().withEnv(envStatusToken, testStatusToken)
	s.httpClient, s.journalDir = &http.Client{Transport: counter}, b.TempDir()
	data, diags := newProviderData(ctx, providerModel{StatusURL: types.StringValue(hs.URL)}, "bench", s)
	if diags.HasError() {
		b.Fatalf("configuring the provider: %v", diags)
	}
	r := &campaignResource{data: data}
	var schemaResp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &schemaResp)
	state := tfsdk.State{Schema: schemaResp.Schema, Raw: tftypes.NewValue(schemaResp.Schema.Type().TerraformType(ctx), nil)}
	recipientsType, ok := schemaResp.Schema.Attributes["recipients"].GetType().(types.MapType)
	if !ok {
		b.Fatal("recipients is not a map")
	}
	recipientType := recipientsType.ElemType
	recipientMap, d := types.MapValueFrom(ctx, recipientType, recipients)
	if d.HasError() {
		b.Fatal(d)
	}
	model := campaignModel{
		ID: types.StringValue("c"), Template: types.ObjectNull(contractAttrTypes), CallbackData: types.StringNull(),
		Recipients: recipientMap, ResendOnChange: types.BoolValue(false), RetryUncertain: types.DynamicNull(),
		Results: resultsToMap(results), DeliveryCounts: deliveryCounts(results),
	}
	model.SentCount, model.FailedCount = resultCounts(results)
	model.Timeouts.Object = types.ObjectNull(map[string]attr.Type{"create": types.StringType, "update": types.StringType})
	if d := state.Set(ctx, model); d.HasError() {
		b.Fatal(d)
	}

	var requests int64
	for b.Loop() {
		before := counter.n.Load()
		resp := resource.ReadResponse{State: state}
		r.Read(ctx, resource.ReadRequest{State: state}, &resp)
		if resp.Diagnostics.HasError() || resp.Diagnostics.WarningsCount() > 0 {
			b.Fatalf("refresh: %v", resp.Diagnostics)
		}
		requests = counter.n.Load() - before
		var counts map[string]int64
		resp.State.GetAttribute(ctx, path.Root("delivery_counts"), &counts)
		if counts["delivered"] != n {
			b.Fatalf("delivery_counts = %v, want %d delivered", counts, n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/refresh")
	b.ReportMetric(float64(requests), "requests/refresh")
}
