package provider

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// guardAccount is a live account on an in-process mock, whose requests
// the test can read, with a cap of maxSends.
func guardAccount(t *testing.T, maxSends int) (*liveAccount, *mock.Server) {
	t.Helper()
	srv := newTestMock(t, mock.Options{RateLimit: -1})
	return &liveAccount{
		baseURL: srv.URL(), apiKey: testAPIKey, countryCode: "+91", phoneNumber: "9999999999",
		template: "order_shipped", language: "en", maxSends: maxSends, recordDir: t.TempDir(), window: testWindow,
	}, srv
}

// guardMessage is a valid send of order_shipped to countryCode and phone.
func guardMessage(countryCode, phone string) wire.Message {
	return wire.Message{CountryCode: countryCode, PhoneNumber: phone, Type: wire.MessageTypeTemplate, Template: wire.Template{
		Name: "order_shipped", LanguageCode: "en", HeaderValues: []string{"A-1"}, BodyValues: []string{"Asha", "A-1"},
		ButtonValues: map[string][]string{"0": {"A-1"}},
	}}
}

// TestLiveHarness_refusesAnotherRecipient: a recipient other than the QA
// phone is refused before any request leaves, by the configuration
// generator, by the proxy for a send, a user and an event, and through
// Terraform; the mock receives none of them.
func TestLiveHarness_refusesAnotherRecipient(t *testing.T) {
	t.Parallel()
	a, srv := guardAccount(t, 5)
	if _, err := liveRecipient(a, "+918888888888"); err == nil || !strings.Contains(err.Error(), envLivePhone) {
		t.Errorf("the configuration of another recipient: %v; want a refusal naming %s", err, envLivePhone)
	}
	if hcl, err := liveRecipient(a, "+919999999999"); err != nil || !strings.Contains(hcl, `"9999999999"`) {
		t.Errorf("the QA phone: %q %v", hcl, err)
	}
	p := newLiveProxy(t, a, &liveSendCount{})
	c := liveClient(t, p)
	ctx := context.Background()
	if _, err := c.SendTemplate(ctx, guardMessage("+91", "8888888888")); err == nil {
		t.Error("a send to another phone went through the proxy")
	}
	if _, err := c.SendTemplate(ctx, guardMessage("+1", "9999999999")); err == nil {
		t.Error("a send to the QA number in another country went through the proxy")
	}
	if err := c.TrackUser(ctx, wire.TrackUser{UserID: liveUserID, CountryCode: "+91", PhoneNumber: "8888888888"}); err == nil {
		t.Error("a user with another phone went through the proxy")
	}
	if _, err := c.TrackEvent(ctx, wire.TrackEvent{UserID: "customer-1", Event: "tf_acc_event"}); err == nil {
		t.Error("an event of a user not tf-acc- went through the proxy")
	}
	// Through Terraform, a configuration not made by the generator.
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(liveSeams(p)),
		Steps: []resource.TestStep{{
			Config: `
resource "interakt_template_message" "other" {
  template      = { name = "welcome_message", language_code = "en", header_format = "NONE", body_variables = 0 }
  country_code  = "+91"
  phone_number  = "8888888888"
}
`,
			ExpectError: regexp.MustCompile(`refused by the live harness`),
		}},
	})
	// Only the plan's check of the template against the account's listing
	// reaches the mock.
	for _, r := range srv.Requests() {
		if r.Path != wire.TemplatesPath {
			t.Errorf("the mock received %s %s; want no send, user or event", r.Method, r.Path)
		}
	}
	if got := p.Refused(); len(got) < 5 {
		t.Errorf("the proxy refused %d requests: %q; want at least 5", len(got), got)
	}
}

// TestLiveHarness_sendCapStopsTheRun: with a cap of two messages, a
// campaign of three QA sends stops at two; the third never reaches the
// mock, and the run's later sends are refused too.
func TestLiveHarness_sendCapStopsTheRun(t *testing.T) {
	t.Parallel()
	a, srv := guardAccount(t, 2)
	sends := &liveSendCount{}
	p := newLiveProxy(t, a, sends)
	c := liveClient(t, p)
	for i := range 3 {
		_, err := c.SendTemplate(context.Background(), guardMessage("+91", "9999999999"))
		if (err == nil) != (i < 2) {
			t.Errorf("send %d: %v", i+1, err)
		}
	}
	// A Terraform send in the same run is refused as well.
	recipient, err := liveRecipient(a, a.qaPhone())
	if err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(liveSeams(p)),
		Steps: []resource.TestStep{{
			Config: `
resource "interakt_template_message" "capped" {
  template    = { name = "welcome_message", language_code = "en", header_format = "NONE", body_variables = 0 }
  ` + recipient + `
}
`,
			ExpectError: regexp.MustCompile(`refused by the live harness[\s\S]*cap of 2 messages`),
		}},
	})
	if got := srv.SentCount(); got != 2 || sends.count() != 2 {
		t.Errorf("the mock received %d messages and the run counted %d; want 2 each", got, sends.count())
	}
}

// TestLiveMissingNamesWhatIsNeeded: without the live settings, one line
// names each variable a live run needs; with them, nothing.
func TestLiveMissingNamesWhatIsNeeded(t *testing.T) {
	t.Parallel()
	line := liveMissing(func(string) string { return "" })
	for _, name := range []string{envLive + "=1", envAPIKey, envLivePhone, envLiveTemplate} {
		if !strings.Contains(line, name) || strings.Contains(line, "\n") {
			t.Errorf("%q: want one line naming %s", line, name)
		}
	}
	all := map[string]string{envLive: "1", envAPIKey: "k", envLivePhone: "+919999999999", envLiveTemplate: "order_shipped"}
	if line := liveMissing(func(k string) string { return all[k] }); line != "" {
		t.Errorf("with every setting: %q", line)
	}
	all[envLivePhone] = "9999999999"
	if _, err := liveAccountFromEnv(func(k string) string { return all[k] }); err == nil || !strings.Contains(err.Error(), envLivePhone) {
		t.Errorf("a QA phone without its country code: %v", err)
	}
}

// TestLiveSweep_listsWhatARunLeft: after what a live run does to an
// account (the QA user tagged and given traits, a tf_acc_ template
// submitted), the sweeper lists the user's tf-acc tags and traits and the
// template, each with why it cannot be removed; with no settings it
// prints one line naming them.
func TestLiveSweep_listsWhatARunLeft(t *testing.T) {
	t.Parallel()
	a, _ := guardAccount(t, 5)
	a.submit = true
	c := liveClient(t, newLiveProxy(t, a, &liveSendCount{}))
	ctx := context.Background()
	if err := c.TrackUser(ctx, wire.TrackUser{UserID: liveUserID, CountryCode: a.countryCode, PhoneNumber: a.phoneNumber,
		Traits: map[string]json.RawMessage{"tf_acc_plan": json.RawMessage(`"gold"`), "name": json.RawMessage(`"QA"`)}, Tags: []string{"tf-acc", "qa"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateTemplate(ctx, wire.CreateTemplate{DisplayName: "tf_acc_20261207", Language: "English", Category: "Utility",
		Body: "Test {{1}} of the Terraform provider.", BodyText: []string{"1"}}); err != nil {
		t.Fatal(err)
	}
	lines, err := sweepReport(ctx, c, a)
	if err != nil {
		t.Fatal(err)
	}
	report := strings.Join(lines, "\n")
	for _, want := range []string{
		"user tf-acc-qa-user: tags tf-acc; traits tf_acc_plan. Cannot remove",
		"template tf_acc_20261207:en: WAITING. Cannot remove",
		"API campaigns tf-acc-*",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("the sweep report lacks %q:\n%s", want, report)
		}
	}
	var out strings.Builder
	if err := sweepLive(func(string) string { return "" }, &out); err != nil || strings.Count(out.String(), "\n") != 1 ||
		!strings.Contains(out.String(), envLivePhone) {
		t.Errorf("a sweep with no settings: %v %q; want one line naming %s", err, out.String(), envLivePhone)
	}
}
