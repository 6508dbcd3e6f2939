package provider

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/client"
	"github.com/interakt-community/terraform-provider-interakt/internal/contract"
	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
	"github.com/interakt-community/terraform-provider-interakt/internal/receiver"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// The live suite's settings. With INTERAKT_LIVE=1 the TestAccLive tests
// run against the account of INTERAKT_API_KEY at INTERAKT_BASE_URL; else
// against interakt-mock started as a process, so that the same harness
// runs on every CI run.
const (
	envLive            = "INTERAKT_LIVE"
	envLivePhone       = "INTERAKT_LIVE_PHONE"
	envLiveTemplate    = "INTERAKT_LIVE_TEMPLATE"
	envLiveMaxSends    = "INTERAKT_LIVE_MAX_SENDS"
	envLiveStatusURL   = "INTERAKT_LIVE_STATUS_URL"
	envLiveStatusToken = "INTERAKT_LIVE_STATUS_TOKEN"
	envLiveSubmit      = "INTERAKT_LIVE_SUBMIT"
	envLiveRecordDir   = "INTERAKT_LIVE_RECORD_DIR"
)

// defaultLiveMaxSends is how many messages a live run sends at most.
const defaultLiveMaxSends = 5

// liveUserID is the QA user a live run upserts; the sweeper looks for it.
const liveUserID = "tf-acc-qa-user"

// liveRecordingsDir is where a live run writes its recordings by default.
var liveRecordingsDir = filepath.Join("..", "mock", "testdata", "live")

// liveAccount is what a live run works on.
type liveAccount struct {
	real        bool
	baseURL     string
	apiKey      string
	countryCode string // of the QA phone, such as "+91"
	phoneNumber string // national number of the QA phone
	template    string
	language    string
	maxSends    int
	statusURL   string
	statusToken string
	submit      bool
	recordDir   string
	window      time.Duration // the rate limit window the target applies
}

// liveMissing says, in one line, what a live run lacks, or "" when
// getenv has everything it needs.
func liveMissing(getenv func(string) string) string {
	var missing []string
	if getenv(envLive) != "1" {
		missing = append(missing, envLive+"=1")
	}
	for _, name := range []string{envAPIKey, envLivePhone, envLiveTemplate} {
		if getenv(name) == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) == 0 {
		return ""
	}
	return "live acceptance tests skipped: set " + strings.Join(missing, ", ") + " (INTERAKT_BASE_URL optional)"
}

// liveAccountFromEnv reads a real account's settings.
func liveAccountFromEnv(getenv func(string) string) (*liveAccount, error) {
	if line := liveMissing(getenv); line != "" {
		return nil, fmt.Errorf("%s", line)
	}
	cc, pn, err := contract.ParsePhone(getenv(envLivePhone))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", envLivePhone, err)
	}
	a := &liveAccount{
		real: true, baseURL: getenv(envBaseURL), apiKey: getenv(envAPIKey), countryCode: cc, phoneNumber: pn,
		template: getenv(envLiveTemplate), language: "en", maxSends: defaultLiveMaxSends,
		statusURL: getenv(envLiveStatusURL), statusToken: getenv(envLiveStatusToken),
		submit: getenv(envLiveSubmit) == "1", recordDir: getenv(envLiveRecordDir), window: time.Minute,
	}
	if a.baseURL == "" {
		a.baseURL = defaultBaseURL
	}
	// NAME:LANGUAGE picks a language other than en.
	if name, lang, ok := strings.Cut(a.template, ":"); ok {
		a.template, a.language = name, lang
	}
	if v := getenv(envLiveMaxSends); v != "" {
		if a.maxSends, err = strconv.Atoi(v); err != nil || a.maxSends < 0 {
			return nil, fmt.Errorf("%s=%q: want a whole number of messages", envLiveMaxSends, v)
		}
	}
	if a.recordDir == "" {
		a.recordDir = liveRecordingsDir
	}
	return a, nil
}

// liveRun is the account of this test binary's live tests, set up once.
var liveRun struct {
	once    sync.Once
	account *liveAccount
	err     error
	stop    func()
}

// liveSetup returns the account of the live tests: the real one with
// INTERAKT_LIVE=1, else interakt-mock as a process of its own.
func liveSetup(t *testing.T) *liveAccount {
	t.Helper()
	liveRun.once.Do(func() {
		if os.Getenv(envLive) == "1" {
			liveRun.account, liveRun.err = liveAccountFromEnv(os.Getenv)
			return
		}
		liveRun.account, liveRun.stop, liveRun.err = startMockProcess()
	})
	if liveRun.err != nil {
		t.Fatal(liveRun.err)
	}
	return liveRun.account
}

// stopLiveRun ends the mock process of the live tests, if one started.
func stopLiveRun() {
	if liveRun.stop != nil {
		liveRun.stop()
	}
}

// liveMockWindow is the mock process's rate window: Interakt's minute
// scaled down as the acceptance suite's is.
const liveMockWindow = testWindow

// startMockProcess builds cmd/interakt-mock and serves it on a free port,
// standing in for a real account: its key, a QA phone, order_shipped as
// the approved template, submission on, and a status receiver (in
// process, on SQLite) that its webhooks reach, as INTERAKT_LIVE_STATUS_URL.
func startMockProcess() (*liveAccount, func(), error) {
	dir, err := os.MkdirTemp(testJournalRoot, "live-")
	if err != nil {
		return nil, nil, err
	}
	rcv, err := receiver.New(context.Background(), receiver.Config{
		DB:             "sqlite://" + filepath.Join(dir, "status.db"),
		WebhookSecrets: []string{testWebhookSecret},
		StatusTokens:   []string{testStatusToken},
		Logger:         slog.New(slog.DiscardHandler),
	})
	if err != nil {
		return nil, nil, fmt.Errorf("starting the status receiver: %w", err)
	}
	rcvHTTP := httptest.NewServer(rcv.Handler())
	stopReceiver := func() { rcvHTTP.Close(); _ = rcv.Close() }
	binary := filepath.Join(dir, "interakt-mock")
	build := exec.Command("go", "build", "-o", binary, "./cmd/interakt-mock")
	build.Dir = filepath.Join("..", "..")
	if out, err := build.CombinedOutput(); err != nil {
		stopReceiver()
		return nil, nil, fmt.Errorf("go build ./cmd/interakt-mock: %v\n%s", err, out)
	}
	cmd := exec.Command(binary, "--listen", "127.0.0.1:0", "--quiet", "--window", liveMockWindow.String(),
		"--webhook-url", rcvHTTP.URL+receiver.DefaultWebhookPath, "--webhook-delay", "0s,20ms,40ms")
	cmd.Env = append(os.Environ(), mock.EnvAPIKey+"="+mock.DefaultAPIKey, mock.EnvWebhookSecret+"="+testWebhookSecret)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		stopReceiver()
		return nil, nil, err
	}
	if err := cmd.Start(); err != nil {
		stopReceiver()
		return nil, nil, err
	}
	// The mock first, so that it stops posting webhooks before the
	// receiver closes.
	stop := func() { _ = cmd.Process.Kill(); _ = cmd.Wait(); stopReceiver() }
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, mock.ListeningPrefix) {
		stop()
		return nil, nil, fmt.Errorf("interakt-mock did not start: %q %v", line, err)
	}
	return &liveAccount{
		baseURL: strings.TrimSpace(strings.TrimPrefix(line, mock.ListeningPrefix)), apiKey: mock.DefaultAPIKey,
		countryCode: "+91", phoneNumber: "9999999999", template: "order_shipped", language: "en",
		maxSends: defaultLiveMaxSends, submit: true, recordDir: filepath.Join(dir, "recordings"), window: liveMockWindow,
		statusURL: rcvHTTP.URL, statusToken: testStatusToken,
	}, stop, nil
}

// liveProxy stands between the provider and the account. It refuses,
// before anything leaves, every send or user change whose phone is not
// the QA phone, sends past the run's cap, and anything the live suite
// does not make; and it records each exchange's shape (wire.Shape), never
// a value. Every live test goes through one.
type liveProxy struct {
	account *liveAccount
	srv     *httptest.Server
	http    *http.Client
	// sends counts the run's sends, across the proxies of one binary.
	sends *liveSendCount

	mu        sync.Mutex
	exchanges []liveExchange
	refused   []string
}

// liveExchange is one exchange's shape, with its query's values, which
// pick an exchange (the APPROVED listing) and are never written.
type liveExchange struct {
	shape wire.Shape
	query url.Values
}

// liveSendCount is a run's count of messages sent.
type liveSendCount struct {
	mu sync.Mutex
	n  int
}

// take counts a send if the cap allows it.
func (c *liveSendCount) take(limit int) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n >= limit {
		return false
	}
	c.n++
	return true
}

func (c *liveSendCount) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// liveSends is the send count of the live tests of this binary.
var liveSends = &liveSendCount{}

// newLiveProxy starts a proxy to a, counting sends in sends.
func newLiveProxy(t testing.TB, a *liveAccount, sends *liveSendCount) *liveProxy {
	t.Helper()
	p := &liveProxy{account: a, sends: sends, http: &http.Client{
		Timeout: time.Minute,
		// A redirect is answered as it is, as the client does.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.srv.Close)
	return p
}

// URL is the proxy's address: the provider's base URL.
func (p *liveProxy) URL() string { return p.srv.URL }

// liveGuarded are the requests the live suite makes, by method and path.
var liveGuarded = map[string]bool{
	http.MethodGet + " " + wire.TemplatesPath:       true,
	http.MethodPost + " " + wire.MessagePath:        true,
	http.MethodPost + " " + wire.TrackUsersPath:     true,
	http.MethodPost + " " + wire.UsersPath:          true,
	http.MethodPost + " " + wire.TrackEventPath:     true,
	http.MethodPost + " " + wire.CreateCampaignPath: true,
	http.MethodPost + " " + wire.CreateTemplatePath: true,
}

// refusal says why the live harness refuses a request, or "".
func (p *liveProxy) refusal(method, path string, body []byte) string {
	if !liveGuarded[method+" "+path] {
		return fmt.Sprintf("%s %s is not a request of the live suite", method, path)
	}
	var fields struct {
		CountryCode  string `json:"countryCode"`
		PhoneNumber  string `json:"phoneNumber"`
		UserID       string `json:"userId"`
		CampaignName string `json:"campaign_name"`
		DisplayName  string `json:"display_name"`
	}
	if method == http.MethodPost && path != wire.UsersPath {
		if err := json.Unmarshal(body, &fields); err != nil {
			return "a body that is not a JSON object"
		}
	}
	switch path {
	case wire.MessagePath, wire.TrackUsersPath, wire.TrackEventPath:
		if fields.PhoneNumber != "" || path == wire.MessagePath {
			if why := p.recipientRefusal(fields.CountryCode, fields.PhoneNumber); why != "" {
				return why
			}
		}
		if path != wire.MessagePath && (fields.PhoneNumber == "" || fields.UserID != "") && !strings.HasPrefix(fields.UserID, "tf-acc-") {
			return "a user other than a tf-acc- one"
		}
		if path == wire.MessagePath && !p.sends.take(p.account.maxSends) {
			return fmt.Sprintf("the run's cap of %d messages (%s) is reached", p.account.maxSends, envLiveMaxSends)
		}
	case wire.CreateCampaignPath:
		if !strings.HasPrefix(fields.CampaignName, "tf-acc-") {
			return "an API campaign not named tf-acc-"
		}
	case wire.CreateTemplatePath:
		if !p.account.submit || !strings.HasPrefix(fields.DisplayName, "tf_acc_") {
			return "a template submission without " + envLiveSubmit + "=1 or not named tf_acc_"
		}
	}
	return ""
}

// recipientRefusal refuses any phone but the QA phone.
func (p *liveProxy) recipientRefusal(countryCode, phoneNumber string) string {
	if countryCode != p.account.countryCode || phoneNumber != p.account.phoneNumber {
		return "a recipient other than " + envLivePhone
	}
	return ""
}

func (p *liveProxy) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if why := p.refusal(r.Method, r.URL.Path, body); why != "" {
		p.mu.Lock()
		p.refused = append(p.refused, why)
		p.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		_, _ = fmt.Fprintf(w, `{"result":false,"message":%q}`, "refused by the live harness: "+why)
		return
	}
	target := strings.TrimSuffix(p.account.baseURL, "/") + r.URL.Path
	if r.URL.RawQuery != "" {
		target += "?" + r.URL.RawQuery
	}
	out, err := http.NewRequestWithContext(r.Context(), r.Method, target, bytes.NewReader(body))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	for _, h := range []string{"Authorization", "Content-Type", "User-Agent", "Accept"} {
		if v := r.Header.Get(h); v != "" {
			out.Header.Set(h, v)
		}
	}
	resp, err := p.http.Do(out)
	if err != nil {
		http.Error(w, "live proxy: "+err.Error(), http.StatusBadGateway)
		return
	}
	defer func() { _ = resp.Body.Close() }()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		http.Error(w, "live proxy: "+err.Error(), http.StatusBadGateway)
		return
	}
	p.keep(r, body, resp.StatusCode, answer)
	for _, h := range []string{"Content-Type", "Retry-After"} {
		if v := resp.Header.Get(h); v != "" {
			w.Header().Set(h, v)
		}
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(answer)
}

// keep records the exchange's shape: names and types only.
func (p *liveProxy) keep(r *http.Request, body []byte, status int, answer []byte) {
	shape := wire.Shape{Method: r.Method, Path: r.URL.Path, Status: status}
	for k := range r.URL.Query() {
		shape.QueryKeys = append(shape.QueryKeys, k)
	}
	slices.Sort(shape.QueryKeys)
	shape.Request, _ = wire.ShapeFields(body)
	var err error
	if shape.Answer, err = wire.ShapeFields(answer); err != nil {
		shape.Answer = map[string]string{"$": "not JSON"}
	}
	p.mu.Lock()
	p.exchanges = append(p.exchanges, liveExchange{shape: shape, query: r.URL.Query()})
	p.mu.Unlock()
}

// Refused returns why each refused request was refused.
func (p *liveProxy) Refused() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.refused)
}

// Exchanges returns the recorded shapes, in order.
func (p *liveProxy) Exchanges() []wire.Shape {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]wire.Shape, len(p.exchanges))
	for i, e := range p.exchanges {
		out[i] = e.shape
	}
	return out
}

// record writes the last exchange with method and path that pick accepts
// (nil: any) as the recording slot, with what the run observed of the
// question it confirms; the slot's confirms line is kept from the
// repository's recording.
func (p *liveProxy) record(t *testing.T, slot, method, path string, pick func(wire.Shape, url.Values) bool, observed string) {
	t.Helper()
	p.mu.Lock()
	exchanges := slices.Clone(p.exchanges)
	p.mu.Unlock()
	var found *wire.Shape
	for _, e := range exchanges {
		if e.shape.Method == method && e.shape.Path == path && (pick == nil || pick(e.shape, e.query)) {
			found = &e.shape
		}
	}
	if found == nil {
		t.Errorf("recording %s: no %s %s was made", slot, method, path)
		return
	}
	writeLiveRecording(t, p.account, slot, *found, observed)
}

// writeLiveRecording writes shape as the recording slot.
func writeLiveRecording(t *testing.T, a *liveAccount, slot string, shape wire.Shape, observed string) {
	t.Helper()
	old, err := os.ReadFile(filepath.Join(liveRecordingsDir, slot))
	if err != nil {
		t.Fatalf("recording %s: the repository has no such slot (internal/mock/testdata/live): %v", slot, err)
	}
	var kept wire.Shape
	if err := json.Unmarshal(old, &kept); err != nil {
		t.Fatalf("recording %s: %v", slot, err)
	}
	shape.Confirms = kept.Confirms
	// Against the mock, the exchange is the one the mock's conformance
	// test replays: a live test that drifted from its slot would leave a
	// recording that the replay no longer stands for. Against Interakt, a
	// difference is what the run is for.
	if diffs := slotDiff(kept, shape); len(diffs) > 0 {
		if a.real {
			t.Logf("recording %s differs from the repository's:\n%s", slot, strings.Join(diffs, "\n"))
		} else {
			t.Errorf("recording %s differs from the repository's slot, which the conformance test replays:\n%s", slot, strings.Join(diffs, "\n"))
		}
	}
	where := "a live run"
	if !a.real {
		where = "a live-mode run against interakt-mock"
	}
	shape.Source = where + " of " + time.Now().UTC().Format(time.DateOnly) + " (make testacc-live)"
	shape.Observed = observed
	data, err := json.MarshalIndent(shape, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	// Names and types only: never the key, the QA phone, or the user.
	for _, secret := range []string{a.apiKey, a.phoneNumber, liveUserID} {
		if strings.Contains(string(data), secret) {
			t.Fatalf("recording %s holds a value; it is not written", slot)
		}
	}
	if err := os.MkdirAll(a.recordDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(a.recordDir, slot), append(data, '\n'), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Logf("recorded %s%s", slot, map[bool]string{true: ": " + observed}[observed != ""])
}

// slotDiff lists how a recording differs from the slot's in shape.
func slotDiff(kept, got wire.Shape) []string {
	var diffs []string
	if kept.Method != got.Method || kept.Path != got.Path || kept.Status != got.Status || !slices.Equal(kept.QueryKeys, got.QueryKeys) {
		diffs = append(diffs, fmt.Sprintf("exchange: kept %s %s %v -> %d, recorded %s %s %v -> %d",
			kept.Method, kept.Path, kept.QueryKeys, kept.Status, got.Method, got.Path, got.QueryKeys, got.Status))
	}
	for _, d := range wire.ShapeDiff(kept.Request, got.Request) {
		diffs = append(diffs, "request "+d)
	}
	for _, d := range wire.ShapeDiff(kept.Answer, got.Answer) {
		diffs = append(diffs, "answer "+d)
	}
	return diffs
}

// liveClient is an API client through p, for the questions no resource
// asks (whether tags replace, whether user_id filters).
func liveClient(t testing.TB, p *liveProxy) *client.Client {
	t.Helper()
	c, err := client.New(client.Config{
		BaseURL: p.URL(), APIKey: p.account.apiKey, RateLimitPerMinute: 40, RateWindow: p.account.window, MaxRetries: 2,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// liveSeams are the provider's settings of a live test: the key and the
// proxy's URL, the target's rate window, a journal of its own.
func liveSeams(p *liveProxy) seams {
	s := testSeams().withEnv(envAPIKey, p.account.apiKey).withEnv(envBaseURL, p.URL())
	s.rateWindow = p.account.window
	if p.account.statusURL != "" {
		s = s.withEnv(envStatusURL, p.account.statusURL).withEnv(envStatusToken, p.account.statusToken)
	}
	return s
}

// liveRecipient is the HCL of the QA phone, the only recipient a live
// configuration may name: any other phone is refused here, before a
// configuration exists.
func liveRecipient(a *liveAccount, phone string) (string, error) {
	cc, pn, err := contract.ParsePhone(phone)
	if err != nil {
		return "", err
	}
	if cc != a.countryCode || pn != a.phoneNumber {
		return "", fmt.Errorf("refused by the live harness: %s is not %s", phone, envLivePhone)
	}
	return fmt.Sprintf("country_code = %q\n  phone_number = %q", cc, pn), nil
}

// qaPhone is the QA phone in international form.
func (a *liveAccount) qaPhone() string { return a.countryCode + a.phoneNumber }

// liveContext bounds a live test's own requests.
func liveContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}
