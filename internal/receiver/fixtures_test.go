package receiver

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/client"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// The fixtures in testdata/interakt follow Interakt's documented sample
// webhooks field for field (customer traits of mixed types, raw_template
// as a JSON document in a string, times without a zone, a quick-reply
// click described in meta_data and a CTA click in data.event), with
// values of their own.
func fixture(t *testing.T, name string) []byte {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", "interakt", name))
	if err != nil {
		t.Fatal(err)
	}
	return body
}

const (
	fixtureMessage  = "7c0e4d2b-1f9a-4b8e-8d3c-2a6b5e4f3d21"
	fixtureFailed   = "9d1b2c3e-4f5a-4b6c-8d7e-0f1a2b3c4d5e"
	fixtureCTA      = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
	fixtureIncoming = "3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7"
)

// Every fixture is answered 200; the statuses, times, recipient, template,
// callback data and clicks they carry are what the receiver then serves,
// and an incoming message is acknowledged and not stored.
func TestInteraktSampleWebhooks(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		r := startReceiver(t, Config{DB: dsn})
		for _, name := range []string{
			"message_api_sent.json", "message_api_delivered.json", "message_api_read.json",
			"message_api_clicked_quick_reply.json", "message_api_failed.json", "message_api_clicked_cta.json",
			"message_received.json",
		} {
			if code := r.post(t, testSecret, fixture(t, name)); code != http.StatusOK {
				t.Fatalf("%s: %d, want 200", name, code)
			}
		}
		want := wire.Status{ID: fixtureMessage, Status: wire.StatusRead,
			SentAt: ptr("2026-02-03T10:15:20.25Z"), DeliveredAt: ptr("2026-02-03T10:15:21.8Z"), ReadAt: ptr("2026-02-03T10:16:02Z"),
			CallbackData: ptr("launch:c-77")}
		st := r.mustStatus(t, fixtureMessage)
		if diff := compareStatus(st, want); diff != "" {
			t.Errorf("the quick-reply message: %s", diff)
		}
		if deref(st.ClickedAt) != "2026-02-03T10:17:30.635664Z" || deref(st.ClickedButton) != "Track" {
			t.Errorf("the quick-reply click: clicked_at %s, button %s", deref(st.ClickedAt), deref(st.ClickedButton))
		}
		failed := r.mustStatus(t, fixtureFailed)
		if failed.Status != wire.StatusFailed || deref(failed.ErrorCode) != "1013" ||
			deref(failed.FailureReason) != "Recipient is not a valid WhatsApp user" {
			t.Errorf("the failed message: %+v", failed)
		}
		// A CTA click is the only event of its message: it makes it read,
		// from the click on, with the button and the callback data.
		cta := r.mustStatus(t, fixtureCTA)
		if cta.Status != wire.StatusRead || deref(cta.ReadAt) != "2026-02-03T10:18:20.7Z" ||
			deref(cta.ClickedAt) != "2026-02-03T10:18:40.000123Z" || deref(cta.ClickedButton) != "Track order" ||
			deref(cta.CallbackData) != "launch:c-78" {
			t.Errorf("the CTA message: %+v, clicked %s %s", cta, deref(cta.ClickedAt), deref(cta.ClickedButton))
		}
		if code, _ := r.status(t, testToken, fixtureIncoming); code != http.StatusNotFound {
			t.Errorf("the incoming message was stored: %d", code)
		}

		// The recipient and template, as raw_template names it, find it.
		reader := client.NewStatusReader(r.http.URL, testToken, r.client, nil)
		found, err := reader.Search(t.Context(), wire.MessageSearch{
			Phone: "919812345678", TemplateName: "order_shipped", TemplateLanguage: "en", CallbackData: "launch:c-77",
			From: "2026-02-03T10:00:00Z", To: "2026-02-03T10:30:00Z",
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(found) != 1 || found[0].ID != fixtureMessage || found[0].FirstSeenAt == nil {
			t.Fatalf("search = %+v, want the one message with its first_seen_at", found)
		}
		for _, q := range []wire.MessageSearch{
			{Phone: "919812345678", TemplateName: "order_shipped", From: "2026-02-03T11:00:00Z", To: "2026-02-03T12:00:00Z"},
			{Phone: "919812345678", TemplateName: "other_template", From: "2026-02-03T10:00:00Z", To: "2026-02-03T10:30:00Z"},
			{Phone: "919812345678", TemplateName: "order_shipped", CallbackData: "x", From: "2026-02-03T10:00:00Z", To: "2026-02-03T10:30:00Z"},
		} {
			if found, err := reader.Search(t.Context(), q); err != nil || len(found) != 0 {
				t.Errorf("search %+v = %+v, %v; want nothing", q, found, err)
			}
		}
		// The batch lookup answers the seen ids and leaves out the others.
		got, err := reader.Lookup(t.Context(), []string{fixtureMessage, fixtureFailed, "never-seen"})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 {
			t.Fatalf("lookup = %+v, want two messages", got)
		}
	})
}

// A forged or unsigned event is refused and never stored; a request that
// carries no event (a check that the URL answers) gets 200 and stores
// nothing.
func TestForgedRefusedAndPingAnswered(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		r := startReceiver(t, Config{DB: dsn})
		body := fixture(t, "message_api_sent.json")
		for name, secret := range map[string]string{"forged": "not-the-secret", "unsigned": ""} {
			if code := r.post(t, secret, body); code != http.StatusUnauthorized {
				t.Errorf("%s event: %d, want 401", name, code)
			}
		}
		if code, _ := r.status(t, testToken, fixtureMessage); code != http.StatusNotFound {
			t.Errorf("a refused event was stored: %d", code)
		}
		if got := counterValue(t, r.srv.metrics.rejected.WithLabelValues(rejectSignature)); got != 2 {
			t.Errorf("rejected{signature} = %v, want 2", got)
		}
		for _, ping := range []string{"", "{}", `{"type":"test"}`} {
			if code := r.post(t, "", []byte(ping)); code != http.StatusOK {
				t.Errorf("ping %q: %d, want 200", ping, code)
			}
		}
		if got := counterValue(t, r.srv.metrics.pings); got != 3 {
			t.Errorf("pings = %v, want 3", got)
		}
		if letters, err := r.srv.Store().DeadLetters(t.Context(), 10); err != nil || len(letters) != 0 {
			t.Errorf("dead letters %v, %v: a ping or a forged body was kept", letters, err)
		}
	})
}

// A campaign's message (an ongoing campaign's, fired by a tracked event)
// is stored with its campaign id, and the latest search finds it by
// recipient, template and a time before it, as interakt_message_status's
// latest asks. Interakt documents no sample of a message_campaign_* event:
// the fixture is the API message's body with the campaign's
// chat_message_type and campaign_id.
func TestCampaignMessageFoundByLatest(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		r := startReceiver(t, Config{DB: dsn})
		for _, name := range []string{"message_api_delivered.json", "message_campaign_delivered.json"} {
			if code := r.post(t, testSecret, fixture(t, name)); code != http.StatusOK {
				t.Fatalf("%s: %d, want 200", name, code)
			}
		}
		const campaignMessage = "5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e"
		st := r.mustStatus(t, campaignMessage)
		if st.Status != wire.StatusDelivered || deref(st.CampaignID) != "c0ffee00-1111-4222-8333-444455556666" {
			t.Fatalf("campaign message = %+v, want delivered with its campaign id", st)
		}
		if api := r.mustStatus(t, fixtureMessage); api.CampaignID != nil {
			t.Errorf("the API message has campaign_id %s", *api.CampaignID)
		}
		reader := client.NewStatusReader(r.http.URL, testToken, r.client, nil)
		for since, want := range map[string]string{
			"2026-02-03T10:00:00Z": campaignMessage, // both match: the latest
			"2026-02-03T11:00:02Z": campaignMessage,
			"2026-02-03T11:00:03Z": "", // after its send time
		} {
			got, found, err := reader.Latest(t.Context(), wire.MessageLatest{Phone: "+91 98123 45678", TemplateName: "order_shipped", Since: since})
			if err != nil {
				t.Fatal(err)
			}
			if found != (want != "") || got.ID != want {
				t.Errorf("latest since %s = %q (found %v), want %q", since, got.ID, found, want)
			}
		}
		if _, found, err := reader.Latest(t.Context(), wire.MessageLatest{Phone: "919812345678", TemplateName: "other", Since: "2026-02-03T10:00:00Z"}); err != nil || found {
			t.Errorf("latest of another template: found %v, %v", found, err)
		}
		if _, _, err := reader.Latest(t.Context(), wire.MessageLatest{Phone: "919812345678", TemplateName: "order_shipped", Since: "yesterday"}); err == nil {
			t.Error("a since that is not RFC 3339 was accepted")
		}
		unauthorized := client.NewStatusReader(r.http.URL, "wrong-token", r.client, nil)
		if _, _, err := unauthorized.Latest(t.Context(), wire.MessageLatest{Phone: "919812345678", TemplateName: "order_shipped", Since: "2026-02-03T10:00:00Z"}); err == nil {
			t.Error("the latest search answered without the status token")
		}
	})
}

// GET /v1/time answers the receiver's clock, and a latest search by
// seen_since reads the receiver's first-seen time on that clock: a message
// whose webhook came before the time read is never found, whatever send
// time Interakt gave it, and one whose webhook came after is, even with
// an earlier send time. That is how a check finds only the messages that
// came after an event.
func TestLatestBySeenSinceOnTheReceiversClock(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		var clock atomic.Int64
		at := func(seconds int) time.Time { return time.Date(2026, 6, 1, 9, 0, seconds, 0, time.UTC) }
		clock.Store(at(0).UnixNano())
		r := startReceiver(t, Config{DB: dsn, Now: func() time.Time { return time.Unix(0, clock.Load()) }})
		reader := client.NewStatusReader(r.http.URL, testToken, r.client, nil)

		// A campaign message seen at 0 s, which Interakt timed long after
		// (its clock or ours off).
		if code := r.post(t, testSecret, fixture(t, "message_campaign_delivered.json")); code != http.StatusOK {
			t.Fatalf("campaign webhook: %d", code)
		}
		clock.Store(at(5).UnixNano())
		now, err := reader.Now(t.Context())
		if err != nil || !now.Equal(at(5)) {
			t.Fatalf("receiver time = %v, %v; want %v", now, err, at(5))
		}
		latest := func(q wire.MessageLatest) string {
			t.Helper()
			q.Phone, q.TemplateName = "919812345678", "order_shipped"
			st, found, err := reader.Latest(t.Context(), q)
			if err != nil {
				t.Fatal(err)
			}
			if !found {
				return ""
			}
			return st.ID
		}
		seenSince := now.Format(time.RFC3339Nano)
		if got := latest(wire.MessageLatest{SeenSince: seenSince}); got != "" {
			t.Errorf("seen since %s found %q, first seen before it", seenSince, got)
		}
		if got := latest(wire.MessageLatest{Since: "2026-02-03T11:00:00Z"}); got == "" {
			t.Error("since by the send time did not find the campaign message")
		}

		// The API message, seen at 10 s, though timed before the other.
		clock.Store(at(10).UnixNano())
		if code := r.post(t, testSecret, fixture(t, "message_api_delivered.json")); code != http.StatusOK {
			t.Fatalf("API webhook: %d", code)
		}
		if got := latest(wire.MessageLatest{SeenSince: seenSince}); got != fixtureMessage {
			t.Errorf("seen since %s found %q, want %s", seenSince, got, fixtureMessage)
		}
		if _, _, err := reader.Latest(t.Context(), wire.MessageLatest{Phone: "919812345678", TemplateName: "order_shipped",
			Since: seenSince, SeenSince: seenSince}); err == nil {
			t.Error("a search with both since and seen_since was accepted")
		}

		unauthorized := client.NewStatusReader(r.http.URL, "wrong-token", r.client, nil)
		_, err = unauthorized.Now(t.Context())
		e, ok := client.ReceiverError(err)
		if !ok || e.Kind != client.KindUnauthorized || !strings.Contains(err.Error(), "the status receiver rejected the status token") {
			t.Errorf("time with a wrong token: %v", err)
		}
	})
}
