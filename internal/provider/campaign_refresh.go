package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// settleUncertain asks the status receiver about each uncertain result
// whose inputs are the state's: exactly one message sent to the recipient
// with the template (and callback data) near the attempt's time makes it
// sent with that message's id, with a warning; none or several leave it
// uncertain. A failed lookup leaves everything as it was, with a warning.
func (r *campaignResource) settleUncertain(ctx context.Context, state campaignModel, results map[string]recipientResult) diag.Diagnostics {
	var diags diag.Diagnostics
	var uncertain []string
	for _, key := range slices.Sorted(maps.Keys(results)) {
		if results[key].Status == sendUncertain {
			uncertain = append(uncertain, key)
		}
	}
	if len(uncertain) == 0 {
		return diags
	}
	inputs := campaignInputs(state, contractFromObject(state.Template), state.ID.ValueString(), state.ID.ValueString())
	if !inputs.known {
		return diags
	}
	var settled []string
	for _, key := range uncertain {
		res, in := results[key], inputs.recipients[key]
		at, ok := parseResultTime(res.SentAt)
		if !ok || in.hash != res.InputsHash {
			continue // not the inputs it was sent with, or no time to look near
		}
		id, err := r.data.settle(ctx, in.message, at)
		if err != nil {
			diags.AddWarning("Uncertain Sends Not Checked",
				fmt.Sprintf("The status receiver could not be asked whether the uncertain sends were made: %s. They stay uncertain "+
					"and nothing is sent; the next refresh asks again.", err))
			return diags
		}
		if id == "" {
			continue
		}
		res.Status, res.MessageID, res.Error = sendSent, id, ""
		results[key] = res
		settled = append(settled, key)
	}
	if len(settled) > 0 {
		tflog.Info(ctx, "campaign: uncertain sends settled from the status receiver", map[string]any{"settled": len(settled)})
		diags.AddWarning(fmt.Sprintf("Campaign: %s Settled From the Status Receiver", plural(len(settled), "Uncertain Send")),
			fmt.Sprintf("The status receiver holds exactly one message sent to each of these recipients with this template near "+
				"the time of its uncertain send, so each is now sent with that message's id: %s. They are not sent again.",
				keyList(settled)))
	}
	return diags
}

// refreshDelivery sets each sent result's delivery_status from the status
// receiver, in batches. A failed lookup keeps the earlier statuses.
func (r *campaignResource) refreshDelivery(ctx context.Context, results map[string]recipientResult) diag.Diagnostics {
	var diags diag.Diagnostics
	var ids []string
	for _, key := range slices.Sorted(maps.Keys(results)) {
		if res := results[key]; res.Status == sendSent && res.MessageID != "" {
			ids = append(ids, res.MessageID)
		}
	}
	statuses, err := r.data.deliveryStatuses(ctx, ids)
	if err != nil {
		diags.AddWarning("Delivery Status Not Refreshed",
			fmt.Sprintf("The status receiver could not be read: %s. results keep their earlier delivery_status.", err))
		return diags
	}
	for key, res := range results {
		if res.Status == sendSent && res.MessageID != "" {
			res.DeliveryStatus = statuses[res.MessageID]
		} else {
			res.DeliveryStatus = ""
		}
		results[key] = res
	}
	return diags
}
