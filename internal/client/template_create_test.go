package client

import (
	"net/http"
	"testing"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// TestCreateTemplateRemembered: a created template joins the fetched list,
// so the run sees it without listing again.
func TestCreateTemplateRemembered(t *testing.T) {
	pages := templatePages(t, 1)
	s := &server{respond: func(n int, w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == wire.CreateTemplatePath {
			writeJSON(w, http.StatusCreated, `{"result":true,"message":"Template created","data":{"id":"x","name":"new_one","language":"en","body":"Hi","approval_status":"WAITING","buttons":"[]"}}`)
			return
		}
		pages(n, w, r)
	}}
	ts := startHTTP(t, s)
	c := newTestClient(t, ts.URL, nil, Config{})
	if _, err := c.ListTemplates(t.Context()); err != nil {
		t.Fatal(err)
	}
	got, err := c.CreateTemplate(t.Context(), wire.CreateTemplate{DisplayName: "new_one", Language: "English", Category: "UTILITY", Body: "Hi"})
	if err != nil || got.Name != "new_one" || got.ApprovalStatus != wire.ApprovalWaiting {
		t.Fatalf("CreateTemplate = %+v, %v", got, err)
	}
	list, err := c.ListTemplates(t.Context())
	if err != nil || len(list) != 2 || list[1].Name != "new_one" {
		t.Fatalf("list after create = %+v, %v", list, err)
	}
	if n := s.count(); n != 1+len(wire.ApprovalStatuses) {
		t.Errorf("server saw %d requests, want %d (one listing, one create)", n, 1+len(wire.ApprovalStatuses))
	}
}

// TestCreateTemplateRefusedOnce: a refusal is KindRejected with Interakt's
// text, and a 5xx after writing is uncertain and not repeated.
func TestCreateTemplateRefusedOnce(t *testing.T) {
	s := &server{respond: func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 1 {
			writeJSON(w, http.StatusBadRequest, `{"result":false,"message":"Template with name 'a' already exists"}`)
			return
		}
		writeJSON(w, http.StatusInternalServerError, `{}`)
	}}
	ts := startHTTP(t, s)
	c := newTestClient(t, ts.URL, nil, Config{MaxRetries: 3})
	_, err := c.CreateTemplate(t.Context(), wire.CreateTemplate{DisplayName: "a"})
	if KindOf(err) != KindRejected {
		t.Fatalf("first create: %v, want rejected", err)
	}
	_, err = c.CreateTemplate(t.Context(), wire.CreateTemplate{DisplayName: "a"})
	if KindOf(err) != KindUncertain {
		t.Fatalf("second create: %v, want uncertain", err)
	}
	if n := s.count(); n != 2 {
		t.Errorf("server saw %d requests, want 2 (no retry of a written create)", n)
	}
}
