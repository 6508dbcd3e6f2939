package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
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

// ListTemplates returns all templates of the account, following every
// page. The list is fetched once per Client and then served from memory;
// callers get their own copy of the slice.
func (c *Client) ListTemplates(ctx context.Context) ([]wire.TemplateInfo, error) {
	cache := &c.templates
	cache.mu.Lock()
	if cache.fetched {
		list := cloneTemplates(cache.list)
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
		return cloneTemplates(f.list), nil
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

// fetchTemplates reads every page, advancing offset by each page's length
// while has_next is true.
func (c *Client) fetchTemplates(ctx context.Context) ([]wire.TemplateInfo, error) {
	list := []wire.TemplateInfo{}
	offset := 0
	for range maxTemplatePages {
		page, err := c.fetchTemplatePage(ctx, offset)
		if err != nil {
			return nil, err
		}
		list = append(list, page.Results.Templates...)
		if !page.HasNext {
			return list, nil
		}
		if len(page.Results.Templates) == 0 {
			return nil, &Error{Kind: KindUncertain, Op: opListTemplates,
				Err: fmt.Errorf("page at offset %d is empty but has_next is true", offset)}
		}
		offset += len(page.Results.Templates)
	}
	return nil, &Error{Kind: KindUncertain, Op: opListTemplates,
		Err: fmt.Errorf("more than %d pages of templates", maxTemplatePages)}
}

func (c *Client) fetchTemplatePage(ctx context.Context, offset int) (*wire.TemplatesPage, error) {
	query := url.Values{"offset": {strconv.Itoa(offset)}}.Encode()
	path := wire.TemplatesPath + "?" + query
	rep, err := c.req.do(ctx, call{
		op:      opListTemplates,
		method:  http.MethodGet,
		url:     c.baseURL + path,
		logPath: path,
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
			Err: fmt.Errorf("unreadable template list at offset %d: %w", offset, err)}
	}
	return &page, nil
}

func cloneTemplates(list []wire.TemplateInfo) []wire.TemplateInfo {
	return append([]wire.TemplateInfo(nil), list...)
}
