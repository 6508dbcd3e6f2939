package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
)

// eventKillRuns is how many times TestAccEventKillRecovery kills an apply.
const eventKillRuns = 10

// eventKillEvents is how many interakt_event resources each killed apply
// fires, side by side.
const eventKillEvents = 5

// TestAccEventKillRecovery kills Terraform's whole process group with
// SIGKILL at a random moment of an apply that fires five events, whose
// every answer the mock holds 100 to 300 ms, and applies again in the
// same directory (the local journal), then once more. Across all runs:
//
//   - no event reaches the mock twice;
//   - an event the mock accepted is in state, fired with the mock's id or
//     uncertain (its answer was written in the instant before the kill,
//     before the provider recorded it);
//   - an event that never reached the mock is fired by the next apply, or
//     is uncertain (its request was recorded but never arrived), and is
//     never fired by itself;
//   - the last apply, with nothing changed, fires nothing.
func TestAccEventKillRecovery(t *testing.T) {
	t.Parallel()
	c := newCampaignCLI(t)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
	defer cancel()
	c.ctx = ctx
	srv := c.srv
	srv.SetFaults(mock.Faults{AnswerDelayMin: 100 * time.Millisecond, AnswerDelayMax: 300 * time.Millisecond})
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 19))

	var fired, uncertain, doubles, inFlight, answeredBeforeKill int
	for run := range eventKillRuns {
		t.Run(fmt.Sprintf("run%02d", run), func(t *testing.T) {
			work := filepath.Join(c.dir, fmt.Sprintf("events%02d", run))
			writeFile(t, filepath.Join(work, "main.tf"), eventKillConfig(srv, run))
			before := len(srv.EventRequests())

			killed := c.command(c.env, "apply", "-auto-approve")
			killed.Dir = work
			killed.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			var output bytes.Buffer
			killed.Stdout, killed.Stderr = &output, &output
			if err := killed.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				if err := syscall.Kill(-killed.Process.Pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
					t.Errorf("kill the process group: %v", err)
				}
			})
			if err := waitFor(c.ctx, "the run's first event request", func() (bool, string) {
				return len(srv.EventRequests()) > before, "none yet"
			}); err != nil {
				t.Fatalf("%v\n%s", err, output.String())
			}
			time.Sleep(time.Duration(rng.Int64N(int64(400 * time.Millisecond))))
			killAt := time.Now()
			if err := syscall.Kill(-killed.Process.Pid, syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			_ = killed.Wait()
			if err := campaignWaitGone(c.ctx, c.plugin); err != nil {
				t.Fatal(err)
			}
			if err := waitFor(c.ctx, "the mock to finish the killed run's requests", func() (bool, string) {
				for _, r := range srv.EventRequests()[before:] {
					if !r.Done {
						return false, "a request is not done"
					}
				}
				return true, ""
			}); err != nil {
				t.Fatal(err)
			}
			for _, r := range srv.EventRequests()[before:] {
				switch {
				case r.Sent && !r.AnsweredAt.IsZero() && r.AnsweredAt.Before(killAt):
					answeredBeforeKill++
				case r.At.Before(killAt):
					inFlight++
				}
			}

			for range 2 {
				apply := c.command(c.env, "apply", "-auto-approve")
				apply.Dir = work
				if out, err := apply.CombinedOutput(); err != nil {
					t.Fatalf("apply after the kill: %v\n%s", err, out)
				}
			}

			accepted := map[string][]string{} // event name -> the mock's ids
			for _, e := range srv.TrackedEvents() {
				accepted[e.Event.Event] = append(accepted[e.Event.Event], e.ID)
			}
			states := eventStates(t, filepath.Join(work, "terraform.tfstate"))
			for k := range eventKillEvents {
				name := eventKillName(run, k)
				ids, state := accepted[name], states[fmt.Sprintf("e%d", k)]
				switch {
				case len(ids) > 1:
					doubles++
					t.Errorf("%s reached the mock %d times", name, len(ids))
				case state == nil:
					t.Errorf("%s is not in state", name)
				case len(ids) == 1 && state["status"] == eventFired && state["id"] != ids[0]:
					t.Errorf("%s is fired with id %v, the mock's is %s", name, state["id"], ids[0])
				case len(ids) == 1 && state["status"] != eventFired && state["status"] != sendUncertain:
					t.Errorf("%s reached the mock and is %v", name, state)
				case len(ids) == 0 && state["status"] != sendUncertain:
					t.Errorf("%s never reached the mock and is %v, want uncertain (recorded, never fired by itself)", name, state)
				}
				switch state["status"] {
				case eventFired:
					fired++
				case sendUncertain:
					uncertain++
				}
			}
		})
	}
	t.Logf("%d runs of %d events: %d answered before the kill, %d in flight at the kill, %d fired and %d uncertain at the end, "+
		"%d events fired twice", eventKillRuns, eventKillEvents, answeredBeforeKill, inFlight, fired, uncertain, doubles)
	if doubles != 0 {
		t.Errorf("%d events fired twice", doubles)
	}
}

// eventKillName is the event name of resource k of a run, unique in the
// test, so the mock's events tell the runs apart.
func eventKillName(run, k int) string {
	return fmt.Sprintf("kill_r%02d_e%d", run, k)
}

// eventKillConfig is a run's five events.
func eventKillConfig(srv *mock.Server, run int) string {
	var b strings.Builder
	b.WriteString("terraform {\n  required_providers {\n    interakt = { source = \"interakt-community/interakt\" }\n  }\n}\n\n")
	fmt.Fprintf(&b, "provider \"interakt\" {\n  base_url = %q\n  rate_limit_per_minute = 100000\n}\n", srv.URL())
	for k := range eventKillEvents {
		fmt.Fprintf(&b, `
resource "interakt_event" "e%d" {
  country_code = "+91"
  phone_number = "98%02d00000%d"
  event        = %q
  traits       = { run = %d, vip = true }
}
`, k, run, k, eventKillName(run, k), run)
	}
	return b.String()
}

// eventStates reads the interakt_event resources' attributes from a state
// file, by resource name.
func eventStates(t *testing.T, name string) map[string]map[string]any {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var state struct {
		Resources []struct {
			Type      string `json:"type"`
			Name      string `json:"name"`
			Instances []struct {
				Attributes map[string]any `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(data, &state); err != nil {
		t.Fatalf("state: %v", err)
	}
	out := map[string]map[string]any{}
	for _, r := range state.Resources {
		if r.Type == eventType && len(r.Instances) == 1 {
			out[r.Name] = r.Instances[0].Attributes
		}
	}
	return out
}
