package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// BenchmarkMessagePlan is one interakt_template_message's share of a plan
// without an API key: ValidateResourceConfig and PlanResourceChange through
// the provider server, as Terraform calls them, with the configuration
// already encoded.
func BenchmarkMessagePlan(b *testing.B) {
	p := newProtocolServer(b, testSeams())
	if diags := p.configure(nil); hasErrorDiag(diags) {
		b.Fatalf("configure:\n%s", diagString(diags))
	}
	typ := p.resourceType(messageType)
	config := p.dynamic(typ, validMessage())
	prior := p.toDynamic(typ, tftypes.NewValue(typ, nil))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		v, err := p.server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: messageType, Config: config})
		if err != nil || hasErrorDiag(v.Diagnostics) {
			b.Fatalf("validate: %v %s", err, diagString(v.Diagnostics))
		}
		plan, err := p.server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
			TypeName: messageType, PriorState: prior, ProposedNewState: config, Config: config,
		})
		if err != nil || hasErrorDiag(plan.Diagnostics) {
			b.Fatalf("plan: %v %s", err, diagString(plan.Diagnostics))
		}
	}
}
