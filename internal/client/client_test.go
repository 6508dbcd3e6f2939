package client

import (
	"strings"
	"testing"
	"time"
)

func TestNewValidates(t *testing.T) {
	valid := Config{BaseURL: "https://api.interakt.ai", APIKey: testKey, RateLimitPerMinute: 40}
	tests := []struct {
		name   string
		modify func(*Config)
	}{
		{"no base url", func(c *Config) { c.BaseURL = "" }},
		{"ftp base url", func(c *Config) { c.BaseURL = "ftp://api.interakt.ai" }},
		{"relative base url", func(c *Config) { c.BaseURL = "api.interakt.ai" }},
		{"credentials in url", func(c *Config) { c.BaseURL = "https://user:" + testKey + "@api.interakt.ai" }},
		{"credentials in ftp url", func(c *Config) { c.BaseURL = "ftp://user:" + testKey + "@api.interakt.ai" }},
		{"unparsable url with credentials", func(c *Config) { c.BaseURL = "https://user:" + testKey + "@api.interakt.ai:port%/" }},
		{"query in url", func(c *Config) { c.BaseURL = "https://api.interakt.ai?x=1" }},
		{"no key", func(c *Config) { c.APIKey = "" }},
		{"key with newline", func(c *Config) { c.APIKey = testKey + "\r\nX-Evil: 1" }},
		{"key with space", func(c *Config) { c.APIKey = "Basic " + testKey }},
		{"zero rate", func(c *Config) { c.RateLimitPerMinute = 0 }},
		{"negative window", func(c *Config) { c.RateWindow = -time.Second }},
		{"negative retries", func(c *Config) { c.MaxRetries = -1 }},
		{"too many retries", func(c *Config) { c.MaxRetries = MaxRetriesLimit + 1 }},
		{"negative timeout", func(c *Config) { c.RequestTimeout = -time.Second }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := valid
			tt.modify(&cfg)
			c, err := New(cfg)
			if err == nil {
				t.Fatalf("New succeeded (%v), want an error", c)
			}
			if strings.Contains(err.Error(), testKey) {
				t.Errorf("error %q contains the API key", err)
			}
		})
	}
	c, err := New(valid)
	if err != nil {
		t.Fatalf("New(valid): %v", err)
	}
	if c.req.baseURL != "https://api.interakt.ai" || c.req.timeout != DefaultRequestTimeout || c.req.budget.Window() != time.Minute {
		t.Errorf("defaults: base %q timeout %v window %v", c.req.baseURL, c.req.timeout, c.req.budget.Window())
	}
	withPath, err := New(Config{BaseURL: "http://127.0.0.1:8080/mock/", APIKey: testKey, RateLimitPerMinute: 1})
	if err != nil {
		t.Fatal(err)
	}
	if withPath.req.baseURL != "http://127.0.0.1:8080/mock" {
		t.Errorf("base URL with a path = %q, want http://127.0.0.1:8080/mock", withPath.req.baseURL)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := map[string]time.Duration{
		"":                              0,
		"2":                             2 * time.Second,
		" 120 ":                         2 * time.Minute,
		"0":                             0,
		"-5":                            0,
		"soon":                          0,
		"99999999999999":                24 * time.Hour,
		"Sun, 01 Mar 2026 12:00:30 GMT": 30 * time.Second,
		"Sun, 01 Mar 2026 11:00:00 GMT": 0,
	}
	for in, want := range tests {
		if got := parseRetryAfter(in, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestBackoffGrowsWithJitter(t *testing.T) {
	for retry, bounds := range map[int][2]time.Duration{
		1:  {backoffBase / 2, backoffBase},
		2:  {backoffBase, 2 * backoffBase},
		3:  {2 * backoffBase, 4 * backoffBase},
		20: {backoffCap / 2, backoffCap},
	} {
		for range 50 {
			if d := backoff(retry); d < bounds[0] || d > bounds[1] {
				t.Fatalf("backoff(%d) = %v, want within %v", retry, d, bounds)
			}
		}
	}
}

func TestAPIMessage(t *testing.T) {
	tests := map[string]string{
		`{"result":false,"message":"Rate limit exceeded for this resource"}`: "Rate limit exceeded for this resource",
		`{"error":"not found"}`:              "not found",
		`{"detail":"Authentication failed"}`: "Authentication failed",
		`{"result":false}`:                   "",
		`<html><body>502</body></html>`:      "",
		"  upstream connect error  ":         "upstream connect error",
		"":                                   "",
		strings.Repeat("é", maxMessageLen):   strings.Repeat("é", maxMessageLen/2) + "…",
	}
	for body, want := range tests {
		if got := apiMessage([]byte(body)); got != want {
			t.Errorf("apiMessage(%.40q) = %.40q, want %.40q", body, got, want)
		}
	}
}
