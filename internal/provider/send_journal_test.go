package provider

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/interakt-community/terraform-provider-interakt/internal/contract"
	"github.com/interakt-community/terraform-provider-interakt/internal/journal"
	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

func testJournalMessage(body string) wire.Message {
	return wire.Message{CountryCode: "+91", PhoneNumber: "9800000001", Type: wire.MessageTypeTemplate,
		Template: wire.Template{Name: "order_shipped", LanguageCode: "en", BodyValues: []string{body}}}
}

// Every intended new send has a key of its own; a repeat of the same send
// has the same key.
func TestJournalKeySeparatesIntendedSends(t *testing.T) {
	t.Parallel()
	c := contract.Contract{Name: "order_shipped", LanguageCode: "en"}
	base := journalKey(journalCampaign, "", "c-1", c, testJournalMessage("Asha"))
	if again := journalKey(journalCampaign, "", "c-1", c, testJournalMessage("Asha")); again != base {
		t.Fatal("the same send has two keys")
	}
	for name, other := range map[string]string{
		"another recipient key": journalKey(journalCampaign, "", "c-2", c, testJournalMessage("Asha")),
		"changed inputs":        journalKey(journalCampaign, "", "c-1", c, testJournalMessage("Chen")),
		"a campaign with state": journalKey(journalCampaign, "id-1", "c-1", c, testJournalMessage("Asha")),
		"a test send":           journalKey(journalTestMessage, "", "c-1", c, testJournalMessage("Asha")),
		"other triggers": journalKey(journalTestMessage, triggersScopeFromStrings(map[string]string{"release": "2"}), "", c,
			testJournalMessage("Asha")),
	} {
		if other == base {
			t.Errorf("%s has the same key", name)
		}
	}
}

// pending adopts what another process left and is not yet in state;
// entries taken in and answers that say nothing was sent are removed;
// the process's own sends are never adopted.
func TestSendJournalPending(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := context.Background()
	earlier := newSendJournal(journal.NewDir(dir))
	now := time.Now()
	for _, e := range []wire.JournalEntry{
		{Attempt: "00000000-0000-4000-8000-000000000001", Key: "killed", StartedAt: now.Format(time.RFC3339Nano)},
		{Attempt: "00000000-0000-4000-8000-000000000002", Key: "taken", StartedAt: now.Format(time.RFC3339Nano),
			Answered: true, Status: sendSent, MessageID: "m-2"},
		{Attempt: "00000000-0000-4000-8000-000000000003", Key: "refused", StartedAt: now.Format(time.RFC3339Nano),
			Answered: true, Status: sendRejected, Error: "400"},
	} {
		if err := earlier.j.Begin(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	later := newSendJournal(journal.NewDir(dir))
	outcome, own := later.send(ctx, "mine", testJournalMessage("Asha"), func(context.Context, wire.Message) sendOutcome {
		return sendOutcome{ID: "m-own", Status: sendSent}
	})
	if own == "" || outcome.ID != "m-own" {
		t.Fatalf("send: %+v %q", outcome, own)
	}
	pending, err := later.pending(ctx, []string{"killed", "taken", "refused", "mine"},
		map[string]bool{"00000000-0000-4000-8000-000000000002": true}, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 1 || pending["killed"].Attempt != "00000000-0000-4000-8000-000000000001" {
		t.Fatalf("pending = %+v, want only the killed send", pending)
	}
	if got, _ := adoptedOutcome(pending["killed"]); got.Status != sendUncertain {
		t.Errorf("an unanswered entry is adopted as %q, want uncertain", got.Status)
	}
	for _, gone := range []string{"00000000-0000-4000-8000-000000000002", "00000000-0000-4000-8000-000000000003"} {
		if _, err := os.Stat(filepath.Join(dir, gone+".json")); !os.IsNotExist(err) {
			t.Errorf("entry %s was not removed (%v)", gone, err)
		}
	}
	// Another process adopts this one's send: it is a stopped run's to it.
	other := newSendJournal(journal.NewDir(dir))
	if got, _ := other.pending(ctx, []string{"mine"}, nil, true); got["mine"].MessageID != "m-own" {
		t.Errorf("another process sees %+v for the answered send", got)
	}
	// Claimed, it is not adopted a second time by that process.
	if got, _ := other.pending(ctx, []string{"mine"}, nil, true); len(got) != 0 {
		t.Errorf("a claimed entry was adopted again: %+v", got)
	}
}

// The local journal follows Terraform's data folder unless told otherwise.
func TestLocalJournalDir(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{nil, filepath.Join(".terraform", "interakt-journal")},
		{map[string]string{"TF_DATA_DIR": "/data/tf"}, filepath.Join("/data/tf", "interakt-journal")},
		{map[string]string{"TF_DATA_DIR": "/data/tf", envJournalDir: "/journal"}, "/journal"},
	} {
		if got := localJournalDir(func(k string) string { return tc.env[k] }); got != tc.want {
			t.Errorf("env %v: %s, want %s", tc.env, got, tc.want)
		}
	}
}

// A test send whose journal cannot be written is not made, and the error
// says why.
func TestTemplateMessageJournalUnwritable(t *testing.T) {
	t.Parallel()
	srv := newTestMock(t, mock.Options{})
	blocker := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	s := testSeams().withEnv(envAPIKey, testAPIKey)
	s.journalDir = filepath.Join(blocker, "journal") // a folder inside a file cannot be made
	p := newProtocolServer(t, s)
	if diags := p.configure(map[string]any{"base_url": srv.URL()}); hasErrorDiag(diags) {
		t.Fatalf("configure:\n%s", diagString(diags))
	}
	_, diags := p.applyMessage(protocolMessage())
	if d := findDiag(diags, wantDiag{tfprotov6.DiagnosticSeverityError, "Send Journal Unavailable", "(none)"}); d == nil ||
		!strings.Contains(d.Detail, "Nothing was sent") {
		t.Fatalf("want the journal error; got:\n%s", diagString(diags))
	}
	if n := len(srv.SendRequests()); n != 0 {
		t.Fatalf("%d send requests reached the mock, want 0", n)
	}
}
