package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/google/uuid"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/interakt-community/terraform-provider-interakt/internal/client"
	"github.com/interakt-community/terraform-provider-interakt/internal/contract"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// eventInputsModel are the inputs of a tracked event, shared by the
// interakt_event resource and the interakt_track_event action.
type eventInputsModel struct {
	UserID      types.String  `tfsdk:"user_id"`
	CountryCode types.String  `tfsdk:"country_code"`
	PhoneNumber types.String  `tfsdk:"phone_number"`
	Event       types.String  `tfsdk:"event"`
	Traits      types.Dynamic `tfsdk:"traits"`
}

// Descriptions of the event inputs, for both schemas.
const (
	eventUserIDDescription = "The user's id in your system, as Interakt knows it. Give `user_id`, or `country_code` and " +
		"`phone_number`, or all three."
	eventCountryCodeDescription = "The user's country calling code with `+`, such as `+91`; with `phone_number`."
	eventPhoneNumberDescription = "The user's national phone number, digits only, checked by the same rules as a message's " +
		"recipient; with `country_code`. An ongoing campaign messages this number."
	eventNameDescription   = "The event's name, such as `order_placed`: the name an ongoing campaign in Interakt's dashboard waits for."
	eventTraitsDescription = "The event's traits, an object of flat values sent with their JSON types: `amount = 2000` is the " +
		"number 2000, `vip = true` a boolean, a string stays a string, `null` is null. Nested objects and lists are refused " +
		"at plan: Interakt's Track APIs take flat traits."
)

// eventCheck is the event an eventInputsModel describes, once checked.
type eventCheck struct {
	problems []contract.Problem
	// known is false when an input is unknown (a reference during
	// validate): its rules were skipped and there is no event yet.
	known bool
	event wire.TrackEvent
}

// newEventCheck applies the rules of an event's inputs.
func newEventCheck(in eventInputsModel) eventCheck {
	c := eventCheck{known: true}
	str := func(v types.String) contract.Str {
		switch {
		case v.IsUnknown():
			c.known = false
			return contract.UnknownStr()
		case v.IsNull():
			return contract.NullStr()
		}
		return contract.StrOf(v.ValueString())
	}
	user, cc, pn, name := str(in.UserID), str(in.CountryCode), str(in.PhoneNumber), str(in.Event)
	problem := func(at, summary, detail string) {
		c.problems = append(c.problems, contract.Problem{
			Path: contract.Root(at), Severity: contract.Error, Summary: summary, Detail: detail, Rule: "event." + at,
		})
	}

	if !user.Unknown && !user.Null && user.Value == "" {
		problem("user_id", "Empty User ID", "user_id is an empty string. Give the user's id, or leave user_id out and name the user by "+
			"country_code and phone_number.")
	}
	hasPhone := !cc.Null || !pn.Null
	switch {
	case user.Null && !hasPhone:
		problem("user_id", "No User for the Event",
			"The event names no user. Give user_id, or country_code and phone_number, or both. Nothing is sent.")
	case hasPhone && cc.Null:
		problem("country_code", "Missing Country Code", "phone_number is set without country_code. Give both, such as country_code = \"+91\".")
	case hasPhone && pn.Null:
		problem("phone_number", "Missing Phone Number", "country_code is set without phone_number. Give both, or neither with user_id.")
	case hasPhone:
		c.problems = append(c.problems, contract.ValidatePhone(cc, pn)...)
	}
	if !name.Unknown && name.Missing() {
		problem("event", "Empty Event Name", "event is empty. Give the event's name, such as \"order_placed\", exactly as the ongoing "+
			"campaign in Interakt's dashboard names it.")
	}
	traits, ps, known := eventTraits(in.Traits)
	c.problems = append(c.problems, ps...)
	c.known = c.known && known
	if c.known {
		c.event = wire.TrackEvent{
			UserID:      user.Value,
			PhoneNumber: pn.Value,
			CountryCode: cc.Value,
			Event:       name.Value,
			Traits:      traits,
		}
	}
	return c
}

// diagnostics are the check's problems at their attributes.
func (c eventCheck) diagnostics() diag.Diagnostics {
	return problemDiagnostics(path.Empty(), c.problems)
}

// eventTraits turns traits into the JSON values they are sent as: numbers
// as json.Number, so that 2000 stays 2000 and a fraction keeps its digits.
// known is false when a value is not known yet.
func eventTraits(d types.Dynamic) (traits map[string]any, problems []contract.Problem, known bool) {
	if d.IsNull() || d.IsUnderlyingValueNull() {
		return nil, nil, true
	}
	if d.IsUnknown() || d.IsUnderlyingValueUnknown() {
		return nil, nil, false
	}
	elements, ok := traitElements(d)
	if !ok {
		return nil, []contract.Problem{{
			Path: contract.Root("traits"), Severity: contract.Error, Summary: "Traits Not an Object", Rule: "event.traits",
			Detail: "traits must be an object of names and flat values, such as { amount = 2000, vip = true }.",
		}}, true
	}
	known = true
	traits = make(map[string]any, len(elements))
	for _, name := range slices.Sorted(maps.Keys(elements)) {
		v := elements[name]
		if dyn, ok := v.(types.Dynamic); ok {
			v = dyn.UnderlyingValue()
		}
		switch {
		case v.IsUnknown():
			known = false
		case v.IsNull():
			traits[name] = nil
		default:
			data, flat := traitJSON(v)
			if !flat {
				problems = append(problems, contract.Problem{
					Path: contract.Root("traits").Key(name), Severity: contract.Error, Summary: "Trait Not Flat", Rule: "event.traits",
					Detail: fmt.Sprintf("The trait %q is an object, a list or a set. Interakt's Track APIs take flat traits: give a "+
						"string, a number, a boolean or null, for example by encoding the value with jsonencode().", name),
				})
				continue
			}
			traits[name] = data
		}
	}
	return traits, problems, known
}

// Event outcomes as state records them; sendDryRun and sendUncertain are
// shared with sends.
const eventFired = "fired"

// trackEvent fires one event through the provider's client, or pretends
// to when dry_run is set. It counts against max_sends_per_apply, since an
// ongoing campaign may send a message for it, and never retries what the
// API may have processed: that comes back uncertain. The outcome's
// statuses are the send's (sendSent for a fired event).
func (d *providerData) trackEvent(ctx context.Context, e wire.TrackEvent) sendOutcome {
	ctx = maskSecrets(ctx, d.secrets)
	if d.dryRun {
		id := dryRunIDPrefix + uuid.NewString()
		tflog.Info(ctx, "dry run: event built and not fired", map[string]any{"event": e.Event, "id": id})
		return sendOutcome{ID: id, Status: sendDryRun}
	}
	return d.deliver(func() (string, error) { return d.api.TrackEvent(ctx, e) })
}

// eventRefused is the error of an event Interakt certainly did not act on:
// nothing was fired, and applying again is safe.
func eventRefused(eventName string, o sendOutcome) diag.Diagnostic {
	if d, ok := receiverRefused(o.Err, fmt.Sprintf("Event %q was not fired.", eventName)); ok {
		return d
	}
	if errors.Is(o.Err, errBudgetSpent) || errors.Is(o.Err, errJournal) {
		d := sendRefused(o)
		return diag.NewErrorDiagnostic(d.Summary(), fmt.Sprintf("Event %q was not fired. %s", eventName, d.Detail()))
	}
	apiErr, ok := errors.AsType[*client.Error](o.Err)
	text := fmt.Sprint(o.Err)
	if ok && apiErr.Message != "" {
		text = apiErr.Message
	}
	if ok && apiErr.Kind == client.KindRejected {
		return diag.NewErrorDiagnostic("Interakt Rejected the Event",
			fmt.Sprintf("Interakt did not record event %q (HTTP %d): %s\n\nFix the event and apply again; nothing was fired or saved.",
				eventName, apiErr.StatusCode, text))
	}
	if ok && apiErr.Kind == client.KindUnauthorized {
		return diag.NewErrorDiagnostic("Interakt Rejected the API Key",
			fmt.Sprintf("Interakt refused the credentials for event %q: %s\n\nSet the provider's api_key (or %s) to the key exactly as "+
				"Interakt's Developer Settings show it, then apply again. Nothing was fired.", eventName, text, envAPIKey))
	}
	return diag.NewErrorDiagnostic("Event Not Fired",
		fmt.Sprintf("Event %q did not reach Interakt: %s\n\nNothing was fired; apply again to retry.", eventName, text))
}

// eventJournalKey identifies an intended event: its scope (the resource's
// triggers) and its exact request body. An apply that repeats a killed one
// computes the same key.
func eventJournalKey(scope string, e wire.TrackEvent) (string, error) {
	body, err := json.Marshal(e) // map keys in order: the same event, the same bytes
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, part := range []string{journalKeyVersion, journalEvent, scope} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// journalEvent is the resource type an event's journal key names.
const journalEvent = "interakt_event"
