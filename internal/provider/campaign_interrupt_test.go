package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
)

// TestAccCampaignInterrupt presses Ctrl-C in the middle of a campaign run
// by the Terraform CLI: the provider is built and served by Terraform as a
// real plugin (dev_overrides), the mock holds ten requests in flight, and
// terraform gets SIGINT. The saved state must hold every id the mock
// handed out, the next apply must send only the rest, and nobody may be
// messaged twice.
func TestAccCampaignInterrupt(t *testing.T) {
	t.Parallel()
	c := newCampaignCLI(t)
	ctx, srv, work := c.ctx, c.srv, c.work

	// The binary paces at Interakt's 40 a minute; 30 sends fit in one burst.
	recipients := campaignRecipients(30)
	c.writeConfig(t, recipients)
	logPath := filepath.Join(c.dir, "terraform.log")
	env := append(c.env, "TF_LOG_PROVIDER=INFO", "TF_LOG_PATH="+logPath)
	apply := func() *exec.Cmd { return c.command(env, "apply", "-auto-approve") }

	// Ten workers: requests 1-4 are answered, 5-14 are held, so every
	// worker is busy when the interrupt comes.
	var holds []*mock.Hold
	for n := 5; n <= 14; n++ {
		holds = append(holds, srv.Hold(n))
	}
	first := apply()
	var output bytes.Buffer
	first.Stdout, first.Stderr = &output, &output
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	for _, h := range holds {
		if err := h.WaitHeld(ctx); err != nil {
			t.Fatalf("request %d never arrived: %v\n%s", h.N(), err, output.String())
		}
	}
	if err := first.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	// Release the held requests only once the provider has seen the stop,
	// so the interrupt, not their answers, decides what is sent.
	if err := campaignWaitForLog(ctx, logPath, "campaign stop requested"); err != nil {
		t.Fatalf("%v\n%s", err, output.String())
	}
	for _, h := range holds {
		h.Release()
	}
	t.Logf("interrupted apply exited with %v", first.Wait())

	firstSent := srv.Sent()
	if len(firstSent) != 14 {
		t.Fatalf("the interrupted apply sent %d messages, want the 4 answered and the 10 in flight\n%s", len(firstSent), output.String())
	}
	results := campaignStateResults(t, filepath.Join(work, "terraform.tfstate"))
	byPhone := map[string]campaignRecipient{}
	for _, r := range recipients {
		byPhone[r.phone] = r
	}
	for _, m := range firstSent {
		key := byPhone[m.Message.PhoneNumber].key
		if got := results[key]; got["status"] != sendSent || got["message_id"] != m.ID {
			t.Errorf("state lost %s's message id %s: %v", key, m.ID, got)
		}
	}
	interrupted := 0
	for key, r := range results {
		if r["status"] == sendFailed {
			interrupted++
			if r["error"] != errTextInterrupted {
				t.Errorf("%s: error %v, want %q", key, r["error"], errTextInterrupted)
			}
		}
	}
	if len(results) != 30 || interrupted != 16 {
		t.Errorf("state has %d results, %d interrupted; want 30 and 16", len(results), interrupted)
	}

	second := apply()
	if out, err := second.CombinedOutput(); err != nil {
		t.Fatalf("resume: %v\n%s", err, out)
	}
	if err := expectCampaignSentOnce(srv, recipients); err != nil {
		t.Error(err)
	}
	for key, r := range campaignStateResults(t, filepath.Join(work, "terraform.tfstate")) {
		if r["status"] != sendSent {
			t.Errorf("after the resume %s is %v", key, r)
		}
	}
}

// campaignCLI is a campaign that the Terraform CLI applies through the
// built provider plugin against the mock, for tests that signal Terraform.
type campaignCLI struct {
	ctx    context.Context
	tf     string
	plugin string
	dir    string
	work   string // Terraform's working directory
	srv    *mock.Server
	env    []string // Terraform's environment: the plugin and the API key
}

// newCampaignCLI builds the plugin and starts a mock without a rate limit
// (the plugin paces at Interakt's 40 a minute). It skips unless TF_ACC is
// set and a Terraform CLI is found.
func newCampaignCLI(t *testing.T) *campaignCLI {
	t.Helper()
	tf := acceptanceCLI(t).path
	c := &campaignCLI{tf: tf, dir: t.TempDir(), srv: newTestMock(t, mock.Options{RateLimit: -1})}
	var cliConfig string
	c.plugin, cliConfig = buildPlugin(t, c.dir)
	// The time allowed starts once the plugin is built: the first test
	// to ask waits for the build, on a machine busy with the others.
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	t.Cleanup(cancel)
	c.ctx = ctx
	c.work = filepath.Join(c.dir, "work")
	// Clipped, so that each test's appends get a slice of their own.
	c.env = slices.Clip(append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", envAPIKey+"="+testAPIKey))
	return c
}

// writeConfig writes a campaign of the recipients into the working
// directory.
func (c *campaignCLI) writeConfig(t *testing.T, rs []campaignRecipient) {
	t.Helper()
	writeFile(t, filepath.Join(c.work, "main.tf"),
		"terraform {\n  required_providers {\n    interakt = { source = \"interakt-community/interakt\" }\n  }\n}\n\n"+
			campaignHCL(c.srv, "", "", rs))
}

// command is terraform with args in the working directory, run without
// input or colour in env.
func (c *campaignCLI) command(env []string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(c.ctx, c.tf, append(args, "-input=false", "-no-color")...)
	cmd.Dir, cmd.Env = c.work, env
	return cmd
}

// campaignWaitForLog waits until the log file holds text.
func campaignWaitForLog(ctx context.Context, name, text string) error {
	return waitFor(ctx, fmt.Sprintf("%q in the log", text), func() (bool, string) {
		data, err := os.ReadFile(name)
		return err == nil && bytes.Contains(data, []byte(text)), "not yet"
	})
}

// campaignStateResults reads the campaign's results from a local state
// file, failing the test when there are none.
func campaignStateResults(t *testing.T, name string) map[string]map[string]any {
	t.Helper()
	results, err := readCampaignResults(name)
	if err != nil {
		t.Fatal(err)
	}
	return results
}

// readCampaignResults reads the campaign's results from a state file.
func readCampaignResults(name string) (map[string]map[string]any, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var state struct {
		Resources []struct {
			Type      string `json:"type"`
			Instances []struct {
				Attributes struct {
					Results map[string]map[string]any `json:"results"`
				} `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(data, &state); err != nil {
		return nil, err
	}
	for _, r := range state.Resources {
		if r.Type == campaignType && len(r.Instances) == 1 {
			return r.Instances[0].Attributes.Results, nil
		}
	}
	return nil, fmt.Errorf("no %s in state:\n%s", campaignType, strings.TrimSpace(string(data)))
}
