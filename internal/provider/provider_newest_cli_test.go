package provider

import (
	"strings"
	"testing"

	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
)

// newestCLIConfig declares one of everything the provider sends with, on
// Terraform 1.16: a reference template, a test send, a user, an event, an
// API campaign of two recipients, and an action set off by action_trigger
// with on_failure = continue. actionPhone is the action's number.
func newestCLIConfig(actionPhone string) string {
	return `terraform {
  required_version = ">= 1.16.0"
  required_providers {
    interakt = { source = "interakt-community/interakt" }
  }
}

provider "interakt" {}

resource "interakt_template" "order_shipped" {
  name          = "order_shipped"
  language_code = "en"
  category      = "UTILITY"
  header        = { format = "TEXT", text = "Order {{1}}" }
  body          = "Hi {{1}}, your order {{2}} has shipped."
  buttons = [
    { type = "URL", text = "Track", url = "https://shop.example.com/track/{{1}}" },
    { type = "QUICK_REPLY", text = "Stop updates" },
  ]
}

resource "interakt_template_message" "smoke" {
  template      = interakt_template.order_shipped.contract
  country_code  = "+91"
  phone_number  = "9811100001"
  header_values = ["A-1"]
  body_values   = ["Asha", "A-1"]
  button_values = { "0" = ["A-1"] }
  triggers      = { release = "42" }
}

resource "interakt_user" "qa" {
  user_id      = "qa-newest"
  country_code = "+91"
  phone_number = "9811100002"
  traits       = { name = "Asha (QA)", amount = 2000 }
}

resource "interakt_event" "placed" {
  user_id      = interakt_user.qa.user_id
  country_code = interakt_user.qa.country_code
  phone_number = interakt_user.qa.phone_number
  event        = "order_placed"
  traits       = { amount = 2000 }
  triggers     = { release = "42" }
}

resource "interakt_campaign" "launch" {
  template          = interakt_template.order_shipped.contract
  api_campaign_name = "launch-42"
  recipients = {
    a = { country_code = "+91", phone_number = "9811100003", header_values = ["B-1"], body_values = ["Ravi", "B-1"], button_values = { "0" = ["B-1"] } }
    b = { country_code = "+91", phone_number = "9811100004", header_values = ["C-1"], body_values = ["Meera", "C-1"], button_values = { "0" = ["C-1"] } }
  }
}

action "interakt_send_template" "after_release" {
  config {
    template      = interakt_template.order_shipped.contract
    country_code  = "+91"
    phone_number  = "` + actionPhone + `"
    header_values = ["D-1"]
    body_values   = ["Kiran", "D-1"]
    button_values = { "0" = ["D-1"] }
  }
}

resource "terraform_data" "release" {
  input = "42"
  lifecycle {
    action_trigger {
      events     = [after_create, after_update]
      actions    = [action.interakt_send_template.after_release]
      on_failure = continue
    }
  }
}
`
}

// newestCLI starts the configuration on the acceptance CLI (skipped below
// Terraform 1.16) against srv.
func newestCLI(t *testing.T, srv *mock.Server, config string) *cliTerraform {
	t.Helper()
	env := &testEnv{}
	env.set(envAPIKey, testAPIKey)
	env.set(envBaseURL, srv.URL())
	return newCLITerraform(t, env.seams(), config)
}

// TestAccNewestCLIAppliesOnce applies everything once on Terraform 1.16:
// each request reaches the mock once, and the plan after is clean
// (`-detailed-exitcode` 0), so nothing is sent again.
func TestAccNewestCLIAppliesOnce(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{})
	cli := newestCLI(t, srv, newestCLIConfig("9811100005"))

	if out, err := cli.run("apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
		t.Fatalf("terraform apply: %v\n%s", err, out)
	}
	sends := map[string]int{}
	for _, m := range srv.Sent() {
		sends[m.Message.PhoneNumber]++
	}
	for _, phone := range []string{"9811100001", "9811100003", "9811100004", "9811100005"} {
		if sends[phone] != 1 {
			t.Errorf("messages to %s: %d, want 1 (all: %v)", phone, sends[phone], sends)
		}
	}
	if n := srv.SentCount(); n != 4 {
		t.Errorf("the apply sent %d messages, want 4 (test send, two recipients, the action)", n)
	}
	if n := len(srv.TrackedEvents()); n != 1 {
		t.Errorf("events fired: %d, want 1", n)
	}
	if n := len(srv.TrackUserRequests()); n != 1 {
		t.Errorf("Track Users requests: %d, want 1", n)
	}
	if n := len(srv.APICampaigns()); n != 1 {
		t.Errorf("API campaigns created: %d, want 1", n)
	}

	if code, out := cli.planExitCode(); code != 0 {
		t.Fatalf("the plan after the apply exited %d, want 0 (no changes):\n%s", code, out)
	}
	if out, err := cli.run("apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
		t.Fatalf("second terraform apply: %v\n%s", err, out)
	}
	if n, events, campaigns := srv.SentCount(), len(srv.TrackedEvents()), len(srv.APICampaigns()); n != 4 || events != 1 || campaigns != 1 {
		t.Errorf("after the second apply: %d messages, %d events, %d API campaigns; want 4, 1, 1", n, events, campaigns)
	}
}

// TestAccNewestCLIActionFailureContinues: with on_failure = continue, an
// action whose send Interakt refuses is reported and the apply goes on;
// the resources are created and the plan after is clean.
func TestAccNewestCLIActionFailureContinues(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{})
	const refused = "9811100006"
	srv.SetRejectPhone(refused, "", true)
	cli := newestCLI(t, srv, newestCLIConfig(refused))

	out, err := cli.run("apply", "-auto-approve", "-input=false", "-no-color")
	if err != nil {
		t.Fatalf("terraform apply failed although on_failure = continue: %v\n%s", err, out)
	}
	if !strings.Contains(out, "Apply complete!") {
		t.Errorf("the apply did not complete:\n%s", out)
	}
	refusedRequests := 0
	for _, r := range srv.SendRequests() {
		if strings.Contains(string(r.Body), refused) {
			refusedRequests++
		}
	}
	if refusedRequests != 1 {
		t.Errorf("requests for the refused number: %d, want 1 (the action is never retried)", refusedRequests)
	}
	if n := srv.SentCount(); n != 3 {
		t.Errorf("the apply sent %d messages, want 3 (test send and two recipients)", n)
	}
	if code, out := cli.planExitCode(); code != 0 {
		t.Fatalf("the plan after the apply exited %d, want 0 (no changes):\n%s", code, out)
	}
}
