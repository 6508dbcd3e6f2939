package serve

import (
	"context"
	"errors"
	"reflect"
	"runtime"
	"slices"
	"testing"
	"time"
	"weak"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// payloadKey carries a request's payload in its context.
type payloadKey struct{}

// payload is big enough that nothing else in a request could be mistaken
// for it.
type payload [1 << 16]byte

// testProvider has one resource, test_thing, whose ValidateConfig calls
// validate with the request's context.
type testProvider struct {
	validate func(context.Context)
}

func (p testProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "test"
}

func (testProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}

func (testProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (p testProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return testThing(p) }}
}

func (testProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

type testThing testProvider

func (testThing) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = "test_thing"
}

func (testThing) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"name": schema.StringAttribute{Optional: true, MarkdownDescription: "A name."},
	}}
}

func (t testThing) ValidateConfig(ctx context.Context, _ resource.ValidateConfigRequest, _ *resource.ValidateConfigResponse) {
	if t.validate != nil {
		t.validate(ctx)
	}
}

func (testThing) Create(context.Context, resource.CreateRequest, *resource.CreateResponse) {}
func (testThing) Read(context.Context, resource.ReadRequest, *resource.ReadResponse)       {}
func (testThing) Update(context.Context, resource.UpdateRequest, *resource.UpdateResponse) {}
func (testThing) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// validateThing sends one ValidateResourceConfig for test_thing on ctx.
func validateThing(t *testing.T, server tfprotov6.ProviderServer, ctx context.Context) {
	t.Helper()
	typ := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"name": tftypes.String}}
	config, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, map[string]tftypes.Value{
		"name": tftypes.NewValue(tftypes.String, "x"),
	}))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: "test_thing", Config: &config})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Diagnostics) != 0 {
		t.Fatalf("diagnostics: %v", resp.Diagnostics)
	}
}

// requestsKept sends requests requests, each with a payload in its context,
// and returns how many payloads are still alive once the requests are done
// and their contexts canceled.
func requestsKept(t *testing.T, wrap func(tfprotov6.ProviderServer) tfprotov6.ProviderServer, requests int) int {
	t.Helper()
	seen := 0
	server := wrap(providerserver.NewProtocol6(testProvider{validate: func(ctx context.Context) {
		if _, ok := ctx.Value(payloadKey{}).(*payload); ok {
			seen++
		}
	}})())
	pointers := make([]weak.Pointer[payload], requests)
	for i := range pointers {
		pointers[i] = sendWithPayload(t, server)
	}
	if seen != requests {
		t.Fatalf("%d of %d requests saw their context's value", seen, requests)
	}
	runtime.GC()
	kept := 0
	for _, p := range pointers {
		if p.Value() != nil {
			kept++
		}
	}
	// What the server holds counts only while the server lives, as it does
	// for the provider's whole run.
	runtime.KeepAlive(server)
	return kept
}

// sendWithPayload sends one request whose context holds a new payload, and
// returns a weak pointer to the payload.
func sendWithPayload(t *testing.T, server tfprotov6.ProviderServer) weak.Pointer[payload] {
	t.Helper()
	p := new(payload)
	ctx, cancel := context.WithCancel(context.WithValue(t.Context(), payloadKey{}, p))
	defer cancel()
	validateThing(t, server, ctx)
	return weak.Make(p)
}

// TestReleaseContextsFreesRequests shows the framework keeping every
// request's context until StopProvider, and ReleaseContexts keeping none.
// Should the first half fail, the framework has stopped keeping them and
// this package can go.
func TestReleaseContextsFreesRequests(t *testing.T) {
	identity := func(s tfprotov6.ProviderServer) tfprotov6.ProviderServer { return s }
	if kept := requestsKept(t, identity, 8); kept != 8 {
		t.Errorf("the framework alone kept %d of 8 request contexts; it is expected to keep them all", kept)
	}
	if kept := requestsKept(t, ReleaseContexts, 8); kept != 0 {
		t.Errorf("through ReleaseContexts %d of 8 request contexts were kept, want none", kept)
	}
}

// TestReleaseContextsKeepsStopProvider cancels a request in flight with
// StopProvider, as a Ctrl-C does.
func TestReleaseContextsKeepsStopProvider(t *testing.T) {
	started, stopped := make(chan struct{}), make(chan error, 1)
	server := ReleaseContexts(providerserver.NewProtocol6(testProvider{validate: func(ctx context.Context) {
		close(started)
		select {
		case <-ctx.Done():
			stopped <- ctx.Err()
		case <-time.After(time.Minute):
			stopped <- errors.New("not canceled within a minute")
		}
	}})())
	done := make(chan struct{})
	go func() {
		defer close(done)
		validateThing(t, server, t.Context())
	}()
	<-started
	if _, err := server.StopProvider(t.Context(), &tfprotov6.StopProviderRequest{}); err != nil {
		t.Fatal(err)
	}
	if err := <-stopped; !errors.Is(err, context.Canceled) {
		t.Errorf("the request in flight ended with %v, want context.Canceled", err)
	}
	<-done
}

// TestReleaseContextsKeepsExtensions checks that the wrapper still offers
// what terraform-plugin-go finds by type assertion (as
// tfprotov6.ProviderServerWithActions and the like), and leaves alone a
// server that lacks it.
func TestReleaseContextsKeepsExtensions(t *testing.T) {
	server := ReleaseContexts(providerserver.NewProtocol6(testProvider{})())
	if _, ok := server.(tfprotov6.ActionServer); !ok {
		t.Error("the wrapped server lost actions")
	}
	if _, ok := server.(tfprotov6.ListResourceServer); !ok {
		t.Error("the wrapped server lost list resources")
	}
	if _, ok := server.(tfprotov6.StateStoreServer); !ok {
		t.Error("the wrapped server lost state stores")
	}
	var plain struct{ tfprotov6.ProviderServer }
	if got := ReleaseContexts(plain); got != tfprotov6.ProviderServer(plain) {
		t.Errorf("a server without the extensions was wrapped: %T", got)
	}
}

// unforwarded lists the methods of wrapped's concrete type that wrapper's
// lacks, or has with another signature. The framework's server has a
// method for each request of the protocol (tfprotov6.ProviderServer and
// each optional interface terraform-plugin-go finds by type assertion:
// functions, actions, list resources, state stores and whatever comes
// next); a wrapper that embeds the interfaces it knows of lacks every
// method of the next one, and terraform-plugin-go would then never offer
// Terraform those requests.
func unforwarded(wrapper, wrapped any) []string {
	have, want := reflect.TypeOf(wrapper), reflect.TypeOf(wrapped)
	var missing []string
	for i := range want.NumMethod() {
		m := want.Method(i)
		got, ok := have.MethodByName(m.Name)
		if !ok {
			missing = append(missing, m.Name)
			continue
		}
		if !sameSignature(got.Type, m.Type) {
			missing = append(missing, m.Name+" (another signature)")
		}
	}
	return missing
}

// sameSignature compares two methods' types, receivers aside.
func sameSignature(a, b reflect.Type) bool {
	if a.NumIn() != b.NumIn() || a.NumOut() != b.NumOut() || a.IsVariadic() != b.IsVariadic() {
		return false
	}
	for i := 1; i < a.NumIn(); i++ {
		if a.In(i) != b.In(i) {
			return false
		}
	}
	for i := range a.NumOut() {
		if a.Out(i) != b.Out(i) {
			return false
		}
	}
	return true
}

// nextServer is the framework's server with a request of a protocol
// extension the wrappers do not know of.
type nextServer struct {
	fullServer
}

func (nextServer) ValidateWidgetConfig(context.Context, *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return &tfprotov6.ValidateResourceConfigResponse{}, nil
}

// TestWrappersForwardEveryRequest compares the wrappers' methods with the
// framework's server's. Should it fail, terraform-plugin-go has a new
// optional interface that the framework implements: add it to fullServer
// (and forward its per-resource requests through released, and through
// bulkServer those of a resource's values), or that kind of request is
// lost to Terraform.
func TestWrappersForwardEveryRequest(t *testing.T) {
	framework := providerserver.NewProtocol6(testProvider{})()
	bulk := map[string]BulkResource{"test_thing": {Attributes: []string{"name"}}}
	for name, wrapper := range map[string]tfprotov6.ProviderServer{
		"ReleaseContexts":       ReleaseContexts(framework),
		"Bulk":                  Bulk(framework, bulk),
		"Bulk(ReleaseContexts)": Bulk(ReleaseContexts(framework), bulk),
	} {
		if missing := unforwarded(wrapper, framework); len(missing) > 0 {
			t.Errorf("%s does not forward %v of the framework's server", name, missing)
		}
	}

	// The check finds a request of a protocol extension to come.
	full, ok := framework.(fullServer)
	if !ok {
		t.Fatal("the framework's server lacks a known extension")
	}
	next := nextServer{full}
	for name, wrapper := range map[string]tfprotov6.ProviderServer{
		"ReleaseContexts": ReleaseContexts(next),
		"Bulk":            Bulk(next, bulk),
	} {
		if missing := unforwarded(wrapper, next); !slices.Equal(missing, []string{"ValidateWidgetConfig"}) {
			t.Errorf("%s of a server with one request more: the check reports %v, want [ValidateWidgetConfig]", name, missing)
		}
	}
}

// TestRequestContext follows a request context through its life: it
// forwards to the request's while the request runs, including its
// cancellation, and holds nothing once released.
func TestRequestContext(t *testing.T) {
	deadline := time.Now().Add(time.Hour)
	parent, cancel := context.WithDeadline(context.WithValue(t.Context(), payloadKey{}, "value"), deadline)
	rc := newRequestContext(parent)
	if got := rc.Value(payloadKey{}); got != "value" {
		t.Errorf("Value = %v, want the request's", got)
	}
	if got, ok := rc.Deadline(); !ok || !got.Equal(deadline) {
		t.Errorf("Deadline = %v, %v; want the request's", got, ok)
	}
	child, stopChild := context.WithCancel(rc)
	defer stopChild()
	cancel()
	<-child.Done()
	if !errors.Is(rc.Err(), context.Canceled) {
		t.Errorf("Err after the request's cancel = %v", rc.Err())
	}
	rc.release()
	if rc.Value(payloadKey{}) != nil {
		t.Error("a released context still holds the request's values")
	}
	if _, ok := rc.Deadline(); ok {
		t.Error("a released context still has a deadline")
	}
	select {
	case <-rc.Done():
	default:
		t.Error("a released context is not done")
	}
	if !errors.Is(rc.Err(), context.Canceled) {
		t.Errorf("Err after release = %v, want context.Canceled", rc.Err())
	}
}
