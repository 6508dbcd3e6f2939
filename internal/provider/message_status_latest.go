package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/objectvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/interakt-community/terraform-provider-interakt/internal/client"
	"github.com/interakt-community/terraform-provider-interakt/internal/contract"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// latestSkew is how much earlier than `since` a message may be timed and
// still be found by interakt_message_status's latest. receiver_since has
// no such allowance: it is read on the clock it is compared with. `since` is read on
// the machine that runs Terraform (an event's fired_at, say) and compared
// with Interakt's send time, or the receiver's clock when Interakt's is
// missing: clocks that NTP keeps agree within a second, but CI runners
// (virtual machines resumed from a snapshot, containers on a drifting
// host) are seen tens of seconds off. Two minutes covers that with room,
// while staying far below the time between two CI runs that message the
// same test user.
const latestSkew = 2 * time.Minute

// latestModel is interakt_message_status's latest.
type latestModel struct {
	CountryCode types.String `tfsdk:"country_code"`
	PhoneNumber types.String `tfsdk:"phone_number"`
	Template    types.String `tfsdk:"template"`
	Since       types.String `tfsdk:"since"`
	// ReceiverSince is a time on the status receiver's clock, normally an
	// event's receiver_time: a message counts only if the receiver first
	// saw it at or after that time, with no allowance.
	ReceiverSince types.String `tfsdk:"receiver_since"`
}

func latestAttribute() schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		MarkdownDescription: "Finds the latest message sent to a recipient with a template since a time, whoever sent it: a " +
			"message of an ongoing campaign that a tracked event fired, say, which Terraform did not send and whose id it " +
			"cannot know. Give exactly one of `id` and `latest`. The status receiver stores the messages of Interakt's " +
			"campaigns (`message_campaign_*` webhooks) beside those of the API, so subscribe its webhook to both.\n\n" +
			"Give the time to search from as exactly one of `receiver_since` and `since`. `receiver_since = " +
			"interakt_event.<name>.receiver_time` is exact: the event read the receiver's clock just before firing, and a " +
			"message counts only if the receiver first saw it (its first webhook arrived) at or after that time, on the same " +
			"clock, so a message that reached the receiver before the event, such as an earlier test send of the same " +
			"template to the same number, is never found.\n\n" +
			"`since` is any RFC 3339 time, such as an event's `fired_at`, usually on the clock of the machine that runs " +
			"Terraform, and a message counts from its send time as Interakt reports it (else from when the receiver first " +
			"saw it): other clocks, so the search starts 2 minutes before `since`, to allow for a runner whose clock is off. " +
			"A message sent to the same recipient with the same template in those 2 minutes before `since` can then be found " +
			"instead, and a check can pass on it: use `receiver_since` where the event has a `receiver_time`, else give each " +
			"test run a recipient of its own or runs that are further apart.\n\n" +
			"Until a message is found, `status` is `pending` and `id` null; `wait_for` waits for one to be found and to reach " +
			"the status. The recipient's phone number is in the configuration and so in the plan and the state.",
		Optional: true,
		Validators: []validator.Object{
			objectvalidator.ExactlyOneOf(path.MatchRoot("id")),
		},
		Attributes: map[string]schema.Attribute{
			"country_code": schema.StringAttribute{
				MarkdownDescription: "The recipient's country calling code with +, such as `+91`.",
				Required:            true,
			},
			"phone_number": schema.StringAttribute{
				MarkdownDescription: "The recipient's national number, digits only, checked by the same rules as a message's.",
				Required:            true,
			},
			"template": schema.StringAttribute{
				MarkdownDescription: "The template's code name, such as `order_shipped`; any language.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"since": schema.StringAttribute{
				MarkdownDescription: "An RFC 3339 time, such as `2026-03-01T10:00:00Z` or `interakt_event.<name>.fired_at`: only a " +
					"message sent at or after it (less the 2-minute allowance for clocks) is found. Give it or `receiver_since`.",
				Optional: true,
			},
			"receiver_since": schema.StringAttribute{
				MarkdownDescription: "A time on the status receiver's clock, normally `interakt_event.<name>.receiver_time`: only a " +
					"message that the receiver first saw at or after it is found, with no allowance. Give it or `since`; it is " +
					"null (an error here) for an event fired without `status_url`, in a dry run, or taken from the send journal " +
					"of a stopped apply, and `since = interakt_event.<name>.fired_at` is the fallback then.",
				Optional: true,
			},
		},
	}
}

// latestQuery is a latest search, read from a known configuration.
type latestQuery struct {
	countryCode, phoneNumber, template string
	since                              time.Time
	// onReceiverClock: since is receiver_since, compared with when the
	// receiver first saw a message, with no allowance.
	onReceiverClock bool
}

func (q latestQuery) query() wire.MessageLatest {
	out := wire.MessageLatest{
		Phone:        latestDigits(q.countryCode) + q.phoneNumber,
		TemplateName: q.template,
	}
	if q.onReceiverClock {
		out.SeenSince = q.since.UTC().Format(time.RFC3339Nano)
	} else {
		out.Since = q.since.Add(-latestSkew).UTC().Format(time.RFC3339Nano)
	}
	return out
}

// latestDigits keeps the digits of a country code ("+91" is "91").
func latestDigits(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			out = append(out, s[i])
		}
	}
	return string(out)
}

// readLatest reads latest; nil when it is not set. Its rules are checked
// again, for values that were unknown at validate.
func readLatest(ctx context.Context, obj types.Object) (*latestQuery, diag.Diagnostics) {
	if obj.IsNull() || obj.IsUnknown() {
		return nil, nil
	}
	diags := latestProblems(ctx, obj)
	if diags.HasError() {
		return nil, diags
	}
	var m latestModel
	diags.Append(obj.As(ctx, &m, basetypes.ObjectAsOptions{})...)
	if diags.HasError() {
		return nil, diags
	}
	from, onReceiverClock := m.Since, false
	if !m.ReceiverSince.IsNull() {
		from, onReceiverClock = m.ReceiverSince, true
	}
	since, _ := time.Parse(time.RFC3339Nano, from.ValueString())
	return &latestQuery{
		countryCode: m.CountryCode.ValueString(), phoneNumber: m.PhoneNumber.ValueString(),
		template: m.Template.ValueString(), since: since, onReceiverClock: onReceiverClock,
	}, diags
}

// latestProblems checks latest's known values: the phone number by the
// rules of a message's, one of since and receiver_since, and either as an
// RFC 3339 time.
func latestProblems(ctx context.Context, obj types.Object) diag.Diagnostics {
	var diags diag.Diagnostics
	if obj.IsNull() || obj.IsUnknown() {
		return diags
	}
	var m latestModel
	diags.Append(obj.As(ctx, &m, basetypes.ObjectAsOptions{UnhandledUnknownAsEmpty: true})...)
	if diags.HasError() {
		return diags
	}
	unknownList := contract.List{Unknown: true}
	unknownMap := contract.Map{Unknown: true}
	ps := contract.ValidateValues(contract.Contract{}, contract.Values{
		CountryCode:   contractStr(m.CountryCode),
		PhoneNumber:   contractStr(m.PhoneNumber),
		CallbackData:  contract.UnknownStr(),
		FileName:      contract.UnknownStr(),
		HeaderValues:  unknownList,
		BodyValues:    unknownList,
		ButtonValues:  unknownMap,
		ButtonPayload: unknownMap,
	})
	diags.Append(problemDiagnostics(path.Root("latest"), ps)...)
	switch {
	case !m.Since.IsNull() && !m.ReceiverSince.IsNull():
		diags.AddAttributeError(path.Root("latest").AtName("receiver_since"), "Two Times to Search From",
			"latest has both since and receiver_since. Give one: receiver_since (an event's receiver_time, on the status "+
				"receiver's clock, exact) where the event has one, else since (any clock, searched with a 2-minute allowance).")
	case m.Since.IsNull() && m.ReceiverSince.IsNull():
		diags.AddAttributeError(path.Root("latest").AtName("receiver_since"), "No Time to Search From",
			"latest has neither receiver_since nor since (a null value counts as none). Give receiver_since = "+
				"interakt_event.<name>.receiver_time. An event's receiver_time is null when it was fired without the "+
				"provider's status_url, in a dry run, or taken from the send journal of a stopped apply: give since = "+
				"interakt_event.<name>.fired_at for such an event, which searches with a 2-minute allowance for clocks.")
	}
	for _, t := range []struct {
		name string
		s    types.String
	}{{"since", m.Since}, {"receiver_since", m.ReceiverSince}} {
		name, s := t.name, t.s
		if s.IsNull() || s.IsUnknown() {
			continue
		}
		if _, err := time.Parse(time.RFC3339Nano, s.ValueString()); err != nil {
			diags.AddAttributeError(path.Root("latest").AtName(name), "Invalid Time",
				fmt.Sprintf("%s is %q, which is not an RFC 3339 time. Give a time with its zone, such as "+
					"\"2026-03-01T10:00:00Z\" or \"2026-03-01T15:30:00+05:30\".", name, s.ValueString()))
		}
	}
	return diags
}

// latestSource reads the status of the latest message a query finds, for
// the status poller; a message not found yet reads as pending.
type latestSource struct {
	reader *client.StatusReader
	query  wire.MessageLatest
}

func (s latestSource) Get(ctx context.Context, _ string) (wire.Status, bool, error) {
	return s.reader.Latest(ctx, s.query)
}

// latestReadFailed explains a failed read of latest: as a read by id, and
// for a search that found nothing in time, what to check.
func latestReadFailed(q latestQuery, err error) diag.Diagnostic {
	label := fmt.Sprintf("of template %s to the recipient since %s", q.template, q.since.UTC().Format(time.RFC3339))
	searched := fmt.Sprintf("searched from %s, 2 minutes earlier, to allow for clocks", q.since.Add(-latestSkew).UTC().Format(time.RFC3339))
	if q.onReceiverClock {
		label = fmt.Sprintf("of template %s to the recipient first seen since %s", q.template, q.since.UTC().Format(time.RFC3339Nano))
		searched = "by the receiver's own clock, with no allowance"
	}
	if timeout, ok := errors.AsType[*statusTimeoutError](err); ok && timeout.last.ID == "" {
		return diag.NewAttributeErrorDiagnostic(path.Root("latest"), "No Message Found in Time",
			fmt.Sprintf("The status receiver holds no message %s (%s) after waiting %s. Check that the campaign that should "+
				"send it is live and that its trigger fired, and that Interakt's webhook reaches the receiver, signed with a "+
				"webhook secret the receiver holds, with the campaign message events (message_campaign_*) subscribed.",
				label, searched, timeout.timeout))
	}
	found := "(the latest " + label + ")"
	if id := lastStatus(err); id != "" {
		found = id + " " + found
	}
	return statusReadFailed(found, err)
}

// lastStatus returns the id of the message a wait last saw, or "".
func lastStatus(err error) string {
	if failed, ok := errors.AsType[*statusFailedError](err); ok {
		return failed.status.ID
	}
	if timeout, ok := errors.AsType[*statusTimeoutError](err); ok {
		return timeout.last.ID
	}
	return ""
}
