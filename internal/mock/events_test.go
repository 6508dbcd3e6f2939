package mock

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// trackEvent posts body to the Track Events path through the handler.
func trackEvent(s *Server, body string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, wire.TrackEventPath, strings.NewReader(body))
	r.Header.Set("Authorization", testAuth)
	r.Header.Set("Content-Type", "application/json")
	return serve(s, r)
}

func TestTrackEventAccepted(t *testing.T) {
	s := New(Options{})
	body := `{"countryCode":"+91","phoneNumber":"9999999999","event":"order_placed","traits":{"amount":2000,"vip":true,"name":"Asha"}}`
	w := trackEvent(s, body)
	if w.Code != http.StatusCreated {
		t.Fatalf("status %d, body %s", w.Code, w.Body)
	}
	var answer wire.TrackEventResponse
	if err := json.Unmarshal(w.Body.Bytes(), &answer); err != nil || answer.Result == nil || !*answer.Result || !uuidV4.MatchString(answer.ID) {
		t.Fatalf("answer %s: %+v, %v", w.Body, answer, err)
	}
	events := s.TrackedEvents()
	if len(events) != 1 || events[0].ID != answer.ID || string(events[0].Body) != body {
		t.Fatalf("TrackedEvents() = %+v", events)
	}
	traits := events[0].Event.Traits
	if traits["amount"] != json.Number("2000") || traits["vip"] != true || traits["name"] != "Asha" {
		t.Errorf("traits lost their JSON types: %#v", traits)
	}
	if got := s.EventRequests(); len(got) != 1 || !got[0].Sent || got[0].MessageID != answer.ID {
		t.Errorf("EventRequests() = %+v", got)
	}
	if len(s.SendRequests()) != 0 {
		t.Error("an event was counted as a send request")
	}
}

func TestTrackEventRejected(t *testing.T) {
	s := New(Options{})
	for _, tc := range []struct{ body, want string }{
		{`{"userId":"u1"}`, MsgEventNoName},
		{`{"event":"order_placed"}`, MsgEventNoUser},
		{`{"event":"order_placed","countryCode":"+91","phoneNumber":"0123"}`, MsgInvalidPhone},
		{`{"event":"order_placed","userId":"u1","traits":{"address":{"city":"Pune"}}}`, MsgEventNotFlat},
		{`{"event":"order_placed","userId":"u1","extra":1}`, MsgUnknownField("extra")},
	} {
		w := trackEvent(s, tc.body)
		wantFailure(t, w, http.StatusBadRequest, tc.want)
	}
	if n := len(s.TrackedEvents()); n != 0 {
		t.Errorf("%d rejected events were accepted", n)
	}
}

func TestOngoingCampaignSendsAndPostsCampaignWebhooks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rc := &receiver{t: t}
		s := webhookServer(rc, Options{OngoingCampaigns: []OngoingCampaign{
			{ID: "camp-1", Event: "order_placed", Template: "order_shipped", BodyTraits: []string{"name", "order_id"}},
		}})
		defer closeServer(t, s)
		trackEvent(s, `{"userId":"u1","event":"order_placed","traits":{"name":"Asha"}}`)
		trackEvent(s, `{"countryCode":"+91","phoneNumber":"9999999999","event":"other_event"}`)
		w := trackEvent(s, `{"countryCode":"+91","phoneNumber":"9999999999","event":"order_placed","traits":{"name":"Asha","order_id":1001}}`)
		if w.Code != http.StatusCreated {
			t.Fatalf("status %d", w.Code)
		}
		if err := s.WaitWebhooks(t.Context()); err != nil {
			t.Fatal(err)
		}
		messages := s.CampaignMessages()
		if len(messages) != 1 {
			t.Fatalf("CampaignMessages() = %+v, want only the phone-numbered order_placed event's", messages)
		}
		m := messages[0]
		if m.CampaignID != "camp-1" || m.Message.Template.Name != "order_shipped" || m.Message.Template.LanguageCode != "en" ||
			strings.Join(m.Message.Template.BodyValues, "|") != "Asha|1001" || m.EventID != s.TrackedEvents()[2].ID {
			t.Errorf("campaign message = %+v", m)
		}
		var types []string
		for _, e := range rc.received() {
			types = append(types, e.webhook.Type)
			msg := e.webhook.Data.Message
			if msg.ID != m.ID || msg.ChatMessageType != wire.ChatMessageTypeCampaign || msg.CampaignID != "camp-1" {
				t.Errorf("webhook %s message = %+v", e.webhook.Type, msg)
			}
		}
		if got := strings.Join(types, ","); got != "message_campaign_sent,message_campaign_delivered,message_campaign_read" {
			t.Errorf("webhooks %s", got)
		}
		if s.SentCount() != 0 {
			t.Error("a campaign message was counted as an API send")
		}
	})
}

func TestOngoingCampaignAdminAndFlag(t *testing.T) {
	s := New(Options{})
	post := httptest.NewRequest(http.MethodPost, AdminOngoingCampaignsPath,
		strings.NewReader(`{"event":"signup","template":"welcome_message"}`))
	if w := serve(s, post); w.Code != http.StatusNoContent {
		t.Fatalf("POST status %d, body %s", w.Code, w.Body)
	}
	bad := httptest.NewRequest(http.MethodPost, AdminOngoingCampaignsPath, strings.NewReader(`{"event":"signup"}`))
	if w := serve(s, bad); w.Code != http.StatusBadRequest {
		t.Errorf("a campaign without a template: status %d", w.Code)
	}
	w := serve(s, httptest.NewRequest(http.MethodGet, AdminOngoingCampaignsPath, nil))
	var listed []OngoingCampaign
	if err := json.Unmarshal(w.Body.Bytes(), &listed); err != nil || len(listed) != 1 || listed[0].Language != "en" || listed[0].ID == "" {
		t.Fatalf("GET %s: %+v, %v", w.Body, listed, err)
	}

	opts, _, err := parseFlags([]string{"--ongoing-campaign", "order_placed=order_shipped:hi:name,order_id"}, &strings.Builder{})
	if err != nil || len(opts.OngoingCampaigns) != 1 {
		t.Fatalf("parseFlags: %+v, %v", opts.OngoingCampaigns, err)
	}
	if c := opts.OngoingCampaigns[0]; c.Event != "order_placed" || c.Template != "order_shipped" || c.Language != "hi" ||
		strings.Join(c.BodyTraits, ",") != "name,order_id" {
		t.Errorf("flag parsed as %+v", c)
	}
	if _, err := ParseOngoingCampaign("order_placed"); err == nil {
		t.Error("a campaign without a template was accepted")
	}
}

// An event that names its user by userId alone is sent to the phone
// number of the tracked user with that id.
func TestOngoingCampaignFindsTheTrackedUsersPhone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rc := &receiver{t: t}
		s := webhookServer(rc, Options{OngoingCampaigns: []OngoingCampaign{
			{ID: "camp-1", Event: "order_placed", Template: "order_shipped", BodyTraits: []string{"name"}},
		}})
		defer closeServer(t, s)
		s.AddUser(User{UserID: "qa-1", CountryCode: "+91", PhoneNumber: "9800000001"})
		trackEvent(s, `{"userId":"qa-1","event":"order_placed","traits":{"name":"Asha"}}`)
		if err := s.WaitWebhooks(t.Context()); err != nil {
			t.Fatal(err)
		}
		messages := s.CampaignMessages()
		if len(messages) != 1 || messages[0].Message.CountryCode != "+91" || messages[0].Message.PhoneNumber != "9800000001" {
			t.Fatalf("CampaignMessages() = %+v, want one to the tracked user's phone", messages)
		}
	})
}
