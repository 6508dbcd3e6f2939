package receiver

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// TestTwoReceiversOnOneDatabaseEndMonotonic runs two receivers, each with
// its own connection pool, on one database, and sends them the same
// message's events in opposite orders at once.
func TestTwoReceiversOnOneDatabaseEndMonotonic(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		a := startReceiver(t, Config{DB: dsn})
		b := startReceiver(t, Config{DB: dsn})
		ids := 100
		if raceEnabled {
			ids = 10
		}
		var wg sync.WaitGroup
		errs := make(chan error, 8*ids)
		send := func(r *testReceiver, evs []hook) {
			for _, ev := range evs {
				wg.Go(func() {
					for attempt := 1; ; attempt++ {
						code, err := postWebhook(r.client, r.http.URL+DefaultWebhookPath, testSecret, ev.body())
						if err == nil && code == http.StatusOK {
							return
						}
						if attempt == 10 || (err == nil && code != http.StatusServiceUnavailable) {
							errs <- fmt.Errorf("%s %s: %d %v", ev.id, ev.typ, code, err)
							return
						}
					}
				})
			}
		}
		for i := range ids {
			id := fmt.Sprintf("m-%03d", i)
			evs := []hook{sentEvent(id), deliveredEvent(id), readEvent(id)}
			if i%5 == 0 {
				evs = append(evs, failedEvent(id))
			}
			send(a, evs)
			reversed := make([]hook, len(evs))
			for j, ev := range evs {
				reversed[len(evs)-1-j] = ev
			}
			send(b, reversed)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		for i := range ids {
			id := fmt.Sprintf("m-%03d", i)
			want := wire.StatusRead
			if i%5 == 0 {
				want = wire.StatusFailed
			}
			for _, r := range []*testReceiver{a, b} {
				st := r.mustStatus(t, id)
				if st.Status != want || st.SentAt == nil || st.DeliveredAt == nil || st.ReadAt == nil {
					t.Fatalf("%s: %+v, want %s with every time", id, st, want)
				}
			}
		}
	})
}
