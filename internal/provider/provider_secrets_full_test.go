package provider

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
	"github.com/interakt-community/terraform-provider-interakt/internal/receiver"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// markerWebhookSecret is the webhook secret of the full secrets test: the
// mock signs its webhooks with it and the receiver checks them with it.
const markerWebhookSecret = "HOOKMARKER-3e8b21"

// Fallback secrets of the full secrets test: one given as secret_wo, which
// no state may hold, and one given as secret, which the state holds (that
// is what secret_wo is for) and no log or error may.
const (
	markerFallbackSecret      = "FALLBACKMARKER-9c41d7"
	markerFallbackStateSecret = "FALLBACKSTATEMARKER-2a6f03"
)

// secretsFailingPhone is the campaign recipient the mock fails, so that
// the receiver hands the message off, signed with markerFallbackSecret.
const secretsFailingPhone = "9800000003"

// secretsLog is a log sink that goroutines may write to while the test
// reads it.
type secretsLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *secretsLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *secretsLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// debugLogger logs everything, DEBUG and up, to w.
func debugLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// startSecretsReceiver starts a receiver configured the way the program is,
// from the environment env (INTERAKT_WEBHOOK_SECRET, INTERAKT_STATUS_TOKEN),
// logging to log. It returns the receiver's URL.
func startSecretsReceiver(t *testing.T, log io.Writer, env map[string]string) string {
	t.Helper()
	opts, err := receiver.ParseOptions([]string{
		"--listen", "127.0.0.1:0",
		"--db", "sqlite://" + filepath.Join(t.TempDir(), "status.db"),
	}, func(name string) string { return env[name] }, io.Discard)
	if err != nil {
		t.Fatalf("receiver options: %v", err)
	}
	opts.Config.Logger = debugLogger(log)
	srv, err := receiver.New(t.Context(), opts.Config)
	if err != nil {
		t.Fatalf("starting the receiver: %v", err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		hs.Close()
		if err := srv.Close(); err != nil {
			t.Errorf("closing the receiver: %v", err)
		}
	})
	return hs.URL
}

// secretsFullConfig declares every resource and data source the provider
// has, all through one provider whose key and token come from the
// environment: a verified template, a message and a campaign sending it,
// the message's status once delivered, the account's templates, a
// template submitted for approval, and a fallback rule with a secret in
// the state. With writeOnly (a CLI that takes write-only arguments), a
// second rule has a write-only secret and its hand-offs go to
// handoffURL. The rules' secrets come from variables
// (secretsFullVariables), as a configuration's secrets should:
// terraform-plugin-testing logs the configuration's text.
func secretsFullConfig(srv *mock.Server, handoffURL string, writeOnly bool) string {
	config := providerBlock(srv) + `
variable "fallback_state_secret" {
  type      = string
  sensitive = true
}

resource "interakt_fallback" "sms_state" {
  name              = "sms-state"
  url               = "https://sms-gateway.example.com/hooks/whatsapp"
  secret            = var.fallback_state_secret
  on                = ["undelivered"]
  undelivered_after = "1h"
}
`
	dependsOn := "interakt_fallback.sms_state"
	if writeOnly {
		dependsOn = "interakt_fallback.sms"
		config += fmt.Sprintf(`
variable "fallback_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "interakt_fallback" "sms" {
  name              = "sms"
  url               = %q
  secret_wo         = var.fallback_secret
  secret_wo_version = 1
  on                = ["failed"]
}
`, handoffURL)
	}
	return config + strings.ReplaceAll(`
resource "interakt_template" "submitted" {
  name          = "delivery_window"
  language_code = "en"
  category      = "UTILITY"
  body          = "Hi {{1}}, your delivery arrives between {{2}}."
  body_examples = ["Asha", "10:00 and 12:00"]
  submit        = true
}

resource "interakt_template" "order_shipped" {
  name          = "order_shipped"
  language_code = "en"
  category      = "UTILITY"
  header        = { format = "TEXT", text = "Order {{1}}" }
  body          = "Hi {{1}}, your order {{2}} has shipped."
  footer        = "Reply STOP to opt out"
  buttons = [
    { type = "URL", text = "Track", url = "https://shop.example.com/track/{{1}}" },
    { type = "QUICK_REPLY", text = "Stop updates" },
  ]
  verify = true
}

resource "interakt_template_message" "smoke" {
  template      = interakt_template.order_shipped.contract
  country_code  = "+91"
  phone_number  = "9999999999"
  callback_data = "release-42"
  header_values = ["A-1001"]
  body_values   = ["Asha", "A-1001"]
  button_values = { "0" = ["A-1001"] }
}

resource "interakt_campaign" "launch" {
  template      = interakt_template.order_shipped.contract
  depends_on    = [DEPENDS_ON]
  callback_data = "launch"
  recipients = {
    asha  = { country_code = "+91", phone_number = "9800000001", header_values = ["A-1"], body_values = ["Asha", "A-1"], button_values = { "0" = ["A-1"] } }
    ravi  = { country_code = "+91", phone_number = "9800000002", header_values = ["A-2"], body_values = ["Ravi", "A-2"], button_values = { "0" = ["A-2"] } }
    meena = { country_code = "+91", phone_number = "9800000003", header_values = ["A-3"], body_values = ["Meena", "A-3"], button_values = { "0" = ["A-3"] } }
  }
}

data "interakt_message_status" "smoke" {
  id       = interakt_template_message.smoke.id
  wait_for = "delivered"
  timeout  = "30s"
}

data "interakt_templates" "approved" {
  approval_status = "APPROVED"
}
`, "DEPENDS_ON", dependsOn)
}

// TestAccSecretsFull_applyAtTrace applies everything the provider offers at
// TRACE, with the API key, the status token and the webhook secret set
// through the provider's and the receiver's environments to marker strings: the mock takes the marker key
// and signs its webhooks with the marker secret, and an in-process receiver
// checks them with it and serves status under the marker token. The markers
// must appear in no log line and in no state. It runs once with the
// provider's log alone (TF_LOG, TF_LOG_PATH) and once with the Terraform
// CLI's and the provider's together (TF_ACC_LOG, TF_ACC_LOG_PATH); the mock's
// and the receiver's logs are searched both times.
func TestAccSecretsFull_applyAtTrace(t *testing.T) {
	for _, tc := range []struct {
		name, pathVariable string
		levels             []string
		want               []string
	}{
		{
			name: "provider log", pathVariable: "TF_LOG_PATH", levels: []string{"TF_LOG"},
			want: []string{"interakt request body", "interakt response body", "campaign recipient number", "tf_rpc=ReadDataSource", "fallback rule written"},
		},
		{
			name: "CLI and provider log", pathVariable: "TF_ACC_LOG_PATH", levels: []string{"TF_LOG", "TF_ACC_LOG"},
			want: []string{"[TRACE] GRPCProvider.v6:", "interakt request body", "tf_rpc=ReadDataSource"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// terraform-plugin-testing and the provider served in process
			// read these from the process environment: the test runs alone.
			logFile := filepath.Join(t.TempDir(), "terraform.log")
			for _, level := range tc.levels {
				t.Setenv(level, "TRACE")
			}
			t.Setenv(tc.pathVariable, logFile)
			logs := secretsFullApply(t)
			data, err := os.ReadFile(logFile)
			if err != nil {
				t.Fatal(err)
			}
			logs[tc.pathVariable] = string(data)
			secretsSearchLogs(t, logs, map[string][]string{
				tc.pathVariable: tc.want,
				"mock":          {"path=" + wire.MessagePath, "path=" + wire.TemplatesPath, "path=" + wire.CreateTemplatePath},
				"receiver":      {"invalid signature", "fallback rule put"},
			})
		})
	}
}

// secretsFullApply applies secretsFullConfig with marker secrets, checks
// what the mock and the receiver did and that the state holds no secret,
// and returns the mock's and the receiver's logs.
func secretsFullApply(t *testing.T) map[string]string {
	t.Helper()
	s, secrets := secretSeams()
	secrets = append(secrets, markerWebhookSecret, markerFallbackSecret)
	var receiverLog, mockLog secretsLog
	statusURL := startSecretsReceiver(t, &receiverLog, map[string]string{
		receiver.EnvWebhookSecret: markerWebhookSecret, receiver.EnvStatusToken: markerStatusToken})
	s = s.withEnv(envStatusURL, statusURL)
	srv := newTestMock(t, mock.Options{
		APIKey:        markerAPIKey,
		WebhookURL:    statusURL + receiver.DefaultWebhookPath,
		WebhookSecret: markerWebhookSecret,
		WebhookDelays: &mock.Delays{Sent: 0, Delivered: 20 * time.Millisecond, Read: 40 * time.Millisecond},
		FailPhones:    map[string]string{secretsFailingPhone: failureReason},
		Logger:        debugLogger(&mockLog),
	})
	handoffs := newHandoffEndpoint(t, http.StatusOK)
	writeOnly := writeOnlyArguments(t)
	variables := config.Variables{"fallback_state_secret": config.StringVariable(markerFallbackStateSecret)}
	if writeOnly {
		variables["fallback_secret"] = config.StringVariable(markerFallbackSecret)
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(s),
		Steps: []resource.TestStep{{
			Config:          secretsFullConfig(srv, handoffs.url, writeOnly),
			ConfigVariables: variables,
			Check: resource.ComposeAggregateTestCheckFunc(
				// Delivered or past it: read may have arrived too.
				resource.TestMatchResourceAttr("data.interakt_message_status.smoke", "status", regexp.MustCompile(`^(delivered|read)$`)),
				resource.TestCheckResourceAttr("interakt_campaign.launch", "sent_count", "3"),
				resource.TestCheckResourceAttr("interakt_template.order_shipped", "verify", "true"),
				func(s *terraform.State) error {
					if n := srv.SentCount(); n != 4 {
						return fmt.Errorf("the mock accepted %d sends, want 4", n)
					}
					for _, r := range srv.Requests() {
						if !r.Authorized {
							return fmt.Errorf("%s %s did not carry the marker key", r.Method, r.Path)
						}
					}
					if !writeOnly {
						return stateFree(s, secrets)
					}
					// The write-only secret reached the receiver: it signs
					// the hand-off of the recipient the mock failed.
					if err := handoffs.wait(t.Context(), 1); err != nil {
						return err
					}
					h := handoffs.received()[0]
					mac := hmac.New(sha256.New, []byte(markerFallbackSecret))
					mac.Write(h.body)
					if got := h.header.Get(wire.FallbackSignatureHeader); got != "sha256="+hex.EncodeToString(mac.Sum(nil)) {
						return fmt.Errorf("the hand-off's signature %q is not the write-only secret's", got)
					}
					return stateFree(s, secrets)
				},
			),
		}},
	})

	// A webhook signed with another secret: the receiver must refuse it and
	// say so in its log, without naming the secret it expected.
	secretsPostForgedWebhook(t, statusURL+receiver.DefaultWebhookPath)
	signed := 0
	for _, d := range srv.WebhookDeliveries() {
		if d.Delivered {
			signed++
		}
	}
	if signed == 0 {
		t.Error("no webhook signed with the marker secret was accepted by the receiver")
	}
	return map[string]string{"mock": mockLog.String(), "receiver": receiverLog.String()}
}

// secretsSearchLogs fails the test when a log holds a secret marker, or
// lacks a line it must have to show that it was captured whole.
func secretsSearchLogs(t *testing.T, logs map[string]string, want map[string][]string) {
	t.Helper()
	secrets := []string{markerAPIKey, markerKeySecret, markerStatusToken, markerWebhookSecret, markerFallbackSecret, markerFallbackStateSecret}
	for name, text := range logs {
		for _, secret := range secrets {
			if i := strings.Index(text, secret); i >= 0 {
				start := strings.LastIndexByte(text[:i], '\n') + 1
				t.Errorf("the %s log holds the secret %q: %s", name, secret, text[start:min(len(text), i+200)])
			}
		}
		for _, w := range want[name] {
			if !strings.Contains(text, w) {
				t.Errorf("the %s log lacks %q: it was not captured whole", name, w)
			}
		}
	}
}

// secretsPostForgedWebhook posts a webhook signed with a wrong secret and
// expects the receiver to refuse it.
func secretsPostForgedWebhook(t *testing.T, url string) {
	t.Helper()
	body := []byte(`{"version":"1.0","timestamp":"2026-01-01T00:00:00Z","type":"message_api_sent","data":{"message":{"id":"forged"}}}`)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(wire.SignatureHeader, receiver.Sign("not-the-secret", body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if err := resp.Body.Close(); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusForbidden {
		t.Errorf("a forged webhook got %d, want 401 or 403", resp.StatusCode)
	}
}

// TestAccSecretsFull_notInErrorText runs the Terraform CLI where every
// credential is refused: the mock knows another key and the receiver
// another token. Each refusal must be a diagnostic, and no diagnostic,
// output or log line may hold the markers the provider was given.
func TestAccSecretsFull_notInErrorText(t *testing.T) {
	t.Parallel()
	s, secrets := secretSeams()
	var receiverLog secretsLog
	statusURL := startSecretsReceiver(t, &receiverLog, map[string]string{
		receiver.EnvWebhookSecret: markerWebhookSecret, receiver.EnvStatusToken: "the-receiver-knows-another-token"})
	srv := newTestMock(t, mock.Options{APIKey: testAPIKey})
	logFile := filepath.Join(t.TempDir(), "terraform.log")

	// The send keeps its journal locally, so that the refused key is what
	// it meets; with status_url, the refused token would stop it first.
	sendProvider := fmt.Sprintf("provider \"interakt\" {\n  base_url   = %q\n}\n", srv.URL())
	readProvider := fmt.Sprintf("provider \"interakt\" {\n  base_url   = %q\n  status_url = %q\n}\n", srv.URL(), statusURL)
	send := `
resource "interakt_template_message" "smoke" {
  template      = { name = "order_shipped", language_code = "en" }
  country_code  = "+91"
  phone_number  = "9999999999"
  header_values = ["A-1001"]
  body_values   = ["Asha", "A-1001"]
}
`
	read := `
data "interakt_message_status" "unseen" {
  id = "never-sent"
}
`
	rule := `
variable "fallback_secret" {
  type      = string
  sensitive = true
}

resource "interakt_fallback" "sms" {
  name   = "sms"
  url    = "https://sms-gateway.example.com/hooks/whatsapp"
  secret = var.fallback_secret
  on     = ["failed"]
}
`
	secrets = append(secrets, markerFallbackStateSecret)
	cli := newCLITerraform(t, s, faultRequiredProviders+sendProvider+send)
	cli.env = append(cli.env, "TF_LOG=TRACE", "TF_LOG_PATH="+logFile, "TF_VAR_fallback_secret="+markerFallbackStateSecret)
	// One apply per refusal: the first refused call ends an apply.
	for _, tc := range []struct {
		config string
		want   *regexp.Regexp
	}{
		// The refused key is met at plan, where the template is checked
		// against the account.
		{sendProvider + send, regexp.MustCompile(`Cannot Check the Template.*HTTP 401`)},
		{readProvider + read, regexp.MustCompile(`Status Token Rejected`)},
		{readProvider + rule, regexp.MustCompile(`Status Token Rejected`)},
	} {
		writeFile(t, filepath.Join(cli.dir, "main.tf"), faultRequiredProviders+tc.config)
		out, err := cli.run("apply", "-json", "-auto-approve", "-input=false", "-no-color", "-lock=false")
		if err == nil {
			t.Fatalf("the apply succeeded with refused credentials:\n%s", out)
		}
		// The refusal reached the user, so its text is among those searched.
		if !tc.want.MatchString(out) {
			t.Errorf("the apply output lacks %s:\n%s", tc.want, out)
		}
		data, readErr := os.ReadFile(logFile)
		if readErr != nil {
			t.Fatal(readErr)
		}
		texts := map[string]string{"apply output": out, "apply error": err.Error(), "TF_LOG_PATH": string(data), "receiver log": receiverLog.String()}
		for name, text := range texts {
			for _, secret := range secrets {
				if strings.Contains(text, secret) {
					t.Errorf("the %s holds the secret %q", name, secret)
				}
			}
		}
	}
	if n := srv.SentCount(); n != 0 {
		t.Errorf("the mock accepted %d sends with a wrong key", n)
	}
}
