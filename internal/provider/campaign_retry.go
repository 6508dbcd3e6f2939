package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// retry_uncertain maps a recipient key to the attempt_id of the uncertain
// result to send again: naming the attempt, not the recipient, makes a
// retry one-shot, since the retry's own result has a new attempt id.
//
// The attribute is Dynamic rather than a map of strings so that the former
// form, a list or set of keys, reaches the provider: with a map type,
// Terraform rejects it with "map of string required" before the provider
// can say what changed. Its shape is checked in ValidateConfig; the former
// form is an error in ModifyPlan, not ValidateConfig, because only there
// does the state give the attempt ids to show in the new form.

// retryEntries is retry_uncertain as a configuration or plan holds it.
type retryEntries struct {
	// attempts names, by recipient key, the attempt to send again.
	attempts map[string]string
	// unknownKeys holds the keys whose attempt is not known yet.
	unknownKeys map[string]bool
	// unknown is set while the value, and so its keys, is not known.
	unknown bool
	// listed is set for the former form, a list or set of keys; keys
	// holds the known ones.
	listed bool
	keys   []string
}

// retryPath is the path of retry_uncertain's entry for key.
func retryPath(key string) path.Path {
	return path.Root("retry_uncertain").AtMapKey(key)
}

// readRetryUncertain reads retry_uncertain. Its diagnostics are errors
// about the value's shape: an entry that is not a string, or a value that
// is neither a map nor the former list of keys.
func readRetryUncertain(v types.Dynamic) (retryEntries, diag.Diagnostics) {
	var e retryEntries
	var diags diag.Diagnostics
	if v.IsNull() || v.IsUnderlyingValueNull() {
		return e, nil
	}
	if v.IsUnknown() || v.IsUnderlyingValueUnknown() {
		e.unknown = true
		return e, nil
	}
	var entries map[string]attr.Value
	switch u := v.UnderlyingValue().(type) {
	case basetypes.ObjectValue:
		entries = u.Attributes()
	case basetypes.MapValue:
		entries = u.Elements()
	case basetypes.ListValue:
		e.listed, e.keys = true, knownStrings(u.Elements())
		return e, nil
	case basetypes.SetValue:
		e.listed, e.keys = true, knownStrings(u.Elements())
		return e, nil
	case basetypes.TupleValue:
		e.listed, e.keys = true, knownStrings(u.Elements())
		return e, nil
	default:
		diags.AddAttributeError(path.Root("retry_uncertain"), "Invalid Retry Uncertain Value",
			fmt.Sprintf("retry_uncertain is a %s; it maps recipient keys to the attempt_id of their uncertain result, "+
				"for example retry_uncertain = { ravi = \"<results[\\\"ravi\\\"].attempt_id>\" }. Nothing was sent.", valueKind(u)))
		return e, diags
	}
	e.attempts = make(map[string]string, len(entries))
	for _, key := range sortedKeys(entries) {
		value := entries[key]
		if d, ok := value.(basetypes.DynamicValue); ok && !d.IsUnknown() && !d.IsNull() {
			value = d.UnderlyingValue()
		}
		switch s, isString := value.(basetypes.StringValue); {
		case value.IsUnknown():
			if e.unknownKeys == nil {
				e.unknownKeys = map[string]bool{}
			}
			e.unknownKeys[key] = true
		case value.IsNull():
			// An entry set to null names no attempt, like no entry.
		case isString:
			e.attempts[key] = s.ValueString()
		default:
			diags.AddAttributeError(retryPath(key), "Invalid Retry Uncertain Value",
				fmt.Sprintf("retry_uncertain[%q] is a %s; it must be the attempt_id (a string) of results[%q], the uncertain "+
					"send to make again. Nothing was sent.", key, valueKind(value), key))
		}
	}
	return e, diags
}

// valueKind names the kind of v in the configuration's words.
func valueKind(v attr.Value) string {
	switch v.(type) {
	case basetypes.StringValue:
		return "string"
	case basetypes.NumberValue, basetypes.Int64Value, basetypes.Float64Value, basetypes.Int32Value, basetypes.Float32Value:
		return "number"
	case basetypes.BoolValue:
		return "bool"
	case basetypes.ObjectValue, basetypes.MapValue:
		return "map"
	case basetypes.ListValue, basetypes.SetValue, basetypes.TupleValue:
		return "list"
	default:
		return "value of another kind"
	}
}

// knownStrings returns the known string elements of a list, set or tuple.
func knownStrings(elems []attr.Value) []string {
	var out []string
	for _, v := range elems {
		if s, ok := v.(basetypes.StringValue); ok && !s.IsNull() && !s.IsUnknown() {
			out = append(out, s.ValueString())
		}
	}
	return out
}

// retryPolicy sets p's retry options from e.
func (e retryEntries) retryPolicy(p *sendPolicy) {
	p.retryUncertain = e.attempts
	p.retryUnknown = e.unknownKeys
	p.retryUncertainUnknown = e.unknown
}

// hclIdentifier matches the keys HCL takes unquoted in an object.
var hclIdentifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// hclKey is key as an HCL object key.
func hclKey(key string) string {
	if hclIdentifier.MatchString(key) {
		return key
	}
	return fmt.Sprintf("%q", key)
}

// listedRetryError is the error for the former form of retry_uncertain, a
// list of keys: it shows the map to write instead, with the attempt ids
// that prior (the state's results) holds for the listed keys.
func listedRetryError(keys []string, prior map[string]recipientResult) diag.Diagnostic {
	seen := map[string]bool{}
	var entries, left []string
	for _, key := range keys {
		if seen[key] {
			continue
		}
		seen[key] = true
		r, ok := prior[key]
		switch {
		case !ok:
			left = append(left, key+" (no result)")
		case !possiblySent(r):
			left = append(left, fmt.Sprintf("%s (%s)", key, r.Status))
		case r.AttemptID == "":
			left = append(left, key+" (its result records no attempt_id)")
		default:
			entries = append(entries, fmt.Sprintf("    %s = %q", hclKey(key), r.AttemptID))
		}
	}
	var b strings.Builder
	b.WriteString("retry_uncertain is now a map from a recipient key to the attempt_id of its uncertain result " +
		"(results[\"<key>\"].attempt_id): the named attempt is sent again once, and a retry that is uncertain again " +
		"gets a new attempt_id and is not sent again until that one is named. The former list of keys sent a recipient again at " +
		"every apply while it stayed uncertain, so it is refused. Nothing was sent.\n\n")
	if len(entries) > 0 {
		b.WriteString("After checking that their messages did not arrive, write:\n\n  retry_uncertain = {\n")
		b.WriteString(strings.Join(entries, "\n"))
		b.WriteString("\n  }\n")
	} else {
		b.WriteString("No listed recipient has an uncertain result to retry, so remove retry_uncertain, or write " +
			"retry_uncertain = { <key> = \"<attempt_id>\" } with the attempt_id of an uncertain result.\n")
	}
	if len(left) > 0 {
		fmt.Fprintf(&b, "\nNot uncertain, so left out: %s.", strings.Join(left, ", "))
	}
	return diag.NewAttributeErrorDiagnostic(path.Root("retry_uncertain"), "Retry Uncertain Takes Attempt IDs", strings.TrimRight(b.String(), "\n"))
}

// retryEntryWarnings warns, at retry_uncertain["key"], about each entry
// that names no attempt an apply would send again: its key names no
// recipient (recipients is nil while their keys are unknown), its
// recipient has no uncertain result, or the attempt named is not the
// current one (it was retried already). Such an entry sends nothing.
func retryEntryWarnings(e retryEntries, prior map[string]recipientResult, recipients map[string]recipientInput) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, key := range sortedKeys(e.attempts) {
		named := e.attempts[key]
		r, hasResult := prior[key]
		_, isRecipient := recipients[key]
		switch {
		case recipients != nil && !isRecipient:
			diags.AddAttributeWarning(retryPath(key), "Unknown Recipient Key",
				fmt.Sprintf("retry_uncertain names %q, which is not a key of recipients, so nothing is sent for it. "+
					"Use the key of an uncertain recipient, as in results.", key))
		case retriable(r, named):
		case !hasResult:
			diags.AddAttributeWarning(retryPath(key), "Nothing to Retry",
				fmt.Sprintf("%q has no result yet, so retry_uncertain[%q] names no attempt and sends nothing for it "+
					"(a new recipient is sent anyway). Remove the entry.", key, key))
		case !possiblySent(r):
			diags.AddAttributeWarning(retryPath(key), "Nothing to Retry",
				fmt.Sprintf("results[%q] is %s, not uncertain, so retry_uncertain[%q] sends nothing for it. %s Remove the entry.",
					key, r.Status, key, statusFate(r)))
		case r.AttemptID == "":
			diags.AddAttributeWarning(retryPath(key), "Nothing to Retry",
				fmt.Sprintf("results[%q] is uncertain but records no attempt_id, so no entry can name it and "+
					"retry_uncertain[%q] sends nothing. To send it again, give the recipient a new key.", key, key))
		default:
			diags.AddAttributeWarning(retryPath(key), "Retry Entry Is Stale",
				fmt.Sprintf("retry_uncertain[%q] names attempt %q, but the uncertain result of %q is attempt %q: the "+
					"named attempt was already sent again (or was never this recipient's), so nothing is sent for it. "+
					"If the message of attempt %q did not arrive either, name that attempt to send it once more; otherwise "+
					"remove the entry.", key, named, key, r.AttemptID, r.AttemptID))
		}
	}
	return diags
}

// statusFate says what a later apply does with a result that is not
// uncertain.
func statusFate(r recipientResult) string {
	switch r.Status {
	case sendSent:
		return fmt.Sprintf("Its message went out (message id %s) and is not sent again.", r.MessageID)
	case sendFailed:
		return "It was certainly not sent, and the next apply sends it anyway."
	case sendRejected:
		return "The API refused it; it is sent again once its inputs change."
	case sendDryRun:
		return "A dry run built it; the next real apply sends it anyway."
	default:
		return ""
	}
}

// campaignSchemaVersion is the campaign's state version: 1 made
// retry_uncertain a map of attempt ids (it was a set of keys).
const campaignSchemaVersion = 1

func (r *campaignResource) UpgradeState(context.Context) map[int64]resource.StateUpgrader {
	return map[int64]resource.StateUpgrader{0: {StateUpgrader: upgradeCampaignStateV0}}
}

// upgradeCampaignStateV0 drops version 0's retry_uncertain, a set of keys:
// it cannot say which attempt was meant, and the next plan's error or
// warning tells the user what to write. It edits the raw JSON, so that a
// large campaign's results are copied as they are, not rebuilt.
func upgradeCampaignStateV0(_ context.Context, req resource.UpgradeStateRequest, resp *resource.UpgradeStateResponse) {
	if req.RawState == nil || req.RawState.JSON == nil {
		resp.Diagnostics.AddError("Campaign State Not Upgraded",
			"The saved state of this interakt_campaign is not in JSON, which Terraform 0.12 and later write. Nothing was sent. "+reportBug)
		return
	}
	var attrs map[string]json.RawMessage
	if err := json.Unmarshal(req.RawState.JSON, &attrs); err != nil {
		resp.Diagnostics.AddError("Campaign State Not Upgraded",
			"The saved state of this interakt_campaign could not be read: "+err.Error()+". Nothing was sent. "+reportBug)
		return
	}
	attrs["retry_uncertain"] = json.RawMessage("null")
	upgraded, err := json.Marshal(attrs)
	if err != nil {
		resp.Diagnostics.AddError("Campaign State Not Upgraded",
			"The upgraded state of this interakt_campaign could not be written: "+err.Error()+". Nothing was sent. "+reportBug)
		return
	}
	resp.DynamicValue = &tfprotov6.DynamicValue{JSON: upgraded}
}
