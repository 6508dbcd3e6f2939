package client

import (
	"errors"
	"net"
	"net/http"
	"time"
)

// newDefaultHTTPClient returns the client used when Config.HTTPClient is
// nil: a pooled transport with bounded dial and TLS handshakes. Whole
// requests are bounded by RequestTimeout through their context instead of
// http.Client.Timeout.
func newDefaultHTTPClient() *http.Client {
	transport := &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   10 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          16,
		MaxIdleConnsPerHost:   16,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
	return &http.Client{Transport: transport, CheckRedirect: refuseRedirect}
}

// withoutRedirects returns a copy of c that does not follow redirects: a
// redirected send would be posted again somewhere else, and the
// Authorization header is not meant for another host.
func withoutRedirects(c *http.Client) *http.Client {
	if c == nil {
		return newDefaultHTTPClient()
	}
	copied := *c
	copied.CheckRedirect = refuseRedirect
	return &copied
}

var errRedirect = errors.New("the server answered with a redirect; check the base URL")

func refuseRedirect(*http.Request, []*http.Request) error {
	return http.ErrUseLastResponse
}
