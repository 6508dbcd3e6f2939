package provider

import (
	"context"
	"net/http"
	"os"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/list"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ provider.Provider                  = &InteraktProvider{}
	_ provider.ProviderWithFunctions     = &InteraktProvider{}
	_ provider.ProviderWithActions       = &InteraktProvider{}
	_ provider.ProviderWithListResources = &InteraktProvider{}
)

// InteraktProvider is the provider implementation.
type InteraktProvider struct {
	// version is set by the release build, "dev" for local builds and "test"
	// in acceptance tests. It is sent in the client's User-Agent.
	version string
	seams   seams
}

// seams are what tests inject: a shorter rate window to match a mock
// server's, a transport, a faster status poll, and the environment.
type seams struct {
	rateWindow   time.Duration
	httpClient   *http.Client
	pollInterval time.Duration
	// journalDir, when set, is the local send journal's folder.
	journalDir string
	// budgetDir, when set, is the local rate budget's folder (else the
	// user's cache folder).
	budgetDir string
	// getenv is where the settings' environment variables are read; nil
	// means the process environment (os.Getenv).
	getenv func(string) string
}

// env returns the environment the provider's settings fall back to.
func (s seams) env() func(string) string {
	if s.getenv == nil {
		return os.Getenv
	}
	return s.getenv
}

// New returns the provider factory that main serves.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &InteraktProvider{version: version}
	}
}

// providerModel is the provider block.
type providerModel struct {
	APIKey             types.String `tfsdk:"api_key"`
	BaseURL            types.String `tfsdk:"base_url"`
	RateLimitPerMinute types.Int64  `tfsdk:"rate_limit_per_minute"`
	MaxRetries         types.Int64  `tfsdk:"max_retries"`
	DryRun             types.Bool   `tfsdk:"dry_run"`
	MaxSendsPerApply   types.Int64  `tfsdk:"max_sends_per_apply"`
	RequestTimeout     types.String `tfsdk:"request_timeout"`
	StatusURL          types.String `tfsdk:"status_url"`
	StatusToken        types.String `tfsdk:"status_token"`
	Budget             types.String `tfsdk:"budget"`
}

func (p *InteraktProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "interakt"
	resp.Version = p.version
}

func (p *InteraktProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Sends WhatsApp template messages through Interakt's public API and reads their status from the bundled status receiver. " +
			"No setting is needed to validate or plan; only a send needs `api_key`.",
		Attributes: map[string]schema.Attribute{
			"api_key": schema.StringAttribute{
				MarkdownDescription: "Interakt API key, exactly as the dashboard's Developer Settings show it (already base64 of `<secret>:`); sent after `Basic `. " +
					"Needed only to send or to list templates. Prefer the `" + envAPIKey + "` environment variable: a value in configuration is stored in saved plan files.",
				Optional:  true,
				Sensitive: true,
			},
			"base_url": schema.StringAttribute{
				MarkdownDescription: "Interakt API base URL. Defaults to `" + defaultBaseURL + "`; env `" + envBaseURL + "`.",
				Optional:            true,
				Validators:          []validator.String{httpURLValidator{}},
			},
			"rate_limit_per_minute": schema.Int64Attribute{
				MarkdownDescription: "Most requests the API key may receive in any 60-second window, from every process and runner that uses it (see `budget`): " +
					"sends, template listings and creations alike. Defaults to 40; env `" + envRateLimit + "`. Interakt documents 40 a minute; some plans allow 300 or 600. " +
					"Set the same value in every configuration that uses the key.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: "How many times a request the API certainly did not process (HTTP 429, connection refused) is retried. Defaults to 3. A request the API may have processed is never retried.",
				Optional:            true,
				Validators:          []validator.Int64{int64validator.Between(0, 10)},
			},
			"dry_run": schema.BoolAttribute{
				MarkdownDescription: "Build, validate and log every payload but send nothing: ids are `dry-run-<uuid>` and status `dry_run`. Env `" + envDryRun + "`.",
				Optional:            true,
			},
			"max_sends_per_apply": schema.Int64Attribute{
				MarkdownDescription: "Most messages this provider process sends; past it sends stop with a diagnostic and what was sent is saved. Unset means no cap.",
				Optional:            true,
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: "Time limit of one HTTP request, as a Go duration. Defaults to `30s`.",
				Optional:            true,
				Validators:          []validator.String{durationValidator{}},
			},
			"status_url": schema.StringAttribute{
				MarkdownDescription: "Base URL of the status receiver (`interakt-receiver`) that `interakt_message_status` reads and that keeps `interakt_fallback` rules. Env `" + envStatusURL + "`. " +
					"When set, the receiver also keeps the send journal (so a killed apply is recovered on another machine; sends stop " +
					"while it cannot be reached) and, by default, the key's rate budget (see `budget`), campaign refreshes read delivery statuses from it, and uncertain sends are settled " +
					"from its webhooks. Without it, the journal lives in `.terraform/interakt-journal` in the working directory.",
				Optional:   true,
				Validators: []validator.String{httpURLValidator{}},
			},
			"budget": schema.StringAttribute{
				MarkdownDescription: "Where the key's rate budget (`rate_limit_per_minute`) is kept, so that every process using the key shares it: " +
					"`local`, a small file per key and machine in the user's cache folder (`$XDG_CACHE_HOME/interakt` or `~/.cache/interakt` on Linux, " +
					"`~/Library/Caches/interakt` on macOS, `%LocalAppData%\\interakt` on Windows), shared by every process of the machine and opened at the first request; " +
					"where no folder can hold it, the provider process keeps the budget alone, with a warning; " +
					"`receiver`, the status receiver's database, shared by every runner that uses the receiver (needs `status_url`); " +
					"`process`, this provider process alone (for tests). Defaults to `receiver` when `status_url` is set, else `local`; env `" + envBudget + "`. " +
					"Nothing is sent while an opened budget cannot be reached. A request's wait for it over 2 s is logged at INFO, and a run whose requests waited over 10 s ends with a warning. A 429 from the API (another client of the key) marks the window full for every process " +
					"and is retried with exponential backoff for three windows before the send fails.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(budgetLocal, budgetReceiver, budgetProcess)},
			},
			"status_token": schema.StringAttribute{
				MarkdownDescription: "Bearer token of the status receiver. Env `" + envStatusToken + "`.",
				Optional:            true,
				Sensitive:           true,
			},
		},
	}
}

func (p *InteraktProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(getModel(ctx, req.Config, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	data, diags := newProviderData(ctx, cfg, p.version, p.seams)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.ActionData = data
	resp.ListResourceData = data
}

// ListResources are the provider's lists for `terraform query`.
func (p *InteraktProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		NewTemplateListResource,
	}
}

func (p *InteraktProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewTemplateResource,
		NewTemplateMessageResource,
		NewCampaignResource,
		NewUserResource,
		NewEventResource,
		NewFallbackResource,
	}
}

func (p *InteraktProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewMessageStatusDataSource,
		NewTemplatesDataSource,
	}
}

func (p *InteraktProvider) Functions(_ context.Context) []func() function.Function {
	return []func() function.Function{
		NewTemplatePayloadFunction,
		NewParsePhoneFunction,
		NewTemplateVariablesFunction,
	}
}

func (p *InteraktProvider) Actions(_ context.Context) []func() action.Action {
	return []func() action.Action{
		NewSendTemplateAction,
		NewTrackEventAction,
	}
}
