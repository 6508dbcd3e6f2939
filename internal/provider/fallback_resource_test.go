package provider

import (
	"fmt"
	"regexp"
	"slices"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/interakt-community/terraform-provider-interakt/internal/client"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

const fallbackAddress = "interakt_fallback.sms"

// fallbackConfig is a provider on rcv (the token from the environment)
// and one rule named sms with the given arguments.
func fallbackConfig(rcv *testReceiver, arguments string) string {
	return fmt.Sprintf(`provider "interakt" {
  status_url = %q
}

resource "interakt_fallback" "sms" {
  name = "sms"
%s
}
`, rcv.url, arguments)
}

// fallbackAt reads the rules at rcv as a client other than the provider.
func fallbackAt(rcv *testReceiver) *client.FallbackClient {
	return client.NewFallbackClient(rcv.url, testStatusToken, nil, nil)
}

// expectRule checks that rcv keeps rule sms as want (its secret aside).
func expectRule(t *testing.T, rcv *testReceiver, want wire.Fallback) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, found, err := fallbackAt(rcv).Get(t.Context(), "sms")
		switch {
		case err != nil:
			return err
		case !found:
			return fmt.Errorf("the receiver has no rule sms")
		case got.URL != want.URL || !slices.Equal(got.On, want.On) || got.UndeliveredAfterSeconds != want.UndeliveredAfterSeconds ||
			!slices.Equal(got.Templates, want.Templates):
			return fmt.Errorf("the receiver keeps %+v, want %+v", got, want)
		}
		return nil
	}
}

// TestAccFallback_lifecycle creates a rule, changes it in place, imports
// it by name, finds it changed and then removed at the receiver (drift,
// each put right by the next apply), and destroys it: at every step the
// receiver holds what the state says, and the plan after each apply is
// empty.
func TestAccFallback_lifecycle(t *testing.T) {
	t.Parallel()
	rcv := startTestReceiver(t)
	first := fallbackConfig(rcv, `
  url               = "https://sms-gateway.example.com/hooks/whatsapp"
  secret            = "lifecycle-secret"
  on                = ["undelivered", "failed"]
  undelivered_after = "15m"
  templates = [
    { name = "login_code", language_code = "en" },
  ]`)
	changed := fallbackConfig(rcv, `
  url    = "http://127.0.0.1:9/hooks/whatsapp"
  secret = "lifecycle-secret"
  on     = ["failed"]
  templates = [
    { name = "order_shipped", language_code = "en" },
    { name = "login_code", language_code = "en" },
  ]`)
	changedRule := wire.Fallback{URL: "http://127.0.0.1:9/hooks/whatsapp", On: []string{wire.FallbackOnFailed},
		Templates: []wire.FallbackTemplate{{Name: "order_shipped", LanguageCode: "en"}, {Name: "login_code", LanguageCode: "en"}}}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams().withEnv(envStatusToken, testStatusToken)),
		CheckDestroy: func(*terraform.State) error {
			if _, found, err := fallbackAt(rcv).Get(t.Context(), "sms"); err != nil || found {
				return fmt.Errorf("after destroy the receiver has the rule: found %v, %v", found, err)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: first,
				Check: expectRule(t, rcv, wire.Fallback{URL: "https://sms-gateway.example.com/hooks/whatsapp",
					On: []string{wire.FallbackOnFailed, wire.FallbackOnUndelivered}, UndeliveredAfterSeconds: 900,
					Templates: []wire.FallbackTemplate{{Name: "login_code", LanguageCode: "en"}}}),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(fallbackAddress, tfjsonpath.New("id"), knownvalue.StringExact("sms")),
					statecheck.ExpectKnownValue(fallbackAddress, tfjsonpath.New("undelivered_after"), knownvalue.StringExact("15m")),
					statecheck.ExpectKnownValue(fallbackAddress, tfjsonpath.New("on"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("failed"), knownvalue.StringExact("undelivered")})),
					statecheck.ExpectKnownValue(fallbackAddress, tfjsonpath.New("secret_wo"), knownvalue.Null()),
				},
			},
			{
				Config: changed,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(fallbackAddress, plancheck.ResourceActionUpdate),
				}},
				Check: expectRule(t, rcv, changedRule),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(fallbackAddress, tfjsonpath.New("undelivered_after"), knownvalue.Null()),
					statecheck.ExpectKnownValue(fallbackAddress, tfjsonpath.New("templates").AtSliceIndex(0).AtMapKey("name"),
						knownvalue.StringExact("order_shipped")),
				},
			},
			{
				// The receiver never answers the secret, so an import
				// cannot read it back.
				ResourceName:                         fallbackAddress,
				ImportState:                          true,
				ImportStateId:                        "sms",
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "name",
				ImportStateVerifyIgnore:              []string{"secret"},
			},
			{
				// Changed at the receiver: the plan puts it back in place.
				PreConfig: func() {
					if _, err := fallbackAt(rcv).Put(t.Context(), wire.Fallback{Name: "sms", URL: "https://elsewhere.example.com/hook",
						Secret: "other", On: []string{wire.FallbackOnUndelivered}, UndeliveredAfterSeconds: 60}); err != nil {
						t.Fatal(err)
					}
				},
				Config: changed,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(fallbackAddress, plancheck.ResourceActionUpdate),
				}},
				Check: expectRule(t, rcv, changedRule),
			},
			{
				// Removed at the receiver: the plan creates it again.
				PreConfig: func() {
					if _, found, err := fallbackAt(rcv).Delete(t.Context(), "sms"); err != nil || !found {
						t.Fatalf("removing the rule at the receiver: found %v, %v", found, err)
					}
				},
				Config: changed,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(fallbackAddress, plancheck.ResourceActionCreate),
				}},
				Check: expectRule(t, rcv, changedRule),
			},
		},
	})
}

// TestAccFallback_importUnknownRule imports a name the receiver does not
// know: an error, not an empty rule.
func TestAccFallback_importUnknownRule(t *testing.T) {
	t.Parallel()
	rcv := startTestReceiver(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams().withEnv(envStatusToken, testStatusToken)),
		Steps: []resource.TestStep{{
			Config: fallbackConfig(rcv, `
  url    = "https://sms-gateway.example.com/hooks/whatsapp"
  secret = "s"
  on     = ["failed"]`),
			ResourceName:  fallbackAddress,
			ImportState:   true,
			ImportStateId: "nobody",
			ExpectError:   regexp.MustCompile(`(?i)cannot import non-existent remote object`),
		}},
	})
}

// TestAccFallback_statusTokenRejected shows the receiver's 401 as the
// status token's fault, and writes nothing.
func TestAccFallback_statusTokenRejected(t *testing.T) {
	t.Parallel()
	rcv := startTestReceiver(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams().withEnv(envStatusToken, "not-the-receivers-token")),
		Steps: []resource.TestStep{{
			Config: fallbackConfig(rcv, `
  url    = "https://sms-gateway.example.com/hooks/whatsapp"
  secret = "s"
  on     = ["failed"]`),
			ExpectError: regexp.MustCompile(`(?s)Status Token Rejected.*status_token`),
		}},
	})
	if _, found, err := fallbackAt(rcv).Get(t.Context(), "sms"); err != nil || found {
		t.Errorf("the receiver has the rule: found %v, %v", found, err)
	}
}

// TestAccFallback_importByIdentity imports a rule with an import block
// that gives its identity { name }: the plan reads the rule from the
// receiver, and only the secret, which the receiver never answers, is
// planned to be sent.
func TestAccFallback_importByIdentity(t *testing.T) {
	t.Parallel()
	if cli := acceptanceCLI(t); cli.name == "Terraform" && cli.version.LessThan(version.Must(version.NewVersion("1.12.0"))) {
		t.Skipf("Terraform %s has no import blocks by identity; want 1.12 or later", cli.version)
	}
	rcv := startTestReceiver(t)
	config := fallbackConfig(rcv, `
  url               = "https://sms-gateway.example.com/hooks/whatsapp"
  secret            = "identity-secret"
  on                = ["failed", "undelivered"]
  undelivered_after = "1h"`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(testSeams().withEnv(envStatusToken, testStatusToken)),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(fallbackAddress, map[string]knownvalue.Check{"name": knownvalue.StringExact("sms")}),
				},
			},
			{
				Config:             config,
				ResourceName:       fallbackAddress,
				ImportState:        true,
				ImportStateKind:    resource.ImportBlockWithResourceIdentity,
				ExpectNonEmptyPlan: true,
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(fallbackAddress, tfjsonpath.New("url"), knownvalue.StringExact("https://sms-gateway.example.com/hooks/whatsapp")),
					plancheck.ExpectKnownValue(fallbackAddress, tfjsonpath.New("undelivered_after"), knownvalue.StringExact("1h")),
				}},
			},
		},
	})
}
