package client

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

const opCreateTemplate = "create template"

// CreateTemplate submits a template for Meta's approval through Interakt's
// Create Template API and returns the template as Interakt now holds it.
// Like a send, it is never repeated once written: a second create of the
// same name would be refused or make a duplicate. A success is remembered
// in the listed templates, so that the rest of the run sees it.
func (c *Client) CreateTemplate(ctx context.Context, t wire.CreateTemplate) (wire.TemplateInfo, error) {
	body, err := json.Marshal(t)
	if err != nil {
		return wire.TemplateInfo{}, &Error{Kind: KindUnsent, Op: opCreateTemplate, Err: err}
	}
	rep, err := c.req.do(ctx, call{
		op:      opCreateTemplate,
		method:  http.MethodPost,
		path:    wire.CreateTemplatePath,
		body:    body,
		maxBody: maxSendBody,
	})
	if err != nil {
		return wire.TemplateInfo{}, err
	}
	if rep.status < 200 || rep.status > 299 {
		return wire.TemplateInfo{}, c.req.statusError(opCreateTemplate, rep)
	}
	uncertain := func(err error) error {
		return &Error{Kind: KindUncertain, Op: opCreateTemplate, StatusCode: rep.status, Err: err}
	}
	if rep.bodyErr != nil {
		return wire.TemplateInfo{}, uncertain(rep.bodyErr)
	}
	var parsed struct {
		Result *bool `json:"result"`
		wire.CreateTemplateResponse
	}
	if err := json.Unmarshal(rep.body, &parsed); err != nil {
		return wire.TemplateInfo{}, uncertain(errors.New("unreadable response body"))
	}
	switch {
	case parsed.Result != nil && !*parsed.Result:
		return wire.TemplateInfo{}, &Error{Kind: KindRejected, Op: opCreateTemplate, StatusCode: rep.status,
			Message: c.req.redact(parsed.Message)}
	case parsed.Data.Name == "":
		return wire.TemplateInfo{}, uncertain(errors.New("response has no template"))
	}
	created := parsed.Data
	if created.ApprovalStatus == "" {
		created.ApprovalStatus = wire.ApprovalWaiting
	}
	c.templates.remember(created)
	return created, nil
}
