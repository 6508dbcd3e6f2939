package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/interakt-community/terraform-provider-interakt/internal/client"
	"github.com/interakt-community/terraform-provider-interakt/internal/receiver"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// fakeStatusSource answers reads from a script and records when each read
// happened, relative to its creation (synctest's clock in these tests).
type fakeStatusSource struct {
	start  time.Time
	answer func(n int, ctx context.Context) (wire.Status, bool, error)

	mu    sync.Mutex
	reads []time.Duration
}

func newFakeStatusSource(answer func(n int, ctx context.Context) (wire.Status, bool, error)) *fakeStatusSource {
	return &fakeStatusSource{start: time.Now(), answer: answer}
}

func (f *fakeStatusSource) Get(ctx context.Context, _ string) (wire.Status, bool, error) {
	f.mu.Lock()
	f.reads = append(f.reads, time.Since(f.start))
	n := len(f.reads)
	f.mu.Unlock()
	return f.answer(n, ctx)
}

func (f *fakeStatusSource) readTimes() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.reads...)
}

// statuses answers the given statuses in turn ("" = not found), repeating
// the last one.
func statuses(list ...string) func(int, context.Context) (wire.Status, bool, error) {
	return func(n int, _ context.Context) (wire.Status, bool, error) {
		s := list[min(n, len(list))-1]
		if s == "" {
			return wire.Status{}, false, nil
		}
		return wire.Status{ID: "m1", Status: s}, true, nil
	}
}

func strPtr(s string) *string { return &s }

func TestStatusWaitReachesOrPasses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		answers []string
		waitFor string
		want    string
		reads   int
	}{
		{"no wait reads once", []string{wire.StatusSent, wire.StatusRead}, "", wire.StatusSent, 1},
		{"no wait, unseen is pending", []string{""}, "", wire.StatusPending, 1},
		{"no wait returns failed as a status", []string{wire.StatusFailed}, "", wire.StatusFailed, 1},
		{"waits through pending", []string{"", "", wire.StatusSent, wire.StatusDelivered}, wire.StatusDelivered, wire.StatusDelivered, 4},
		{"a later status counts", []string{"", wire.StatusRead}, wire.StatusSent, wire.StatusRead, 2},
		{"read satisfies delivered", []string{wire.StatusRead}, wire.StatusDelivered, wire.StatusRead, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				src := newFakeStatusSource(statuses(tt.answers...))
				w := statusPoller{source: src, id: "m1", waitFor: tt.waitFor, timeout: time.Minute, interval: time.Second}
				st, err := w.run(t.Context())
				if err != nil {
					t.Fatalf("run: %v", err)
				}
				if st.Status != tt.want {
					t.Errorf("status = %q, want %q", st.Status, tt.want)
				}
				if st.ID != "m1" {
					t.Errorf("id = %q, want m1", st.ID)
				}
				if got := len(src.readTimes()); got != tt.reads {
					t.Errorf("%d reads, want %d", got, tt.reads)
				}
			})
		})
	}
}

func TestStatusWaitBacksOffAndReportsLastStatusAtTimeout(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		src := newFakeStatusSource(statuses("", wire.StatusSent))
		w := statusPoller{source: src, id: "m1", waitFor: wire.StatusRead, timeout: 20 * time.Second, interval: time.Second}
		start := time.Now()
		st, err := w.run(t.Context())

		timeout, ok := errors.AsType[*statusTimeoutError](err)
		if !ok {
			t.Fatalf("run = %+v, %v; want a timeout", st, err)
		}
		if timeout.last.Status != wire.StatusSent || st.Status != wire.StatusSent {
			t.Errorf("last status = %q (returned %q), want sent", timeout.last.Status, st.Status)
		}
		if timeout.lastErr != nil {
			t.Errorf("lastErr = %v, want none: every read succeeded", timeout.lastErr)
		}
		if !strings.Contains(err.Error(), `"sent"`) || !strings.Contains(err.Error(), "20s") {
			t.Errorf("error %q should name the last status and the timeout", err)
		}
		// Pauses grow by half up to five times the interval; the last read
		// happens at the timeout itself.
		ms := time.Millisecond
		want := []time.Duration{0, 1000 * ms, 2500 * ms, 4750 * ms, 8125 * ms, 13125 * ms, 18125 * ms, 20000 * ms}
		got := src.readTimes()
		if len(got) != len(want) {
			t.Fatalf("reads at %v, want %d reads", got, len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("read %d at %v, want %v", i+1, got[i], want[i])
			}
		}
		if elapsed := time.Since(start); elapsed != 20*time.Second {
			t.Errorf("run returned after %v of fake time, want exactly the 20s timeout", elapsed)
		}
	})
}

func TestStatusWaitStopsAtFailure(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		failed := wire.Status{ID: "m1", Status: wire.StatusFailed, FailedAt: strPtr("2026-01-02T03:04:05Z"),
			FailureReason: strPtr("Message undeliverable"), ErrorCode: strPtr("131026")}
		src := newFakeStatusSource(func(n int, _ context.Context) (wire.Status, bool, error) {
			if n == 1 {
				return wire.Status{ID: "m1", Status: wire.StatusSent}, true, nil
			}
			return failed, true, nil
		})
		w := statusPoller{source: src, id: "m1", waitFor: wire.StatusDelivered, timeout: time.Hour, interval: time.Second}
		start := time.Now()
		_, err := w.run(t.Context())

		fe, ok := errors.AsType[*statusFailedError](err)
		if !ok {
			t.Fatalf("run error = %v, want a failure", err)
		}
		if fe.status.FailureReason == nil || *fe.status.FailureReason != "Message undeliverable" {
			t.Errorf("failure = %+v", fe.status)
		}
		if n := len(src.readTimes()); n != 2 {
			t.Errorf("%d reads, want 2: a failure is final", n)
		}
		if elapsed := time.Since(start); elapsed != time.Second {
			t.Errorf("returned after %v of fake time, want 1s (one pause)", elapsed)
		}

		d := statusReadFailed("m1", err)
		if !d.Equal(diag.NewAttributeErrorDiagnostic(path.Root("wait_for"), "Message Failed",
			"Message m1 failed at 2026-01-02T03:04:05Z. Reason: Message undeliverable. Error code: 131026.")) {
			t.Errorf("diagnostic = %q: %q", d.Summary(), d.Detail())
		}
	})
}

func TestStatusWaitHonoursCancellation(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		src := newFakeStatusSource(statuses(wire.StatusSent))
		w := statusPoller{source: src, id: "m1", waitFor: wire.StatusRead, timeout: time.Hour, interval: time.Second}
		go func() {
			time.Sleep(3 * time.Second)
			cancel()
		}()
		start := time.Now()
		st, err := w.run(ctx)

		if _, ok := errors.AsType[*statusCanceledError](err); !ok || !errors.Is(err, context.Canceled) {
			t.Fatalf("run error = %v, want a cancellation", err)
		}
		if st.Status != wire.StatusSent {
			t.Errorf("status = %q, want the last one seen (sent)", st.Status)
		}
		if elapsed := time.Since(start); elapsed != 3*time.Second {
			t.Errorf("returned after %v of fake time, want 3s: the pause must end at cancellation", elapsed)
		}
		if n := len(src.readTimes()); n != 3 {
			t.Errorf("%d reads, want 3 (at 0s, 1s, 2.5s)", n)
		}
	})
}

func TestStatusWaitCancelledDuringRead(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		src := newFakeStatusSource(func(_ int, ctx context.Context) (wire.Status, bool, error) {
			<-ctx.Done()
			return wire.Status{}, false, &client.Error{Kind: client.KindUnsent, Op: "read message status", Err: ctx.Err()}
		})
		w := statusPoller{source: src, id: "m1", waitFor: wire.StatusRead, timeout: time.Hour, interval: time.Second}
		time.AfterFunc(time.Second, cancel)
		_, err := w.run(ctx)
		if _, ok := errors.AsType[*statusCanceledError](err); !ok {
			t.Fatalf("run error = %v, want a cancellation", err)
		}
	})
}

func TestStatusWaitRetriesTransientErrors(t *testing.T) {
	t.Parallel()
	unavailable := &client.Error{Kind: client.KindUncertain, Op: "read message status", StatusCode: http.StatusServiceUnavailable}
	t.Run("until the status arrives", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			src := newFakeStatusSource(func(n int, _ context.Context) (wire.Status, bool, error) {
				if n < 3 {
					return wire.Status{}, false, unavailable
				}
				return wire.Status{ID: "m1", Status: wire.StatusDelivered}, true, nil
			})
			w := statusPoller{source: src, id: "m1", waitFor: wire.StatusDelivered, timeout: time.Minute, interval: time.Second}
			st, err := w.run(t.Context())
			if err != nil || st.Status != wire.StatusDelivered {
				t.Fatalf("run = %q, %v; want delivered", st.Status, err)
			}
		})
	})
	t.Run("and reports the last error at the timeout", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			src := newFakeStatusSource(func(n int, _ context.Context) (wire.Status, bool, error) {
				if n == 1 {
					return wire.Status{ID: "m1", Status: wire.StatusSent}, true, nil
				}
				return wire.Status{}, false, unavailable
			})
			w := statusPoller{source: src, id: "m1", waitFor: wire.StatusDelivered, timeout: 10 * time.Second, interval: time.Second}
			_, err := w.run(t.Context())
			timeout, ok := errors.AsType[*statusTimeoutError](err)
			if !ok {
				t.Fatalf("run error = %v, want a timeout", err)
			}
			if timeout.last.Status != wire.StatusSent || !errors.Is(timeout.lastErr, unavailable) {
				t.Errorf("timeout = last %q, lastErr %v", timeout.last.Status, timeout.lastErr)
			}
		})
	})
	t.Run("but not without wait_for", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			src := newFakeStatusSource(func(int, context.Context) (wire.Status, bool, error) {
				return wire.Status{}, false, unavailable
			})
			w := statusPoller{source: src, id: "m1", timeout: time.Minute, interval: time.Second}
			if _, err := w.run(t.Context()); !errors.Is(err, unavailable) {
				t.Fatalf("run error = %v, want the read's error", err)
			}
			if n := len(src.readTimes()); n != 1 {
				t.Errorf("%d reads, want 1", n)
			}
		})
	})
}

func TestStatusWaitStopsOnRefusedToken(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		src := newFakeStatusSource(func(int, context.Context) (wire.Status, bool, error) {
			return wire.Status{}, false, &client.Error{Kind: client.KindUnauthorized, Op: "read message status", StatusCode: http.StatusUnauthorized, Receiver: true}
		})
		w := statusPoller{source: src, id: "m1", waitFor: wire.StatusRead, timeout: time.Minute, interval: time.Second}
		_, err := w.run(t.Context())
		if client.KindOf(err) != client.KindUnauthorized {
			t.Fatalf("run error = %v, want the 401", err)
		}
		if n := len(src.readTimes()); n != 1 {
			t.Errorf("%d reads, want 1: waiting cannot fix a token", n)
		}
		d := statusReadFailed("m1", err)
		if d.Summary() != "Status Token Rejected" || !strings.Contains(d.Detail(), "status_token") || !strings.Contains(d.Detail(), envStatusToken) {
			t.Errorf("diagnostic = %q: %q", d.Summary(), d.Detail())
		}
	})
}

func TestStatusWaitBoundsAHangingRead(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		src := newFakeStatusSource(func(_ int, ctx context.Context) (wire.Status, bool, error) {
			<-ctx.Done()
			return wire.Status{}, false, &client.Error{Kind: client.KindUnsent, Op: "read message status", Err: ctx.Err()}
		})
		w := statusPoller{source: src, id: "m1", waitFor: wire.StatusRead, timeout: 5 * time.Second, interval: time.Second}
		start := time.Now()
		_, err := w.run(t.Context())
		timeout, ok := errors.AsType[*statusTimeoutError](err)
		if !ok || timeout.last.Status != wire.StatusPending || timeout.lastErr == nil {
			t.Fatalf("run error = %v, want a timeout while pending with the hang as last error", err)
		}
		if elapsed := time.Since(start); elapsed != 5*time.Second+finalReadGrace {
			t.Errorf("returned after %v of fake time, want the timeout plus the final read's grace", elapsed)
		}
	})
}

func TestStatusReached(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status, want string
		reached      bool
	}{
		{wire.StatusPending, wire.StatusSent, false},
		{wire.StatusSent, wire.StatusSent, true},
		{wire.StatusSent, wire.StatusDelivered, false},
		{wire.StatusDelivered, wire.StatusSent, true},
		{wire.StatusDelivered, wire.StatusRead, false},
		{wire.StatusRead, wire.StatusDelivered, true},
		{wire.StatusFailed, wire.StatusSent, false},
		{"clicked", wire.StatusSent, false},
	}
	for _, tt := range tests {
		if got := statusReached(tt.status, tt.want); got != tt.reached {
			t.Errorf("statusReached(%q, %q) = %v, want %v", tt.status, tt.want, got, tt.reached)
		}
	}
}

func TestStatusErrorDiagnostics(t *testing.T) {
	t.Parallel()
	pending := &statusTimeoutError{last: pendingStatus("m1"), timeout: 2 * time.Minute}
	d := statusReadFailed("m1", pending)
	if !d.Equal(diag.NewAttributeErrorDiagnostic(path.Root("timeout"), "Message Status Not Reached in Time", d.Detail())) {
		t.Errorf("timeout diagnostic = %q at the wrong path or severity", d.Summary())
	}
	for _, want := range []string{"m1", "2m0s", `"pending"`, "webhook URL", "webhook secret"} {
		if !strings.Contains(d.Detail(), want) {
			t.Errorf("timeout detail %q lacks %q", d.Detail(), want)
		}
	}

	failedNoReason := &statusFailedError{status: wire.Status{ID: "m1", Status: wire.StatusFailed}}
	if d := statusReadFailed("m1", failedNoReason); d.Detail() != "Message m1 failed. Reason: not reported. Error code: not reported." {
		t.Errorf("failure without details = %q", d.Detail())
	}

	other := statusReadFailed("m1", errors.New("status receiver: status token is required"))
	for _, want := range []string{"status token is required", envStatusURL, envStatusToken} {
		if !strings.Contains(other.Detail(), want) {
			t.Errorf("generic detail %q lacks %q", other.Detail(), want)
		}
	}
}

// messageStatusType is the data source's protocol type.
func messageStatusType(p *protocolServer) tftypes.Type {
	p.t.Helper()
	s, ok := p.schemas.DataSourceSchemas["interakt_message_status"]
	if !ok {
		p.t.Fatal("no interakt_message_status data source")
	}
	return s.ValueType()
}

// validateMessageStatus runs ValidateDataResourceConfig on a configuration.
func validateMessageStatus(p *protocolServer, config map[string]any) []*tfprotov6.Diagnostic {
	p.t.Helper()
	resp, err := p.server.ValidateDataResourceConfig(context.Background(), &tfprotov6.ValidateDataResourceConfigRequest{
		TypeName: "interakt_message_status",
		Config:   p.dynamic(messageStatusType(p), config),
	})
	if err != nil {
		p.t.Fatal(err)
	}
	return resp.Diagnostics
}

// readMessageStatus runs ReadDataSource and returns the state's string
// attributes (null ones absent) and the diagnostics.
func readMessageStatus(p *protocolServer, config map[string]any) (map[string]string, []*tfprotov6.Diagnostic) {
	p.t.Helper()
	typ := messageStatusType(p)
	resp, err := p.server.ReadDataSource(context.Background(), &tfprotov6.ReadDataSourceRequest{
		TypeName: "interakt_message_status",
		Config:   p.dynamic(typ, config),
	})
	if err != nil {
		p.t.Fatal(err)
	}
	if resp.State == nil {
		return nil, resp.Diagnostics
	}
	state, err := resp.State.Unmarshal(typ)
	if err != nil {
		p.t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := state.As(&attrs); err != nil {
		p.t.Fatal(err)
	}
	out := map[string]string{}
	for name, v := range attrs {
		if !v.Type().Is(tftypes.String) {
			continue
		}
		var s *string
		if err := v.As(&s); err != nil {
			p.t.Fatalf("%s: %v", name, err)
		}
		if s != nil {
			out[name] = *s
		}
	}
	return out, resp.Diagnostics
}

func TestMessageStatusValidateConfig(t *testing.T) {
	t.Parallel()
	p := newProtocolServer(t, testSeams())
	tests := []struct {
		name   string
		config map[string]any
		want   []wantDiag // empty: no diagnostic at all
	}{
		{"id alone", map[string]any{"id": "m1"}, nil},
		{"unknown id", map[string]any{"id": Unknown, "wait_for": "read", "timeout": "5m"}, nil},
		{"wait_for with timeout", map[string]any{"id": "m1", "wait_for": "delivered", "timeout": "90s"}, nil},
		// Without latest, id is required: the validator says so, and the
		// provider says why an uncertain send has none.
		{"null id, as an uncertain send leaves", map[string]any{"id": nil, "wait_for": "delivered"},
			[]wantDiag{errAt("Missing Message ID", "id"), errAt("Invalid Attribute Combination", "id"),
				errAt("Invalid Attribute Combination", "latest")}},
		{"latest alone", map[string]any{"latest": validLatest(nil), "wait_for": "delivered"}, nil},
		{"latest with unknown since", map[string]any{"latest": validLatest(func(l map[string]any) { l["since"] = Unknown })}, nil},
		{"id and latest together", map[string]any{"id": "m1", "latest": validLatest(nil)},
			[]wantDiag{errAt("Invalid Attribute Combination", "id"), errAt("Invalid Attribute Combination", "latest")}},
		{"since not RFC 3339", map[string]any{"latest": validLatest(func(l map[string]any) { l["since"] = "2026-03-01 10:00" })},
			[]wantDiag{errAt("Invalid Time", "latest.since")}},
		{"receiver_since alone", map[string]any{"latest": validLatest(func(l map[string]any) {
			l["since"], l["receiver_since"] = nil, "2026-03-01T10:00:00.123456789Z"
		})}, nil},
		{"unknown receiver_since", map[string]any{"latest": validLatest(func(l map[string]any) { l["since"], l["receiver_since"] = nil, Unknown })}, nil},
		{"since and receiver_since", map[string]any{"latest": validLatest(func(l map[string]any) { l["receiver_since"] = "2026-03-01T10:00:00Z" })},
			[]wantDiag{errAt("Two Times to Search From", "latest.receiver_since")}},
		{"neither since nor receiver_since", map[string]any{"latest": validLatest(func(l map[string]any) { l["since"] = nil })},
			[]wantDiag{errAt("No Time to Search From", "latest.receiver_since")}},
		{"receiver_since not RFC 3339", map[string]any{"latest": validLatest(func(l map[string]any) { l["since"], l["receiver_since"] = nil, "10:00" })},
			[]wantDiag{errAt("Invalid Time", "latest.receiver_since")}},
		{"phone invalid for its country", map[string]any{"latest": validLatest(func(l map[string]any) { l["phone_number"] = "98123" })},
			[]wantDiag{errAt("Invalid Phone Number", "latest.phone_number")}},
		{"empty template", map[string]any{"latest": validLatest(func(l map[string]any) { l["template"] = "" })},
			[]wantDiag{errAt("Invalid Attribute Value Length", "latest.template")}},
		{"empty id", map[string]any{"id": ""}, []wantDiag{errAt("Invalid Attribute Value Length", "id")}},
		{"unknown wait_for value", map[string]any{"id": "m1", "wait_for": "seen"}, []wantDiag{errAt("Invalid Attribute Value Match", "wait_for")}},
		{"failed is not awaitable", map[string]any{"id": "m1", "wait_for": "failed"}, []wantDiag{errAt("Invalid Attribute Value Match", "wait_for")}},
		{"timeout without unit", map[string]any{"id": "m1", "wait_for": "read", "timeout": "30"}, []wantDiag{errAt("Invalid Duration", "timeout")}},
		{"negative timeout", map[string]any{"id": "m1", "wait_for": "read", "timeout": "-1m"}, []wantDiag{errAt("Invalid Duration", "timeout")}},
		{"Timeout Without wait_for", map[string]any{"id": "m1", "timeout": "1m"}, []wantDiag{warnAt("Timeout Without wait_for", "timeout")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertDiags(t, "validate", validateMessageStatus(p, tt.config), tt.want)
		})
	}
}

func TestMessageStatusReadWithoutStatusURL(t *testing.T) {
	t.Parallel()
	p := newProtocolServer(t, testSeams())
	if diags := p.configure(nil); len(diags) > 0 {
		t.Fatalf("configure:\n%s", diagString(diags))
	}
	_, diags := readMessageStatus(p, map[string]any{"id": "m1", "wait_for": "read"})
	if len(diags) != 1 || diags[0].Severity != tfprotov6.DiagnosticSeverityError {
		t.Fatalf("want one error, got:\n%s", diagString(diags))
	}
	for _, want := range []string{"status_url", envStatusURL} {
		if !strings.Contains(diags[0].Detail, want) {
			t.Errorf("detail %q does not name %s", diags[0].Detail, want)
		}
	}
}

func TestMessageStatusReadDryRunID(t *testing.T) {
	t.Parallel()
	p := newProtocolServer(t, testSeams())
	if diags := p.configure(map[string]any{"dry_run": true}); len(diags) > 0 {
		t.Fatalf("configure:\n%s", diagString(diags))
	}
	state, diags := readMessageStatus(p, map[string]any{"id": dryRunIDPrefix + "0e9d", "wait_for": "delivered"})
	if findDiag(diags, wantDiag{tfprotov6.DiagnosticSeverityWarning, "Dry-Run Message", "id"}) == nil || len(diags) != 1 {
		t.Errorf("want one dry-run warning, got:\n%s", diagString(diags))
	}
	if state["status"] != wire.StatusPending || state["timeout"] != defaultStatusTimeout || state["sent_at"] != "" {
		t.Errorf("state = %v, want pending with the default timeout and no times", state)
	}
}

func TestMessageStatusReadWrongToken(t *testing.T) {
	t.Parallel()
	const wrongToken = "not-the-receiver-token"
	rcv := startTestReceiver(t)
	p := newProtocolServer(t, testSeams().withEnv(envStatusToken, testStatusToken))
	if diags := p.configure(map[string]any{"status_url": rcv.url, "status_token": wrongToken}); len(diags) > 0 {
		t.Fatalf("configure:\n%s", diagString(diags))
	}
	_, diags := readMessageStatus(p, map[string]any{"id": "m1", "wait_for": "read"})
	if len(diags) != 1 || diags[0].Summary != "Status Token Rejected" {
		t.Fatalf("want the token error, got:\n%s", diagString(diags))
	}
	if strings.Contains(diagString(diags), wrongToken) || strings.Contains(diagString(diags), testStatusToken) {
		t.Errorf("a diagnostic shows a token:\n%s", diagString(diags))
	}
}

func TestMessageStatusReadPending(t *testing.T) {
	t.Parallel()
	rcv := startTestReceiver(t)
	p := newProtocolServer(t, testSeams().withEnv(envStatusToken, testStatusToken))
	if diags := p.configure(map[string]any{"status_url": rcv.url, "status_token": testStatusToken}); len(diags) > 0 {
		t.Fatalf("configure:\n%s", diagString(diags))
	}
	state, diags := readMessageStatus(p, map[string]any{"id": "never-seen"})
	if len(diags) > 0 {
		t.Fatalf("want no diagnostics, got:\n%s", diagString(diags))
	}
	want := map[string]string{"id": "never-seen", "status": wire.StatusPending, "timeout": defaultStatusTimeout}
	if len(state) != len(want) {
		t.Errorf("state = %v, want exactly %v", state, want)
	}
	for k, v := range want {
		if state[k] != v {
			t.Errorf("%s = %q, want %q", k, state[k], v)
		}
	}
}

// validLatest is a latest search that passes every rule, changed by change
// when it is not nil.
func validLatest(change func(l map[string]any)) map[string]any {
	l := map[string]any{"country_code": "+91", "phone_number": "9812345678", "template": "order_shipped", "since": "2026-03-01T10:00:00Z"}
	if change != nil {
		change(l)
	}
	return l
}

// postCampaignWebhook posts a signed message_campaign_* webhook of the
// order_shipped message id to 919812345678 to rcv, sent at sentAt.
func postCampaignWebhook(t *testing.T, rcv *testReceiver, typ, id string, sentAt time.Time) {
	t.Helper()
	if err := postCampaignWebhookErr(t, rcv, typ, id, sentAt); err != nil {
		t.Fatal(err)
	}
}

func postCampaignWebhookErr(t *testing.T, rcv *testReceiver, typ, id string, sentAt time.Time) error {
	body := fmt.Sprintf(`{"version":"1.0","timestamp":%q,"type":%q,"data":{"customer":{"channel_phone_number":"919812345678"},
"message":{"id":%q,"chat_message_type":"CampaignMessage","campaign_id":"ongoing-7","received_at_utc":%q,
"raw_template":"{\"name\": \"order_shipped\", \"language\": \"en\"}","meta_data":{"source_data":{}}}}}`,
		sentAt.Format(time.RFC3339), typ, id, sentAt.UTC().Format("2006-01-02T15:04:05.000000"))
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, rcv.url+receiver.DefaultWebhookPath, strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(wire.SignatureHeader, receiver.Sign(testWebhookSecret, []byte(body)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("webhook %s: %d", typ, resp.StatusCode)
	}
	return nil
}

// latest finds the newest message of a recipient and template that a
// campaign sent, with its campaign id, waits for it to be delivered, and
// allows 2 minutes of clock skew before since; a message older than that
// is not found, and then the status is pending with a null id.
func TestMessageStatusReadLatest(t *testing.T) {
	t.Parallel()
	rcv := startTestReceiver(t)
	p := newProtocolServer(t, testSeams().withEnv(envStatusToken, testStatusToken))
	if diags := p.configure(map[string]any{"status_url": rcv.url}); len(diags) > 0 {
		t.Fatalf("configure:\n%s", diagString(diags))
	}
	sentAt := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
	postCampaignWebhook(t, rcv, wire.EventCampaignSent, "older", sentAt.Add(-10*time.Minute))
	postCampaignWebhook(t, rcv, wire.EventCampaignSent, "newest", sentAt)
	delivered := make(chan error, 1)
	go func() {
		time.Sleep(300 * time.Millisecond)
		delivered <- postCampaignWebhookErr(t, rcv, wire.EventCampaignDelivered, "newest", sentAt)
	}()

	// since a minute after the send: the runner's clock may be that far
	// ahead, and the message is still found.
	state, diags := readMessageStatus(p, map[string]any{
		"latest":   validLatest(func(l map[string]any) { l["since"] = sentAt.Add(time.Minute).Format(time.RFC3339) }),
		"wait_for": "delivered", "timeout": "20s",
	})
	if len(diags) > 0 {
		t.Fatalf("diagnostics:\n%s", diagString(diags))
	}
	if err := <-delivered; err != nil {
		t.Fatal(err)
	}
	if state["id"] != "newest" || state["status"] != wire.StatusDelivered || state["campaign_id"] != "ongoing-7" {
		t.Errorf("state = %v, want newest, delivered, of campaign ongoing-7", state)
	}

	state, diags = readMessageStatus(p, map[string]any{
		"latest": validLatest(func(l map[string]any) { l["since"] = sentAt.Add(3 * time.Minute).Format(time.RFC3339) }),
	})
	if len(diags) > 0 {
		t.Fatalf("diagnostics:\n%s", diagString(diags))
	}
	if _, hasID := state["id"]; hasID || state["status"] != wire.StatusPending {
		t.Errorf("state = %v, want pending with a null id: the message is older than since less 2 minutes", state)
	}

	_, diags = readMessageStatus(p, map[string]any{
		"latest":   validLatest(func(l map[string]any) { l["template"] = "welcome_message" }),
		"wait_for": "sent", "timeout": "1s",
	})
	if d := findDiag(diags, wantDiag{tfprotov6.DiagnosticSeverityError, "No Message Found in Time", "latest"}); d == nil || len(diags) != 1 {
		t.Errorf("want one No Message Found in Time error at latest, got:\n%s", diagString(diags))
	}
}

// A latest read that fails names the message it found, or the search.
func TestLatestReadFailedNamesTheMessage(t *testing.T) {
	t.Parallel()
	q := latestQuery{template: "order_shipped", since: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)}
	failed := latestReadFailed(q, &statusFailedError{status: wire.Status{ID: "m9", Status: wire.StatusFailed}})
	if failed.Summary() != "Message Failed" ||
		!strings.HasPrefix(failed.Detail(), "Message m9 (the latest of template order_shipped to the recipient since 2026-03-01T10:00:00Z) failed") {
		t.Errorf("failed: %s: %s", failed.Summary(), failed.Detail())
	}
	none := latestReadFailed(q, &statusTimeoutError{last: pendingStatus(""), timeout: time.Minute})
	if !none.Equal(diag.NewAttributeErrorDiagnostic(path.Root("latest"), "No Message Found in Time", none.Detail())) ||
		!strings.Contains(none.Detail(), "searched from 2026-03-01T09:58:00Z") {
		t.Errorf("none found: %s: %s", none.Summary(), none.Detail())
	}
}
