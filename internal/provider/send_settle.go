package provider

import (
	"context"
	"strings"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// settleWindow is how far from an uncertain send's time the message it
// may have made is looked for: the provider's clock and Interakt's may
// differ, and a send may wait for the rate limiter.
const settleWindow = 15 * time.Minute

// settleSearch is the receiver search for the message an uncertain send of
// m at `at` may have made.
func settleSearch(m wire.Message, at time.Time) wire.MessageSearch {
	return wire.MessageSearch{
		Phone:            strings.TrimPrefix(m.CountryCode, "+") + m.PhoneNumber,
		TemplateName:     m.Template.Name,
		TemplateLanguage: m.Template.LanguageCode,
		CallbackData:     m.CallbackData,
		From:             at.Add(-settleWindow).UTC().Format(time.RFC3339Nano),
		To:               at.Add(settleWindow).UTC().Format(time.RFC3339Nano),
	}
}

// settle asks the status receiver whether an uncertain send of m at `at`
// made a message: exactly one match settles it with that message's id.
// None or several leave it uncertain ("" and no error): the absence of a
// webhook never proves that nothing was sent.
func (d *providerData) settle(ctx context.Context, m wire.Message, at time.Time) (string, error) {
	if d == nil || d.status == nil {
		return "", nil
	}
	found, err := d.status.Search(ctx, settleSearch(m, at))
	if err != nil || len(found) != 1 {
		return "", err
	}
	return found[0].ID, nil
}

// deliveryStatuses reads the status of many messages from the receiver in
// batches, by id; a message it has not seen is pending.
func (d *providerData) deliveryStatuses(ctx context.Context, ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	found, err := d.status.Lookup(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		out[id] = wire.StatusPending
	}
	for _, st := range found {
		out[st.ID] = st.Status
	}
	return out, nil
}

// parseResultTime reads a result's sent_at; ok is false when it has none.
func parseResultTime(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339, s)
	return t, err == nil
}
