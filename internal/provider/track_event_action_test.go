package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
)

// TestAccTrackEventAction_actionTrigger: the action fires the event each
// time a resource's lifecycle triggers it, and never without a trigger.
func TestAccTrackEventAction_actionTrigger(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{})
	config := func(input string) string {
		return providerBlock(srv) + fmt.Sprintf(`
action "interakt_track_event" "qa" {
  config {
    user_id      = "qa-1"
    country_code = "+91"
    phone_number = "9999999999"
    event        = "order_placed"
    traits       = { name = "Asha", amount = 2000, vip = true }
  }
}

resource "terraform_data" "release" {
  input = %q
  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.interakt_track_event.qa]
    }
  }
}
`, input)
	}
	requireTerraform114(t, "action blocks")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams().withEnv(envAPIKey, testAPIKey)),
		Steps: []resource.TestStep{
			{
				Config: config("42"),
				Check:  func(*terraform.State) error { return expectEventBodies(srv, eventBody("2000")) },
			},
			{
				Config: config("42"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: func(*terraform.State) error { return expectEventBodies(srv, eventBody("2000")) },
			},
			{
				Config: config("43"),
				Check:  func(*terraform.State) error { return expectEventBodies(srv, eventBody("2000"), eventBody("2000")) },
			},
		},
	})
}

// TestTrackEventActionProtocol_outcomes drives the action as Terraform
// does (configure, invoke with its progress stream) for each outcome.
func TestTrackEventActionProtocol_outcomes(t *testing.T) {
	t.Parallel()
	valid := func() map[string]any {
		return map[string]any{
			"user_id": "qa-1", "country_code": "+91", "phone_number": "9999999999", "event": "order_placed",
			"traits": map[string]any{"name": "Asha", "amount": 2000, "vip": true},
		}
	}
	tests := []struct {
		name       string
		provider   map[string]any
		noKey      bool
		fault      mock.Fault
		config     func(map[string]any)
		wantDiag   *wantDiag
		wantEvents []string // regular expressions, in order
		wantBodies int
	}{
		{
			name:       "fired",
			wantEvents: []string{`^Firing event order_placed\.$`, `^Fired event order_placed: event id [0-9a-f-]{36}\.$`},
			wantBodies: 1,
		},
		{
			name: "uncertain", fault: mock.FaultDropAfterBody,
			wantDiag:   &wantDiag{tfprotov6.DiagnosticSeverityWarning, "Event May Have Been Fired", "(none)"},
			wantEvents: []string{`^Firing`, `^The outcome of event order_placed is uncertain: no event id\.$`},
			wantBodies: 1,
		},
		{
			name: "dry run", provider: map[string]any{"dry_run": true},
			wantEvents: []string{`^Dry run: building`, `^Dry run: nothing fired for event order_placed: event id dry-run-[0-9a-f-]{36}\.$`},
		},
		{
			name: "no key", noKey: true,
			wantDiag: &wantDiag{tfprotov6.DiagnosticSeverityError, "Missing Interakt API Key", "(none)"},
		},
		{
			name:     "empty event name",
			config:   func(c map[string]any) { c["event"] = "" },
			wantDiag: &wantDiag{tfprotov6.DiagnosticSeverityError, "Empty Event Name", "event"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newTestMock(t, mock.Options{})
			if tc.fault != mock.FaultNone {
				srv.SetEventFault(1, tc.fault)
			}
			seams := testSeams()
			if !tc.noKey {
				seams = seams.withEnv(envAPIKey, testAPIKey)
			}
			p := newProtocolServer(t, seams)
			providerConfig := map[string]any{"base_url": srv.URL()}
			for k, v := range tc.provider {
				providerConfig[k] = v
			}
			if diags := p.configure(providerConfig); hasErrorDiag(diags) {
				t.Fatalf("configure:\n%s", diagString(diags))
			}
			config := valid()
			if tc.config != nil {
				tc.config(config)
			}
			events, diags := p.invokeAction("interakt_track_event", config)
			if tc.wantDiag != nil {
				if findDiag(diags, *tc.wantDiag) == nil {
					t.Errorf("want %v; got:\n%s", *tc.wantDiag, diagString(diags))
				}
			} else if len(diags) != 0 {
				t.Errorf("unexpected diagnostics:\n%s", diagString(diags))
			}
			if len(events) != len(tc.wantEvents) {
				t.Fatalf("progress %q; want %d events matching %q", events, len(tc.wantEvents), tc.wantEvents)
			}
			for i, re := range tc.wantEvents {
				if !regexp.MustCompile(re).MatchString(events[i]) {
					t.Errorf("event %d = %q; want a match of %s", i, events[i], re)
				}
			}
			if n := len(srv.EventRequests()); n != tc.wantBodies {
				t.Errorf("the mock saw %d event requests; want %d", n, tc.wantBodies)
			}
			if tc.wantBodies == 1 {
				if err := expectEventBodies(srv, eventBody("2000")); err != nil {
					t.Error(err)
				}
			}
			for _, e := range events {
				if strings.Contains(e, "9999999999") {
					t.Errorf("progress %q names the user", e)
				}
			}
		})
	}
}
