package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/interakt-community/terraform-provider-interakt/internal/contract"
	"github.com/interakt-community/terraform-provider-interakt/internal/journal"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

const (
	envJournalDir = "INTERAKT_JOURNAL_DIR"
	// journalFolder is the local journal's folder inside Terraform's data
	// folder (.terraform, or TF_DATA_DIR), which lives in the working
	// directory and which version control conventionally ignores.
	journalFolder = "interakt-journal"
)

// localJournalDir is where the local journal lives: INTERAKT_JOURNAL_DIR,
// else TF_DATA_DIR/interakt-journal, else .terraform/interakt-journal in
// the working directory (the provider's current directory).
func localJournalDir(getenv func(string) string) string {
	if dir := getenv(envJournalDir); dir != "" {
		return dir
	}
	data := getenv("TF_DATA_DIR")
	if data == "" {
		data = ".terraform"
	}
	return filepath.Join(data, journalFolder)
}

// The resource types a journal key names.
const (
	journalCampaign    = "interakt_campaign"
	journalTestMessage = "interakt_template_message"
)

// journalKeyVersion changes when the key's input changes.
const journalKeyVersion = "interakt send journal v1"

// journalKey identifies an intended send: the resource type, a scope (the
// campaign's id once it has state, "" for its first apply; the test send's
// triggers), the recipient's key in a campaign, the contract and the exact
// request body. A send that is intended anew (changed inputs, triggers or
// a new recipient key) has a new key; an apply that repeats a killed one
// computes the same key.
func journalKey(resourceType, scope, recipient string, c contract.Contract, m wire.Message) string {
	return newSendIdentity(c).journalKey(resourceType, scope, recipient, m)
}

// journalKey is journalKey for a send of the identity's contract, whose
// JSON is already made.
func (id sendIdentity) journalKey(resourceType, scope, recipient string, m wire.Message) string {
	h := sha256.New()
	for _, part := range []string{journalKeyVersion, resourceType, scope, recipient} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	id.write(h, m)
	return hex.EncodeToString(h.Sum(nil))
}

// sendJournal is the provider process's view of the journal. It also
// knows the sends this process began or claimed, which it never adopts:
// two identical sends of one run (two test sends alike) are both made.
type sendJournal struct {
	j       journal.Journal
	mu      sync.Mutex
	claimed map[string]bool
}

func newSendJournal(j journal.Journal) *sendJournal {
	return &sendJournal{j: j, claimed: map[string]bool{}}
}

// claim marks an attempt as begun by this process.
func (sj *sendJournal) claim(attempt string) {
	sj.mu.Lock()
	defer sj.mu.Unlock()
	sj.claimed[attempt] = true
}

// own reports whether this process began an attempt.
func (sj *sendJournal) own(attempt string) bool {
	sj.mu.Lock()
	defer sj.mu.Unlock()
	return sj.claimed[attempt]
}

// send records the send in the journal before making it and its outcome
// after; a send that cannot be recorded is not made. attempt names the
// entry, for state. A nil journal only sends.
func (sj *sendJournal) send(ctx context.Context, key string, m wire.Message, send sendFunc) (outcome sendOutcome, attempt string) {
	return sj.record(ctx, key, func(ctx context.Context) sendOutcome { return send(ctx, m) })
}

// record records a request that must never be made twice (a send, an API
// campaign's create) before making it, and its outcome after; a request
// that cannot be recorded is not made. The outcome's ID is what the
// answer identified: a message id, a campaign id.
func (sj *sendJournal) record(ctx context.Context, key string, do func(context.Context) sendOutcome) (outcome sendOutcome, attempt string) {
	if sj == nil {
		return do(ctx), ""
	}
	entry := wire.JournalEntry{
		Attempt:   uuid.NewString(),
		Key:       key,
		StartedAt: time.Now().UTC().Format(time.RFC3339Nano),
	}
	sj.claim(entry.Attempt)
	if err := sj.j.Begin(ctx, entry); err != nil {
		return sendOutcome{Status: sendFailed, Err: fmt.Errorf("%w: %v", errJournal, err)}, ""
	}
	outcome = do(ctx)
	entry.Answered = true
	entry.Status, entry.MessageID = outcome.Status, outcome.ID
	if outcome.Err != nil {
		entry.Error = outcome.Err.Error()
	}
	entry.AnsweredAt = time.Now().UTC().Format(time.RFC3339Nano)
	// The answer must be recorded even when ctx has ended (Ctrl-C).
	if err := sj.j.Finish(context.WithoutCancel(ctx), entry); err != nil {
		tflog.Warn(ctx, "send journal: the answer could not be recorded; the result is in state", map[string]any{"error": err.Error()})
	}
	return outcome, entry.Attempt
}

// errJournal marks a send refused because the journal could not record it.
var errJournal = errors.New("not sent: the send journal could not record the send")

// pending reads the entries of keys and returns, by key, the latest one
// that a stopped run left: not taken in by the current state (taken holds
// the attempts it records) and not begun by this process. Entries already
// taken in, and those whose answer says nothing was sent, are removed.
// With claim, what it returns becomes this process's, so that a second
// resource of the same key in this run does not adopt the same send (a
// test send adopts only in Create; a campaign adopts in its plan and again
// in its apply, in one process, and must not claim).
func (sj *sendJournal) pending(ctx context.Context, keys []string, taken map[string]bool, claim bool) (map[string]wire.JournalEntry, error) {
	if sj == nil || len(keys) == 0 {
		return nil, nil
	}
	entries, err := sj.j.Lookup(ctx, keys)
	if err != nil {
		return nil, err
	}
	var stale []string
	byKey := map[string][]wire.JournalEntry{}
	for _, e := range entries {
		if taken[e.Attempt] || certainlyNotSent(e) {
			stale = append(stale, e.Attempt)
			continue
		}
		byKey[e.Key] = append(byKey[e.Key], e)
	}
	sj.forget(ctx, stale)
	pending := map[string]wire.JournalEntry{}
	for key, es := range byKey {
		// Entries come oldest first: the latest one not this process's.
		for i := len(es) - 1; i >= 0; i-- {
			if !sj.own(es[i].Attempt) {
				pending[key] = es[i]
				if claim {
					sj.claim(es[i].Attempt)
				}
				break
			}
		}
	}
	return pending, nil
}

// forget removes entries that state has taken in; a failure only leaves
// them to the retention.
func (sj *sendJournal) forget(ctx context.Context, attempts []string) {
	if sj == nil || len(attempts) == 0 {
		return
	}
	if err := sj.j.Remove(ctx, attempts); err != nil {
		tflog.Warn(ctx, "send journal: entries taken into state could not be removed; they expire after the retention",
			map[string]any{"error": err.Error(), "entries": len(attempts)})
	}
}

// certainlyNotSent reports whether an entry's answer says the API did not
// act on the send (failed, rejected with a 400, or a dry run): nothing to
// adopt, the next apply may send it, as it would without a kill.
func certainlyNotSent(e wire.JournalEntry) bool {
	return e.Answered && (e.Status == sendFailed || e.Status == sendRejected || e.Status == sendDryRun)
}

// sendJournal is the journal sends are recorded in: none in a dry run,
// which sends nothing.
func (d *providerData) sendJournal() *sendJournal {
	if d.dryRun {
		return nil
	}
	return d.journal
}

// adoptedOutcome is what an entry left by a stopped run says of its send.
func adoptedOutcome(e wire.JournalEntry) (sendOutcome, string) {
	at := e.StartedAt
	if e.AnsweredAt != "" {
		at = e.AnsweredAt
	}
	if t, err := time.Parse(time.RFC3339Nano, at); err == nil {
		at = t.UTC().Format(time.RFC3339)
	}
	switch {
	case e.Answered && e.Status == sendSent && e.MessageID != "":
		return sendOutcome{ID: e.MessageID, Status: sendSent}, at
	case e.Answered && e.Status == sendUncertain:
		return sendOutcome{Status: sendUncertain, Err: errors.New(e.Error)}, at
	default:
		return sendOutcome{Status: sendUncertain, Err: errKilledUnanswered}, at
	}
}

// errKilledUnanswered explains an adopted send that had no answer.
var errKilledUnanswered = errors.New("the apply that sent it stopped before the answer arrived (the send journal recorded the request); it may have been sent")

// once makes a request that must never be made twice, a test send or an
// event: it adopts the outcome a stopped apply recorded under key, or
// makes the request, recorded in the journal. adoptedAt is the adopted
// outcome's time (RFC 3339), "" when this call made the request; err is
// set only when the journal cannot be read, and then nothing was made. A
// dry run records nothing.
func (d *providerData) once(ctx context.Context, key string, do func(context.Context) sendOutcome) (outcome sendOutcome, attempt, adoptedAt string, err error) {
	if d.dryRun {
		return do(ctx), "", "", nil
	}
	pending, err := d.journal.pending(ctx, []string{key}, nil, true)
	if err != nil {
		return sendOutcome{}, "", "", err
	}
	if e, ok := pending[key]; ok {
		outcome, adoptedAt = adoptedOutcome(e)
		return outcome, e.Attempt, adoptedAt, nil
	}
	outcome, attempt = d.journal.record(ctx, key, do)
	tflog.Debug(ctx, "request finished", map[string]any{"status": outcome.Status, "id": outcome.ID, "attempt_id": attempt})
	return outcome, attempt, "", nil
}

// forgetAttempt removes the journal entry of the attempt a state's
// attempt_id names.
func (d *providerData) forgetAttempt(ctx context.Context, state tfsdk.State) {
	if d == nil {
		return
	}
	var attempt types.String
	if diags := state.GetAttribute(ctx, path.Root("attempt_id"), &attempt); diags.HasError() || attempt.ValueString() == "" {
		return
	}
	d.journal.forget(ctx, []string{attempt.ValueString()})
}

// triggersScope is the journal key's scope of a test send: its triggers,
// whose change is a new send.
func triggersScope(triggers types.Map) string {
	if triggers.IsNull() || triggers.IsUnknown() {
		return ""
	}
	values := map[string]string{}
	for k, v := range triggers.Elements() {
		if s, ok := v.(types.String); ok {
			values[k] = s.ValueString()
		}
	}
	return triggersScopeFromStrings(values)
}

// triggersScopeFromStrings encodes triggers in key order.
func triggersScopeFromStrings(values map[string]string) string {
	b, _ := json.Marshal(values) // a map of strings always encodes, in key order
	return string(b)
}
