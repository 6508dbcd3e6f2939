package mock

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Environment variables the command reads its secrets from, so they need not
// appear in a process listing.
const (
	EnvAPIKey        = "INTERAKT_MOCK_KEY"
	EnvWebhookSecret = "INTERAKT_MOCK_WEBHOOK_SECRET"
)

// ErrUsage marks a command line the flag package rejected and has already
// explained on stderr.
var ErrUsage = errors.New("invalid command line")

// DefaultCommandListen is interakt-mock's default --listen address.
const DefaultCommandListen = "127.0.0.1:8081"

// ListeningPrefix starts the first line interakt-mock prints; the URL follows.
const ListeningPrefix = "interakt-mock listening on "

// shutdownTimeout bounds a graceful stop.
const shutdownTimeout = 5 * time.Second

// Run is the interakt-mock command: it parses args, serves until ctx ends,
// then shuts down gracefully. It prints "interakt-mock listening on <URL>"
// as its first line of stdout and logs requests to stderr.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	opts, addrFile, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	server := New(opts)
	if err := server.Start(); err != nil {
		return err
	}
	// The file first, so a script that saw the line can also read the file.
	if addrFile != "" {
		if err := writeFileAtomic(addrFile, server.URL()+"\n"); err != nil {
			return errors.Join(err, server.Close())
		}
	}
	if _, err := fmt.Fprintln(stdout, ListeningPrefix+server.URL()); err != nil {
		return errors.Join(err, server.Close())
	}
	<-ctx.Done()
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	return server.Shutdown(shutdownCtx)
}

// parseFlags turns the command line into Options and the --addr-file path.
func parseFlags(args []string, stderr io.Writer) (Options, string, error) {
	fs := flag.NewFlagSet("interakt-mock", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		opts          Options
		templatesPath string
		addrFile      string
		delays        string
		quiet         bool
		faults        = Faults{ByRequest: map[int]Fault{}}
		failPhones    = map[string]string{}
		undelivered   = map[string]bool{}
		rejectPhones  = map[string]string{}
	)
	fs.StringVar(&opts.ListenAddr, "listen", DefaultCommandListen, "address to listen on (port 0 picks a free port)")
	// Secrets from the environment are applied after parsing, so that -h
	// never prints them as defaults.
	fs.StringVar(&opts.APIKey, "key", "", "API key expected after \"Basic \" (env "+EnvAPIKey+"; default "+DefaultAPIKey+", base64 of \"test-key:\")")
	fs.StringVar(&templatesPath, "templates", "", "JSON file of templates (default: the built-in examples)")
	fs.IntVar(&opts.PageSize, "page-size", DefaultPageSize, "templates per listing page")
	fs.IntVar(&opts.RateLimit, "rate-limit", DefaultRateLimit, "requests admitted per window (negative: unlimited)")
	fs.DurationVar(&opts.Window, "window", DefaultWindow, "rate limit sliding window")
	fs.BoolVar(&opts.NoRetryAfter, "no-retry-after", false, "answer the rate limit's 429s without Retry-After, as Interakt does")
	fs.StringVar(&opts.WebhookURL, "webhook-url", "", "URL that receives status webhooks (empty: none)")
	fs.StringVar(&opts.WebhookSecret, "webhook-secret", "", "secret signing the webhooks (env "+EnvWebhookSecret+")")
	fs.StringVar(&delays, "webhook-delay", "", "delays of the sent, delivered and read webhooks after a send, comma-separated (default 0s,50ms,100ms)")
	fs.IntVar(&opts.WebhookAttempts, "webhook-attempts", DefaultWebhookAttempts, "tries per webhook event")
	fs.BoolVar(&faults.WebhookDuplicate, "webhook-duplicate", false, "deliver every webhook event twice")
	fs.BoolVar(&faults.WebhookOutOfOrder, "webhook-out-of-order", false, "deliver each message's events newest first")
	fs.IntVar(&faults.Every429, "fault-429-every", 0, "answer 429 to every Nth send request")
	fs.BoolVar(&faults.Every429NoRetryAfter, "fault-429-no-retry-after", false, "omit Retry-After from --fault-429-every answers")
	fs.DurationVar(&faults.SlowDelay, "slow-delay", DefaultSlowDelay, "how long a slow fault waits before answering")
	fs.Func("answer-delay", "MIN[-MAX]: hold every accepted send's answer for a random time in [MIN, MAX), such as 100ms-300ms", func(v string) error {
		lo, hi, err := parseDelayRange(v)
		if err == nil {
			faults.AnswerDelayMin, faults.AnswerDelayMax = lo, hi
		}
		return err
	})
	fs.Func("fault", "N=KIND: send request N meets KIND, one of "+faultKinds()+" (repeatable)", func(v string) error {
		n, kind, err := parseFaultFlag(v)
		if err == nil {
			faults.ByRequest[n] = kind
		}
		return err
	})
	fs.Func("fail-phone", "NUMBER=REASON: report sends to NUMBER failed by webhook (repeatable)", func(v string) error {
		number, reason, ok := strings.Cut(v, "=")
		if !ok || number == "" || reason == "" {
			return errors.New("want NUMBER=REASON")
		}
		failPhones[number] = reason
		return nil
	})
	fs.Func("undelivered-phone", "NUMBER: report sends to NUMBER sent by webhook, then nothing more (repeatable)", func(v string) error {
		if v == "" {
			return errors.New("want NUMBER")
		}
		undelivered[v] = true
		return nil
	})
	fs.Func("reject-phone", "NUMBER[=MESSAGE]: answer sends to NUMBER with 400 (repeatable)", func(v string) error {
		number, message, _ := strings.Cut(v, "=")
		if number == "" {
			return errors.New("want NUMBER[=MESSAGE]")
		}
		rejectPhones[number] = message
		return nil
	})
	fs.Func("ongoing-campaign", "EVENT=TEMPLATE[:LANGUAGE][:TRAIT,TRAIT...]: on a tracked EVENT with a phone number, send TEMPLATE "+
		"with those traits as body values and post message_campaign_* webhooks (repeatable)", func(v string) error {
		c, err := ParseOngoingCampaign(v)
		if err == nil {
			opts.OngoingCampaigns = append(opts.OngoingCampaigns, c)
		}
		return err
	})
	fs.DurationVar(&opts.UserApplyLag, "user-apply-lag", 0, "apply each Track Users request this long after answering it, as Interakt does (0: at once)")
	fs.BoolVar(&opts.UsersWithoutUserID, "users-without-user-id", false, "answer Get Users without user_id, as integrators' code reads it")
	fs.StringVar(&addrFile, "addr-file", "", "also write the URL to this file")
	fs.BoolVar(&quiet, "quiet", false, "do not log requests")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return Options{}, "", err
		}
		// The flag package has already printed the problem and the usage.
		return Options{}, "", fmt.Errorf("%w: %w", ErrUsage, err)
	}
	if fs.NArg() > 0 {
		return Options{}, "", fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if opts.APIKey == "" {
		opts.APIKey = envOr(EnvAPIKey, DefaultAPIKey)
	}
	if opts.WebhookSecret == "" {
		opts.WebhookSecret = os.Getenv(EnvWebhookSecret)
	}
	if opts.UserApplyLag < 0 {
		return Options{}, "", errors.New("--user-apply-lag must not be negative")
	}
	if opts.RateLimit == 0 {
		return Options{}, "", errors.New("--rate-limit must not be 0 (use a negative value for no limit)")
	}
	if templatesPath != "" {
		templates, err := LoadTemplates(templatesPath)
		if err != nil {
			return Options{}, "", err
		}
		opts.Templates = templates
	}
	if delays != "" {
		parsed, err := parseDelays(delays)
		if err != nil {
			return Options{}, "", fmt.Errorf("--webhook-delay: %w", err)
		}
		opts.WebhookDelays = &parsed
	}
	opts.Faults = faults
	opts.FailPhones = failPhones
	opts.UndeliveredPhones = undelivered
	opts.RejectPhones = rejectPhones
	if !quiet {
		opts.Logger = slog.New(slog.NewTextHandler(stderr, nil))
	}
	return opts, addrFile, nil
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

func faultKinds() string {
	var names []string
	for f := Fault429; f <= FaultNoID; f++ {
		names = append(names, f.String())
	}
	return strings.Join(names, ", ")
}

func parseFaultFlag(v string) (int, Fault, error) {
	rawN, name, ok := strings.Cut(v, "=")
	n, err := strconv.Atoi(rawN)
	if !ok || err != nil || n < 1 {
		return 0, FaultNone, errors.New("want N=KIND with N a send request number from 1")
	}
	kind, ok := ParseFault(name)
	if !ok {
		return 0, FaultNone, fmt.Errorf("unknown fault %q; want one of %s", name, faultKinds())
	}
	return n, kind, nil
}

// parseDelays reads "sent,delivered,read" durations; missing ones keep
// their defaults.
func parseDelays(v string) (Delays, error) {
	parts := strings.Split(v, ",")
	if len(parts) > 3 {
		return Delays{}, errors.New("at most three delays: sent,delivered,read")
	}
	delays := DefaultDelays
	targets := []*time.Duration{&delays.Sent, &delays.Delivered, &delays.Read}
	for i, part := range parts {
		d, err := time.ParseDuration(strings.TrimSpace(part))
		if err != nil || d < 0 {
			return Delays{}, fmt.Errorf("%q is not a non-negative duration", part)
		}
		*targets[i] = d
	}
	return delays, nil
}

// writeFileAtomic writes content so that readers never see a partial file.
func writeFileAtomic(path, content string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".interakt-mock-addr-*")
	if err != nil {
		return fmt.Errorf("writing address file: %w", err)
	}
	_, writeErr := tmp.WriteString(content)
	closeErr := tmp.Close()
	if err := errors.Join(writeErr, closeErr); err != nil {
		return errors.Join(fmt.Errorf("writing address file: %w", err), os.Remove(tmp.Name()))
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return errors.Join(fmt.Errorf("writing address file: %w", err), os.Remove(tmp.Name()))
	}
	return nil
}

// parseDelayRange reads "MIN" or "MIN-MAX", two Go durations.
func parseDelayRange(v string) (time.Duration, time.Duration, error) {
	first, second, isRange := strings.Cut(v, "-")
	lo, err := time.ParseDuration(first)
	if err != nil || lo < 0 {
		return 0, 0, errors.New("want MIN[-MAX], non-negative Go durations such as 100ms-300ms")
	}
	hi := lo
	if isRange {
		if hi, err = time.ParseDuration(second); err != nil || hi < lo {
			return 0, 0, errors.New("want MIN[-MAX] with MAX at least MIN, such as 100ms-300ms")
		}
	}
	return lo, hi, nil
}
