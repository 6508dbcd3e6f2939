package client

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/ratelimit"
)

// TestLongBudgetWaitIsLoggedAndCounted: with a budget of 2 a minute, five
// sends made side by side wait for the window; each wait past 2 s is
// logged at Info with the key's id and the budget's place, and the time
// held is counted once however many requests waited together.
func TestLongBudgetWaitIsLoggedAndCounted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &server{respond: func(_ int, w http.ResponseWriter, _ *http.Request) { created(w, "sent") }}
		hc, _ := startMem(t, s, 0)
		budget, err := ratelimit.New(2, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		log := &recordingLogger{}
		c := newTestClient(t, memBase, hc, Config{Budget: budget, Logger: log})
		var wg sync.WaitGroup
		for range 5 {
			wg.Go(func() {
				if _, err := c.SendTemplate(t.Context(), minimalMessage()); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		// Two go at once, two a minute later, the last two minutes later.
		if held := c.BudgetWait(); held != 2*time.Minute {
			t.Errorf("BudgetWait() = %v, want 2m: the time some request waited, counted once", held)
		}
		keyID, err := BudgetKeyID(testKey, memBase+"/")
		if err != nil {
			t.Fatal(err)
		}
		var waits []string
		for _, e := range log.all() {
			if e.level != "info" {
				continue
			}
			waited, _ := e.fields["waited"].(string)
			waits = append(waits, waited)
			if e.fields["key_id"] != keyID[:keyIDShown] || e.fields["budget"] != "this process" || e.fields["limit"] != 2 {
				t.Errorf("wait logged with %v, want key_id %s, budget \"this process\", limit 2", e.fields, keyID[:keyIDShown])
			}
			for _, v := range e.fields {
				if s, ok := v.(string); ok && strings.Contains(s, testKey) {
					t.Errorf("the wait's log holds the key: %v", e.fields)
				}
			}
		}
		if strings.Join(waits, " ") != "1m0s 1m0s 2m0s" {
			t.Errorf("waits logged at Info: %v, want 1m0s 1m0s 2m0s", waits)
		}
	})
}
