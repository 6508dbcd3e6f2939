package mock

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// Defaults for Options left at their zero value.
const (
	// DefaultAPIKey is base64("test-key:"), the form Interakt's dashboard
	// hands out; clients send it as is after "Basic ".
	DefaultAPIKey     = "dGVzdC1rZXk6"
	DefaultPageSize   = 100
	DefaultRateLimit  = 40
	DefaultWindow     = time.Minute
	DefaultListenAddr = "127.0.0.1:0"
)

// Options configure a Server. Zero values take the defaults above.
type Options struct {
	// APIKey is what must follow "Basic " in Authorization.
	APIKey string
	// Templates are the account's templates; nil means DefaultTemplates().
	Templates []wire.TemplateInfo
	// PageSize is the template listing's page size.
	PageSize int
	// RateLimit is how many requests any Window admits; negative admits all.
	RateLimit int
	// Window is the rate limit's sliding window.
	Window time.Duration
	// NoRetryAfter answers the rate limit's 429s without Retry-After, as
	// Interakt does.
	NoRetryAfter bool
	// ListenAddr is where Start listens.
	ListenAddr string

	// WebhookURL receives status webhooks; empty sends none.
	WebhookURL string
	// WebhookSecret keys the webhooks' HMAC signature.
	WebhookSecret string
	// WebhookDelays schedule each message's events; nil means DefaultDelays.
	WebhookDelays *Delays
	// WebhookAttempts is how many times an event is tried (default 4).
	WebhookAttempts int
	// WebhookBackoff is the wait before the first retry, doubled for each
	// further one (default 100ms).
	WebhookBackoff time.Duration
	// WebhookTimeout bounds one delivery attempt (default 3s, Interakt's).
	WebhookTimeout time.Duration
	// WebhookClient posts the webhooks; nil means a plain client. Tests may
	// give one with an in-memory transport.
	WebhookClient *http.Client

	// FailPhones answers sends to these numbers normally, then reports them
	// failed by webhook with the given reason instead of delivered and read.
	// A key is the phone number alone or with its country code ("+91...").
	FailPhones map[string]string
	// UndeliveredPhones answers sends to these numbers normally and reports
	// them sent by webhook, then nothing more (neither delivered, read nor
	// failed), as for a phone that stays off; Server.FailMessage can fail
	// them later. Keys as FailPhones.
	UndeliveredPhones map[string]bool
	// RejectPhones answers sends to these numbers with 400 and the given
	// message (empty means the invalid phone message). Keys as FailPhones.
	RejectPhones map[string]string
	// Faults are injected from the start; see Server.SetFaults.
	Faults Faults
	// OngoingCampaigns run on tracked events; see OngoingCampaign.
	OngoingCampaigns []OngoingCampaign

	// UserApplyLag applies each Track Users request this long after its
	// answer, as Interakt does (it answers 202 and applies later): until
	// then Get Users lists the user as it was, or not at all.
	UserApplyLag time.Duration
	// UsersWithoutUserID answers Get Users without user_id, the shape
	// integrators' code reads (id, phone_number, country_code, traits,
	// tags and the times); a filter by user_id still selects.
	UsersWithoutUserID bool

	// Logger logs one line per request (never keys, secrets, numbers or
	// bodies); nil logs nothing.
	Logger *slog.Logger
}

// Server is a mock Interakt API.
type Server struct {
	key      string
	pageSize int
	limiter  *slidingWindow
	// noRetryAfter: Options.NoRetryAfter.
	noRetryAfter bool
	webhooks     *dispatcher
	logger       *slog.Logger
	handler      http.Handler

	mu           sync.Mutex
	closed       bool
	templates    *templateSet
	faults       Faults
	failPhones   map[string]string
	undelivered  map[string]bool
	rejectPhones map[string]string
	holds        map[int]*Hold
	sendCount    int
	requests     []*Request
	sent         []SentMessage
	submissions  []Submission
	users        userBook
	// userApplyLag and usersWithoutUserID: the Options of the same names.
	userApplyLag       time.Duration
	usersWithoutUserID bool
	apiCampaigns       []APICampaign
	// Tracked events and the ongoing campaigns they start.
	eventCount       int
	eventFaults      map[int]Fault
	events           []TrackedEvent
	ongoing          []OngoingCampaign
	campaignMessages []CampaignMessage
	// sentChanged is closed and replaced whenever a send is accepted.
	sentChanged chan struct{}

	handlers  sync.WaitGroup
	closing   chan struct{}
	closeOnce sync.Once

	listenAddr string
	httpServer *http.Server
	url        string
	serveErr   chan error
}

// New returns a Server that is not listening yet: call Start, or serve
// Handler yourself.
func New(opts Options) *Server {
	if opts.APIKey == "" {
		opts.APIKey = DefaultAPIKey
	}
	if opts.Templates == nil {
		opts.Templates = DefaultTemplates()
	}
	if opts.PageSize <= 0 {
		opts.PageSize = DefaultPageSize
	}
	if opts.RateLimit == 0 {
		opts.RateLimit = DefaultRateLimit
	}
	if opts.Window <= 0 {
		opts.Window = DefaultWindow
	}
	if opts.ListenAddr == "" {
		opts.ListenAddr = DefaultListenAddr
	}
	s := &Server{
		key:          opts.APIKey,
		pageSize:     opts.PageSize,
		limiter:      newSlidingWindow(opts.RateLimit, opts.Window),
		noRetryAfter: opts.NoRetryAfter,
		logger:       opts.Logger,
		templates:    newTemplateSet(opts.Templates),
		faults:       opts.Faults.clone(),
		failPhones:   maps.Clone(opts.FailPhones),
		undelivered:  maps.Clone(opts.UndeliveredPhones),
		rejectPhones: maps.Clone(opts.RejectPhones),
		holds:        map[int]*Hold{},
		sentChanged:  make(chan struct{}),
		closing:      make(chan struct{}),
		listenAddr:   opts.ListenAddr,

		userApplyLag:       max(opts.UserApplyLag, 0),
		usersWithoutUserID: opts.UsersWithoutUserID,
	}
	s.webhooks = newDispatcher(opts)
	for _, c := range opts.OngoingCampaigns {
		if c, err := c.normalize(); err == nil {
			s.ongoing = append(s.ongoing, c)
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc(wire.MessagePath, s.handleSend)
	mux.HandleFunc(wire.TemplatesPath, s.handleTemplates)
	mux.HandleFunc(wire.CreateTemplatePath, s.handleCreateTemplate)
	mux.HandleFunc(wire.TrackUsersPath, s.handleTrackUser)
	mux.HandleFunc(wire.UsersPath, s.handleUsers)
	mux.HandleFunc(AdminApprovalPath, s.handleApproval)
	mux.HandleFunc(wire.CreateCampaignPath, s.handleCreateCampaign)
	mux.HandleFunc(wire.TrackEventPath, s.handleTrackEvent)
	mux.HandleFunc(AdminOngoingCampaignsPath, s.handleOngoingCampaigns)
	mux.HandleFunc("/", s.handleNotFound)
	s.handler = mux
	return s
}

// NewTestServer starts a Server for one test and closes it when the test
// ends.
func NewTestServer(t testing.TB, opts Options) *Server {
	t.Helper()
	s := New(opts)
	if err := s.Start(); err != nil {
		t.Fatalf("starting mock Interakt: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("closing mock Interakt: %v", err)
		}
	})
	return s
}

// Start listens on Options.ListenAddr and serves in the background.
func (s *Server) Start() error {
	listener, err := net.Listen("tcp", s.listenAddr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", s.listenAddr, err)
	}
	s.mu.Lock()
	s.httpServer = &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	s.url = "http://" + listener.Addr().String()
	s.serveErr = make(chan error, 1)
	httpServer, serveErr := s.httpServer, s.serveErr
	s.mu.Unlock()
	go func() {
		err := httpServer.Serve(listener)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		serveErr <- err
	}()
	return nil
}

// URL returns the base URL ("http://127.0.0.1:PORT") once started.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.url
}

// Handler returns the server's HTTP handler, for tests that call it directly.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(s.serveHTTP)
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		writeJSON(w, http.StatusServiceUnavailable, failure(MsgShuttingDown))
		return
	}
	s.handlers.Add(1)
	s.mu.Unlock()
	defer s.handlers.Done()
	s.handler.ServeHTTP(w, r)
}

// Shutdown stops accepting requests, lets those being answered finish
// (held ones are released, slow ones answer at once) until ctx ends, and
// stops webhook delivery.
func (s *Server) Shutdown(ctx context.Context) error {
	s.beginClose()
	var err error
	if httpServer := s.server(); httpServer != nil {
		err = httpServer.Shutdown(ctx)
		if err != nil {
			err = errors.Join(err, httpServer.Close())
		}
	}
	return errors.Join(err, s.finishClose())
}

// Close stops the server at once: connections are closed, held and slow
// requests let go, pending webhooks abandoned. It waits for the handlers and
// the webhook goroutines to return.
func (s *Server) Close() error {
	s.beginClose()
	var err error
	if httpServer := s.server(); httpServer != nil {
		err = httpServer.Close()
	}
	return errors.Join(err, s.finishClose())
}

func (s *Server) server() *http.Server {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.httpServer
}

// beginClose refuses new requests and frees the ones waiting on a test.
func (s *Server) beginClose() {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		close(s.closing)
	})
}

// finishClose waits for handlers and webhooks, and for Serve to return.
func (s *Server) finishClose() error {
	s.handlers.Wait()
	s.webhooks.close()
	s.mu.Lock()
	serveErr := s.serveErr
	s.serveErr = nil
	s.mu.Unlock()
	if serveErr != nil {
		return <-serveErr
	}
	return nil
}

// SetFaults replaces the injected faults; requests already past their fault
// decision are not affected.
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = f.clone()
}

// UpdateFaults changes the injected faults in place, atomically.
func (s *Server) UpdateFaults(change func(*Faults)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.faults.clone()
	if f.ByRequest == nil {
		f.ByRequest = map[int]Fault{}
	}
	change(&f)
	s.faults = f.clone()
}

// SetFault makes send request n meet fault f.
func (s *Server) SetFault(n int, f Fault) {
	s.UpdateFaults(func(faults *Faults) { faults.ByRequest[n] = f })
}

// Faults returns a copy of the injected faults.
func (s *Server) Faults() Faults {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults.clone()
}

// SetTemplates replaces the account's templates.
func (s *Server) SetTemplates(templates []wire.TemplateInfo) {
	set := newTemplateSet(templates)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.templates = set
}

// SetFailPhone makes sends to number fail by webhook with reason; an empty
// reason stops failing them.
func (s *Server) SetFailPhone(number, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	setOrDelete(&s.failPhones, number, reason, reason != "")
}

// SetUndeliveredPhone makes sends to number stop at sent (no delivered,
// read or failed webhook follows); undelivered false lets them go on.
func (s *Server) SetUndeliveredPhone(number string, undelivered bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.undelivered == nil {
		s.undelivered = map[string]bool{}
	}
	if undelivered {
		s.undelivered[number] = true
	} else {
		delete(s.undelivered, number)
	}
}

// FailMessage posts, now, a failed webhook with reason for the message
// this server accepted as id, whatever webhooks it had before: a message
// that stayed undelivered (UndeliveredPhones) and fails later, say. It
// reports false for an id it never accepted.
func (s *Server) FailMessage(id, reason string) bool {
	s.mu.Lock()
	i := slices.IndexFunc(s.sent, func(m SentMessage) bool { return m.ID == id })
	var sent SentMessage
	if i >= 0 {
		sent = s.sent[i]
	}
	s.mu.Unlock()
	if i < 0 {
		return false
	}
	s.webhooks.schedule(scheduledMessage{
		id: id, msg: sent.Message, acceptedAt: time.Now(), sentAt: sent.At,
		fails: true, failReason: reason, failNow: true,
	})
	return true
}

// SetRejectPhone makes sends to number answer 400 with message (empty: the
// invalid phone message); reject false stops rejecting them.
func (s *Server) SetRejectPhone(number, message string, reject bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	setOrDelete(&s.rejectPhones, number, message, reject)
}

func setOrDelete(m *map[string]string, key, value string, set bool) {
	if !set {
		delete(*m, key)
		return
	}
	if *m == nil {
		*m = map[string]string{}
	}
	(*m)[key] = value
}

// Hold makes send request n wait, before anything is decided about it, until
// the returned Hold is released. Holding a number twice returns the same
// Hold. Close releases every hold.
func (s *Server) Hold(n int) *Hold {
	s.mu.Lock()
	defer s.mu.Unlock()
	if h, ok := s.holds[n]; ok {
		return h
	}
	h := newHold(n)
	s.holds[n] = h
	return h
}

// authorized tells whether the request carries the configured key.
func (s *Server) authorized(r *http.Request) bool {
	want := "Basic " + s.key
	got := r.Header.Get("Authorization")
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func (s *Server) logRequest(r *http.Request, n, status int) {
	if s.logger == nil {
		return
	}
	s.logger.Info("request", "method", r.Method, "path", r.URL.Path, "n", n, "status", status)
}
