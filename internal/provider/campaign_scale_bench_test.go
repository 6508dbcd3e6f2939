package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"runtime"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// BenchmarkCampaignPlan is the provider's own share of planning one
// campaign, served as Terraform asks for it (through the protocol, the
// recipients and results past the framework), with no Terraform around it:
// "offline-ms" is a create's ValidateResourceConfig and PlanResourceChange,
// "noop-ms" a plan with nothing to do after an apply (ValidateResourceConfig,
// UpgradeResourceState of the saved JSON, ReadResource and
// PlanResourceChange with the prior state), "upgrade-ms" the state upgrade's
// part of it, and "noop-alloc-MiB" what the no-op plan allocates. The campaign-scale CLI
// bench cannot plan 100,000 recipients in one campaign in reasonable time,
// because Terraform's own conversion of the configuration is quadratic in
// them (DESIGN.md, Serving); this is the provider's part of it. The apply
// is a dry run, so that no request is made.
func BenchmarkCampaignPlan(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			ctx := context.Background()
			p := newProtocolServer(b, testSeams().withEnv(envAPIKey, testAPIKey))
			if diags := p.configure(map[string]any{"dry_run": true}); len(diags) > 0 {
				b.Fatalf("configuring the provider: %s", diagString(diags))
			}
			f := newCampaignPlanFixture(b, p, n)
			runtime.GC() // the fixture's garbage is not the plans'

			var offline, noop, upgrade time.Duration
			var allocated uint64
			var before, after runtime.MemStats
			for b.Loop() {
				start := time.Now()
				validateCampaign(b, p, f.config)
				plan, err := p.server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
					TypeName: campaignType, PriorState: f.none, ProposedNewState: f.config, Config: f.config,
				})
				if err != nil || hasErrorDiag(plan.Diagnostics) {
					b.Fatalf("offline plan: %v %s", err, diagString(plan.Diagnostics))
				}
				offline += time.Since(start)

				runtime.ReadMemStats(&before)
				start = time.Now()
				validateCampaign(b, p, f.config)
				upgradeStart := time.Now()
				upgraded, err := p.server.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{
					TypeName: campaignType, RawState: &tfprotov6.RawState{JSON: f.saved},
				})
				if err != nil || len(upgraded.Diagnostics) > 0 {
					b.Fatalf("state upgrade: %v %s", err, diagString(upgraded.Diagnostics))
				}
				upgrade += time.Since(upgradeStart)
				read, err := p.server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: campaignType, CurrentState: upgraded.UpgradedState})
				if err != nil || hasErrorDiag(read.Diagnostics) {
					b.Fatalf("refresh: %v %s", err, diagString(read.Diagnostics))
				}
				again, err := p.server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
					TypeName: campaignType, PriorState: read.NewState, ProposedNewState: f.proposed, Config: f.config,
				})
				if err != nil || len(again.Diagnostics) > 0 {
					b.Fatalf("no-op plan: %v %s", err, diagString(again.Diagnostics))
				}
				noop += time.Since(start)
				runtime.ReadMemStats(&after)
				allocated += after.TotalAlloc - before.TotalAlloc
			}
			b.ReportMetric(float64(offline.Milliseconds())/float64(b.N), "offline-ms")
			b.ReportMetric(float64(noop.Milliseconds())/float64(b.N), "noop-ms")
			b.ReportMetric(float64(upgrade.Milliseconds())/float64(b.N), "upgrade-ms")
			b.ReportMetric(float64(allocated)/float64(b.N)/(1<<20), "noop-alloc-MiB")
		})
	}
}

// campaignPlanFixture is what the plans of BenchmarkCampaignPlan read: the
// configuration of n recipients, the state a dry-run apply of it leaves
// (saved as Terraform saves it, in JSON), the proposed new state of a plan
// after it, and no state.
type campaignPlanFixture struct {
	config, proposed, none *tfprotov6.DynamicValue
	saved                  []byte
}

func newCampaignPlanFixture(b *testing.B, p *protocolServer, n int) campaignPlanFixture {
	b.Helper()
	config := campaignConfigMap(campaignRecipients(n), nil)
	typ := p.resourceType(campaignType)
	created := p.campaignPlan(nil, config)
	if hasErrorDiag(created.Diagnostics) {
		b.Fatalf("plan: %s", diagString(created.Diagnostics))
	}
	applied := p.campaignApply(nil, created, config)
	if hasErrorDiag(applied.Diagnostics) {
		b.Fatalf("apply: %s", diagString(applied.Diagnostics))
	}
	cfg := p.dynamic(typ, config)
	saved, err := json.Marshal(savedForm(p.campaignUnmarshal(typ, applied.NewState)))
	if err != nil {
		b.Fatal(err)
	}
	return campaignPlanFixture{
		config: cfg, saved: saved, none: p.dynamic(typ, nil),
		proposed: p.toDynamic(typ, p.campaignMerge(typ, p.campaignUnmarshal(typ, cfg), p.campaignUnmarshal(typ, applied.NewState))),
	}
}

func validateCampaign(b *testing.B, p *protocolServer, cfg *tfprotov6.DynamicValue) {
	b.Helper()
	v, err := p.server.ValidateResourceConfig(context.Background(), &tfprotov6.ValidateResourceConfigRequest{TypeName: campaignType, Config: cfg})
	if err != nil || hasErrorDiag(v.Diagnostics) {
		b.Fatalf("validate: %v %s", err, diagString(v.Diagnostics))
	}
}

// savedForm is a known value as Terraform saves it in the state's JSON.
func savedForm(v tftypes.Value) any {
	if v.IsNull() {
		return nil
	}
	typ := v.Type()
	switch {
	case typ.Is(tftypes.String):
		var s string
		_ = v.As(&s)
		return s
	case typ.Is(tftypes.Bool):
		var b bool
		_ = v.As(&b)
		return b
	case typ.Is(tftypes.Number):
		var n big.Float
		_ = v.As(&n)
		return json.Number(n.Text('g', -1))
	case typ.Is(tftypes.Map{}), typ.Is(tftypes.Object{}):
		var m map[string]tftypes.Value
		_ = v.As(&m)
		out := make(map[string]any, len(m))
		for k, e := range m {
			out[k] = savedForm(e)
		}
		return out
	}
	var l []tftypes.Value
	_ = v.As(&l)
	out := make([]any, len(l))
	for i, e := range l {
		out[i] = savedForm(e)
	}
	return out
}
