package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
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

// templateCache holds what this Client has listed of the account: each
// approval status once fetched, and the templates it created. Concurrent
// callers of one status share one fetch; a failed fetch is not kept.
type templateCache struct {
	mu       sync.Mutex
	byStatus map[string]*statusListing
	// created are the templates this Client created, in place of any
	// listed with the same name and language.
	created []wire.TemplateInfo
}

// statusListing is one approval status's templates, once fetched.
type statusListing struct {
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

// SharedListing keeps the account's APPROVED templates, as a Client last
// listed them, for the other processes of the same key and base URL, such
// as Terraform's apply process after its plan process. Load returns a
// listing fresh enough to reuse, or false. Neither fails: a listing that
// cannot be read or written is simply not shared.
type SharedListing interface {
	Load() ([]wire.TemplateInfo, bool)
	Store([]wire.TemplateInfo)
}

// sharedApproved is the SharedListing's listing, read once per Client.
type sharedApproved struct {
	once  sync.Once
	list  []wire.TemplateInfo
	fresh bool
}

// ListTemplates returns the account's templates in the given approval
// statuses, every status of wire.ApprovalStatuses when none is given, in
// that order, following every page. Each status is fetched once per
// Client (one provider configuration) and then served from memory, so
// every template of a run shares one pass per status and page; callers
// get their own copy of the slice.
func (c *Client) ListTemplates(ctx context.Context, statuses ...string) ([]wire.TemplateInfo, error) {
	if len(statuses) == 0 {
		statuses = wire.ApprovalStatuses
	}
	var listed []wire.TemplateInfo
	for _, status := range statuses {
		list, err := c.listedStatus(ctx, status)
		if err != nil {
			return nil, err
		}
		listed = append(listed, list...)
	}
	return c.templates.withCreated(listed, statuses), nil
}

// FindTemplate returns the account's template with this name and language,
// in any status, without copying a list. It looks in the APPROVED listing
// first, and lists the other statuses, one at a time in the order of
// wire.ApprovalStatuses, only for a template not found there: checking
// approved templates costs one request per page of APPROVED templates,
// and a refresh of N templates costs N lookups, not N listings. Should
// the account list one name and language twice, the APPROVED one wins.
func (c *Client) FindTemplate(ctx context.Context, name, language string) (wire.TemplateInfo, bool, error) {
	if t, ok := c.templates.createdTemplate(name, language); ok {
		return t, true, nil
	}
	for _, status := range wire.ApprovalStatuses {
		list, err := c.listedStatus(ctx, status)
		if err != nil {
			return wire.TemplateInfo{}, false, err
		}
		if t, ok := findListed(list, name, language); ok {
			return t, true, nil
		}
	}
	return wire.TemplateInfo{}, false, nil
}

// FindTemplateToSend is FindTemplate for the check of a send at plan. A
// template that the SharedListing, fresh, shows APPROVED is taken from it
// without a request, unless this Client has listed APPROVED itself: the
// apply process reuses what its plan process listed moments before.
// Interakt still refuses the send of a template it no longer approves,
// and that refusal is the last word. A template the shared listing lacks
// is looked up as FindTemplate does, so a template approved since is
// found, and one not approved is reported from the account as it is.
func (c *Client) FindTemplateToSend(ctx context.Context, name, language string) (wire.TemplateInfo, bool, error) {
	if t, ok := c.templates.createdTemplate(name, language); ok {
		return t, true, nil
	}
	if c.shared != nil && !c.templates.fetched(wire.ApprovalApproved) {
		if t, ok := findListed(c.sharedListing(), name, language); ok {
			c.req.log.Debug(ctx, "template found APPROVED in the listing another process of the key made moments before; not listed again",
				map[string]any{"template": name, "language": language})
			return t, true, nil
		}
	}
	return c.FindTemplate(ctx, name, language)
}

// sharedListing returns the SharedListing's fresh listing, or nil.
func (c *Client) sharedListing() []wire.TemplateInfo {
	c.sharedRead.once.Do(func() {
		c.sharedRead.list, c.sharedRead.fresh = c.shared.Load()
	})
	if !c.sharedRead.fresh {
		return nil
	}
	return c.sharedRead.list
}

// findListed returns the template with this name and language in list.
func findListed(list []wire.TemplateInfo, name, language string) (wire.TemplateInfo, bool) {
	for i := range list {
		if list[i].Name == name && list[i].Language == language {
			return list[i], true
		}
	}
	return wire.TemplateInfo{}, false
}

// fetched reports whether this status has been fetched.
func (cache *templateCache) fetched(status string) bool {
	cache.mu.Lock()
	defer cache.mu.Unlock()
	s := cache.byStatus[status]
	return s != nil && s.fetched
}

// status returns the status's listing, creating it; cache.mu is held.
func (cache *templateCache) status(status string) *statusListing {
	if cache.byStatus == nil {
		cache.byStatus = map[string]*statusListing{}
	}
	s := cache.byStatus[status]
	if s == nil {
		s = &statusListing{}
		cache.byStatus[status] = s
	}
	return s
}

// listedStatus returns the cached list of one status, fetching it first
// if needed. The slice is shared and never changed in place, so callers
// only read it.
func (c *Client) listedStatus(ctx context.Context, status string) ([]wire.TemplateInfo, error) {
	cache := &c.templates
	cache.mu.Lock()
	s := cache.status(status)
	if s.fetched {
		list := s.list
		cache.mu.Unlock()
		return list, nil
	}
	f := s.flight
	if f == nil {
		// The fetch outlives any one caller; it stops when every caller
		// waiting for it has gone.
		fetchCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		f = &templateFetch{done: make(chan struct{}), cancel: cancel}
		s.flight = f
		go c.runTemplateFetch(fetchCtx, status, f)
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
		if f.waiters == 0 && s.flight == f {
			s.flight = nil
			f.cancel()
		}
		cache.mu.Unlock()
		return nil, &Error{Kind: KindUnsent, Op: opListTemplates, Err: contextError(ctx)}
	}
}

func (c *Client) runTemplateFetch(ctx context.Context, status string, f *templateFetch) {
	list, err := c.fetchStatus(ctx, status)
	// Shared before any caller goes on, so that a plan process that ends
	// right after its listing has left it for the apply process.
	if err == nil && status == wire.ApprovalApproved && c.shared != nil {
		c.shared.Store(list)
	}
	cache := &c.templates
	cache.mu.Lock()
	s := cache.status(status)
	if err == nil {
		// Kept even if every caller left meanwhile: the list is complete.
		s.fetched = true
		s.list = list
	}
	if s.flight == f {
		s.flight = nil
	}
	f.list, f.err = list, err
	close(f.done)
	cache.mu.Unlock()
	f.cancel()
}

// fetchStatus lists one approval status, since Interakt lists one at a
// time, paged by offset, advancing by each page's length, until has_next
// is false or a page is empty.
func (c *Client) fetchStatus(ctx context.Context, status string) ([]wire.TemplateInfo, error) {
	list := []wire.TemplateInfo{}
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

// TemplateListRequests returns how many list pages this Client has
// requested, for benchmarks and tests.
func (c *Client) TemplateListRequests() int64 {
	return c.templateRequests.Load()
}

// remember keeps a template the account now has, created by this Client,
// in place of any listed with the same name and language, so that later
// callers in the run see it without listing again.
func (cache *templateCache) remember(t wire.TemplateInfo) {
	cache.mu.Lock()
	defer cache.mu.Unlock()
	// A new slice: callers may be reading the old one.
	created := make([]wire.TemplateInfo, 0, len(cache.created)+1)
	for _, old := range cache.created {
		if old.Name != t.Name || old.Language != t.Language {
			created = append(created, old)
		}
	}
	cache.created = append(created, t)
}

// createdTemplate returns the template this Client created with this name
// and language.
func (cache *templateCache) createdTemplate(name, language string) (wire.TemplateInfo, bool) {
	cache.mu.Lock()
	defer cache.mu.Unlock()
	return findListed(cache.created, name, language)
}

// withCreated returns a new list: listed without the templates this Client
// created since, then those created in one of statuses.
func (cache *templateCache) withCreated(listed []wire.TemplateInfo, statuses []string) []wire.TemplateInfo {
	cache.mu.Lock()
	defer cache.mu.Unlock()
	list := make([]wire.TemplateInfo, 0, len(listed)+len(cache.created))
	for _, t := range listed {
		if _, ok := findListed(cache.created, t.Name, t.Language); !ok {
			list = append(list, t)
		}
	}
	for _, t := range cache.created {
		if slices.ContainsFunc(statuses, func(s string) bool { return strings.EqualFold(s, t.ApprovalStatus) }) {
			list = append(list, t)
		}
	}
	return list
}
