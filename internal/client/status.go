package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

const (
	opGetStatus = "read message status"
	// statusRetries is how often a status read is retried on a network
	// failure or 5xx; reads are safe to repeat.
	statusRetries = 2
	maxStatusBody = 1 << 20
)

// StatusReader reads message status from the status receiver.
type StatusReader struct {
	baseURL string
	baseErr error
	req     *requester
}

// NewStatusReader returns a reader for the receiver at baseURL that
// authenticates with token. A nil httpClient means a pooled default. An
// invalid baseURL or token is reported by Get.
func NewStatusReader(baseURL, token string, httpClient *http.Client, logger Logger) *StatusReader {
	base, err := normalizeBaseURL(baseURL)
	if err == nil {
		err = checkHeaderSecret("status token", token)
	}
	if err != nil {
		err = fmt.Errorf("status receiver: %w", err)
	}
	return &StatusReader{
		baseURL: base,
		baseErr: err,
		req: &requester{
			http:          withoutRedirects(httpClient),
			log:           loggerOrNop(logger),
			maxRetries:    statusRetries,
			timeout:       DefaultRequestTimeout,
			authorization: "Bearer " + token,
			userAgent:     DefaultUserAgent,
			secrets:       []string{token},
		},
	}
}

// Get returns the status of message id. found is false when the receiver
// has not seen the message (404), which callers treat as pending.
func (s *StatusReader) Get(ctx context.Context, id string) (st wire.Status, found bool, err error) {
	if s.baseErr != nil {
		return wire.Status{}, false, s.baseErr
	}
	if id == "" {
		return wire.Status{}, false, errors.New("message id is empty")
	}
	path := wire.StatusPathPrefix + url.PathEscape(id)
	rep, err := s.req.do(ctx, call{
		op:      opGetStatus,
		method:  http.MethodGet,
		url:     s.baseURL + path,
		logPath: path,
		maxBody: maxStatusBody,
		safe:    true,
	})
	if err != nil {
		return wire.Status{}, false, err
	}
	switch {
	case rep.status == http.StatusNotFound:
		return wire.Status{}, false, nil
	case rep.status != http.StatusOK:
		return wire.Status{}, false, s.req.statusError(opGetStatus, rep)
	case rep.bodyErr != nil:
		return wire.Status{}, false, &Error{Kind: KindUncertain, Op: opGetStatus, StatusCode: rep.status, Err: rep.bodyErr}
	}
	if err := json.Unmarshal(rep.body, &st); err != nil {
		return wire.Status{}, false, &Error{Kind: KindUncertain, Op: opGetStatus, StatusCode: rep.status,
			Err: fmt.Errorf("unreadable status: %w", err)}
	}
	return st, true, nil
}
