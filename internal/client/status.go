package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

const (
	opGetStatus = "read message status"
	opReadClock = "read the status receiver's clock"
	// receiverRetries is how often a request to the status receiver is
	// retried on a network failure or 5xx. Every one is safe to repeat:
	// status reads, journal entries and fallback rules are read or written
	// whole by key, and a repeated budget acquire may hold a second slot,
	// which its lease frees: the safe side.
	receiverRetries = 2
	maxStatusBody   = 1 << 20
	// maxLookupBody bounds a lookup answer: wire.MaxLookupIDs statuses.
	maxLookupBody = 8 << 20
)

// StatusReader reads message status from the status receiver.
type StatusReader struct {
	baseErr error
	req     *requester
}

// NewStatusReader returns a reader for the receiver at baseURL that
// authenticates with token. A nil httpClient means a pooled default. An
// invalid baseURL or token is reported by Get.
func NewStatusReader(baseURL, token string, httpClient *http.Client, logger Logger) *StatusReader {
	req, err := newReceiverRequester(baseURL, token, httpClient, logger)
	return &StatusReader{baseErr: err, req: req}
}

// newReceiverRequester is the requester of the status receiver's API,
// which the status token authenticates. An invalid baseURL or token is the
// error, reported by every call of the reader or journal built on it.
func newReceiverRequester(baseURL, token string, httpClient *http.Client, logger Logger) (*requester, error) {
	base, err := normalizeBaseURL(baseURL)
	if err == nil {
		err = checkHeaderSecret("status token", token)
	}
	if err != nil {
		err = fmt.Errorf("status receiver: %w", err)
	}
	return &requester{
		baseURL:       base,
		http:          withoutRedirects(httpClient),
		log:           loggerOrNop(logger),
		maxRetries:    receiverRetries,
		timeout:       DefaultRequestTimeout,
		authorization: "Bearer " + token,
		userAgent:     DefaultUserAgent,
		secrets:       []string{token},
		receiver:      true,
	}, err
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
		path:    path,
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
		return wire.Status{}, false, &Error{Receiver: true, Kind: KindUncertain, Op: opGetStatus, StatusCode: rep.status, Err: rep.bodyErr}
	}
	if err := json.Unmarshal(rep.body, &st); err != nil {
		return wire.Status{}, false, &Error{Receiver: true, Kind: KindUncertain, Op: opGetStatus, StatusCode: rep.status,
			Err: fmt.Errorf("unreadable status: %w", err)}
	}
	return st, true, nil
}

// Lookup returns the status of many messages, wire.MaxLookupIDs a request;
// a message the receiver has not seen is absent from the answer.
func (s *StatusReader) Lookup(ctx context.Context, ids []string) ([]wire.Status, error) {
	var out []wire.Status
	for len(ids) > 0 {
		n := min(len(ids), wire.MaxLookupIDs)
		var found wire.MessagesFound
		if err := s.post(ctx, wire.MessagesLookupPath, wire.MessagesLookup{IDs: ids[:n]}, &found); err != nil {
			return nil, err
		}
		out = append(out, found.Messages...)
		ids = ids[n:]
	}
	return out, nil
}

// Search returns the messages sent to a phone with a template in a time
// window (at most a few: enough to tell one from several).
func (s *StatusReader) Search(ctx context.Context, q wire.MessageSearch) ([]wire.Status, error) {
	var found wire.MessagesFound
	if err := s.post(ctx, wire.MessagesSearchPath, q, &found); err != nil {
		return nil, err
	}
	return found.Messages, nil
}

// Latest asks the receiver for the latest message sent to a recipient with
// a template since a time, whoever sent it; found is false when there is
// none.
func (s *StatusReader) Latest(ctx context.Context, q wire.MessageLatest) (st wire.Status, found bool, err error) {
	var answer wire.MessagesFound
	if err := s.post(ctx, wire.MessagesLatestPath, q, &answer); err != nil {
		return wire.Status{}, false, err
	}
	if len(answer.Messages) == 0 {
		return wire.Status{}, false, nil
	}
	return answer.Messages[0], true, nil
}

// Now reads the receiver's clock, the one it times a message's first
// webhook by: a time to search from with MessageLatest.SeenSince.
func (s *StatusReader) Now(ctx context.Context) (time.Time, error) {
	if s.baseErr != nil {
		return time.Time{}, s.baseErr
	}
	rep, err := s.req.do(ctx, call{
		op:      opReadClock,
		method:  http.MethodGet,
		path:    wire.ReceiverTimePath,
		maxBody: maxStatusBody,
		safe:    true,
	})
	if err != nil {
		return time.Time{}, err
	}
	switch {
	case rep.status != http.StatusOK:
		return time.Time{}, s.req.statusError(opReadClock, rep)
	case rep.bodyErr != nil:
		return time.Time{}, &Error{Receiver: true, Kind: KindUncertain, Op: opReadClock, StatusCode: rep.status, Err: rep.bodyErr}
	}
	var answer wire.ReceiverTime
	err = json.Unmarshal(rep.body, &answer)
	now, parseErr := time.Parse(time.RFC3339Nano, answer.Now)
	if err != nil || parseErr != nil {
		return time.Time{}, &Error{Receiver: true, Kind: KindUncertain, Op: opReadClock, StatusCode: rep.status,
			Err: fmt.Errorf("unreadable time %q", answer.Now)}
	}
	return now.UTC(), nil
}

// post sends a JSON request that reads (safe to repeat) and decodes the
// answer into out.
func (s *StatusReader) post(ctx context.Context, path string, in, out any) error {
	if s.baseErr != nil {
		return s.baseErr
	}
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	rep, err := s.req.do(ctx, call{
		op:      opGetStatus,
		method:  http.MethodPost,
		path:    path,
		body:    body,
		maxBody: maxLookupBody,
		safe:    true,
	})
	if err != nil {
		return err
	}
	switch {
	case rep.status != http.StatusOK:
		return s.req.statusError(opGetStatus, rep)
	case rep.bodyErr != nil:
		return &Error{Receiver: true, Kind: KindUncertain, Op: opGetStatus, StatusCode: rep.status, Err: rep.bodyErr}
	}
	if err := json.Unmarshal(rep.body, out); err != nil {
		return &Error{Receiver: true, Kind: KindUncertain, Op: opGetStatus, StatusCode: rep.status, Err: fmt.Errorf("unreadable answer: %w", err)}
	}
	return nil
}
