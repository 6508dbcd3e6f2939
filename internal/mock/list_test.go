package mock

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

func listTemplates(t *testing.T, s *Server, query string) (int, wire.TemplatesPage) {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, wire.TemplatesPath+query, nil)
	r.Header.Set("Authorization", testAuth)
	w := serve(s, r)
	var page wire.TemplatesPage
	if w.Code == http.StatusOK {
		if err := json.Unmarshal(w.Body.Bytes(), &page); err != nil {
			t.Fatalf("page %s: %v", w.Body, err)
		}
	}
	return w.Code, page
}

func names(page wire.TemplatesPage) []string {
	var out []string
	for _, tmpl := range page.Results.Templates {
		out = append(out, tmpl.Name+"/"+tmpl.Language)
	}
	return out
}

func TestTemplatesPaging(t *testing.T) {
	var templates []wire.TemplateInfo
	for i := range 5 {
		templates = append(templates, wire.TemplateInfo{ID: fmt.Sprint(i), Name: fmt.Sprintf("t%d", i), Language: "en", Body: "x", ApprovalStatus: "APPROVED"})
	}
	s := New(Options{Templates: templates, PageSize: 2})
	var seen []string
	for offset := 0; ; offset += 2 {
		code, page := listTemplates(t, s, fmt.Sprintf("?approval_status=APPROVED&offset=%d", offset))
		if code != http.StatusOK || page.Count != 5 {
			t.Fatalf("offset %d: status %d, count %d", offset, code, page.Count)
		}
		seen = append(seen, names(page)...)
		if !page.HasNext {
			break
		}
	}
	if fmt.Sprint(seen) != "[t0/en t1/en t2/en t3/en t4/en]" {
		t.Errorf("pages held %v", seen)
	}
	code, page := listTemplates(t, s, "?approval_status=APPROVED&offset=9")
	if code != http.StatusOK || page.HasNext || len(page.Results.Templates) != 0 || page.Count != 5 {
		t.Errorf("past the end: %d %+v", code, page)
	}
	body, err := json.Marshal(page)
	if err != nil || string(body) != `{"count":5,"has_next":false,"results":{"templates":[]}}` {
		t.Errorf("empty page encodes as %s (%v)", body, err)
	}
	for _, bad := range []string{"?approval_status=APPROVED&offset=-1", "?approval_status=APPROVED&offset=x", "", "?approval_status=all"} {
		if code, _ := listTemplates(t, s, bad); code != http.StatusBadRequest {
			t.Errorf("%s: status %d", bad, code)
		}
	}
}

// TestTemplatesByStatus: one status a listing, any letter case; name and
// language filters are ignored, as Interakt ignores them.
func TestTemplatesByStatus(t *testing.T) {
	s := New(Options{})
	code, _ := listTemplates(t, s, "")
	if code != http.StatusBadRequest {
		t.Errorf("no approval_status: status %d, want 400", code)
	}
	_, approved := listTemplates(t, s, "?approval_status=APPROVED&language=hi&name=login_code")
	for _, tmpl := range approved.Results.Templates {
		if tmpl.ApprovalStatus != "APPROVED" {
			t.Errorf("filter let through %+v", tmpl)
		}
	}
	if approved.Count != 5 {
		t.Errorf("approved templates: %v", names(approved))
	}
	_, pending := listTemplates(t, s, "?approval_status=pending")
	if fmt.Sprint(names(pending)) != "[festive_sale/en]" {
		t.Errorf("pending templates: %v", names(pending))
	}
}

func TestTemplatesAuth(t *testing.T) {
	s := New(Options{})
	r := httptest.NewRequest(http.MethodGet, wire.TemplatesPath, nil)
	wantFailure(t, serve(s, r), http.StatusUnauthorized, MsgUnauthorized)
	post := httptest.NewRequest(http.MethodPost, wire.TemplatesPath, nil)
	post.Header.Set("Authorization", testAuth)
	wantFailure(t, serve(s, post), http.StatusMethodNotAllowed, MsgMethod)
}
