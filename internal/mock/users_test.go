package mock

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// TestUsers_upsertFilterAndPages checks Track Users (202, an upsert that
// merges traits and adds tags, nested traits refused) and Get Users
// (filters, has_next_page, 400 past a limit of 100).
func TestUsers_upsertFilterAndPages(t *testing.T) {
	t.Parallel()
	s := NewTestServer(t, Options{RateLimit: -1})
	post := func(path, body string) (int, string) {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, s.URL()+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Basic "+DefaultAPIKey)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, body := range []string{
		`{"userId":"u1","countryCode":"+91","phoneNumber":"9999999991","traits":{"amount":1},"tags":["a"]}`,
		`{"countryCode":"+91","phoneNumber":"9999999992"}`,
		`{"countryCode":"+91","phoneNumber":"9999999993"}`,
		`{"userId":"u1","traits":{"vip":true},"tags":["b","a"]}`,
	} {
		if status, answer := post(wire.TrackUsersPath, body); status != http.StatusAccepted {
			t.Fatalf("track %s: %d %s", body, status, answer)
		}
	}
	for body, want := range map[string]string{
		`{"traits":{"name":"x"}}`:                           MsgNoUserKey,
		`{"phoneNumber":"9999999999"}`:                      MsgNoCountryCode,
		`{"userId":"u2","traits":{"address":{"city":"x"}}}`: MsgNestedTrait,
	} {
		if status, answer := post(wire.TrackUsersPath, body); status != http.StatusBadRequest || !strings.Contains(answer, want) {
			t.Errorf("track %s: %d %s, want 400 %q", body, status, answer, want)
		}
	}
	users := s.Users()
	if len(users) != 3 || string(users[0].Traits["amount"]) != "1" || string(users[0].Traits["vip"]) != "true" || strings.Join(users[0].Tags, ",") != "a,b" {
		t.Fatalf("users after the upserts: %+v", users)
	}

	page := func(query, body string) wire.UsersData {
		t.Helper()
		status, answer := post(wire.UsersPath+"?"+query, body)
		if status != http.StatusOK {
			t.Fatalf("get users %s: %d %s", query, status, answer)
		}
		var r wire.UsersResponse
		if err := json.Unmarshal([]byte(answer), &r); err != nil {
			t.Fatal(err)
		}
		return r.Data
	}
	all := `{"filters":[{"trait":"created_at_utc","op":"gt","val":"2000-01-01T00:00:00Z"}]}`
	if d := page("offset=0&limit=2", all); len(d.Customers) != 2 || !d.HasNextPage || d.TotalCustomers != 3 {
		t.Errorf("first page: %+v", d)
	}
	if d := page("offset=2&limit=2", all); len(d.Customers) != 1 || d.HasNextPage {
		t.Errorf("last page: %+v", d)
	}
	if d := page("offset=0&limit=100", `{"filters":[{"trait":"phone_number","op":"eq","val":"+919999999992"}]}`); len(d.Customers) != 1 || d.Customers[0].PhoneNumber != "9999999992" {
		t.Errorf("by phone: %+v", d)
	}
	if d := page("offset=0&limit=100", `{"filters":[{"trait":"user_id","op":"eq","val":"u1"}]}`); len(d.Customers) != 1 || d.Customers[0].UserID != "u1" {
		t.Errorf("by user id: %+v", d)
	}
	if status, answer := post(wire.UsersPath+"?offset=0&limit=101", all); status != http.StatusBadRequest || !strings.Contains(answer, MsgLimitTooLarge) {
		t.Errorf("limit 101: %d %s, want 400", status, answer)
	}
}

// TestUsers_applyLagAndShapeWithoutUserID: with UserApplyLag, Track Users
// answers 202 and Get Users lists the user only once the lag has passed,
// upserts applied in arrival order; with UsersWithoutUserID, the answer
// has no user_id, while the filter by user_id still selects.
func TestUsers_applyLagAndShapeWithoutUserID(t *testing.T) {
	t.Parallel()
	s := NewTestServer(t, Options{RateLimit: -1, UserApplyLag: time.Hour, UsersWithoutUserID: true})
	post := func(path, body string) (int, string) {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, s.URL()+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Basic "+DefaultAPIKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, body := range []string{
		`{"userId":"u1","countryCode":"+91","phoneNumber":"9999999991","traits":{"amount":1}}`,
		`{"userId":"u1","traits":{"amount":2}}`,
	} {
		if status, answer := post(wire.TrackUsersPath, body); status != http.StatusAccepted {
			t.Fatalf("track %s: %d %s", body, status, answer)
		}
	}
	byID := `{"filters":[{"trait":"user_id","op":"eq","val":"u1"}]}`
	if status, answer := post(wire.UsersPath+"?offset=0&limit=100", byID); status != http.StatusOK || !strings.Contains(answer, `"customers":[]`) {
		t.Fatalf("before the lag: %d %s, want no customers", status, answer)
	}
	if users := s.Users(); len(users) != 0 {
		t.Fatalf("before the lag the account holds %+v", users)
	}
	s.mu.Lock()
	s.users.settle(time.Now().Add(2 * time.Hour))
	s.mu.Unlock()
	status, answer := post(wire.UsersPath+"?offset=0&limit=100", byID)
	var r wire.UsersResponse
	if status != http.StatusOK || json.Unmarshal([]byte(answer), &r) != nil || len(r.Data.Customers) != 1 {
		t.Fatalf("after the lag: %d %s, want one customer", status, answer)
	}
	c := r.Data.Customers[0]
	if c.UserID != "" || strings.Contains(answer, `"user_id"`) || c.PhoneNumber != "9999999991" || c.ID == "" || string(c.Traits["amount"]) != "2" {
		t.Errorf("after the lag: %s, want the user without user_id, amount 2 (the later upsert)", answer)
	}
}
