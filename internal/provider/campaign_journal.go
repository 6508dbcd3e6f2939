package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// takenAttempts returns the journal attempts that results record.
func takenAttempts(results map[string]recipientResult) map[string]bool {
	out := make(map[string]bool, len(results))
	for _, r := range results {
		if r.AttemptID != "" {
			out[r.AttemptID] = true
		}
	}
	return out
}

// forgetTaken removes from the journal the entries that the state's
// results have taken in.
func forgetTaken(ctx context.Context, j *sendJournal, results map[string]recipientResult) {
	j.forget(ctx, slices.Sorted(maps.Keys(takenAttempts(results))))
}

// adoptPending moves to d.keep every recipient that d would send and
// whose send a stopped run already made (a pending journal entry with the
// same key): answered, it takes the answer; unanswered, it is uncertain,
// unless the status receiver (data's, when set) settles it at once. It
// returns the adopted keys, sorted.
func adoptPending(ctx context.Context, j *sendJournal, data *providerData, d *sendDecision, inputs campaignInputSet,
	prior map[string]recipientResult,
) ([]string, error) {
	if j == nil || len(d.send) == 0 {
		return nil, nil
	}
	keys := make([]string, 0, len(d.send))
	for _, s := range d.send {
		if k := inputs.recipients[s.key].journalKey; k != "" {
			keys = append(keys, k)
		}
	}
	pending, err := j.pending(ctx, keys, takenAttempts(prior), false)
	if err != nil || len(pending) == 0 {
		return nil, err
	}
	var adopted []string
	rest := d.send[:0:0]
	for _, s := range d.send {
		in := inputs.recipients[s.key]
		e, ok := pending[in.journalKey]
		if !ok || in.journalKey == "" {
			rest = append(rest, s)
			continue
		}
		outcome, at := adoptedOutcome(e)
		res := recipientResult{MessageID: outcome.ID, Status: outcome.Status, SentAt: at, InputsHash: in.hash, AttemptID: e.Attempt}
		if outcome.Err != nil {
			res.Error = outcome.Err.Error()
		}
		if res.Status == sendUncertain {
			settleAdopted(ctx, data, in, &res)
		}
		d.keep[s.key] = res
		adopted = append(adopted, s.key)
	}
	d.send = rest
	return adopted, nil
}

// settleAdopted settles an adopted uncertain send from the status
// receiver when exactly one message accounts for it; otherwise, or when
// the receiver cannot be asked, it stays uncertain (a refresh asks again).
func settleAdopted(ctx context.Context, data *providerData, in recipientInput, res *recipientResult) {
	at, ok := parseResultTime(res.SentAt)
	if !ok {
		return
	}
	id, err := data.settle(ctx, in.message, at)
	if err != nil {
		tflog.Warn(ctx, "campaign: an adopted uncertain send could not be checked with the status receiver", map[string]any{"error": err.Error()})
		return
	}
	if id != "" {
		res.Status, res.MessageID, res.Error = sendSent, id, ""
	}
}

// adoptionWarning tells which recipients were taken from the journal of a
// stopped run instead of being sent.
func adoptionWarning(adopted []string, results map[string]recipientResult) diag.Diagnostics {
	var diags diag.Diagnostics
	if len(adopted) == 0 {
		return diags
	}
	byStatus := map[string][]string{}
	for _, key := range adopted {
		st := results[key].Status
		byStatus[st] = append(byStatus[st], key)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "An earlier apply was stopped (killed) after sending to %s; the send journal recorded those sends, "+
		"so they are taken into results and not sent again:\n", plural(len(adopted), "recipient"))
	for _, st := range []string{sendSent, sendUncertain} {
		if keys := byStatus[st]; len(keys) > 0 {
			fmt.Fprintf(&b, "  - %s (%d): %s\n", st, len(keys), keyList(keys))
		}
	}
	if len(byStatus[sendUncertain]) > 0 {
		b.WriteString("\nAn uncertain recipient's request was written but its answer never arrived: it may have been sent. " +
			"It is not sent again unless retry_uncertain names its attempt_id; with status_url set, a refresh settles it " +
			"from the status receiver's webhooks.")
	}
	diags.AddWarning(fmt.Sprintf("Campaign Adopts %s of a Stopped Apply", plural(len(adopted), "send")), b.String())
	return diags
}
