package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/ratelimit"
)

// requester runs one logical request as a small retry loop. It retries
// only what certainly had no effect (a 429, or a failure before the request
// was fully written) unless the request is safe to repeat. A generic retry
// library such as go-retryablehttp cannot make that distinction: its
// CheckRetry sees only the response and error, not whether the request had
// been written, so it would need this same httptrace plumbing anyway.
type requester struct {
	baseURL string // Normalized: no trailing slash.
	http    *http.Client
	log     Logger
	budget  ratelimit.Budget // nil: no client-side rate limit
	// keyID names the key's budget in logs (see keyIDShown).
	keyID string
	// waits measures the time requests waited for the budget.
	waits      waitClock
	maxRetries int
	timeout    time.Duration
	// authorization is the Authorization header value; it is never logged.
	authorization string
	userAgent     string
	// secrets are removed from API messages and logged bodies.
	secrets []string
	// receiver marks the status receiver's requester: its errors say so
	// (Error.Receiver).
	receiver bool
}

// call describes one logical request.
type call struct {
	op      string // The operation, for errors and logs.
	method  string
	path    string // Below the requester's base URL, with the query; logs show it.
	body    []byte // The request body, or nil.
	maxBody int64  // The longest response body read.
	// safe marks a request that may be repeated (a GET): it is retried on
	// 5xx and after failures once written, and it is abandoned when ctx
	// ends. An unsafe request, once connected, runs to completion.
	safe bool
}

// reply is a response that ended the loop.
type reply struct {
	status  int
	header  http.Header
	body    []byte
	bodyErr error // Reading the body failed; body holds what was read.
}

// attemptResult is what one attempt produced.
type attemptResult struct {
	reply *reply
	err   error
	// written: the request was completely written to the connection.
	written bool
	// abandoned: ctx ended before a connection was obtained, and the
	// attempt was stopped.
	abandoned bool
}

// do runs c until it gets a reply that should not be retried, and returns
// it; failures without such a reply come back as *Error.
func (r *requester) do(ctx context.Context, c call) (rep *reply, err error) {
	defer func() {
		if e, ok := err.(*Error); ok {
			e.Receiver = r.receiver
		}
	}()
	var (
		first429 time.Time // when the first 429 arrived
		count429 int
	)
	for attempt := 1; ; attempt++ {
		res, err := r.attempt(ctx, c, attempt)
		if err != nil {
			return nil, err
		}
		retriesLeft := attempt <= r.maxRetries
		var wait time.Duration
		switch {
		case res.reply != nil:
			rep := res.reply
			switch {
			case rep.status == http.StatusTooManyRequests:
				// A 429 is never a send: another client of the key has
				// spent the window, so it is full for every process, and
				// the request is retried until the retries have spanned
				// rateLimitRetryWindows windows.
				after := parseRetryAfter(rep.header.Get("Retry-After"), time.Now())
				if r.budget != nil {
					if err := r.budget.Full(ctx, min(after, maxRetryAfter)); err != nil {
						r.log.Debug(ctx, "interakt rate budget not marked full", map[string]any{"op": c.op, "error": err.Error()})
					}
				}
				count429++
				if first429.IsZero() {
					first429 = time.Now()
				}
				if !r.retry429(attempt, first429) || after > maxRetryAfter {
					return rep, nil
				}
				wait = after
				if wait == 0 {
					wait = backoff429(count429, r.window())
				}
			case rep.status >= 500 && c.safe && retriesLeft && ctx.Err() == nil:
				wait = backoff(attempt)
			default:
				return rep, nil
			}
		case res.abandoned:
			return nil, &Error{Kind: KindUnsent, Op: c.op, Err: contextError(ctx)}
		case res.written && !c.safe:
			return nil, &Error{Kind: KindUncertain, Op: c.op, Err: res.err}
		default:
			kind := KindUnsent
			if res.written {
				kind = KindUncertain
			}
			if ctx.Err() != nil && c.safe {
				// A read stopped by its caller: nothing to be unsure of.
				return nil, &Error{Kind: KindUnsent, Op: c.op, Err: res.err}
			}
			if !retriesLeft || permanent(res.err) || ctx.Err() != nil {
				return nil, &Error{Kind: kind, Op: c.op, Err: res.err}
			}
			wait = backoff(attempt)
		}
		if err := sleep(ctx, wait); err != nil {
			return nil, &Error{Kind: KindUnsent, Op: c.op, Err: err}
		}
	}
}

// attempt acquires a rate-limit slot and makes one HTTP request. The error
// is non-nil only when no request was made (ctx ended at the limiter).
func (r *requester) attempt(ctx context.Context, c call, n int) (attemptResult, error) {
	slot := ratelimit.Slot{}
	if r.budget != nil {
		var err error
		slot, err = r.acquire(ctx, c)
		if err != nil {
			if ctx.Err() == nil {
				err = fmt.Errorf("the rate budget shared by every process using this key cannot be reached, so nothing was sent: %w", err)
			}
			return attemptResult{}, &Error{Kind: KindUnsent, Op: c.op, Err: err}
		}
	}

	var (
		reqCtx context.Context
		cancel context.CancelFunc
		trace  traceState
	)
	if c.safe {
		reqCtx, cancel = context.WithTimeout(ctx, r.timeout)
	} else {
		// A request being written is not abandoned: a cancel could turn a
		// likely success into an uncertain outcome. Until a connection is
		// obtained, nothing can reach the server, so a cancel still stops
		// a slow dial.
		reqCtx, cancel = context.WithTimeout(context.WithoutCancel(ctx), r.timeout)
		stop := context.AfterFunc(ctx, func() {
			if trace.abandonIfUnconnected() {
				cancel()
			}
		})
		defer stop()
	}
	defer cancel()
	reqCtx = httptrace.WithClientTrace(reqCtx, trace.clientTrace())

	fields := map[string]any{
		"op":           c.op,
		"method":       c.method,
		"path":         c.path,
		"attempt":      n,
		"limiter_wait": slot.Waited().String(),
	}
	if c.body != nil {
		r.log.Trace(ctx, "interakt request body", map[string]any{
			"op": c.op, "path": c.path, "attempt": n, "body": r.redact(string(c.body)),
		})
	}

	var body io.Reader
	if c.body != nil {
		body = bytes.NewReader(c.body)
	}
	req, err := http.NewRequestWithContext(reqCtx, c.method, r.baseURL+c.path, body)
	if err != nil {
		slot.Cancel()
		return attemptResult{}, &Error{Kind: KindUnsent, Op: c.op, Err: err}
	}
	req.Header.Set("Authorization", r.authorization)
	req.Header.Set("User-Agent", r.userAgent)
	req.Header.Set("Accept", "application/json")
	if c.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}

	start := time.Now()
	resp, err := r.http.Do(req)
	connected, written, abandoned := trace.snapshot()
	if err != nil {
		if connected {
			slot.Release()
		} else {
			// No connection: the server cannot have counted this request.
			slot.Cancel()
		}
		err = r.scrubError(err)
		fields["duration"] = time.Since(start).String()
		fields["written"] = written
		fields["error"] = err.Error()
		r.log.Debug(ctx, "interakt request failed", fields)
		return attemptResult{err: err, written: written, abandoned: abandoned && !written}, nil
	}
	slot.Release()

	rep := &reply{status: resp.StatusCode, header: resp.Header}
	rep.body, rep.bodyErr = readBody(resp.Body, c.maxBody)
	if rep.bodyErr != nil {
		rep.bodyErr = r.scrubError(rep.bodyErr)
	}
	fields["status"] = resp.StatusCode
	fields["duration"] = time.Since(start).String()
	if rep.bodyErr != nil {
		fields["body_error"] = rep.bodyErr.Error()
	}
	r.log.Debug(ctx, "interakt request", fields)
	r.log.Trace(ctx, "interakt response body", map[string]any{
		"op": c.op, "path": c.path, "attempt": n, "status": resp.StatusCode, "body": r.redact(string(rep.body)),
	})
	return attemptResult{reply: rep, written: true}, nil
}

// rateLimitRetryWindows is how many windows the retries of a 429 span at
// least before the request fails (unless max_retries is 0): the window a
// 429 marks full, and two more for a key that another client shares.
const rateLimitRetryWindows = 3

// retry429 reports whether a 429 is retried: within max_retries, and past
// it until the retries have spanned rateLimitRetryWindows windows since
// the first 429.
func (r *requester) retry429(attempt int, first429 time.Time) bool {
	if r.maxRetries == 0 {
		return false
	}
	return attempt <= r.maxRetries || time.Since(first429) < rateLimitRetryWindows*r.window()
}

// window is the rate budget's window.
func (r *requester) window() time.Duration {
	if r.budget == nil {
		return ratelimit.DefaultWindow
	}
	return r.budget.Window()
}

// readBody reads at most limit bytes and closes the body.
func readBody(body io.ReadCloser, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(body, limit+1))
	closeErr := body.Close()
	if err != nil {
		return data, err
	}
	if int64(len(data)) > limit {
		return data[:limit], fmt.Errorf("response body longer than %d bytes", limit)
	}
	if closeErr != nil {
		return data, closeErr
	}
	return data, nil
}

// statusError maps a response that is not a success to an *Error carrying
// the API's message verbatim.
func (r *requester) statusError(op string, rep *reply) *Error {
	e := &Error{Op: op, StatusCode: rep.status, Message: r.redact(apiMessage(rep.body)), Receiver: r.receiver}
	switch {
	case rep.status == http.StatusUnauthorized:
		e.Kind = KindUnauthorized
	case rep.status == http.StatusForbidden:
		e.Kind = KindForbidden
	case rep.status == http.StatusTooManyRequests:
		e.Kind = KindRateLimited
		e.RetryAfter = parseRetryAfter(rep.header.Get("Retry-After"), time.Now())
	case rep.status >= 300 && rep.status < 400:
		// Redirects are not followed, so the request had no effect.
		e.Kind = KindRejected
		e.Err = errRedirect
	case rep.status >= 400 && rep.status < 500:
		e.Kind = KindRejected
	default:
		// 5xx, or anything unexpected: the API may have acted on it.
		e.Kind = KindUncertain
	}
	return e
}

// withSecrets returns a requester like r that also redacts secrets, for
// one call whose body carries a secret of its own. It shares r's budget;
// its waits are measured apart.
func (r *requester) withSecrets(secrets ...string) *requester {
	return &requester{
		baseURL: r.baseURL, http: r.http, log: r.log, budget: r.budget, keyID: r.keyID,
		maxRetries: r.maxRetries, timeout: r.timeout, authorization: r.authorization, userAgent: r.userAgent,
		secrets: append(slices.Clone(r.secrets), secrets...), receiver: r.receiver,
	}
}

// redact removes secrets from text that came from the server.
func (r *requester) redact(s string) string {
	for _, secret := range r.secrets {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "[redacted]")
		}
	}
	return s
}

// scrubError returns err, or a plain error with its redacted text when
// the text held a secret.
func (r *requester) scrubError(err error) error {
	text := err.Error()
	if clean := r.redact(text); clean != text {
		return errors.New(clean)
	}
	return err
}

// permanent reports failures that retrying cannot fix.
func permanent(err error) bool {
	if dnsErr, ok := errors.AsType[*net.DNSError](err); ok && dnsErr.IsNotFound {
		return true
	}
	if _, ok := errors.AsType[*tls.CertificateVerificationError](err); ok {
		return true
	}
	return false
}

// sleep waits d, or returns the context's error if it ends first.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return contextError(ctx)
	case <-t.C:
		return nil
	}
}

// contextError returns the context's cause, or its error.
func contextError(ctx context.Context) error {
	if cause := context.Cause(ctx); cause != nil {
		return cause
	}
	return ctx.Err()
}

// traceState records, through httptrace, how far a request got.
type traceState struct {
	mu        sync.Mutex
	connected bool
	written   bool
	abandoned bool
}

func (t *traceState) clientTrace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) {
			t.mu.Lock()
			t.connected = true
			t.mu.Unlock()
		},
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			// A write that failed did not deliver the whole request, so
			// the server cannot have acted on it.
			if info.Err == nil {
				t.mu.Lock()
				t.written = true
				t.mu.Unlock()
			}
		},
	}
}

// abandonIfUnconnected marks the attempt abandoned and reports true when
// no connection has been obtained yet.
func (t *traceState) abandonIfUnconnected() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.connected {
		return false
	}
	t.abandoned = true
	return true
}

func (t *traceState) snapshot() (connected, written, abandoned bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.connected, t.written, t.abandoned
}
