package mock

import (
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// Answers of the user endpoints.
const (
	MsgUserAccepted   = "Request accepted"
	MsgCustomers      = "Customers"
	MsgNoUserKey      = "Please correct the following error - userId or phoneNumber is required"
	MsgNoCountryCode  = "Please correct the following error - countryCode is required with phoneNumber"
	MsgNestedTrait    = "Please correct the following error - trait values must be strings, numbers or booleans"
	MsgLimitTooLarge  = "limit must be at most 100"
	MsgBadLimit       = "limit must be a positive integer"
	defaultUsersLimit = 10
)

// User is a user (contact) of the mock account.
type User struct {
	// ID is the account's own id of the user.
	ID          string
	UserID      string
	CountryCode string
	PhoneNumber string
	// Traits hold each trait's JSON value as the last upsert sent it.
	Traits     map[string]json.RawMessage
	Tags       []string
	CreatedAt  time.Time
	ModifiedAt time.Time
}

func (u User) clone() User {
	u.Traits = maps.Clone(u.Traits)
	u.Tags = slices.Clone(u.Tags)
	return u
}

// userBook holds the account's users; the Server's lock guards it.
type userBook struct {
	list []*User
	// pending are accepted Track Users requests not applied yet
	// (Options.UserApplyLag), in arrival order.
	pending []pendingUpsert
}

// pendingUpsert is a Track Users request to apply at due.
type pendingUpsert struct {
	due time.Time
	req wire.TrackUser
	at  time.Time
}

// settle applies the pending upserts due by now, in arrival order; every
// reader of the book calls it first.
func (b *userBook) settle(now time.Time) {
	n := 0
	for n < len(b.pending) && !b.pending[n].due.After(now) {
		b.upsert(b.pending[n].req, b.pending[n].at)
		n++
	}
	b.pending = b.pending[n:]
}

// find returns the user with userID, or else with this phone number.
func (b *userBook) find(userID, countryCode, phoneNumber string) *User {
	for _, u := range b.list {
		if userID != "" && u.UserID == userID {
			return u
		}
	}
	for _, u := range b.list {
		if phoneNumber != "" && u.CountryCode == countryCode && u.PhoneNumber == phoneNumber {
			return u
		}
	}
	return nil
}

// upsert applies a Track Users request as Interakt is understood to: the
// user named by userId, else by phone, is updated (traits merged by name,
// tags added), or created. Unconfirmed: whether Interakt replaces tags.
func (b *userBook) upsert(req wire.TrackUser, at time.Time) {
	u := b.find(req.UserID, req.CountryCode, req.PhoneNumber)
	if u == nil {
		u = &User{ID: uuid.NewString(), Traits: map[string]json.RawMessage{}, CreatedAt: at}
		b.list = append(b.list, u)
	}
	if req.UserID != "" {
		u.UserID = req.UserID
	}
	if req.PhoneNumber != "" {
		u.CountryCode, u.PhoneNumber = req.CountryCode, req.PhoneNumber
	}
	for name, value := range req.Traits {
		u.Traits[name] = value
	}
	for _, tag := range req.Tags {
		if !slices.Contains(u.Tags, tag) {
			u.Tags = append(u.Tags, tag)
		}
	}
	u.ModifiedAt = at
}

// handleTrackUser answers POST /v1/public/track/users/: it checks the user
// is named (userId, or phoneNumber with countryCode) and its traits are
// flat, upserts the user (Options.UserApplyLag after the answer, if set),
// and answers 202 as Interakt does.
func (s *Server) handleTrackUser(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	i := s.record(r, 0, at)
	defer s.finish(i)
	if !s.admit(w, r, i, at, http.MethodPost, true) {
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
	s.update(i, func(req *Request) { req.Body = body })
	var req wire.TrackUser
	if err != nil || json.Unmarshal(body, &req) != nil {
		s.answer(w, r, i, http.StatusBadRequest, failure(MsgMalformedJSON))
		return
	}
	switch {
	case req.UserID == "" && req.PhoneNumber == "":
		s.answer(w, r, i, http.StatusBadRequest, failure(MsgNoUserKey))
		return
	case req.PhoneNumber != "" && req.CountryCode == "":
		s.answer(w, r, i, http.StatusBadRequest, failure(MsgNoCountryCode))
		return
	}
	for _, value := range req.Traits {
		if v := bytes.TrimSpace(value); len(v) > 0 && (v[0] == '{' || v[0] == '[') {
			s.answer(w, r, i, http.StatusBadRequest, failure(MsgNestedTrait))
			return
		}
	}
	s.mu.Lock()
	if s.userApplyLag > 0 {
		s.users.settle(at)
		s.users.pending = append(s.users.pending, pendingUpsert{due: time.Now().Add(s.userApplyLag), req: req, at: at})
	} else {
		s.users.upsert(req, at)
	}
	s.mu.Unlock()
	s.answer(w, r, i, http.StatusAccepted, mustJSON(wire.MessageResponse{Result: true, Message: MsgUserAccepted}))
}

// handleUsers answers POST /v1/public/apis/users/?offset=&limit= with the
// users that match every filter (supr_op is read as "and"), in creation
// order: limit is 10 when absent and at most 100. Filters on phone_number
// take the full number ("+919999999999"); user_id, created_at_utc and
// modified_at_utc are understood too, and any other trait compares the
// user's trait of that name as text. With Options.UsersWithoutUserID the
// answer has no user_id.
func (s *Server) handleUsers(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	i := s.record(r, 0, at)
	defer s.finish(i)
	if !s.admit(w, r, i, at, http.MethodPost, true) {
		return
	}
	query := r.URL.Query()
	offset, limit := 0, defaultUsersLimit
	if raw := query.Get("offset"); raw != "" {
		parsed, err := strconv.Atoi(raw)
		if err != nil || parsed < 0 {
			s.answer(w, r, i, http.StatusBadRequest, failure(MsgBadOffset))
			return
		}
		offset = parsed
	}
	if raw := query.Get("limit"); raw != "" {
		parsed, err := strconv.Atoi(raw)
		switch {
		case err != nil || parsed < 1:
			s.answer(w, r, i, http.StatusBadRequest, failure(MsgBadLimit))
			return
		case parsed > wire.MaxUsersLimit:
			s.answer(w, r, i, http.StatusBadRequest, failure(MsgLimitTooLarge))
			return
		}
		limit = parsed
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
	s.update(i, func(req *Request) { req.Body = body })
	var q wire.UsersQuery
	if err != nil || (len(bytes.TrimSpace(body)) > 0 && json.Unmarshal(body, &q) != nil) {
		s.answer(w, r, i, http.StatusBadRequest, failure(MsgMalformedJSON))
		return
	}
	s.mu.Lock()
	s.users.settle(time.Now())
	var matching []wire.Customer
	for _, u := range s.users.list {
		if userMatches(*u, q.Filters) {
			c := customerOf(*u)
			if s.usersWithoutUserID {
				c.UserID = ""
			}
			matching = append(matching, c)
		}
	}
	s.mu.Unlock()
	data := wire.UsersData{TotalCustomers: len(matching), Customers: []wire.Customer{}}
	if offset < len(matching) {
		end := min(offset+limit, len(matching))
		data.Customers = matching[offset:end]
		data.HasNextPage = end < len(matching)
	}
	s.answer(w, r, i, http.StatusOK, mustJSON(wire.UsersResponse{Result: true, Message: MsgCustomers, Data: data}))
}

func userMatches(u User, filters []wire.UserFilter) bool {
	for _, f := range filters {
		if !filterMatches(u, f) {
			return false
		}
	}
	return true
}

func filterMatches(u User, f wire.UserFilter) bool {
	switch f.Trait {
	case wire.FilterPhoneNumber:
		full := strings.TrimPrefix(u.CountryCode, "+") + u.PhoneNumber
		return f.Op == wire.FilterEqual && u.PhoneNumber != "" && strings.TrimPrefix(f.Val, "+") == full
	case wire.FilterUserID:
		return f.Op == wire.FilterEqual && u.UserID != "" && f.Val == u.UserID
	case "created_at_utc", "modified_at_utc":
		t := u.CreatedAt
		if f.Trait == "modified_at_utc" {
			t = u.ModifiedAt
		}
		val, err := time.Parse(time.RFC3339Nano, f.Val)
		if err != nil {
			val, err = time.Parse(time.DateOnly, f.Val)
		}
		switch {
		case err != nil:
			return false
		case f.Op == "gt":
			return t.After(val)
		case f.Op == "lt":
			return t.Before(val)
		}
		return false
	default:
		raw, ok := u.Traits[f.Trait]
		if !ok || f.Op != wire.FilterEqual {
			return false
		}
		var text string
		if json.Unmarshal(raw, &text) != nil {
			text = string(raw)
		}
		return text == f.Val
	}
}

func customerOf(u User) wire.Customer {
	return wire.Customer{
		ID: u.ID, UserID: u.UserID, CountryCode: u.CountryCode, PhoneNumber: u.PhoneNumber,
		Traits: maps.Clone(u.Traits), Tags: slices.Clone(u.Tags),
		CreatedAtUTC:  u.CreatedAt.UTC().Format(time.RFC3339Nano),
		ModifiedAtUTC: u.ModifiedAt.UTC().Format(time.RFC3339Nano),
	}
}

// Users returns the account's users, in creation order, with the Track
// Users requests applied that are due (Options.UserApplyLag).
func (s *Server) Users() []User {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users.settle(time.Now())
	out := make([]User, len(s.users.list))
	for i, u := range s.users.list {
		out[i] = u.clone()
	}
	return out
}

// AddUser adds a user as the dashboard or another system would, without a
// request, and returns it with its id and times set.
func (s *Server) AddUser(u User) User {
	now := time.Now()
	u = u.clone()
	if u.ID == "" {
		u.ID = uuid.NewString()
	}
	if u.Traits == nil {
		u.Traits = map[string]json.RawMessage{}
	}
	u.CreatedAt, u.ModifiedAt = now, now
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users.settle(now)
	s.users.list = append(s.users.list, &u)
	return u.clone()
}

// EditUser changes the user with userID, or else with this phone number, as
// the dashboard would, and reports whether there was one.
func (s *Server) EditUser(userID, countryCode, phoneNumber string, edit func(*User)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users.settle(time.Now())
	u := s.users.find(userID, countryCode, phoneNumber)
	if u == nil {
		return false
	}
	edit(u)
	if u.Traits == nil {
		u.Traits = map[string]json.RawMessage{}
	}
	u.ModifiedAt = time.Now()
	return true
}

// DeleteUser removes the user with userID, or else with this phone number,
// as the dashboard would, and reports whether there was one.
func (s *Server) DeleteUser(userID, countryCode, phoneNumber string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users.settle(time.Now())
	u := s.users.find(userID, countryCode, phoneNumber)
	if u == nil {
		return false
	}
	s.users.list = slices.DeleteFunc(s.users.list, func(x *User) bool { return x == u })
	return true
}

// TrackUserRequests returns the requests to the Track Users API, in
// arrival order.
func (s *Server) TrackUserRequests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Request
	for _, r := range s.requests {
		if r.Path == wire.TrackUsersPath {
			out = append(out, r.clone())
		}
	}
	return out
}
