package provider

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
	"github.com/interakt-community/terraform-provider-interakt/internal/serve"
)

// testAPIKey is the mock's key: base64 of "test-key:", the dashboard format.
const testAPIKey = "dGVzdC1rZXk6"

// testWindow scales Interakt's one-minute rate window down so that the
// acceptance suite runs in seconds; the provider under test uses the same.
const testWindow = 2 * time.Second

// newTestMock starts an in-process mock for one test, with Interakt's 40
// requests per (scaled) window unless opts says otherwise.
func newTestMock(t testing.TB, opts mock.Options) *mock.Server {
	t.Helper()
	if opts.APIKey == "" {
		opts.APIKey = testAPIKey
	}
	if opts.RateLimit == 0 {
		opts.RateLimit = 40
	}
	if opts.Window == 0 {
		opts.Window = testWindow
	}
	return mock.NewTestServer(t, opts)
}

// testSeams are the provider's test settings: the scaled rate window, a
// fast status poll, a send journal of its own, local rate budgets in a
// folder of the test run, and an empty environment in
// place of the process's, so that tests can run side by side and no
// INTERAKT_* variable of the machine reaches one. withEnv adds settings.
func testSeams() seams {
	return seams{
		rateWindow:   testWindow,
		pollInterval: 50 * time.Millisecond,
		journalDir:   newTestJournalDir(),
		budgetDir:    testBudgetDir(),
		getenv:       func(string) string { return "" },
	}
}

// withEnv returns s whose environment also holds name=value.
func (s seams) withEnv(name, value string) seams {
	inner := s.env()
	s.getenv = func(k string) string {
		if k == name {
			return value
		}
		return inner(k)
	}
	return s
}

// testEnv is a provider environment that a test changes between Terraform
// commands, as a user changes theirs (withEnv's is fixed). The provider
// reads it at each configure.
type testEnv struct{ vars sync.Map }

func (e *testEnv) set(name, value string) { e.vars.Store(name, value) }

func (e *testEnv) getenv(name string) string {
	v, _ := e.vars.Load(name)
	s, _ := v.(string)
	return s
}

// seams are testSeams reading e.
func (e *testEnv) seams() seams {
	s := testSeams()
	s.getenv = e.getenv
	return s
}

// testFactories serves the provider in process for terraform-plugin-testing.
func testFactories(s seams) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"interakt": func() (tfprotov6.ProviderServer, error) {
			return serve.Server(&InteraktProvider{version: "test", seams: s}, BulkAttributes), nil
		},
	}
}

// providerBlock points the provider at a mock; the key comes from the
// environment (INTERAKT_API_KEY, given by withEnv), as the docs recommend.
func providerBlock(srv *mock.Server) string {
	return fmt.Sprintf("provider \"interakt\" {\n  base_url = %q\n}\n", srv.URL())
}

// diagRecorder keeps the diagnostics of every plan, apply and read of a
// resource or data source, which terraform-plugin-testing does not expose
// when a command succeeds, with the provider server (one per Terraform
// command) that returned them.
type diagRecorder struct {
	mu      sync.Mutex
	diags   []*tfprotov6.Diagnostic
	servers []int
	started int
}

// factories serves the provider wrapped so that its diagnostics are
// recorded. The wrapper carries resource and data source RPCs only: use
// it in tests without actions.
func (r *diagRecorder) factories(s seams) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"interakt": func() (tfprotov6.ProviderServer, error) {
			r.mu.Lock()
			r.started++
			id := r.started
			r.mu.Unlock()
			return recordingServer{ProviderServer: serve.Server(&InteraktProvider{version: "test", seams: s}, BulkAttributes), rec: r, id: id}, nil
		},
	}
}

func (r *diagRecorder) add(server int, diags []*tfprotov6.Diagnostic) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, d := range diags {
		r.diags = append(r.diags, d)
		r.servers = append(r.servers, server)
	}
}

func (r *diagRecorder) all() []*tfprotov6.Diagnostic {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*tfprotov6.Diagnostic(nil), r.diags...)
}

// findWarning returns the first warning of summary, or nil.
func (r *diagRecorder) findWarning(summary string) *tfprotov6.Diagnostic {
	for _, d := range r.all() {
		if d.Severity == tfprotov6.DiagnosticSeverityWarning && d.Summary == summary {
			return d
		}
	}
	return nil
}

// warningsPerServer counts, by provider server, the warnings of summary.
func (r *diagRecorder) warningsPerServer(summary string) map[int]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[int]int{}
	for i, d := range r.diags {
		if d.Severity == tfprotov6.DiagnosticSeverityWarning && d.Summary == summary {
			out[r.servers[i]]++
		}
	}
	return out
}

// recordingServer is a provider server whose plans, applies and reads
// record their diagnostics in rec.
type recordingServer struct {
	tfprotov6.ProviderServer
	rec *diagRecorder
	id  int
}

func (s recordingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	resp, err := s.ProviderServer.ApplyResourceChange(ctx, req)
	if resp != nil {
		s.rec.add(s.id, resp.Diagnostics)
	}
	return resp, err
}

func (s recordingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	resp, err := s.ProviderServer.PlanResourceChange(ctx, req)
	if resp != nil {
		s.rec.add(s.id, resp.Diagnostics)
	}
	return resp, err
}

func (s recordingServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	resp, err := s.ProviderServer.ReadResource(ctx, req)
	if resp != nil {
		s.rec.add(s.id, resp.Diagnostics)
	}
	return resp, err
}

func (s recordingServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	resp, err := s.ProviderServer.ReadDataSource(ctx, req)
	if resp != nil {
		s.rec.add(s.id, resp.Diagnostics)
	}
	return resp, err
}

// messageType is the test send resource.
const messageType = "interakt_template_message"

// orderShippedLiteral is order_shipped's contract written by hand: a TEXT
// header with {{1}}, two body variables, a dynamic URL button at 0 and a
// quick reply at 1.
const orderShippedLiteral = `{
    name             = "order_shipped"
    language_code    = "en"
    header_format    = "TEXT"
    header_variables = 1
    body_variables   = 2
    buttons = [
      { index = 0, type = "URL", dynamic = true },
      { index = 1, type = "QUICK_REPLY", dynamic = false },
    ]
  }`

// orderShippedRequest is what the mock receives for orderShippedMessage: the
// design example without fileName, which a TEXT header does not take.
const orderShippedRequest = `{"countryCode":"+91","phoneNumber":"9999999999","type":"Template","callbackData":"release-42",` +
	`"template":{"name":"order_shipped","languageCode":"en","headerValues":["Alert"],` +
	`"bodyValues":["There","1234"],"buttonValues":{"0":["12344"]},"buttonPayload":{"1":["payload1"]}}}`

// orderShippedMessage is a complete test send of order_shipped with the
// given release as its trigger.
func orderShippedMessage(srv *mock.Server, release string) string {
	return providerBlock(srv) + fmt.Sprintf(`
resource "interakt_template_message" "smoke" {
  template       = %s
%s  triggers       = { release = %q }
}
`, orderShippedLiteral, orderShippedValues, release)
}

// orderShippedValues is the design example's values as HCL attributes.
const orderShippedValues = `  country_code   = "+91"
  phone_number   = "9999999999"
  callback_data  = "release-42"
  header_values  = ["Alert"]
  body_values    = ["There", "1234"]
  button_values  = { "0" = ["12344"] }
  button_payload = { "1" = ["payload1"] }
`

// protocolMessage is the design example's inputs for protocol-level tests,
// with a contract that names only the template and its body variables, so
// that every value of the example (fileName included) passes the rules.
func protocolMessage() map[string]any {
	return map[string]any{
		"template":       map[string]any{"name": "order_shipped", "language_code": "en", "body_variables": 2},
		"country_code":   "+91",
		"phone_number":   "9999999999",
		"callback_data":  "release-42",
		"header_values":  []any{"Alert"},
		"file_name":      "invoice.pdf",
		"body_values":    []any{"There", "1234"},
		"button_values":  map[string]any{"0": []any{"12344"}},
		"button_payload": map[string]any{"1": []any{"payload1"}},
	}
}
