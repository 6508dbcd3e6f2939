// Command consumer is a minimal endpoint for interakt_fallback's hand-offs:
// it checks each hand-off's signature, sends the SMS once per idempotency
// key, and answers 2xx only once the SMS is sent, so that the receiver
// tries again after a failure.
//
//	FALLBACK_SECRET=... go run ./consumer -listen 127.0.0.1:8081
package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"io"
	"log"
	"net/http"
	"os"
	"sync"
	"time"
)

// handoff is the body the receiver posts: the fields an SMS needs.
type handoff struct {
	ID      string `json:"id"`
	Rule    string `json:"rule"`
	Reason  string `json:"reason"` // "failed" or "undelivered"
	Message struct {
		ID           string  `json:"id"`
		CountryCode  *string `json:"country_code"`
		PhoneNumber  *string `json:"phone_number"`
		TemplateName *string `json:"template_name"`
		CallbackData *string `json:"callback_data"`
	} `json:"message"`
}

// consumer serves hand-offs. sent holds the idempotency keys already
// handled: keep them in a database with a unique key in production, as a
// hand-off is delivered at least once and a restart must not forget them.
type consumer struct {
	secret []byte
	sms    func(ctx context.Context, h handoff) error

	mu   sync.Mutex
	sent map[string]bool
}

func (c *consumer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, "unreadable body", http.StatusBadRequest)
		return
	}
	// The signature covers the body exactly as received: check it before
	// parsing anything.
	mac := hmac.New(sha256.New, c.secret)
	mac.Write(body)
	want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
	if !hmac.Equal([]byte(r.Header.Get("Interakt-Fallback-Signature")), []byte(want)) {
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	key := r.Header.Get("Idempotency-Key") // "<message id>:<rule>"
	var h handoff
	if err := json.Unmarshal(body, &h); err != nil || key == "" || h.Message.PhoneNumber == nil {
		http.Error(w, "not a hand-off", http.StatusBadRequest)
		return
	}

	// One hand-off at a time keeps two tries of the same key from both
	// sending; a database would lock the key's row instead.
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sent[key] {
		w.WriteHeader(http.StatusOK) // a repeat: sent already
		return
	}
	if err := c.sms(r.Context(), h); err != nil {
		log.Printf("hand-off %s: SMS not sent: %v", key, err)
		http.Error(w, "SMS not sent", http.StatusServiceUnavailable) // the receiver tries again
		return
	}
	c.sent[key] = true
	w.WriteHeader(http.StatusOK)
}

func main() {
	listen := flag.String("listen", "127.0.0.1:8081", "address to listen on")
	flag.Parse()
	secret := os.Getenv("FALLBACK_SECRET")
	if secret == "" {
		log.Fatal("FALLBACK_SECRET is not set")
	}
	c := &consumer{secret: []byte(secret), sent: map[string]bool{}, sms: func(_ context.Context, h handoff) error {
		// Call your SMS gateway here.
		log.Printf("SMS to %s%s: message %s %s", *h.Message.CountryCode, *h.Message.PhoneNumber, h.Message.ID, h.Reason)
		return nil
	}}
	srv := &http.Server{Addr: *listen, Handler: c, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.ListenAndServe())
}
