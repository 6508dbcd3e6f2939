package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

const (
	opListTemplates = "list templates"
	// maxTemplatePages stops paging through a server that never ends.
	maxTemplatePages = 1000
)

// templateCache holds the account's templates once fetched. Concurrent
// callers share one fetch; a failed fetch is not kept.
type templateCache struct {
	mu      sync.Mutex
	fetched bool
	list    []wire.TemplateInfo
	flight  *templateFetch
}

// templateFetch is one fetch in progress and the callers waiting on it.
type templateFetch struct {
	done    chan struct{}
	list    []wire.TemplateInfo
	err     error
	waiters int
	cancel  context.CancelFunc
}

// ListTemplates returns all templates of the account in every approval
// status, following every page. The list is fetched once per Client (one
// provider configuration) and then served from memory, so every template
// of a run shares one pass per status and page; callers get their own
// copy of the slice.
func (c *Client) ListTemplates(ctx context.Context) ([]wire.TemplateInfo, error) {
	list, err := c.listed(ctx)
	if err != nil {
		return nil, err
	}
	return cloneTemplates(list), nil
}

// FindTemplate returns the account's template with this name and language,
// in any status, from the same one listing as ListTemplates, without
// copying the list: a refresh of N templates costs N lookups, not N copies.
func (c *Client) FindTemplate(ctx context.Context, name, language string) (wire.TemplateInfo, bool, error) {
	list, err := c.listed(ctx)
	if err != nil {
		return wire.TemplateInfo{}, false, err
	}
	found := -1
	for i := range list {
		// Should the account list one name and language twice, an
		// APPROVED one wins, as verify's lookup prefers it.
		if list[i].Name == name && list[i].Language == language && (found < 0 || !isApproved(list[found])) {
			found = i
		}
	}
	if found < 0 {
		return wire.TemplateInfo{}, false, nil
	}
	return list[found], true, nil
}

func isApproved(t wire.TemplateInfo) bool {
	return strings.EqualFold(t.ApprovalStatus, wire.ApprovalApproved)
}

// listed returns the cached list, fetching it first if needed. The slice is
// shared and never changed in place (remember replaces it), so callers
// only read it.
func (c *Client) listed(ctx context.Context) ([]wire.TemplateInfo, error) {
	cache := &c.templates
	cache.mu.Lock()
	if cache.fetched {
		list := cache.list
		cache.mu.Unlock()
		return list, nil
	}
	f := cache.flight
	if f == nil {
		// The fetch outlives any one caller; it stops when every caller
		// waiting for it has gone.
		fetchCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		f = &templateFetch{done: make(chan struct{}), cancel: cancel}
		cache.flight = f
		go c.runTemplateFetch(fetchCtx, f)
	}
	f.waiters++
	cache.mu.Unlock()

	select {
	case <-f.done:
		if f.err != nil {
			return nil, f.err
		}
		return f.list, nil
	case <-ctx.Done():
		cache.mu.Lock()
		f.waiters--
		if f.waiters == 0 && cache.flight == f {
			cache.flight = nil
			f.cancel()
		}
		cache.mu.Unlock()
		return nil, &Error{Kind: KindUnsent, Op: opListTemplates, Err: contextError(ctx)}
	}
}

func (c *Client) runTemplateFetch(ctx context.Context, f *templateFetch) {
	list, err := c.fetchTemplates(ctx)
	cache := &c.templates
	cache.mu.Lock()
	if err == nil {
		// Kept even if every caller left meanwhile: the list is complete.
		cache.fetched = true
		cache.list = list
	}
	if cache.flight == f {
		cache.flight = nil
	}
	f.list, f.err = list, err
	close(f.done)
	cache.mu.Unlock()
	f.cancel()
}

// fetchTemplates lists every approval status in turn, since Interakt
// lists one status at a time. Each status is paged by offset, advancing by
// each page's length, until has_next is false or a page is empty.
func (c *Client) fetchTemplates(ctx context.Context) ([]wire.TemplateInfo, error) {
	list := []wire.TemplateInfo{}
	for _, status := range wire.ApprovalStatuses {
		got, err := c.fetchStatus(ctx, status)
		if err != nil {
			return nil, err
		}
		list = append(list, got...)
	}
	return list, nil
}

func (c *Client) fetchStatus(ctx context.Context, status string) ([]wire.TemplateInfo, error) {
	var list []wire.TemplateInfo
	offset := 0
	for range maxTemplatePages {
		page, err := c.fetchTemplatePage(ctx, status, offset)
		if err != nil {
			return nil, err
		}
		for _, t := range page.Results.Templates {
			if t.ApprovalStatus == "" {
				t.ApprovalStatus = status
			}
			list = append(list, t)
		}
		if !page.HasNext || len(page.Results.Templates) == 0 {
			return list, nil
		}
		offset += len(page.Results.Templates)
	}
	return nil, &Error{Kind: KindUncertain, Op: opListTemplates,
		Err: fmt.Errorf("more than %d pages of %s templates", maxTemplatePages, status)}
}

func (c *Client) fetchTemplatePage(ctx context.Context, status string, offset int) (*wire.TemplatesPage, error) {
	c.templateRequests.Add(1)
	query := url.Values{"approval_status": {status}, "offset": {strconv.Itoa(offset)}}.Encode()
	path := wire.TemplatesPath + "?" + query
	rep, err := c.req.do(ctx, call{
		op:      opListTemplates,
		method:  http.MethodGet,
		path:    path,
		maxBody: maxTemplatePage,
		safe:    true,
	})
	if err != nil {
		return nil, err
	}
	if rep.status < 200 || rep.status > 299 {
		return nil, c.req.statusError(opListTemplates, rep)
	}
	if rep.bodyErr != nil {
		return nil, &Error{Kind: KindUncertain, Op: opListTemplates, StatusCode: rep.status, Err: rep.bodyErr}
	}
	var page wire.TemplatesPage
	if err := json.Unmarshal(rep.body, &page); err != nil {
		return nil, &Error{Kind: KindUncertain, Op: opListTemplates, StatusCode: rep.status,
			Err: fmt.Errorf("unreadable list of %s templates at offset %d: %w", status, offset, err)}
	}
	return &page, nil
}

func cloneTemplates(list []wire.TemplateInfo) []wire.TemplateInfo {
	return append([]wire.TemplateInfo(nil), list...)
}

// TemplateListRequests returns how many list pages this Client has
// requested, for benchmarks and tests.
func (c *Client) TemplateListRequests() int64 {
	return c.templateRequests.Load()
}

// remember puts a template the account now has into a fetched list, in
// place of one with the same name and language, so that later callers in
// the run see it without listing again.
func (cache *templateCache) remember(t wire.TemplateInfo) {
	cache.mu.Lock()
	defer cache.mu.Unlock()
	if !cache.fetched {
		return
	}
	// A new slice: callers may be reading the old one.
	list := make([]wire.TemplateInfo, 0, len(cache.list)+1)
	for _, old := range cache.list {
		if old.Name != t.Name || old.Language != t.Language {
			list = append(list, old)
		}
	}
	cache.list = append(list, t)
}
