package receiver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// Hand-off settings for receiver processes under test: tries come fast,
// and a killed receiver's leases run out within a second.
var fastHandoffArgs = []string{"--handoff-backoff", "50ms", "--handoff-max-backoff", "200ms",
	"--handoff-timeout", "500ms", "--handoff-lease", "1s"}

// putRule PUTs a rule on failed to a receiver process.
func putRule(t testing.TB, baseURL string, rule wire.Fallback) {
	t.Helper()
	body, err := json.Marshal(rule)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPut, baseURL+wire.FallbackPathPrefix+rule.Name, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("PUT rule: %d", resp.StatusCode)
	}
}

// handoffFigures sums what an endpoint saw: hand-offs delivered,
// deliveries beyond the first of one (duplicates, each with the same
// idempotency key), requests for one key that overlapped.
type handoffFigures struct {
	mu                                         sync.Mutex
	runs, handoffs, duplicates, overlaps, lost int
}

func (f *handoffFigures) add(handoffs, duplicates, overlaps, lost int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.runs++
	f.handoffs += handoffs
	f.duplicates += duplicates
	f.overlaps += overlaps
	f.lost += lost
}

// settle waits until the receiver at baseURL has no pending hand-off of
// rule and every key of ids was answered 2xx, and returns the figures.
func (e *handoffEndpoint) settle(t *testing.T, baseURL string, ids []string, rule string) (duplicates, overlaps, lost int) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		if pendingHandoffs(t, baseURL, rule) > 0 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
			continue
		}
		e.mu.Lock()
		ok := map[string]int{}
		for _, r := range e.requests {
			if r.Answer/100 == 2 {
				ok[r.Key]++
			}
		}
		overlaps = e.overlaps
		e.mu.Unlock()
		lost, duplicates = 0, 0
		for _, id := range ids {
			n := ok[id+":"+rule]
			if n == 0 {
				lost++
			}
			duplicates += max(n-1, 0)
		}
		if lost == 0 || time.Now().After(deadline) {
			return duplicates, overlaps, lost
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestKilledReceiverDeliversEveryHandoff SIGKILLs a receiver while its
// hand-offs are pending, the endpoint answering 503 to each one's first
// two tries once all webhooks are in, and restarts it on the same
// database: every hand-off must then be delivered. Ten runs, side by side.
func TestKilledReceiverDeliversEveryHandoff(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills receiver processes")
	}
	t.Parallel()
	const runs, messages = 10, 20
	var figures handoffFigures
	t.Run("runs", func(t *testing.T) {
		for run := range runs {
			t.Run(fmt.Sprint(run), func(t *testing.T) {
				t.Parallel()
				// The receiver is killed as the endpoint is about to accept
				// its fifth hand-off: some are delivered, one is accepted but
				// not known to be, the rest are pending, leased or waiting
				// to be retried.
				// Until every webhook is in, the endpoint refuses all.
				var (
					victim   atomic.Pointer[receiverProcess]
					armed    atomic.Bool
					mu       sync.Mutex
					tries    = map[string]int{}
					accepted atomic.Int64
					killOnce sync.Once
				)
				endpoint := newHandoffEndpoint(t, func(key string, _ int) int {
					if !armed.Load() {
						return http.StatusServiceUnavailable
					}
					mu.Lock()
					tries[key]++
					try := tries[key]
					mu.Unlock()
					if try <= 2 {
						return http.StatusServiceUnavailable
					}
					if accepted.Add(1) == 5 {
						killOnce.Do(func() { _ = victim.Load().cmd.Process.Signal(syscall.SIGKILL) })
					}
					return http.StatusOK
				})
				dsn := backends[0].dsn(t)
				p := startReceiverProcess(t, append([]string{"--db", dsn}, fastHandoffArgs...)...)
				victim.Store(p)
				putRule(t, p.url, wire.Fallback{Name: "sms", URL: endpoint.server.URL, Secret: fallbackSecret, On: []string{wire.FallbackOnFailed}})
				client := &http.Client{Timeout: 10 * time.Second}
				var ids []string
				for i := range messages {
					id := fmt.Sprintf("r%d-m%02d", run, i)
					if code, err := postWebhook(client, p.url+DefaultWebhookPath, testSecret, failedEvent(id).body()); err != nil || code != http.StatusOK {
						t.Fatalf("webhook %s: %d %v", id, code, err)
					}
					ids = append(ids, id)
				}
				armed.Store(true)
				<-p.exited
				if p.waitErr == nil {
					t.Fatal("the receiver exited cleanly; it should have been killed")
				}
				restarted := startReceiverProcess(t, append([]string{"--db", dsn}, fastHandoffArgs...)...)
				duplicates, overlaps, lost := endpoint.settle(t, restarted.url, ids, "sms")
				if lost > 0 {
					t.Errorf("%d of %d hand-offs never delivered after the restart", lost, messages)
				}
				for _, r := range endpoint.got() {
					if !r.ValidSig || r.Handoff.Message.ID+":sms" != r.Key {
						t.Errorf("request %s: signature valid %v, body for %s", r.Key, r.ValidSig, r.Handoff.Message.ID)
					}
				}
				figures.add(messages, duplicates, overlaps, lost)
			})
		}
	})
	t.Logf("%d runs: %d hand-offs, %d duplicates (same idempotency key), %d lost",
		figures.runs, figures.handoffs, figures.duplicates, figures.lost)
}

// TestTwoReceiversShareHandoffsAndOneIsKilled runs two receiver processes
// on one PostgreSQL database, hands off through both, and SIGKILLs one
// mid-delivery: the other delivers what the killed one had leased, once
// its leases run out, and no hand-off is POSTed by both at once.
func TestTwoReceiversShareHandoffsAndOneIsKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills receiver processes")
	}
	t.Parallel()
	const messages = 200
	// The endpoint refuses every try until all webhooks are in; then
	// receiver a is killed at its 50th acceptance, while both receivers
	// have POSTs under way (each takes 50 ms).
	var (
		victim   atomic.Pointer[receiverProcess]
		armed    atomic.Bool
		accepted atomic.Int64
		killOnce sync.Once
		killedAt = make(chan struct{})
	)
	endpoint := newHandoffEndpoint(t, func(string, int) int {
		if !armed.Load() {
			return http.StatusServiceUnavailable
		}
		if accepted.Add(1) == messages/4 {
			killOnce.Do(func() {
				_ = victim.Load().cmd.Process.Signal(syscall.SIGKILL)
				close(killedAt)
			})
		}
		time.Sleep(50 * time.Millisecond)
		return http.StatusOK
	})
	dsn := backends[1].dsn(t)
	a := startReceiverProcess(t, append([]string{"--db", dsn}, fastHandoffArgs...)...)
	victim.Store(a)
	b := startReceiverProcess(t, append([]string{"--db", dsn}, fastHandoffArgs...)...)
	putRule(t, a.url, wire.Fallback{Name: "sms", URL: endpoint.server.URL, Secret: fallbackSecret, On: []string{wire.FallbackOnFailed}})
	client := &http.Client{Timeout: 10 * time.Second}
	var ids []string
	for i := range messages {
		id := fmt.Sprintf("m%03d", i)
		target := a
		if i%2 == 1 {
			target = b
		}
		if code, err := postWebhook(client, target.url+DefaultWebhookPath, testSecret, failedEvent(id).body()); err != nil || code != http.StatusOK {
			t.Fatalf("webhook %s: %d %v", id, code, err)
		}
		ids = append(ids, id)
	}
	armed.Store(true)
	select {
	case <-killedAt:
	case <-time.After(30 * time.Second):
		t.Fatal("no hand-off came")
	}
	<-a.exited
	atKill := len(endpoint.got())
	duplicates, overlaps, lost := endpoint.settle(t, b.url, ids, "sms")
	if lost > 0 {
		t.Errorf("%d of %d hand-offs never delivered", lost, messages)
	}
	if duplicates == 0 {
		t.Errorf("no hand-off was POSTed again: the kill came when a had none under way")
	}
	if overlaps > 0 {
		t.Errorf("%d times a hand-off was POSTed while another POST of it was under way", overlaps)
	}
	t.Logf("two receivers, one killed with %d requests answered: %d hand-offs, %d requests, %d duplicates (same idempotency key), %d overlapping, %d lost",
		atKill, messages, len(endpoint.got()), duplicates, overlaps, lost)
}

// pendingHandoffs counts a rule's pending hand-offs, as a receiver lists
// them.
func pendingHandoffs(t *testing.T, baseURL, rule string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, baseURL+wire.FallbackPathPrefix+rule+wire.FallbackHandoffsPath+"?state=pending", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var list wire.HandoffList
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("pending hand-offs: %d %v", resp.StatusCode, err)
	}
	return len(list.Handoffs)
}
