package client

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

const opSend = "send template"

// SendTemplate sends one template message and returns the message id the
// API assigned. The body is wire.Encode(m), byte for byte.
//
// Waiting for the rate limiter or a backoff ends when ctx does (KindUnsent).
// Once connected, the request runs to completion, bounded by the request
// timeout, even if ctx is canceled: a cancel must not turn a likely
// success into an uncertain outcome.
func (c *Client) SendTemplate(ctx context.Context, m wire.Message) (string, error) {
	body, err := wire.Encode(m)
	if err != nil {
		return "", &Error{Kind: KindUnsent, Op: opSend, Err: err}
	}
	rep, err := c.req.do(ctx, call{
		op:      opSend,
		method:  http.MethodPost,
		path:    wire.MessagePath,
		body:    body,
		maxBody: maxSendBody,
	})
	if err != nil {
		return "", err
	}
	if rep.status < 200 || rep.status > 299 {
		return "", c.req.statusError(opSend, rep)
	}
	return c.parseSendReply(rep)
}

// sendReply is the API's answer; Result is a pointer so that a missing
// field is not read as false.
type sendReply struct {
	Result  *bool  `json:"result"`
	Message string `json:"message"`
	ID      string `json:"id"`
}

// parseSendReply reads a 2xx answer: result true with an id is a success,
// result false a rejection, anything else uncertain.
func (c *Client) parseSendReply(rep *reply) (string, error) {
	uncertain := func(err error) error {
		return &Error{Kind: KindUncertain, Op: opSend, StatusCode: rep.status, Err: err}
	}
	if rep.bodyErr != nil {
		return "", uncertain(rep.bodyErr)
	}
	var parsed sendReply
	if err := json.Unmarshal(rep.body, &parsed); err != nil {
		return "", uncertain(errors.New("unreadable response body"))
	}
	switch {
	case parsed.Result == nil:
		return "", uncertain(errors.New(`response has no "result"`))
	case !*parsed.Result:
		return "", &Error{Kind: KindRejected, Op: opSend, StatusCode: rep.status, Message: c.req.redact(parsed.Message)}
	case parsed.ID == "":
		return "", uncertain(errors.New("response has no message id"))
	}
	return parsed.ID, nil
}
