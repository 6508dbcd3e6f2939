package provider

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// TestAccProvider_sendsWithTheKeyFromTheEnvironment is the test whose
// provider reads the process environment (nil getenv, os.Getenv), as a
// served provider does; so it sets the key there, and runs alone.
func TestAccProvider_sendsWithTheKeyFromTheEnvironment(t *testing.T) {
	t.Setenv(envAPIKey, testAPIKey)
	srv := newTestMock(t, mock.Options{})
	s := testSeams()
	s.getenv = nil
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(s),
		Steps: []resource.TestStep{{
			Config: orderShippedMessage(srv, "42"),
			Check: func(*terraform.State) error {
				// Besides the send, only the template listings of the plan's
				// check against the account.
				for _, r := range srv.Requests() {
					if r.Path != wire.MessagePath && (r.Method != http.MethodGet || r.Path != wire.TemplatesPath || !r.Authorized) {
						return fmt.Errorf("request %s %s (authorized %v); want the send and authorized template listings", r.Method, r.Path, r.Authorized)
					}
				}
				reqs := srv.SendRequests()
				if len(reqs) != 1 {
					return fmt.Errorf("the mock saw %d sends; want exactly one", len(reqs))
				}
				r := reqs[0]
				switch {
				case r.Method != http.MethodPost || r.Path != wire.MessagePath:
					return fmt.Errorf("request %s %s; want POST %s", r.Method, r.Path, wire.MessagePath)
				case !r.Authorized:
					return fmt.Errorf("the request's Authorization is not Basic with the key from %s", envAPIKey)
				case r.Header.Get("Content-Type") != "application/json":
					return fmt.Errorf("Content-Type %q", r.Header.Get("Content-Type"))
				case r.Header.Get("User-Agent") != "terraform-provider-interakt/test":
					return fmt.Errorf("User-Agent %q", r.Header.Get("User-Agent"))
				case r.Status != http.StatusCreated:
					return fmt.Errorf("the mock answered %d", r.Status)
				}
				return expectBodies(srv, orderShippedRequest)
			},
		}},
	})
}

func TestAccProvider_planNeedsNoKey(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams()),
		Steps: []resource.TestStep{
			{
				Config:             orderShippedMessage(srv, "42"),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				// Contract errors are found without a key too.
				Config:      strings.Replace(orderShippedMessage(srv, "42"), `["There", "1234"]`, `["There"]`, 1),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Wrong Number of Body Values`),
			},
		},
	})
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("planning made %d requests; want none", n)
	}
}

func TestAccProvider_applyWithoutKeyFails(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams()),
		Steps: []resource.TestStep{{
			Config:      orderShippedMessage(srv, "42"),
			ExpectError: regexp.MustCompile(`Missing Interakt API Key[\s\S]*api_key[\s\S]*` + envAPIKey),
		}},
	})
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("a keyless apply made %d requests; want none", n)
	}
}

func TestAccProvider_invalidBaseURLNamesTheAttribute(t *testing.T) {
	t.Parallel()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams().withEnv(envAPIKey, testAPIKey)),
		Steps: []resource.TestStep{{
			Config: `
provider "interakt" {
  base_url = "api.interakt.ai"
}

resource "interakt_template_message" "smoke" {
  template     = { name = "welcome_message", language_code = "en" }
  country_code = "+91"
  phone_number = "9999999999"
}
`,
			ExpectError: regexp.MustCompile(`Invalid URL[\s\S]*base_url = "api.interakt.ai"`),
		}},
	})
}

// TestAccProvider_unknownSettingsDuringPlan configures the provider from a
// value known only after apply: the plan must not fail, and the apply,
// which configures the provider again once the value is known, sends once.
func TestAccProvider_unknownSettingsDuringPlan(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{})
	config := fmt.Sprintf(`
resource "terraform_data" "endpoint" {
  input = %q
}

provider "interakt" {
  base_url = terraform_data.endpoint.output
}

resource "interakt_template_message" "smoke" {
  template     = { name = "welcome_message", language_code = "en", body_variables = 0 }
  country_code = "+91"
  phone_number = "9999999999"
}
`, srv.URL())
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams().withEnv(envAPIKey, testAPIKey)),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(messageType+".smoke", plancheck.ResourceActionCreate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(messageType+".smoke", tfjsonpath.New("status"), knownvalue.StringExact("sent")),
			},
			Check: func(*terraform.State) error { return expectSendRequests(srv, 1) },
		}},
	})
}

func TestProviderConfigure_unknownSettings(t *testing.T) {
	t.Parallel()
	p := newProtocolServer(t, testSeams())
	config := map[string]any{
		"api_key": Unknown, "base_url": Unknown, "rate_limit_per_minute": Unknown, "max_retries": Unknown,
		"dry_run": Unknown, "max_sends_per_apply": Unknown, "request_timeout": Unknown, "status_url": Unknown, "status_token": Unknown,
		"budget": Unknown,
	}
	if diags := p.validateProvider(config); len(diags) != 0 {
		t.Errorf("validate:\n%s", diagString(diags))
	}
	if diags := p.configure(config); len(diags) != 0 {
		t.Errorf("configure:\n%s", diagString(diags))
	}
	if resp := p.planCreate(messageType, validMessage()); len(resp.Diagnostics) != 0 {
		t.Errorf("plan:\n%s", diagString(resp.Diagnostics))
	}
	// An apply with the key still unknown says so, at the resource, and
	// names api_key.
	_, diags := p.applyMessage(validMessage())
	d := findDiag(diags, wantDiag{tfprotov6.DiagnosticSeverityError, "Missing Interakt API Key", "(none)"})
	if d == nil || !strings.Contains(d.Detail, "not known yet") || !strings.Contains(d.Detail, "api_key") {
		t.Errorf("apply:\n%s", diagString(diags))
	}
}

func TestProviderConfigure_invalidSettingsNameTheAttribute(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		config map[string]any
		env    map[string]string
		// validate says whether ValidateProviderConfig reports it (a
		// literal); otherwise ConfigureProvider does (an environment value).
		validate bool
		want     wantDiag
	}{
		{name: "base_url without scheme", config: map[string]any{"base_url": "api.interakt.ai"}, validate: true,
			want: errAt("Invalid URL", "base_url")},
		{name: "base_url ftp", config: map[string]any{"base_url": "ftp://api.interakt.ai"}, validate: true,
			want: errAt("Invalid URL", "base_url")},
		{name: "base_url ftp at configure", config: map[string]any{"base_url": "ftp://api.interakt.ai"},
			want: errAt("Invalid URL", "base_url")},
		{name: "rate_limit_per_minute zero", config: map[string]any{"rate_limit_per_minute": 0}, validate: true,
			want: errAt("Invalid Attribute Value", "rate_limit_per_minute")},
		{name: "max_retries eleven", config: map[string]any{"max_retries": 11}, validate: true,
			want: errAt("Invalid Attribute Value", "max_retries")},
		{name: "max_sends_per_apply zero", config: map[string]any{"max_sends_per_apply": 0}, validate: true,
			want: errAt("Invalid Attribute Value", "max_sends_per_apply")},
		{name: "request_timeout without unit", config: map[string]any{"request_timeout": "30"}, validate: true,
			want: errAt("Invalid Duration", "request_timeout")},
		{name: "request_timeout negative", config: map[string]any{"request_timeout": "-1s"}, validate: true,
			want: errAt("Invalid Duration", "request_timeout")},
		{name: "status_url relative", config: map[string]any{"status_url": "/v1/messages"}, validate: true,
			want: errAt("Invalid URL", "status_url")},
		{name: "env base url", env: map[string]string{envBaseURL: "localhost:8080"},
			want: errAt("Invalid URL", "base_url")},
		{name: "env rate limit not a number", env: map[string]string{envRateLimit: "fast"},
			want: errAt("Invalid Rate Limit", "rate_limit_per_minute")},
		{name: "env rate limit zero", env: map[string]string{envRateLimit: "0"},
			want: errAt("Invalid Rate Limit", "rate_limit_per_minute")},
		{name: "env dry run", env: map[string]string{envDryRun: "yes please"},
			want: errAt("Invalid dry_run", "dry_run")},
		{name: "env status url", env: map[string]string{envStatusURL: "hooks.example.com"},
			want: errAt("Invalid URL", "status_url")},
		{name: "budget unknown word", config: map[string]any{"budget": "machine"}, validate: true,
			want: errAt("Invalid Attribute Value Match", "budget")},
		{name: "env budget unknown word", env: map[string]string{envBudget: "shared"},
			want: errAt("Invalid Budget", "budget")},
		{name: "budget receiver without status_url", config: map[string]any{"budget": "receiver"},
			want: errAt("Budget Needs a Status Receiver", "budget")},
		{name: "env rate window", env: map[string]string{envRateWindow: "soon"},
			want: errAt("Invalid Rate Window", "rate_limit_per_minute")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := testSeams().withEnv(envAPIKey, testAPIKey)
			for k, v := range tc.env {
				s = s.withEnv(k, v)
			}
			p := newProtocolServer(t, s)
			var diags []*tfprotov6.Diagnostic
			if tc.validate {
				diags = p.validateProvider(tc.config)
			} else {
				diags = p.configure(tc.config)
			}
			expectDiags(t, tc.name, diags, []wantDiag{tc.want})
			for _, d := range diags {
				if strings.Contains(d.Detail, testAPIKey) {
					t.Errorf("the detail quotes the API key: %s", d.Detail)
				}
			}
		})
	}
}

func TestProviderConfigure_misEncodedKeyWarnsWithoutQuotingIt(t *testing.T) {
	t.Parallel()
	const secret = "s3cr3t-Key-42"
	encodedTwice := base64.StdEncoding.EncodeToString([]byte(base64.StdEncoding.EncodeToString([]byte(secret + ":"))))
	tests := []struct {
		name, key   string
		fromEnv     bool
		wantWarning bool
	}{
		{name: "encoded twice", key: encodedTwice, wantWarning: true},
		{name: "encoded twice from the environment", key: encodedTwice, fromEnv: true, wantWarning: true},
		{name: "not base64", key: secret + "!", wantWarning: true},
		{name: "base64 without colon", key: base64.StdEncoding.EncodeToString([]byte(secret)), wantWarning: true},
		{name: "as the dashboard shows it", key: base64.StdEncoding.EncodeToString([]byte(secret + ":"))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			config, s := map[string]any{}, testSeams()
			if tc.fromEnv {
				s = s.withEnv(envAPIKey, tc.key)
			} else {
				config["api_key"] = tc.key
			}
			diags := newProtocolServer(t, s).configure(config)
			var want []wantDiag
			if tc.wantWarning {
				want = []wantDiag{warnAt("API Key Looks Mis-Encoded", "api_key")}
			}
			expectDiags(t, "configure", diags, want)
			decoded, _ := base64.StdEncoding.DecodeString(tc.key)
			for _, d := range diags {
				for _, leak := range []string{tc.key, secret, string(decoded)} {
					if leak != "" && (strings.Contains(d.Detail, leak) || strings.Contains(d.Summary, leak)) {
						t.Errorf("the warning quotes the key (or its decoded form): %s", d.Detail)
					}
				}
			}
		})
	}
}

// validateProvider runs ValidateProviderConfig, where the provider schema's
// attribute validators run.
func (p *protocolServer) validateProvider(config map[string]any) []*tfprotov6.Diagnostic {
	p.t.Helper()
	resp, err := p.server.ValidateProviderConfig(context.Background(), &tfprotov6.ValidateProviderConfigRequest{
		Config: p.dynamic(p.schemas.Provider.ValueType(), config),
	})
	if err != nil {
		p.t.Fatal(err)
	}
	return resp.Diagnostics
}
