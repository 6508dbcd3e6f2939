package mock

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

func TestCreateCampaignChecksAndAnswersItsID(t *testing.T) {
	valid := wire.CreateCampaign{CampaignName: "Launch", CampaignType: wire.CampaignTypePublicAPI, TemplateName: "order_shipped", LanguageCode: "en"}
	for _, tc := range []struct {
		name   string
		change func(*wire.CreateCampaign)
		want   string
	}{
		{"empty name", func(c *wire.CreateCampaign) { c.CampaignName = " " }, "campaign_name"},
		{"another type", func(c *wire.CreateCampaign) { c.CampaignType = "Ongoing" }, "PublicAPI"},
		{"unapproved template", func(c *wire.CreateCampaign) { c.TemplateName = "festive_sale" }, "festive_sale"},
		{"unknown language", func(c *wire.CreateCampaign) { c.LanguageCode = "fr" }, "order_shipped"},
	} {
		s := New(Options{})
		req := valid
		tc.change(&req)
		w := postJSON(t, s, wire.CreateCampaignPath, req)
		if answer := decodeAnswer(t, w.Body.Bytes()); w.Code != http.StatusBadRequest || answer.Result || !strings.Contains(answer.Message, tc.want) {
			t.Errorf("%s: %d %s, want 400 naming %q", tc.name, w.Code, w.Body, tc.want)
		}
		if n := len(s.APICampaigns()); n != 0 {
			t.Errorf("%s: %d campaigns created", tc.name, n)
		}
	}

	s := New(Options{})
	w := postJSON(t, s, wire.CreateCampaignPath, valid)
	var answer wire.CreateCampaignResponse
	if err := json.Unmarshal(w.Body.Bytes(), &answer); err != nil || w.Code != http.StatusOK || !answer.Result {
		t.Fatalf("create: %d %s", w.Code, w.Body)
	}
	created := s.APICampaigns()
	if len(created) != 1 || created[0].ID == "" || answer.Data.CampaignID != created[0].ID || created[0].Request != valid {
		t.Fatalf("created %+v, answered %+v", created, answer)
	}

	// A send names it in campaignId, which Sent reports.
	m := orderShipped()
	m.CampaignID = answer.Data.CampaignID
	if w := send(t, s, m); w.Code != http.StatusCreated {
		t.Fatalf("send with campaignId: %d %s", w.Code, w.Body)
	}
	if sent := s.Sent(); len(sent) != 1 || sent[0].Message.CampaignID != answer.Data.CampaignID {
		t.Fatalf("sent = %+v, want the campaign's id", sent)
	}
}
