// Package serve serves the provider over the plugin protocol with two
// changes to what terraform-plugin-framework's providerserver.Serve does:
// the framework's memory of each request ends with the request
// (ReleaseContexts, below), and a resource's bulk attributes are kept from
// the framework (Bulk, bulk.go).
//
// The framework (v1.19) wraps the context of every request in a
// context.WithCancel and appends the cancel function to a list that only
// StopProvider empties, so that a Ctrl-C can cancel requests in flight.
// Each kept function keeps its context alive, and with it the request's
// loggers and fields, about 12 KB a request: planning 1,000 templates and
// 1,000 messages (some 6,000 requests) grows the provider to 180 MB, all of
// it garbage. ReleaseContexts hands the framework, for each request, a
// context that forwards to the request's own while the request runs and
// lets go of it when the request returns; what the framework keeps is then
// a few hundred bytes a request.
//
// The framework began keeping them to let StopProvider cancel requests
// (hashicorp/terraform-plugin-framework#781); no upstream issue tracks
// the memory they hold. TestReleaseContextsFreesRequests fails once the
// framework stops keeping them, and then this package can go.
package serve

import (
	"context"
	"os"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// Provider serves the provider newProvider returns under address, as
// providerserver.Serve does with protocol 6, through Server. With debug, it
// runs in the plugin SDK's managed debug mode. When Terraform is not asked
// for logs, the SDK's own log lines are not made.
func Provider(address string, newProvider func() provider.Provider, bulk map[string]BulkResource, debug bool) error {
	quietSDKLogsUnlessAsked(os.Environ())
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	return tf6server.Serve(address, func() tfprotov6.ProviderServer { return Server(newProvider(), bulk) }, opts...)
}

// Server is p served by the framework through ReleaseContexts, with the
// bulk attributes of each resource type kept from the
// framework by Bulk.
func Server(p provider.Provider, bulk map[string]BulkResource) tfprotov6.ProviderServer {
	return Bulk(ReleaseContexts(providerserver.NewProtocol6(p)()), bulk)
}

// ReleaseContexts returns server with each request of the kinds Terraform
// sends once per resource, data source, function or action (validate,
// plan, apply, read, upgrade, import, call) given a context that is cut
// from the request's when the request returns. Requests whose results are
// streamed after they return (InvokeAction, ListResource, state stores)
// and those made once per run go to server unchanged. A server without
// the protocol's list, action and state store extensions, which the
// framework's has, is returned as it is, so that none is hidden.
func ReleaseContexts(server tfprotov6.ProviderServer) tfprotov6.ProviderServer {
	full, ok := server.(fullServer)
	if !ok {
		return server
	}
	return releasing{full}
}

// fullServer is the protocol with the extensions that terraform-plugin-go
// finds by type assertion (tfprotov6.ProviderServerWithActions and the
// like): a wrapper must have them all, or Terraform loses those requests.
type fullServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
	tfprotov6.ActionServer
	tfprotov6.StateStoreServer
}

// releasing is the framework's server whose per-resource requests run on
// contexts that are released when they return.
type releasing struct {
	fullServer
}

// released runs call on a context that forwards to ctx until call returns.
func released[Req, Resp any](ctx context.Context, req Req, call func(context.Context, Req) (Resp, error)) (Resp, error) {
	rc := newRequestContext(ctx)
	defer rc.release()
	return call(rc, req)
}

func (s releasing) ValidateProviderConfig(ctx context.Context, req *tfprotov6.ValidateProviderConfigRequest) (*tfprotov6.ValidateProviderConfigResponse, error) {
	return released(ctx, req, s.fullServer.ValidateProviderConfig)
}

func (s releasing) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return released(ctx, req, s.fullServer.ValidateResourceConfig)
}

func (s releasing) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return released(ctx, req, s.fullServer.UpgradeResourceState)
}

func (s releasing) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return released(ctx, req, s.fullServer.ReadResource)
}

func (s releasing) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return released(ctx, req, s.fullServer.PlanResourceChange)
}

func (s releasing) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return released(ctx, req, s.fullServer.ApplyResourceChange)
}

func (s releasing) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return released(ctx, req, s.fullServer.ImportResourceState)
}

func (s releasing) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return released(ctx, req, s.fullServer.ValidateDataResourceConfig)
}

func (s releasing) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return released(ctx, req, s.fullServer.ReadDataSource)
}

func (s releasing) CallFunction(ctx context.Context, req *tfprotov6.CallFunctionRequest) (*tfprotov6.CallFunctionResponse, error) {
	return released(ctx, req, s.fullServer.CallFunction)
}

func (s releasing) ValidateActionConfig(ctx context.Context, req *tfprotov6.ValidateActionConfigRequest) (*tfprotov6.ValidateActionConfigResponse, error) {
	return released(ctx, req, s.fullServer.ValidateActionConfig)
}

func (s releasing) PlanAction(ctx context.Context, req *tfprotov6.PlanActionRequest) (*tfprotov6.PlanActionResponse, error) {
	return released(ctx, req, s.fullServer.PlanAction)
}

// closedDone is the Done channel of a released context.
var closedDone = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

// requestContext forwards to a request's context until released; from
// then on it is a canceled context that holds nothing.
type requestContext struct {
	parent atomic.Pointer[context.Context]
}

func newRequestContext(parent context.Context) *requestContext {
	rc := &requestContext{}
	rc.parent.Store(&parent)
	return rc
}

// release lets go of the request's context.
func (rc *requestContext) release() { rc.parent.Store(nil) }

func (rc *requestContext) Deadline() (time.Time, bool) {
	if p := rc.parent.Load(); p != nil {
		return (*p).Deadline()
	}
	return time.Time{}, false
}

func (rc *requestContext) Done() <-chan struct{} {
	if p := rc.parent.Load(); p != nil {
		return (*p).Done()
	}
	return closedDone
}

func (rc *requestContext) Err() error {
	if p := rc.parent.Load(); p != nil {
		return (*p).Err()
	}
	return context.Canceled
}

func (rc *requestContext) Value(key any) any {
	if p := rc.parent.Load(); p != nil {
		return (*p).Value(key)
	}
	return nil
}
