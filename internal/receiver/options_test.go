package receiver

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/receiver/event"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestParseOptionsDefaults(t *testing.T) {
	opts, err := ParseOptions(nil, envOf(map[string]string{
		EnvWebhookSecret: "s1", EnvStatusToken: "t1",
	}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if opts.Listen != ":8080" || opts.Config.DB != "sqlite://interakt-status.db" ||
		opts.Config.WebhookPath != "/webhooks/interakt" || opts.Config.Retention != 0 || opts.AddrFile != "" {
		t.Fatalf("defaults = %+v", opts)
	}
}

func TestParseOptionsFlagBeatsEnvBeatsDefault(t *testing.T) {
	env := envOf(map[string]string{
		EnvListen:        "127.0.0.1:9000",
		EnvDB:            "postgres://u@h/db",
		EnvWebhookSecret: "env-a, env-b",
		EnvStatusToken:   "env-t",
		EnvWebhookPath:   "/hooks",
		EnvRetention:     "30d",
		EnvAddrFile:      "/tmp/addr",
	})
	opts, err := ParseOptions(nil, env, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if opts.Listen != "127.0.0.1:9000" || opts.Config.DB != "postgres://u@h/db" ||
		opts.Config.WebhookPath != "/hooks" || opts.Config.Retention != 720*time.Hour || opts.AddrFile != "/tmp/addr" {
		t.Fatalf("from env = %+v", opts)
	}
	if got := nonEmpty(opts.Config.WebhookSecrets); !slices.Equal(got, []string{"env-a", "env-b"}) {
		t.Fatalf("secrets = %q", got)
	}
	opts, err = ParseOptions([]string{"--listen", ":1", "--webhook-secret", "flag-s", "--status-token", "x,y",
		"--retention", "90m", "--db", "sqlite:///tmp/x.db"}, env, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if opts.Listen != ":1" || opts.Config.DB != "sqlite:///tmp/x.db" || opts.Config.Retention != 90*time.Minute ||
		!slices.Equal(nonEmpty(opts.Config.WebhookSecrets), []string{"flag-s"}) ||
		!slices.Equal(nonEmpty(opts.Config.StatusTokens), []string{"x", "y"}) {
		t.Fatalf("flags over env = %+v", opts)
	}
}

func TestParseOptionsErrors(t *testing.T) {
	base := map[string]string{EnvWebhookSecret: "s", EnvStatusToken: "t"}
	cases := map[string]struct {
		args []string
		env  map[string]string
	}{
		"no secret":         {nil, map[string]string{EnvStatusToken: "t"}},
		"blank secrets":     {[]string{"--webhook-secret", " , "}, map[string]string{EnvStatusToken: "t"}},
		"no token":          {nil, map[string]string{EnvWebhookSecret: "s"}},
		"bad retention":     {[]string{"--retention", "a while"}, base},
		"negative":          {[]string{"--retention", "-1h"}, base},
		"relative path":     {[]string{"--webhook-path", "hooks"}, base},
		"colliding path":    {[]string{"--webhook-path", "/healthz"}, base},
		"pattern path":      {[]string{"--webhook-path", "/x/{id}"}, base},
		"stray argument":    {[]string{"serve"}, base},
		"unknown flag":      {[]string{"--nope"}, base},
		"status-path clash": {[]string{"--webhook-path", "/v1/messages/x"}, base},
		"fallback clash":    {[]string{"--webhook-path", "/v1/fallbacks/x"}, base},
		"bad give-up":       {[]string{"--handoff-give-up", "a day"}, base},
		"zero backoff":      {[]string{"--handoff-backoff", "0s"}, base},
		"max under base":    {[]string{"--handoff-backoff", "10s", "--handoff-max-backoff", "5s"}, base},
		"lease under POST":  {[]string{"--handoff-timeout", "30s", "--handoff-lease", "20s"}, base},
	}
	for name, c := range cases {
		if _, err := ParseOptions(c.args, envOf(c.env), io.Discard); err == nil {
			t.Fatalf("%s: accepted", name)
		}
	}
}

func TestHelpShowsNoSecretFromTheEnvironment(t *testing.T) {
	var out bytes.Buffer
	code := Main(t.Context(), []string{"--help"}, envOf(map[string]string{
		EnvWebhookSecret: "whsec-SENSITIVE", EnvStatusToken: "tok-SENSITIVE",
	}), &out, &out)
	if code != 0 {
		t.Fatalf("--help exit code %d", code)
	}
	if !strings.Contains(out.String(), "-webhook-secret") {
		t.Fatalf("--help printed no usage:\n%s", out.String())
	}
	if strings.Contains(out.String(), "SENSITIVE") {
		t.Fatalf("--help shows a secret:\n%s", out.String())
	}
	if code := Main(t.Context(), nil, envOf(nil), io.Discard, io.Discard); code != 2 {
		t.Fatalf("exit code without a secret = %d, want 2", code)
	}
}

// TestRunWritesAddrFileAndShutsDownGracefully runs the program in-process:
// it must print and write its address, and a shutdown must wait for a
// webhook whose commit is in progress and answer it 200.
func TestRunWritesAddrFileAndShutsDownGracefully(t *testing.T) {
	mem := newMemStore()
	entered := make(chan struct{})
	release := make(chan struct{})
	mem.beforeApply = func(context.Context, []event.Event) error {
		close(entered)
		<-release
		return nil
	}
	var logs logBuffer
	addrFile := filepath.Join(t.TempDir(), "addr")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	stdoutR, stdoutW := io.Pipe()
	ran := make(chan error, 1)
	go func() {
		ran <- Run(ctx, Options{Listen: "127.0.0.1:0", AddrFile: addrFile, Config: Config{
			Store: mem, WebhookSecrets: []string{testSecret}, StatusTokens: []string{testToken},
			Logger: logs.logger(),
		}}, stdoutW)
		_ = stdoutW.Close()
	}()
	line, err := bufio.NewReader(stdoutR).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the address line: %v", err)
	}
	go func() { _, _ = io.Copy(io.Discard, stdoutR) }()
	url, ok := strings.CutPrefix(strings.TrimSpace(line), "interakt-receiver listening on ")
	if !ok || !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("address line = %q", line)
	}
	written, err := os.ReadFile(addrFile)
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(string(written)) != url {
		t.Fatalf("addr file = %q, stdout says %q", written, url)
	}

	answered := make(chan int, 1)
	go func() {
		code, err := postWebhook(http.DefaultClient, url+DefaultWebhookPath, testSecret, sentEvent("inflight").body())
		if err != nil {
			t.Errorf("in-flight webhook: %v", err)
		}
		answered <- code
	}()
	<-entered
	shuttingDown := logs.logged("shutting down")
	cancel()
	<-shuttingDown // The shutdown has begun while the commit is still held.
	close(release)
	if code := <-answered; code != http.StatusOK {
		t.Fatalf("webhook in flight during shutdown: %d, want 200", code)
	}
	if err := <-ran; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if !mem.stored("inflight", "message_api_sent") {
		t.Fatalf("in-flight event not stored")
	}
}

func TestParseOptionsHandoffSettings(t *testing.T) {
	env := envOf(map[string]string{EnvWebhookSecret: "s", EnvStatusToken: "t", EnvHandoffGiveUp: "2h", EnvHandoffTimeout: "3s"})
	opts, err := ParseOptions([]string{"--handoff-backoff", "50ms", "--handoff-max-backoff", "1s"}, env, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := withDefaults(opts.Config)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.HandoffGiveUp != 2*time.Hour || cfg.HandoffBackoff != 50*time.Millisecond || cfg.HandoffMaxBackoff != time.Second ||
		cfg.HandoffTimeout != 3*time.Second || cfg.HandoffLease != 9*time.Second {
		t.Fatalf("hand-off settings = give-up %v backoff %v..%v timeout %v lease %v",
			cfg.HandoffGiveUp, cfg.HandoffBackoff, cfg.HandoffMaxBackoff, cfg.HandoffTimeout, cfg.HandoffLease)
	}
	defaults, err := withDefaults(Config{WebhookSecrets: []string{"s"}, StatusTokens: []string{"t"}})
	if err != nil {
		t.Fatal(err)
	}
	if defaults.HandoffGiveUp != 24*time.Hour || defaults.HandoffBackoff != time.Second ||
		defaults.HandoffMaxBackoff != 5*time.Minute || defaults.HandoffLease != 3*defaults.HandoffTimeout {
		t.Fatalf("hand-off defaults = %+v", defaults)
	}
}

func TestBackoffDoublesUpToItsMaximum(t *testing.T) {
	var got []time.Duration
	for attempts := 1; attempts <= 5; attempts++ {
		got = append(got, backoff(time.Second, 5*time.Second, attempts))
	}
	if want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second, 5 * time.Second}; !slices.Equal(got, want) {
		t.Fatalf("backoff = %v, want %v", got, want)
	}
}

// TestEveryFlagIsDocumented keeps the deployment guide's settings table
// complete: each flag with its environment variable.
func TestEveryFlagIsDocumented(t *testing.T) {
	guide, err := os.ReadFile(filepath.Join("..", "..", "templates", "guides", "status-receiver.md.tmpl"))
	if err != nil {
		t.Fatal(err)
	}
	var usage bytes.Buffer
	if _, err := ParseOptions([]string{"-h"}, envOf(nil), &usage); !errors.Is(err, errHelp) {
		t.Fatalf("-h: %v", err)
	}
	flags := 0
	for _, line := range strings.Split(usage.String(), "\n") {
		name, ok := strings.CutPrefix(strings.TrimSpace(line), "-")
		if !ok {
			continue
		}
		flags++
		name, _, _ = strings.Cut(name, " ")
		row := "| `--" + name + "` |"
		if !strings.Contains(string(guide), row) {
			t.Errorf("the guide's settings table has no row %q", row)
		}
	}
	if flags < 12 {
		t.Fatalf("read %d flags from the usage:\n%s", flags, usage.String())
	}
}
