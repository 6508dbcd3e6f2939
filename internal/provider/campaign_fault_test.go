package provider

import (
	"bufio"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
)

// faultRecipients is the size of every fault test's campaign.
const faultRecipients = 12

// faultSlowDelay is how long the mock takes to answer a FaultSlow request;
// faultRequestTimeout, the provider's request_timeout in these tests, is
// well below it, so such a request always times out.
const (
	faultSlowDelay      = 3 * time.Second
	faultRequestTimeout = "1s"
)

// faultAll injects every kind of fault into one campaign, one per request.
var faultAll = map[int]mock.Fault{
	1: mock.Fault429, 2: mock.Fault429NoRetryAfter, 3: mock.Fault500, 4: mock.Fault502, 5: mock.Fault503,
	6: mock.FaultSlow, 7: mock.FaultDropBeforeBody, 8: mock.FaultDropAfterBody, 9: mock.FaultMalformedBody, 10: mock.FaultNoID,
}

// campaignFaultCase is one campaign of faultRecipients recipients whose
// requests meet faults, and the outcome it must leave.
type campaignFaultCase struct {
	name   string
	faults map[int]mock.Fault
	// maxRetries is the provider's max_retries; -1 keeps the default (3).
	maxRetries int
	// The statuses the first apply must leave in results.
	sent, uncertain, failed int
}

func campaignFaultCases() []campaignFaultCase {
	return []campaignFaultCase{
		{name: "none", faults: nil, maxRetries: -1, sent: 12},
		{name: "429 burst, Retry-After", faults: faultAt(mock.Fault429, 2, 3, 4), maxRetries: -1, sent: 12},
		{name: "429 burst, no Retry-After", faults: faultAt(mock.Fault429NoRetryAfter, 2, 3, 4), maxRetries: -1, sent: 12},
		{name: "429 burst, no retries left", faults: faultAt(mock.Fault429, 2, 3), maxRetries: 0, sent: 10, failed: 2},
		{name: "429 no Retry-After, no retries left", faults: faultAt(mock.Fault429NoRetryAfter, 5), maxRetries: 0, sent: 11, failed: 1},
		{name: "500", faults: faultAt(mock.Fault500, 3), maxRetries: -1, sent: 11, uncertain: 1},
		{name: "502", faults: faultAt(mock.Fault502, 3), maxRetries: -1, sent: 11, uncertain: 1},
		{name: "503 burst", faults: faultAt(mock.Fault503, 3, 4), maxRetries: -1, sent: 10, uncertain: 2},
		{name: "timeout (slow answer)", faults: faultAt(mock.FaultSlow, 3), maxRetries: -1, sent: 11, uncertain: 1},
		{name: "dropped before the body was read", faults: faultAt(mock.FaultDropBeforeBody, 3), maxRetries: -1, sent: 11, uncertain: 1},
		{name: "dropped after the body was read", faults: faultAt(mock.FaultDropAfterBody, 3), maxRetries: -1, sent: 11, uncertain: 1},
		{name: "malformed JSON answer", faults: faultAt(mock.FaultMalformedBody, 3), maxRetries: -1, sent: 11, uncertain: 1},
		{name: "201 without id", faults: faultAt(mock.FaultNoID, 3), maxRetries: -1, sent: 11, uncertain: 1},
		{name: "all at once", faults: faultAll, maxRetries: -1, sent: 4, uncertain: 8},
		{name: "all at once, no retries left", faults: faultAll, maxRetries: 0, sent: 2, uncertain: 8, failed: 2},
	}
}

// faultAt returns fault f at each of the given request numbers.
func faultAt(f mock.Fault, requests ...int) map[int]mock.Fault {
	out := make(map[int]mock.Fault, len(requests))
	for _, n := range requests {
		out[n] = f
	}
	return out
}

// TestAccCampaignFaults runs a campaign through the Terraform CLI while the
// mock injects faults at chosen request numbers, then applies again. It
// asserts only on what the mock recorded and what state holds: after the
// first apply every recipient is sent exactly once with its id in state,
// or uncertain, or failed and certainly not sent; the apply exits 0 with a
// warning naming the recipients not sent; the second apply sends exactly
// to the failed ones, never to an uncertain or sent one.
func TestAccCampaignFaults(t *testing.T) {
	t.Parallel()
	recipients := campaignRecipients(faultRecipients)
	cases := campaignFaultCases()
	// The fault × outcome matrix, one line a case in table order, logged
	// once every case is done.
	matrix := make([]string, len(cases))
	t.Cleanup(func() {
		for _, line := range matrix {
			if line != "" {
				t.Log(line)
			}
		}
	})
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// Most of a case is waiting (Retry-After, timeouts): the cases run
			// side by side, each with its own mock and Terraform working
			// directory. The provider is served in this process, so the key
			// is in its configuration rather than in a shared environment.
			t.Parallel()
			srv := newTestMock(t, mock.Options{Faults: mock.Faults{ByRequest: tc.faults, SlowDelay: faultSlowDelay}})
			extra := fmt.Sprintf("  api_key         = %q\n  request_timeout = %q\n", testAPIKey, faultRequestTimeout)
			if tc.maxRetries >= 0 {
				extra += fmt.Sprintf("  max_retries = %d\n", tc.maxRetries)
			}
			cli := newCLITerraform(t, testSeams(), faultRequiredProviders+campaignHCL(srv, extra, "", recipients))
			statePath := filepath.Join(cli.dir, "terraform.tfstate")

			diags, err := faultApply(cli)
			if err != nil {
				t.Fatalf("the first apply failed, a campaign must not: %v\n%s", err, cliDiagString(diags))
			}
			first := campaignStateResults(t, statePath)
			counts := faultStatusCounts(first)
			if counts[sendSent] != tc.sent || counts[sendUncertain] != tc.uncertain || counts[sendFailed] != tc.failed || len(first) != faultRecipients {
				t.Errorf("first apply: results %v, want sent=%d uncertain=%d failed=%d of %d",
					counts, tc.sent, tc.uncertain, tc.failed, faultRecipients)
			}
			for _, problem := range faultCheckAgainstMock(srv, recipients, first) {
				t.Error(problem)
			}
			faultCheckWarning(t, diags, first)
			if n := srv.Count429ByLimit(); n != 0 {
				t.Errorf("the provider caused %d 429s", n)
			}
			requestsFirst, acceptedFirst := len(srv.SendRequests()), srv.SentCount()

			diags, err = faultApply(cli)
			if err != nil {
				t.Fatalf("the second apply failed: %v\n%s", err, cliDiagString(diags))
			}
			second := campaignStateResults(t, statePath)
			resent := faultCheckSecondApply(t, srv, recipients, first, second, acceptedFirst)

			matrix[i] = fmt.Sprintf("fault matrix | %-36s | at %-22s | retries %-7s | apply 1: sent %2d, uncertain %d, failed %d; mock accepted %2d in %2d requests | apply 2: sent %d (= failed), uncertain untouched",
				tc.name, faultPositions(tc.faults), faultRetries(tc.maxRetries),
				counts[sendSent], counts[sendUncertain], counts[sendFailed], acceptedFirst, requestsFirst, resent)
		})
	}
}

// faultRequiredProviders maps "interakt" to the address cliTerraform serves.
const faultRequiredProviders = "terraform {\n  required_providers {\n    interakt = { source = \"interakt-community/interakt\" }\n  }\n}\n\n"

// faultApply runs `terraform apply -json` and returns the diagnostics it
// logged; the error is non-nil when terraform exited with a non-zero code.
func faultApply(cli *cliTerraform) ([]cliDiagnostic, error) {
	cli.t.Helper()
	out, exitErr := cli.run("apply", "-json", "-auto-approve", "-input=false", "-no-color", "-lock=false")
	var diags []cliDiagnostic
	scanner := bufio.NewScanner(strings.NewReader(out))
	scanner.Buffer(make([]byte, 0, 64*1024), 4*1024*1024)
	for scanner.Scan() {
		var line struct {
			Type       string        `json:"type"`
			Diagnostic cliDiagnostic `json:"diagnostic"`
		}
		if err := json.Unmarshal(scanner.Bytes(), &line); err != nil {
			cli.t.Fatalf("terraform apply -json line %q: %v", scanner.Text(), err)
		}
		if line.Type == "diagnostic" {
			diags = append(diags, line.Diagnostic)
		}
	}
	if err := scanner.Err(); err != nil {
		cli.t.Fatal(err)
	}
	return diags, exitErr
}

// faultStatusCounts counts results by status.
func faultStatusCounts(results map[string]map[string]any) map[string]int {
	out := map[string]int{}
	for _, r := range results {
		status, _ := r["status"].(string)
		out[status]++
	}
	return out
}

// faultCheckAgainstMock cross-checks state with the mock's record: a sent
// recipient was accepted exactly once and holds the id the mock gave; an
// uncertain one was accepted at most once (the answer was lost) and holds no
// id; a failed one was never accepted; every message the mock accepted
// belongs to a sent or an uncertain recipient.
func faultCheckAgainstMock(srv *mock.Server, recipients []campaignRecipient, results map[string]map[string]any) []string {
	var problems []string
	ids := map[string][]string{}
	for _, m := range srv.Sent() {
		ids[m.Message.PhoneNumber] = append(ids[m.Message.PhoneNumber], m.ID)
	}
	for _, r := range recipients {
		res, ok := results[r.key]
		if !ok {
			problems = append(problems, fmt.Sprintf("%s has no result", r.key))
			continue
		}
		accepted := ids[r.phone]
		switch res["status"] {
		case sendSent:
			if len(accepted) != 1 || res["message_id"] != accepted[0] {
				problems = append(problems, fmt.Sprintf("%s is sent with id %v; the mock accepted %v", r.key, res["message_id"], accepted))
			}
		case sendUncertain:
			if len(accepted) > 1 || res["message_id"] != nil || res["error"] == nil {
				problems = append(problems, fmt.Sprintf("%s is uncertain with id %v and error %v; the mock accepted %v", r.key, res["message_id"], res["error"], accepted))
			}
		case sendFailed, sendRejected:
			if len(accepted) != 0 || res["error"] == nil {
				problems = append(problems, fmt.Sprintf("%s is %v (%v) but the mock accepted %v", r.key, res["status"], res["error"], accepted))
			}
		default:
			problems = append(problems, fmt.Sprintf("%s has status %v", r.key, res["status"]))
		}
		delete(ids, r.phone)
	}
	for phone, accepted := range ids {
		problems = append(problems, fmt.Sprintf("the mock accepted %v for %s, who is not a recipient", accepted, phone))
	}
	return problems
}

// faultCheckWarning expects no error and, when a recipient was not sent,
// one warning that counts them and names each by key, never by number.
func faultCheckWarning(t *testing.T, diags []cliDiagnostic, results map[string]map[string]any) {
	t.Helper()
	var notSent []string
	for key, r := range results {
		if r["status"] != sendSent {
			notSent = append(notSent, key)
		}
	}
	for _, d := range diags {
		if d.Severity == "error" {
			t.Errorf("the apply reported an error: %s: %s", d.Summary, d.Detail)
		}
	}
	if len(notSent) == 0 {
		return
	}
	summary := fmt.Sprintf("%d of %d campaign messages not sent", len(notSent), len(results))
	w := findCLIDiag(diags, "warning", summary, "")
	if w == nil {
		t.Errorf("no warning %q among:\n%s", summary, cliDiagString(diags))
		return
	}
	for _, key := range notSent {
		if !strings.Contains(w.Detail, key) {
			t.Errorf("the warning does not name %s:\n%s", key, w.Detail)
		}
	}
	for _, r := range campaignRecipients(len(results)) {
		if strings.Contains(w.Detail, r.phone) {
			t.Errorf("the warning names the phone number of %s:\n%s", r.key, w.Detail)
		}
	}
}

// faultCheckSecondApply checks that the second apply sent exactly to the
// recipients the first left failed, once each, and left the others as they
// were. It returns how many it sent.
func faultCheckSecondApply(t *testing.T, srv *mock.Server, recipients []campaignRecipient, first, second map[string]map[string]any, acceptedFirst int) int {
	t.Helper()
	var wantPhones, gotPhones []string
	for _, r := range recipients {
		if first[r.key]["status"] == sendFailed {
			wantPhones = append(wantPhones, r.phone)
		}
	}
	for _, m := range srv.Sent()[acceptedFirst:] {
		gotPhones = append(gotPhones, m.Message.PhoneNumber)
	}
	sort.Strings(wantPhones)
	sort.Strings(gotPhones)
	if !slices.Equal(gotPhones, wantPhones) {
		t.Errorf("the second apply sent to %v, want exactly the failed ones %v", gotPhones, wantPhones)
	}
	for _, r := range recipients {
		before, after := first[r.key], second[r.key]
		switch before["status"] {
		case sendFailed:
			if after["status"] != sendSent {
				t.Errorf("%s failed, then the second apply left it %v", r.key, after["status"])
			}
		default:
			if after["status"] != before["status"] || after["message_id"] != before["message_id"] {
				t.Errorf("%s changed from %v to %v without being sent", r.key, before, after)
			}
		}
	}
	for _, problem := range faultCheckAgainstMock(srv, recipients, second) {
		t.Error(problem)
	}
	return len(gotPhones)
}

// faultPositions renders injected faults as "n:kind" in request order.
func faultPositions(faults map[int]mock.Fault) string {
	if len(faults) == 0 {
		return "-"
	}
	if len(faults) == len(faultAll) && faults[1] == faultAll[1] {
		return "1-10 (one of each)"
	}
	requests := make([]int, 0, len(faults))
	for n := range faults {
		requests = append(requests, n)
	}
	sort.Ints(requests)
	parts := make([]string, len(requests))
	for i, n := range requests {
		parts[i] = fmt.Sprint(n)
	}
	return "requests " + strings.Join(parts, ",")
}

func faultRetries(n int) string {
	if n < 0 {
		return "default"
	}
	return fmt.Sprint(n)
}
