package provider

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
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
// fast status poll, a send journal of its own, and an empty environment in
// place of the process's, so that tests can run side by side and no
// INTERAKT_* variable of the machine reaches one. withEnv adds settings.
func testSeams() seams {
	return seams{
		rateWindow:   testWindow,
		pollInterval: 50 * time.Millisecond,
		journalDir:   newTestJournalDir(),
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
		"interakt": providerserver.NewProtocol6WithError(&InteraktProvider{version: "test", seams: s}),
	}
}

// providerBlock points the provider at a mock; the key comes from the
// environment (INTERAKT_API_KEY, given by withEnv), as the docs recommend.
func providerBlock(srv *mock.Server) string {
	return fmt.Sprintf("provider \"interakt\" {\n  base_url = %q\n}\n", srv.URL())
}
