package provider

import (
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// validEvent is a QA user's event; it passes every rule.
func validEvent() map[string]any {
	return map[string]any{
		"user_id": "qa-1", "country_code": "+91", "phone_number": "9999999999", "event": "order_placed",
		"traits": map[string]any{"name": "Asha", "amount": 2000, "vip": true},
	}
}

// TestEventValidationTable: each bad configuration of an event's inputs
// gets exactly its diagnostics, at the attribute, from validate and from
// plan, for the resource and the action alike; unknown values skip their
// rules.
func TestEventValidationTable(t *testing.T) {
	t.Parallel()
	p := newProtocolServer(t, testSeams())
	const actionType = "interakt_track_event"
	without := func(names ...string) func(map[string]any) {
		return func(c map[string]any) {
			for _, n := range names {
				delete(c, n)
			}
		}
	}
	cases := []struct {
		name   string
		change func(map[string]any)
		want   []wantDiag
	}{
		{"no identity", without("user_id", "country_code", "phone_number"), []wantDiag{errAt("No User for the Event", "user_id")}},
		{"user id alone", without("country_code", "phone_number"), nil},
		{"phone alone", without("user_id"), nil},
		{"empty user id", withValue("user_id", ""), []wantDiag{errAt("Empty User ID", "user_id")}},
		{"phone number without country code", without("country_code"), []wantDiag{errAt("Missing Country Code", "country_code")}},
		{"country code without phone number", without("phone_number"), []wantDiag{errAt("Missing Phone Number", "phone_number")}},
		{"phone number invalid for its country", withValue("phone_number", "99999999"), []wantDiag{errAt("Invalid Phone Number", "phone_number")}},
		{"country code inside phone number", withValue("phone_number", "919999999999"),
			[]wantDiag{errAt("Country Code Inside Phone Number", "phone_number")}},
		{"country code not in use", withValue("country_code", "+999"), []wantDiag{errAt("Unknown Country Code", "country_code")}},
		{"empty event name", withValue("event", ""), []wantDiag{errAt("Empty Event Name", "event")}},
		{"object trait", withValue("traits", map[string]any{"address": map[string]any{"city": "Pune"}}),
			[]wantDiag{errAt("Trait Not Flat", `traits["address"]`)}},
		{"list trait", withValue("traits", map[string]any{"items": []any{1, 2}}), []wantDiag{errAt("Trait Not Flat", `traits["items"]`)}},
		{"traits not an object", withValue("traits", "vip"), []wantDiag{errAt("Traits Not an Object", "traits")}},
		{"unknown phone number is skipped", withValue("phone_number", Unknown), nil},
		{"unknown event name is skipped", withValue("event", Unknown), nil},
		{"unknown trait is skipped", withValue("traits", map[string]any{"amount": Unknown}), nil},
	}
	if d := p.validate(eventType, validEvent()); len(d) != 0 {
		t.Fatalf("the base configuration is not valid:\n%s", diagString(d))
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			config := validEvent()
			tc.change(config)
			expectDiags(t, "resource validate", p.validate(eventType, config), tc.want)
			expectDiags(t, "action validate", p.validateAction(actionType, config), tc.want)
			errs := slices.DeleteFunc(slices.Clone(tc.want), func(w wantDiag) bool { return w.severity != tfprotov6.DiagnosticSeverityError })
			expectDiags(t, "resource plan", p.planCreate(eventType, config).Diagnostics, errs)
		})
	}
}
