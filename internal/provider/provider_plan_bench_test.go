package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/interakt-community/terraform-provider-interakt/internal/schemaonly"
	"github.com/interakt-community/terraform-provider-interakt/internal/serve"
)

// BenchmarkPlanPair validates and plans one interakt_template and one
// interakt_template_message against it over the plugin protocol in
// process, as Terraform does for each pair of the CLI plan benchmark
// (scripts/bench.sh). "provider" is the provider; "schema-only" the same
// schemas with none of its checks, given the same message, so their
// difference is the plan cost of the provider's own code per pair;
// "schema-only-unknown-contract" is what the CLI benchmark's schema-only
// twin plans, whose templates compute no contract, so that each message's
// template is unknown. Its difference to "schema-only" is what the
// framework spends walking a known contract in every message.
func BenchmarkPlanPair(b *testing.B) {
	// An empty environment: a key found in the process would make the plan
	// read the account.
	noEnv := seams{getenv: func(string) string { return "" }, journalDir: b.TempDir()}
	provided := func() provider.Provider { return &InteraktProvider{version: "bench", seams: noEnv} }
	schemaOnly := func() provider.Provider {
		return schemaonly.Provider(&InteraktProvider{version: "bench", seams: noEnv})
	}
	for _, variant := range []struct {
		name            string
		new             func() provider.Provider
		unknownContract bool
	}{
		{"provider", provided, false},
		{"schema-only", schemaOnly, false},
		{"schema-only-unknown-contract", schemaOnly, true},
	} {
		b.Run(variant.name, func(b *testing.B) {
			server := serve.Server(variant.new(), BulkAttributes)
			p := &protocolServer{t: b, server: server}
			var err error
			p.schemas, err = server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
			if err != nil {
				b.Fatal(err)
			}
			p.configure(nil)
			tmpl := p.protocolPlan("interakt_template", benchTemplateConfig())
			message := benchMessageConfig()
			if variant.unknownContract {
				message["template"] = Unknown
			}
			msg := p.protocolPlan("interakt_template_message", message)
			b.ReportAllocs()
			for b.Loop() {
				tmpl.run(b, p.server)
				msg.run(b, p.server)
			}
		})
	}
}

// protocolPlan is the ValidateResourceConfig and PlanResourceChange
// requests of one resource's create.
type protocolPlan struct {
	validate *tfprotov6.ValidateResourceConfigRequest
	plan     *tfprotov6.PlanResourceChangeRequest
}

func (p *protocolServer) protocolPlan(typeName string, config map[string]any) protocolPlan {
	typ := p.resourceType(typeName)
	cfg := p.toDynamic(typ, p.value(typ, config))
	return protocolPlan{
		validate: &tfprotov6.ValidateResourceConfigRequest{TypeName: typeName, Config: cfg},
		plan: &tfprotov6.PlanResourceChangeRequest{
			TypeName:         typeName,
			PriorState:       p.toDynamic(typ, tftypes.NewValue(typ, nil)),
			ProposedNewState: cfg,
			Config:           cfg,
		},
	}
}

func (r protocolPlan) run(b *testing.B, server tfprotov6.ProviderServer) {
	ctx := context.Background()
	v, err := server.ValidateResourceConfig(ctx, r.validate)
	if err != nil || len(v.Diagnostics) > 0 {
		b.Fatalf("validate %s: %v %s", r.validate.TypeName, err, diagString(v.Diagnostics))
	}
	p, err := server.PlanResourceChange(ctx, r.plan)
	if err != nil || len(p.Diagnostics) > 0 {
		b.Fatalf("plan %s: %v %s", r.plan.TypeName, err, diagString(p.Diagnostics))
	}
}

// benchTemplateConfig is one template of scripts/bench.sh's plan
// configuration.
func benchTemplateConfig() map[string]any {
	return map[string]any{
		"name": "order_shipped_0001", "language_code": "en", "category": "UTILITY",
		"header": map[string]any{"format": "TEXT", "text": "Order {{1}}"},
		"body":   "Hi {{1}}, your order {{2}} has shipped.", "footer": "Reply STOP to opt out",
		"buttons": []any{
			map[string]any{"type": "URL", "text": "Track", "url": "https://shop.example.com/track/{{1}}"},
			map[string]any{"type": "QUICK_REPLY", "text": "Stop updates"},
		},
	}
}

// benchMessageConfig is one message of scripts/bench.sh's plan
// configuration, its template's contract known, as it is at plan.
func benchMessageConfig() map[string]any {
	return map[string]any{
		"template": map[string]any{
			"name": "order_shipped_0001", "language_code": "en", "header_format": "TEXT",
			"header_variables": 1, "body_variables": 2,
			"buttons": []any{
				map[string]any{"index": 0, "type": "URL", "dynamic": true},
				map[string]any{"index": 1, "type": "QUICK_REPLY", "dynamic": false},
			},
		},
		"country_code": "+91", "phone_number": "9800000001", "callback_data": "release-1",
		"header_values": []any{"A-1"}, "body_values": []any{"Asha", "A-1"},
		"button_values":  map[string]any{"0": []any{"A-1"}},
		"button_payload": map[string]any{"1": []any{"stop-A-1"}},
	}
}
