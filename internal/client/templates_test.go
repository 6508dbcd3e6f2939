package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// otherStatuses is how many list requests the statuses after APPROVED
// cost when they hold nothing: one each.
var otherStatuses = len(wire.ApprovalStatuses) - 1

// templatePages answers the template list from total APPROVED templates in
// pages of 100, as Interakt does; the other statuses are empty.
func templatePages(t *testing.T, total int) func(int, http.ResponseWriter, *http.Request) {
	return func(_ int, w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != wire.TemplatesPath {
			http.NotFound(w, r)
			return
		}
		offset, err := strconv.Atoi(r.URL.Query().Get("offset"))
		if err != nil {
			t.Errorf("offset %q is not a number", r.URL.Query().Get("offset"))
		}
		if r.URL.Query().Get("approval_status") != wire.ApprovalApproved {
			writeJSON(w, http.StatusOK, `{"count":0,"has_next":false,"results":{"templates":[]}}`)
			return
		}
		const pageSize = 100
		page := wire.TemplatesPage{Count: total}
		for i := offset; i < min(offset+pageSize, total); i++ {
			page.Results.Templates = append(page.Results.Templates, wire.TemplateInfo{
				ID: strconv.Itoa(i), Name: fmt.Sprintf("template_%03d", i), Language: "en",
				Category: "UTILITY", Body: "Hi {{1}}", ApprovalStatus: "APPROVED",
			})
		}
		page.HasNext = offset+pageSize < total
		body, err := json.Marshal(page)
		if err != nil {
			t.Error(err)
		}
		writeJSON(w, http.StatusOK, string(body))
	}
}

func TestListTemplatesPagesAndCaches(t *testing.T) {
	s := &server{respond: templatePages(t, 250)}
	ts := startHTTP(t, s)
	c := newTestClient(t, ts.URL, nil, Config{})

	var wg sync.WaitGroup
	results := make([][]wire.TemplateInfo, 8)
	errs := make([]error, 8)
	for i := range results {
		wg.Go(func() { results[i], errs[i] = c.ListTemplates(t.Context()) })
	}
	wg.Wait()
	for i := range results {
		if errs[i] != nil {
			t.Fatalf("caller %d: %v", i, errs[i])
		}
		if len(results[i]) != 250 {
			t.Fatalf("caller %d got %d templates, want 250", i, len(results[i]))
		}
		for j, tmpl := range results[i] {
			if want := fmt.Sprintf("template_%03d", j); tmpl.Name != want {
				t.Fatalf("caller %d template %d = %q, want %q", i, j, tmpl.Name, want)
			}
		}
	}
	// Callers get copies: changing one leaves the cache intact.
	results[0][0].Name = "changed"

	again, err := c.ListTemplates(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != 250 || again[0].Name != "template_000" {
		t.Errorf("cached list has %d templates, first %q", len(again), again[0].Name)
	}
	reqs := s.seen()
	var uris []string
	for _, r := range reqs {
		uris = append(uris, r.uri)
		if r.method != http.MethodGet || r.header.Get("Authorization") != "Basic "+testKey {
			t.Errorf("request %s %s with Authorization %q", r.method, r.uri, r.header.Get("Authorization"))
		}
	}
	want := []string{
		wire.TemplatesPath + "?approval_status=APPROVED&offset=0",
		wire.TemplatesPath + "?approval_status=APPROVED&offset=100",
		wire.TemplatesPath + "?approval_status=APPROVED&offset=200",
	}
	for _, status := range wire.ApprovalStatuses[1:] {
		want = append(want, wire.TemplatesPath+"?approval_status="+status+"&offset=0")
	}
	if got := c.TemplateListRequests(); got != int64(len(want)) {
		t.Errorf("TemplateListRequests = %d, want %d", got, len(want))
	}
	if fmt.Sprint(uris) != fmt.Sprint(want) {
		t.Errorf("requests = %v, want %v", uris, want)
	}
}

func TestListTemplatesFailureNotCached(t *testing.T) {
	pages := templatePages(t, 3)
	s := &server{respond: func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			writeJSON(w, http.StatusUnauthorized, `{"result":false,"message":"Invalid API key"}`)
			return
		}
		pages(n, w, r)
	}}
	ts := startHTTP(t, s)
	c := newTestClient(t, ts.URL, nil, Config{MaxRetries: 3})
	if _, err := c.ListTemplates(t.Context()); KindOf(err) != KindUnauthorized || err == nil {
		t.Fatalf("first ListTemplates error = %v, want unauthorized", err)
	}
	list, err := c.ListTemplates(t.Context())
	if err != nil || len(list) != 3 {
		t.Fatalf("second ListTemplates = %d templates, %v; want 3", len(list), err)
	}
	if n := s.count(); n != 2+otherStatuses {
		t.Errorf("server saw %d requests, want %d", n, 2+otherStatuses)
	}
}

func TestListTemplatesRetries5xx(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		pages := templatePages(t, 2)
		s := &server{respond: func(n int, w http.ResponseWriter, r *http.Request) {
			if n <= 2 {
				writeJSON(w, http.StatusServiceUnavailable, `{}`)
				return
			}
			pages(n, w, r)
		}}
		hc, _ := startMem(t, s, 0)
		c := newTestClient(t, memBase, hc, Config{MaxRetries: 2})
		list, err := c.ListTemplates(t.Context())
		if err != nil || len(list) != 2 {
			t.Fatalf("ListTemplates = %d templates, %v; want 2", len(list), err)
		}
		if n := s.count(); n != 3+otherStatuses {
			t.Errorf("server saw %d requests, want %d", n, 3+otherStatuses)
		}
	})
}

// TestListTemplatesEmptyPageEnds: an empty page ends a status's listing
// even when has_next says more, as integrators find Interakt ends it.
func TestListTemplatesEmptyPageEnds(t *testing.T) {
	s := &server{respond: func(_ int, w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("approval_status") == wire.ApprovalRejected && r.URL.Query().Get("offset") == "0" {
			writeJSON(w, http.StatusOK, `{"count":5,"has_next":true,"results":{"templates":[{"name":"a","language":"en","body":"x","rejection_reason":"INVALID_FORMAT"}]}}`)
			return
		}
		writeJSON(w, http.StatusOK, `{"count":5,"has_next":true,"results":{"templates":[]}}`)
	}}
	ts := startHTTP(t, s)
	c := newTestClient(t, ts.URL, nil, Config{})
	list, err := c.ListTemplates(t.Context())
	if err != nil || len(list) != 1 {
		t.Fatalf("ListTemplates = %v, %v; want one template", list, err)
	}
	if list[0].ApprovalStatus != wire.ApprovalRejected || list[0].RejectionReason != "INVALID_FORMAT" {
		t.Errorf("template = %+v, want REJECTED (the status it was listed under) with its reason", list[0])
	}
	if n := s.count(); n != len(wire.ApprovalStatuses)+1 {
		t.Errorf("server saw %d requests, want %d", n, len(wire.ApprovalStatuses)+1)
	}
}

// TestListTemplatesCallerLeaves: a caller whose context ends stops
// waiting; with nobody left the fetch stops and is not cached, and the
// next caller fetches afresh.
func TestListTemplatesCallerLeaves(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		pages := templatePages(t, 1)
		s := &server{respond: func(n int, w http.ResponseWriter, r *http.Request) {
			if n == 1 {
				select {
				case <-time.After(time.Minute):
				case <-r.Context().Done():
				}
				return
			}
			pages(n, w, r)
		}}
		hc, _ := startMem(t, s, 0)
		c := newTestClient(t, memBase, hc, Config{})
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		if _, err := c.ListTemplates(ctx); KindOf(err) != KindUnsent {
			t.Fatalf("ListTemplates with a short deadline = %v, want unsent", err)
		}
		synctest.Wait()
		list, err := c.ListTemplates(t.Context())
		if err != nil || len(list) != 1 {
			t.Fatalf("ListTemplates = %d templates, %v; want 1", len(list), err)
		}
		if n := s.count(); n != 2+otherStatuses {
			t.Errorf("server saw %d requests, want %d (the abandoned one and a fresh fetch)", n, 2+otherStatuses)
		}
	})
}

// TestFindTemplateSharesTheListing: lookups use the one listing, in any
// status, and tell an absent template from a failure.
func TestFindTemplateSharesTheListing(t *testing.T) {
	s := &server{respond: templatePages(t, 250)}
	ts := startHTTP(t, s)
	c := newTestClient(t, ts.URL, nil, Config{})
	for i := range 250 {
		got, ok, err := c.FindTemplate(t.Context(), fmt.Sprintf("template_%03d", i), "en")
		if err != nil || !ok || got.ID != strconv.Itoa(i) {
			t.Fatalf("FindTemplate(%d) = %+v, %v, %v", i, got, ok, err)
		}
	}
	if _, ok, err := c.FindTemplate(t.Context(), "template_000", "hi"); ok || err != nil {
		t.Errorf("FindTemplate of an absent language = %v, %v", ok, err)
	}
	if n := s.count(); n != 3+otherStatuses {
		t.Errorf("server saw %d requests for 251 lookups, want one listing of %d", n, 3+otherStatuses)
	}
}
