package event

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// ErrMalformed is wrapped by Parse's errors: the body is not a
// status webhook the receiver can store.
var ErrMalformed = errors.New("malformed webhook")

// maxIDLength bounds a message id; Interakt's are UUIDs.
const maxIDLength = 200

// eventStatus maps the event types the receiver stores to the status each
// one reports; a click reports the message read, since the customer saw
// it. A campaign's message (an ongoing campaign's, an API campaign's) is
// stored like an API send, with its campaign id. Every other type
// (incoming messages...) is acknowledged and ignored.
var eventStatus = map[string]Status{
	wire.EventSent:      StatusSent,
	wire.EventDelivered: StatusDelivered,
	wire.EventRead:      StatusRead,
	wire.EventFailed:    StatusFailed,
	wire.EventClicked:   StatusRead,

	wire.EventCampaignSent:      StatusSent,
	wire.EventCampaignDelivered: StatusDelivered,
	wire.EventCampaignRead:      StatusRead,
	wire.EventCampaignFailed:    StatusFailed,
}

// Parse reads a status webhook body. handled is false, with no
// error, for a well-formed event of a type the receiver does not
//
// Times are read as RFC 3339, or as Interakt's zone-less
// "2006-01-02T15:04:05.000000", taken as UTC. An event lacking the time of
// its own status (delivered_at_utc for a delivered event...) gets the
// envelope's timestamp, or else receivedAt. Times of statuses later than
// the event's own are ignored; a time that cannot be read counts as absent
// rather than failing the event. Scalars sent as numbers are accepted as
// strings.
func Parse(body []byte, receivedAt time.Time) (ev Event, handled bool, err error) {
	hook, err := decodeWebhook(body)
	if err != nil {
		return Event{}, false, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	status, ok := eventStatus[hook.Type]
	if !ok {
		return Event{}, false, nil
	}
	msg := hook.Data.Message
	id := clean(msg.ID)
	if id == "" {
		return Event{}, false, fmt.Errorf("%w: %s event without data.message.id", ErrMalformed, hook.Type)
	}
	if len(id) > maxIDLength {
		return Event{}, false, fmt.Errorf("%w: data.message.id longer than %d bytes", ErrMalformed, maxIDLength)
	}
	ev = Event{
		MessageID:    id,
		Type:         hook.Type,
		Status:       status,
		CallbackData: clean(msg.MetaData.SourceData.CallbackData),
		Phone:        customerPhone(hook.Data.Customer),
		CampaignID:   clean(msg.CampaignID),
		CountryCode:  clean(hook.Data.Customer.CountryCode),
		PhoneNumber:  clean(hook.Data.Customer.PhoneNumber),
		ReceivedAt:   receivedAt.UTC(),
	}
	ev.TemplateName, ev.TemplateLanguage = rawTemplate(msg.RawTemplate)
	if hook.Type == wire.EventClicked {
		readClick(&ev, hook, receivedAt)
	}
	times := []struct {
		at     *time.Time
		value  string
		status Status
	}{
		{&ev.SentAt, msg.ReceivedAtUTC, StatusSent},
		{&ev.DeliveredAt, msg.DeliveredAtUTC, StatusDelivered},
		{&ev.ReadAt, msg.SeenAtUTC, StatusRead},
		{&ev.FailedAt, msg.FailedAtUTC, StatusFailed},
	}
	for _, t := range times {
		if t.status > status {
			continue
		}
		if parsed, ok := parseTime(t.value); ok {
			*t.at = parsed
		}
		if t.status == status && t.at.IsZero() {
			*t.at = fallbackTime(hook.Timestamp, receivedAt)
		}
	}
	if status == StatusFailed {
		ev.FailureReason = clean(msg.ChannelFailureReason)
		ev.ErrorCode = clean(msg.ChannelErrorCode)
	}
	return ev, true, nil
}

// readClick fills a click event: a CTA click is described in data.event,
// a quick-reply click in the message's meta_data. The message counts as
// read from the click on, unless it says it was read earlier.
func readClick(ev *Event, hook wire.Webhook, receivedAt time.Time) {
	ev.Clicked = true
	meta := hook.Data.Message.MetaData
	at, button := meta.ClickTimestamp, meta.ButtonText
	if e := hook.Data.Event; e != nil {
		if e.ClickTimestamp != "" {
			at = e.ClickTimestamp
		}
		if e.ButtonText != "" {
			button = e.ButtonText
		}
		if ev.CallbackData == "" {
			ev.CallbackData = clean(e.CallbackData)
		}
	}
	ev.ClickedButton = clean(button)
	if t, ok := parseTime(at); ok {
		ev.ClickedAt = t
	} else {
		ev.ClickedAt = fallbackTime(hook.Timestamp, receivedAt)
	}
	if ev.ReadAt.IsZero() {
		ev.ReadAt = ev.ClickedAt
	}
}

// customerPhone is the customer's number with its country code, digits
// only: channel_phone_number, else country_code and phone_number.
func customerPhone(c wire.WebhookCustomer) string {
	phone := c.ChannelPhoneNumber
	if phone == "" {
		phone = c.CountryCode + c.PhoneNumber
	}
	return PhoneDigits(phone)
}

// PhoneDigits is a phone number as events carry it: its digits only.
func PhoneDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// rawTemplate reads the template's name and language from raw_template, a
// JSON document sent as a string; what cannot be read is left empty.
func rawTemplate(raw string) (name, language string) {
	if raw == "" {
		return "", ""
	}
	var t wire.RawTemplate
	if err := json.Unmarshal([]byte(raw), &t); err != nil {
		return "", ""
	}
	return clean(t.Name), clean(t.Language)
}

func fallbackTime(envelope string, receivedAt time.Time) time.Time {
	if t, ok := parseTime(envelope); ok {
		return t
	}
	return receivedAt.UTC()
}

// timeLayouts are tried in order. A layout's ".999999999" also matches a
// time without fractional seconds.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05.999999999", // Interakt's *_utc fields: UTC without a zone
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
}

func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// clean trims a string and removes NUL bytes, which PostgreSQL's text type
// rejects: one such value must not fail the whole batch it is committed in.
func clean(s string) string {
	s = strings.TrimSpace(s)
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "")
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return s
}

// decodeWebhook decodes body as a wire.Webhook. When a field has another
// JSON type than the string expected, it decodes again, leniently.
func decodeWebhook(body []byte) (wire.Webhook, error) {
	var hook wire.Webhook
	err := json.Unmarshal(body, &hook)
	var typeErr *json.UnmarshalTypeError
	if !errors.As(err, &typeErr) {
		hook.Type = strings.TrimSpace(hook.Type)
		return hook, err
	}
	var raw lenientWebhook
	if err := json.Unmarshal(body, &raw); err != nil {
		return wire.Webhook{}, err
	}
	return raw.wire(), nil
}

// lenientWebhook mirrors wire.Webhook but accepts any JSON scalar where a
// string is expected, so an event is not refused because a field arrived
// as a number.
type lenientWebhook struct {
	Version   flexString `json:"version"`
	Timestamp flexString `json:"timestamp"`
	Type      flexString `json:"type"`
	Data      struct {
		Customer struct {
			ChannelPhoneNumber flexString `json:"channel_phone_number"`
			PhoneNumber        flexString `json:"phone_number"`
			CountryCode        flexString `json:"country_code"`
		} `json:"customer"`
		Event *struct {
			CallbackData   flexString `json:"callbackData"`
			ButtonText     flexString `json:"button_text"`
			ClickTimestamp flexString `json:"click_timestamp"`
		} `json:"event"`
		Message struct {
			ID                   flexString `json:"id"`
			MessageStatus        flexString `json:"message_status"`
			ReceivedAtUTC        flexString `json:"received_at_utc"`
			DeliveredAtUTC       flexString `json:"delivered_at_utc"`
			SeenAtUTC            flexString `json:"seen_at_utc"`
			FailedAtUTC          flexString `json:"failed_at_utc"`
			ChannelFailureReason flexString `json:"channel_failure_reason"`
			ChannelErrorCode     flexString `json:"channel_error_code"`
			RawTemplate          flexString `json:"raw_template"`
			MetaData             struct {
				SourceData struct {
					CallbackData flexString `json:"callback_data"`
				} `json:"source_data"`
				ButtonText     flexString `json:"button_text"`
				ClickTimestamp flexString `json:"click_timestamp"`
			} `json:"meta_data"`
		} `json:"message"`
	} `json:"data"`
}

func (l *lenientWebhook) wire() wire.Webhook {
	m, c := l.Data.Message, l.Data.Customer
	var event *wire.WebhookClickEvent
	if e := l.Data.Event; e != nil {
		event = &wire.WebhookClickEvent{
			CallbackData: string(e.CallbackData), ButtonText: string(e.ButtonText), ClickTimestamp: string(e.ClickTimestamp),
		}
	}
	return wire.Webhook{
		Version:   string(l.Version),
		Timestamp: string(l.Timestamp),
		Type:      strings.TrimSpace(string(l.Type)),
		Data: wire.WebhookData{Event: event, Customer: wire.WebhookCustomer{
			ChannelPhoneNumber: string(c.ChannelPhoneNumber), PhoneNumber: string(c.PhoneNumber), CountryCode: string(c.CountryCode),
		}, Message: wire.WebhookMessage{
			ID:                   string(m.ID),
			MessageStatus:        string(m.MessageStatus),
			ReceivedAtUTC:        string(m.ReceivedAtUTC),
			DeliveredAtUTC:       string(m.DeliveredAtUTC),
			SeenAtUTC:            string(m.SeenAtUTC),
			FailedAtUTC:          string(m.FailedAtUTC),
			ChannelFailureReason: string(m.ChannelFailureReason),
			ChannelErrorCode:     string(m.ChannelErrorCode),
			RawTemplate:          string(m.RawTemplate),
			MetaData: wire.WebhookMetaData{
				SourceData: wire.WebhookSourceData{CallbackData: string(m.MetaData.SourceData.CallbackData)},
				ButtonText: string(m.MetaData.ButtonText), ClickTimestamp: string(m.MetaData.ClickTimestamp),
			},
		}},
	}
}

// flexString decodes a JSON string, number or boolean as its text; null
// (and objects or arrays, which carry nothing a status needs) as "".
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return nil
	}
	switch b[0] {
	case '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
	case 't', 'f':
		*f = flexString(strconv.FormatBool(b[0] == 't'))
	case 'n', '{', '[':
		*f = ""
	default:
		*f = flexString(b)
	}
	return nil
}
