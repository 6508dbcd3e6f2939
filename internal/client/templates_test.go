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

// templateStatuses answers the template list from the given templates of
// each status, every status in one page, as Interakt lists them.
func templateStatuses(t *testing.T, byStatus map[string][]wire.TemplateInfo) func(int, http.ResponseWriter, *http.Request) {
	return func(_ int, w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != wire.TemplatesPath {
			http.NotFound(w, r)
			return
		}
		list := byStatus[r.URL.Query().Get("approval_status")]
		body, err := json.Marshal(wire.TemplatesPage{Count: len(list), Results: wire.TemplatesResult{Templates: list}})
		if err != nil {
			t.Error(err)
		}
		writeJSON(w, http.StatusOK, string(body))
	}
}

// listURIs are the list requests the server saw, in order.
func listURIs(s *server) []string {
	var uris []string
	for _, r := range s.seen() {
		uris = append(uris, r.uri)
	}
	return uris
}

func listURI(status string, offset int) string {
	return wire.TemplatesPath + "?approval_status=" + status + "&offset=" + strconv.Itoa(offset)
}

// TestFindTemplateListsApprovedFirst: a lookup of an approved template
// lists APPROVED alone, every page of it; the other statuses are listed
// one at a time, in order, only while a lookup has not found its
// template, each once; a full listing after that asks nothing more.
func TestFindTemplateListsApprovedFirst(t *testing.T) {
	pages := templatePages(t, 250)
	s := &server{respond: func(n int, w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("approval_status") {
		case wire.ApprovalPending:
			writeJSON(w, http.StatusOK, `{"count":1,"has_next":false,"results":{"templates":[{"name":"festive_sale","language":"en","body":"x"}]}}`)
		case wire.ApprovalRejected:
			writeJSON(w, http.StatusOK, `{"count":1,"has_next":false,"results":{"templates":[{"name":"win_back","language":"en","body":"x","approval_status":"REJECTED","rejection_reason":"INVALID_FORMAT"}]}}`)
		default:
			pages(n, w, r)
		}
	}}
	ts := startHTTP(t, s)
	c := newTestClient(t, ts.URL, nil, Config{})
	find := func(name string, wantStatus string) {
		t.Helper()
		got, ok, err := c.FindTemplate(t.Context(), name, "en")
		switch {
		case err != nil:
			t.Fatalf("FindTemplate(%s): %v", name, err)
		case wantStatus == "" && ok:
			t.Errorf("FindTemplate(%s) found %+v; want none", name, got)
		case wantStatus != "" && (!ok || got.ApprovalStatus != wantStatus):
			t.Errorf("FindTemplate(%s) = %+v, %v; want it %s", name, got, ok, wantStatus)
		}
	}
	approved := []string{listURI("APPROVED", 0), listURI("APPROVED", 100), listURI("APPROVED", 200)}

	find("template_042", wire.ApprovalApproved)
	find("template_249", wire.ApprovalApproved)
	if got := listURIs(s); fmt.Sprint(got) != fmt.Sprint(approved) {
		t.Fatalf("approved lookups made %v; want APPROVED's pages alone %v", got, approved)
	}
	find("festive_sale", wire.ApprovalPending)
	want := append(approved, listURI("PENDING", 0))
	if got := listURIs(s); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("a PENDING lookup made %v; want %v", got, want)
	}
	find("win_back", wire.ApprovalRejected)
	find("nowhere", "")
	want = append(want, listURI("WAITING", 0), listURI("REJECTED", 0), listURI("PAUSED", 0), listURI("DISABLED", 0))
	if got := listURIs(s); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("lookups made %v; want %v", got, want)
	}
	all, err := c.ListTemplates(t.Context())
	if err != nil || len(all) != 252 {
		t.Fatalf("ListTemplates = %d templates, %v; want 252", len(all), err)
	}
	if n := s.count(); n != len(want) {
		t.Errorf("a full listing after every status was listed made %d more requests; want none", n-len(want))
	}
}

// TestListTemplatesOfStatuses: a listing of named statuses asks for those
// alone, in that order.
func TestListTemplatesOfStatuses(t *testing.T) {
	s := &server{respond: templateStatuses(t, map[string][]wire.TemplateInfo{
		wire.ApprovalRejected: {{Name: "win_back", Language: "en", Body: "x"}},
		wire.ApprovalPaused:   {{Name: "promo", Language: "en", Body: "y"}},
	})}
	ts := startHTTP(t, s)
	c := newTestClient(t, ts.URL, nil, Config{})
	list, err := c.ListTemplates(t.Context(), wire.ApprovalPaused, wire.ApprovalRejected)
	if err != nil || len(list) != 2 || list[0].Name != "promo" || list[1].ApprovalStatus != wire.ApprovalRejected {
		t.Fatalf("ListTemplates(PAUSED, REJECTED) = %+v, %v", list, err)
	}
	if got, want := listURIs(s), []string{listURI("PAUSED", 0), listURI("REJECTED", 0)}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("requests = %v; want %v", got, want)
	}
}

// memoryListing is a SharedListing in memory.
type memoryListing struct {
	mu     sync.Mutex
	list   []wire.TemplateInfo
	fresh  bool
	stored [][]wire.TemplateInfo
}

func (m *memoryListing) Load() ([]wire.TemplateInfo, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.list, m.fresh
}

func (m *memoryListing) Store(list []wire.TemplateInfo) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.stored = append(m.stored, list)
}

// TestFindTemplateToSendReusesSharedListing: a template the fresh shared
// listing shows APPROVED is found without a request; one it lacks is
// looked up in the account, whose APPROVED listing is then stored for
// the other processes. A stale shared listing is not used.
func TestFindTemplateToSendReusesSharedListing(t *testing.T) {
	s := &server{respond: templateStatuses(t, map[string][]wire.TemplateInfo{
		// The account now: order_shipped approved, login_code pending.
		wire.ApprovalApproved: {{Name: "order_shipped", Language: "en", Body: "now"}},
		wire.ApprovalPending:  {{Name: "login_code", Language: "en", Body: "x"}},
	})}
	ts := startHTTP(t, s)
	shared := &memoryListing{fresh: true, list: []wire.TemplateInfo{
		{Name: "order_shipped", Language: "en", Body: "before", ApprovalStatus: wire.ApprovalApproved},
	}}
	c := newTestClient(t, ts.URL, nil, Config{SharedListing: shared})

	got, ok, err := c.FindTemplateToSend(t.Context(), "order_shipped", "en")
	if err != nil || !ok || got.Body != "before" {
		t.Fatalf("FindTemplateToSend(order_shipped) = %+v, %v, %v; want the shared listing's", got, ok, err)
	}
	if n := s.count(); n != 0 {
		t.Fatalf("a template the shared listing has cost %d requests; want none", n)
	}
	// Not in the shared listing (approved since, or not approved): the
	// account is asked, APPROVED first.
	got, ok, err = c.FindTemplateToSend(t.Context(), "login_code", "en")
	if err != nil || !ok || got.ApprovalStatus != wire.ApprovalPending {
		t.Fatalf("FindTemplateToSend(login_code) = %+v, %v, %v; want it PENDING from the account", got, ok, err)
	}
	if got, want := listURIs(s), []string{listURI("APPROVED", 0), listURI("PENDING", 0)}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("requests = %v; want %v", got, want)
	}
	if len(shared.stored) != 1 || len(shared.stored[0]) != 1 || shared.stored[0][0].Body != "now" {
		t.Errorf("stored %+v; want the account's APPROVED listing once", shared.stored)
	}
	// Listed here now: this Client's own listing wins over the shared one.
	got, _, _ = c.FindTemplateToSend(t.Context(), "order_shipped", "en")
	if got.Body != "now" {
		t.Errorf("after listing APPROVED itself, FindTemplateToSend = %+v; want this Client's listing", got)
	}

	stale := &memoryListing{list: shared.list}
	s2 := &server{respond: templateStatuses(t, map[string][]wire.TemplateInfo{})}
	c2 := newTestClient(t, startHTTP(t, s2).URL, nil, Config{SharedListing: stale})
	if _, ok, err := c2.FindTemplateToSend(t.Context(), "order_shipped", "en"); ok || err != nil {
		t.Errorf("with a stale shared listing, FindTemplateToSend = %v, %v; want the account's answer (none)", ok, err)
	}
	if n := s2.count(); n != len(wire.ApprovalStatuses) {
		t.Errorf("with a stale shared listing, %d requests; want the account's %d statuses", n, len(wire.ApprovalStatuses))
	}
}
