package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
	"github.com/interakt-community/terraform-provider-interakt/internal/receiver"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// campaignReceiverSetup is a receiver and a mock whose webhooks reach it
// at once, and the provider block that points at both.
func campaignReceiverSetup(t *testing.T, opts mock.Options) (*mock.Server, string) {
	t.Helper()
	rcv := startTestReceiver(t)
	opts.WebhookURL = rcv.url + receiver.DefaultWebhookPath
	opts.WebhookSecret = testWebhookSecret
	opts.WebhookDelays = &mock.Delays{Sent: 0, Delivered: 10 * time.Millisecond, Read: 20 * time.Millisecond}
	srv := newTestMock(t, opts)
	return srv, fmt.Sprintf("  rate_limit_per_minute = 100000\n  status_url = %q\n", rcv.url)
}

// Five sends that the mock processed and whose answers it dropped, and
// three it answered 500 without processing: all eight are uncertain after
// the apply. The next refresh settles the five from the receiver's
// webhooks, sent with the mock's ids, and leaves the three uncertain; no
// send is made.
func TestAccCampaignSettlesUncertainFromReceiver(t *testing.T) {
	t.Parallel()
	faults := map[int]mock.Fault{}
	for n := 1; n <= 5; n++ {
		faults[n] = mock.FaultDropAfterBody
	}
	for n := 6; n <= 8; n++ {
		faults[n] = mock.Fault500
	}
	srv, providerExtra := campaignReceiverSetup(t, mock.Options{RateLimit: -1, Faults: mock.Faults{ByRequest: faults}})
	recipients := campaignRecipients(10)
	config := campaignHCL(srv, providerExtra, "", recipients)
	phoneKey := map[string]string{}
	for _, r := range recipients {
		phoneKey[r.phone] = r.key
	}
	// dropped names the recipients whose sends the mock processed and
	// whose answers it dropped; unsent those it never processed.
	split := func() (dropped, unsent []string) {
		fault := map[int]mock.Fault{}
		for _, r := range srv.SendRequests() {
			fault[r.N] = r.Fault
		}
		processed := map[string]bool{}
		for _, m := range srv.Sent() {
			key := phoneKey[m.Message.PhoneNumber]
			processed[key] = true
			if fault[m.N] == mock.FaultDropAfterBody {
				dropped = append(dropped, key)
			}
		}
		for _, r := range recipients {
			if !processed[r.key] {
				unsent = append(unsent, r.key)
			}
		}
		return dropped, unsent
	}
	campaignAccTest(t,
		resource.TestStep{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				campaignMockCheck(func() error {
					if n := len(srv.SendRequests()); n != 10 {
						return fmt.Errorf("%d send requests, want 10", n)
					}
					return srv.WaitWebhooks(t.Context())
				}),
			},
		},
		resource.TestStep{
			// The same configuration: the refresh before its plan settles.
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				expectCampaignCounts(7, 3)[0], expectCampaignCounts(7, 3)[1],
				campaignResultsCheck(func(results map[string]map[string]any) error {
					if n := len(srv.SendRequests()); n != 10 {
						return fmt.Errorf("%d send requests after the refresh, want still 10", n)
					}
					ids := map[string]string{}
					for _, m := range srv.Sent() {
						ids[phoneKey[m.Message.PhoneNumber]] = m.ID
					}
					dropped, unsent := split()
					if len(dropped) != 5 || len(unsent) != 3 {
						return fmt.Errorf("dropped answers %v, never processed %v; want 5 and 3", dropped, unsent)
					}
					for _, key := range dropped {
						if res := results[key]; res["status"] != sendSent || res["message_id"] != ids[key] {
							return fmt.Errorf("%s, whose answer was dropped, is %v; want sent with the mock's id %s", key, res, ids[key])
						}
					}
					for _, key := range unsent {
						if res := results[key]; res["status"] != sendUncertain || res["message_id"] != nil {
							return fmt.Errorf("%s, never processed, is %v; want uncertain", key, res)
						}
					}
					return nil
				}),
			},
		},
	)
}

// After the mock's webhooks, a refresh sets each result's delivery_status
// and delivery_counts to what the mock reported last for its message.
func TestAccCampaignDeliveryStatus(t *testing.T) {
	t.Parallel()
	recipients := campaignRecipients(6)
	srv, providerExtra := campaignReceiverSetup(t, mock.Options{
		RateLimit:  -1,
		FailPhones: map[string]string{recipients[4].phone: "Message undeliverable"},
	})
	config := campaignHCL(srv, providerExtra, "", recipients)
	phoneKey := map[string]string{}
	for _, r := range recipients {
		phoneKey[r.phone] = r.key
	}
	campaignAccTest(t,
		resource.TestStep{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(campaignAddr, tfjsonpath.New("results").AtMapKey("r000").AtMapKey("delivery_status"),
					knownvalue.StringExact(wire.StatusPending)),
				campaignMockCheck(func() error { return srv.WaitWebhooks(t.Context()) }),
			},
		},
		resource.TestStep{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				campaignResultsCheck(func(results map[string]map[string]any) error {
					// The status a message's delivered webhooks add up to: the
					// highest rank, failed being terminal.
					rank := map[string]int{wire.StatusSent: 1, wire.StatusDelivered: 2, wire.StatusRead: 3, wire.StatusFailed: 4}
					want := map[string]string{}
					for _, d := range srv.WebhookDeliveries() {
						if st := webhookStatus(d.Type); d.Delivered && rank[st] > rank[want[d.MessageID]] {
							want[d.MessageID] = st
						}
					}
					for key, res := range results {
						id, _ := res["message_id"].(string)
						if got := res["delivery_status"]; got != want[id] || want[id] == "" {
							return fmt.Errorf("%s: delivery_status %v, the mock reported %q", key, got, want[id])
						}
					}
					return nil
				}),
				statecheck.ExpectKnownValue(campaignAddr, tfjsonpath.New("delivery_counts"), knownvalue.MapExact(map[string]knownvalue.Check{
					"pending": knownvalue.Int64Exact(0), "sent": knownvalue.Int64Exact(0), "delivered": knownvalue.Int64Exact(0),
					"read": knownvalue.Int64Exact(5), "failed": knownvalue.Int64Exact(1),
				})),
			},
		},
	)
}

// webhookStatus is the status a webhook type reports.
func webhookStatus(typ string) string {
	switch typ {
	case wire.EventSent:
		return wire.StatusSent
	case wire.EventDelivered:
		return wire.StatusDelivered
	case wire.EventRead, wire.EventClicked:
		return wire.StatusRead
	case wire.EventFailed:
		return wire.StatusFailed
	}
	return ""
}

// A journal that cannot be reached stops the campaign before any send,
// with an error that says why and that nothing was sent.
func TestAccCampaignJournalUnavailableSendsNothing(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{RateLimit: -1})
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	campaignAccTest(t, resource.TestStep{
		Config:      campaignHCL(srv, fmt.Sprintf("  status_url = %q\n", gone.URL), "", campaignRecipients(3)),
		ExpectError: regexp.MustCompile(`(?s)Send Journal Unavailable.*Nothing was sent`),
	})
	if n := len(srv.SendRequests()); n != 0 {
		t.Fatalf("%d send requests reached the mock, want 0", n)
	}
}

// A test send whose answer the mock dropped after sending is uncertain;
// the next refresh settles it from the receiver: sent, with the mock's id,
// and nothing is sent again.
func TestAccTemplateMessageSettlesUncertainFromReceiver(t *testing.T) {
	t.Parallel()
	srv, providerExtra := campaignReceiverSetup(t, mock.Options{RateLimit: -1,
		Faults: mock.Faults{ByRequest: map[int]mock.Fault{1: mock.FaultDropAfterBody}}})
	config := fmt.Sprintf("provider \"interakt\" {\n  base_url = %q\n%s}\n", srv.URL(), providerExtra) + `
resource "interakt_template_message" "smoke" {
  template      = { name = "order_shipped", language_code = "en" }
  country_code  = "+91"
  phone_number  = "9811112222"
  callback_data = "settle-1"
  header_values = ["A-1001"]
  body_values   = ["Asha", "A-1001"]
}
`
	const addr = "interakt_template_message.smoke"
	campaignAccTest(t,
		resource.TestStep{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact(sendUncertain)),
				campaignMockCheck(func() error { return srv.WaitWebhooks(t.Context()) }),
			},
		},
		resource.TestStep{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact(sendSent)),
				campaignMockCheck(func() error {
					if n := len(srv.SendRequests()); n != 1 {
						return fmt.Errorf("%d send requests, want 1", n)
					}
					return nil
				}),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringFunc(func(id string) error {
					if want := srv.Sent()[0].ID; id != want {
						return fmt.Errorf("id %s, the mock's is %s", id, want)
					}
					return nil
				})),
			},
		},
	)
}
