package provider

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/interakt-community/terraform-provider-interakt/internal/client"
	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
	"github.com/interakt-community/terraform-provider-interakt/internal/receiver"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// testFallbackSecret signs the hand-offs of the end-to-end test's rules.
const testFallbackSecret = "e2e-fallback-secret"

// handoffWait bounds each wait for a hand-off: the receiver posts one as
// soon as its delivery loop polls, a fraction of a second.
const handoffWait = 30 * time.Second

// receivedHandoff is one POST a hand-off endpoint received.
type receivedHandoff struct {
	header http.Header
	body   []byte
}

// handoffEndpoint is a rule's URL: it records every POST and answers
// status.
type handoffEndpoint struct {
	url    string
	status int

	mu      sync.Mutex
	got     []receivedHandoff
	arrived chan struct{}
}

func newHandoffEndpoint(t *testing.T, status int) *handoffEndpoint {
	t.Helper()
	e := &handoffEndpoint{status: status, arrived: make(chan struct{}, 100)}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		e.mu.Lock()
		e.got = append(e.got, receivedHandoff{header: r.Header.Clone(), body: body})
		e.mu.Unlock()
		select {
		case e.arrived <- struct{}{}:
		default:
		}
		w.WriteHeader(e.status)
	}))
	t.Cleanup(hs.Close)
	e.url = hs.URL + "/hooks/whatsapp"
	return e
}

func (e *handoffEndpoint) received() []receivedHandoff {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]receivedHandoff(nil), e.got...)
}

// wait waits until the endpoint has received at least n POSTs.
func (e *handoffEndpoint) wait(ctx context.Context, n int) error {
	ctx, cancel := context.WithTimeout(ctx, handoffWait)
	defer cancel()
	for len(e.received()) < n {
		select {
		case <-e.arrived:
		case <-ctx.Done():
			return fmt.Errorf("the endpoint received %d hand-offs, want %d", len(e.received()), n)
		}
	}
	return nil
}

// handoffConfig is the end-to-end test's configuration: rules whose URLs
// are given (a rule without one is left out), each on failed for
// order_shipped, and a campaign sent after them to recipients.
func handoffConfig(srv *mock.Server, rcv *testReceiver, urls map[string]string, recipients string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "provider \"interakt\" {\n  base_url   = %q\n  status_url = %q\n}\n", srv.URL(), rcv.url)
	var rules []string
	for _, name := range []string{"sms", "stuck", "witness"} {
		url, ok := urls[name]
		if !ok {
			continue
		}
		rules = append(rules, "interakt_fallback."+name)
		fmt.Fprintf(&b, `
resource "interakt_fallback" %q {
  name      = %q
  url       = %q
  secret    = %q
  on        = ["failed"]
  templates = [{ name = "order_shipped", language_code = "en" }]
}
`, name, name, url, testFallbackSecret)
	}
	fmt.Fprintf(&b, `
resource "interakt_campaign" "launch" {
  template   = { name = "order_shipped", language_code = "en" }
  depends_on = [%s]
  recipients = {
%s  }
}
`, strings.Join(rules, ", "), recipients)
	return b.String()
}

// handoffRecipient is a campaign recipient at phone.
func handoffRecipient(key, phone string) string {
	return fmt.Sprintf("    %s = { country_code = \"+91\", phone_number = %q, header_values = [\"A-1\"], body_values = [\"Asha\", \"A-1\"] }\n", key, phone)
}

// TestAccFallback_handoffEndToEnd runs the whole path: a campaign to two
// recipients, one of whom the mock fails by webhook; the receiver hands
// that message, and only it, off once to the sms rule's endpoint, signed
// with the rule's secret and keyed <message id>:sms. Removing the rules
// drops the pending hand-off of a rule whose endpoint refuses (a warning
// with the count), and a failure after that reaches only the rule left.
func TestAccFallback_handoffEndToEnd(t *testing.T) {
	t.Parallel()
	rcv := startTestReceiver(t)
	srv := newWebhookMock(t, rcv)
	sms, stuck, witness := newHandoffEndpoint(t, http.StatusOK), newHandoffEndpoint(t, http.StatusServiceUnavailable), newHandoffEndpoint(t, http.StatusOK)
	all := map[string]string{"sms": sms.url, "stuck": stuck.url, "witness": witness.url}
	first := handoffRecipient("asha", "9800000001") + handoffRecipient("fails", failingPhone)
	rec := &diagRecorder{}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(testSeams().withEnv(envAPIKey, testAPIKey).withEnv(envStatusToken, testStatusToken)),
		Steps: []resource.TestStep{
			{
				Config: handoffConfig(srv, rcv, all, first),
				Check: func(s *terraform.State) error {
					id, err := campaignMessageID(s, "fails")
					if err != nil {
						return err
					}
					for _, e := range []*handoffEndpoint{sms, witness, stuck} {
						if err := e.wait(t.Context(), 1); err != nil {
							return err
						}
					}
					if err := srv.WaitWebhooks(t.Context()); err != nil {
						return err
					}
					if err := expectDelivered(t, rcv, "sms", id); err != nil {
						return err
					}
					got := sms.received()
					if len(got) != 1 {
						return fmt.Errorf("the sms endpoint received %d hand-offs, want 1", len(got))
					}
					t.Logf("hand-off headers: %v", got[0].header)
					t.Logf("hand-off body: %s", got[0].body)
					return checkHandoff(got[0], id, "sms")
				},
			},
			{
				// The rules go; stuck's hand-off is still pending.
				Config: handoffConfig(srv, rcv, map[string]string{"witness": witness.url}, first),
				Check: func(*terraform.State) error {
					w := rec.findWarning("Pending Hand-offs Dropped")
					if w == nil || !strings.Contains(w.Detail, `"stuck" was removed with 1 hand-off(s)`) {
						return fmt.Errorf("no warning of stuck's dropped hand-off: %v", w)
					}
					for _, name := range []string{"sms", "stuck"} {
						if _, found, err := fallbackAt(rcv).Get(t.Context(), name); err != nil || found {
							return fmt.Errorf("the receiver still has the rule %s: found %v, %v", name, found, err)
						}
					}
					return nil
				},
			},
			{
				// A later failure: witness, still there, gets it; sms got
				// nothing more.
				Config: handoffConfig(srv, rcv, map[string]string{"witness": witness.url}, first+handoffRecipient("later", failingPhone)),
				Check: func(s *terraform.State) error {
					id, err := campaignMessageID(s, "later")
					if err != nil {
						return err
					}
					if err := witness.wait(t.Context(), 2); err != nil {
						return err
					}
					if err := checkHandoff(witness.received()[1], id, "witness"); err != nil {
						return err
					}
					if n := len(sms.received()); n != 1 {
						return fmt.Errorf("the sms endpoint received %d hand-offs after its rule was removed, want still 1", n)
					}
					return nil
				},
			},
		},
	})
}

// campaignMessageID is the message id of recipient key of the campaign.
func campaignMessageID(s *terraform.State, key string) (string, error) {
	r, ok := s.RootModule().Resources["interakt_campaign.launch"]
	if !ok || r.Primary == nil {
		return "", fmt.Errorf("no campaign in the state")
	}
	id := r.Primary.Attributes["results."+key+".message_id"]
	if id == "" {
		return "", fmt.Errorf("recipient %s has no message id", key)
	}
	return id, nil
}

// expectDelivered waits until the receiver records rule's one hand-off,
// of message id, delivered at the first try: nothing is left to send.
func expectDelivered(t *testing.T, rcv *testReceiver, rule, id string) error {
	ctx, cancel := context.WithTimeout(t.Context(), handoffWait)
	defer cancel()
	for {
		list, found, err := fallbackAt(rcv).Handoffs(ctx, rule, "")
		switch {
		case err != nil:
			return err
		case !found:
			return fmt.Errorf("the receiver has no rule %s", rule)
		case len(list) != 1 || list[0].MessageID != id:
			return fmt.Errorf("the receiver lists %+v for %s, want one hand-off of %s", list, rule, id)
		case list[0].State == wire.HandoffDelivered:
			if list[0].Attempts != 1 {
				return fmt.Errorf("the hand-off took %d attempts, want 1", list[0].Attempts)
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("the hand-off is still %s", list[0].State)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// checkHandoff checks a hand-off of message id by rule: its signature
// under the secret, computed here rather than by the receiver's code, its
// idempotency key and its body.
func checkHandoff(h receivedHandoff, id, rule string) error {
	mac := hmac.New(sha256.New, []byte(testFallbackSecret))
	mac.Write(h.body)
	if want := "sha256=" + hex.EncodeToString(mac.Sum(nil)); h.header.Get(wire.FallbackSignatureHeader) != want {
		return fmt.Errorf("%s = %q, want %q", wire.FallbackSignatureHeader, h.header.Get(wire.FallbackSignatureHeader), want)
	}
	if key := h.header.Get(wire.IdempotencyKeyHeader); key != id+":"+rule {
		return fmt.Errorf("%s = %q, want %q", wire.IdempotencyKeyHeader, key, id+":"+rule)
	}
	var body wire.Handoff
	if err := json.Unmarshal(h.body, &body); err != nil {
		return fmt.Errorf("unreadable hand-off %s: %w", h.body, err)
	}
	m := body.Message
	if body.Rule != rule || body.Reason != wire.FallbackOnFailed || m.ID != id || m.Status != wire.StatusFailed ||
		m.PhoneNumber == nil || *m.PhoneNumber != failingPhone || m.TemplateName == nil || *m.TemplateName != "order_shipped" ||
		m.FailureReason == nil || *m.FailureReason != failureReason {
		return fmt.Errorf("the hand-off body is %s", h.body)
	}
	return nil
}

// TestAccFallback_firstReasonWins sends to a number whose message the mock
// leaves at sent: the rule hands it off as undelivered after
// undelivered_after, and when the mock fails it later, it is not handed
// off again.
func TestAccFallback_firstReasonWins(t *testing.T) {
	t.Parallel()
	const stallingPhone = "9999900002"
	rcv := startTestReceiver(t)
	srv := newTestMock(t, mock.Options{
		WebhookURL:        rcv.url + receiver.DefaultWebhookPath,
		WebhookSecret:     testWebhookSecret,
		WebhookDelays:     &mock.Delays{Sent: 0, Delivered: 20 * time.Millisecond, Read: 40 * time.Millisecond},
		UndeliveredPhones: map[string]bool{stallingPhone: true},
	})
	endpoint := newHandoffEndpoint(t, http.StatusOK)
	config := fmt.Sprintf(`provider "interakt" {
  base_url   = %q
  status_url = %q
}

resource "interakt_fallback" "sms" {
  name              = "sms"
  url               = %q
  secret            = %q
  on                = ["failed", "undelivered"]
  undelivered_after = "1s"
}

resource "interakt_campaign" "launch" {
  template   = { name = "order_shipped", language_code = "en" }
  depends_on = [interakt_fallback.sms]
  recipients = {
%s  }
}
`, srv.URL(), rcv.url, endpoint.url, testFallbackSecret, handoffRecipient("stalls", stallingPhone))

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams().withEnv(envAPIKey, testAPIKey).withEnv(envStatusToken, testStatusToken)),
		Steps: []resource.TestStep{{
			Config: config,
			Check: func(s *terraform.State) error {
				id, err := campaignMessageID(s, "stalls")
				if err != nil {
					return err
				}
				if err := endpoint.wait(t.Context(), 1); err != nil {
					return err
				}
				if err := expectDelivered(t, rcv, "sms", id); err != nil {
					return err
				}
				var first wire.Handoff
				if err := json.Unmarshal(endpoint.received()[0].body, &first); err != nil || first.Reason != wire.FallbackOnUndelivered {
					return fmt.Errorf("the first hand-off is %s (%v), want reason undelivered", endpoint.received()[0].body, err)
				}
				if !srv.FailMessage(id, failureReason) {
					return fmt.Errorf("the mock did not know message %s", id)
				}
				if err := srv.WaitWebhooks(t.Context()); err != nil {
					return err
				}
				// The receiver has stored the failure, and with it any
				// hand-off it would make of it: there is none.
				if st, found, err := client.NewStatusReader(rcv.url, testStatusToken, nil, nil).Get(t.Context(), id); err != nil || !found || st.Status != wire.StatusFailed {
					return fmt.Errorf("the receiver's status of %s: %+v, found %v, %v; want failed", id, st, found, err)
				}
				list, _, err := fallbackAt(rcv).Handoffs(t.Context(), "sms", "")
				if err != nil || len(list) != 1 || list[0].Reason != wire.FallbackOnUndelivered {
					return fmt.Errorf("the rule's hand-offs: %+v, %v; want only the undelivered one", list, err)
				}
				if n := len(endpoint.received()); n != 1 {
					return fmt.Errorf("the endpoint received %d hand-offs, want 1", n)
				}
				return nil
			},
		}},
	})
}
