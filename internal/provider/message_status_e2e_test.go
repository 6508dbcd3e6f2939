package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/interakt-community/terraform-provider-interakt/internal/client"
	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
	"github.com/interakt-community/terraform-provider-interakt/internal/receiver"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// Secrets shared by the mock, the receiver and the provider in these tests.
const (
	testWebhookSecret = "e2e-webhook-secret"
	testStatusToken   = "e2e-status-token"
)

// failingPhone is a number the mock accepts and then reports failed.
const (
	failingPhone  = "9999900001"
	failureReason = "Message undeliverable"
)

// messageFailedError is the error of a wait for a message the mock reports
// failed for failingPhone.
var messageFailedError = regexp.MustCompile(`(?s)Message Failed.*Reason:\s+Message\s+undeliverable\.\s+Error\s+code:\s+` + mock.FailedErrorCode)

// statusAddress is the data source every configuration here declares.
const statusAddress = "data.interakt_message_status.smoke"

// testReceiver is an in-process status receiver on SQLite.
type testReceiver struct {
	url    string
	server *receiver.Server
}

// startTestReceiver starts a receiver with a database in t.TempDir(),
// which accepts testStatusToken (the provider's tests give it through
// withEnv). Start it before the mock, so that the mock stops sending
// webhooks first.
func startTestReceiver(t *testing.T) *testReceiver {
	t.Helper()
	return startTestReceiverOn(t, "sqlite://"+filepath.Join(t.TempDir(), "status.db"))
}

// startTestReceiverOn starts a receiver on the database dsn.
func startTestReceiverOn(t *testing.T, dsn string) *testReceiver {
	t.Helper()
	srv, err := receiver.New(t.Context(), receiver.Config{
		DB:             dsn,
		WebhookSecrets: []string{testWebhookSecret},
		StatusTokens:   []string{testStatusToken},
		Logger:         slog.New(slog.DiscardHandler),
	})
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
	return &testReceiver{url: hs.URL, server: srv}
}

// newWebhookMock starts a mock whose webhooks go to rcv, quickly, and
// which reports failingPhone failed.
func newWebhookMock(t *testing.T, rcv *testReceiver) *mock.Server {
	t.Helper()
	return newTestMock(t, mock.Options{
		WebhookURL:    rcv.url + receiver.DefaultWebhookPath,
		WebhookSecret: testWebhookSecret,
		WebhookDelays: &mock.Delays{Sent: 0, Delivered: 20 * time.Millisecond, Read: 40 * time.Millisecond},
		FailPhones:    map[string]string{failingPhone: failureReason},
	})
}

// sendThroughMock sends one order_shipped message with the client package
// and returns its id, standing in for a send made by an earlier apply.
func sendThroughMock(t *testing.T, srv *mock.Server, phone, callbackData string) string {
	t.Helper()
	api, err := client.New(client.Config{BaseURL: srv.URL(), APIKey: testAPIKey, RateLimitPerMinute: 40, RateWindow: testWindow})
	if err != nil {
		t.Fatal(err)
	}
	id, err := api.SendTemplate(t.Context(), wire.Message{
		CountryCode:  "+91",
		PhoneNumber:  phone,
		CallbackData: callbackData,
		Template: wire.Template{
			Name: "order_shipped", LanguageCode: "en",
			HeaderValues: []string{"A-1001"},
			BodyValues:   []string{"Asha", "A-1001"},
		},
	})
	if err != nil {
		t.Fatalf("sending through the mock: %v", err)
	}
	return id
}

// statusConfig is a provider reading rcv (token from the environment) and
// one interakt_message_status named smoke with the given arguments.
func statusConfig(rcv *testReceiver, arguments string) string {
	return fmt.Sprintf(`provider "interakt" {
  status_url = %q
}

data "interakt_message_status" "smoke" {
%s
}
`, rcv.url, arguments)
}

func TestAccMessageStatus_waitForRead(t *testing.T) {
	t.Parallel()
	rcv := startTestReceiver(t)
	srv := newWebhookMock(t, rcv)
	id := sendThroughMock(t, srv, "9999999999", "release-42")

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams().withEnv(envStatusToken, testStatusToken)),
		Steps: []resource.TestStep{{
			Config: statusConfig(rcv, fmt.Sprintf(`  id       = %q
  wait_for = "read"
  timeout  = "30s"`, id)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(statusAddress, tfjsonpath.New("status"), knownvalue.StringExact(wire.StatusRead)),
				statecheck.ExpectKnownValue(statusAddress, tfjsonpath.New("callback_data"), knownvalue.StringExact("release-42")),
				statecheck.ExpectKnownValue(statusAddress, tfjsonpath.New("timeout"), knownvalue.StringExact("30s")),
				statecheck.ExpectKnownValue(statusAddress, tfjsonpath.New("failed_at"), knownvalue.Null()),
				statecheck.ExpectKnownValue(statusAddress, tfjsonpath.New("failure_reason"), knownvalue.Null()),
				statecheck.ExpectKnownValue(statusAddress, tfjsonpath.New("error_code"), knownvalue.Null()),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				checkTimesMatchReceiver(rcv),
				checkTimesMatchWebhooks(srv),
			),
		}},
	})
}

// messageStatusConfig declares the mock's order_shipped template, sends it
// with interakt_template_message and reads the send's status, waiting for
// waitFor.
func messageStatusConfig(srv *mock.Server, rcv *testReceiver, phone, waitFor string) string {
	return fmt.Sprintf(`provider "interakt" {
  base_url   = %q
  status_url = %q
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
}

resource "interakt_template_message" "smoke" {
  template      = interakt_template.order_shipped.contract
  country_code  = "+91"
  phone_number  = %q
  callback_data = "release-42"
  header_values = ["A-1001"]
  body_values   = ["Asha", "A-1001"]
  button_values = { "0" = ["A-1001"] }
}

data "interakt_message_status" "smoke" {
  id       = interakt_template_message.smoke.id
  wait_for = %q
  timeout  = "30s"
}
`, srv.URL(), rcv.url, phone, waitFor)
}

// The id is unknown until the send, so the status is read during the
// apply, after it.
func TestAccMessageStatus_sentByResource(t *testing.T) {
	t.Parallel()
	rcv := startTestReceiver(t)
	srv := newWebhookMock(t, rcv)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams().withEnv(envAPIKey, testAPIKey).withEnv(envStatusToken, testStatusToken)),
		Steps: []resource.TestStep{{
			Config: messageStatusConfig(srv, rcv, "9999999999", "read"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("interakt_template_message.smoke", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction(statusAddress, plancheck.ResourceActionRead),
				},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(statusAddress, tfjsonpath.New("status"), knownvalue.StringExact(wire.StatusRead)),
				statecheck.ExpectKnownValue(statusAddress, tfjsonpath.New("callback_data"), knownvalue.StringExact("release-42")),
				statecheck.CompareValuePairs("interakt_template_message.smoke", tfjsonpath.New("id"),
					statusAddress, tfjsonpath.New("id"), compare.ValuesSame()),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				checkTimesMatchReceiver(rcv),
				checkTimesMatchWebhooks(srv),
				func(*terraform.State) error {
					if n := srv.SentCount(); n != 1 {
						return fmt.Errorf("the mock accepted %d sends, want 1", n)
					}
					return nil
				},
			),
		}},
	})
}

func TestAccMessageStatus_failedSendByResource(t *testing.T) {
	t.Parallel()
	rcv := startTestReceiver(t)
	srv := newWebhookMock(t, rcv)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams().withEnv(envAPIKey, testAPIKey).withEnv(envStatusToken, testStatusToken)),
		Steps: []resource.TestStep{{
			Config:      messageStatusConfig(srv, rcv, failingPhone, "delivered"),
			ExpectError: messageFailedError,
		}},
	})
}

// An uncertain send leaves a null id; reading its status says why, next to
// the framework's generic error about the required id.
func TestAccMessageStatus_uncertainSendByResource(t *testing.T) {
	t.Parallel()
	rcv := startTestReceiver(t)
	srv := newWebhookMock(t, rcv)
	srv.SetFault(1, mock.FaultDropAfterBody)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams().withEnv(envAPIKey, testAPIKey).withEnv(envStatusToken, testStatusToken)),
		Steps: []resource.TestStep{{
			Config:      messageStatusConfig(srv, rcv, "9999999999", "delivered"),
			ExpectError: regexp.MustCompile(`(?s)Missing Message ID.*"uncertain".*callback_data`),
		}},
	})
}

// A dry run sends nothing, so its status is pending at once, with no
// receiver configured.
func TestAccMessageStatus_dryRunByResource(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{})

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams().withEnv(envAPIKey, testAPIKey)),
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`provider "interakt" {
  base_url = %q
  dry_run  = true
}

resource "interakt_template_message" "smoke" {
  template      = { name = "order_shipped", language_code = "en" }
  country_code  = "+91"
  phone_number  = "9999999999"
  header_values = ["A-1001"]
  body_values   = ["Asha", "A-1001"]
}

data "interakt_message_status" "smoke" {
  id       = interakt_template_message.smoke.id
  wait_for = "delivered"
}
`, srv.URL()),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(statusAddress, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^`+dryRunIDPrefix))),
				statecheck.ExpectKnownValue(statusAddress, tfjsonpath.New("status"), knownvalue.StringExact(wire.StatusPending)),
			},
			Check: func(*terraform.State) error {
				if n := len(srv.Requests()); n != 0 {
					return fmt.Errorf("the mock saw %d requests during a dry run, want none", n)
				}
				return nil
			},
		}},
	})
}

func TestAccMessageStatus_failedMessageIsAnError(t *testing.T) {
	t.Parallel()
	rcv := startTestReceiver(t)
	srv := newWebhookMock(t, rcv)
	id := sendThroughMock(t, srv, failingPhone, "")

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams().withEnv(envStatusToken, testStatusToken)),
		Steps: []resource.TestStep{{
			Config: statusConfig(rcv, fmt.Sprintf(`  id       = %q
  wait_for = "delivered"
  timeout  = "30s"`, id)),
			ExpectError: messageFailedError,
		}},
	})
}

func TestAccMessageStatus_unseenMessageIsPending(t *testing.T) {
	t.Parallel()
	rcv := startTestReceiver(t)
	id := "never-seen-" + uuid.NewString()

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams().withEnv(envStatusToken, testStatusToken)),
		Steps: []resource.TestStep{{
			Config: statusConfig(rcv, fmt.Sprintf(`  id = %q`, id)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(statusAddress, tfjsonpath.New("status"), knownvalue.StringExact(wire.StatusPending)),
				statecheck.ExpectKnownValue(statusAddress, tfjsonpath.New("timeout"), knownvalue.StringExact(defaultStatusTimeout)),
				statecheck.ExpectKnownValue(statusAddress, tfjsonpath.New("sent_at"), knownvalue.Null()),
				statecheck.ExpectKnownValue(statusAddress, tfjsonpath.New("delivered_at"), knownvalue.Null()),
				statecheck.ExpectKnownValue(statusAddress, tfjsonpath.New("read_at"), knownvalue.Null()),
				statecheck.ExpectKnownValue(statusAddress, tfjsonpath.New("callback_data"), knownvalue.Null()),
			},
		}},
	})
}

func TestAccMessageStatus_timeoutNamesTheLastStatus(t *testing.T) {
	t.Parallel()
	rcv := startTestReceiver(t)
	id := "never-seen-" + uuid.NewString()

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams().withEnv(envStatusToken, testStatusToken)),
		Steps: []resource.TestStep{{
			Config: statusConfig(rcv, fmt.Sprintf(`  id       = %q
  wait_for = "sent"
  timeout  = "300ms"`, id)),
			ExpectError: regexp.MustCompile(`(?s)Message Status Not Reached in Time.*last\s+status\s+seen\s+was\s+"pending"`),
		}},
	})
}

// Inside a check block a delivered message plans cleanly, and a failed one
// is a warning: the apply succeeds.
func TestAccMessageStatus_checkBlock(t *testing.T) {
	t.Parallel()
	rcv := startTestReceiver(t)
	srv := newWebhookMock(t, rcv)
	delivered := sendThroughMock(t, srv, "9999999999", "")
	failed := sendThroughMock(t, srv, failingPhone, "")

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams().withEnv(envStatusToken, testStatusToken)),
		// Terraform plans a check block's data source as a read during
		// every apply, so no plan here is empty.
		Steps: []resource.TestStep{
			{
				Config:             checkBlockConfig(rcv, delivered),
				ExpectNonEmptyPlan: true,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(statusAddress, tfjsonpath.New("status"), knownvalue.StringRegexp(regexp.MustCompile(`^(delivered|read)$`))),
				},
			},
			{
				Config:             checkBlockConfig(rcv, failed),
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

func checkBlockConfig(rcv *testReceiver, id string) string {
	return fmt.Sprintf(`provider "interakt" {
  status_url = %q
}

check "smoke_delivered" {
  data "interakt_message_status" "smoke" {
    id       = %q
    wait_for = "delivered"
    timeout  = "30s"
  }

  assert {
    condition     = data.interakt_message_status.smoke.status != "failed"
    error_message = "The smoke message failed."
  }
}
`, rcv.url, id)
}

// checkTimesMatchReceiver compares the data source's times with what the
// receiver stored for its id.
func checkTimesMatchReceiver(rcv *testReceiver) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		id, err := statusID(s)
		if err != nil {
			return err
		}
		stored, err := rcv.server.Store().Message(context.Background(), id)
		if err != nil {
			return fmt.Errorf("receiver store: %w", err)
		}
		want := map[string]time.Time{"sent_at": stored.SentAt, "delivered_at": stored.DeliveredAt, "read_at": stored.ReadAt}
		return compareTimes(s, want)
	}
}

// checkTimesMatchWebhooks compares the data source's times with those the
// mock put in the webhooks of its id.
func checkTimesMatchWebhooks(srv *mock.Server) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		id, err := statusID(s)
		if err != nil {
			return err
		}
		want := map[string]time.Time{}
		for _, d := range srv.WebhookDeliveries() {
			if d.MessageID != id {
				continue
			}
			var hook wire.Webhook
			if err := json.Unmarshal(d.Body, &hook); err != nil {
				return fmt.Errorf("webhook body: %w", err)
			}
			m := hook.Data.Message
			for name, value := range map[string]string{"sent_at": m.ReceivedAtUTC, "delivered_at": m.DeliveredAtUTC, "read_at": m.SeenAtUTC} {
				if value == "" {
					continue
				}
				at, err := time.Parse(mock.TimeFormat, value)
				if err != nil {
					return fmt.Errorf("webhook %s %s: %w", d.Type, name, err)
				}
				want[name] = at
			}
		}
		if len(want) != 3 {
			return fmt.Errorf("the mock's webhooks carried times %v, want sent, delivered and read", want)
		}
		return compareTimes(s, want)
	}
}

// statusID returns the id the data source read.
func statusID(s *terraform.State) (string, error) {
	rs, ok := s.RootModule().Resources[statusAddress]
	if !ok || rs.Primary.Attributes["id"] == "" {
		return "", errors.New(statusAddress + " has no id in state")
	}
	return rs.Primary.Attributes["id"], nil
}

// compareTimes checks that each named attribute of the data source is an
// RFC 3339 UTC time equal to want's.
func compareTimes(s *terraform.State, want map[string]time.Time) error {
	rs, ok := s.RootModule().Resources[statusAddress]
	if !ok {
		return errors.New(statusAddress + " is not in state")
	}
	var errs []error
	for name, w := range want {
		raw := rs.Primary.Attributes[name]
		got, err := time.Parse(time.RFC3339Nano, raw)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("%s = %q: %w", name, raw, err))
		case got.Location() != time.UTC:
			errs = append(errs, fmt.Errorf("%s = %q, want UTC", name, raw))
		case w.IsZero() || !got.Equal(w):
			errs = append(errs, fmt.Errorf("%s = %s, want %s", name, got, w))
		}
	}
	return errors.Join(errs...)
}

// latestAfterEventConfig fires an order_placed event for phone, which no
// ongoing campaign answers, and reads the latest order_shipped message to
// phone after it: by_fired_at with since = fired_at, after_event with
// receiver_since = receiver_time, read once. extra is added at the end.
func latestAfterEventConfig(srv *mock.Server, rcv *testReceiver, phone, extra string) string {
	return fmt.Sprintf(`provider "interakt" {
  base_url   = %[1]q
  status_url = %[2]q
}

resource "interakt_event" "e" {
  country_code = "+91"
  phone_number = %[3]q
  event        = "order_placed"
  triggers     = { release = "1" }
}

data "interakt_message_status" "by_fired_at" {
  latest = {
    country_code = "+91"
    phone_number = %[3]q
    template     = "order_shipped"
    since        = interakt_event.e.fired_at
  }
}

data "interakt_message_status" "after_event" {
  latest = {
    country_code   = "+91"
    phone_number   = %[3]q
    template       = "order_shipped"
    receiver_since = interakt_event.e.receiver_time
  }
}
%[4]s`, srv.URL(), rcv.url, phone, extra)
}

// A check by latest after an event passed by accident: a test send of the
// same template to the same number, delivered and read before the event,
// was within the 2 minutes that since allows for clocks, so the check
// found it. With receiver_since = the event's receiver_time it is never
// found: the read is pending with a null id, and a wait for delivered ends
// with No Message Found in Time. since still finds it, as documented.
func TestAccMessageStatus_latestFindsOnlyWhatCameAfterTheEvent(t *testing.T) {
	t.Parallel()
	const phone = "9845000101"
	rcv := startTestReceiver(t)
	srv := newWebhookMock(t, rcv) // no ongoing campaign: the event sets nothing off
	earlier := sendThroughMock(t, srv, phone, "")
	if err := srv.WaitWebhooks(t.Context()); err != nil {
		t.Fatal(err)
	}
	if st, err := rcv.server.Store().Message(t.Context(), earlier); err != nil || st.Status.String() != wire.StatusRead {
		t.Fatalf("the earlier test send at the receiver: %+v, %v; want read", st, err)
	}

	waitForDelivered := `
data "interakt_message_status" "after_event_delivered" {
  latest = {
    country_code   = "+91"
    phone_number   = "` + phone + `"
    template       = "order_shipped"
    receiver_since = interakt_event.e.receiver_time
  }
  wait_for = "delivered"
  timeout  = "2s"
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams().withEnv(envAPIKey, testAPIKey).withEnv(envStatusToken, testStatusToken)),
		Steps: []resource.TestStep{
			{
				Config: latestAfterEventConfig(srv, rcv, phone, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("interakt_event.e", tfjsonpath.New("receiver_time"), rfc3339Check()),
					// The false pass, still what since does.
					statecheck.ExpectKnownValue("data.interakt_message_status.by_fired_at", tfjsonpath.New("id"), knownvalue.StringExact(earlier)),
					statecheck.ExpectKnownValue("data.interakt_message_status.by_fired_at", tfjsonpath.New("status"), knownvalue.StringExact(wire.StatusRead)),
					// Gone with receiver_since.
					statecheck.ExpectKnownValue("data.interakt_message_status.after_event", tfjsonpath.New("id"), knownvalue.Null()),
					statecheck.ExpectKnownValue("data.interakt_message_status.after_event", tfjsonpath.New("status"), knownvalue.StringExact(wire.StatusPending)),
					statecheck.ExpectKnownValue("data.interakt_message_status.after_event", tfjsonpath.New("delivered_at"), knownvalue.Null()),
					statecheck.ExpectKnownValue("data.interakt_message_status.after_event", tfjsonpath.New("read_at"), knownvalue.Null()),
				},
				Check: func(*terraform.State) error {
					if n := len(srv.TrackedEvents()); n != 1 {
						return fmt.Errorf("the mock accepted %d events, want 1", n)
					}
					if n := srv.SentCount(); n != 1 {
						return fmt.Errorf("the mock sent %d messages, want only the earlier test send", n)
					}
					return nil
				},
			},
			{
				Config:      latestAfterEventConfig(srv, rcv, phone, waitForDelivered),
				ExpectError: regexp.MustCompile(`No Message Found in Time`),
			},
		},
	})
	if n := len(srv.TrackedEvents()); n != 1 {
		t.Errorf("the mock accepted %d events in all, want 1", n)
	}
}

// A status token the receiver refuses is named as such: the plan of a
// template, whose account read takes its rate budget from the receiver,
// and the apply of an event, whose journal and clock are the receiver's,
// fail with Status Token Rejected, which names status_token and
// INTERAKT_STATUS_TOKEN and not the API key; the event is not fired.
func TestAccStatusTokenRejectedNamesTheStatusToken(t *testing.T) {
	t.Parallel()
	rcv := startTestReceiver(t)
	srv := newWebhookMock(t, rcv)
	env := &testEnv{}
	env.set(envAPIKey, testAPIKey)
	const wrongToken = "not-the-receivers-token"
	provider := faultRequiredProviders + fmt.Sprintf(`provider "interakt" {
  base_url     = %q
  status_url   = %q
  status_token = %q
}
`, srv.URL(), rcv.url, wrongToken)
	expectTokenRejected := func(t *testing.T, diags []cliDiagnostic) {
		t.Helper()
		var rejected *cliDiagnostic
		for i, d := range diags {
			if d.Severity == "error" && d.Summary == "Status Token Rejected" {
				rejected = &diags[i]
			}
		}
		if rejected == nil || countCLIDiags(diags, "error", "") != 1 {
			t.Fatalf("want one error, Status Token Rejected, got:\n%s", cliDiagString(diags))
		}
		for _, want := range []string{"status_token", envStatusToken} {
			if !strings.Contains(rejected.Detail, want) {
				t.Errorf("the detail does not name %s: %s", want, rejected.Detail)
			}
		}
		for _, wrong := range []string{"api_key", envAPIKey, "rejected the credentials", wrongToken} {
			if strings.Contains(rejected.Detail, wrong) {
				t.Errorf("the detail holds %q: %s", wrong, rejected.Detail)
			}
		}
	}

	t.Run("template plan", func(t *testing.T) {
		t.Parallel()
		cli := newCLITerraform(t, env.seams(), provider+`
resource "interakt_template" "order_shipped" {
  name          = "order_shipped"
  language_code = "en"
  category      = "UTILITY"
  body          = "Hi {{1}}, your order {{2}} has shipped."
}
`)
		expectTokenRejected(t, cli.plan())
	})
	t.Run("event apply", func(t *testing.T) {
		t.Parallel()
		cli := newCLITerraform(t, env.seams(), provider+`
resource "interakt_event" "e" {
  country_code = "+91"
  phone_number = "9845000102"
  event        = "order_placed"
}
`)
		expectTokenRejected(t, cli.jsonDiagnostics("apply", "-auto-approve", "-json", "-input=false", "-no-color"))
		if n := len(srv.TrackedEvents()); n != 0 {
			t.Errorf("the mock accepted %d events, want none", n)
		}
	})
}
