package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
)

const qaUserAddr = "interakt_user.qa"

// userMockVariant is a way the mock answers the user APIs; user tests run
// against each that they can.
type userMockVariant struct {
	name string
	opts mock.Options
}

// userMockVariants: the mock's defaults; Track Users applied after its
// answer, as Interakt does (a lag shorter than a step, so later steps see
// it applied); and Get Users answers without user_id, the shape
// integrators read.
var userMockVariants = []userMockVariant{
	{name: "immediate"},
	{name: "apply_lag", opts: mock.Options{UserApplyLag: 500 * time.Millisecond}},
	{name: "without_user_id", opts: mock.Options{UsersWithoutUserID: true}},
}

// forUserMocks runs test as a subtest against each variant but those
// skipped.
func forUserMocks(t *testing.T, test func(t *testing.T, srv *mock.Server), skip ...string) {
	t.Helper()
	for _, v := range userMockVariants {
		if slices.Contains(skip, v.name) {
			continue
		}
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			test(t, newTestMock(t, v.opts))
		})
	}
}

// qaUserConfig is a QA user with typed traits and tags; amount is written
// into the configuration as a number.
func qaUserConfig(srv *mock.Server, amount string) string {
	return providerBlock(srv) + fmt.Sprintf(`
resource "interakt_user" "qa" {
  user_id      = "qa-asha"
  country_code = "+91"
  phone_number = "9999999999"
  traits = {
    name   = "Asha QA"
    amount = %s
    vip    = true
    score  = 4.5
    pin    = "0560"
  }
  tags = ["qa", "beta"]
}
`, amount)
}

// expectTrackBodies fails unless the mock received exactly these Track
// Users bodies, byte for byte.
func expectTrackBodies(srv *mock.Server, want ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got := srv.TrackUserRequests()
		if len(got) != len(want) {
			bodies := make([]string, len(got))
			for i, r := range got {
				bodies[i] = string(r.Body)
			}
			return fmt.Errorf("the mock received %d Track Users requests, want %d: %q", len(got), len(want), bodies)
		}
		for i, r := range got {
			if string(r.Body) != want[i] {
				return fmt.Errorf("Track Users request %d:\n got %s\nwant %s", i+1, r.Body, want[i])
			}
			if r.Status != 202 {
				return fmt.Errorf("Track Users request %d answered %d, want 202", i+1, r.Status)
			}
		}
		return nil
	}
}

// waitQAUser waits until the mock's only user is as ok wants: the mock
// may apply an upsert a moment after answering it (UserApplyLag).
func waitQAUser(t *testing.T, srv *mock.Server, what string, ok func(mock.User) bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		return waitFor(ctx, what, func() (bool, string) {
			users := srv.Users()
			return len(users) == 1 && ok(users[0]), fmt.Sprintf("the account holds %v", users)
		})
	}
}

const (
	qaCreateBody = `{"userId":"qa-asha","phoneNumber":"9999999999","countryCode":"+91",` +
		`"traits":{"amount":2000,"name":"Asha QA","pin":"0560","score":4.5,"vip":true},"tags":["qa","beta"]}`
	qaUpdateBody = `{"userId":"qa-asha","phoneNumber":"9999999999","countryCode":"+91",` +
		`"traits":{"amount":2500,"name":"Asha QA","pin":"0560","score":4.5,"vip":true},"tags":["qa","beta"]}`
)

// TestAccUser_typedTraitsDriftAndForget records a QA user with typed
// traits and tags, checks the exact JSON the mock received, changes a
// trait (one upsert, in place), lets the dashboard add a trait and a tag
// (no drift, nothing sent), then changes a managed trait in the dashboard
// (drift, one upsert back), and destroys (the user stays in the account).
func TestAccUser_typedTraitsDriftAndForget(t *testing.T) {
	t.Parallel()
	forUserMocks(t, testUserTypedTraitsDriftAndForget)
}

func testUserTypedTraitsDriftAndForget(t *testing.T, srv *mock.Server) {
	rec := &diagRecorder{}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(testSeams().withEnv(envAPIKey, testAPIKey)),
		CheckDestroy: func(*terraform.State) error {
			if d := rec.findWarning("User Left in Interakt"); d == nil {
				return fmt.Errorf("destroy gave no User Left in Interakt warning")
			}
			if users := srv.Users(); len(users) != 1 || users[0].UserID != "qa-asha" {
				return fmt.Errorf("after destroy the account holds %d users, want qa-asha still there", len(users))
			}
			return expectTrackBodies(srv, qaCreateBody, qaUpdateBody, qaUpdateBody)(nil)
		},
		Steps: []resource.TestStep{
			{
				Config: qaUserConfig(srv, "2000"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(qaUserAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue(qaUserAddr, tfjsonpath.New("id"), knownvalue.StringExact("qa-asha")),
				}},
				Check: expectTrackBodies(srv, qaCreateBody),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(qaUserAddr, tfjsonpath.New("traits").AtMapKey("amount"), knownvalue.Int64Exact(2000)),
					statecheck.ExpectKnownValue(qaUserAddr, tfjsonpath.New("traits").AtMapKey("vip"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(qaUserAddr, tfjsonpath.New("traits").AtMapKey("pin"), knownvalue.StringExact("0560")),
				},
			},
			{
				Config: qaUserConfig(srv, "2500"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(qaUserAddr, plancheck.ResourceActionUpdate),
				}},
				// The next step's dashboard edit comes after Interakt applied
				// this upsert: an edit within the apply lag would date the
				// user after the upsert while still listing the old amount.
				Check: resource.ComposeTestCheckFunc(
					expectTrackBodies(srv, qaCreateBody, qaUpdateBody),
					waitQAUser(t, srv, "the update applied", func(u mock.User) bool {
						return string(u.Traits["amount"]) == "2500"
					}),
				),
			},
			{
				PreConfig: func() {
					if !srv.EditUser("qa-asha", "", "", func(u *mock.User) {
						u.Traits["city"] = json.RawMessage(`"Pune"`)
						u.Tags = append(u.Tags, "dashboard")
					}) {
						t.Fatal("the mock has no user qa-asha")
					}
				},
				Config: qaUserConfig(srv, "2500"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: expectTrackBodies(srv, qaCreateBody, qaUpdateBody),
			},
			{
				PreConfig: func() {
					srv.EditUser("qa-asha", "", "", func(u *mock.User) {
						u.Traits["amount"] = json.RawMessage(`"2500"`)
						u.Tags = []string{"qa", "dashboard"}
					})
				},
				Config: qaUserConfig(srv, "2500"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(qaUserAddr, plancheck.ResourceActionUpdate),
					expectPriorValue(qaUserAddr, "tags", `["qa"]`),
					expectPriorValue(qaUserAddr, "traits", `{"amount":"2500","name":"Asha QA","pin":"0560","score":4.5,"vip":true}`),
				}},
				Check: resource.ComposeTestCheckFunc(
					waitQAUser(t, srv, "the apply's upsert applied, keeping the dashboard's trait", func(u mock.User) bool {
						return string(u.Traits["city"]) == `"Pune"` && string(u.Traits["amount"]) == "2500"
					}),
					expectTrackBodies(srv, qaCreateBody, qaUpdateBody, qaUpdateBody),
				),
			},
		},
	})
}

// TestAccUser_import imports one user by user id and one by "+CC PHONE",
// with its whole identity and every trait and tag Interakt holds, then
// applies a configuration that manages part of them: an update in place
// (not a replacement) that sends nothing, since Interakt already holds
// those values. A user named by phone and deleted in the dashboard is
// then recorded again; one named by user_id alone, which Get Users cannot
// confirm, stays with a warning; an unknown id is not imported. Importing
// by user_id needs Get Users to answer user_id, so the shape without it is
// not run.
func TestAccUser_import(t *testing.T) {
	t.Parallel()
	forUserMocks(t, testUserImport, "without_user_id")
}

func testUserImport(t *testing.T, srv *mock.Server) {
	rec := &diagRecorder{}
	srv.AddUser(mock.User{UserID: "crm-7", CountryCode: "+91", PhoneNumber: "9777777777",
		Traits: map[string]json.RawMessage{"plan": []byte(`"gold"`), "orders": []byte(`12`)}, Tags: []string{"crm"}})
	srv.AddUser(mock.User{UserID: "app-42", CountryCode: "+91", PhoneNumber: "9888888888",
		Traits: map[string]json.RawMessage{"vip": []byte(`true`)}, Tags: []string{"vip", "app"}})
	config := providerBlock(srv) + `
resource "interakt_user" "by_id" {
  user_id = "crm-7"
  traits  = { plan = "gold" }
}

resource "interakt_user" "by_phone" {
  country_code = "+91"
  phone_number = "9888888888"
  tags         = ["vip"]
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(testSeams().withEnv(envAPIKey, testAPIKey)),
		Steps: []resource.TestStep{
			{
				Config: config, ResourceName: "interakt_user.by_id", ImportState: true, ImportStateId: "crm-7", ImportStatePersist: true,
				ImportStateCheck: importedIDs("crm-7"),
			},
			{
				Config: config, ResourceName: "interakt_user.by_phone", ImportState: true, ImportStateId: "+91 98888 88888", ImportStatePersist: true,
				ImportStateCheck: importedIDs("+91 9888888888"),
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					expectPriorValue("interakt_user.by_id", "phone_number", `"9777777777"`),
					expectPriorValue("interakt_user.by_phone", "user_id", `"app-42"`),
					expectPriorValue("interakt_user.by_id", "traits", `{"orders":12,"plan":"gold"}`),
					expectPriorValue("interakt_user.by_id", "tags", `["crm"]`),
					expectPriorValue("interakt_user.by_phone", "traits", `{"vip":true}`),
					expectPriorValue("interakt_user.by_phone", "tags", `["vip","app"]`),
					plancheck.ExpectResourceAction("interakt_user.by_id", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("interakt_user.by_phone", plancheck.ResourceActionUpdate),
				}},
				Check: expectTrackBodies(srv),
			},
			{
				// Named by phone and deleted in the dashboard: Get Users
				// by phone shows it gone, so the refresh forgets it with a
				// warning, and the apply records it again with one upsert.
				PreConfig: func() {
					if !srv.DeleteUser("", "+91", "9888888888") {
						t.Fatal("the mock has no user +91 9888888888")
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("interakt_user.by_phone", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("interakt_user.by_id", plancheck.ResourceActionNoop),
				}},
				Check: expectTrackBodies(srv, `{"phoneNumber":"9888888888","countryCode":"+91","tags":["vip"]}`),
			},
			{
				// Named by user_id alone and deleted in the dashboard: a
				// lookup by user_id is unconfirmed, so the user stays,
				// with a warning, and nothing is sent.
				PreConfig: func() {
					if !srv.DeleteUser("crm-7", "", "") {
						t.Fatal("the mock has no user crm-7")
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: func(*terraform.State) error {
					if rec.findWarning("User Not Confirmed in Interakt") == nil {
						return fmt.Errorf("the refresh gave no User Not Confirmed in Interakt warning")
					}
					return expectTrackBodies(srv, `{"phoneNumber":"9888888888","countryCode":"+91","tags":["vip"]}`)(nil)
				},
			},
			{
				Config:       config,
				ResourceName: "interakt_user.by_id", ImportState: true, ImportStateId: "crm-404",
				ExpectError: regexp.MustCompile(`User Not Found`),
			},
		},
	})
}

// importedIDs checks that an instance with this id was imported; the
// state persisted from earlier imports holds theirs too.
func importedIDs(want string) resource.ImportStateCheckFunc {
	return func(states []*terraform.InstanceState) error {
		for _, s := range states {
			if s.ID == want {
				return nil
			}
		}
		return fmt.Errorf("no imported instance has the id %q: %v", want, states)
	}
}

// expectPriorValue checks an attribute of a resource in the plan's prior
// state (what the refresh read), as JSON.
func expectPriorValue(addr, attribute, want string) plancheck.PlanCheck {
	return priorValueCheck{addr: addr, attribute: attribute, want: want}
}

type priorValueCheck struct{ addr, attribute, want string }

func (c priorValueCheck) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	if req.Plan.PriorState == nil || req.Plan.PriorState.Values == nil {
		resp.Error = fmt.Errorf("the plan has no prior state")
		return
	}
	for _, r := range req.Plan.PriorState.Values.RootModule.Resources {
		if r.Address != c.addr {
			continue
		}
		got, err := json.Marshal(r.AttributeValues[c.attribute])
		if err != nil {
			resp.Error = err
			return
		}
		if string(got) != c.want {
			resp.Error = fmt.Errorf("%s.%s in the prior state is %s, want %s", c.addr, c.attribute, got, c.want)
		}
		return
	}
	resp.Error = fmt.Errorf("%s is not in the prior state", c.addr)
}

// TestAccUser_userIDKnownAtApply names a user by phone, then gives it a
// user_id known only at apply (a terraform_data created in the same
// apply): id is planned unknown, the apply records the user_id with one
// upsert, and the plan after it is clean.
func TestAccUser_userIDKnownAtApply(t *testing.T) {
	t.Parallel()
	forUserMocks(t, func(t *testing.T, srv *mock.Server) {
		byPhone := providerBlock(srv) + `
resource "interakt_user" "qa" {
  country_code = "+91"
  phone_number = "9666666666"
  traits       = { name = "Ravi QA" }
}
`
		withUserID := providerBlock(srv) + `
resource "terraform_data" "crm" {
  input = "crm-ravi"
}

resource "interakt_user" "qa" {
  user_id      = terraform_data.crm.output
  country_code = "+91"
  phone_number = "9666666666"
  traits       = { name = "Ravi QA" }
}
`
		const created = `{"phoneNumber":"9666666666","countryCode":"+91","traits":{"name":"Ravi QA"}}`
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testFactories(testSeams().withEnv(envAPIKey, testAPIKey)),
			Steps: []resource.TestStep{
				{
					Config: byPhone,
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(qaUserAddr, tfjsonpath.New("id"), knownvalue.StringExact("+91 9666666666")),
					},
					Check: expectTrackBodies(srv, created),
				},
				{
					Config: withUserID,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(qaUserAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(qaUserAddr, tfjsonpath.New("user_id")),
						plancheck.ExpectUnknownValue(qaUserAddr, tfjsonpath.New("id")),
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(qaUserAddr, tfjsonpath.New("id"), knownvalue.StringExact("crm-ravi")),
					},
					Check: expectTrackBodies(srv, created,
						`{"userId":"crm-ravi","phoneNumber":"9666666666","countryCode":"+91","traits":{"name":"Ravi QA"}}`),
				},
				{
					Config: withUserID,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectEmptyPlan(),
					}},
				},
			},
		})
	})
}

// TestAccUser_foundByPhoneWithoutUserID records a user with user_id and
// phone against Get Users answers without user_id: every refresh looks it
// up by phone and finds it, so the plans after the apply are clean and
// nothing is recorded again.
func TestAccUser_foundByPhoneWithoutUserID(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{UsersWithoutUserID: true})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams().withEnv(envAPIKey, testAPIKey)),
		Steps: []resource.TestStep{
			{
				Config: qaUserConfig(srv, "2000"),
				Check:  expectTrackBodies(srv, qaCreateBody),
			},
			{
				Config: qaUserConfig(srv, "2000"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: func(*terraform.State) error {
					lookups := 0
					for _, r := range srv.Requests() {
						if strings.HasPrefix(r.Path, "/v1/public/apis/users/") {
							lookups++
							if !strings.Contains(string(r.Body), `"trait":"phone_number"`) || !strings.Contains(string(r.Body), `"+919999999999"`) {
								return fmt.Errorf("Get Users body %s, want the phone filter", r.Body)
							}
							if !strings.Contains(string(r.Response), `"phone_number":"9999999999"`) || strings.Contains(string(r.Response), `"user_id"`) {
								return fmt.Errorf("Get Users answered %s, want the user without user_id", r.Response)
							}
						}
					}
					if lookups == 0 {
						return fmt.Errorf("no Get Users request")
					}
					return expectTrackBodies(srv, qaCreateBody)(nil)
				},
			},
		},
	})
}

// TestAccUser_notYetApplied runs against a mock that applies Track Users
// an hour after answering: a new user is not listed, and a user the
// account already held is listed with its former traits, modified before
// the upsert. Neither is drift or gone: the plans after the apply are
// clean and nothing is recorded again.
func TestAccUser_notYetApplied(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{UserApplyLag: time.Hour})
	srv.AddUser(mock.User{UserID: "old-1", CountryCode: "+91", PhoneNumber: "9555555555",
		Traits: map[string]json.RawMessage{"plan": []byte(`"silver"`)}})
	config := providerBlock(srv) + `
resource "interakt_user" "new" {
  user_id      = "new-1"
  country_code = "+91"
  phone_number = "9444444444"
  traits       = { plan = "gold" }
}

resource "interakt_user" "old" {
  user_id      = "old-1"
  country_code = "+91"
  phone_number = "9555555555"
  traits       = { plan = "gold" }
}
`
	bodies := []string{
		`{"userId":"new-1","phoneNumber":"9444444444","countryCode":"+91","traits":{"plan":"gold"}}`,
		`{"userId":"old-1","phoneNumber":"9555555555","countryCode":"+91","traits":{"plan":"gold"}}`,
	}
	trackedOnce := func(*terraform.State) error {
		got := srv.TrackUserRequests()
		if len(got) != 2 {
			return fmt.Errorf("the mock received %d Track Users requests, want 2", len(got))
		}
		for _, r := range got {
			if !slices.Contains(bodies, string(r.Body)) {
				return fmt.Errorf("Track Users body %s", r.Body)
			}
		}
		if users := srv.Users(); len(users) != 1 || string(users[0].Traits["plan"]) != `"silver"` {
			return fmt.Errorf("the mock applied an upsert before its lag: %+v", users)
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams().withEnv(envAPIKey, testAPIKey)),
		Steps: []resource.TestStep{
			{Config: config, Check: trackedOnce},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: trackedOnce,
			},
		},
	})
}
