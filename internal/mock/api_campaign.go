package mock

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// APICampaign is one API campaign the mock created.
type APICampaign struct {
	ID      string
	Request wire.CreateCampaign
	// Body is the request body as received.
	Body []byte
	At   time.Time
}

// handleCreateCampaign answers POST /v1/public/create-campaign/: it checks
// that the campaign is a PublicAPI one for an approved template, records
// it and answers its new id in data.campaignId. Sends name the id in
// campaignId; Sent reports it.
func (s *Server) handleCreateCampaign(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	i := s.record(r, 0, at)
	defer s.finish(i)
	if !s.admit(w, r, i, at, http.MethodPost, true) {
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
	s.update(i, func(req *Request) { req.Body = body })
	var req wire.CreateCampaign
	if err != nil || json.Unmarshal(body, &req) != nil {
		s.answer(w, r, i, http.StatusBadRequest, failure(MsgMalformedJSON))
		return
	}
	switch {
	case strings.TrimSpace(req.CampaignName) == "":
		s.answer(w, r, i, http.StatusBadRequest, failure("campaign_name is required"))
		return
	case req.CampaignType != wire.CampaignTypePublicAPI:
		s.answer(w, r, i, http.StatusBadRequest, failure(`campaign_type must be "PublicAPI"`))
		return
	}
	s.mu.Lock()
	_, found := s.templates.approved(req.TemplateName, req.LanguageCode)
	s.mu.Unlock()
	if !found {
		s.answer(w, r, i, http.StatusBadRequest, failure(MsgNoTemplate(req.TemplateName, req.LanguageCode)))
		return
	}
	c := APICampaign{ID: uuid.NewString(), Request: req, Body: body, At: at}
	s.mu.Lock()
	s.apiCampaigns = append(s.apiCampaigns, c)
	s.mu.Unlock()
	s.answer(w, r, i, http.StatusOK, mustJSON(wire.CreateCampaignResponse{
		Result: true, Message: "Campaign created successfully", Data: wire.CreateCampaignData{CampaignID: c.ID},
	}))
}

// APICampaigns returns the API campaigns created so far, in order.
func (s *Server) APICampaigns() []APICampaign {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]APICampaign, len(s.apiCampaigns))
	copy(out, s.apiCampaigns)
	for i := range out {
		out[i].Body = append([]byte(nil), out[i].Body...)
	}
	return out
}
