package wire

// CreateCampaignPath is Interakt's create-campaign endpoint: it makes an
// "API campaign", under which the sends that name its id in campaignId
// are grouped in the dashboard's campaign reports.
const CreateCampaignPath = "/v1/public/create-campaign/"

// CampaignTypePublicAPI is the campaign_type of a campaign whose messages
// the public API sends.
const CampaignTypePublicAPI = "PublicAPI"

// CreateCampaign is the body of POST CreateCampaignPath. Interakt keys an
// API campaign by its template: its sends use that template and language.
// The shape follows integrators' code that calls the endpoint; Interakt's
// reference does not document it.
type CreateCampaign struct {
	CampaignName string `json:"campaign_name"`
	CampaignType string `json:"campaign_type"`
	TemplateName string `json:"template_name"`
	LanguageCode string `json:"language_code"`
}

// CreateCampaignResponse is the answer to a create: the new campaign's id
// in data.campaignId. Integrators' code also reads data.campaign_id, so
// both are read; which one Interakt sends is unconfirmed.
type CreateCampaignResponse struct {
	Result  bool               `json:"result"`
	Message string             `json:"message"`
	Data    CreateCampaignData `json:"data"`
}

// CreateCampaignData is the data part of CreateCampaignResponse.
type CreateCampaignData struct {
	CampaignID      string `json:"campaignId,omitempty"`
	CampaignIDSnake string `json:"campaign_id,omitempty"`
}

// ID returns the campaign id, from either spelling.
func (d CreateCampaignData) ID() string {
	if d.CampaignID != "" {
		return d.CampaignID
	}
	return d.CampaignIDSnake
}
