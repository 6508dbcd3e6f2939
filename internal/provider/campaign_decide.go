package provider

import (
	"sort"
)

// recipientResult is one recipient's entry in `results`, as plain strings;
// an empty MessageID, Error or SentAt is null in state.
type recipientResult struct {
	MessageID  string
	Status     string
	Error      string
	SentAt     string
	InputsHash string
	// AttemptID names the send's entry in the send journal.
	AttemptID string
	// DeliveryStatus is what the status receiver knows of a sent message:
	// pending, sent, delivered, read or failed; "" without a receiver.
	DeliveryStatus string
}

// sendPolicy holds the options that decide whether a recipient with an
// earlier result is sent again. During plan an option may not be known yet;
// then the recipients it would decide are only possibly sent.
type sendPolicy struct {
	resendOnChange        bool
	resendOnChangeUnknown bool
	// retryUncertain names, by recipient key, the one uncertain attempt to
	// send again; retryUnknown holds the keys whose attempt is not known
	// yet, and retryUncertainUnknown is set while the whole map is.
	retryUncertain        map[string]string
	retryUnknown          map[string]bool
	retryUncertainUnknown bool
	// dryRun is the provider's dry_run: dry-run results count as sent for
	// another dry run with the same inputs, and as not sent for a real one.
	dryRun bool
}

// sendReason says why a recipient is (possibly) sent, for the plan warning.
type sendReason int

const (
	reasonNew sendReason = iota
	reasonFailed
	reasonRejectedChanged
	reasonSentChanged
	reasonRetryUncertain
	reasonDryRunOnly
	reasonDryRunChanged
)

// String describes the reason in the plan warning's words.
func (r sendReason) String() string {
	switch r {
	case reasonNew:
		return "new"
	case reasonFailed:
		return "failed before (certainly not sent)"
	case reasonRejectedChanged:
		return "rejected before, inputs changed"
	case reasonSentChanged:
		return "sent before, inputs changed and resend_on_change is set"
	case reasonRetryUncertain:
		return "uncertain, its attempt named in retry_uncertain"
	case reasonDryRunOnly:
		return "built by a dry run only"
	case reasonDryRunChanged:
		return "dry run, inputs changed"
	default:
		return "unknown"
	}
}

// verdict is the decision for one recipient.
type verdict int

const (
	verdictKeep  verdict = iota // keep the earlier result, send nothing
	verdictSend                 // send
	verdictMaybe                // plan only: depends on values known at apply
)

// plannedSend is a recipient to send and why.
type plannedSend struct {
	key    string
	reason sendReason
}

// sendDecision is what an apply does with a campaign's recipients.
type sendDecision struct {
	// send lists the recipients to send, sorted by key.
	send []plannedSend
	// maybe lists the recipients whose decision needs values known only
	// at apply (never set when every input is known), sorted by key.
	maybe []plannedSend
	// keep holds the earlier results of current recipients not sent.
	keep map[string]recipientResult
	// dropped lists the keys of earlier results no longer in recipients.
	dropped []string
}

// decideSends is the campaign's rule of "new or certainly not sent, and
// never twice": given the earlier results by key, the current recipients'
// input hashes by key ("" while not known) and the options, it says which
// recipients to send. It is pure, so the plan and the apply reach the same
// answer from the same state.
func decideSends(prior map[string]recipientResult, hashes map[string]string, p sendPolicy) sendDecision {
	d := sendDecision{keep: map[string]recipientResult{}}
	keys := make([]string, 0, len(hashes))
	for key := range hashes {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	for _, key := range keys {
		earlier, seen := prior[key]
		var v verdict
		var why sendReason
		if seen {
			v, why = decideRecipient(key, earlier, hashes[key], p)
		} else {
			v, why = verdictSend, reasonNew
		}
		switch v {
		case verdictSend:
			d.send = append(d.send, plannedSend{key: key, reason: why})
		case verdictMaybe:
			d.maybe = append(d.maybe, plannedSend{key: key, reason: why})
		default:
			d.keep[key] = earlier
		}
	}
	for key := range prior {
		if _, ok := hashes[key]; !ok {
			d.dropped = append(d.dropped, key)
		}
	}
	sort.Strings(d.dropped)
	return d
}

// change says whether a recipient's inputs differ from its result's.
type change int

const (
	unchanged change = iota
	changed
	changeUnknown
)

func inputsChange(hash string, earlier recipientResult) change {
	switch {
	case hash == "":
		return changeUnknown
	case hash != earlier.InputsHash:
		return changed
	default:
		return unchanged
	}
}

// decideRecipient decides for a recipient with an earlier result.
func decideRecipient(key string, earlier recipientResult, hash string, p sendPolicy) (verdict, sendReason) {
	c := inputsChange(hash, earlier)
	onChange := func(why sendReason) (verdict, sendReason) {
		switch c {
		case changed:
			return verdictSend, why
		case changeUnknown:
			return verdictMaybe, why
		default:
			return verdictKeep, why
		}
	}
	switch earlier.Status {
	case sendFailed:
		return verdictSend, reasonFailed
	case sendRejected:
		return onChange(reasonRejectedChanged)
	case sendSent:
		switch {
		case p.resendOnChangeUnknown && c != unchanged:
			return verdictMaybe, reasonSentChanged
		case p.resendOnChange:
			return onChange(reasonSentChanged)
		}
		return verdictKeep, reasonSentChanged
	case sendDryRun:
		if !p.dryRun {
			return verdictSend, reasonDryRunOnly
		}
		return onChange(reasonDryRunChanged)
	default:
		// uncertain, and any status this version does not know, which is
		// safest treated as possibly sent. Only the attempt named is sent
		// again: the retry's own result has a new attempt id, so the same
		// entry never sends twice.
		switch {
		case retriable(earlier, p.retryUncertain[key]):
			return verdictSend, reasonRetryUncertain
		case p.retryUncertainUnknown || p.retryUnknown[key]:
			return verdictMaybe, reasonRetryUncertain
		}
		return verdictKeep, reasonRetryUncertain
	}
}

// possiblySent reports whether a result may have reached its recipient
// without the provider knowing: uncertain, or a status this version does
// not know. Only such a result can be retried through retry_uncertain.
func possiblySent(r recipientResult) bool {
	switch r.Status {
	case sendSent, sendFailed, sendRejected, sendDryRun:
		return false
	}
	return true
}

// retriable reports whether retry_uncertain's attempt names r's attempt,
// which may have been sent: an entry retries one attempt, once.
func retriable(r recipientResult, attempt string) bool {
	return possiblySent(r) && r.AttemptID != "" && attempt == r.AttemptID
}
