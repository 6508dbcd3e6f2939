package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
)

const campaignAddr = "interakt_campaign.test"

// campaignContract is the hand-written contract of the mock's
// order_shipped template: a TEXT header with {{1}} and two body variables.
const campaignContract = `{ name = "order_shipped", language_code = "en", header_format = "TEXT", header_variables = 1, body_variables = 2 }`

// campaignRecipient is one recipient of a test campaign.
type campaignRecipient struct {
	key, phone string
	// name is the first body value; the order number is derived from key.
	name string
	// callback overrides the campaign's callback data when set.
	callback string
}

// campaignRecipients returns n recipients keyed r000, r001... with distinct
// valid Indian mobile numbers.
func campaignRecipients(n int) []campaignRecipient {
	out := make([]campaignRecipient, n)
	for i := range out {
		out[i] = campaignRecipient{key: fmt.Sprintf("r%03d", i), phone: fmt.Sprintf("98%08d", i), name: fmt.Sprintf("Name %d", i)}
	}
	return out
}

// campaignHCL is a provider block pointing at srv (with extra provider
// settings) and interakt_campaign.test (with extra resource settings).
func campaignHCL(srv *mock.Server, providerExtra, resourceExtra string, recipients []campaignRecipient) string {
	var b strings.Builder
	fmt.Fprintf(&b, "provider \"interakt\" {\n  base_url = %q\n%s}\n\n", srv.URL(), providerExtra)
	fmt.Fprintf(&b, "resource \"interakt_campaign\" \"test\" {\n  template      = %s\n  callback_data = \"launch\"\n%s", campaignContract, resourceExtra)
	b.WriteString("  recipients = {\n")
	for _, r := range recipients {
		callback := ""
		if r.callback != "" {
			callback = fmt.Sprintf(", callback_data = %q", r.callback)
		}
		fmt.Fprintf(&b, "    %s = { country_code = \"+91\", phone_number = %q, header_values = [%q], body_values = [%q, %q]%s }\n",
			r.key, r.phone, "A-"+r.key, r.name, "A-"+r.key, callback)
	}
	b.WriteString("  }\n}\n")
	return b.String()
}

// campaignSentNumbers counts the accepted sends per phone number.
func campaignSentNumbers(srv *mock.Server) map[string]int {
	out := map[string]int{}
	for _, m := range srv.Sent() {
		out[m.Message.PhoneNumber]++
	}
	return out
}

// expectCampaignSentOnce fails unless every recipient was sent exactly once, and
// nobody else was.
func expectCampaignSentOnce(srv *mock.Server, recipients []campaignRecipient) error {
	got := campaignSentNumbers(srv)
	for _, r := range recipients {
		if got[r.phone] != 1 {
			return fmt.Errorf("recipient %s was sent %d times, want once", r.key, got[r.phone])
		}
	}
	if len(got) != len(recipients) {
		return fmt.Errorf("%d numbers were sent, want %d", len(got), len(recipients))
	}
	return nil
}

// campaignJSONResults reads results of interakt_campaign.test from a state.
func campaignJSONResults(state *tfjson.State) (map[string]map[string]any, error) {
	if state == nil || state.Values == nil || state.Values.RootModule == nil {
		return nil, fmt.Errorf("no state")
	}
	for _, r := range state.Values.RootModule.Resources {
		if r.Address != campaignAddr {
			continue
		}
		raw, ok := r.AttributeValues["results"].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("results is %T", r.AttributeValues["results"])
		}
		out := make(map[string]map[string]any, len(raw))
		for key, v := range raw {
			entry, ok := v.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("results[%q] is %T", key, v)
			}
			out[key] = entry
		}
		return out, nil
	}
	return nil, fmt.Errorf("%s not in state", campaignAddr)
}

// campaignResultsCheck runs check on the campaign's results in state.
type campaignResultsCheck func(map[string]map[string]any) error

func (c campaignResultsCheck) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	results, err := campaignJSONResults(req.State)
	if err == nil {
		err = c(results)
	}
	resp.Error = err
}

// campaignMockCheck runs an assertion on the mock after an apply.
type campaignMockCheck func() error

func (c campaignMockCheck) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = c()
}

// campaignResultsMatchMock checks that results hold exactly the ids the mock
// accepted for the recipients, and never a phone number.
func campaignResultsMatchMock(srv *mock.Server, recipients []campaignRecipient) campaignResultsCheck {
	return func(results map[string]map[string]any) error {
		ids := map[string]string{}
		for _, m := range srv.Sent() {
			ids[m.Message.PhoneNumber] = m.ID
		}
		for _, r := range recipients {
			res, ok := results[r.key]
			if !ok {
				return fmt.Errorf("no result for %s", r.key)
			}
			if id := ids[r.phone]; id != "" && res["status"] == sendSent && res["message_id"] != id {
				return fmt.Errorf("%s: message_id %v, the mock answered %s", r.key, res["message_id"], id)
			}
			for field, v := range res {
				for _, other := range recipients {
					if s, ok := v.(string); ok && strings.Contains(s, other.phone) {
						return fmt.Errorf("results[%q].%s holds a phone number", r.key, field)
					}
				}
			}
		}
		return nil
	}
}

// campaignStatusCount returns how many results have status.
func campaignStatusCount(results map[string]map[string]any, status string) int {
	n := 0
	for _, r := range results {
		if r["status"] == status {
			n++
		}
	}
	return n
}

func expectCampaignCounts(sent, failed int64) []statecheck.StateCheck {
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(campaignAddr, tfjsonpath.New("sent_count"), knownvalue.Int64Exact(sent)),
		statecheck.ExpectKnownValue(campaignAddr, tfjsonpath.New("failed_count"), knownvalue.Int64Exact(failed)),
	}
}

// campaignPlanSends expects an update that sends: results unknown until apply.
func campaignPlanSends(action plancheck.ResourceActionType) []plancheck.PlanCheck {
	return []plancheck.PlanCheck{
		plancheck.ExpectResourceAction(campaignAddr, action),
		plancheck.ExpectUnknownValue(campaignAddr, tfjsonpath.New("results")),
		plancheck.ExpectUnknownValue(campaignAddr, tfjsonpath.New("failed_count")),
	}
}

// campaignAccTest runs steps with the test key and the test receivers'
// status token (used only with a status_url) in the provider's environment.
func campaignAccTest(t *testing.T, steps ...resource.TestStep) {
	t.Helper()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams().withEnv(envAPIKey, testAPIKey).withEnv(envStatusToken, testStatusToken)),
		Steps:                    steps,
	})
}

// TestAccCampaignRateLimit sends 50 recipients at 40 per (scaled) window
// against a mock admitting 40: everyone once, and no 429 caused by the
// provider. The plan's and the apply's provider processes each list the
// account's templates (6 requests, one per approval status); they take
// their slots from the key's one budget, so the sends get what they leave
// of the window.
func TestAccCampaignRateLimit(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{})
	recipients := campaignRecipients(50)
	campaignAccTest(t, resource.TestStep{
		Config:           campaignHCL(srv, "", "", recipients),
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: campaignPlanSends(plancheck.ResourceActionCreate)},
		ConfigStateChecks: append(expectCampaignCounts(50, 0),
			statecheck.ExpectKnownValue(campaignAddr, tfjsonpath.New("results"), knownvalue.MapSizeExact(50)),
			campaignResultsMatchMock(srv, recipients),
			campaignMockCheck(func() error {
				if err := expectCampaignSentOnce(srv, recipients); err != nil {
					return err
				}
				if n := srv.Count429ByLimit(); n != 0 {
					return fmt.Errorf("the provider caused %d 429s", n)
				}
				logCampaignRateEfficiency(t, srv, 40, testWindow)
				return nil
			}),
			campaignMockCheck(func() error {
				// One body byte for byte: the campaign's default callback
				// data, the contract's name and language, values in order.
				want := `{"countryCode":"+91","phoneNumber":"9800000007","type":"Template","callbackData":"launch",` +
					`"template":{"name":"order_shipped","languageCode":"en","headerValues":["A-r007"],"bodyValues":["Name 7","A-r007"]}}`
				for _, m := range srv.Sent() {
					if m.Message.PhoneNumber == "9800000007" && string(m.Body) != want {
						return fmt.Errorf("body = %s\nwant   %s", m.Body, want)
					}
				}
				return nil
			}),
		),
	})
}

// logCampaignRateEfficiency logs the ideal span of the sends over the actual one.
// At limit per window, n sends ideally take (ceil(n/limit)-1) windows from
// the first arrival to the last: a burst of limit at once, the next burst
// one window later.
func logCampaignRateEfficiency(t *testing.T, srv *mock.Server, limit int, window time.Duration) {
	t.Helper()
	var arrivals []time.Time
	for _, r := range srv.SendRequests() {
		if r.Sent {
			arrivals = append(arrivals, r.At)
		}
	}
	if len(arrivals) < 2 {
		return
	}
	sort.Slice(arrivals, func(i, j int) bool { return arrivals[i].Before(arrivals[j]) })
	actual := arrivals[len(arrivals)-1].Sub(arrivals[0])
	ideal := time.Duration(math.Ceil(float64(len(arrivals))/float64(limit))-1) * window
	efficiency := 1.0
	if actual > 0 {
		efficiency = float64(ideal) / float64(actual)
	}
	t.Logf("rate efficiency: %d sends at %d per %s: ideal span %s, actual span %s, efficiency %.2f; 429s caused by the provider: %d",
		len(arrivals), limit, window, ideal, actual.Round(time.Millisecond), efficiency, srv.Count429ByLimit())
}

// TestAccCampaignRetries429 answers 429 to every 5th request: the client
// retries them, and everyone is sent exactly once.
func TestAccCampaignRetries429(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{Faults: mock.Faults{Every429: 5}})
	recipients := campaignRecipients(24)
	campaignAccTest(t, resource.TestStep{
		Config: campaignHCL(srv, "", "", recipients),
		ConfigStateChecks: append(expectCampaignCounts(24, 0),
			campaignResultsMatchMock(srv, recipients),
			campaignMockCheck(func() error {
				injected := 0
				for _, r := range srv.SendRequests() {
					if r.Status == 429 {
						injected++
					}
				}
				if injected == 0 {
					return fmt.Errorf("no 429 was injected")
				}
				return expectCampaignSentOnce(srv, recipients)
			}),
		),
	})
}

// TestAccCampaignRejected has the mock reject two numbers: the apply
// succeeds with the others' ids and the two errors verbatim; the next plan
// sends nothing until the two numbers are fixed, and then only them.
func TestAccCampaignRejected(t *testing.T) {
	t.Parallel()
	recipients := campaignRecipients(6)
	srv := newTestMock(t, mock.Options{RejectPhones: map[string]string{
		recipients[1].phone: "",
		recipients[4].phone: "Please correct the following error - the number is not on WhatsApp",
	}})
	fixed := append([]campaignRecipient(nil), recipients...)
	fixed[1].phone, fixed[4].phone = "9811111111", "9844444444"
	campaignAccTest(t,
		resource.TestStep{
			Config: campaignHCL(srv, "", "", recipients),
			ConfigStateChecks: append(expectCampaignCounts(4, 2),
				statecheck.ExpectKnownValue(campaignAddr, tfjsonpath.New("results").AtMapKey("r001"), knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"status":     knownvalue.StringExact(sendRejected),
					"message_id": knownvalue.Null(),
					"error":      knownvalue.StringRegexp(regexp.MustCompile(`\(HTTP 400\): ` + regexp.QuoteMeta(mock.MsgInvalidPhone) + `$`)),
				})),
				statecheck.ExpectKnownValue(campaignAddr, tfjsonpath.New("results").AtMapKey("r004"), knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"status": knownvalue.StringExact(sendRejected),
					"error":  knownvalue.StringRegexp(regexp.MustCompile(`: Please correct the following error - the number is not on WhatsApp$`)),
				})),
				campaignResultsMatchMock(srv, recipients),
				campaignMockCheck(func() error {
					if n := srv.SentCount(); n != 4 {
						return fmt.Errorf("mock accepted %d, want 4", n)
					}
					return nil
				}),
			),
		},
		resource.TestStep{
			// Rejected with the same inputs: never sent again by itself.
			Config: campaignHCL(srv, "", "", recipients),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectEmptyPlan(),
			}},
		},
		resource.TestStep{
			Config:           campaignHCL(srv, "", "", fixed),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: campaignPlanSends(plancheck.ResourceActionUpdate)},
			ConfigStateChecks: append(expectCampaignCounts(6, 0),
				campaignResultsMatchMock(srv, fixed),
				// The rejected sends were never accepted: everyone once.
				campaignMockCheck(func() error { return expectCampaignSentOnce(srv, fixed) }),
			),
		},
	)
}

// TestAccCampaignUncertain drops the connection after the mock read the
// body: the recipient is uncertain, later plain applies leave it alone,
// and naming its attempt in retry_uncertain sends it once more.
func TestAccCampaignUncertain(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{Faults: mock.Faults{ByRequest: map[int]mock.Fault{1: mock.FaultDropAfterBody}}})
	all := campaignRecipients(3)
	asha := all[:1]
	var attempt string
	retry := campaignHCL(srv, "", "  retry_uncertain = { r000 = var.attempt }\n", all) + "\nvariable \"attempt\" {\n  type = string\n}\n"
	campaignAccTest(t,
		resource.TestStep{
			Config: campaignHCL(srv, "", "", asha),
			ConfigStateChecks: append(expectCampaignCounts(0, 1),
				statecheck.ExpectKnownValue(campaignAddr, tfjsonpath.New("results").AtMapKey("r000"), knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"status":     knownvalue.StringExact(sendUncertain),
					"message_id": knownvalue.Null(),
					"error":      knownvalue.NotNull(),
				})),
				campaignMockCheck(func() error {
					if n := srv.SentCount(); n != 1 {
						return fmt.Errorf("mock accepted %d, want 1 (the dropped one)", n)
					}
					return nil
				}),
			),
		},
		resource.TestStep{
			// Two new recipients: they are sent; the uncertain one is not.
			Config:           campaignHCL(srv, "", "", all),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: campaignPlanSends(plancheck.ResourceActionUpdate)},
			ConfigStateChecks: append(expectCampaignCounts(2, 1),
				statecheck.ExpectKnownValue(campaignAddr, tfjsonpath.New("results").AtMapKey("r000").AtMapKey("status"), knownvalue.StringExact(sendUncertain)),
				campaignMockCheck(func() error { return expectCampaignSentOnce(srv, all) }),
				campaignResultsCheck(func(results map[string]map[string]any) error {
					attempt, _ = results["r000"]["attempt_id"].(string)
					if attempt == "" {
						return fmt.Errorf("the uncertain result has no attempt_id")
					}
					return nil
				}),
			),
		},
		resource.TestStep{
			Config:          retry,
			ConfigVariables: config.Variables{"attempt": laterString{&attempt}},
			ConfigStateChecks: append(expectCampaignCounts(3, 0),
				campaignResultsMatchMock(srv, all[1:]),
				campaignMockCheck(func() error {
					if got := campaignSentNumbers(srv)[all[0].phone]; got != 2 {
						return fmt.Errorf("the uncertain recipient was sent %d times in all, want 2 (once dropped, once retried)", got)
					}
					return nil
				}),
			),
		},
		resource.TestStep{
			// Still named, but now sent: not again.
			Config:           retry,
			ConfigVariables:  config.Variables{"attempt": laterString{&attempt}},
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		},
	)
}

// laterString is a configuration variable whose value an earlier step's
// check sets: a step's configuration is written before any step runs.
type laterString struct{ value *string }

func (s laterString) MarshalJSON() ([]byte, error) { return json.Marshal(*s.value) }

// TestAccCampaignChanges covers edits: a sent recipient whose values
// change is not sent again, a removed key is dropped with results planned
// exactly, an added key is sent once, and resend_on_change re-sends the
// changed one.
func TestAccCampaignChanges(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{})
	start := campaignRecipients(3)
	edited := []campaignRecipient{start[0], start[1], {key: "r009", phone: "9800000009", name: "Name 9"}}
	edited[0].name = "Asha K"  // changed values
	edited[1].callback = "vip" // changed callback data
	firstIDs := map[string]string{}
	campaignAccTest(t,
		resource.TestStep{
			Config:            campaignHCL(srv, "", "", start),
			ConfigStateChecks: append(expectCampaignCounts(3, 0), campaignResultsMatchMock(srv, start)),
		},
		resource.TestStep{
			Config:           campaignHCL(srv, "", "", edited),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: campaignPlanSends(plancheck.ResourceActionUpdate)},
			ConfigStateChecks: append(expectCampaignCounts(3, 0),
				statecheck.ExpectKnownValue(campaignAddr, tfjsonpath.New("results"), knownvalue.MapSizeExact(3)),
				campaignResultsCheck(func(results map[string]map[string]any) error {
					if _, ok := results["r002"]; ok {
						return fmt.Errorf("removed key r002 still in results")
					}
					for key, r := range results {
						id, _ := r["message_id"].(string)
						firstIDs[key] = id
					}
					return nil
				}),
				campaignMockCheck(func() error {
					got := campaignSentNumbers(srv)
					if len(srv.Sent()) != 4 || got["9800000009"] != 1 {
						return fmt.Errorf("mock accepted %v, want the added key once and nobody again", got)
					}
					return nil
				}),
			),
		},
		resource.TestStep{
			// Only a removal: nothing to send, so results are planned exactly.
			Config: campaignHCL(srv, "", "", edited[:2]),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(campaignAddr, plancheck.ResourceActionUpdate),
				plancheck.ExpectKnownValue(campaignAddr, tfjsonpath.New("sent_count"), knownvalue.Int64Exact(2)),
				plancheck.ExpectKnownValue(campaignAddr, tfjsonpath.New("results"), knownvalue.MapSizeExact(2)),
			}},
			ConfigStateChecks: append(expectCampaignCounts(2, 0), campaignMockCheck(func() error {
				if n := srv.SentCount(); n != 4 {
					return fmt.Errorf("mock accepted %d, want still 4", n)
				}
				return nil
			})),
		},
		resource.TestStep{
			Config:           campaignHCL(srv, "", "  resend_on_change = true\n", edited[:2]),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: campaignPlanSends(plancheck.ResourceActionUpdate)},
			ConfigStateChecks: append(expectCampaignCounts(2, 0),
				campaignResultsCheck(func(results map[string]map[string]any) error {
					for _, key := range []string{"r000", "r001"} {
						if results[key]["message_id"] == firstIDs[key] {
							return fmt.Errorf("%s kept its first id; resend_on_change must send it again", key)
						}
					}
					return nil
				}),
				campaignMockCheck(func() error {
					var vip, renamed bool
					for _, m := range srv.Sent()[4:] {
						vip = vip || m.Message.PhoneNumber == start[1].phone && m.Message.CallbackData == "vip"
						renamed = renamed || m.Message.PhoneNumber == start[0].phone && m.Message.Template.BodyValues[0] == "Asha K"
					}
					if len(srv.Sent()) != 6 || !vip || !renamed {
						return fmt.Errorf("resend sent %d messages in all (want 6), with the new callback %v and the new name %v", len(srv.Sent()), vip, renamed)
					}
					return nil
				}),
			),
		},
		resource.TestStep{
			ResourceName:  campaignAddr,
			ImportState:   true,
			ImportStateId: "anything",
			ExpectError:   regexp.MustCompile(`cannot be imported`),
		},
	)
}

// TestAccCampaignDryRun builds every payload and sends nothing; a later
// real apply sends them all once.
func TestAccCampaignDryRun(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{})
	recipients := campaignRecipients(3)
	campaignAccTest(t,
		resource.TestStep{
			Config: campaignHCL(srv, "  dry_run = true\n", "", recipients),
			ConfigStateChecks: append(expectCampaignCounts(0, 0),
				statecheck.ExpectKnownValue(campaignAddr, tfjsonpath.New("results").AtMapKey("r001"), knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"status":     knownvalue.StringExact(sendDryRun),
					"message_id": knownvalue.StringRegexp(regexp.MustCompile(`^dry-run-[0-9a-f-]{36}$`)),
					"error":      knownvalue.Null(),
				})),
				campaignMockCheck(func() error {
					if n := len(srv.SendRequests()); n != 0 {
						return fmt.Errorf("a dry run made %d requests", n)
					}
					return nil
				}),
			),
		},
		resource.TestStep{
			Config:           campaignHCL(srv, "", "", recipients),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: campaignPlanSends(plancheck.ResourceActionUpdate)},
			ConfigStateChecks: append(expectCampaignCounts(3, 0),
				campaignResultsMatchMock(srv, recipients),
				campaignMockCheck(func() error { return expectCampaignSentOnce(srv, recipients) }),
			),
		},
	)
}

// TestAccCampaignMaxSendsPerApply stops at the cap with the reason in
// results; the next apply sends the rest.
func TestAccCampaignMaxSendsPerApply(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{})
	recipients := campaignRecipients(20)
	config := campaignHCL(srv, "  max_sends_per_apply = 10\n", "", recipients)
	campaignAccTest(t,
		resource.TestStep{
			Config: config,
			ConfigStateChecks: append(expectCampaignCounts(10, 10),
				campaignResultsMatchMock(srv, recipients),
				campaignResultsCheck(func(results map[string]map[string]any) error {
					for key, r := range results {
						if r["status"] == sendFailed && r["error"] != "not sent: this provider process reached its max_sends_per_apply (10)" {
							return fmt.Errorf("%s: error %v", key, r["error"])
						}
					}
					if n := campaignStatusCount(results, sendFailed); n != 10 {
						return fmt.Errorf("%d failed, want 10", n)
					}
					return nil
				}),
				campaignMockCheck(func() error {
					if n := srv.SentCount(); n != 10 {
						return fmt.Errorf("mock accepted %d, want 10", n)
					}
					return nil
				}),
			),
			// The ten not sent are planned for the next apply.
			ExpectNonEmptyPlan: true,
		},
		resource.TestStep{
			Config:           config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: campaignPlanSends(plancheck.ResourceActionUpdate)},
			ConfigStateChecks: append(expectCampaignCounts(20, 0),
				campaignResultsMatchMock(srv, recipients),
				campaignMockCheck(func() error { return expectCampaignSentOnce(srv, recipients) }),
			),
		},
	)
}

// campaignPostcondition is the documented way to make a failed send stop a run.
const campaignPostcondition = `  lifecycle {
    postcondition {
      condition     = self.failed_count == 0
      error_message = "Some campaign messages were not sent; see results."
    }
  }
`

// TestAccCampaignPostcondition makes failures an error on demand: the
// apply that leaves recipients unsent fails its postcondition (with every
// id saved), and the resume's plan is not blocked by it, since
// failed_count is unknown until the resume has sent.
func TestAccCampaignPostcondition(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{})
	recipients := campaignRecipients(4)
	config := campaignHCL(srv, "  max_sends_per_apply = 2\n", campaignPostcondition, recipients)
	campaignAccTest(t,
		resource.TestStep{
			Config:      config,
			ExpectError: regexp.MustCompile(`Some campaign messages were not sent`),
		},
		resource.TestStep{
			Config:           config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: campaignPlanSends(plancheck.ResourceActionUpdate)},
			ConfigStateChecks: append(expectCampaignCounts(4, 0),
				campaignResultsMatchMock(srv, recipients),
				campaignMockCheck(func() error { return expectCampaignSentOnce(srv, recipients) }),
			),
		},
	)
}

// TestAccCampaign_withoutKey: a campaign that would send, planned with no
// API key, says in its plan warning that the apply cannot send, and the
// apply stops before any request, at the resource.
func TestAccCampaign_withoutKey(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{})
	cli := newCLITerraform(t, testSeams(), cliRequiredProviders+campaignHCL(srv, "", "", campaignRecipients(2)))
	const block = `resource "interakt_campaign" "test"`
	expectSendStopsWithoutKey(t, cli, srv, block, "Campaign will send 2 messages", block)
}
