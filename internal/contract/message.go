package contract

import "github.com/interakt-community/terraform-provider-interakt/internal/wire"

// ToMessage builds the request the API receives from a contract and
// values. Null and unknown values are left out, so callers validate first
// and build only when everything is known. All value lists share one
// backing array, so a message costs a few allocations whatever its size.
func ToMessage(c Contract, v Values) wire.Message {
	m := wire.Message{
		CountryCode:  known(v.CountryCode),
		PhoneNumber:  known(v.PhoneNumber),
		Type:         wire.MessageTypeTemplate,
		CallbackData: known(v.CallbackData),
		Template: wire.Template{
			Name:         c.Name,
			LanguageCode: c.LanguageCode,
			FileName:     known(v.FileName),
		},
	}
	b := valueBuffer{items: make([]string, 0, countItems(v))}
	m.Template.HeaderValues = b.take(v.HeaderValues)
	m.Template.BodyValues = b.take(v.BodyValues)
	m.Template.ButtonValues = b.takeMap(v.ButtonValues)
	m.Template.ButtonPayload = b.takeMap(v.ButtonPayload)
	return m
}

func known(s Str) string {
	if s.Unknown || s.Null {
		return ""
	}
	return s.Value
}

func countItems(v Values) int {
	n := len(v.HeaderValues.Items) + len(v.BodyValues.Items)
	for _, e := range v.ButtonValues.Entries {
		n += len(e.Value.Items)
	}
	for _, e := range v.ButtonPayload.Entries {
		n += len(e.Value.Items)
	}
	return n
}

// valueBuffer hands out sub-slices of one backing array.
type valueBuffer struct {
	items []string
}

func (b *valueBuffer) take(l List) []string {
	if l.Unknown || len(l.Items) == 0 {
		return nil
	}
	start := len(b.items)
	for _, item := range l.Items {
		if !item.Unknown && !item.Null {
			b.items = append(b.items, item.Value)
		}
	}
	if len(b.items) == start {
		return nil
	}
	return b.items[start:len(b.items):len(b.items)]
}

func (b *valueBuffer) takeMap(m Map) map[string][]string {
	if m.Unknown || len(m.Entries) == 0 {
		return nil
	}
	out := make(map[string][]string, len(m.Entries))
	for _, e := range m.Entries {
		if e.Value.Unknown {
			continue
		}
		out[e.Key] = b.take(e.Value)
	}
	return out
}
