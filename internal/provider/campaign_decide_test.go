package provider

import (
	"bytes"
	"context"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// TestDecideRecipient is the table of the resume rules: which recipient an
// apply sends, given its earlier result, whether its inputs changed and
// the options.
func TestDecideRecipient(t *testing.T) {
	t.Parallel()
	const old, changedHash = "h-old", "h-new"
	result := func(status string) recipientResult {
		return recipientResult{Status: status, InputsHash: old, MessageID: "id-1", AttemptID: "att-1"}
	}
	uncertainNoAttempt := recipientResult{Status: sendUncertain, InputsHash: old}
	named := map[string]string{"k": "att-1"}
	tests := []struct {
		name   string
		prior  recipientResult
		hash   string
		policy sendPolicy
		want   verdict
		reason sendReason
	}{
		{"sent, same inputs", result(sendSent), old, sendPolicy{}, verdictKeep, reasonSentChanged},
		{"sent, inputs changed: never twice", result(sendSent), changedHash, sendPolicy{}, verdictKeep, reasonSentChanged},
		{"sent, inputs changed, resend_on_change", result(sendSent), changedHash, sendPolicy{resendOnChange: true}, verdictSend, reasonSentChanged},
		{"sent, same inputs, resend_on_change", result(sendSent), old, sendPolicy{resendOnChange: true}, verdictKeep, reasonSentChanged},
		{"sent, inputs unknown, resend_on_change", result(sendSent), "", sendPolicy{resendOnChange: true}, verdictMaybe, reasonSentChanged},
		{"sent, inputs unknown, no resend", result(sendSent), "", sendPolicy{}, verdictKeep, reasonSentChanged},
		{"sent, inputs changed, resend_on_change unknown", result(sendSent), changedHash, sendPolicy{resendOnChangeUnknown: true}, verdictMaybe, reasonSentChanged},
		{"sent, same inputs, resend_on_change unknown", result(sendSent), old, sendPolicy{resendOnChangeUnknown: true}, verdictKeep, reasonSentChanged},
		{"sent, its attempt named in retry_uncertain", result(sendSent), old, sendPolicy{retryUncertain: named}, verdictKeep, reasonSentChanged},
		{"failed, its attempt named in retry_uncertain", result(sendFailed), old, sendPolicy{retryUncertain: named}, verdictSend, reasonFailed},
		{"rejected, its attempt named in retry_uncertain", result(sendRejected), old, sendPolicy{retryUncertain: named}, verdictKeep, reasonRejectedChanged},
		{"failed, same inputs", result(sendFailed), old, sendPolicy{}, verdictSend, reasonFailed},
		{"failed, inputs unknown", result(sendFailed), "", sendPolicy{}, verdictSend, reasonFailed},
		{"rejected, same inputs", result(sendRejected), old, sendPolicy{}, verdictKeep, reasonRejectedChanged},
		{"rejected, inputs changed", result(sendRejected), changedHash, sendPolicy{}, verdictSend, reasonRejectedChanged},
		{"rejected, inputs unknown", result(sendRejected), "", sendPolicy{}, verdictMaybe, reasonRejectedChanged},
		{"uncertain, not listed", result(sendUncertain), old, sendPolicy{}, verdictKeep, reasonRetryUncertain},
		{"uncertain, inputs changed, not listed", result(sendUncertain), changedHash, sendPolicy{resendOnChange: true}, verdictKeep, reasonRetryUncertain},
		{"uncertain, its attempt named", result(sendUncertain), old, sendPolicy{retryUncertain: named}, verdictSend, reasonRetryUncertain},
		{"uncertain, its attempt named, inputs changed", result(sendUncertain), changedHash, sendPolicy{retryUncertain: named}, verdictSend, reasonRetryUncertain},
		{"uncertain, an older attempt named", result(sendUncertain), old, sendPolicy{retryUncertain: map[string]string{"k": "att-0"}}, verdictKeep, reasonRetryUncertain},
		{"uncertain, another key's attempt named", result(sendUncertain), old, sendPolicy{retryUncertain: map[string]string{"other": "att-1"}}, verdictKeep, reasonRetryUncertain},
		{"uncertain, an empty attempt named", result(sendUncertain), old, sendPolicy{retryUncertain: map[string]string{"k": ""}}, verdictKeep, reasonRetryUncertain},
		{"uncertain without attempt id, an empty attempt named", uncertainNoAttempt, old, sendPolicy{retryUncertain: map[string]string{"k": ""}}, verdictKeep, reasonRetryUncertain},
		{"uncertain, retry_uncertain unknown", result(sendUncertain), old, sendPolicy{retryUncertainUnknown: true}, verdictMaybe, reasonRetryUncertain},
		{"uncertain, its entry's attempt unknown", result(sendUncertain), old, sendPolicy{retryUnknown: map[string]bool{"k": true}}, verdictMaybe, reasonRetryUncertain},
		{"uncertain, another entry's attempt unknown", result(sendUncertain), old, sendPolicy{retryUnknown: map[string]bool{"other": true}}, verdictKeep, reasonRetryUncertain},
		{"uncertain, named and retry_uncertain otherwise unknown", result(sendUncertain), old, sendPolicy{retryUncertain: named, retryUnknown: map[string]bool{"other": true}}, verdictSend, reasonRetryUncertain},
		{"dry run, then a real apply", result(sendDryRun), old, sendPolicy{}, verdictSend, reasonDryRunOnly},
		{"dry run, another dry run, same inputs", result(sendDryRun), old, sendPolicy{dryRun: true}, verdictKeep, reasonDryRunChanged},
		{"dry run, another dry run, inputs changed", result(sendDryRun), changedHash, sendPolicy{dryRun: true}, verdictSend, reasonDryRunChanged},
		{"dry run, another dry run, inputs unknown", result(sendDryRun), "", sendPolicy{dryRun: true}, verdictMaybe, reasonDryRunChanged},
		{"status from the future is never re-sent", result("queued"), changedHash, sendPolicy{resendOnChange: true}, verdictKeep, reasonRetryUncertain},
		{"status from the future, its attempt named", result("queued"), old, sendPolicy{retryUncertain: named}, verdictSend, reasonRetryUncertain},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, why := decideRecipient("k", tt.prior, tt.hash, tt.policy)
			if got != tt.want || why != tt.reason {
				t.Errorf("decideRecipient = %v (%s), want %v (%s)", got, why, tt.want, tt.reason)
			}
		})
	}
}

// TestDecideSends checks a whole campaign: new keys are sent, removed keys
// dropped, and every other key keeps its earlier result unchanged.
func TestDecideSends(t *testing.T) {
	t.Parallel()
	prior := map[string]recipientResult{
		"asha":   {Status: sendSent, MessageID: "id-asha", InputsHash: "a"},
		"bela":   {Status: sendFailed, Error: "not sent: apply was interrupted", InputsHash: "b"},
		"chen":   {Status: sendRejected, Error: "invalid phone", InputsHash: "c"},
		"dara":   {Status: sendUncertain, Error: "connection reset", InputsHash: "d"},
		"gone":   {Status: sendSent, MessageID: "id-gone", InputsHash: "g"},
		"esther": {Status: sendRejected, Error: "invalid phone", InputsHash: "e"},
	}
	hashes := map[string]string{
		"asha":   "a2", // changed, but sent: not again
		"bela":   "b",
		"chen":   "c", // unchanged: not again
		"dara":   "d",
		"esther": "e2", // fixed: again
		"fern":   "f",  // new
	}
	d := decideSends(prior, hashes, sendPolicy{})
	wantSend := []plannedSend{{"bela", reasonFailed}, {"esther", reasonRejectedChanged}, {"fern", reasonNew}}
	if !reflect.DeepEqual(d.send, wantSend) {
		t.Errorf("send = %v, want %v", d.send, wantSend)
	}
	if len(d.maybe) != 0 {
		t.Errorf("maybe = %v, want none", d.maybe)
	}
	wantKeep := map[string]recipientResult{"asha": prior["asha"], "chen": prior["chen"], "dara": prior["dara"]}
	if !reflect.DeepEqual(d.keep, wantKeep) {
		t.Errorf("keep = %v, want %v", d.keep, wantKeep)
	}
	if !reflect.DeepEqual(d.dropped, []string{"gone"}) {
		t.Errorf("dropped = %v, want [gone]", d.dropped)
	}
}

// TestDecideSendsFirstApply sends to everyone, in key order, even with
// inputs not known yet (a create plan).
func TestDecideSendsFirstApply(t *testing.T) {
	t.Parallel()
	d := decideSends(nil, map[string]string{"b": "", "a": "h", "c": ""}, sendPolicy{})
	want := []plannedSend{{"a", reasonNew}, {"b", reasonNew}, {"c", reasonNew}}
	if !reflect.DeepEqual(d.send, want) || len(d.keep) != 0 || len(d.dropped) != 0 {
		t.Errorf("decideSends = %+v, want send %v only", d, want)
	}
}

// TestResultCounts counts uncertain and rejected recipients as failed and
// dry runs as neither.
func TestResultCounts(t *testing.T) {
	t.Parallel()
	sent, failed := resultCounts(map[string]recipientResult{
		"a": {Status: sendSent}, "b": {Status: sendSent}, "c": {Status: sendRejected},
		"d": {Status: sendUncertain}, "e": {Status: sendFailed}, "f": {Status: sendDryRun},
	})
	if sent.ValueInt64() != 2 || failed.ValueInt64() != 3 {
		t.Errorf("counts = %d sent, %d failed; want 2 and 3", sent.ValueInt64(), failed.ValueInt64())
	}
}

// TestResultsRoundTrip keeps results identical through state, so a plan
// with nothing to send equals the prior state.
func TestResultsRoundTrip(t *testing.T) {
	t.Parallel()
	in := map[string]recipientResult{
		"asha": {MessageID: "id", Status: sendSent, SentAt: "2026-01-02T03:04:05Z", InputsHash: "h"},
		"bela": {Status: sendFailed, Error: "not sent: apply was interrupted", InputsHash: "h2"},
	}
	raw, err := resultsToMsgpack(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := resultsFromMsgpack(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out.byKey, in) {
		t.Errorf("round trip = %v, want %v", out.byKey, in)
	}
	again, err := resultsToMsgpack(out.byKey)
	if err != nil || !bytes.Equal(again, raw) {
		t.Errorf("state values differ after a round trip (%v)", err)
	}
	// Terraform reads them with the schema's type: an empty message id is
	// null, and the status is always there.
	state, err := tfprotov6.DynamicValue{MsgPack: raw}.Unmarshal(tftypes.Map{ElementType: campaignResultType.TerraformType(context.Background())})
	if err != nil {
		t.Fatalf("results are not of the schema's type: %v", err)
	}
	var elems, bela map[string]tftypes.Value
	if err := state.As(&elems); err != nil {
		t.Fatal(err)
	}
	if err := elems["bela"].As(&bela); err != nil {
		t.Fatal("no result for bela")
	}
	if id := bela["message_id"]; !id.IsNull() {
		t.Errorf("an empty message id must be null in state, got %s", id)
	}
	var status string
	if err := bela["status"].As(&status); err != nil || status != sendFailed {
		t.Errorf("bela's status = %q (%v), want %q", status, err, sendFailed)
	}
}

// TestDecideRetryOnce follows one recipient through retries: the entry
// naming its uncertain attempt sends it; once the retry is uncertain again
// (a new attempt id), the same entry sends nothing, and naming the new
// attempt sends it once more.
func TestDecideRetryOnce(t *testing.T) {
	t.Parallel()
	hashes := map[string]string{"ravi": "h", "asha": "h"}
	prior := map[string]recipientResult{
		"ravi": {Status: sendUncertain, InputsHash: "h", AttemptID: "att-1"},
		"asha": {Status: sendSent, MessageID: "id-asha", InputsHash: "h", AttemptID: "att-asha"},
	}
	first := sendPolicy{retryUncertain: map[string]string{"ravi": "att-1", "asha": "att-asha"}}
	d := decideSends(prior, hashes, first)
	if want := []plannedSend{{"ravi", reasonRetryUncertain}}; !reflect.DeepEqual(d.send, want) {
		t.Fatalf("first retry: send = %v, want %v", d.send, want)
	}

	prior["ravi"] = recipientResult{Status: sendUncertain, InputsHash: "h", AttemptID: "att-2"}
	d = decideSends(prior, hashes, first)
	if len(d.send) != 0 || len(d.maybe) != 0 || !reflect.DeepEqual(d.keep, prior) {
		t.Errorf("the same entry after an uncertain retry: send %v, maybe %v, keep %v; want nothing sent", d.send, d.maybe, d.keep)
	}

	second := sendPolicy{retryUncertain: map[string]string{"ravi": "att-2"}}
	d = decideSends(prior, hashes, second)
	if want := []plannedSend{{"ravi", reasonRetryUncertain}}; !reflect.DeepEqual(d.send, want) {
		t.Errorf("naming the new attempt: send = %v, want %v", d.send, want)
	}

	prior["ravi"] = recipientResult{Status: sendSent, MessageID: "id-ravi", InputsHash: "h", AttemptID: "att-3"}
	if d = decideSends(prior, hashes, second); len(d.send) != 0 {
		t.Errorf("a sent retry: send = %v, want nothing", d.send)
	}
}
