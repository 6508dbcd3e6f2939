package provider

import (
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

const fallbackType = "interakt_fallback"

// validFallback is a rule every check accepts; each call returns a fresh
// copy.
func validFallback() map[string]any {
	return map[string]any{
		"name":              "sms",
		"url":               "https://sms-gateway.example.com/hooks/whatsapp",
		"secret":            "fallback-secret",
		"on":                []any{"failed", "undelivered"},
		"undelivered_after": "15m",
		"templates":         []any{map[string]any{"name": "otp", "language_code": "en"}},
	}
}

// TestFallbackValidationTable drives bad rules through
// ValidateResourceConfig: each mistake is one error at its attribute,
// before anything reaches the receiver.
func TestFallbackValidationTable(t *testing.T) {
	t.Parallel()
	const e = tfprotov6.DiagnosticSeverityError
	tests := []struct {
		name   string
		mutate func(c map[string]any)
		want   wantDiag
	}{
		{"name with a colon", func(c map[string]any) { c["name"] = "sms:us" }, wantDiag{e, "Invalid Attribute Value Match", "name"}},
		{"name too long", func(c map[string]any) { c["name"] = string(make([]byte, 65)) }, wantDiag{e, "Invalid Attribute Value Match", "name"}},
		{"http to another host", func(c map[string]any) { c["url"] = "http://sms-gateway.example.com/hook" }, wantDiag{e, "Invalid Fallback URL", "url"}},
		{"ftp", func(c map[string]any) { c["url"] = "ftp://sms-gateway.example.com/hook" }, wantDiag{e, "Invalid Fallback URL", "url"}},
		{"relative URL", func(c map[string]any) { c["url"] = "/hooks/whatsapp" }, wantDiag{e, "Invalid Fallback URL", "url"}},
		{"credentials in the URL", func(c map[string]any) { c["url"] = "https://user:pw@sms-gateway.example.com/hook" }, wantDiag{e, "Invalid Fallback URL", "url"}},
		{"unknown on value", func(c map[string]any) { c["on"] = []any{"undelivered", "read"} }, wantDiag{e, "Invalid Attribute Value Match", "on"}},
		{"on empty", func(c map[string]any) { c["on"], c["undelivered_after"] = []any{}, nil }, wantDiag{e, "Invalid Attribute Value", "on"}},
		{"undelivered without undelivered_after", func(c map[string]any) { c["undelivered_after"] = nil }, wantDiag{e, "Missing undelivered_after", "undelivered_after"}},
		{"undelivered_after without undelivered", func(c map[string]any) { c["on"] = []any{"failed"} }, wantDiag{e, "Unused undelivered_after", "undelivered_after"}},
		{"undelivered_after below 1s", func(c map[string]any) { c["undelivered_after"] = "500ms" }, wantDiag{e, "Invalid undelivered_after", "undelivered_after"}},
		{"undelivered_after past 7d", func(c map[string]any) { c["undelivered_after"] = "8d" }, wantDiag{e, "Invalid undelivered_after", "undelivered_after"}},
		{"undelivered_after not whole seconds", func(c map[string]any) { c["undelivered_after"] = "1.5s" }, wantDiag{e, "Invalid undelivered_after", "undelivered_after"}},
		{"undelivered_after without unit", func(c map[string]any) { c["undelivered_after"] = "900" }, wantDiag{e, "Invalid undelivered_after", "undelivered_after"}},
		{"template twice", func(c map[string]any) {
			c["templates"] = []any{
				map[string]any{"name": "otp", "language_code": "en"},
				map[string]any{"name": "otp", "language_code": "hi"},
				map[string]any{"name": "otp", "language_code": "en"},
			}
		}, wantDiag{e, "Duplicate Template", "templates[2]"}},
		{"template without name", func(c map[string]any) {
			c["templates"] = []any{map[string]any{"name": "", "language_code": "en"}}
		}, wantDiag{e, "Invalid Attribute Value Length", "templates[0].name"}},
		{"no secret", func(c map[string]any) { c["secret"] = nil }, wantDiag{e, "Missing Attribute Configuration", "(none)"}},
		{"empty secret", func(c map[string]any) { c["secret"] = "" }, wantDiag{e, "Invalid Attribute Value Length", "secret"}},
		{"secret_wo_version without secret_wo", func(c map[string]any) { c["secret_wo_version"] = 2 }, wantDiag{e, "Invalid Attribute Combination", "secret_wo_version"}},
	}

	p := newProtocolServer(t, testSeams())
	if diags := p.configure(nil); len(diags) != 0 {
		t.Fatalf("configure: %s", diagString(diags))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := validFallback()
			tt.mutate(cfg)
			expectOnlyUserDiag(t, "validate", p.validate(fallbackType, cfg), tt.want)
		})
	}
	t.Run("valid rules", func(t *testing.T) {
		for _, mutate := range []func(c map[string]any){
			func(map[string]any) {},
			func(c map[string]any) { c["url"] = "http://127.0.0.1:8080/hook" },
			func(c map[string]any) { c["url"] = "http://localhost/hook" },
			func(c map[string]any) { c["url"] = "http://[::1]:9000/hook" },
			func(c map[string]any) { c["on"], c["undelivered_after"], c["templates"] = []any{"failed"}, nil, nil },
			func(c map[string]any) { c["undelivered_after"] = "7d" },
			func(c map[string]any) { c["undelivered_after"] = "1s" },
			func(c map[string]any) { c["templates"] = []any{} },
		} {
			cfg := validFallback()
			mutate(cfg)
			if diags := p.validate(fallbackType, cfg); len(diags) != 0 {
				t.Errorf("validate %v:\n%s", cfg, diagString(diags))
			}
		}
	})
	t.Run("no status receiver at plan", func(t *testing.T) {
		plan := p.planCreate(fallbackType, validFallback())
		if findDiag(plan.Diagnostics, wantDiag{e, "Missing Status Receiver URL", "(none)"}) == nil {
			t.Errorf("plan without status_url: want Missing Status Receiver URL, got:\n%s", diagString(plan.Diagnostics))
		}
	})
	t.Run("no status token at plan", func(t *testing.T) {
		p := newProtocolServer(t, testSeams().withEnv(envStatusURL, "https://hooks.example.com"))
		if diags := p.configure(nil); len(diags) != 0 {
			t.Fatalf("configure: %s", diagString(diags))
		}
		plan := p.planCreate(fallbackType, validFallback())
		if findDiag(plan.Diagnostics, wantDiag{e, "Missing Status Token", "(none)"}) == nil {
			t.Errorf("plan without status_token: want Missing Status Token, got:\n%s", diagString(plan.Diagnostics))
		}
	})
}

func TestUndeliveredAfterForms(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]time.Duration{"1s": time.Second, "15m": 15 * time.Minute, "1h30m": 90 * time.Minute, "1d": 24 * time.Hour, "7d": 7 * 24 * time.Hour, "168h": 7 * 24 * time.Hour} {
		if got, err := parseUndeliveredAfter(in); err != nil || got != want {
			t.Errorf("parseUndeliveredAfter(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0s", "-1m", "d", "1.5d", "7d1s", "2w"} {
		if got, err := parseUndeliveredAfter(in); err == nil {
			t.Errorf("parseUndeliveredAfter(%q) = %v; want an error", in, got)
		}
	}
	for seconds, want := range map[int64]string{1: "1s", 90: "1m30s", 900: "15m", 3600: "1h", 5400: "1h30m", 86400: "24h", 3661: "1h1m1s"} {
		if got := formatUndeliveredAfter(seconds); got != want {
			t.Errorf("formatUndeliveredAfter(%d) = %q, want %q", seconds, got, want)
		}
		if back, err := parseUndeliveredAfter(formatUndeliveredAfter(seconds)); err != nil || int64(back/time.Second) != seconds {
			t.Errorf("formatUndeliveredAfter(%d) does not read back: %v, %v", seconds, back, err)
		}
	}
}

// TestKeepFallbackKeepsTheConfiguredSpelling reads a rule back as the
// receiver answers it: what the receiver holds the same as the state is
// kept as written (no drift), and what differs is the receiver's.
func TestKeepFallbackKeepsTheConfiguredSpelling(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	templates := func(pairs ...string) types.List {
		var out []fallbackTemplateModel
		for i := 0; i < len(pairs); i += 2 {
			out = append(out, fallbackTemplateModel{Name: types.StringValue(pairs[i]), LanguageCode: types.StringValue(pairs[i+1])})
		}
		l, _ := types.ListValueFrom(ctx, fallbackTemplateType, out)
		return l
	}
	state := func(after types.String, tl types.List) fallbackModel {
		return fallbackModel{Name: types.StringValue("sms"), UndeliveredAfter: after, Templates: tl}
	}
	kept := wire.Fallback{Name: "sms", URL: "https://x.example.com", On: []string{"failed", "undelivered"}, UndeliveredAfterSeconds: 3600,
		Templates: []wire.FallbackTemplate{{Name: "a", LanguageCode: "en"}, {Name: "b", LanguageCode: "en"}}}
	tests := []struct {
		name          string
		m             fallbackModel
		kept          wire.Fallback
		wantAfter     types.String
		wantTemplates types.List
	}{
		{"same seconds, same templates reordered", state(types.StringValue("60m"), templates("b", "en", "a", "en")), kept,
			types.StringValue("60m"), templates("b", "en", "a", "en")},
		{"other seconds, other templates", state(types.StringValue("15m"), templates("a", "en")), kept,
			types.StringValue("1h"), templates("a", "en", "b", "en")},
		{"no templates as null", state(types.StringNull(), types.ListNull(fallbackTemplateType)),
			wire.Fallback{Name: "sms", On: []string{"failed"}, Templates: []wire.FallbackTemplate{}},
			types.StringNull(), types.ListNull(fallbackTemplateType)},
		{"no templates as empty", state(types.StringNull(), templates()),
			wire.Fallback{Name: "sms", On: []string{"failed"}, Templates: []wire.FallbackTemplate{}},
			types.StringNull(), templates()},
	}
	for _, tt := range tests {
		m := tt.m
		if diags := keepFallback(ctx, &m, tt.kept); diags.HasError() {
			t.Fatalf("%s: %v", tt.name, diags)
		}
		if !m.UndeliveredAfter.Equal(tt.wantAfter) || !m.Templates.Equal(tt.wantTemplates) {
			t.Errorf("%s: undelivered_after %s, templates %s; want %s, %s", tt.name, m.UndeliveredAfter, m.Templates, tt.wantAfter, tt.wantTemplates)
		}
	}
}
