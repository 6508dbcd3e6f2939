package client

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

func TestListingFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "interakt")
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	f := NewListingFile(dir, strings.Repeat("ab", 32), 90*time.Second)
	f.now = func() time.Time { return now }
	if _, ok := f.Load(); ok {
		t.Fatal("Load before any Store reported a listing")
	}
	list := []wire.TemplateInfo{{
		Name: "order_shipped", Language: "en", Body: "Hi {{1}}", ApprovalStatus: wire.ApprovalApproved,
		Buttons: wire.Buttons{{Type: "URL", Text: "Track", URL: "https://shop.example.com/{{1}}"}},
	}}
	f.Store(list)
	if filepath.Base(f.Path()) != "templates-"+strings.Repeat("ab", 16)+".json" {
		t.Errorf("path %s; want templates-<key id>.json", f.Path())
	}
	if info, err := os.Stat(f.Path()); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v, %v; want 0600", info, err)
	}
	for _, tc := range []struct {
		name  string
		after time.Duration
		want  bool
	}{
		{"fresh", 0, true},
		{"at the freshness", 90 * time.Second, true},
		{"stale", 91 * time.Second, false},
		{"from the future", -time.Second, false},
	} {
		f.now = func() time.Time { return now.Add(tc.after) }
		got, ok := f.Load()
		if ok != tc.want {
			t.Errorf("%s: Load = %v; want %v", tc.name, ok, tc.want)
		}
		if ok && (len(got) != 1 || got[0].Name != "order_shipped" || len(got[0].Buttons) != 1 || got[0].Buttons[0].URL != list[0].Buttons[0].URL) {
			t.Errorf("%s: Load = %+v; want what was stored", tc.name, got)
		}
	}
	f.now = func() time.Time { return now }
	if err := os.WriteFile(f.Path(), []byte(`{"listed_at":`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.Load(); ok {
		t.Error("a torn file loaded as a listing")
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 1 {
		t.Errorf("the folder holds %v, %v; want the listing alone (no temporary file left)", entries, err)
	}
}

// TestListingFileUnwritable: a folder that cannot be made loses the
// listing silently.
func TestListingFileUnwritable(t *testing.T) {
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	f := NewListingFile(filepath.Join(blocker, "interakt"), "abcd", time.Minute)
	f.Store([]wire.TemplateInfo{{Name: "x", Language: "en"}})
	if _, ok := f.Load(); ok {
		t.Error("Load found a listing that could not be written")
	}
}
