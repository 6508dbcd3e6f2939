package receiver

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Environment variables, each the default of the flag it names.
const (
	EnvListen        = "INTERAKT_RECEIVER_LISTEN"
	EnvDB            = "INTERAKT_RECEIVER_DB"
	EnvWebhookSecret = "INTERAKT_WEBHOOK_SECRET"
	EnvStatusToken   = "INTERAKT_STATUS_TOKEN"
	EnvWebhookPath   = "INTERAKT_RECEIVER_WEBHOOK_PATH"
	EnvRetention     = "INTERAKT_RECEIVER_RETENTION"
	EnvAddrFile      = "INTERAKT_RECEIVER_ADDR_FILE"

	EnvHandoffGiveUp     = "INTERAKT_RECEIVER_HANDOFF_GIVE_UP"
	EnvHandoffBackoff    = "INTERAKT_RECEIVER_HANDOFF_BACKOFF"
	EnvHandoffMaxBackoff = "INTERAKT_RECEIVER_HANDOFF_MAX_BACKOFF"
	EnvHandoffTimeout    = "INTERAKT_RECEIVER_HANDOFF_TIMEOUT"
	EnvHandoffLease      = "INTERAKT_RECEIVER_HANDOFF_LEASE"
)

// DefaultListen is the address the program listens on by default.
const DefaultListen = ":8080"

// Options are the program's settings: the server's Config and where it
// listens.
type Options struct {
	// Listen is the TCP address to listen on; port 0 picks a free port.
	Listen string
	// AddrFile, when set, receives the URL the server listens on.
	AddrFile string
	Config   Config
}

// errHelp is returned by ParseOptions for -h/--help, after printing usage.
var errHelp = flag.ErrHelp

// ParseOptions reads the command line; a flag left unset takes the value
// of its environment variable, then its default. Secrets are best given
// by environment: a command line is visible to every user through ps.
func ParseOptions(args []string, getenv func(string) string, usage io.Writer) (Options, error) {
	fs := flag.NewFlagSet("interakt-receiver", flag.ContinueOnError)
	fs.SetOutput(usage)
	listen := fs.String("listen", DefaultListen, "address to listen on, host:port (env "+EnvListen+")")
	db := fs.String("db", DefaultDB, `database: "sqlite://<path>" or a "postgres://" URL (env `+EnvDB+")")
	secrets := fs.String("webhook-secret", "", "Interakt webhook secret; comma-separated to accept two during a rotation. Prefer the env variable: flags show in ps (env "+EnvWebhookSecret+")")
	tokens := fs.String("status-token", "", "bearer token(s) for GET "+"/v1/messages/{id}; comma-separated for rotation. Prefer the env variable (env "+EnvStatusToken+")")
	path := fs.String("webhook-path", DefaultWebhookPath, "path Interakt POSTs webhooks to (env "+EnvWebhookPath+")")
	retention := fs.String("retention", "0", `how long to keep stored data, e.g. "720h" or "30d"; 0 keeps everything (env `+EnvRetention+")")
	addrFile := fs.String("addr-file", "", "write the URL the server listens on to this file (env "+EnvAddrFile+")")
	giveUp := fs.String("handoff-give-up", DefaultHandoffGiveUp.String(), "how long a fallback hand-off is retried before it is dead (env "+EnvHandoffGiveUp+")")
	backoffBase := fs.String("handoff-backoff", DefaultHandoffBackoff.String(), "wait after a hand-off's first refused try, doubling after each (env "+EnvHandoffBackoff+")")
	backoffMax := fs.String("handoff-max-backoff", DefaultHandoffMaxBackoff.String(), "longest wait between a hand-off's tries (env "+EnvHandoffMaxBackoff+")")
	timeout := fs.String("handoff-timeout", DefaultHandoffTimeout.String(), "how long one hand-off POST may take (env "+EnvHandoffTimeout+")")
	lease := fs.String("handoff-lease", "", "how long a receiver holds the hand-offs it is delivering before another may take them; longer than --handoff-timeout (default three times it) (env "+EnvHandoffLease+")")
	if err := fs.Parse(args); err != nil {
		return Options{}, err
	}
	if fs.NArg() > 0 {
		return Options{}, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	fromEnv := func(value *string, flagName, env string) {
		if !set[flagName] {
			if v := getenv(env); v != "" {
				*value = v
			}
		}
	}
	fromEnv(listen, "listen", EnvListen)
	fromEnv(db, "db", EnvDB)
	fromEnv(secrets, "webhook-secret", EnvWebhookSecret)
	fromEnv(tokens, "status-token", EnvStatusToken)
	fromEnv(path, "webhook-path", EnvWebhookPath)
	fromEnv(retention, "retention", EnvRetention)
	fromEnv(addrFile, "addr-file", EnvAddrFile)
	fromEnv(giveUp, "handoff-give-up", EnvHandoffGiveUp)
	fromEnv(backoffBase, "handoff-backoff", EnvHandoffBackoff)
	fromEnv(backoffMax, "handoff-max-backoff", EnvHandoffMaxBackoff)
	fromEnv(timeout, "handoff-timeout", EnvHandoffTimeout)
	fromEnv(lease, "handoff-lease", EnvHandoffLease)

	keep, err := parseRetention(*retention)
	if err != nil {
		return Options{}, err
	}
	durations := []struct {
		flag  string
		value string
		into  *time.Duration
	}{
		{"handoff-give-up", *giveUp, new(time.Duration)},
		{"handoff-backoff", *backoffBase, new(time.Duration)},
		{"handoff-max-backoff", *backoffMax, new(time.Duration)},
		{"handoff-timeout", *timeout, new(time.Duration)},
		{"handoff-lease", *lease, new(time.Duration)},
	}
	for _, d := range durations {
		if d.value == "" {
			continue
		}
		v, err := time.ParseDuration(d.value)
		if err != nil || v <= 0 {
			return Options{}, fmt.Errorf("invalid --%s %q: want a positive duration such as 30s or 5m", d.flag, d.value)
		}
		*d.into = v
	}
	opts := Options{
		Listen:   *listen,
		AddrFile: *addrFile,
		Config: Config{
			DB:             *db,
			WebhookSecrets: strings.Split(*secrets, ","),
			StatusTokens:   strings.Split(*tokens, ","),
			WebhookPath:    *path,
			Retention:      keep,

			HandoffGiveUp:     *durations[0].into,
			HandoffBackoff:    *durations[1].into,
			HandoffMaxBackoff: *durations[2].into,
			HandoffTimeout:    *durations[3].into,
			HandoffLease:      *durations[4].into,
		},
	}
	if _, err := withDefaults(opts.Config); err != nil {
		return Options{}, err
	}
	return opts, nil
}

// parseRetention reads a Go duration, or a whole number of days ("30d").
func parseRetention(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("invalid retention %q: want a duration such as 720h or 30d", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("invalid retention %q: want a duration such as 720h or 30d", s)
	}
	if d < 0 {
		return 0, errors.New("retention must not be negative (0 keeps everything)")
	}
	return d, nil
}
