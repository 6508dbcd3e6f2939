package provider

import (
	"context"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// TestModelObjectMatchesFramework checks that getModel and setModel read
// and write each resource's model exactly as the framework's reflection
// does, for a full configuration and an empty one (nulls), so that they
// can stand in for it (see model_object.go).
func TestModelObjectMatchesFramework(t *testing.T) {
	t.Parallel()
	p := newProtocolServer(t, testSeams())
	cases := []struct {
		name     string
		resource resource.Resource
		typeName string
		config   map[string]any
		model    func() any
	}{
		{"template", NewTemplateResource(), "interakt_template", benchTemplateConfig(), func() any { return &templateModel{} }},
		{"template nulls", NewTemplateResource(), "interakt_template", map[string]any{}, func() any { return &templateModel{} }},
		{"message", NewTemplateMessageResource(), "interakt_template_message", benchMessageConfig(), func() any { return &templateMessageModel{} }},
		{"campaign", NewCampaignResource(), "interakt_campaign",
			campaignConfigMap([]campaignRecipient{{key: "asha", phone: "9800000001", name: "Asha"}}, map[string]any{"resend_on_change": true}),
			func() any { return &campaignModel{} }},
	}
	ctx := context.Background()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var sr resource.SchemaResponse
			tc.resource.Schema(ctx, resource.SchemaRequest{}, &sr)
			typ := p.resourceType(tc.typeName)
			plan := tfsdk.Plan{Schema: sr.Schema, Raw: p.value(typ, tc.config)}

			viaFramework, viaModel := tc.model(), tc.model()
			if diags := plan.Get(ctx, viaFramework); diags.HasError() {
				t.Fatalf("framework Get: %v", diags)
			}
			if diags := getModel(ctx, plan, viaModel); diags.HasError() {
				t.Fatalf("getModel: %v", diags)
			}
			if !reflect.DeepEqual(viaFramework, viaModel) {
				t.Fatalf("getModel read\n%#v\nthe framework read\n%#v", viaModel, viaFramework)
			}

			framework := tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(typ, nil)}
			ours := tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(typ, nil)}
			if diags := framework.Set(ctx, viaFramework); diags.HasError() {
				t.Fatalf("framework Set: %v", diags)
			}
			if diags := setModel(ctx, &ours, viaModel); diags.HasError() {
				t.Fatalf("setModel: %v", diags)
			}
			if !ours.Raw.Equal(framework.Raw) {
				t.Fatalf("setModel wrote\n%s\nthe framework wrote\n%s", ours.Raw, framework.Raw)
			}
		})
	}
}

// TestModelObjectMismatch checks that a model that does not fit its schema
// is an error naming the model, never a silent partial read.
func TestModelObjectMismatch(t *testing.T) {
	t.Parallel()
	p := newProtocolServer(t, testSeams())
	ctx := context.Background()
	var sr resource.SchemaResponse
	NewTemplateResource().Schema(ctx, resource.SchemaRequest{}, &sr)
	plan := tfsdk.Plan{Schema: sr.Schema, Raw: p.value(p.resourceType("interakt_template"), benchTemplateConfig())}
	var wrong templateMessageModel
	diags := getModel(ctx, plan, &wrong)
	if !diags.HasError() || diags[0].Summary() != "Provider Model Mismatch" {
		t.Fatalf("reading a template into a message model: %v; want a Provider Model Mismatch error", diags)
	}
}
