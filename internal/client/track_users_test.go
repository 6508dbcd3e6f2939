package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// TestFindUser_pagesAndChecksEveryAnswer serves a Get Users that ignores
// the filter, as Interakt might for an unconfirmed one: the client pages
// on while has_next_page holds, takes only the user the key names, and
// reads traits given as a list of {name, value} and tags given as objects.
func TestFindUser_pagesAndChecksEveryAnswer(t *testing.T) {
	t.Parallel()
	customer := func(i int) string {
		return fmt.Sprintf(`{"id":"c%d","user_id":"u%d","country_code":"+91","phone_number":"98000000%02d"}`, i, i, i)
	}
	s := &server{respond: func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			var page []string
			for i := range 100 {
				page = append(page, customer(i))
			}
			writeJSON(w, http.StatusOK, `{"result":true,"message":"Customers","data":{"customers":[`+strings.Join(page, ",")+`],"has_next_page":true}}`)
			return
		}
		writeJSON(w, http.StatusOK, `{"result":true,"data":{"customers":[`+
			`{"id":"c-qa","user_id":"qa-asha","traits":[{"name":"amount","value":2000},{"name":"vip","value":true}],"tags":[{"name":"qa"},"beta"]}`+
			`],"has_next_page":false}}`)
	}}
	ts := startHTTP(t, s)
	c := newTestClient(t, ts.URL, nil, Config{})

	u, found, err := c.FindUser(context.Background(), UserKey{UserID: "qa-asha"})
	if err != nil || !found {
		t.Fatalf("FindUser: found %v, err %v", found, err)
	}
	if u.ID != "c-qa" || string(u.Traits["amount"]) != "2000" || string(u.Traits["vip"]) != "true" || strings.Join(u.Tags, ",") != "qa,beta" {
		t.Errorf("found %+v", u)
	}
	seen := s.seen()
	if len(seen) != 2 {
		t.Fatalf("%d requests, want 2 pages", len(seen))
	}
	for i, want := range []string{"/v1/public/apis/users/?limit=100&offset=0", "/v1/public/apis/users/?limit=100&offset=100"} {
		if seen[i].method != http.MethodPost || seen[i].uri != want {
			t.Errorf("request %d: %s %s, want POST %s", i+1, seen[i].method, seen[i].uri, want)
		}
	}
	var q wire.UsersQuery
	if err := json.Unmarshal(seen[0].body, &q); err != nil || len(q.Filters) != 1 || q.Filters[0] != (wire.UserFilter{Trait: "user_id", Op: "eq", Val: "qa-asha"}) {
		t.Errorf("query %s", seen[0].body)
	}

	// By phone, the filter is the full number, and the national number
	// with its country code matches.
	s.respond = func(_ int, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, `{"result":true,"data":{"customers":[`+customer(7)+`],"has_next_page":false}}`)
	}
	if _, found, err := c.FindUser(context.Background(), UserKey{CountryCode: "+91", PhoneNumber: "9800000007"}); err != nil || !found {
		t.Errorf("by phone: found %v, err %v", found, err)
	}
	if _, found, err := c.FindUser(context.Background(), UserKey{CountryCode: "+91", PhoneNumber: "9800000008"}); err != nil || found {
		t.Errorf("another phone: found %v, err %v; a user the key does not name must not match", found, err)
	}
	if body := string(s.seen()[2].body); body != `{"filters":[{"trait":"phone_number","op":"eq","val":"+919800000007"}]}` {
		t.Errorf("phone query %s", body)
	}

	// A key with a user id and a phone number is looked up by phone: an
	// answer without user_id (the shape integrators read) matches, one with
	// another user id does not.
	s.respond = func(_ int, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, `{"result":true,"data":{"customers":[`+
			`{"id":"c9","country_code":"+91","phone_number":"9800000009","traits":{},"tags":[]},`+
			`{"id":"c7","user_id":"u7","country_code":"+91","phone_number":"9800000007"}],"has_next_page":false}}`)
	}
	before := len(s.seen())
	if u, found, err := c.FindUser(context.Background(), UserKey{UserID: "qa-9", CountryCode: "+91", PhoneNumber: "9800000009"}); err != nil || !found || u.ID != "c9" {
		t.Errorf("user id and phone, answer without user_id: %+v found %v, err %v", u, found, err)
	}
	if body := string(s.seen()[before].body); body != `{"filters":[{"trait":"phone_number","op":"eq","val":"+919800000009"}]}` {
		t.Errorf("user id and phone query %s, want the phone filter", body)
	}
	if _, found, err := c.FindUser(context.Background(), UserKey{UserID: "qa-7", CountryCode: "+91", PhoneNumber: "9800000007"}); err != nil || found {
		t.Errorf("the phone of another user id: found %v, err %v", found, err)
	}
}
