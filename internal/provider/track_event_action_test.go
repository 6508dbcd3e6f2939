package provider

import (
	"fmt"
	"testing"

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
