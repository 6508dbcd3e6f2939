// Package client talks to the Interakt public API: it sends template
// messages and lists the account's templates, under a client-side rate
// limit, and reads message status from the status receiver.
//
// Every failure is an *Error whose Kind says whether the API certainly did
// not act on the request. A send is retried only when it certainly had no
// effect (a 429, or a failure before the request was written), so a message
// is never sent twice by this client.
package client

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/interakt-community/terraform-provider-interakt/internal/ratelimit"
)

// Defaults applied by New to zero Config fields.
const (
	DefaultUserAgent      = "terraform-provider-interakt"
	DefaultRequestTimeout = 30 * time.Second
	// MaxRetriesLimit bounds Config.MaxRetries.
	MaxRetriesLimit = 10
)

// Response size limits.
const (
	maxSendBody     = 1 << 20
	maxTemplatePage = 16 << 20
)

// Config configures a Client.
type Config struct {
	// BaseURL is the API's root, such as https://api.interakt.ai.
	BaseURL string
	// APIKey is sent as is after "Basic " (the dashboard's key is already
	// base64 encoded). It never appears in logs or errors.
	APIKey string
	// UserAgent is sent with every request (DefaultUserAgent when empty).
	UserAgent string
	// RateLimitPerMinute is how many requests may arrive at the API in one
	// RateWindow. It must be at least 1.
	RateLimitPerMinute int
	// RateWindow is the rate limit's window; zero means one minute. Tests
	// shorten it.
	RateWindow time.Duration
	// Budget is where requests take their slots: the key's budget shared
	// with other processes (a ratelimit.FileBudget, a ReceiverBudget). Nil
	// means a limiter of this Client's own, of RateLimitPerMinute per
	// RateWindow.
	Budget ratelimit.Budget
	// MaxRetries is how many times a request that certainly had no effect
	// is retried (0 to MaxRetriesLimit).
	MaxRetries int
	// RequestTimeout bounds one HTTP attempt; zero means
	// DefaultRequestTimeout.
	RequestTimeout time.Duration
	// HTTPClient makes the requests; nil means a pooled default. Redirects
	// are never followed, whichever client is given.
	HTTPClient *http.Client
	// Logger receives request logs; nil means none.
	Logger Logger
	// SharedListing, when set, receives every APPROVED listing this
	// Client makes and offers FindTemplateToSend another process's.
	SharedListing SharedListing
}

// Client is an Interakt API client. It is safe for concurrent use; one
// Client serves one provider configuration, so that all its resources
// share one rate budget (and with Config.Budget, every process using the
// key shares it).
type Client struct {
	req       *requester
	templates templateCache
	// shared and sharedRead: see Config.SharedListing.
	shared     SharedListing
	sharedRead sharedApproved
	// templateRequests counts template list pages requested.
	templateRequests atomic.Int64
}

// New validates cfg and returns a Client. Error texts never contain the
// API key.
func New(cfg Config) (*Client, error) {
	base, err := normalizeBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	if err := checkHeaderSecret("API key", cfg.APIKey); err != nil {
		return nil, err
	}
	if cfg.RateLimitPerMinute < 1 {
		return nil, fmt.Errorf("rate limit must be at least 1 request per window, got %d", cfg.RateLimitPerMinute)
	}
	if cfg.RateWindow < 0 {
		return nil, fmt.Errorf("rate window must not be negative, got %s", cfg.RateWindow)
	}
	if cfg.MaxRetries < 0 || cfg.MaxRetries > MaxRetriesLimit {
		return nil, fmt.Errorf("max retries must be between 0 and %d, got %d", MaxRetriesLimit, cfg.MaxRetries)
	}
	if cfg.RequestTimeout < 0 {
		return nil, fmt.Errorf("request timeout must not be negative, got %s", cfg.RequestTimeout)
	}
	budget := cfg.Budget
	if budget == nil {
		limiter, err := ratelimit.New(cfg.RateLimitPerMinute, cfg.RateWindow)
		if err != nil {
			return nil, err
		}
		budget = limiter
	}
	timeout := cfg.RequestTimeout
	if timeout == 0 {
		timeout = DefaultRequestTimeout
	}
	userAgent := cfg.UserAgent
	if userAgent == "" {
		userAgent = DefaultUserAgent
	}
	return &Client{
		req: &requester{
			baseURL:       base,
			http:          withoutRedirects(cfg.HTTPClient),
			log:           loggerOrNop(cfg.Logger),
			budget:        budget,
			keyID:         ratelimit.KeyID(cfg.APIKey, base),
			maxRetries:    cfg.MaxRetries,
			timeout:       timeout,
			authorization: "Basic " + cfg.APIKey,
			userAgent:     userAgent,
			secrets:       []string{cfg.APIKey},
		},
		shared: cfg.SharedListing,
	}, nil
}

// normalizeBaseURL checks that raw is an http(s) URL without credentials,
// query or fragment, and returns it without a trailing slash.
func normalizeBaseURL(raw string) (string, error) {
	if raw == "" {
		return "", errors.New("base URL is required")
	}
	u, err := url.Parse(raw)
	if err != nil {
		if strings.Contains(raw, "@") {
			// It may hold credentials; do not repeat it.
			return "", errors.New("base URL is not a valid URL")
		}
		return "", fmt.Errorf("base URL %q is not a valid URL", raw)
	}
	if u.User != nil {
		return "", errors.New("base URL must not contain credentials; set the key or token separately")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		// Not repeated either: a query may carry a secret.
		return "", errors.New("base URL must not have a query or fragment")
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("base URL %q must start with https:// or http://", raw)
	case u.Host == "":
		return "", fmt.Errorf("base URL %q has no host", raw)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// checkHeaderSecret checks that a secret is present and fits in a header.
// The secret itself is never part of the error.
func checkHeaderSecret(name, secret string) error {
	if secret == "" {
		return fmt.Errorf("%s is required", name)
	}
	for _, r := range secret {
		if r > unicode.MaxASCII || unicode.IsSpace(r) || unicode.IsControl(r) {
			return fmt.Errorf("%s contains spaces, control or non-ASCII characters", name)
		}
	}
	return nil
}
