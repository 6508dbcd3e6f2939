package provider

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/interakt-community/terraform-provider-interakt/internal/client"
	"github.com/interakt-community/terraform-provider-interakt/internal/journal"
	"github.com/interakt-community/terraform-provider-interakt/internal/ratelimit"
)

const (
	envAPIKey      = "INTERAKT_API_KEY"
	envBaseURL     = "INTERAKT_BASE_URL"
	envRateLimit   = "INTERAKT_RATE_LIMIT_PER_MINUTE"
	envDryRun      = "INTERAKT_DRY_RUN"
	envStatusURL   = "INTERAKT_STATUS_URL"
	envStatusToken = "INTERAKT_STATUS_TOKEN"
	envBudget      = "INTERAKT_BUDGET"
	// envRateWindow scales the rate window down for tests against a mock
	// run as separate processes (in process, tests use seams.rateWindow).
	// Interakt's window is a minute.
	envRateWindow = "INTERAKT_RATE_WINDOW"

	defaultBaseURL        = "https://api.interakt.ai"
	defaultRateLimit      = 40
	defaultMaxRetries     = 3
	defaultRequestTimeout = 30 * time.Second
)

// Where a key's rate budget lives (the budget setting).
const (
	// budgetLocal: a file per key in the user's cache folder, shared by
	// every process of the machine.
	budgetLocal = "local"
	// budgetReceiver: the status receiver's database, shared by every
	// runner that uses it.
	budgetReceiver = "receiver"
	// budgetProcess: this provider process alone.
	budgetProcess = "process"
	// budgetFolder is the local budget's folder in the user's cache folder.
	budgetFolder = "interakt"
)

// providerData is what Configure hands to every resource, data source and
// action of one provider configuration: one client, so one rate budget.
type providerData struct {
	// api is nil when no API key is set (or it is unknown during plan);
	// only sends and template listing need it.
	api        *client.Client
	apiMissing string // why api is nil, for the diagnostic
	// noKey: no API key is configured, in the provider block or the
	// environment. A key known only at apply is not missing.
	noKey bool

	dryRun bool
	budget *sendBudget

	// rateBudget is the key's rate budget the client takes its slots
	// from, and rate its setting, for what report says of long waits.
	rateBudget ratelimit.Budget
	rate       rateSetting
	// local is rateBudget when the budget setting is "local".
	local *localBudget
	// fallbackShown and waitShown: report has said that this process
	// keeps the budget alone, and that requests waited long for it.
	fallbackShown, waitShown atomic.Bool

	status        *client.StatusReader
	statusMissing string
	// fallback keeps fallback rules in the status receiver, beside
	// status; nil when status is. noStatusToken: status_url is set and
	// no status_token is (one known only at apply is not missing).
	fallback      *client.FallbackClient
	noStatusToken bool
	// statusUnknown: status_url is known only at apply.
	statusUnknown bool
	pollInterval  time.Duration

	// journal records every send of a campaign or a test send before it
	// is made: the status receiver's when status_url is set, else a local
	// folder.
	journal *sendJournal

	secrets []string // values masked in every log line
}

// readsAccount reports whether the provider reads the account's templates:
// with an API key, and not in a dry run, which makes no request at all.
func (d *providerData) readsAccount() bool {
	return d != nil && d.api != nil && !d.dryRun
}

// keyMissing reports whether a send planned now will fail at apply for want
// of an API key: none is configured and dry_run is off.
func (d *providerData) keyMissing() bool {
	return d != nil && d.noKey && !d.dryRun
}

// sendBudget enforces max_sends_per_apply across the provider process.
type sendBudget struct {
	limit int64 // 0 = no cap
	used  atomic.Int64
}

// take reserves one send, reporting false once the cap is reached.
func (b *sendBudget) take() bool {
	if b.limit == 0 {
		return true
	}
	if b.used.Add(1) > b.limit {
		b.used.Add(-1)
		return false
	}
	return true
}

// giveBack returns a reservation whose request was certainly never sent.
func (b *sendBudget) giveBack() {
	if b.limit != 0 {
		b.used.Add(-1)
	}
}

// providerSettings are the provider block's settings after the
// environment's fallbacks and the defaults: everything Configure builds the
// clients from.
type providerSettings struct {
	apiKey, baseURL string
	// apiUnknown: api_key or base_url is not known until apply;
	// keyUnknown: api_key is not.
	apiUnknown, keyUnknown bool

	rateLimit int64
	// rateWindow is the rate limit's window (zero: a minute).
	rateWindow time.Duration
	// budget is where the key's rate budget lives: budgetLocal,
	// budgetReceiver or budgetProcess.
	budget         string
	budgetUnknown  bool
	maxRetries     int64
	requestTimeout time.Duration
	dryRun         bool
	maxSends       int64 // 0 = no cap

	statusURL, statusToken               string
	statusURLUnknown, statusTokenUnknown bool

	// journalDir is the local send journal's folder, used without a
	// status_url.
	journalDir string
	// budgetDir is the local rate budget's folder, in the user's cache
	// folder; budgetDirErr says why there is none.
	budgetDir, budgetDirErr string
}

// resolveSettings reads the provider block, falling back to getenv for
// the settings an environment variable can give. It has no other input:
// the provider passes os.Getenv, tests pass their own environment.
func resolveSettings(cfg providerModel, getenv func(string) string) (providerSettings, diag.Diagnostics) {
	var diags diag.Diagnostics
	st := providerSettings{
		rateLimit:      defaultRateLimit,
		maxRetries:     defaultMaxRetries,
		requestTimeout: defaultRequestTimeout,
		journalDir:     localJournalDir(getenv),
	}
	if cache, err := userCacheDir(getenv); err != nil {
		st.budgetDirErr = err.Error()
	} else {
		st.budgetDir = filepath.Join(cache, budgetFolder)
	}

	var apiKeyUnknown, baseURLUnknown bool
	st.apiKey, apiKeyUnknown = stringSetting(cfg.APIKey, envAPIKey, getenv)
	st.baseURL, baseURLUnknown = stringSetting(cfg.BaseURL, envBaseURL, getenv)
	st.keyUnknown = apiKeyUnknown
	st.apiUnknown = apiKeyUnknown || baseURLUnknown
	if st.baseURL == "" {
		st.baseURL = defaultBaseURL
	}
	if !baseURLUnknown && !isHTTPURL(st.baseURL) {
		diags.AddAttributeError(path.Root("base_url"), "Invalid URL",
			"base_url (or "+envBaseURL+") must be an absolute http or https URL, such as "+defaultBaseURL+".")
	}

	switch {
	case !cfg.RateLimitPerMinute.IsNull() && !cfg.RateLimitPerMinute.IsUnknown():
		st.rateLimit = cfg.RateLimitPerMinute.ValueInt64()
	case getenv(envRateLimit) != "":
		n, err := strconv.ParseInt(getenv(envRateLimit), 10, 64)
		if err != nil || n < 1 {
			diags.AddAttributeError(path.Root("rate_limit_per_minute"), "Invalid Rate Limit",
				envRateLimit+" must be a whole number of at least 1.")
		}
		st.rateLimit = n
	}

	if !cfg.MaxRetries.IsNull() && !cfg.MaxRetries.IsUnknown() {
		st.maxRetries = cfg.MaxRetries.ValueInt64()
	}

	if !cfg.RequestTimeout.IsNull() && !cfg.RequestTimeout.IsUnknown() {
		if t, err := time.ParseDuration(cfg.RequestTimeout.ValueString()); err == nil && t > 0 {
			st.requestTimeout = t
		}
	}

	switch {
	case !cfg.DryRun.IsNull() && !cfg.DryRun.IsUnknown():
		st.dryRun = cfg.DryRun.ValueBool()
	case getenv(envDryRun) != "":
		v, err := strconv.ParseBool(getenv(envDryRun))
		if err != nil {
			diags.AddAttributeError(path.Root("dry_run"), "Invalid dry_run",
				envDryRun+` must be "true" or "false".`)
		}
		st.dryRun = v
	}
	if !cfg.MaxSendsPerApply.IsNull() && !cfg.MaxSendsPerApply.IsUnknown() {
		st.maxSends = cfg.MaxSendsPerApply.ValueInt64()
	}

	st.statusURL, st.statusURLUnknown = stringSetting(cfg.StatusURL, envStatusURL, getenv)
	st.statusToken, st.statusTokenUnknown = stringSetting(cfg.StatusToken, envStatusToken, getenv)
	if st.statusURL != "" && !isHTTPURL(st.statusURL) {
		diags.AddAttributeError(path.Root("status_url"), "Invalid URL",
			"status_url (or "+envStatusURL+") must be an absolute http or https URL.")
	}

	if v := getenv(envRateWindow); v != "" {
		w, err := time.ParseDuration(v)
		if err != nil || w <= 0 || w > time.Hour {
			diags.AddAttributeError(path.Root("rate_limit_per_minute"), "Invalid Rate Window",
				envRateWindow+" must be a Go duration between 0 and 1h, such as 10s. Unset it to use Interakt's window of a minute.")
		}
		st.rateWindow = w
	}
	budget, budgetUnknown := stringSetting(cfg.Budget, envBudget, getenv)
	switch {
	case budgetUnknown:
		st.budgetUnknown = true
	case budget == "" && (st.statusURL != "" || st.statusURLUnknown):
		st.budget = budgetReceiver
	case budget == "":
		st.budget = budgetLocal
	case budget == budgetLocal || budget == budgetReceiver || budget == budgetProcess:
		st.budget = budget
	default:
		diags.AddAttributeError(path.Root("budget"), "Invalid Budget",
			envBudget+` must be "local", "receiver" or "process".`)
	}
	if st.budget == budgetReceiver && st.statusURL == "" && !st.statusURLUnknown {
		diags.AddAttributeError(path.Root("budget"), "Budget Needs a Status Receiver",
			`budget "receiver" keeps the key's rate budget in the status receiver, and no status_url (or `+envStatusURL+
				`) is set. Set status_url, or choose budget "local" (this machine's processes share the budget) and send nothing from other machines with this key.`)
	}
	return st, diags
}

func newProviderData(ctx context.Context, cfg providerModel, version string, s seams) (*providerData, diag.Diagnostics) {
	st, diags := resolveSettings(cfg, s.env())
	d := &providerData{
		budget:       &sendBudget{limit: st.maxSends},
		pollInterval: s.pollInterval,
		dryRun:       st.dryRun,
		secrets:      nonEmpty(st.apiKey, st.statusToken),
	}
	if diags.HasError() {
		return nil, diags
	}

	logger := apiLogger{secrets: d.secrets}
	switch {
	case st.apiKey == "" && !st.keyUnknown:
		d.noKey = true
		d.apiMissing = "No API key is configured. Set the provider's api_key attribute or the " + envAPIKey +
			" environment variable to the key shown in Interakt's Developer Settings."
	case st.apiUnknown:
		d.apiMissing = "The provider's api_key or base_url is not known yet; it will be during apply."
	default:
		if warning := keyFormatWarning(st.apiKey); warning != "" {
			diags.AddAttributeWarning(path.Root("api_key"), "API Key Looks Mis-Encoded", warning)
		}
		keyID, err := client.BudgetKeyID(st.apiKey, st.baseURL)
		if err != nil {
			diags.AddError("Cannot Create the Interakt Client", err.Error())
			return nil, diags
		}
		budget, missing, err := newBudget(st, s, logger, keyID)
		if err != nil {
			diags.AddError("Cannot Create the Interakt Client", err.Error())
			return nil, diags
		}
		if missing != "" {
			d.apiMissing = missing
			break
		}
		d.rateBudget = budget
		d.rate = rateSetting{limit: st.rateLimit, window: budget.Window(), setting: st.budget}
		d.local, _ = budget.(*localBudget)
		api, err := client.New(client.Config{
			BaseURL:            st.baseURL,
			APIKey:             st.apiKey,
			UserAgent:          userAgent(version),
			RateLimitPerMinute: int(st.rateLimit),
			RateWindow:         rateWindow(st, s),
			Budget:             budget,
			MaxRetries:         int(st.maxRetries),
			RequestTimeout:     st.requestTimeout,
			HTTPClient:         s.httpClient,
			Logger:             logger,
			SharedListing:      sharedListing(st, s, keyID),
		})
		if err != nil {
			diags.AddError("Cannot Create the Interakt Client", err.Error())
			return nil, diags
		}
		d.api = api
	}

	switch {
	case st.statusURLUnknown:
		d.statusMissing = "The provider's status_url is not known yet."
		d.statusUnknown = true
	case st.statusURL == "":
		d.statusMissing = "No status receiver is configured. Set the provider's status_url attribute or the " +
			envStatusURL + " environment variable to the URL of your interakt-receiver."
	default:
		hc := s.httpClient
		if hc == nil {
			hc = &http.Client{Timeout: st.requestTimeout}
		}
		d.status = client.NewStatusReader(st.statusURL, st.statusToken, hc, logger)
		d.fallback = client.NewFallbackClient(st.statusURL, st.statusToken, hc, logger)
		d.noStatusToken = st.statusToken == "" && !st.statusTokenUnknown
	}
	d.journal = newJournal(st, s, logger)
	_ = ctx
	return d, diags
}

// stringSetting reads an optional string attribute, falling back to the
// environment variable env.
func stringSetting(v interface {
	IsNull() bool
	IsUnknown() bool
	ValueString() string
}, env string, getenv func(string) string) (value string, unknown bool) {
	if v.IsUnknown() {
		return "", true
	}
	if !v.IsNull() {
		return v.ValueString(), false
	}
	return getenv(env), false
}

// keyFormatWarning says what looks wrong with a key without echoing it. The
// dashboard's key is base64 of "<secret>:"; encoding it again is common.
func keyFormatWarning(key string) string {
	decoded, err := base64.StdEncoding.DecodeString(key)
	if err != nil {
		return "The API key is not base64. Interakt's dashboard shows the key already encoded (base64 of \"<secret>:\"); use it exactly as shown."
	}
	if !strings.HasSuffix(string(decoded), ":") {
		return "The API key decodes to something that does not end in \":\". Interakt's dashboard key is base64 of \"<secret>:\"; " +
			"a common mistake is to base64-encode it again. Use the key exactly as the dashboard shows it."
	}
	return ""
}

func userAgent(version string) string {
	return fmt.Sprintf("terraform-provider-interakt/%s", version)
}

func nonEmpty(values ...string) []string {
	var out []string
	for _, v := range values {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// rateWindow is the rate limit's window: a test's seam, else
// INTERAKT_RATE_WINDOW, else a minute.
func rateWindow(st providerSettings, s seams) time.Duration {
	switch {
	case s.rateWindow > 0:
		return s.rateWindow
	case st.rateWindow > 0:
		return st.rateWindow
	default:
		return ratelimit.DefaultWindow
	}
}

// newBudget returns the key's rate budget that st.budget names, or the
// reason it cannot be known yet. The local budget's file is opened on
// the first request (localBudget), so that configure needs no folder.
func newBudget(st providerSettings, s seams, logger client.Logger, keyID string) (budget ratelimit.Budget, missing string, err error) {
	window := rateWindow(st, s)
	lease := st.requestTimeout + ratelimit.LeaseMargin
	switch {
	case st.budgetUnknown:
		return nil, "The provider's budget is not known yet; it will be during apply.", nil
	case st.budget == budgetReceiver:
		if st.statusURLUnknown {
			return nil, "The provider's status_url, which keeps the key's rate budget, is not known yet; it will be during apply.", nil
		}
		hc := s.httpClient
		if hc == nil {
			hc = &http.Client{Timeout: st.requestTimeout}
		}
		return client.NewReceiverBudget(st.statusURL, st.statusToken, hc, logger, keyID, int(st.rateLimit), window, lease), "", nil
	case st.budget == budgetLocal:
		dir, dirErr := localFolder(st, s)
		return newLocalBudget(dir, dirErr, keyID, int(st.rateLimit), window, lease), "", nil
	default:
		limiter, err := ratelimit.New(int(st.rateLimit), window)
		if err != nil {
			return nil, "", err
		}
		return limiter, "", nil
	}
}

// localFolder is the folder of the local rate budget and of the shared
// template listing: a test's seam, else interakt in the user's cache
// folder as the provider's environment names it; "" and the reason when
// there is none.
func localFolder(st providerSettings, s seams) (dir, whyNot string) {
	if s.budgetDir != "" {
		return s.budgetDir, ""
	}
	return st.budgetDir, st.budgetDirErr
}

// sharedListingFreshness is how long a listing of APPROVED templates is
// reused by the other processes of the key (client.SharedListing). It
// covers what it is for, Terraform's apply process following its plan
// process: seconds apart with -auto-approve, and a person's reading of
// the plan before "yes", with the processes of other applies started
// beside it. It is short because it is how long a change in the account
// can go unseen at plan by a check that reuses it; only an approval
// withdrawn (or content edited) in that time can, and Interakt then
// refuses the send, which the apply reports. A template approved since
// is not in the reused listing, so it is listed again and found.
const sharedListingFreshness = 90 * time.Second

// sharedListing is where the key's APPROVED listing is shared with the
// other processes of this machine: a file beside the local rate budget's.
// budget "process" shares nothing with other processes, this neither
// (tests that need a listing of their own set it); nil when there is no
// folder for it, which only loses the reuse.
func sharedListing(st providerSettings, s seams, keyID string) client.SharedListing {
	if st.budget == budgetProcess {
		return nil
	}
	dir, _ := localFolder(st, s)
	if dir == "" {
		return nil
	}
	return client.NewListingFile(dir, keyID, sharedListingFreshness)
}

// newJournal returns the send journal: the status receiver's when
// status_url is set, so that a run killed on one machine is recovered on
// another, else a local folder in the working directory.
func newJournal(st providerSettings, s seams, logger client.Logger) *sendJournal {
	if st.statusURL != "" {
		hc := s.httpClient
		if hc == nil {
			hc = &http.Client{Timeout: st.requestTimeout}
		}
		return newSendJournal(client.NewJournalClient(st.statusURL, st.statusToken, hc, logger))
	}
	dir := s.journalDir
	if dir == "" {
		dir = st.journalDir
	}
	return newSendJournal(journal.NewDir(dir))
}
