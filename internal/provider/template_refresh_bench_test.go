package provider

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// refreshTemplates is how many templates BenchmarkTemplateRefresh refreshes.
const refreshTemplates = 1000

// BenchmarkTemplateRefresh refreshes 1,000 interakt_template resources
// with a key, through the protocol, as one terraform plan's refresh does:
// one configured provider, ten reads at a time. It reports the list
// requests the mock saw per refresh ("list-requests"), and the figure a
// listing of one request per page of APPROVED needs ("list-pages"): the
// first must equal the second, whatever the count of templates.
func BenchmarkTemplateRefresh(b *testing.B) {
	account := make([]wire.TemplateInfo, refreshTemplates)
	for i := range account {
		account[i] = wire.TemplateInfo{
			ID: fmt.Sprint(i), Name: fmt.Sprintf("order_shipped_%04d", i), Language: "en", Category: "UTILITY",
			HeaderFormat: "TEXT", Header: "Order {{1}}", Body: "Hi {{1}}, your order {{2}} has shipped.",
			Footer: "Reply STOP to opt out", ApprovalStatus: wire.ApprovalApproved,
			Buttons: wire.Buttons{{Type: "URL", Text: "Track", URL: "https://shop.example.com/track/{{1}}"}, {Type: "QUICK_REPLY", Text: "Stop updates"}},
		}
	}
	srv := newTestMock(b, mock.Options{Templates: account, PageSize: mock.DefaultPageSize, RateLimit: -1})
	// Every template is APPROVED, so the refresh lists APPROVED alone.
	pages := (refreshTemplates + mock.DefaultPageSize - 1) / mock.DefaultPageSize

	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		p := newProtocolServer(b, testSeams().withEnv(envAPIKey, testAPIKey))
		if diags := p.configure(map[string]any{"base_url": srv.URL()}); hasErrorDiag(diags) {
			b.Fatalf("configure: %s", diagString(diags))
		}
		typ := p.resourceType("interakt_template")
		states := make([]*tfprotov6.DynamicValue, refreshTemplates)
		for i := range states {
			states[i] = p.dynamic(typ, map[string]any{
				"id": fmt.Sprintf("order_shipped_%04d:en", i), "name": fmt.Sprintf("order_shipped_%04d", i), "language_code": "en",
				"category": "UTILITY", "header": map[string]any{"format": "TEXT", "text": "Order {{1}}"},
				"body": "Hi {{1}}, your order {{2}} has shipped.", "footer": "Reply STOP to opt out",
				"buttons": []any{
					map[string]any{"type": "URL", "text": "Track", "url": "https://shop.example.com/track/{{1}}"},
					map[string]any{"type": "QUICK_REPLY", "text": "Stop updates"},
				},
			})
		}
		before := len(srv.Requests())
		b.StartTimer()

		var wg sync.WaitGroup
		next := make(chan int)
		errs := make(chan string, refreshTemplates)
		for range 10 {
			wg.Go(func() {
				for i := range next {
					resp, err := p.server.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{TypeName: "interakt_template", CurrentState: states[i]})
					switch {
					case err != nil:
						errs <- err.Error()
					case hasErrorDiag(resp.Diagnostics) || len(resp.Diagnostics) > 0:
						errs <- diagString(resp.Diagnostics)
					case resp.NewState == nil:
						errs <- "no new state"
					}
				}
			})
		}
		for i := range refreshTemplates {
			next <- i
		}
		close(next)
		wg.Wait()

		b.StopTimer()
		close(errs)
		for e := range errs {
			b.Fatalf("refresh: %s", e)
		}
		lists := len(srv.Requests()) - before
		if lists == 0 {
			b.Fatal("the refresh made no list request: the provider did not read the account")
		}
		b.ReportMetric(float64(lists), "list-requests")
		b.ReportMetric(float64(pages), "list-pages")
		b.StartTimer()
	}
}
