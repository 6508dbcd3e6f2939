package mock

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

func postJSON(t *testing.T, s *Server, path string, v any) *httptest.ResponseRecorder {
	t.Helper()
	body, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	r.Header.Set("Authorization", testAuth)
	r.Header.Set("Content-Type", "application/json")
	return serve(s, r)
}

func text(s string) *string { return &s }

func validCreate() wire.CreateTemplate {
	return wire.CreateTemplate{
		DisplayName: "order_shipped_v2", Language: "English", Category: "Utility",
		HeaderFormat: text("TEXT"), Header: "Order {{1}}", HeaderText: []string{"A-1"},
		Body: "Hi {{1}}, order {{2}} shipped.", BodyText: []string{"Asha", "A-1"},
		Buttons: []wire.Button{{Type: "URL", Text: "Track", URL: "https://x.example/{{1}}", Example: wire.Examples{"https://x.example/A-1"}}},
	}
}

func TestCreateTemplateChecksLikeMeta(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*wire.CreateTemplate)
		want   string
	}{
		{"body examples count", func(c *wire.CreateTemplate) { c.BodyText = c.BodyText[:1] }, "body has 2 variables but 1 examples"},
		{"empty body example", func(c *wire.CreateTemplate) { c.BodyText[1] = " " }, "body example 2 is empty"},
		{"header examples", func(c *wire.CreateTemplate) { c.HeaderText = nil }, "header has 1 variables but 0 examples"},
		{"name", func(c *wire.CreateTemplate) { c.DisplayName = "Order-Shipped!" }, "lowercase letters"},
		{"category", func(c *wire.CreateTemplate) { c.Category = "PROMO" }, `category "PROMO"`},
		{"language", func(c *wire.CreateTemplate) { c.Language = "en" }, `language "en"`},
		{"button example", func(c *wire.CreateTemplate) { c.Buttons[0].Example = nil }, "buttons[0]"},
	} {
		s := New(Options{})
		req := validCreate()
		tc.change(&req)
		w := postJSON(t, s, wire.CreateTemplatePath, req)
		var answer wire.MessageResponse
		_ = json.Unmarshal(w.Body.Bytes(), &answer)
		if w.Code != http.StatusBadRequest || answer.Result || !strings.Contains(answer.Message, tc.want) {
			t.Errorf("%s: %d %s, want 400 containing %q", tc.name, w.Code, w.Body, tc.want)
		}
		if len(s.Submissions()) != 0 {
			t.Errorf("%s: a refused create was recorded", tc.name)
		}
	}
}

func TestCreateTemplateListsWaitingThenApproval(t *testing.T) {
	s := New(Options{})
	w := postJSON(t, s, wire.CreateTemplatePath, validCreate())
	var created wire.CreateTemplateResponse
	if err := json.Unmarshal(w.Body.Bytes(), &created); err != nil || w.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", w.Code, w.Body)
	}
	if created.Data.Name != "order_shipped_v2" || created.Data.Language != "en" || created.Data.Category != "UTILITY" ||
		created.Data.ApprovalStatus != wire.ApprovalWaiting || len(created.Data.Buttons) != 1 {
		t.Errorf("created %+v", created.Data)
	}
	if subs := s.Submissions(); len(subs) != 1 || subs[0].Request.BodyText[0] != "Asha" {
		t.Errorf("submissions = %+v", subs)
	}
	_, waiting := listTemplates(t, s, "?approval_status=WAITING")
	if len(waiting.Results.Templates) != 1 {
		t.Fatalf("WAITING list: %v", names(waiting))
	}
	if w := postJSON(t, s, wire.CreateTemplatePath, validCreate()); w.Code != http.StatusBadRequest ||
		!strings.Contains(w.Body.String(), "already exists") {
		t.Errorf("second create: %d %s", w.Code, w.Body)
	}

	// Rejected through the admin endpoint, it may be submitted again.
	w = postJSON(t, s, AdminApprovalPath, ApprovalChange{Name: "order_shipped_v2", Language: "en", Status: "rejected", Reason: "INVALID_FORMAT"})
	if w.Code != http.StatusOK {
		t.Fatalf("approval: %d %s", w.Code, w.Body)
	}
	_, rejected := listTemplates(t, s, "?approval_status=REJECTED")
	if got := rejected.Results.Templates; len(got) != 2 || got[1].Name != "order_shipped_v2" || got[1].RejectionReason != "INVALID_FORMAT" {
		t.Errorf("REJECTED list: %+v", rejected.Results.Templates)
	}
	if w := postJSON(t, s, wire.CreateTemplatePath, validCreate()); w.Code != http.StatusCreated {
		t.Errorf("resubmitting a rejected template: %d %s", w.Code, w.Body)
	}
	if err := s.SetApproval("order_shipped_v2", "en", wire.ApprovalApproved, ""); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.templates.approved("order_shipped_v2", "en"); !ok {
		t.Error("approved template cannot be sent")
	}
	if err := s.SetApproval("nope", "en", "APPROVED", ""); err == nil {
		t.Error("SetApproval of an unknown template succeeded")
	}
	if w := postJSON(t, s, AdminApprovalPath, ApprovalChange{Name: "nope", Language: "en", Status: "APPROVED"}); w.Code != http.StatusNotFound {
		t.Errorf("approval of an unknown template: %d", w.Code)
	}
}
