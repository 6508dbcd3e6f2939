package provider

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/interakt-community/terraform-provider-interakt/internal/client"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// The TestAccLive tests run against a real account with INTERAKT_LIVE=1
// (make testacc-live), and otherwise against interakt-mock as a process,
// through the same harness (provider_live_test.go): every request passes
// a proxy that refuses any recipient but INTERAKT_LIVE_PHONE and sends
// past INTERAKT_LIVE_MAX_SENDS, and records shapes into the recording
// slots of internal/mock/testdata/live.

// liveTemplate is the account's approved QA template, as listed.
func liveTemplate(t *testing.T, p *liveProxy) wire.TemplateInfo {
	t.Helper()
	info, found, err := liveClient(t, p).FindTemplate(liveContext(t), p.account.template, p.account.language)
	if err != nil {
		t.Fatal(err)
	}
	if !found || info.ApprovalStatus != wire.ApprovalApproved {
		t.Fatalf("%s: no APPROVED template %s:%s in the account", envLiveTemplate, p.account.template, p.account.language)
	}
	return info
}

var variablePattern = regexp.MustCompile(`\{\{\d+\}\}`)

// templateDeclaration is interakt_template "live" declaring info as the
// account lists it.
func templateDeclaration(info wire.TemplateInfo) string {
	var b strings.Builder
	fmt.Fprintf(&b, "resource \"interakt_template\" \"live\" {\n  name = %q\n  language_code = %q\n  category = %q\n",
		info.Name, info.Language, strings.ToUpper(info.Category))
	if info.HeaderFormat != "" {
		fmt.Fprintf(&b, "  header = {\n    format = %q\n", info.HeaderFormat)
		if info.HeaderFormat == "TEXT" {
			fmt.Fprintf(&b, "    text = %q\n", info.Header)
		}
		b.WriteString("  }\n")
	}
	fmt.Fprintf(&b, "  body = %q\n", info.Body)
	if info.Footer != "" {
		fmt.Fprintf(&b, "  footer = %q\n", info.Footer)
	}
	if len(info.Buttons) > 0 {
		b.WriteString("  buttons = [\n")
		for _, btn := range info.Buttons {
			fmt.Fprintf(&b, "    { type = %q, text = %q", btn.Type, btn.Text)
			if btn.URL != "" {
				fmt.Fprintf(&b, ", url = %q", btn.URL)
			}
			if btn.PhoneNumber != "" {
				fmt.Fprintf(&b, ", phone_number = %q", btn.PhoneNumber)
			}
			b.WriteString(" },\n")
		}
		b.WriteString("  ]\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// templateValues are values for every variable of info, for the QA
// recipient: "tf-acc" in each. A media header has no value to give.
func templateValues(t *testing.T, info wire.TemplateInfo) string {
	t.Helper()
	var b strings.Builder
	switch {
	case info.HeaderFormat == "TEXT" && variablePattern.MatchString(info.Header):
		b.WriteString("  header_values = [\"tf-acc\"]\n")
	case info.HeaderFormat != "" && info.HeaderFormat != "TEXT":
		t.Fatalf("%s: %s has a %s header; pick a template with a text header or none", envLiveTemplate, info.Name, info.HeaderFormat)
	}
	body := make([]string, len(slices.Compact(slices.Sorted(slices.Values(variablePattern.FindAllString(info.Body, -1))))))
	for i := range body {
		body[i] = `"tf-acc"`
	}
	fmt.Fprintf(&b, "  body_values = [%s]\n", strings.Join(body, ", "))
	var buttons []string
	for i, btn := range info.Buttons {
		if btn.Type == "URL" && variablePattern.MatchString(btn.URL) {
			buttons = append(buttons, fmt.Sprintf("%q = [\"tf-acc\"]", fmt.Sprint(i)))
		}
	}
	if len(buttons) > 0 {
		fmt.Fprintf(&b, "  button_values = { %s }\n", strings.Join(buttons, ", "))
	}
	return b.String()
}

// liveDate names what a run creates: tf-acc-<date>.
func liveDate() string { return time.Now().UTC().Format("20060102") }

// TestAccLive_templates lists the account's templates, imports the QA
// template by its name and language and refreshes it (read only: nothing
// is submitted, destroy only forgets), and records the listing: how
// Interakt pages it.
func TestAccLive_templates(t *testing.T) {
	t.Parallel()
	a := liveSetup(t)
	p := newLiveProxy(t, a, liveSends)
	info := liveTemplate(t, p)
	config := templateDeclaration(info) + fmt.Sprintf(`
data "interakt_templates" "live" {
  name          = %q
  language_code = %q
}
`, info.Name, info.Language)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(liveSeams(p)),
		Steps: []resource.TestStep{
			{
				Config:             config,
				ResourceName:       "interakt_template.live",
				ImportState:        true,
				ImportStateId:      info.Name + ":" + info.Language,
				ImportStatePersist: true,
			},
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("interakt_template.live", tfjsonpath.New("approval_status"), knownvalue.StringExact(wire.ApprovalApproved)),
					statecheck.ExpectKnownValue("data.interakt_templates.live", tfjsonpath.New("templates"), knownvalue.ListSizeExact(1)),
				},
			},
		},
	})
	if t.Failed() {
		return
	}
	// The first APPROVED page: the other statuses' may be empty or hold
	// templates of other shapes.
	p.record(t, "templates_list.json", http.MethodGet, wire.TemplatesPath, func(s wire.Shape, q url.Values) bool {
		_, listed := s.Answer["results.templates[]"]
		return listed && q.Get("approval_status") == wire.ApprovalApproved
	}, pagingObserved(p.Exchanges()))
}

// pagingObserved says how the listing's answers said where a listing ends.
func pagingObserved(exchanges []wire.Shape) string {
	for _, s := range exchanges {
		if s.Path == wire.TemplatesPath && s.Status == http.StatusOK {
			if _, ok := s.Answer["has_next"]; ok {
				return "paged by offset; each page answers has_next"
			}
			return "no has_next in the answer: see the answer's fields for how it pages"
		}
	}
	return ""
}

// TestAccLive_query runs terraform query over the account: the QA
// template is among the templates it lists.
func TestAccLive_query(t *testing.T) {
	t.Parallel()
	requireTerraform114(t, "list resources or terraform query")
	a := liveSetup(t)
	p := newLiveProxy(t, a, liveSends)
	cli := newCLITerraform(t, liveSeams(p), `
terraform {
  required_providers {
    interakt = { source = "interakt-community/interakt" }
  }
}

provider "interakt" {}
`)
	writeFile(t, filepath.Join(cli.dir, "all.tfquery.hcl"), "list \"interakt_template\" \"all\" {\n  provider = interakt\n}\n")
	out, err := cli.run("query", "-no-color")
	if err != nil || !strings.Contains(out, a.template) {
		t.Errorf("terraform query: want %s listed; got %v\n%s", a.template, err, tail(out, 2000))
	}
}

// TestAccLive_send sends the QA template once to INTERAKT_LIVE_PHONE as a
// test send (interakt_template_message), and records the send. With
// INTERAKT_LIVE_STATUS_URL, interakt_message_status reads its delivery.
func TestAccLive_send(t *testing.T) {
	t.Parallel()
	a := liveSetup(t)
	p := newLiveProxy(t, a, liveSends)
	info := liveTemplate(t, p)
	recipient, err := liveRecipient(a, a.qaPhone())
	if err != nil {
		t.Fatal(err)
	}
	config := templateDeclaration(info) + fmt.Sprintf(`
resource "interakt_template_message" "live" {
  template      = interakt_template.live.contract
  %s
  callback_data = "tf-acc"
%s  triggers      = { run = %q }
}
`, recipient, templateValues(t, info), liveDate())
	checks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue("interakt_template_message.live", tfjsonpath.New("id"), knownvalue.NotNull()),
	}
	if a.statusURL != "" {
		// Its delivery, from the status receiver: delivered or read.
		config += `
data "interakt_message_status" "live" {
  id       = interakt_template_message.live.id
  wait_for = "delivered"
  timeout  = "5m"
}
`
		checks = append(checks, statecheck.ExpectKnownValue("data.interakt_message_status.live", tfjsonpath.New("delivered_at"), knownvalue.NotNull()))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(liveSeams(p)),
		Steps:                    []resource.TestStep{{Config: config, ConfigStateChecks: checks}},
	})
	if t.Failed() {
		return
	}
	p.record(t, "send.json", http.MethodPost, wire.MessagePath, nil, "")
}

// TestAccLive_sendAction sends the QA template once with the
// interakt_send_template action.
func TestAccLive_sendAction(t *testing.T) {
	t.Parallel()
	requireTerraform114(t, "action blocks")
	a := liveSetup(t)
	p := newLiveProxy(t, a, liveSends)
	info := liveTemplate(t, p)
	recipient, err := liveRecipient(a, a.qaPhone())
	if err != nil {
		t.Fatal(err)
	}
	config := templateDeclaration(info) + fmt.Sprintf(`
action "interakt_send_template" "live" {
  config {
    template      = interakt_template.live.contract
    %s
    callback_data = "tf-acc"
  %s  }
}

resource "terraform_data" "live" {
  input = %q
  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.interakt_send_template.live]
    }
  }
}
`, recipient, templateValues(t, info), liveDate())
	var sent int
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(liveSeams(p)),
		Steps: []resource.TestStep{{
			Config: config,
			Check: func(*terraform.State) error {
				for _, s := range p.Exchanges() {
					if s.Path == wire.MessagePath && s.Status < 300 {
						sent++
					}
				}
				if sent != 1 {
					return fmt.Errorf("the action sent %d messages; want 1", sent)
				}
				return nil
			},
		}},
	})
}

// TestAccLive_campaign sends the QA template once under an API campaign
// named tf-acc-<date> (interakt_campaign), and asks whether Interakt
// refuses a send naming another template's API campaign. With
// INTERAKT_LIVE_STATUS_URL it reads the campaign message's status.
func TestAccLive_campaign(t *testing.T) {
	t.Parallel()
	a := liveSetup(t)
	p := newLiveProxy(t, a, liveSends)
	info := liveTemplate(t, p)
	recipient, err := liveRecipient(a, a.qaPhone())
	if err != nil {
		t.Fatal(err)
	}
	name := "tf-acc-" + liveDate()
	config := templateDeclaration(info) + fmt.Sprintf(`
resource "interakt_campaign" "live" {
  template          = interakt_template.live.contract
  api_campaign_name = %q
  callback_data     = "tf-acc"
  recipients = {
    qa = {
      %s
    %s}
  }
}
`, name, recipient, templateValues(t, info))
	var messageID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(liveSeams(p)),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("interakt_campaign.live", tfjsonpath.New("api_campaign_id"), knownvalue.NotNull()),
			},
			Check: func(s *terraform.State) error {
				messageID = s.RootModule().Resources["interakt_campaign.live"].Primary.Attributes["results.qa.message_id"]
				return nil
			},
		}},
	})
	if t.Failed() {
		return
	}
	p.record(t, "create_campaign.json", http.MethodPost, wire.CreateCampaignPath, nil, campaignIDObserved(p.Exchanges()))
	p.record(t, "send_api_campaign.json", http.MethodPost, wire.MessagePath, hasField("campaignId"), "")
	liveOtherCampaign(t, p, info)
	if a.statusURL != "" && messageID != "" {
		liveCampaignStatus(t, p, messageID)
	}
}

// hasField picks an exchange whose request has the field.
func hasField(name string) func(wire.Shape, url.Values) bool {
	return func(s wire.Shape, _ url.Values) bool { _, ok := s.Request[name]; return ok }
}

// campaignIDObserved says where create-campaign's answer put the id.
func campaignIDObserved(exchanges []wire.Shape) string {
	for _, s := range slices.Backward(exchanges) {
		if s.Path != wire.CreateCampaignPath {
			continue
		}
		var at []string
		for _, f := range []string{"data.campaignId", "data.campaign_id", "data.id", "id"} {
			if s.Answer[f] == "string" {
				at = append(at, f)
			}
		}
		if len(at) == 0 {
			return "no id at data.campaignId, data.campaign_id, data.id or id"
		}
		return "id at " + strings.Join(at, " and ")
	}
	return ""
}

// liveOtherCampaign creates an API campaign for another approved template
// of the account and sends the QA template naming it: whether Interakt
// refuses it. The send counts against the cap whatever the answer.
func liveOtherCampaign(t *testing.T, p *liveProxy, info wire.TemplateInfo) {
	t.Helper()
	c := liveClient(t, p)
	ctx := liveContext(t)
	approved, err := c.ListTemplates(ctx, wire.ApprovalApproved)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(approved, func(o wire.TemplateInfo) bool { return o.Name != info.Name })
	if i < 0 {
		t.Logf("send_other_campaign.json: the account has no second approved template to ask with")
		return
	}
	id, err := c.CreateAPICampaign(ctx, wire.CreateCampaign{
		CampaignName: "tf-acc-" + liveDate() + "-other", CampaignType: wire.CampaignTypePublicAPI,
		TemplateName: approved[i].Name, LanguageCode: approved[i].Language,
	})
	if err != nil {
		t.Fatal(err)
	}
	msg := wire.Message{CountryCode: p.account.countryCode, PhoneNumber: p.account.phoneNumber, Type: wire.MessageTypeTemplate,
		CallbackData: "tf-acc", CampaignID: id, Template: liveTemplateValues(info)}
	observed := "accepted: Interakt does not check that campaignId is the template's"
	if _, err := c.SendTemplate(ctx, msg); err != nil {
		observed = "refused: " + client.KindOf(err).String()
	}
	p.record(t, "send_other_campaign.json", http.MethodPost, wire.MessagePath, hasField("campaignId"), observed)
}

// liveTemplateValues are templateValues as a send's template.
func liveTemplateValues(info wire.TemplateInfo) wire.Template {
	tmpl := wire.Template{Name: info.Name, LanguageCode: info.Language}
	if info.HeaderFormat == "TEXT" && variablePattern.MatchString(info.Header) {
		tmpl.HeaderValues = []string{"tf-acc"}
	}
	for range slices.Compact(slices.Sorted(slices.Values(variablePattern.FindAllString(info.Body, -1)))) {
		tmpl.BodyValues = append(tmpl.BodyValues, "tf-acc")
	}
	for i, btn := range info.Buttons {
		if btn.Type == "URL" && variablePattern.MatchString(btn.URL) {
			if tmpl.ButtonValues == nil {
				tmpl.ButtonValues = map[string][]string{}
			}
			tmpl.ButtonValues[fmt.Sprint(i)] = []string{"tf-acc"}
		}
	}
	return tmpl
}

// liveCampaignStatus waits with interakt_message_status for the delivery
// of the API campaign's message, read from the receiver at
// INTERAKT_LIVE_STATUS_URL, and
// records the receiver's answer: campaign_id set means its webhooks named
// the campaign.
func liveCampaignStatus(t *testing.T, p *liveProxy, id string) {
	t.Helper()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(liveSeams(p)),
		Steps: []resource.TestStep{{
			// Delivered, or read: a later status counts as reached.
			Config: fmt.Sprintf("data \"interakt_message_status\" \"live\" {\n  id       = %q\n  wait_for = \"delivered\"\n  timeout  = \"5m\"\n}\n", id),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.interakt_message_status.live", tfjsonpath.New("delivered_at"), knownvalue.NotNull()),
			},
		}},
	})
	req, err := http.NewRequestWithContext(liveContext(t), http.MethodGet, strings.TrimSuffix(p.account.statusURL, "/")+wire.StatusPathPrefix+id, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+p.account.statusToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	answer, err := wire.ShapeFields(body)
	if err != nil {
		t.Fatal(err)
	}
	observed := "no campaign_id: the webhooks did not name the API campaign (message_api_*)"
	if answer["campaign_id"] == "string" {
		observed = "campaign_id set: the webhooks named the API campaign (message_campaign_* carry it)"
	}
	writeLiveRecording(t, p.account, "status_api_campaign.json",
		wire.Shape{Method: http.MethodGet, Path: wire.StatusPathPrefix + "{id}", Status: resp.StatusCode, Answer: answer}, observed)
}

// TestAccLive_user upserts the QA user (user_id tf-acc-qa-user) and reads
// it back, then asks what the provider cannot: whether a second Track
// Users replaces its tags or adds to them, and whether Get Users filters
// by user_id.
func TestAccLive_user(t *testing.T) {
	t.Parallel()
	a := liveSetup(t)
	p := newLiveProxy(t, a, liveSends)
	recipient, err := liveRecipient(a, a.qaPhone())
	if err != nil {
		t.Fatal(err)
	}
	config := fmt.Sprintf(`
resource "interakt_user" "qa" {
  user_id = %q
  %s
  traits = {
    tf_acc_plan   = "gold"
    tf_acc_visits = 2
    tf_acc_active = true
  }
  tags = ["tf-acc"]
}
`, liveUserID, recipient)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(liveSeams(p)),
		Steps: []resource.TestStep{
			{Config: config},
			{
				// Read back: a refresh finds the user as declared.
				Config:   config,
				PlanOnly: true,
			},
		},
	})
	if t.Failed() {
		return
	}
	p.record(t, "track_users.json", http.MethodPost, wire.TrackUsersPath, hasField("traits"), liveTagsObserved(t, p))
	p.record(t, "users_by_phone.json", http.MethodPost, wire.UsersPath, nil, "")
	c := liveClient(t, p)
	_, found, err := c.FindUser(liveContext(t), client.UserKey{UserID: liveUserID})
	observed := "found: Get Users filters by user_id"
	switch {
	case err != nil:
		observed = "error: " + client.KindOf(err).String()
	case !found:
		observed = "not found: Get Users does not filter by user_id"
	}
	p.record(t, "users_by_user_id.json", http.MethodPost, wire.UsersPath, nil, observed)
	// The provider refuses nested trait values; the client sends one.
	err = c.TrackUser(liveContext(t), wire.TrackUser{UserID: liveUserID, CountryCode: a.countryCode, PhoneNumber: a.phoneNumber,
		Traits: map[string]json.RawMessage{"tf_acc_nested": json.RawMessage(`{"tf_acc_level":1}`)}})
	p.record(t, "track_users_nested.json", http.MethodPost, wire.TrackUsersPath, hasField("traits.tf_acc_nested"), acceptedObserved(err))
}

// acceptedObserved says whether Interakt accepted a request the provider
// would refuse.
func acceptedObserved(err error) string {
	if err != nil {
		return "refused (" + client.KindOf(err).String() + "): nested trait values are not accepted"
	}
	return "accepted: nested trait values are accepted"
}

// liveTagsObserved tracks the QA user again with one other tag and reads
// which tags it then has. Interakt applies Track Users after answering,
// so it waits for the new tag, up to a minute.
func liveTagsObserved(t *testing.T, p *liveProxy) string {
	t.Helper()
	c := liveClient(t, p)
	ctx := liveContext(t)
	const second = "tf-acc-second"
	if err := c.TrackUser(ctx, wire.TrackUser{UserID: liveUserID, CountryCode: p.account.countryCode, PhoneNumber: p.account.phoneNumber, Tags: []string{second}}); err != nil {
		t.Fatal(err)
	}
	key := client.UserKey{UserID: liveUserID, CountryCode: p.account.countryCode, PhoneNumber: p.account.phoneNumber}
	var tags []string
	err := waitFor(ctx, "the second tag", func() (bool, string) {
		u, found, err := c.FindUser(ctx, key)
		if err != nil || !found {
			return false, fmt.Sprint(found, err)
		}
		tags = u.Tags
		if !slices.Contains(tags, second) {
			time.Sleep(time.Second)
			return false, "tags without it"
		}
		return true, ""
	})
	switch {
	case err != nil:
		t.Error(err)
		return ""
	case slices.Contains(tags, "tf-acc"):
		return "tags added: a second Track Users keeps the user's other tags"
	default:
		return "tags replaced: a second Track Users drops the user's other tags"
	}
}

// TestAccLive_event tracks one event for the QA user, by its user_id,
// and records where Interakt's answer puts the event's id.
func TestAccLive_event(t *testing.T) {
	t.Parallel()
	a := liveSetup(t)
	p := newLiveProxy(t, a, liveSends)
	config := fmt.Sprintf(`
resource "interakt_event" "live" {
  user_id  = %q
  event    = "tf_acc_event"
  traits   = { tf_acc_step = 1 }
  triggers = { run = %q }
}
`, liveUserID, liveDate())
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(liveSeams(p)),
		Steps:                    []resource.TestStep{{Config: config}},
	})
	if t.Failed() {
		return
	}
	observed := "no id at id or data.id"
	for _, s := range p.Exchanges() {
		if s.Path == wire.TrackEventPath {
			switch {
			case s.Answer["id"] == "string":
				observed = "id at id"
			case s.Answer["data.id"] == "string":
				observed = "id at data.id"
			}
		}
	}
	p.record(t, "track_event.json", http.MethodPost, wire.TrackEventPath, nil, observed)
	// The provider refuses nested trait values; the client sends one.
	_, err := liveClient(t, p).TrackEvent(liveContext(t), wire.TrackEvent{UserID: liveUserID, Event: "tf_acc_event",
		Traits: map[string]any{"tf_acc_nested": map[string]any{"tf_acc_level": 1}}})
	p.record(t, "track_event_nested.json", http.MethodPost, wire.TrackEventPath, hasField("traits.tf_acc_nested"), acceptedObserved(err))
}

// TestAccLive_submit submits a template named tf_acc_<date> for Meta's
// review, only with INTERAKT_LIVE_SUBMIT=1 (the mock always): Interakt has
// no delete, so it stays in the account (make sweep-live lists it).
func TestAccLive_submit(t *testing.T) {
	t.Parallel()
	a := liveSetup(t)
	if !a.submit {
		t.Skipf("set %s=1 to submit a tf_acc_ template", envLiveSubmit)
	}
	p := newLiveProxy(t, a, liveSends)
	config := fmt.Sprintf(`
resource "interakt_template" "submit" {
  name          = "tf_acc_%s"
  language_code = "en"
  category      = "UTILITY"
  body          = "Test {{1}} of the Terraform provider."
  body_examples = ["1"]
  submit        = true
}
`, liveDate())
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(liveSeams(p)),
		Steps:                    []resource.TestStep{{Config: config}},
	})
	if t.Failed() {
		return
	}
	p.record(t, "create_template.json", http.MethodPost, wire.CreateTemplatePath, nil, "")
}
