package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/interakt-community/terraform-provider-interakt/internal/client"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// Send statuses as state records them.
const (
	sendSent      = "sent"
	sendDryRun    = "dry_run"
	sendUncertain = "uncertain"
	sendRejected  = "rejected"
	sendFailed    = "failed"
)

// errBudgetSpent is the failure of a send refused by max_sends_per_apply.
var errBudgetSpent = errors.New("not sent: this provider process reached its max_sends_per_apply")

// sendOutcome is what one send attempt left behind.
type sendOutcome struct {
	// ID is the API's message id ("" when none was obtained).
	ID string
	// Status is one of the send statuses above.
	Status string
	// Err explains every status but sent and dry_run.
	Err error
}

// canSend reports whether this configuration can send (or dry-run) at all.
func (d *providerData) canSend() bool { return d.dryRun || d.api != nil }

// send sends one message through the provider's client, or pretends to when
// dry_run is set. It never retries what the API may have processed: the
// client returns that as uncertain and so does send.
func (d *providerData) send(ctx context.Context, m wire.Message) sendOutcome {
	ctx = maskSecrets(ctx, d.secrets)
	if d.dryRun {
		id := dryRunIDPrefix + uuid.NewString()
		tflog.Info(ctx, "dry run: message built and not sent", map[string]any{"template": m.Template.Name, "id": id})
		if body, err := wire.Encode(m); err == nil {
			tflog.Trace(ctx, "dry run payload", map[string]any{"body": string(body)})
		}
		return sendOutcome{ID: id, Status: sendDryRun}
	}
	return d.templateRefusal(ctx, m, d.deliver(func() (string, error) { return d.api.SendTemplate(ctx, m) }))
}

// deliver makes one request that may message someone (a send, or an event
// that fires a campaign): it counts against max_sends_per_apply, given
// back when Interakt certainly did not act on it, and what Interakt may
// have processed comes back uncertain.
func (d *providerData) deliver(request func() (string, error)) sendOutcome {
	if d.api == nil {
		return sendOutcome{Status: sendFailed, Err: errors.New(d.apiMissing)}
	}
	if !d.budget.take() {
		return sendOutcome{Status: sendFailed, Err: fmt.Errorf("%w (%d)", errBudgetSpent, d.budget.limit)}
	}
	id, err := request()
	if err == nil {
		return sendOutcome{ID: id, Status: sendSent}
	}
	switch client.KindOf(err) {
	case client.KindUncertain:
		return sendOutcome{Status: sendUncertain, Err: err}
	case client.KindRejected:
		d.budget.giveBack()
		return sendOutcome{Status: sendRejected, Err: err}
	default:
		d.budget.giveBack()
		return sendOutcome{Status: sendFailed, Err: err}
	}
}
