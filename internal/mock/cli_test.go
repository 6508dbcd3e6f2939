package mock

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRunServesAndStops(t *testing.T) {
	addrFile := filepath.Join(t.TempDir(), "addr")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	stdoutReader, stdoutWriter := io.Pipe()
	var stderr lockedBuffer
	done := make(chan error, 1)
	go func() {
		err := Run(ctx, []string{"--listen", "127.0.0.1:0", "--addr-file", addrFile, "--key", "c2VjcmV0Og==",
			"--webhook-secret", "do-not-print", "--fault", "2=502"}, stdoutWriter, &stderr)
		done <- errors.Join(err, stdoutWriter.Close())
	}()
	line, err := bufio.NewReader(stdoutReader).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the first line: %v", err)
	}
	url, ok := strings.CutPrefix(strings.TrimSpace(line), ListeningPrefix)
	if !ok || !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("first line %q", line)
	}
	written, err := os.ReadFile(addrFile)
	if err != nil || string(written) != url+"\n" {
		t.Errorf("address file %q (%v), want %q", written, err, url)
	}
	body := encode(t, orderShipped())
	req, err := http.NewRequest(http.MethodPost, url+"/v1/public/message/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Basic c2VjcmV0Og==")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if err := resp.Body.Close(); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("send with --key: %d", resp.StatusCode)
	}
	if status, err := postHTTP(http.DefaultClient, url, body); err != nil || status != http.StatusUnauthorized {
		t.Errorf("send with another key: %v", err)
	}
	// The command serves the approval endpoint that plays Meta's review.
	approve, err := http.NewRequest(http.MethodPost, url+AdminApprovalPath,
		strings.NewReader(`{"name":"festive_sale","language":"en","status":"APPROVED"}`))
	if err != nil {
		t.Fatal(err)
	}
	approve.Header.Set("Authorization", "Basic c2VjcmV0Og==")
	if resp, err := http.DefaultClient.Do(approve); err != nil || resp.Body.Close() != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("approving festive_sale: %v %v", resp, err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	logs := stderr.String()
	if !strings.Contains(logs, "status=201") || !strings.Contains(logs, "status=401") {
		t.Errorf("request log:\n%s", logs)
	}
	if strings.Contains(logs, "c2VjcmV0Og") || strings.Contains(logs, "do-not-print") || strings.Contains(logs, "9999999999") {
		t.Errorf("the log shows a secret or a number:\n%s", logs)
	}
}

func TestParseFlags(t *testing.T) {
	templates := filepath.Join(t.TempDir(), "templates.json")
	if err := os.WriteFile(templates, []byte(`[{"name":"x","language":"en","body":"hi","approval_status":"APPROVED"}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvAPIKey, "ZW52Og==")
	t.Setenv(EnvWebhookSecret, "from-env")
	opts, addrFile, err := parseFlags([]string{
		"--templates", templates, "--rate-limit", "300", "--window", "300ms", "--webhook-url", "http://x",
		"--webhook-delay", "1s,2s", "--fault", "3=drop-after-body", "--fault", "4=slow", "--fault-429-every", "7",
		"--fault-429-no-retry-after", "--webhook-duplicate", "--webhook-out-of-order",
		"--fail-phone", "+919999999999=Blocked", "--undelivered-phone", "6666666666", "--reject-phone", "8888888888", "--reject-phone", "7777777777=Not on WhatsApp",
		"--answer-delay", "100ms-300ms", "--user-apply-lag", "250ms", "--users-without-user-id", "--addr-file", "a", "--quiet",
	}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if addrFile != "a" || opts.APIKey != "ZW52Og==" || opts.WebhookSecret != "from-env" || opts.RateLimit != 300 ||
		opts.Window != 300*time.Millisecond || opts.WebhookURL != "http://x" || len(opts.Templates) != 1 || opts.Logger != nil {
		t.Errorf("options = %+v", opts)
	}
	if !opts.UndeliveredPhones["6666666666"] || len(opts.UndeliveredPhones) != 1 {
		t.Errorf("undelivered phones = %v", opts.UndeliveredPhones)
	}
	if opts.UserApplyLag != 250*time.Millisecond || !opts.UsersWithoutUserID {
		t.Errorf("users: apply lag %v, without user_id %v", opts.UserApplyLag, opts.UsersWithoutUserID)
	}
	if *opts.WebhookDelays != (Delays{Sent: time.Second, Delivered: 2 * time.Second, Read: DefaultDelays.Read}) {
		t.Errorf("delays = %+v", *opts.WebhookDelays)
	}
	f := opts.Faults
	if f.ByRequest[3] != FaultDropAfterBody || f.ByRequest[4] != FaultSlow || f.Every429 != 7 || !f.Every429NoRetryAfter ||
		!f.WebhookDuplicate || !f.WebhookOutOfOrder || f.AnswerDelayMin != 100*time.Millisecond || f.AnswerDelayMax != 300*time.Millisecond {
		t.Errorf("faults = %+v", f)
	}
	if opts.FailPhones["+919999999999"] != "Blocked" || opts.RejectPhones["7777777777"] != "Not on WhatsApp" {
		t.Errorf("phones: fail %v, reject %v", opts.FailPhones, opts.RejectPhones)
	}
	if _, ok := opts.RejectPhones["8888888888"]; !ok {
		t.Errorf("reject phones %v", opts.RejectPhones)
	}

	defaults, _, err := parseFlags(nil, io.Discard)
	if err != nil || defaults.ListenAddr != DefaultCommandListen || defaults.WebhookDelays != nil || defaults.Logger == nil {
		t.Errorf("defaults = %+v, %v", defaults, err)
	}
}

func TestParseFlagsErrors(t *testing.T) {
	for _, tc := range []struct {
		args      []string
		wantUsage bool
	}{
		{[]string{"--fault", "0=502"}, true},
		{[]string{"--fault", "2=boom"}, true},
		{[]string{"--fault", "x"}, true},
		{[]string{"--fail-phone", "123"}, true},
		{[]string{"--reject-phone", "=x"}, true},
		{[]string{"--window", "soon"}, true},
		{[]string{"--answer-delay", "300ms-100ms"}, true},
		{[]string{"--answer-delay", "-1s"}, true},
		{[]string{"--answer-delay", "soon"}, true},
		{[]string{"--webhook-delay", "1s,2s,3s,4s"}, false},
		{[]string{"--webhook-delay", "-1s"}, false},
		{[]string{"--rate-limit", "0"}, false},
		{[]string{"--user-apply-lag", "-1s"}, false},
		{[]string{"--templates", "/nonexistent/templates.json"}, false},
		{[]string{"extra"}, false},
	} {
		_, _, err := parseFlags(tc.args, io.Discard)
		if err == nil {
			t.Errorf("parseFlags(%q) accepted", tc.args)
		} else if errors.Is(err, ErrUsage) != tc.wantUsage {
			t.Errorf("parseFlags(%q) = %v; usage error %v, want %v", tc.args, err, !tc.wantUsage, tc.wantUsage)
		}
	}
	t.Setenv(EnvAPIKey, "c2VjcmV0LWtleTo=")
	t.Setenv(EnvWebhookSecret, "secret-from-env")
	var usage bytes.Buffer
	if _, _, err := parseFlags([]string{"-h"}, &usage); !errors.Is(err, flag.ErrHelp) || !strings.Contains(usage.String(), "-fault") {
		t.Errorf("-h: %v\n%s", err, usage.String())
	}
	if strings.Contains(usage.String(), "c2VjcmV0LWtleTo=") || strings.Contains(usage.String(), "secret-from-env") {
		t.Errorf("-h shows a secret from the environment:\n%s", usage.String())
	}
	opts, _, err := parseFlags([]string{"--key", "ZmxhZzo="}, io.Discard)
	if err != nil || opts.APIKey != "ZmxhZzo=" || opts.WebhookSecret != "secret-from-env" {
		t.Errorf("--key over the environment: key %q, secret %q, %v", opts.APIKey, opts.WebhookSecret, err)
	}
}
