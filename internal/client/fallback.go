package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

const (
	opPutFallback    = "write fallback rule"
	opGetFallback    = "read fallback rule"
	opDeleteFallback = "remove fallback rule"
	opListHandoffs   = "list fallback hand-offs"
	maxFallbackBody  = 1 << 20
	maxHandoffsBody  = 64 << 20
)

// FallbackClient keeps fallback rules in the status receiver.
type FallbackClient struct {
	baseErr error
	req     *requester
}

// NewFallbackClient returns the fallback rules of the receiver at baseURL,
// which authenticates with the status token. An invalid baseURL or token
// is reported by every call.
func NewFallbackClient(baseURL, token string, httpClient *http.Client, logger Logger) *FallbackClient {
	req, err := newReceiverRequester(baseURL, token, httpClient, logger)
	return &FallbackClient{baseErr: err, req: req}
}

// Put writes rule f whole, its secret included, and returns the rule as
// the receiver keeps it (without the secret). The secret is redacted from
// the request's logged body and from any error, as the status token is.
func (c *FallbackClient) Put(ctx context.Context, f wire.Fallback) (wire.Fallback, error) {
	if c.baseErr != nil {
		return wire.Fallback{}, c.baseErr
	}
	if f.Name == "" {
		return wire.Fallback{}, fmt.Errorf("%s: the rule's name is empty", opPutFallback)
	}
	body, err := json.Marshal(f)
	if err != nil {
		return wire.Fallback{}, err
	}
	// This call's logs and errors are redacted of the rule's secret, in
	// the JSON form the body carries as well as as written.
	req := c.req.withSecrets(nonEmpty(f.Secret, jsonEscaped(f.Secret))...)
	rep, err := req.do(ctx, call{
		op:      opPutFallback,
		method:  http.MethodPut,
		path:    fallbackPath(f.Name),
		body:    body,
		maxBody: maxFallbackBody,
		safe:    true,
	})
	if err != nil {
		return wire.Fallback{}, err
	}
	if rep.status != http.StatusOK && rep.status != http.StatusCreated {
		return wire.Fallback{}, req.statusError(opPutFallback, rep)
	}
	var kept wire.Fallback
	if err := decodeReceiver(opPutFallback, rep, &kept); err != nil {
		return wire.Fallback{}, err
	}
	return kept, nil
}

// Get returns rule name as the receiver keeps it; found is false when the
// receiver has no such rule (404).
func (c *FallbackClient) Get(ctx context.Context, name string) (f wire.Fallback, found bool, err error) {
	rep, err := c.do(ctx, opGetFallback, http.MethodGet, name)
	if err != nil || rep == nil {
		return wire.Fallback{}, false, err
	}
	if err := decodeReceiver(opGetFallback, rep, &f); err != nil {
		return wire.Fallback{}, false, err
	}
	return f, true, nil
}

// Delete removes rule name and returns how many of its pending hand-offs
// were dropped with it; found is false when the receiver had no such rule.
func (c *FallbackClient) Delete(ctx context.Context, name string) (removed wire.FallbackRemoved, found bool, err error) {
	rep, err := c.do(ctx, opDeleteFallback, http.MethodDelete, name)
	if err != nil || rep == nil {
		return wire.FallbackRemoved{}, false, err
	}
	if len(rep.body) == 0 {
		return wire.FallbackRemoved{}, true, nil
	}
	if err := decodeReceiver(opDeleteFallback, rep, &removed); err != nil {
		return wire.FallbackRemoved{}, false, err
	}
	return removed, true, nil
}

// Handoffs lists rule name's hand-offs, oldest first: those in state
// (wire.HandoffPending, HandoffDelivered or HandoffDead), or all for "".
// found is false when the receiver has no such rule.
func (c *FallbackClient) Handoffs(ctx context.Context, name, state string) (list []wire.HandoffState, found bool, err error) {
	if c.baseErr != nil {
		return nil, false, c.baseErr
	}
	path := fallbackPath(name) + wire.FallbackHandoffsPath
	if state != "" {
		path += "?state=" + url.QueryEscape(state)
	}
	rep, err := c.req.do(ctx, call{op: opListHandoffs, method: http.MethodGet, path: path, maxBody: maxHandoffsBody, safe: true})
	switch {
	case err != nil:
		return nil, false, err
	case rep.status == http.StatusNotFound:
		return nil, false, nil
	case rep.status != http.StatusOK:
		return nil, false, c.req.statusError(opListHandoffs, rep)
	}
	var out wire.HandoffList
	if err := decodeReceiver(opListHandoffs, rep, &out); err != nil {
		return nil, false, err
	}
	return out.Handoffs, true, nil
}

// do makes a GET or DELETE of rule name. A 404 is a nil reply and no
// error; any other answer but 200 or 204 is an error.
func (c *FallbackClient) do(ctx context.Context, op, method, name string) (*reply, error) {
	if c.baseErr != nil {
		return nil, c.baseErr
	}
	if name == "" {
		return nil, fmt.Errorf("%s: the rule's name is empty", op)
	}
	rep, err := c.req.do(ctx, call{op: op, method: method, path: fallbackPath(name), maxBody: maxFallbackBody, safe: true})
	switch {
	case err != nil:
		return nil, err
	case rep.status == http.StatusNotFound:
		return nil, nil
	case rep.status != http.StatusOK && rep.status != http.StatusNoContent:
		return nil, c.req.statusError(op, rep)
	case rep.bodyErr != nil:
		return nil, &Error{Receiver: true, Kind: KindUncertain, Op: op, StatusCode: rep.status, Err: rep.bodyErr}
	}
	return rep, nil
}

// fallbackPath is rule name's path at the receiver.
func fallbackPath(name string) string {
	return wire.FallbackPathPrefix + url.PathEscape(name)
}

// decodeReceiver reads a receiver's JSON answer into out.
func decodeReceiver(op string, rep *reply, out any) error {
	if rep.bodyErr != nil {
		return &Error{Receiver: true, Kind: KindUncertain, Op: op, StatusCode: rep.status, Err: rep.bodyErr}
	}
	if err := json.Unmarshal(rep.body, out); err != nil {
		return &Error{Receiver: true, Kind: KindUncertain, Op: op, StatusCode: rep.status, Err: fmt.Errorf("unreadable answer: %w", err)}
	}
	return nil
}

// nonEmpty returns the values that are not empty.
func nonEmpty(values ...string) []string {
	return slices.DeleteFunc(values, func(v string) bool { return v == "" })
}

// jsonEscaped is s as it appears inside a JSON string.
func jsonEscaped(s string) string {
	b, _ := json.Marshal(s)
	return strings.TrimSuffix(strings.TrimPrefix(string(b), `"`), `"`)
}
