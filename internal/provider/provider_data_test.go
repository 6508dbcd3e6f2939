package provider

import (
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// resolveSettings is a function of the provider block and the environment
// it is given, and of nothing else: the block wins, the environment fills
// in, the defaults fill the rest.
func TestResolveSettings(t *testing.T) {
	t.Parallel()
	defaults := providerSettings{
		baseURL:        defaultBaseURL,
		rateLimit:      defaultRateLimit,
		maxRetries:     defaultMaxRetries,
		requestTimeout: defaultRequestTimeout,
		budget:         budgetLocal,
		journalDir:     filepath.Join(".terraform", journalFolder),
		budgetDirErr:   noCacheFolder(),
	}
	with := func(change func(*providerSettings)) providerSettings {
		st := defaults
		change(&st)
		return st
	}
	fullEnv := map[string]string{
		envAPIKey: "env-key", envBaseURL: "http://env.example", envRateLimit: "7", envDryRun: "true",
		envStatusURL: "http://status.example", envStatusToken: "env-token", envJournalDir: "/journal",
	}
	for _, tc := range []struct {
		name string
		cfg  providerModel
		env  map[string]string
		want providerSettings
	}{
		{name: "nothing set", want: defaults},
		{name: "everything from the environment", env: fullEnv, want: providerSettings{
			apiKey: "env-key", baseURL: "http://env.example", rateLimit: 7, maxRetries: defaultMaxRetries,
			requestTimeout: defaultRequestTimeout, dryRun: true, statusURL: "http://status.example",
			statusToken: "env-token", journalDir: "/journal", budget: budgetReceiver, budgetDirErr: noCacheFolder(),
		}},
		{name: "the block wins over the environment", env: fullEnv, cfg: providerModel{
			APIKey: types.StringValue("block-key"), BaseURL: types.StringValue("https://block.example"),
			RateLimitPerMinute: types.Int64Value(20), DryRun: types.BoolValue(false),
			StatusURL: types.StringValue("https://status.block"), StatusToken: types.StringValue("block-token"),
			MaxRetries: types.Int64Value(0), MaxSendsPerApply: types.Int64Value(5), RequestTimeout: types.StringValue("5s"),
		}, want: providerSettings{
			apiKey: "block-key", baseURL: "https://block.example", rateLimit: 20, maxRetries: 0, maxSends: 5,
			requestTimeout: 5 * time.Second, statusURL: "https://status.block", statusToken: "block-token", journalDir: "/journal",
			budget: budgetReceiver, budgetDirErr: noCacheFolder(),
		}},
		{name: "unknown key and status URL", env: fullEnv, cfg: providerModel{
			APIKey: types.StringUnknown(), StatusURL: types.StringUnknown(),
		}, want: providerSettings{
			baseURL: "http://env.example", apiUnknown: true, keyUnknown: true, rateLimit: 7, maxRetries: defaultMaxRetries,
			requestTimeout: defaultRequestTimeout, dryRun: true, statusURLUnknown: true, statusToken: "env-token", journalDir: "/journal",
			budget: budgetReceiver, budgetDirErr: noCacheFolder(),
		}},
		{name: "budget and window from the environment", env: map[string]string{envBudget: "process", envRateWindow: "3s"},
			want: with(func(st *providerSettings) { st.budget, st.rateWindow = budgetProcess, 3*time.Second })},
		{name: "the block's budget wins", env: map[string]string{envBudget: "process", envStatusURL: "http://status.example"},
			cfg:  providerModel{Budget: types.StringValue("local")},
			want: with(func(st *providerSettings) { st.budget, st.statusURL = budgetLocal, "http://status.example" })},
		{name: "journal in TF_DATA_DIR", env: map[string]string{"TF_DATA_DIR": "/data"},
			want: with(func(st *providerSettings) { st.journalDir = filepath.Join("/data", journalFolder) })},
		{name: "budget folder in the user's cache folder", env: map[string]string{"HOME": "/home/u", "XDG_CACHE_HOME": "/cache", "LocalAppData": "/cache"},
			want: with(func(st *providerSettings) { st.budgetDir, st.budgetDirErr = cacheFolder("/home/u", "/cache"), "" })},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, diags := resolveSettings(tc.cfg, func(k string) string { return tc.env[k] })
			if diags.HasError() {
				t.Fatalf("diagnostics: %v", diags)
			}
			if got != tc.want {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

// noCacheFolder is why an empty environment has no user cache folder.
func noCacheFolder() string {
	_, err := userCacheDir(func(string) string { return "" })
	return err.Error()
}

// cacheFolder is the local budget's folder for a home and a cache folder
// (XDG_CACHE_HOME, LocalAppData), as this system places it.
func cacheFolder(home, cache string) string {
	switch runtime.GOOS {
	case "darwin", "ios":
		return filepath.Join(home, "Library", "Caches", budgetFolder)
	default:
		return filepath.Join(cache, budgetFolder)
	}
}
