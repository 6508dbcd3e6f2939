package provider

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"hash"

	"github.com/interakt-community/terraform-provider-interakt/internal/contract"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// recipientInput is one recipient's message and the hash of its inputs.
type recipientInput struct {
	// message is the request; built only when known is set.
	message wire.Message
	// hash identifies the effective inputs; "" while some are unknown.
	hash string
	// journalKey is the send's key in the send journal; "" while unknown.
	journalKey string
}

// campaignInputSet is every recipient's input, by key.
type campaignInputSet struct {
	// recipientsKnown is false while the recipients map as a whole is
	// unknown (so not even its keys are known).
	recipientsKnown bool
	// known is set when every recipient's inputs and the template are.
	known      bool
	recipients map[string]recipientInput
}

// hashes returns the input hash of every recipient by key.
func (s campaignInputSet) hashes() map[string]string {
	out := make(map[string]string, len(s.recipients))
	for key, in := range s.recipients {
		out[key] = in.hash
	}
	return out
}

// campaignInputs reads the recipients of m, applies the campaign's default
// callback data to each and builds its message and input hash. tmpl is
// m's template, read by the caller, who checks it too. salt is the
// campaign's id, so that equal inputs of two campaigns hash differently;
// scope is the journal key's scope: the id of a campaign with state, ""
// for its first apply (whose id is new in every attempt).
func campaignInputs(m campaignModel, tmpl contract.Contract, salt, scope string) campaignInputSet {
	set := campaignInputSet{recipientsKnown: m.recipients.known}
	if !set.recipientsKnown {
		return set
	}
	templateKnown := fullyKnown(m.Template) && !m.CallbackData.IsUnknown()
	set.known = templateKnown
	set.recipients = make(map[string]recipientInput, len(m.recipients.byKey))
	id := newSendIdentity(tmpl)
	defaultCallback := contractStr(m.CallbackData)
	for key, r := range m.recipients.byKey {
		if !r.known || !templateKnown {
			set.known = false
			set.recipients[key] = recipientInput{}
			continue
		}
		values := r.values
		if values.CallbackData.Null {
			values.CallbackData = defaultCallback
		}
		msg := contract.ToMessage(tmpl, values)
		set.recipients[key] = recipientInput{
			message: msg, hash: id.inputsHash(salt, msg),
			journalKey: id.journalKey(journalCampaign, scope, key, msg),
		}
	}
	return set
}

// recipientValue is one element of the recipients map.
type recipientValue struct {
	values contract.Values
	known  bool // every value is known
	// unknownObject is set when the recipient as a whole is unknown, and
	// nullObject when it is null; its values are then zero and must not
	// be checked.
	unknownObject, nullObject bool
}

// inputsHashVersion changes when the hash input changes, so that hashes of
// an older version never compare equal by accident.
const inputsHashVersion = "interakt_campaign inputs v1"

// sendIdentity identifies the sends of one contract, its JSON made once
// for all of a campaign's recipients.
type sendIdentity struct {
	contractJSON []byte
}

func newSendIdentity(c contract.Contract) sendIdentity {
	b, err := json.Marshal(c)
	if err != nil {
		b = nil // a contract that cannot be encoded adds nothing
	}
	return sendIdentity{contractJSON: b}
}

// inputsHash identifies a recipient's effective inputs: the contract and
// the exact request body. It is salted with the campaign's id, so that the
// hash of the same inputs differs between campaigns.
func (id sendIdentity) inputsHash(salt string, m wire.Message) string {
	h := sha256.New()
	h.Write([]byte(inputsHashVersion + "\x00" + salt + "\x00"))
	id.write(h, m)
	return hex.EncodeToString(h.Sum(nil))
}

// write writes to h what identifies a send: its contract and its exact
// request body, with a zero byte between.
func (id sendIdentity) write(h hash.Hash, m wire.Message) {
	h.Write(id.contractJSON)
	h.Write([]byte{0})
	if b, err := wire.Encode(m); err == nil {
		h.Write(b)
	}
}

// campaignPolicy reads the options of m.
func campaignPolicy(m campaignModel, dryRun bool) sendPolicy {
	p := sendPolicy{dryRun: dryRun}
	switch {
	case m.ResendOnChange.IsUnknown():
		p.resendOnChangeUnknown = true
	default:
		p.resendOnChange = m.ResendOnChange.ValueBool()
	}
	readRetryUncertain(m.RetryUncertain).retryPolicy(&p)
	return p
}
