package receiver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/receiver/store"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// Defaults for Config's zero values.
const (
	DefaultDB           = "sqlite://interakt-status.db"
	DefaultWebhookPath  = "/webhooks/interakt"
	DefaultMaxBodyBytes = 1 << 20
	// DefaultCommitBudget leaves a second of Interakt's 3-second deadline
	// for the network.
	DefaultCommitBudget = 2 * time.Second
	DefaultMaxBatch     = 256
	DefaultBatchWindow  = 2 * time.Millisecond
)

// Config configures a Server. Only WebhookSecrets and StatusTokens are
// required.
type Config struct {
	// DB names the database: "sqlite://<path>" or a "postgres://" URL.
	// Default DefaultDB. Ignored when Store is set.
	DB string
	// Store, when set, is used instead of opening DB. The caller keeps
	// ownership: Close does not close it.
	Store store.Store
	// WebhookSecrets are the secrets a webhook may be signed with; more
	// than one during a rotation.
	WebhookSecrets []string
	// StatusTokens are the bearer tokens accepted on status requests.
	StatusTokens []string
	// WebhookPath is where webhooks are POSTed. Default DefaultWebhookPath.
	WebhookPath string
	// Retention, when positive, is how long stored data is kept: messages
	// with no event for longer are purged periodically.
	Retention time.Duration
	// CommitBudget is how long a webhook waits for its commit before the
	// answer is 503. Default DefaultCommitBudget.
	CommitBudget time.Duration
	// MaxBatch is the most events committed in one transaction. Default
	// DefaultMaxBatch.
	MaxBatch int
	// BatchWindow is how long the writer waits for more events before
	// committing a batch that is not full. Default DefaultBatchWindow;
	// negative means commit what is queued at once.
	BatchWindow time.Duration
	// MaxBodyBytes bounds a webhook body. Default DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Logger receives the server's logs. Default slog.Default().
	Logger *slog.Logger
	// Now tells the time events are received at. Default time.Now.
	Now func() time.Time

	// HandoffGiveUp is how long a fallback hand-off is retried before it
	// is dead. Default DefaultHandoffGiveUp.
	HandoffGiveUp time.Duration
	// HandoffBackoff is the wait after a hand-off's first refused try,
	// doubling after each, at most HandoffMaxBackoff. Defaults
	// DefaultHandoffBackoff and DefaultHandoffMaxBackoff.
	HandoffBackoff    time.Duration
	HandoffMaxBackoff time.Duration
	// HandoffTimeout bounds one hand-off POST. Default
	// DefaultHandoffTimeout.
	HandoffTimeout time.Duration
	// HandoffLease is how long a receiver holds the hand-offs it claims
	// before another may take them; more than HandoffTimeout. Default
	// three times HandoffTimeout.
	HandoffLease time.Duration
	// HandoffPoll is how often due hand-offs are looked for, and
	// UndeliveredScan how often the messages not delivered in time.
	// Defaults DefaultHandoffPoll and DefaultUndeliveredScan.
	HandoffPoll     time.Duration
	UndeliveredScan time.Duration
	// HandoffClient, when set, sends the hand-offs (tests).
	HandoffClient *http.Client
}

// Server is a status receiver. Its Handler serves the webhook endpoint,
// GET /v1/messages/{id}, the searches, GET /v1/time, the provider's
// journal and rate budget endpoints, /healthz and /metrics.
type Server struct {
	cfg       Config
	store     store.Store
	ownsStore bool
	secrets   [][]byte
	tokens    tokenSet
	committer *committer
	metrics   *metrics
	handoffs  *handoffs
	handler   http.Handler
	logger    *slog.Logger
	// budgetEpoch anchors the rate budgets' clock (budgetClock).
	budgetEpoch time.Time

	stopRetention context.CancelFunc
	retentionDone chan struct{}
	closeOnce     sync.Once
	closeErr      error
}

// New validates cfg, opens the store (creating or migrating its schema)
// and starts the batch writer. Close releases both.
func New(ctx context.Context, cfg Config) (*Server, error) {
	cfg, err := withDefaults(cfg)
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg:     cfg,
		store:   cfg.Store,
		tokens:  newTokenSet(cfg.StatusTokens),
		metrics: newMetrics(),
		logger:  cfg.Logger,

		budgetEpoch: time.Now(),
	}
	for _, secret := range cfg.WebhookSecrets {
		s.secrets = append(s.secrets, []byte(secret))
	}
	if s.store == nil {
		s.store, err = store.Open(ctx, cfg.DB)
		if err != nil {
			return nil, err
		}
		s.ownsStore = true
	}
	s.committer = newCommitter(s.store, cfg.MaxBatch, cfg.BatchWindow, cfg.CommitBudget, s.metrics, s.logger)
	s.handler = s.routes()
	s.startRetention()
	s.startHandoffs()
	return s, nil
}

func withDefaults(cfg Config) (Config, error) {
	cfg.WebhookSecrets = nonEmpty(cfg.WebhookSecrets)
	cfg.StatusTokens = nonEmpty(cfg.StatusTokens)
	if len(cfg.WebhookSecrets) == 0 {
		return cfg, errors.New("no webhook secret configured (--webhook-secret or INTERAKT_WEBHOOK_SECRET)")
	}
	if len(cfg.StatusTokens) == 0 {
		return cfg, errors.New("no status token configured (--status-token or INTERAKT_STATUS_TOKEN)")
	}
	if cfg.DB == "" {
		cfg.DB = DefaultDB
	}
	if cfg.WebhookPath == "" {
		cfg.WebhookPath = DefaultWebhookPath
	}
	if err := checkWebhookPath(cfg.WebhookPath); err != nil {
		return cfg, err
	}
	if cfg.Retention < 0 {
		return cfg, errors.New("retention must not be negative (0 keeps everything)")
	}
	if cfg.CommitBudget <= 0 {
		cfg.CommitBudget = DefaultCommitBudget
	}
	if cfg.MaxBatch <= 0 {
		cfg.MaxBatch = DefaultMaxBatch
	}
	if cfg.BatchWindow == 0 {
		cfg.BatchWindow = DefaultBatchWindow
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return handoffDefaults(cfg)
}

func handoffDefaults(cfg Config) (Config, error) {
	defaults := []struct {
		value *time.Duration
		def   time.Duration
	}{
		{&cfg.HandoffGiveUp, DefaultHandoffGiveUp},
		{&cfg.HandoffBackoff, DefaultHandoffBackoff},
		{&cfg.HandoffMaxBackoff, DefaultHandoffMaxBackoff},
		{&cfg.HandoffTimeout, DefaultHandoffTimeout},
		{&cfg.HandoffPoll, DefaultHandoffPoll},
		{&cfg.UndeliveredScan, DefaultUndeliveredScan},
	}
	for _, d := range defaults {
		if *d.value < 0 {
			return cfg, errors.New("hand-off durations must not be negative")
		}
		if *d.value == 0 {
			*d.value = d.def
		}
	}
	if cfg.HandoffLease < 0 {
		return cfg, errors.New("hand-off durations must not be negative")
	}
	if cfg.HandoffLease == 0 {
		cfg.HandoffLease = 3 * cfg.HandoffTimeout
	}
	if cfg.HandoffMaxBackoff < cfg.HandoffBackoff {
		return cfg, errors.New("the hand-off backoff's maximum must not be less than its base")
	}
	if cfg.HandoffLease <= cfg.HandoffTimeout {
		return cfg, errors.New("the hand-off lease must be longer than the hand-off timeout")
	}
	return cfg, nil
}

func checkWebhookPath(p string) error {
	switch {
	case !strings.HasPrefix(p, "/"):
		return fmt.Errorf("webhook path %q must start with /", p)
	case strings.ContainsAny(p, "{} \t\r\n?#"):
		return fmt.Errorf("webhook path %q must not contain braces, blanks, ? or #", p)
	case p == "/healthz" || p == "/metrics" || p == wire.ReceiverTimePath || strings.HasPrefix(p, wire.StatusPathPrefix) || strings.HasPrefix(p, "/v1/journal/") ||
		strings.HasPrefix(p, wire.BudgetPathPrefix) || strings.HasPrefix(p, wire.FallbackPathPrefix) || p == "/":
		return fmt.Errorf("webhook path %q collides with another endpoint", p)
	}
	return nil
}

func nonEmpty(values []string) []string {
	var out []string
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// Handler returns the server's HTTP handler.
func (s *Server) Handler() http.Handler { return s.handler }

// Store returns the store the server writes to.
func (s *Server) Store() store.Store { return s.store }

// WebhookPath returns the path webhooks are POSTed to.
func (s *Server) WebhookPath() string { return s.cfg.WebhookPath }

// Close stops the retention purge, commits the events already submitted,
// stops the writer and closes the store if New opened it. Stop the HTTP
// server first (http.Server.Shutdown) so that in-flight webhooks get their
// answers; webhooks arriving after Close are answered 503.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.stopRetention()
		<-s.retentionDone
		s.handoffs.close()
		s.committer.close()
		if s.ownsStore {
			s.closeErr = s.store.Close()
		}
	})
	return s.closeErr
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+s.cfg.WebhookPath, s.handleWebhook)
	mux.HandleFunc("GET "+wire.StatusPathPrefix+"{id}", s.handleStatus)
	mux.HandleFunc("POST "+wire.MessagesLookupPath, s.authorized(s.handleLookup))
	mux.HandleFunc("POST "+wire.MessagesSearchPath, s.authorized(s.handleSearch))
	mux.HandleFunc("POST "+wire.MessagesLatestPath, s.authorized(s.handleLatest))
	mux.HandleFunc("GET "+wire.ReceiverTimePath, s.authorized(s.handleTime))
	mux.HandleFunc("PUT "+wire.JournalEntryPathPrefix+"{attempt}", s.authorized(s.handleJournalPut))
	mux.HandleFunc("POST "+wire.JournalLookupPath, s.authorized(s.handleJournalLookup))
	mux.HandleFunc("POST "+wire.JournalRemovePath, s.authorized(s.handleJournalRemove))
	mux.HandleFunc("POST "+wire.BudgetPathPrefix+"{key}", s.authorized(s.handleBudget))
	mux.HandleFunc("PUT "+wire.FallbackPathPrefix+"{name}", s.authorized(s.handleFallbackPut))
	mux.HandleFunc("GET "+wire.FallbackPathPrefix+"{name}", s.authorized(s.handleFallbackGet))
	mux.HandleFunc("DELETE "+wire.FallbackPathPrefix+"{name}", s.authorized(s.handleFallbackDelete))
	mux.HandleFunc("GET "+wire.FallbackPathPrefix+"{name}"+wire.FallbackHandoffsPath, s.authorized(s.handleHandoffs))
	mux.HandleFunc("POST "+wire.FallbackPathPrefix+"{name}"+wire.FallbackRetryPath, s.authorized(s.handleHandoffsRetry))
	mux.HandleFunc("GET /healthz", s.handleHealth)
	mux.Handle("GET /metrics", s.metrics.handler())
	return mux
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.CommitBudget)
	defer cancel()
	w.Header().Set("Cache-Control", "no-store")
	if err := s.store.Ping(ctx); err != nil {
		s.logger.Error("health check failed", "error", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
