package client

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

const opCreateCampaign = "create API campaign"

// CreateAPICampaign makes an API campaign for a template and returns its
// id. Like a send, it is never repeated once written: a second create
// makes a second campaign.
func (c *Client) CreateAPICampaign(ctx context.Context, req wire.CreateCampaign) (string, error) {
	req.CampaignType = wire.CampaignTypePublicAPI
	body, err := json.Marshal(req)
	if err != nil {
		return "", &Error{Kind: KindUnsent, Op: opCreateCampaign, Err: err}
	}
	rep, err := c.req.do(ctx, call{
		op:      opCreateCampaign,
		method:  http.MethodPost,
		path:    wire.CreateCampaignPath,
		body:    body,
		maxBody: maxSendBody,
	})
	if err != nil {
		return "", err
	}
	if rep.status < 200 || rep.status > 299 {
		return "", c.req.statusError(opCreateCampaign, rep)
	}
	uncertain := func(err error) error {
		return &Error{Kind: KindUncertain, Op: opCreateCampaign, StatusCode: rep.status, Err: err}
	}
	if rep.bodyErr != nil {
		return "", uncertain(rep.bodyErr)
	}
	var parsed struct {
		Result *bool `json:"result"`
		wire.CreateCampaignResponse
	}
	if err := json.Unmarshal(rep.body, &parsed); err != nil {
		return "", uncertain(errors.New("unreadable response body"))
	}
	switch {
	case parsed.Result != nil && !*parsed.Result:
		return "", &Error{Kind: KindRejected, Op: opCreateCampaign, StatusCode: rep.status, Message: c.req.redact(parsed.Message)}
	case parsed.Data.ID() == "":
		return "", uncertain(errors.New("response has no data.campaignId"))
	}
	return parsed.Data.ID(), nil
}
