package provider

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
)

// Secret markers: an API key in the dashboard's format (base64 of
// "<secret>:") and a status token, each easy to search for.
const (
	markerKeySecret   = "KEYMARKER-7f3a9c"
	markerStatusToken = "TOKENMARKER-51d2e8"
)

// markerAPIKey is the key as the dashboard shows it.
var markerAPIKey = base64.StdEncoding.EncodeToString([]byte(markerKeySecret + ":"))

// personalValues are the recipient's number and the message's values in
// secretsMessage: personal data, logged at TRACE only.
var personalValues = []string{"9999999999", "Asha-PII-17", "A-PII-1001", "stop-PII-1001", "https://files.example.com/PII-1001.pdf"}

// secretsMessage sends invoice_ready, whose values are all distinctive.
func secretsMessage(srv *mock.Server) string {
	return providerBlock(srv) + `
resource "interakt_template_message" "secrets" {
  template = {
    name             = "invoice_ready"
    language_code    = "en"
    header_format    = "DOCUMENT"
    header_variables = 0
    body_variables   = 3
  }
  country_code   = "+91"
  phone_number   = "9999999999"
  header_values  = ["https://files.example.com/PII-1001.pdf"]
  file_name      = "invoice.pdf"
  body_values    = ["Asha-PII-17", "A-PII-1001", "INR 500"]
  button_payload = { "0" = ["stop-PII-1001"] }
}
`
}

// secretSeams are test seams whose environment holds the marker key and
// status token, with no status receiver (which would keep the send
// journal: the tests that need one start it), and the strings that must
// appear nowhere.
func secretSeams() (seams, []string) {
	s := testSeams().withEnv(envAPIKey, markerAPIKey).withEnv(envStatusToken, markerStatusToken)
	return s, []string{markerAPIKey, markerKeySecret, markerStatusToken}
}

// TestAccSecrets_notInStateOrLogs applies a send with TF_LOG=JSON (TRACE,
// one JSON object a line) written to a file, then searches the state and
// every log line for the secrets, and every line below TRACE for personal
// data. The provider served in process logs where TF_LOG and TF_LOG_PATH
// of the process environment say, so this test sets them and runs alone.
func TestAccSecrets_notInStateOrLogs(t *testing.T) {
	s, secrets := secretSeams()
	logFile := filepath.Join(t.TempDir(), "provider.log")
	t.Setenv("TF_LOG", "JSON")
	t.Setenv("TF_LOG_PATH", logFile)
	srv := newTestMock(t, mock.Options{APIKey: markerAPIKey})

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(s),
		Steps: []resource.TestStep{{
			Config: secretsMessage(srv),
			Check: func(s *terraform.State) error {
				if err := expectSendRequests(srv, 1); err != nil {
					return err
				}
				if r := srv.SendRequests()[0]; !r.Authorized {
					return fmt.Errorf("the mock did not accept the marker key")
				}
				return stateFree(s, secrets)
			},
		}},
	})

	data, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	lines, traceWithPersonal := 0, 0
	scanner := bufio.NewScanner(bytes.NewReader(data))
	scanner.Buffer(make([]byte, 0, 1<<20), 16<<20)
	for scanner.Scan() {
		line := scanner.Text()
		if line == "" {
			continue
		}
		lines++
		for _, s := range secrets {
			if strings.Contains(line, s) {
				t.Errorf("a log line holds the secret %q:\n%s", s, line)
			}
		}
		var entry struct {
			Level string `json:"@level"`
		}
		if err := json.Unmarshal([]byte(line), &entry); err != nil || entry.Level == "" {
			t.Errorf("a log line is not a JSON log entry: %v\n%s", err, line)
			continue
		}
		for _, v := range personalValues {
			if !strings.Contains(line, v) {
				continue
			}
			if entry.Level != "trace" {
				t.Errorf("a %s line holds the personal value %q:\n%s", entry.Level, v, line)
			} else {
				traceWithPersonal++
			}
		}
	}
	if err := scanner.Err(); err != nil {
		t.Fatal(err)
	}
	// The search means something only if the log is the provider's full
	// TRACE log: the client logs the request body at TRACE.
	if lines < 20 || traceWithPersonal == 0 || !bytes.Contains(data, []byte("interakt request body")) {
		t.Fatalf("the log has %d lines, %d TRACE lines with personal values and no request body line: it was not captured", lines, traceWithPersonal)
	}
}

// TestAccSecrets_notInCLIAndProviderTextLogs does the same search in the
// text TRACE log of the Terraform CLI and the provider together
// (TF_ACC_LOG=TRACE with TF_ACC_LOG_PATH). terraform-plugin-testing reads
// both from the process environment, so this test sets them and runs alone.
func TestAccSecrets_notInCLIAndProviderTextLogs(t *testing.T) {
	s, secrets := secretSeams()
	logFile := filepath.Join(t.TempDir(), "terraform.log")
	t.Setenv("TF_ACC_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG_PATH", logFile)
	srv := newTestMock(t, mock.Options{APIKey: markerAPIKey})

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(s),
		Steps: []resource.TestStep{{
			Config: secretsMessage(srv),
			Check: func(s *terraform.State) error {
				if err := expectSendRequests(srv, 1); err != nil {
					return err
				}
				return stateFree(s, secrets)
			},
		}},
	})

	data, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range secrets {
		if i := bytes.Index(data, []byte(s)); i >= 0 {
			start := max(0, bytes.LastIndexByte(data[:i], '\n'))
			t.Errorf("the log holds the secret %q: %s", s, data[start:min(len(data), i+200)])
		}
	}
	// Both the CLI's and the provider's lines are there.
	for _, want := range []string{"[TRACE] GRPCProvider.v6:", "interakt request body"} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("the log lacks %q: it was not captured whole", want)
		}
	}
}

// stateFree checks that no attribute of any resource in s holds a secret.
func stateFree(s *terraform.State, secrets []string) error {
	attributes := 0
	for _, m := range s.Modules {
		for addr, r := range m.Resources {
			if r.Primary == nil {
				continue
			}
			for name, value := range r.Primary.Attributes {
				attributes++
				for _, secret := range secrets {
					if strings.Contains(value, secret) || strings.Contains(name, secret) {
						return fmt.Errorf("%s.%s holds a secret", addr, name)
					}
				}
			}
		}
	}
	if attributes == 0 {
		return fmt.Errorf("the state has no attributes to search")
	}
	return nil
}
