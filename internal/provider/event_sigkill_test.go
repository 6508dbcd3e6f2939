package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
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
// every answer the mock holds 100 to 300 ms, and applies again, then once
// more: in the same directory with the local journal for even runs, and
// for odd runs in a fresh directory that has only the state file and the
// configuration, with the status receiver keeping the journal (another CI
// runner). Across all runs:
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
	rcv := startTestReceiver(t)
	receiverEnv := append(slices.Clone(c.env), envStatusToken+"="+testStatusToken)
	srv.SetFaults(mock.Faults{AnswerDelayMin: 100 * time.Millisecond, AnswerDelayMax: 300 * time.Millisecond})
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 19))

	var fired, uncertain, doubles, inFlight, answeredBeforeKill int
	for run := range eventKillRuns {
		t.Run(fmt.Sprintf("run%02d", run), func(t *testing.T) {
			fresh := run%2 == 1
			env, statusURL := c.env, ""
			if fresh {
				env, statusURL = receiverEnv, rcv.url
			}
			work := filepath.Join(c.dir, fmt.Sprintf("events%02d", run))
			config := eventKillConfig(srv, statusURL, run)
			writeFile(t, filepath.Join(work, "main.tf"), config)
			before := len(srv.EventRequests())

			cmd := c.command(env, "apply", "-auto-approve")
			cmd.Dir = work
			killed := startKillable(t, cmd)
			if err := waitFor(c.ctx, "the run's first event request", func() (bool, string) {
				return len(srv.EventRequests()) > before, "none yet"
			}); err != nil {
				t.Fatalf("%v\n%s", err, killed.output.String())
			}
			time.Sleep(time.Duration(rng.Int64N(int64(400 * time.Millisecond))))
			killAt := time.Now()
			killed.kill(t)
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

			dir := work
			if fresh {
				dir = work + "-fresh"
				if state, err := os.ReadFile(filepath.Join(work, "terraform.tfstate")); err == nil {
					writeFile(t, filepath.Join(dir, "terraform.tfstate"), string(state))
				}
				writeFile(t, filepath.Join(dir, "main.tf"), config)
			}
			// An event the mock accepted that the killed apply's state
			// lacks must be adopted, with a warning.
			// A kill may leave the state file absent or empty.
			saved, _ := readEventStates(filepath.Join(dir, "terraform.tfstate"))
			reached := map[string]bool{}
			for _, e := range srv.TrackedEvents() {
				reached[e.Event.Event] = true
			}
			unsaved := 0
			for k := range eventKillEvents {
				if reached[eventKillName(run, k)] && saved[fmt.Sprintf("e%d", k)] == nil {
					unsaved++
				}
			}
			for i := range 2 {
				apply := c.command(env, "apply", "-auto-approve")
				apply.Dir = dir
				out, err := apply.CombinedOutput()
				if err != nil {
					t.Fatalf("apply after the kill: %v\n%s", err, out)
				}
				if i == 0 && unsaved > 0 && !bytes.Contains(out, []byte("Event Adopted From a Stopped Apply")) {
					t.Errorf("the apply after the kill does not say it adopts %d events the killed apply fired:\n%s", unsaved, out)
				}
			}

			accepted := map[string][]string{} // event name -> the mock's ids
			for _, e := range srv.TrackedEvents() {
				accepted[e.Event.Event] = append(accepted[e.Event.Event], e.ID)
			}
			states := eventStates(t, filepath.Join(dir, "terraform.tfstate"))
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

// eventKillConfig is a run's five events; with a statusURL, the receiver
// keeps the send journal.
func eventKillConfig(srv *mock.Server, statusURL string, run int) string {
	var b strings.Builder
	b.WriteString("terraform {\n  required_providers {\n    interakt = { source = \"interakt-community/interakt\" }\n  }\n}\n\n")
	fmt.Fprintf(&b, "provider \"interakt\" {\n  base_url = %q\n  rate_limit_per_minute = 100000\n", srv.URL())
	if statusURL != "" {
		fmt.Fprintf(&b, "  status_url = %q\n", statusURL)
	}
	b.WriteString("}\n")
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
// file, by resource name, failing the test when it cannot.
func eventStates(t *testing.T, name string) map[string]map[string]any {
	t.Helper()
	states, err := readEventStates(name)
	if err != nil {
		t.Fatal(err)
	}
	return states
}

// readEventStates reads the interakt_event resources' attributes from a
// state file, by resource name.
func readEventStates(name string) (map[string]map[string]any, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
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
		return nil, fmt.Errorf("state %s: %w", name, err)
	}
	out := map[string]map[string]any{}
	for _, r := range state.Resources {
		if r.Type == eventType && len(r.Instances) == 1 {
			out[r.Name] = r.Instances[0].Attributes
		}
	}
	return out, nil
}
