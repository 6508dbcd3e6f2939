package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// TestAccCampaignKill kills Terraform and its provider plugin with SIGKILL
// in the middle of a campaign update, and checks what the guide's section
// "A killed apply: SIGKILL" promises:
//
//   - the state file is byte for byte what the last successful apply wrote,
//     and terraform plan works on it;
//   - the provider's DEBUG log names, by key and never by phone number,
//     every recipient whose answer had arrived;
//   - once those recipients are removed from recipients, the next apply
//     sends only to the others, so the only numbers messaged twice are
//     those whose requests were in flight at the kill.
//
// Nothing else can be promised. The campaign's results of the killed apply
// are lost with the process, so the state cannot say who was messaged; the
// in-flight requests had reached the API but had no answer, so neither the
// state nor the log can say whether they were sent.
func TestAccCampaignKill(t *testing.T) {
	c := newCampaignCLI(t)
	ctx, srv, work, dir, plugin, env := c.ctx, c.srv, c.work, c.dir, c.plugin, c.env
	recipients := campaignRecipients(40)
	writeConfig := func(rs []campaignRecipient) { c.writeConfig(t, rs) }
	terraform := c.command
	statePath := filepath.Join(work, "terraform.tfstate")

	// A first campaign of ten goes out in full.
	writeConfig(recipients[:10])
	if out, err := terraform(env, "apply", "-auto-approve").CombinedOutput(); err != nil {
		t.Fatalf("first apply: %v\n%s", err, out)
	}
	if err := expectCampaignSentOnce(srv, recipients[:10]); err != nil {
		t.Fatal(err)
	}
	stateBefore, err := os.ReadFile(statePath)
	if err != nil {
		t.Fatal(err)
	}
	resultsBefore := campaignStateResults(t, statePath)

	// The update adds thirty. Its ten workers take requests 11-20; 11-14 are
	// answered and their workers take 21-24; 15-24 are held. Every worker is
	// then waiting on the API, as in a large campaign, and the four answered
	// recipients have been logged.
	writeConfig(recipients)
	var holds []*mock.Hold
	held := map[int]bool{}
	for n := 15; n <= 24; n++ {
		holds = append(holds, srv.Hold(n))
		held[n] = true
	}
	logPath := filepath.Join(dir, "killed.log")
	killed := terraform(append(slices.Clone(env), "TF_LOG_PROVIDER=DEBUG", "TF_LOG_PATH="+logPath), "apply", "-auto-approve")
	// Its own process group, so that one kill takes Terraform and the
	// provider plugin it started, as a CI runner ending a job does.
	killed.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var output bytes.Buffer
	killed.Stdout, killed.Stderr = &output, &output
	if err := killed.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// A safety net for an early failure; the group is gone by then
		// when the test runs its course.
		if err := syscall.Kill(-killed.Process.Pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
			t.Errorf("kill the process group: %v", err)
		}
	})
	for _, h := range holds {
		if err := h.WaitHeld(ctx); err != nil {
			t.Fatalf("request %d never arrived: %v\n%s", h.N(), err, output.String())
		}
	}
	// The provider wrote each answered recipient's line before its worker
	// took the next job; Terraform copies the plugin's output into the log
	// file a moment later, so wait for the copy before the kill.
	answered := srv.Sent()[10:]
	if len(answered) != 4 {
		t.Fatalf("%d sends were answered before the kill, want 4", len(answered))
	}
	keyOf := map[string]string{}
	for _, r := range recipients {
		keyOf[r.phone] = r.key
	}
	answeredKeys := map[string]string{}
	for _, m := range answered {
		answeredKeys[keyOf[m.Message.PhoneNumber]] = m.ID
	}
	logCtx, logCancel := context.WithTimeout(ctx, 20*time.Second)
	defer logCancel()
	if err := campaignWaitForLogged(logCtx, logPath, slices.Collect(maps.Keys(answeredKeys))); err != nil {
		t.Fatalf("%v\n%s", err, output.String())
	}

	if err := syscall.Kill(-killed.Process.Pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err = killed.Wait()
	if status, ok := killed.ProcessState.Sys().(syscall.WaitStatus); !ok || status.Signal() != syscall.SIGKILL {
		t.Fatalf("terraform ended with %v, want killed by SIGKILL\n%s", err, output.String())
	}
	if err := campaignWaitGone(ctx, plugin); err != nil {
		t.Fatal(err)
	}
	// Only now answer the held requests: nobody is left to read the
	// answers, as when the process dies with requests on the wire.
	for _, h := range holds {
		h.Release()
	}
	if err := campaignWaitDone(ctx, srv, held); err != nil {
		t.Fatal(err)
	}

	// 1. The state is what the first apply left, and plan still works. The
	// local backend's lock is an OS lock on the state file, released with
	// the process; only its info file stays behind, and the next run takes
	// the lock over it.
	stateAfter, err := os.ReadFile(statePath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(stateAfter, stateBefore) {
		t.Errorf("the killed apply changed the state file:\nbefore:\n%s\nafter:\n%s", stateBefore, stateAfter)
	}
	if got := campaignStateResults(t, statePath); !maps.EqualFunc(got, resultsBefore, func(a, b map[string]any) bool { return maps.Equal(a, b) }) {
		t.Errorf("results after the kill %v, want %v", got, resultsBefore)
	}
	lockInfo := filepath.Join(work, ".terraform.tfstate.lock.info")
	if _, err := os.Stat(lockInfo); err != nil {
		t.Errorf("the killed apply left no lock info file (%v); the guide says it does", err)
	}
	plan := terraform(env, "plan", "-detailed-exitcode")
	planOut, err := plan.CombinedOutput()
	if code := plan.ProcessState.ExitCode(); code != 2 {
		t.Fatalf("plan after the kill exited %d (%v), want 2 (changes)\n%s", code, err, planOut)
	}
	if !strings.Contains(string(planOut), "will be updated in-place") || !strings.Contains(string(planOut), "0 to add, 1 to change, 0 to destroy") {
		t.Errorf("plan after the kill is not the same update:\n%s", planOut)
	}
	if _, err := os.Stat(lockInfo); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the lock info file is still there after a plan (%v)", err)
	}

	// 2. The log names every answered recipient by key, with its status
	// and message id, nobody else, and no phone number.
	logData, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	logged := campaignLoggedRecipients(logData)
	if len(logged) != len(answeredKeys) {
		t.Errorf("the log names %v, want exactly the answered %v", logged, answeredKeys)
	}
	for key, id := range answeredKeys {
		if got := logged[key]; got.status != sendSent || got.messageID != id {
			t.Errorf("the log has %s as %+v, want %s with message id %s", key, got, sendSent, id)
		}
	}
	for _, r := range recipients {
		if bytes.Contains(logData, []byte(r.phone)) {
			t.Errorf("the DEBUG log holds %s's phone number", r.key)
		}
	}

	// 3. Remove the logged recipients, as the guide says, and apply.
	var rest []campaignRecipient
	for _, r := range recipients {
		if _, ok := logged[r.key]; !ok {
			rest = append(rest, r)
		}
	}
	writeConfig(rest)
	if out, err := terraform(env, "apply", "-auto-approve").CombinedOutput(); err != nil {
		t.Fatalf("apply after the kill: %v\n%s", err, out)
	}
	// The held requests reached the API before the kill and their answers
	// were never read: the provider cannot know whether they were sent, so
	// they are in no result and no log line, and the apply after the kill
	// sends them again. The guide sends the user to the status receiver for
	// these; without it, they are the only numbers that may be messaged
	// twice. Everyone else is reached exactly once.
	received, heldPhones, err := campaignReceived(srv, held)
	if err != nil {
		t.Fatal(err)
	}
	if len(heldPhones) != len(held) {
		t.Fatalf("the held requests carried %d distinct numbers, want %d", len(heldPhones), len(held))
	}
	for _, r := range recipients {
		want := 1
		if heldPhones[r.phone] {
			want = 2
		}
		if received[r.phone] != want {
			t.Errorf("%s reached the API %d times, want %d", r.key, received[r.phone], want)
		}
	}
	if len(received) != len(recipients) {
		t.Errorf("%d numbers reached the API, want %d", len(received), len(recipients))
	}
	results := campaignStateResults(t, statePath)
	for _, r := range rest {
		if results[r.key]["status"] != sendSent {
			t.Errorf("after the apply %s is %v", r.key, results[r.key])
		}
	}
	if len(results) != len(rest) {
		t.Errorf("state has %d results, want %d", len(results), len(rest))
	}
}

// campaignLoggedRecipient is one "campaign recipient" log line.
type campaignLoggedRecipient struct {
	status, messageID string
}

var (
	campaignRecipientLine = regexp.MustCompile(`campaign recipient: .*`)
	campaignLogField      = regexp.MustCompile(`\b(key|status|message_id)=(\S+)`)
)

// campaignLoggedRecipients reads the "campaign recipient" lines of a
// Terraform log, by key.
func campaignLoggedRecipients(log []byte) map[string]campaignLoggedRecipient {
	out := map[string]campaignLoggedRecipient{}
	for _, line := range campaignRecipientLine.FindAll(log, -1) {
		fields := map[string]string{}
		for _, m := range campaignLogField.FindAllSubmatch(line, -1) {
			fields[string(m[1])] = string(m[2])
		}
		out[fields["key"]] = campaignLoggedRecipient{status: fields["status"], messageID: fields["message_id"]}
	}
	return out
}

// campaignWaitForLogged waits until the log file has a "campaign
// recipient" line for every key.
func campaignWaitForLogged(ctx context.Context, name string, keys []string) error {
	return waitFor(ctx, fmt.Sprintf("log lines naming all of %v", keys), func() (bool, string) {
		data, err := os.ReadFile(name)
		if err != nil {
			return false, err.Error()
		}
		logged := campaignLoggedRecipients(data)
		return !slices.ContainsFunc(keys, func(k string) bool { _, ok := logged[k]; return !ok }), fmt.Sprintf("%d named", len(logged))
	})
}

// campaignWaitGone waits until no live process runs the binary, so a test
// leaves no orphaned plugin behind.
func campaignWaitGone(ctx context.Context, binary string) error {
	var listErr error
	err := waitFor(ctx, "no process running "+binary, func() (bool, string) {
		pids, err := campaignProcessesOf(binary)
		if err != nil {
			listErr = err
			return true, ""
		}
		return len(pids) == 0, fmt.Sprintf("processes %v", pids)
	})
	if listErr != nil {
		return listErr
	}
	return err
}

// campaignProcessesOf lists the live (not zombie) processes whose
// executable is binary.
func campaignProcessesOf(binary string) ([]int, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe"))
		if err != nil || exe != binary {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// The state follows the command's closing parenthesis.
		if i := bytes.LastIndexByte(stat, ')'); i >= 0 && i+2 < len(stat) && stat[i+2] == 'Z' {
			continue
		}
		pids = append(pids, pid)
	}
	return pids, nil
}

// campaignWaitDone waits until the mock has finished with the requests
// numbered in ns.
func campaignWaitDone(ctx context.Context, srv *mock.Server, ns map[int]bool) error {
	return waitFor(ctx, "the mock to finish the held requests", func() (bool, string) {
		done := 0
		for _, r := range srv.SendRequests() {
			if ns[r.N] && r.Done {
				done++
			}
		}
		return done == len(ns), fmt.Sprintf("%d of %d finished", done, len(ns))
	})
}

// campaignReceived counts the send requests that reached the mock per
// phone number, and returns the numbers of the requests numbered in held.
func campaignReceived(srv *mock.Server, held map[int]bool) (map[string]int, map[string]bool, error) {
	received, heldPhones := map[string]int{}, map[string]bool{}
	for _, r := range srv.SendRequests() {
		var msg wire.Message
		if err := json.Unmarshal(r.Body, &msg); err != nil {
			return nil, nil, fmt.Errorf("request %d: body %q: %w", r.N, r.Body, err)
		}
		received[msg.PhoneNumber]++
		if held[r.N] {
			heldPhones[msg.PhoneNumber] = true
		}
	}
	return received, heldPhones, nil
}
