package provider

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
)

// eventType is the test event resource.
const eventType = "interakt_event"

// eventConfig is a QA user's order_placed event with typed traits.
func eventConfig(srv *mock.Server, amount, release string) string {
	return providerBlock(srv) + fmt.Sprintf(`
resource "interakt_event" "qa" {
  user_id      = "qa-1"
  country_code = "+91"
  phone_number = "9999999999"
  event        = "order_placed"
  traits = {
    name   = "Asha"
    amount = %s
    vip    = true
  }
  triggers = { release = %q }
}
`, amount, release)
}

// eventBody is the exact body eventConfig fires.
func eventBody(amount string) string {
	return `{"userId":"qa-1","phoneNumber":"9999999999","countryCode":"+91","event":"order_placed",` +
		`"traits":{"amount":` + amount + `,"name":"Asha","vip":true}}`
}

// expectEventBodies checks the bodies of the events the mock accepted.
func expectEventBodies(srv *mock.Server, want ...string) error {
	events := srv.TrackedEvents()
	if len(events) != len(want) {
		return fmt.Errorf("the mock accepted %d events; want %d", len(events), len(want))
	}
	for i, e := range events {
		if string(e.Body) != want[i] {
			return fmt.Errorf("event %d body:\n got %s\nwant %s", i+1, e.Body, want[i])
		}
	}
	return nil
}

// TestAccEvent_firedOncePerTriggersChange: an event is fired on create,
// never by a plain re-apply, never by a trait change (an in-place update),
// and once more when triggers change. The mock's ongoing campaign sends
// its template for each fired event.
func TestAccEvent_firedOncePerTriggersChange(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{OngoingCampaigns: []mock.OngoingCampaign{
		{ID: "ongoing-1", Event: "order_placed", Template: "order_shipped", BodyTraits: []string{"name", "amount"}},
	}})
	addr := eventType + ".qa"
	var firstID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams().withEnv(envAPIKey, testAPIKey)),
		Steps: []resource.TestStep{
			{
				Config: eventConfig(srv, "2000", "1"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact(eventFired)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("fired_at"), rfc3339Check()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("traits").AtMapKey("amount"), knownvalue.Int64Exact(2000)),
				},
				Check: func(s *terraform.State) error {
					if err := expectEventBodies(srv, eventBody("2000")); err != nil {
						return err
					}
					firstID = s.RootModule().Resources[addr].Primary.Attributes["id"]
					if firstID != srv.TrackedEvents()[0].ID {
						return fmt.Errorf("state id %q, the mock's %q", firstID, srv.TrackedEvents()[0].ID)
					}
					msgs := srv.CampaignMessages()
					if len(msgs) != 1 || msgs[0].EventID != firstID || strings.Join(msgs[0].Message.Template.BodyValues, "|") != "Asha|2000" {
						return fmt.Errorf("ongoing campaign messages: %+v", msgs)
					}
					return nil
				},
			},
			{
				// A plain re-apply fires nothing.
				Config: eventConfig(srv, "2000", "1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: func(*terraform.State) error { return expectEventBodies(srv, eventBody("2000")) },
			},
			{
				// A changed trait is an in-place update that fires nothing.
				Config: eventConfig(srv, "2500", "1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("traits").AtMapKey("amount"), knownvalue.Int64Exact(2500)),
				},
				Check: func(s *terraform.State) error {
					if id := s.RootModule().Resources[addr].Primary.Attributes["id"]; id != firstID {
						return fmt.Errorf("id changed from %s to %s without a new event", firstID, id)
					}
					return expectEventBodies(srv, eventBody("2000"))
				},
			},
			{
				// New triggers fire the event again, with the current traits.
				Config: eventConfig(srv, "2500", "2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: func(s *terraform.State) error {
					if err := expectEventBodies(srv, eventBody("2000"), eventBody("2500")); err != nil {
						return err
					}
					if id := s.RootModule().Resources[addr].Primary.Attributes["id"]; id != srv.TrackedEvents()[1].ID {
						return fmt.Errorf("state id %s, the mock's %s", id, srv.TrackedEvents()[1].ID)
					}
					if n := len(srv.CampaignMessages()); n != 2 {
						return fmt.Errorf("the ongoing campaign sent %d messages; want 2", n)
					}
					return nil
				},
			},
		},
	})
}

// TestAccEvent_uncertainIsNotFiredAgain: an event whose answer was lost is
// saved as uncertain with a warning, and a re-apply fires nothing.
func TestAccEvent_uncertainIsNotFiredAgain(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{})
	srv.SetEventFault(1, mock.FaultDropAfterBody)
	rec := &diagRecorder{}
	addr := eventType + ".qa"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(testSeams().withEnv(envAPIKey, testAPIKey)),
		Steps: []resource.TestStep{
			{
				Config: eventConfig(srv, "2000", "1"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact(sendUncertain)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("fired_at"), rfc3339Check()),
				},
				Check: func(*terraform.State) error {
					if err := expectEventBodies(srv, eventBody("2000")); err != nil {
						return err
					}
					w := rec.findWarning("Event May Have Been Fired")
					if w == nil {
						return fmt.Errorf("no uncertain-event warning; apply diagnostics:\n%s", diagString(rec.all()))
					}
					if !strings.Contains(w.Detail, `status = "uncertain"`) || strings.Contains(w.Detail, "9999999999") {
						return fmt.Errorf("warning detail: %s", w.Detail)
					}
					return nil
				},
			},
			{
				Config: eventConfig(srv, "2000", "1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: func(*terraform.State) error { return expectEventBodies(srv, eventBody("2000")) },
			},
		},
	})
}

// TestAccEvent_badConfigurations: each rule of an event's inputs is an
// error at plan, at the attribute that breaks it, and nothing is fired.
func TestAccEvent_badConfigurations(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{})
	config := func(body string) string {
		return providerBlock(srv) + "resource \"interakt_event\" \"bad\" {\n" + body + "\n}\n"
	}
	cases := []struct {
		name, body, want string
	}{
		{"no identity", `event = "order_placed"`, `No User for the Event[\s\S]*user_id`},
		{"empty user id", "user_id = \"\"\nevent = \"order_placed\"", `Empty User ID`},
		{"phone without country code", "phone_number = \"9999999999\"\nevent = \"order_placed\"", `Missing Country Code[\s\S]*country_code`},
		{"phone invalid for its country", "country_code = \"+91\"\nphone_number = \"99999\"\nevent = \"order_placed\"",
			`phone_number[\s\S]*digits`},
		{"empty event name", "user_id = \"qa-1\"\nevent = \"\"", `Empty Event Name[\s\S]*event`},
		{"object trait", "user_id = \"qa-1\"\nevent = \"order_placed\"\ntraits = { address = { city = \"Pune\" } }",
			`Trait Not Flat[\s\S]*traits\["address"\]`},
		{"list trait", "user_id = \"qa-1\"\nevent = \"order_placed\"\ntraits = { items = [1, 2] }", `Trait Not Flat`},
		{"traits not an object", "user_id = \"qa-1\"\nevent = \"order_placed\"\ntraits = \"vip\"", `Traits Not an Object`},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      config(c.body),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(c.want),
		})
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams().withEnv(envAPIKey, testAPIKey)),
		Steps:                    steps,
	})
	if n := len(srv.EventRequests()); n != 0 {
		t.Errorf("bad configurations made %d event requests", n)
	}
}

// TestEventPlan_onlyTriggersReplace: a change of triggers plans a
// replacement (a new event); a change of any other input plans an
// in-place update with a warning at the attribute, and no replacement.
func TestEventPlan_onlyTriggersReplace(t *testing.T) {
	t.Parallel()
	p := newProtocolServer(t, testSeams())
	base := map[string]any{
		"user_id": "qa-1", "country_code": "+91", "phone_number": "9999999999", "event": "order_placed",
		"traits": map[string]any{"amount": 2000, "vip": true}, "triggers": map[string]any{"release": "1"},
	}
	prior := p.value(p.resourceType(eventType), withEventComputed(base))
	changes := map[string]any{
		"user_id":      "qa-2",
		"phone_number": "9999999998",
		"event":        "order_cancelled",
		"traits":       map[string]any{"amount": 2500, "vip": true},
	}
	for name, value := range changes {
		t.Run(name, func(t *testing.T) {
			config := map[string]any{}
			for k, v := range base {
				config[k] = v
			}
			config[name] = value
			resp := p.planUpdate(eventType, prior, config)
			if len(resp.RequiresReplace) != 0 || hasErrorDiag(resp.Diagnostics) {
				t.Fatalf("RequiresReplace = %v, diagnostics:\n%s", resp.RequiresReplace, diagString(resp.Diagnostics))
			}
			if findDiag(resp.Diagnostics, wantDiag{tfprotov6.DiagnosticSeverityWarning, "Event Not Fired Again", name}) == nil {
				t.Errorf("no warning at %s:\n%s", name, diagString(resp.Diagnostics))
			}
		})
	}
	t.Run("triggers", func(t *testing.T) {
		config := map[string]any{}
		for k, v := range base {
			config[k] = v
		}
		config["triggers"] = map[string]any{"release": "2"}
		resp := p.planUpdate(eventType, prior, config)
		if len(resp.RequiresReplace) != 1 || attrPathString(resp.RequiresReplace[0]) != "triggers" {
			t.Errorf("RequiresReplace = %v; want [triggers]", resp.RequiresReplace)
		}
		if findDiag(resp.Diagnostics, wantDiag{tfprotov6.DiagnosticSeverityWarning, "Event Not Fired Again", "traits"}) != nil {
			t.Errorf("a replacement warns that nothing fires:\n%s", diagString(resp.Diagnostics))
		}
	})
}

func withEventComputed(config map[string]any) map[string]any {
	out := make(map[string]any, len(config)+4)
	for k, v := range config {
		out[k] = v
	}
	out["id"], out["status"], out["fired_at"], out["attempt_id"] = "event-id", eventFired, "2026-01-02T03:04:05Z", nil
	return out
}

// TestAccEvent_identicalEventsEachFire applies two interakt_events with
// the same inputs and triggers, which share a journal key: each fires its
// own event (the mock receives two), each state holds its own id, and the
// plan after is clean.
func TestAccEvent_identicalEventsEachFire(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{})
	config := providerBlock(srv)
	for _, name := range []string{"a", "b"} {
		config += fmt.Sprintf(`
resource "interakt_event" %q {
  country_code = "+91"
  phone_number = "9999999999"
  event        = "order_placed"
  traits       = { amount = 2000 }
}
`, name)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams().withEnv(envAPIKey, testAPIKey)),
		Steps: []resource.TestStep{{
			Config: config,
			Check: func(s *terraform.State) error {
				body := `{"phoneNumber":"9999999999","countryCode":"+91","event":"order_placed","traits":{"amount":2000}}`
				if err := expectEventBodies(srv, body, body); err != nil {
					return err
				}
				a := s.RootModule().Resources[eventType+".a"].Primary.Attributes["id"]
				b := s.RootModule().Resources[eventType+".b"].Primary.Attributes["id"]
				ids := []string{srv.TrackedEvents()[0].ID, srv.TrackedEvents()[1].ID}
				if a == b || !slices.Contains(ids, a) || !slices.Contains(ids, b) {
					return fmt.Errorf("state ids %q and %q, the mock's %q", a, b, ids)
				}
				return nil
			},
		}},
	})
}
