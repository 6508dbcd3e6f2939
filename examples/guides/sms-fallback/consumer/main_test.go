package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const body = `{"id":"h1","rule":"sms","reason":"failed","handed_off_at":"2026-12-01T10:00:00Z",` +
	`"message":{"id":"m1","country_code":"+91","phone_number":"9999999999","template_name":"order_shipped","status":"failed"}}`

func sign(secret, body string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(body))
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// TestConsumer sends the guide's consumer a hand-off twice and a forged
// one: one SMS, both tries answered 200, the forgery refused.
func TestConsumer(t *testing.T) {
	var sms []string
	c := &consumer{secret: []byte("s3cret"), sent: map[string]bool{}, sms: func(_ context.Context, h handoff) error {
		sms = append(sms, *h.Message.PhoneNumber)
		return nil
	}}
	post := func(signature string) int {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		r.Header.Set("Interakt-Fallback-Signature", signature)
		r.Header.Set("Idempotency-Key", "m1:sms")
		w := httptest.NewRecorder()
		c.ServeHTTP(w, r)
		return w.Code
	}
	for range 2 {
		if code := post(sign("s3cret", body)); code != http.StatusOK {
			t.Errorf("a signed hand-off got %d, want 200", code)
		}
	}
	if code := post(sign("another", body)); code != http.StatusUnauthorized {
		t.Errorf("a forged hand-off got %d, want 401", code)
	}
	if len(sms) != 1 || sms[0] != "9999999999" {
		t.Errorf("SMS sent: %v; want one to 9999999999", sms)
	}
}
