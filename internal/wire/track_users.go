package wire

import (
	"bytes"
	"encoding/json"
)

// TrackUsersPath is Interakt's Track Users API: it creates a user (a
// contact) or updates the one with the same userId or phone number. It
// answers 202: the change is applied after the answer.
//
// Unconfirmed: whether tags replace the user's tags or are added to them,
// and whether a trait can be removed; integrators' code only ever sends
// flat traits (strings, numbers, booleans), so nested values are refused
// before sending.
const TrackUsersPath = "/v1/public/track/users/"

// UsersPath is Interakt's Get Users API: POST a UsersQuery, with offset and
// limit (at most 100) in the query string.
const UsersPath = "/v1/public/apis/users/"

// UserByPhonePath is reported by integrators as a lookup of one user by
// national phone number (GET UserByPhonePath + "9999999999"). Its answer's
// shape is unconfirmed, and the phone number alone cannot tell countries
// apart, so the provider uses UsersPath instead.
const UserByPhonePath = "/v1/public/apis/users/phone_number/"

// MaxUsersLimit is the largest page Get Users answers.
const MaxUsersLimit = 100

// TrackUser is the body of POST TrackUsersPath. A user is named by UserID,
// by CountryCode and PhoneNumber, or by both. Traits keep their JSON types:
// 2000 goes as a number and true as a boolean.
type TrackUser struct {
	UserID      string                     `json:"userId,omitempty"`
	PhoneNumber string                     `json:"phoneNumber,omitempty"`
	CountryCode string                     `json:"countryCode,omitempty"`
	Traits      map[string]json.RawMessage `json:"traits,omitempty"`
	Tags        []string                   `json:"tags,omitempty"`
}

// UsersQuery is the body of POST UsersPath.
type UsersQuery struct {
	Filters []UserFilter `json:"filters"`
}

// UserFilter is one condition of a UsersQuery. Conditions after the first
// carry SuperOp "and" or "or".
type UserFilter struct {
	Trait   string `json:"trait"`
	Op      string `json:"op"`
	Val     string `json:"val"`
	SuperOp string `json:"supr_op,omitempty"`
}

// Filter traits and operators the provider uses. Integrators filter by
// phone_number with the full international number ("+919999999999");
// the user_id filter is unconfirmed.
const (
	FilterPhoneNumber = "phone_number"
	FilterUserID      = "user_id"
	FilterEqual       = "eq"
)

// UsersResponse is the answer of POST UsersPath.
type UsersResponse struct {
	Result  bool      `json:"result"`
	Message string    `json:"message"`
	Data    UsersData `json:"data"`
}

// UsersData is one page of users.
type UsersData struct {
	TotalCustomers int        `json:"total_customers"`
	Customers      []Customer `json:"customers"`
	HasNextPage    bool       `json:"has_next_page"`
}

// Customer is a user as Get Users lists it. Integrators read traits both as
// an object and as a list of {name, value}, and tags both as strings and as
// objects with a name; Traits and Tags accept either.
type Customer struct {
	ID          string         `json:"id"`
	UserID      string         `json:"user_id,omitempty"`
	CountryCode string         `json:"country_code,omitempty"`
	PhoneNumber string         `json:"phone_number,omitempty"`
	Traits      CustomerTraits `json:"traits,omitempty"`
	Tags        CustomerTags   `json:"tags,omitempty"`
	// CreatedAtUTC and ModifiedAtUTC are RFC 3339 times.
	CreatedAtUTC  string `json:"created_at_utc,omitempty"`
	ModifiedAtUTC string `json:"modified_at_utc,omitempty"`
}

// CustomerTraits are a user's traits by name, each value as JSON.
type CustomerTraits map[string]json.RawMessage

// UnmarshalJSON reads an object of traits or a list of {name, value}.
func (t *CustomerTraits) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if bytes.Equal(data, []byte("null")) {
		*t = nil
		return nil
	}
	if len(data) > 0 && data[0] == '[' {
		var list []struct {
			Name  string          `json:"name"`
			Value json.RawMessage `json:"value"`
		}
		if err := json.Unmarshal(data, &list); err != nil {
			return err
		}
		out := make(CustomerTraits, len(list))
		for _, item := range list {
			if item.Name != "" {
				out[item.Name] = item.Value
			}
		}
		*t = out
		return nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	*t = m
	return nil
}

// CustomerTags are a user's tags by name.
type CustomerTags []string

// UnmarshalJSON reads a list of strings or of objects with a name.
func (t *CustomerTags) UnmarshalJSON(data []byte) error {
	var items []json.RawMessage
	if err := json.Unmarshal(data, &items); err != nil {
		return err
	}
	out := make(CustomerTags, 0, len(items))
	for _, item := range items {
		var name string
		if json.Unmarshal(item, &name) != nil {
			var named struct {
				Name string `json:"name"`
			}
			if err := json.Unmarshal(item, &named); err != nil {
				return err
			}
			name = named.Name
		}
		if name != "" {
			out = append(out, name)
		}
	}
	*t = out
	return nil
}
