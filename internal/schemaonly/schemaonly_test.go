package schemaonly

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// checkedResource is a resource with every check schemaonly must hide.
type checkedResource struct{}

func (checkedResource) Metadata(context.Context, resource.MetadataRequest, *resource.MetadataResponse) {
}
func (checkedResource) Schema(context.Context, resource.SchemaRequest, *resource.SchemaResponse) {}
func (checkedResource) Create(context.Context, resource.CreateRequest, *resource.CreateResponse) {}
func (checkedResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse)       {}
func (checkedResource) Update(context.Context, resource.UpdateRequest, *resource.UpdateResponse) {}
func (checkedResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}
func (checkedResource) ModifyPlan(context.Context, resource.ModifyPlanRequest, *resource.ModifyPlanResponse) {
}
func (checkedResource) ValidateConfig(context.Context, resource.ValidateConfigRequest, *resource.ValidateConfigResponse) {
}
func (checkedResource) Configure(context.Context, resource.ConfigureRequest, *resource.ConfigureResponse) {
}

// checkedProvider has one checkedResource and functions.
type checkedProvider struct{}

func (checkedProvider) Metadata(context.Context, provider.MetadataRequest, *provider.MetadataResponse) {
}
func (checkedProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}
func (checkedProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
	panic("the provider's Configure ran")
}
func (checkedProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }
func (checkedProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return checkedResource{} }}
}
func (checkedProvider) Functions(context.Context) []func() function.Function { return nil }

func TestProviderServesSchemasOnly(t *testing.T) {
	p := Provider(checkedProvider{})
	if _, ok := p.(provider.ProviderWithFunctions); ok {
		t.Error("the schema-only provider still offers functions")
	}
	p.Configure(t.Context(), provider.ConfigureRequest{}, &provider.ConfigureResponse{}) // Must not reach checkedProvider's.
	resources := p.Resources(t.Context())
	if len(resources) != 1 {
		t.Fatalf("%d resources, want 1", len(resources))
	}
	r := resources[0]()
	if _, ok := r.(resource.ResourceWithModifyPlan); ok {
		t.Error("the schema-only resource still has ModifyPlan")
	}
	if _, ok := r.(resource.ResourceWithValidateConfig); ok {
		t.Error("the schema-only resource still has ValidateConfig")
	}
	if _, ok := r.(resource.ResourceWithConfigure); ok {
		t.Error("the schema-only resource still has Configure")
	}
}
