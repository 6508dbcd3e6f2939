package client

import (
	"net/http"
	"testing"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// TestCreateAPICampaignAnswers: the body is the four fields with
// campaign_type PublicAPI; the id is read from data.campaignId or
// data.campaign_id; result false is a rejection; a 2xx without an id and a
// 5xx after writing are uncertain, and nothing is sent twice.
func TestCreateAPICampaignAnswers(t *testing.T) {
	answers := []struct {
		status int
		body   string
	}{
		{http.StatusOK, `{"result":true,"message":"ok","data":{"campaignId":"c-1"}}`},
		{http.StatusOK, `{"result":true,"message":"ok","data":{"campaign_id":"c-2"}}`},
		{http.StatusBadRequest, `{"result":false,"message":"Template not found"}`},
		{http.StatusOK, `{"result":true,"message":"ok","data":{}}`},
		{http.StatusInternalServerError, `{}`},
	}
	s := &server{respond: func(n int, w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != wire.CreateCampaignPath || n > len(answers) {
			writeJSON(w, http.StatusNotFound, `{}`)
			return
		}
		writeJSON(w, answers[n-1].status, answers[n-1].body)
	}}
	ts := startHTTP(t, s)
	c := newTestClient(t, ts.URL, nil, Config{MaxRetries: 3})
	req := wire.CreateCampaign{CampaignName: "Launch", TemplateName: "order_shipped", LanguageCode: "en"}
	for i, want := range []struct {
		id   string
		ok   bool
		kind Kind
	}{{"c-1", true, 0}, {"c-2", true, 0}, {"", false, KindRejected}, {"", false, KindUncertain}, {"", false, KindUncertain}} {
		id, err := c.CreateAPICampaign(t.Context(), req)
		if id != want.id || want.ok != (err == nil) || (err != nil && KindOf(err) != want.kind) {
			t.Errorf("create %d = %q, %v; want %q, kind %v", i+1, id, err, want.id, want.kind)
		}
	}
	if n := s.count(); n != len(answers) {
		t.Errorf("server saw %d requests, want %d (no retry of a written create)", n, len(answers))
	}
	if want := `{"campaign_name":"Launch","campaign_type":"PublicAPI","template_name":"order_shipped","language_code":"en"}`; string(s.seen()[0].body) != want {
		t.Errorf("body = %s, want %s", s.seen()[0].body, want)
	}
}
