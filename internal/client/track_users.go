package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

const (
	opTrackUser = "track user"
	opFindUser  = "find user"
	// maxUserPages stops paging through users that never match: should
	// Interakt ignore a filter, a lookup reads at most this many pages of
	// MaxUsersLimit before giving up.
	maxUserPages = 50
)

// TrackUser creates or updates a user through the Track Users API. The
// request is an upsert, so repeating it is harmless: it is retried like a
// read.
func (c *Client) TrackUser(ctx context.Context, u wire.TrackUser) error {
	body, err := json.Marshal(u)
	if err != nil {
		return &Error{Kind: KindUnsent, Op: opTrackUser, Err: err}
	}
	rep, err := c.req.do(ctx, call{
		op:      opTrackUser,
		method:  http.MethodPost,
		path:    wire.TrackUsersPath,
		body:    body,
		maxBody: maxSendBody,
		safe:    true,
	})
	if err != nil {
		return err
	}
	if rep.status < 200 || rep.status > 299 {
		return c.req.statusError(opTrackUser, rep)
	}
	// Interakt answers 202 with {"result": true, ...}; a body that says
	// result false is a refusal whatever the status.
	var parsed struct {
		Result  *bool  `json:"result"`
		Message string `json:"message"`
	}
	if rep.bodyErr == nil && json.Unmarshal(rep.body, &parsed) == nil && parsed.Result != nil && !*parsed.Result {
		return &Error{Kind: KindRejected, Op: opTrackUser, StatusCode: rep.status, Message: c.req.redact(parsed.Message)}
	}
	return nil
}

// UserKey names the user FindUser looks for: by CountryCode ("+91") and
// PhoneNumber (the national number) when it has them, otherwise by UserID.
type UserKey struct {
	UserID      string
	CountryCode string
	PhoneNumber string
}

// ByPhone reports whether the key is looked up by phone number, the filter
// integrators use; a lookup by user id alone is unconfirmed, and Get
// Users' answers as integrators read them carry no user_id to match.
func (k UserKey) ByPhone() bool { return k.PhoneNumber != "" }

// FindUser looks the user up through the Get Users API, filtering by phone
// number when the key has one and else by user id, and checks each answer
// against the key itself, so a filter Interakt ignored never returns
// another user. found is false when no page holds the user.
func (c *Client) FindUser(ctx context.Context, key UserKey) (user wire.Customer, found bool, err error) {
	filter := wire.UserFilter{Trait: wire.FilterPhoneNumber, Op: wire.FilterEqual, Val: key.CountryCode + key.PhoneNumber}
	if !key.ByPhone() {
		filter = wire.UserFilter{Trait: wire.FilterUserID, Op: wire.FilterEqual, Val: key.UserID}
	}
	body, err := json.Marshal(wire.UsersQuery{Filters: []wire.UserFilter{filter}})
	if err != nil {
		return wire.Customer{}, false, &Error{Kind: KindUnsent, Op: opFindUser, Err: err}
	}
	offset := 0
	for range maxUserPages {
		page, err := c.fetchUserPage(ctx, body, offset)
		if err != nil {
			return wire.Customer{}, false, err
		}
		for _, u := range page.Customers {
			if key.matches(u) {
				return u, true, nil
			}
		}
		if !page.HasNextPage || len(page.Customers) == 0 {
			return wire.Customer{}, false, nil
		}
		offset += len(page.Customers)
	}
	return wire.Customer{}, false, &Error{Kind: KindUncertain, Op: opFindUser,
		Err: fmt.Errorf("no match in %d pages of %d users; Interakt may have ignored the %s filter", maxUserPages, wire.MaxUsersLimit, filter.Trait)}
}

func (c *Client) fetchUserPage(ctx context.Context, body []byte, offset int) (*wire.UsersData, error) {
	query := url.Values{"offset": {strconv.Itoa(offset)}, "limit": {strconv.Itoa(wire.MaxUsersLimit)}}.Encode()
	rep, err := c.req.do(ctx, call{
		op:      opFindUser,
		method:  http.MethodPost,
		path:    wire.UsersPath + "?" + query,
		body:    body,
		maxBody: maxTemplatePage,
		safe:    true,
	})
	if err != nil {
		return nil, err
	}
	if rep.status < 200 || rep.status > 299 {
		return nil, c.req.statusError(opFindUser, rep)
	}
	if rep.bodyErr != nil {
		return nil, &Error{Kind: KindUncertain, Op: opFindUser, StatusCode: rep.status, Err: rep.bodyErr}
	}
	var parsed wire.UsersResponse
	if err := json.Unmarshal(rep.body, &parsed); err != nil {
		return nil, &Error{Kind: KindUncertain, Op: opFindUser, StatusCode: rep.status,
			Err: errors.New("unreadable page of users at offset " + strconv.Itoa(offset))}
	}
	return &parsed.Data, nil
}

// matches tells whether u is the user k names: the same phone number
// however Interakt splits it (national number with a separate country
// code, or the full number with or without +), and no other user id than
// the key's when the answer gives one; a key without a phone number, the
// same user id.
func (k UserKey) matches(u wire.Customer) bool {
	if !k.ByPhone() {
		return k.UserID != "" && u.UserID == k.UserID
	}
	if k.UserID != "" && u.UserID != "" && u.UserID != k.UserID {
		return false
	}
	want := digits(k.CountryCode + k.PhoneNumber)
	got := digits(u.PhoneNumber)
	return want != "" && (got == want || digits(u.CountryCode)+got == want)
}

func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}
