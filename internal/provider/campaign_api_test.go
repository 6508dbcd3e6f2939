package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
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
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/interakt-community/terraform-provider-interakt/internal/journal"
	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

const apiCampaignExtra = "  api_campaign_name = \"launch-2026\"\n"

// apiCampaignHCL is campaignHCL with api_campaign_name, for the template
// in language (the mock has order_shipped in en and hi).
func apiCampaignHCL(srv *mock.Server, language string, recipients []campaignRecipient) string {
	hcl := campaignHCL(srv, "", apiCampaignExtra, recipients)
	return strings.Replace(hcl, `language_code = "en"`, fmt.Sprintf("language_code = %q", language), 1)
}

// expectAPICampaigns checks that the mock created exactly the API
// campaigns of languages, in order, each with the configured name, and
// that every accepted send to phones names the id of the campaign current
// when it was sent: the last one created before it.
func expectAPICampaigns(srv *mock.Server, languages ...string) campaignMockCheck {
	return func() error {
		created := srv.APICampaigns()
		if len(created) != len(languages) {
			return fmt.Errorf("the mock created %d API campaigns, want %d", len(created), len(languages))
		}
		for i, c := range created {
			want := fmt.Sprintf(`{"campaign_name":"launch-2026","campaign_type":"PublicAPI","template_name":"order_shipped","language_code":%q}`, languages[i])
			if string(c.Body) != want {
				return fmt.Errorf("create %d body = %s\nwant %s", i, c.Body, want)
			}
		}
		for _, m := range srv.Sent() {
			want := ""
			for _, c := range created {
				if c.At.Before(m.At) {
					want = c.ID
				}
			}
			if want == "" || m.Message.CampaignID != want {
				return fmt.Errorf("send to %s has campaignId %q, want %q", m.Message.PhoneNumber, m.Message.CampaignID, want)
			}
			if m.Message.Template.LanguageCode != created[len(created)-1].Request.LanguageCode && m.At.After(created[len(created)-1].At) {
				return fmt.Errorf("send to %s after the last create is in %s", m.Message.PhoneNumber, m.Message.Template.LanguageCode)
			}
			if !bytes.Contains(m.Body, []byte(`"campaignId":"`+want+`"`)) {
				return fmt.Errorf("body of the send to %s lacks campaignId %s: %s", m.Message.PhoneNumber, want, m.Body)
			}
		}
		return nil
	}
}

// expectStateAPICampaign checks that api_campaign_id in state is the id of
// the mock's last API campaign.
func expectStateAPICampaign(srv *mock.Server) statecheck.StateCheck {
	return campaignStateValue("api_campaign_id", func() (string, error) {
		created := srv.APICampaigns()
		if len(created) == 0 {
			return "", errors.New("the mock created no API campaign")
		}
		return created[len(created)-1].ID, nil
	})
}

// TestAccCampaignAPICampaign applies a campaign with api_campaign_name
// three times (create, an added recipient, no change): the API campaign is
// created once, its id is in state and on every send. A new template
// language plans api_campaign_id unknown and the apply creates a second
// API campaign for it, sending nobody again; a recipient added later is
// sent under the new one.
func TestAccCampaignAPICampaign(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{RateLimit: -1})
	recipients := campaignRecipients(4)
	campaignAccTest(t,
		resource.TestStep{
			Config: apiCampaignHCL(srv, "en", recipients[:3]),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectUnknownValue(campaignAddr, tfjsonpath.New("api_campaign_id")),
			}},
			ConfigStateChecks: append(expectCampaignCounts(3, 0),
				expectStateAPICampaign(srv), expectAPICampaigns(srv, "en")),
		},
		resource.TestStep{
			Config: apiCampaignHCL(srv, "en", recipients[:4]),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(campaignAddr, plancheck.ResourceActionUpdate),
				plancheck.ExpectKnownValue(campaignAddr, tfjsonpath.New("api_campaign_id"), knownvalue.NotNull()),
			}},
			ConfigStateChecks: append(expectCampaignCounts(4, 0),
				expectStateAPICampaign(srv), expectAPICampaigns(srv, "en")),
		},
		resource.TestStep{
			Config: apiCampaignHCL(srv, "en", recipients[:4]),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectEmptyPlan(),
			}},
			ConfigStateChecks: []statecheck.StateCheck{expectStateAPICampaign(srv), expectAPICampaigns(srv, "en"),
				campaignMockCheck(func() error { return expectCampaignSentOnce(srv, recipients[:4]) })},
		},
		resource.TestStep{
			Config: apiCampaignHCL(srv, "hi", recipients[:4]),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(campaignAddr, plancheck.ResourceActionUpdate),
				plancheck.ExpectUnknownValue(campaignAddr, tfjsonpath.New("api_campaign_id")),
			}},
			ConfigStateChecks: []statecheck.StateCheck{expectStateAPICampaign(srv), expectAPICampaigns(srv, "en", "hi"),
				campaignMockCheck(func() error { return expectCampaignSentOnce(srv, recipients[:4]) })},
		},
		resource.TestStep{
			Config: apiCampaignHCL(srv, "hi", append(recipients[:4:4], campaignRecipient{key: "late", phone: "9811111111", name: "Late"})),
			ConfigStateChecks: append(expectCampaignCounts(5, 0),
				expectStateAPICampaign(srv), expectAPICampaigns(srv, "en", "hi")),
		},
	)
}

// TestAccCampaignAPICampaignDryRun applies a campaign with
// api_campaign_name under the provider's dry_run: the plan says
// api_campaign_id stays null (a dry run creates nothing), the mock
// receives no request, and the plan after the apply is clean. The first
// real apply then creates the API campaign once and sends under it.
func TestAccCampaignAPICampaignDryRun(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{RateLimit: -1})
	recipients := campaignRecipients(2)
	dryRun := campaignHCL(srv, "  dry_run = true\n", apiCampaignExtra, recipients)
	noRequests := campaignMockCheck(func() error {
		if n := len(srv.Requests()); n != 0 {
			return fmt.Errorf("a dry run made %d requests", n)
		}
		return nil
	})
	campaignAccTest(t,
		resource.TestStep{
			Config: dryRun,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue(campaignAddr, tfjsonpath.New("api_campaign_id"), knownvalue.Null()),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(campaignAddr, tfjsonpath.New("api_campaign_id"), knownvalue.Null()),
				noRequests,
			},
		},
		resource.TestStep{
			Config: dryRun,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectEmptyPlan(),
			}},
			ConfigStateChecks: []statecheck.StateCheck{noRequests},
		},
		resource.TestStep{
			Config: apiCampaignHCL(srv, "en", recipients),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectUnknownValue(campaignAddr, tfjsonpath.New("api_campaign_id")),
			}},
			ConfigStateChecks: append(expectCampaignCounts(2, 0), expectStateAPICampaign(srv), expectAPICampaigns(srv, "en"),
				campaignMockCheck(func() error { return expectCampaignSentOnce(srv, recipients) })),
		},
	)
}

// campaignStateValue checks a top-level string attribute of the campaign
// in state against what want returns.
func campaignStateValue(attribute string, want func() (string, error)) statecheck.StateCheck {
	return campaignStateFunc(func(values map[string]any) error {
		w, err := want()
		if err != nil {
			return err
		}
		if got := values[attribute]; got != w {
			return fmt.Errorf("%s = %v, want %s", attribute, got, w)
		}
		return nil
	})
}

// TestAccCampaignAPICampaignKill kills Terraform's process group with
// SIGKILL at a random moment of a campaign's first apply, after its API
// campaign was created and while its sends are under way, and applies
// again in the same directory: the API campaign is created once over every
// run, the next apply takes its id from the send journal (and says so),
// and every send of the campaign names it. A change of template then warns
// at plan that a new API campaign is created.
func TestAccCampaignAPICampaignKill(t *testing.T) {
	t.Parallel()
	c := newCampaignCLI(t)
	c.srv = newTestMock(t, mock.Options{
		RateLimit: -1,
		Faults:    mock.Faults{AnswerDelayMin: 100 * time.Millisecond, AnswerDelayMax: 300 * time.Millisecond},
	})
	srv := c.srv
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 19))
	const runs, perRun = 4, 20
	adopted := 0
	for run := range runs {
		recipients := make([]campaignRecipient, perRun)
		for i := range recipients {
			recipients[i] = campaignRecipient{key: fmt.Sprintf("r%03d", i), phone: fmt.Sprintf("96%02d%06d", run, i), name: fmt.Sprintf("Name %d", i)}
		}
		dir := filepath.Join(c.dir, fmt.Sprintf("run%02d", run))
		terraformMain := func(language string) {
			writeFile(t, filepath.Join(dir, "main.tf"),
				"terraform {\n  required_providers {\n    interakt = { source = \"interakt-community/interakt\" }\n  }\n}\n\n"+
					strings.Replace(campaignHCL(srv, "  rate_limit_per_minute = 100000\n", apiCampaignExtra, recipients),
						`language_code = "en"`, fmt.Sprintf("language_code = %q", language), 1))
		}
		terraformMain("en")
		createsBefore, sendsBefore := len(srv.APICampaigns()), len(srv.SendRequests())

		killedCmd := c.command(c.env, "apply", "-auto-approve")
		killedCmd.Dir = dir
		killed := startKillable(t, killedCmd)
		if err := waitFor(c.ctx, "the campaign's first send", func() (bool, string) {
			return len(srv.SendRequests()) > sendsBefore, "none yet"
		}); err != nil {
			t.Fatalf("%v\n%s", err, killed.output.String())
		}
		time.Sleep(time.Duration(rng.Int64N(int64(600 * time.Millisecond))))
		killed.kill(t)
		if err := campaignWaitGone(c.ctx, c.plugin); err != nil {
			t.Fatal(err)
		}
		if n := len(srv.APICampaigns()) - createsBefore; n != 1 {
			t.Fatalf("run %d: the killed apply created %d API campaigns, want 1\n%s", run, n, killed.output.String())
		}
		_, saved := os.Stat(filepath.Join(dir, "terraform.tfstate"))
		cmd := c.command(c.env, "apply", "-auto-approve")
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("run %d: apply after the kill: %v\n%s", run, err, out)
		}
		if saved != nil && !bytes.Contains(out, []byte("API Campaign Adopted From a Stopped Apply")) {
			t.Errorf("run %d: the apply after the kill does not say it adopts the API campaign:\n%s", run, out)
		}
		if bytes.Contains(out, []byte("API Campaign Adopted From a Stopped Apply")) {
			adopted++
		}
		created := srv.APICampaigns()
		if n := len(created) - createsBefore; n != 1 {
			t.Errorf("run %d: %d API campaigns after the apply that followed the kill, want 1", run, n)
		}
		id := created[len(created)-1].ID
		if got := stateAttribute(t, filepath.Join(dir, "terraform.tfstate"), "api_campaign_id"); got != id {
			t.Errorf("run %d: api_campaign_id in state = %v, want the mock's %s", run, got, id)
		}
		phones := map[string]int{}
		for _, m := range srv.Sent() {
			if !strings.HasPrefix(m.Message.PhoneNumber, fmt.Sprintf("96%02d", run)) {
				continue
			}
			phones[m.Message.PhoneNumber]++
			if m.Message.CampaignID != id {
				t.Errorf("run %d: the send to %s has campaignId %q, want %s", run, m.Message.PhoneNumber, m.Message.CampaignID, id)
			}
		}
		for phone, n := range phones {
			if n > 1 {
				t.Errorf("run %d: %s got %d messages", run, phone, n)
			}
		}
		if run == runs-1 {
			terraformMain("hi")
			plan := c.command(c.env, "plan")
			plan.Dir = dir
			out, err := plan.CombinedOutput()
			if err != nil || !bytes.Contains(out, []byte("New API Campaign at Apply")) || !bytes.Contains(out, []byte("api_campaign_id")) {
				t.Errorf("the plan of a new template language does not warn of a new API campaign (%v):\n%s", err, out)
			}
		}
	}
	t.Logf("%d killed first applies: %d API campaigns created in all, %d taken from the journal by the next apply, %d sends",
		runs, len(srv.APICampaigns()), adopted, len(srv.Sent()))
}

// stateAttribute reads a top-level attribute of interakt_campaign.test
// from a state file.
func stateAttribute(t *testing.T, name, attribute string) any {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var state struct {
		Resources []struct {
			Type      string `json:"type"`
			Instances []struct {
				Attributes map[string]any `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(data, &state); err != nil {
		t.Fatal(err)
	}
	for _, r := range state.Resources {
		if r.Type == "interakt_campaign" && len(r.Instances) == 1 {
			return r.Instances[0].Attributes[attribute]
		}
	}
	t.Fatalf("no interakt_campaign in %s", name)
	return nil
}

// campaignStateFunc runs check on the attribute values of
// interakt_campaign.test in state.
type campaignStateFunc func(map[string]any) error

func (c campaignStateFunc) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
		resp.Error = errors.New("no state")
		return
	}
	for _, r := range req.State.Values.RootModule.Resources {
		if r.Address == campaignAddr {
			resp.Error = c(r.AttributeValues)
			return
		}
	}
	resp.Error = fmt.Errorf("%s not in state", campaignAddr)
}

// TestAccAPICampaignSingleSendAndLatest sends a campaign with an API
// campaign and a test send that names its api_campaign_id: both requests
// carry the one campaignId. interakt_message_status finds the test send by
// latest, from the send's own sent_at (the provider's clock, a moment
// after the mock timed the message: the allowance for clocks covers it),
// and waits for it to be delivered.
func TestAccAPICampaignSingleSendAndLatest(t *testing.T) {
	t.Parallel()
	rcv := startTestReceiver(t)
	srv := newWebhookMock(t, rcv)
	recipients := campaignRecipients(1)
	config := strings.Replace(campaignHCL(srv, fmt.Sprintf("  status_url = %q\n", rcv.url), apiCampaignExtra, recipients),
		"provider \"interakt\" {", "provider \"interakt\" {\n  rate_limit_per_minute = 100000", 1) + `
resource "interakt_template_message" "smoke" {
  template        = { name = "order_shipped", language_code = "en" }
  api_campaign_id = interakt_campaign.test.api_campaign_id
  country_code    = "+91"
  phone_number    = "9812345678"
  header_values   = ["A-1001"]
  body_values     = ["Asha", "A-1001"]
}

data "interakt_message_status" "latest" {
  latest = {
    country_code = "+91"
    phone_number = "9812345678"
    template     = "order_shipped"
    since        = interakt_template_message.smoke.sent_at
  }
  wait_for = "delivered"
  timeout  = "30s"
}
`
	const latestAddr = "data.interakt_message_status.latest"
	campaignAccTest(t, resource.TestStep{
		Config: config,
		ConfigStateChecks: []statecheck.StateCheck{
			expectStateAPICampaign(srv),
			expectAPICampaigns(srv, "en"),
			statecheck.CompareValuePairs("interakt_template_message.smoke", tfjsonpath.New("api_campaign_id"),
				campaignAddr, tfjsonpath.New("api_campaign_id"), compare.ValuesSame()),
			statecheck.CompareValuePairs(latestAddr, tfjsonpath.New("id"),
				"interakt_template_message.smoke", tfjsonpath.New("id"), compare.ValuesSame()),
			statecheck.ExpectKnownValue(latestAddr, tfjsonpath.New("status"), knownvalue.StringRegexp(regexp.MustCompile(`^(delivered|read)$`))),
			campaignMockCheck(func() error {
				sent := srv.Sent()
				if n := len(sent); n != 2 {
					return fmt.Errorf("the mock accepted %d sends, want 2", n)
				}
				t.Logf("create-campaign body: %s", srv.APICampaigns()[0].Body)
				t.Logf("send body: %s", sent[0].Body)
				return nil
			}),
		},
	})
}

// TestAccCampaignAPICampaignUncertainCreate starts from a journal whose
// create of the API campaign was written and never answered, as a kill
// during the request leaves it: the apply creates nothing, sends nothing
// and stops with an error that says how to go on; with a new name it
// creates that campaign once and sends under it.
func TestAccCampaignAPICampaignUncertainCreate(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{RateLimit: -1})
	dir := t.TempDir()
	if err := journal.NewDir(dir).Begin(t.Context(), wire.JournalEntry{
		Attempt:   uuid.NewString(),
		Key:       apiCampaignKey("", "launch-2026", "order_shipped", "en"),
		StartedAt: time.Now().UTC().Format(time.RFC3339Nano),
	}); err != nil {
		t.Fatal(err)
	}
	recipients := campaignRecipients(2)
	seams := testSeams().withEnv(envAPIKey, testAPIKey)
	seams.journalDir = dir
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(seams),
		Steps: []resource.TestStep{
			{
				Config:      apiCampaignHCL(srv, "en", recipients),
				ExpectError: regexp.MustCompile(`API Campaign Creation Uncertain`),
			},
			{
				PreConfig: func() {
					if n, sent := len(srv.APICampaigns()), srv.SentCount(); n != 0 || sent != 0 {
						t.Errorf("the uncertain create's apply made %d API campaigns and %d sends, want none", n, sent)
					}
				},
				Config: strings.Replace(apiCampaignHCL(srv, "en", recipients), `"launch-2026"`, `"launch-2026 b"`, 1),
				ConfigStateChecks: append(expectCampaignCounts(2, 0), expectStateAPICampaign(srv),
					campaignMockCheck(func() error {
						created := srv.APICampaigns()
						if len(created) != 1 || created[0].Request.CampaignName != "launch-2026 b" {
							return fmt.Errorf("API campaigns created: %+v, want one, launch-2026 b", created)
						}
						for _, m := range srv.Sent() {
							if m.Message.CampaignID != created[0].ID {
								return fmt.Errorf("send to %s has campaignId %q, want %s", m.Message.PhoneNumber, m.Message.CampaignID, created[0].ID)
							}
						}
						return nil
					})),
			},
		},
	})
}
