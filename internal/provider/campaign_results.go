package provider

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// The object type of one entry of `results`.
var (
	campaignResultAttrTypes = map[string]attr.Type{
		"message_id":      types.StringType,
		"status":          types.StringType,
		"error":           types.StringType,
		"sent_at":         types.StringType,
		"inputs_hash":     types.StringType,
		"attempt_id":      types.StringType,
		"delivery_status": types.StringType,
	}
	campaignResultType = types.ObjectType{AttrTypes: campaignResultAttrTypes}
)

// resultCounts returns sent_count and failed_count: failed counts every
// recipient not (possibly) reached, that is failed, rejected or uncertain.
func resultCounts(results map[string]recipientResult) (sent, failed types.Int64) {
	var s, f int64
	for _, r := range results {
		switch r.Status {
		case sendSent:
			s++
		case sendDryRun:
		default:
			f++
		}
	}
	return types.Int64Value(s), types.Int64Value(f)
}

// deliveryStatusNames are delivery_counts' keys, in the order a message
// moves through them.
var deliveryStatusNames = []string{wire.StatusPending, wire.StatusSent, wire.StatusDelivered, wire.StatusRead, wire.StatusFailed}

// deliveryCounts counts results by delivery_status; null when no result
// has one (no status receiver is configured).
func deliveryCounts(results map[string]recipientResult) types.Map {
	counts := map[string]int64{}
	seen := false
	for _, r := range results {
		if r.DeliveryStatus != "" {
			counts[r.DeliveryStatus]++
			seen = true
		}
	}
	if !seen {
		return types.MapNull(types.Int64Type)
	}
	elems := make(map[string]attr.Value, len(deliveryStatusNames))
	for _, name := range deliveryStatusNames {
		elems[name] = types.Int64Value(counts[name])
	}
	return types.MapValueMust(types.Int64Type, elems)
}

// maxKeysListed bounds how many keys a warning names per group.
const maxKeysListed = 20

// runDiagnostics are the warnings of one apply: the recipients this apply
// did not send, by key and never by number, and why sending stopped.
func runDiagnostics(run campaignRun, attempted int) diag.Diagnostics {
	var diags diag.Diagnostics
	if summary, detail := notSentWarning(run, attempted); summary != "" {
		diags.AddWarning(summary, detail)
	}
	if run.stop != stopNone {
		diags.AddWarning(run.stop.summary(), run.stopDetail())
	}
	return diags
}

// notSentWarning groups the recipients of this apply that were not sent by
// status, and within a status by error, so that a stop that left hundreds
// unsent reads as one line.
func notSentWarning(run campaignRun, attempted int) (string, string) {
	type group struct {
		err  string
		keys []string
	}
	byStatus := map[string][]*group{}
	count := 0
	for _, key := range slices.Sorted(maps.Keys(run.results)) {
		r := run.results[key]
		if r.Status == sendSent || r.Status == sendDryRun {
			continue
		}
		count++
		groups := byStatus[r.Status]
		var g *group
		for _, existing := range groups {
			if existing.err == r.Error {
				g = existing
			}
		}
		if g == nil {
			g = &group{err: r.Error}
			byStatus[r.Status] = append(groups, g)
		}
		g.keys = append(g.keys, key)
	}
	if count == 0 {
		return "", ""
	}
	var b strings.Builder
	sections := []struct{ status, title string }{
		{sendRejected, "Rejected by the API; sent again once their inputs change"},
		{sendFailed, "Failed, certainly not sent; the next apply sends them"},
		{sendUncertain, "Uncertain, the API may have sent them; not sent again unless retry_uncertain names their attempt_id"},
	}
	for _, s := range sections {
		groups := byStatus[s.status]
		if len(groups) == 0 {
			continue
		}
		n := 0
		for _, g := range groups {
			n += len(g.keys)
		}
		fmt.Fprintf(&b, "%s (%d):\n", s.title, n)
		for i, g := range groups {
			if i == maxKeysListed {
				fmt.Fprintf(&b, "  ... and %d more errors (see results)\n", len(groups)-maxKeysListed)
				break
			}
			fmt.Fprintf(&b, "  - %s: %s\n", keyList(g.keys), g.err)
		}
	}
	b.WriteString(retryHint(run.results))
	b.WriteString("\nEvery message id obtained is saved in results. To make such failures stop a run, add " +
		"`lifecycle { postcondition { condition = self.failed_count == 0 } }` to the campaign.")
	return fmt.Sprintf("%d of %d campaign messages not sent", count, attempted), b.String()
}

// keyList names at most maxKeysListed keys: "a, b and 3 more".
func keyList(keys []string) string {
	if len(keys) <= maxKeysListed {
		return strings.Join(keys, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(keys[:maxKeysListed], ", "), len(keys)-maxKeysListed)
}

// plural returns "1 message" or "n messages".
func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// retryHint shows the retry_uncertain entries that would send this apply's
// uncertain recipients once more, at most maxKeysListed; "" when none.
func retryHint(results map[string]recipientResult) string {
	var entries []string
	more := 0
	for _, key := range slices.Sorted(maps.Keys(results)) {
		r := results[key]
		if r.Status != sendUncertain || r.AttemptID == "" {
			continue
		}
		if len(entries) == maxKeysListed {
			more++
			continue
		}
		entries = append(entries, fmt.Sprintf("    %s = %q", hclKey(key), r.AttemptID))
	}
	if len(entries) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\nAn uncertain message may have arrived. Once you know one did not, name its attempt to send it once more:\n" +
		"  retry_uncertain = {\n" + strings.Join(entries, "\n") + "\n  }\n")
	if more > 0 {
		fmt.Fprintf(&b, "  (%d more uncertain: their attempt_id is in results)\n", more)
	}
	return b.String()
}
