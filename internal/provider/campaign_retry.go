package provider

import (
	"fmt"
	"maps"
	"regexp"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// retry_uncertain maps a recipient key to the attempt_id of the uncertain
// result to send again: naming the attempt, not the recipient, makes a
// retry one-shot, since the retry's own result has a new attempt id.

// retryEntries is retry_uncertain as a configuration or plan holds it.
type retryEntries struct {
	// attempts names, by recipient key, the attempt to send again.
	attempts map[string]string
	// unknownKeys holds the keys whose attempt is not known yet.
	unknownKeys map[string]bool
	// unknown is set while the value, and so its keys, is not known.
	unknown bool
}

// retryPath is the path of retry_uncertain's entry for key.
func retryPath(key string) path.Path {
	return path.Root("retry_uncertain").AtMapKey(key)
}

// readRetryUncertain reads retry_uncertain. An entry set to null names no
// attempt, like no entry.
func readRetryUncertain(v types.Map) retryEntries {
	var e retryEntries
	switch {
	case v.IsNull():
		return e
	case v.IsUnknown():
		e.unknown = true
		return e
	}
	entries := v.Elements()
	e.attempts = make(map[string]string, len(entries))
	for key, value := range entries {
		s, ok := value.(types.String)
		switch {
		case !ok || s.IsNull():
		case s.IsUnknown():
			if e.unknownKeys == nil {
				e.unknownKeys = map[string]bool{}
			}
			e.unknownKeys[key] = true
		default:
			e.attempts[key] = s.ValueString()
		}
	}
	return e
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

// retryEntryWarnings warns, at retry_uncertain["key"], about each entry
// that names no attempt an apply would send again: its key names no
// recipient (recipients is nil while their keys are unknown), its
// recipient has no uncertain result, or the attempt named is not the
// current one (it was retried already). Such an entry sends nothing.
func retryEntryWarnings(e retryEntries, prior map[string]recipientResult, recipients map[string]recipientInput) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, key := range slices.Sorted(maps.Keys(e.attempts)) {
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
