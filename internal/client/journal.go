package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

const (
	opJournal      = "send journal"
	maxJournalBody = 64 << 20
)

// JournalClient keeps the provider's send journal in the status receiver,
// so that a run killed on one machine is recovered on another.
type JournalClient struct {
	baseErr error
	req     *requester
}

// NewJournalClient returns the journal of the receiver at baseURL, which
// authenticates with the status token. An invalid baseURL or token is
// reported by every call.
func NewJournalClient(baseURL, token string, httpClient *http.Client, logger Logger) *JournalClient {
	req, err := newReceiverRequester(baseURL, token, httpClient, logger)
	return &JournalClient{baseErr: err, req: req}
}

// Begin stores an entry; the receiver answers once it is committed to disk.
func (j *JournalClient) Begin(ctx context.Context, e wire.JournalEntry) error {
	return j.put(ctx, e)
}

// Finish stores the entry with its answer.
func (j *JournalClient) Finish(ctx context.Context, e wire.JournalEntry) error {
	return j.put(ctx, e)
}

func (j *JournalClient) put(ctx context.Context, e wire.JournalEntry) error {
	body, err := json.Marshal(e)
	if err != nil {
		return err
	}
	path := wire.JournalEntryPathPrefix + url.PathEscape(e.Attempt)
	_, err = j.post(ctx, http.MethodPut, path, body, http.StatusNoContent)
	return err
}

// Lookup returns the entries of keys.
func (j *JournalClient) Lookup(ctx context.Context, keys []string) ([]wire.JournalEntry, error) {
	body, err := json.Marshal(wire.JournalLookup{Keys: keys})
	if err != nil {
		return nil, err
	}
	rep, err := j.post(ctx, http.MethodPost, wire.JournalLookupPath, body, http.StatusOK)
	if err != nil {
		return nil, err
	}
	var out wire.JournalEntries
	if err := json.Unmarshal(rep.body, &out); err != nil {
		return nil, &Error{Receiver: true, Kind: KindUncertain, Op: opJournal, StatusCode: rep.status, Err: fmt.Errorf("unreadable answer: %w", err)}
	}
	return out.Entries, nil
}

// Remove deletes entries by attempt.
func (j *JournalClient) Remove(ctx context.Context, attempts []string) error {
	body, err := json.Marshal(wire.JournalRemove{Attempts: attempts})
	if err != nil {
		return err
	}
	_, err = j.post(ctx, http.MethodPost, wire.JournalRemovePath, body, http.StatusNoContent)
	return err
}

// post makes one journal request and checks its status.
func (j *JournalClient) post(ctx context.Context, method, path string, body []byte, want int) (*reply, error) {
	if j.baseErr != nil {
		return nil, j.baseErr
	}
	rep, err := j.req.do(ctx, call{
		op:      opJournal,
		method:  method,
		path:    path,
		body:    body,
		maxBody: maxJournalBody,
		safe:    true,
	})
	if err != nil {
		return nil, err
	}
	if rep.status != want {
		return nil, j.req.statusError(opJournal, rep)
	}
	if rep.bodyErr != nil {
		return nil, &Error{Receiver: true, Kind: KindUncertain, Op: opJournal, StatusCode: rep.status, Err: rep.bodyErr}
	}
	return rep, nil
}
