package client

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

const opTrackEvent = "track event"

// TrackEvent records one event of a user through the Track Events API and
// returns the event id Interakt assigned. An event may make an ongoing
// campaign message the user, so it is never retried once written: like a
// send, a lost answer is KindUncertain.
func (c *Client) TrackEvent(ctx context.Context, e wire.TrackEvent) (string, error) {
	body, err := json.Marshal(e)
	if err != nil {
		return "", &Error{Kind: KindUnsent, Op: opTrackEvent, Err: err}
	}
	rep, err := c.req.do(ctx, call{
		op:      opTrackEvent,
		method:  http.MethodPost,
		path:    wire.TrackEventPath,
		body:    body,
		maxBody: maxSendBody,
	})
	if err != nil {
		return "", err
	}
	if rep.status < 200 || rep.status > 299 {
		return "", c.req.statusError(opTrackEvent, rep)
	}
	uncertain := func(err error) error {
		return &Error{Kind: KindUncertain, Op: opTrackEvent, StatusCode: rep.status, Err: err}
	}
	if rep.bodyErr != nil {
		return "", uncertain(rep.bodyErr)
	}
	var parsed wire.TrackEventResponse
	if err := json.Unmarshal(rep.body, &parsed); err != nil {
		return "", uncertain(errors.New("unreadable response body"))
	}
	if parsed.Result != nil && !*parsed.Result {
		return "", &Error{Kind: KindRejected, Op: opTrackEvent, StatusCode: rep.status, Message: c.req.redact(parsed.Message)}
	}
	id := parsed.ID
	if id == "" && parsed.Data != nil {
		id = parsed.Data.ID
	}
	if id == "" {
		return "", uncertain(errors.New("response has no event id"))
	}
	return id, nil
}
