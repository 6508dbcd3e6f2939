package provider

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/interakt-community/terraform-provider-interakt/internal/client"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// fallbackNamePattern is what the receiver accepts as a rule's name: a
// path segment, and part of every hand-off's idempotency key.
var fallbackNamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

const fallbackNameRule = "must be 1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit"

// Bounds of undelivered_after, the receiver's.
const (
	minUndeliveredAfter = time.Second
	maxUndeliveredAfter = 7 * 24 * time.Hour
)

// fallbackTemplateModel is one element of templates.
type fallbackTemplateModel struct {
	Name         types.String `tfsdk:"name"`
	LanguageCode types.String `tfsdk:"language_code"`
}

var fallbackTemplateType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"name":          types.StringType,
	"language_code": types.StringType,
}}

// ValidateConfig checks what spans attributes: undelivered_after goes with
// on's "undelivered", and each template is listed once.
func (r *fallbackResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m fallbackModel
	resp.Diagnostics.Append(getModel(ctx, req.Config, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !m.On.IsUnknown() && !m.On.IsNull() {
		undelivered := slices.ContainsFunc(m.On.Elements(), func(v attr.Value) bool {
			s, ok := v.(types.String)
			return ok && s.ValueString() == wire.FallbackOnUndelivered
		})
		switch {
		case undelivered && m.UndeliveredAfter.IsNull():
			resp.Diagnostics.AddAttributeError(path.Root("undelivered_after"), "Missing undelivered_after",
				`on lists "undelivered", so undelivered_after must say how long a sent message may go neither delivered nor read `+
					`before it is handed off, such as "15m" (from 1s to 7d).`)
		case !undelivered && !m.UndeliveredAfter.IsNull():
			resp.Diagnostics.AddAttributeError(path.Root("undelivered_after"), "Unused undelivered_after",
				`undelivered_after is set, but on does not list "undelivered", so it would never apply. Add "undelivered" to on, or remove undelivered_after.`)
		}
	}
	if m.Templates.IsUnknown() || m.Templates.IsNull() {
		return
	}
	seen := map[[2]string]int{}
	for i, v := range m.Templates.Elements() {
		obj, ok := v.(types.Object)
		if !ok || obj.IsNull() || obj.IsUnknown() {
			continue
		}
		var t fallbackTemplateModel
		if diags := obj.As(ctx, &t, basetypes.ObjectAsOptions{}); diags.HasError() || t.Name.IsUnknown() || t.LanguageCode.IsUnknown() {
			continue
		}
		key := [2]string{t.Name.ValueString(), t.LanguageCode.ValueString()}
		if first, ok := seen[key]; ok {
			resp.Diagnostics.AddAttributeError(path.Root("templates").AtListIndex(i), "Duplicate Template",
				fmt.Sprintf("The template %q (%s) is listed already at templates[%d]. List each template once.", key[0], key[1], first))
			continue
		}
		seen[key] = i
	}
}

// fallbackURLValidator accepts an https URL, or an http one to a loopback
// host, without credentials: the receiver's rule, checked at plan.
type fallbackURLValidator struct{}

func (fallbackURLValidator) Description(context.Context) string {
	return "value must be an https URL, or an http URL to a loopback address"
}

func (v fallbackURLValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v fallbackURLValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if problem := fallbackURLProblem(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Fallback URL", problem)
	}
}

// fallbackURLProblem says what is wrong with a rule's URL, or "".
func fallbackURLProblem(raw string) string {
	u, err := url.Parse(raw)
	switch {
	case err != nil || !u.IsAbs() || u.Hostname() == "":
		return "The value must be an absolute https URL, such as https://sms-gateway.example.com/hooks/whatsapp (or http to a loopback address)."
	case u.User != nil:
		return "The URL carries credentials, which would be kept and logged with it; remove them: the rule's secret signs each hand-off."
	case u.Fragment != "":
		return "The URL has a fragment (#...), which is never sent; remove it."
	case u.Scheme == "https":
		return ""
	case u.Scheme == "http" && isLoopbackHost(u.Hostname()):
		return ""
	case u.Scheme == "http":
		return fmt.Sprintf("Hand-offs carry customers' phone numbers, so http is allowed only to a loopback address (localhost, 127.0.0.0/8, ::1), "+
			"not to %q. Use https.", u.Hostname())
	default:
		return fmt.Sprintf("The scheme %q is not https (or http to a loopback address).", u.Scheme)
	}
}

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// undeliveredAfterValidator accepts a duration from 1s to 7d in whole
// seconds (parseUndeliveredAfter).
type undeliveredAfterValidator struct{}

func (undeliveredAfterValidator) Description(context.Context) string {
	return `value must be a duration from 1s to 7d in whole seconds, such as "15m", "2h" or "1d"`
}

func (v undeliveredAfterValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v undeliveredAfterValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := parseUndeliveredAfter(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid undelivered_after", err.Error())
	}
}

// parseUndeliveredAfter reads a Go duration ("15m", "1h30m") or a whole
// number of days ("7d"), from 1s to 7d and in whole seconds, which is
// how the receiver keeps it.
func parseUndeliveredAfter(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if days, ok := strings.CutSuffix(s, "d"); ok && err != nil {
		n, convErr := strconv.Atoi(days)
		d, err = time.Duration(n)*24*time.Hour, convErr
	}
	switch {
	case err != nil:
		return 0, fmt.Errorf(`%q is not a duration: give a number and a unit, such as "15m", "2h" or "1d"`, s)
	case d < minUndeliveredAfter || d > maxUndeliveredAfter:
		return 0, fmt.Errorf("%q is not from 1s to 7d", s)
	case d%time.Second != 0:
		return 0, fmt.Errorf("%q is not a whole number of seconds", s)
	}
	return d, nil
}

// formatUndeliveredAfter writes seconds the short way: 900 is "15m", 5400
// "1h30m".
func formatUndeliveredAfter(seconds int64) string {
	s := (time.Duration(seconds) * time.Second).String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// fallbackSecret is the secret config gives: secret, or the write-only
// secret_wo, which only the configuration holds.
func fallbackSecret(ctx context.Context, config tfsdk.Config, m fallbackModel) (string, diag.Diagnostics) {
	if !m.Secret.IsNull() && !m.Secret.IsUnknown() {
		return m.Secret.ValueString(), nil
	}
	var wo types.String
	diags := config.GetAttribute(ctx, path.Root("secret_wo"), &wo)
	if diags.HasError() {
		return "", diags
	}
	if wo.IsNull() || wo.IsUnknown() || wo.ValueString() == "" {
		diags.AddAttributeError(path.Root("secret_wo"), "Missing Fallback Secret",
			"Neither secret nor secret_wo has a value at apply, and the receiver signs every hand-off with it. Nothing was written. "+
				"Give exactly one of secret and secret_wo.")
	}
	return wo.ValueString(), diags
}

// fallbackWire is m as the receiver takes it, with secret.
func fallbackWire(ctx context.Context, m fallbackModel, secret string) (wire.Fallback, diag.Diagnostics) {
	var diags diag.Diagnostics
	rule := wire.Fallback{Name: m.Name.ValueString(), URL: m.URL.ValueString(), Secret: secret, Templates: []wire.FallbackTemplate{}}
	diags.Append(m.On.ElementsAs(ctx, &rule.On, false)...)
	slices.Sort(rule.On)
	if !m.UndeliveredAfter.IsNull() {
		d, err := parseUndeliveredAfter(m.UndeliveredAfter.ValueString())
		if err != nil {
			diags.AddAttributeError(path.Root("undelivered_after"), "Invalid undelivered_after", err.Error()+" Nothing was written.")
		}
		rule.UndeliveredAfterSeconds = int64(d / time.Second)
	}
	if !m.Templates.IsNull() {
		var templates []fallbackTemplateModel
		diags.Append(m.Templates.ElementsAs(ctx, &templates, false)...)
		for _, t := range templates {
			rule.Templates = append(rule.Templates, wire.FallbackTemplate{Name: t.Name.ValueString(), LanguageCode: t.LanguageCode.ValueString()})
		}
	}
	return rule, diags
}

// keepFallback sets m to the rule as the receiver keeps it, keeping m's
// own spelling of what the receiver holds the same: its undelivered_after
// ("1h" for 3600 seconds), its order of templates, and null for none.
func keepFallback(ctx context.Context, m *fallbackModel, kept wire.Fallback) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ID, m.Name, m.URL = types.StringValue(kept.Name), types.StringValue(kept.Name), types.StringValue(kept.URL)
	on, d := types.SetValueFrom(ctx, types.StringType, kept.On)
	diags.Append(d...)
	m.On = on

	switch {
	case kept.UndeliveredAfterSeconds == 0:
		m.UndeliveredAfter = types.StringNull()
	case m.UndeliveredAfter.IsNull() || m.UndeliveredAfter.IsUnknown():
		m.UndeliveredAfter = types.StringValue(formatUndeliveredAfter(kept.UndeliveredAfterSeconds))
	default:
		if prior, err := parseUndeliveredAfter(m.UndeliveredAfter.ValueString()); err != nil || int64(prior/time.Second) != kept.UndeliveredAfterSeconds {
			m.UndeliveredAfter = types.StringValue(formatUndeliveredAfter(kept.UndeliveredAfterSeconds))
		}
	}

	var prior []fallbackTemplateModel
	if !m.Templates.IsNull() && !m.Templates.IsUnknown() {
		diags.Append(m.Templates.ElementsAs(ctx, &prior, false)...)
	}
	if sameTemplates(prior, kept.Templates) {
		if m.Templates.IsUnknown() {
			m.Templates = types.ListNull(fallbackTemplateType)
		}
		return diags
	}
	out := make([]fallbackTemplateModel, 0, len(kept.Templates))
	for _, t := range kept.Templates {
		out = append(out, fallbackTemplateModel{Name: types.StringValue(t.Name), LanguageCode: types.StringValue(t.LanguageCode)})
	}
	m.Templates, d = types.ListValueFrom(ctx, fallbackTemplateType, out)
	diags.Append(d...)
	return diags
}

// sameTemplates tells whether prior lists the templates kept, in any
// order.
func sameTemplates(prior []fallbackTemplateModel, kept []wire.FallbackTemplate) bool {
	if len(prior) != len(kept) {
		return false
	}
	for _, p := range prior {
		if !slices.Contains(kept, wire.FallbackTemplate{Name: p.Name.ValueString(), LanguageCode: p.LanguageCode.ValueString()}) {
			return false
		}
	}
	return true
}

// fallbackReceiverMissing is the error of a rule's operation when the
// provider has no status receiver (status_url) or no status_token to keep
// rules with. operation says what needed it and outcome what did not
// happen.
func fallbackReceiverMissing(d *providerData, operation, outcome string) (diag.Diagnostic, bool) {
	switch {
	case d == nil:
		return providerNotConfigured(strings.ToLower(operation[:1]) + operation[1:]), true
	case d.fallback == nil:
		detail := d.statusMissing
		if !strings.Contains(detail, envStatusURL) {
			detail += " (provider attribute status_url, environment variable " + envStatusURL + ")"
		}
		return diag.NewErrorDiagnostic("Missing Status Receiver URL",
			operation+" needs the status receiver, which keeps fallback rules, so "+outcome+". "+detail+
				" Its status_token (or "+envStatusToken+") must be one of the receiver's tokens."), true
	case d.noStatusToken:
		return diag.NewErrorDiagnostic("Missing Status Token",
			operation+" needs the status receiver's token, so "+outcome+". Set the provider's status_token attribute or the "+
				envStatusToken+" environment variable to one of the tokens the receiver at status_url accepts."), true
	}
	return nil, false
}

// fallbackRequestFailed explains a failed request for a rule: the
// receiver's refusal names status_token; any other error says what to do.
func fallbackRequestFailed(err error, operation, next string) diag.Diagnostic {
	if d, ok := receiverRefused(err, next); ok {
		return d
	}
	summary := "Fallback Rule Request Failed"
	if client.KindOf(err) == client.KindRejected {
		summary = "Status Receiver Refused the Fallback Rule"
	}
	return diag.NewErrorDiagnostic(summary,
		fmt.Sprintf("%s failed: %s\n\n%s Check the provider's status_url and status_token (env %s, %s).",
			operation, err, next, envStatusURL, envStatusToken))
}
