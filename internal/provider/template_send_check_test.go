package provider

import (
	"testing"

	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// TestAccountSendCheck plans the send action and a message against the
// account's templates: one not APPROVED, one absent, and one whose body
// has another variable count are refused at plan, at template, and no
// request but the listing reaches the mock. Without a key nothing is read,
// and the plan only warns that the apply cannot send.
func TestAccountSendCheck(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		account func(*mock.Server)
		message func(map[string]any)
		want    wantDiag
	}{
		{name: "approved and alike"},
		{
			name:    "paused",
			account: func(s *mock.Server) { _ = s.SetApproval("order_shipped", "en", "PAUSED", "") },
			want:    errAt("Template Not Approved", "template"),
		},
		{
			name:    "rejected",
			account: func(s *mock.Server) { _ = s.SetApproval("order_shipped", "en", "REJECTED", "TAG_CONTENT_MISMATCH") },
			want:    errAt("Template Not Approved", "template"),
		},
		{
			name:    "absent",
			account: func(s *mock.Server) { s.DeleteTemplate("order_shipped", "en") },
			want:    errAt("Template Not in the Account", "template.name"),
		},
		{
			name: "body variables differ",
			account: func(s *mock.Server) {
				_ = s.UpdateTemplate("order_shipped", "en", func(t *wire.TemplateInfo) { t.Body = "Hi {{1}}, order {{2}} ships {{3}}." })
			},
			want: errAt("Template Differs From the Account", "template"),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newTestMock(t, mock.Options{RateLimit: -1})
			if tc.account != nil {
				tc.account(srv)
			}
			p := newProtocolServer(t, testSeams().withEnv(envAPIKey, testAPIKey))
			if diags := p.configure(map[string]any{"base_url": srv.URL()}); hasErrorDiag(diags) {
				t.Fatalf("configure:\n%s", diagString(diags))
			}
			var want []wantDiag
			if tc.want.summary != "" {
				want = []wantDiag{tc.want}
			}
			assertDiags(t, "action plan", p.planAction(validMessage()), want)
			assertDiags(t, "message plan", p.planCreate(messageType, validMessage()).Diagnostics, want)
			for _, r := range srv.Requests() {
				if r.Path != wire.TemplatesPath {
					t.Errorf("plan made %s %s; want only listings", r.Method, r.Path)
				}
			}
			if n := len(srv.Requests()); n != len(wire.ApprovalStatuses) {
				t.Errorf("two plans made %d list requests; want one listing (%d)", n, len(wire.ApprovalStatuses))
			}

			// Without a key: nothing read, and nothing reported but that the
			// apply cannot send.
			offline := newProtocolServer(t, testSeams())
			if diags := offline.configure(map[string]any{"base_url": srv.URL()}); hasErrorDiag(diags) {
				t.Fatalf("configure:\n%s", diagString(diags))
			}
			before := len(srv.Requests())
			assertDiags(t, "plan without key", offline.planAction(validMessage()), []wantDiag{warnAt("No API Key to Send With", "(none)")})
			if n := len(srv.Requests()) - before; n != 0 {
				t.Errorf("a plan without a key made %d requests", n)
			}
		})
	}
}
