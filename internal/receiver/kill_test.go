package receiver

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/receiver/store"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// receiverProcess is this test binary re-run as the interakt-receiver
// program (see TestMain).
type receiverProcess struct {
	cmd     *exec.Cmd
	url     string
	exited  chan struct{} // closed once the process has been waited for
	waitErr error
}

func startReceiverProcess(t *testing.T, args ...string) *receiverProcess {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"--listen", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), childEnv+"=1",
		EnvWebhookSecret+"="+testSecret, EnvStatusToken+"="+testToken)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &lockedWriter{w: &stderr}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &receiverProcess{cmd: cmd, exited: make(chan struct{})}
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() {
		_ = cmd.Process.Kill()
		waitErr := cmd.Wait()
		t.Fatalf("receiver printed no address (%v); stderr:\n%s", waitErr, stderr.String())
	}
	const prefix = "interakt-receiver listening on "
	line := lines.Text()
	if !strings.HasPrefix(line, prefix) {
		_ = cmd.Process.Kill()
		t.Fatalf("first line %q does not give the address", line)
	}
	p.url = strings.TrimPrefix(line, prefix)
	go func() {
		for lines.Scan() {
		}
		p.waitErr = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-p.exited
	})
	return p
}

type lockedWriter struct {
	mu sync.Mutex
	w  *strings.Builder
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestKilledReceiverKeepsEveryAcknowledgedEvent SIGKILLs a receiver
// process while senders are posting, then opens its database: every event
// answered 200 must be there.
func TestKilledReceiverKeepsEveryAcknowledgedEvent(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills a receiver process")
	}
	eachBackend(t, func(t *testing.T, dsn string) {
		p := startReceiverProcess(t, "--db", dsn)
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 10 * time.Second}

		killAfter := 400
		if raceEnabled {
			killAfter = 40
		}
		var (
			mu       sync.Mutex
			acked    []string
			seq      atomic.Int64
			killOnce sync.Once
			wg       sync.WaitGroup
		)
		kill := func() {
			if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Errorf("kill: %v", err)
			}
		}
		for range 16 {
			wg.Go(func() {
				for {
					id := fmt.Sprintf("k-%06d", seq.Add(1))
					code, err := postWebhook(client, p.url+DefaultWebhookPath, testSecret, readEvent(id).body())
					if err != nil {
						return // The receiver is gone.
					}
					if code != http.StatusOK {
						continue
					}
					mu.Lock()
					acked = append(acked, id)
					n := len(acked)
					mu.Unlock()
					if n >= killAfter {
						killOnce.Do(kill)
					}
				}
			})
		}
		wg.Wait()
		<-p.exited
		if p.waitErr == nil {
			t.Fatalf("receiver exited cleanly; it should have been killed")
		}

		s, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatalf("reopen the killed receiver's database: %v", err)
		}
		defer func() { _ = s.Close() }()
		for _, id := range acked {
			m, err := s.Message(t.Context(), id)
			if err != nil {
				t.Fatalf("event %s was answered 200 but is lost after SIGKILL: %v", id, err)
			}
			if m.Status.String() != wire.StatusRead {
				t.Fatalf("%s: status %v", id, m.Status)
			}
		}
		t.Logf("%d events acknowledged before and during the kill, all kept (%d sent)", len(acked), seq.Load())
	})
}

// TestReceiverProcessShutsDownOnSIGTERM checks the program's signal path:
// it exits 0 and what it acknowledged is stored.
func TestReceiverProcessShutsDownOnSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a receiver process")
	}
	dsn := backends[0].dsn(t)
	p := startReceiverProcess(t, "--db", dsn)
	client := &http.Client{Timeout: 10 * time.Second}
	code, err := postWebhook(client, p.url+DefaultWebhookPath, testSecret, sentEvent("term").body())
	if err != nil || code != http.StatusOK {
		t.Fatalf("webhook: %d %v", code, err)
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	<-p.exited
	if p.waitErr != nil {
		t.Fatalf("receiver did not exit cleanly on SIGTERM: %v", p.waitErr)
	}
	s, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	if _, err := s.Message(t.Context(), "term"); err != nil {
		t.Fatalf("acknowledged event missing: %v", err)
	}
}
