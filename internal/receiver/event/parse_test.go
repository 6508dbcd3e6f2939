package event

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

var received = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func mustParse(t *testing.T, body string) Event {
	t.Helper()
	ev, handled, err := Parse([]byte(body), received)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if !handled {
		t.Fatalf("Parse ignored %s", body)
	}
	return ev
}

func TestParseReadsInteraktFields(t *testing.T) {
	ev := mustParse(t, `{"version":"1.0","timestamp":"2026-03-01T10:00:09.000000","type":"message_api_failed",
	  "data":{"customer":{"phone_number":"9999999999"},"message":{"id":"m-1","message_status":"Failed",
	  "received_at_utc":"2026-03-01T10:00:00.123456","delivered_at_utc":"2026-03-01T10:00:01Z",
	  "failed_at_utc":"2026-03-01T15:30:02+05:30","channel_failure_reason":"Message undeliverable",
	  "channel_error_code":131026,"meta_data":{"source_data":{"callback_data":"release-42"}}}}}`)
	want := Event{
		MessageID:     "m-1",
		Type:          wire.EventFailed,
		Status:        StatusFailed,
		SentAt:        time.Date(2026, 3, 1, 10, 0, 0, 123456000, time.UTC),
		DeliveredAt:   time.Date(2026, 3, 1, 10, 0, 1, 0, time.UTC),
		FailedAt:      time.Date(2026, 3, 1, 10, 0, 2, 0, time.UTC),
		FailureReason: "Message undeliverable",
		ErrorCode:     "131026",
		CallbackData:  "release-42",
		Phone:         "9999999999",
		PhoneNumber:   "9999999999",
		ReceivedAt:    received,
	}
	if ev != want {
		t.Fatalf("event =\n %+v\nwant\n %+v", ev, want)
	}
}

func TestParseStatusTimeFallsBack(t *testing.T) {
	withEnvelope := mustParse(t, `{"timestamp":"2026-03-01T11:00:00.000000","type":"message_api_read","data":{"message":{"id":"m"}}}`)
	if want := time.Date(2026, 3, 1, 11, 0, 0, 0, time.UTC); !withEnvelope.ReadAt.Equal(want) {
		t.Fatalf("read_at = %v, want the envelope's %v", withEnvelope.ReadAt, want)
	}
	bare := mustParse(t, `{"timestamp":"yesterday","type":"message_api_delivered","data":{"message":{"id":"m","delivered_at_utc":"soon"}}}`)
	if !bare.DeliveredAt.Equal(received) {
		t.Fatalf("delivered_at = %v, want the receive time %v", bare.DeliveredAt, received)
	}
}

func TestParseIgnoresTimesOfLaterStatuses(t *testing.T) {
	ev := mustParse(t, `{"type":"message_api_sent","data":{"message":{"id":"m",
	  "received_at_utc":"2026-03-01T10:00:00","seen_at_utc":"2026-03-01T10:05:00","channel_failure_reason":"x"}}}`)
	if !ev.ReadAt.IsZero() || ev.FailureReason != "" {
		t.Fatalf("a sent event carried read_at %v / failure %q", ev.ReadAt, ev.FailureReason)
	}
	if !ev.SentAt.Equal(time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)) {
		t.Fatalf("sent_at = %v", ev.SentAt)
	}
}

func TestParseTypes(t *testing.T) {
	for typ, want := range map[string]Status{
		wire.EventSent: StatusSent, wire.EventDelivered: StatusDelivered,
		wire.EventRead: StatusRead, wire.EventFailed: StatusFailed, wire.EventClicked: StatusRead,
		wire.EventCampaignSent: StatusSent, wire.EventCampaignDelivered: StatusDelivered,
		wire.EventCampaignRead: StatusRead, wire.EventCampaignFailed: StatusFailed,
	} {
		ev := mustParse(t, `{"type":"`+typ+`","data":{"message":{"id":"m"}}}`)
		if ev.Status != want || ev.Type != typ {
			t.Fatalf("%s: status %v type %q", typ, ev.Status, ev.Type)
		}
	}
	for _, typ := range []string{"message_campaign_clicked", "message_received", ""} {
		_, handled, err := Parse([]byte(`{"type":"`+typ+`","data":{"message":{"id":"m"}}}`), received)
		if err != nil || handled {
			t.Fatalf("%q: handled=%v err=%v, want ignored", typ, handled, err)
		}
	}
}

func TestParseRejectsMalformed(t *testing.T) {
	for name, body := range map[string]string{
		"not json":      `{"type":`,
		"array":         `[1,2]`,
		"no id":         `{"type":"message_api_read","data":{"message":{}}}`,
		"blank id":      `{"type":"message_api_read","data":{"message":{"id":"  "}}}`,
		"id too long":   `{"type":"message_api_read","data":{"message":{"id":"` + strings.Repeat("x", maxIDLength+1) + `"}}}`,
		"data a string": `{"type":"message_api_read","data":"x"}`,
	} {
		if _, _, err := Parse([]byte(body), received); !errors.Is(err, ErrMalformed) {
			t.Fatalf("%s: err = %v, want ErrMalformed", name, err)
		}
	}
}

func TestParseCleansValues(t *testing.T) {
	ev := mustParse(t, `{"type":"message_api_sent","data":{"message":{"id":" m\u0000 ",
	  "meta_data":{"source_data":{"callback_data":"a\u0000b"}}}}}`)
	if ev.MessageID != "m" || ev.CallbackData != "ab" {
		t.Fatalf("id %q callback %q: NUL bytes or blanks kept", ev.MessageID, ev.CallbackData)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"version":"1.0","timestamp":"2026-03-01T10:00:09.000000","type":"message_api_failed","data":{"message":{"id":"m-1","received_at_utc":"2026-03-01T10:00:00.123456","failed_at_utc":"2026-03-01T15:30:02+05:30","channel_error_code":131026,"meta_data":{"source_data":{"callback_data":"x"}}}}}`))
	f.Add([]byte(`{"type":"message_api_read","data":{"message":{"id":1e400}}}`))
	f.Add([]byte(`{"type":"message_api_clicked"}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"type":"message_api_sent","data":{"message":{"id":"\u0000","received_at_utc":"9999-12-31T23:59:59.999999999"}}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, handled, err := Parse(body, received)
		if err != nil || !handled {
			return
		}
		if ev.MessageID == "" || len(ev.MessageID) > maxIDLength || !ev.Status.Valid() {
			t.Fatalf("accepted event without a usable id or status: %+v", ev)
		}
		for _, s := range []string{ev.MessageID, ev.CallbackData, ev.FailureReason, ev.ErrorCode} {
			if strings.IndexByte(s, 0) >= 0 {
				t.Fatalf("NUL byte kept in %q", s)
			}
		}
		own := map[Status]time.Time{StatusSent: ev.SentAt, StatusDelivered: ev.DeliveredAt,
			StatusRead: ev.ReadAt, StatusFailed: ev.FailedAt}[ev.Status]
		if own.IsZero() {
			t.Fatalf("event without the time of its own status: %+v", ev)
		}
	})
}

// A campaign's message is read like an API message, with its campaign id.
func TestParseReadsCampaignMessage(t *testing.T) {
	ev := mustParse(t, `{"type":"message_campaign_sent","data":{"customer":{"country_code":"+91","phone_number":"98123 45678"},
	  "message":{"id":"m-c","chat_message_type":"CampaignMessage","campaign_id":" camp-7 ","received_at_utc":"2026-03-01T10:00:00",
	  "raw_template":"{\"name\": \"order_shipped\", \"language\": \"en\"}"}}}`)
	if ev.CampaignID != "camp-7" || ev.Status != StatusSent || ev.Phone != "919812345678" ||
		ev.TemplateName != "order_shipped" || ev.TemplateLanguage != "en" {
		t.Fatalf("campaign event = %+v", ev)
	}
}
