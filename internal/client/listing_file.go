package client

import (
	"encoding/json"
	"os"
	"path/filepath"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// ListingFile is a SharedListing in a small file, beside the local rate
// budget's: templates-<key id>.json, named like the budget by
// ratelimit.KeyID, so it holds neither the key nor the base URL. It holds
// the APPROVED listing and when it was made, nothing else (a listing has
// no phone numbers or values). It is written to a temporary file and
// renamed into place, so a reader sees a whole listing or the one
// before; a file that cannot be read, parsed or written is skipped.
type ListingFile struct {
	path      string
	freshness time.Duration
	now       func() time.Time
}

// listingFileContent is what a ListingFile holds.
type listingFileContent struct {
	ListedAt  time.Time           `json:"listed_at"`
	Templates []wire.TemplateInfo `json:"templates"`
}

// NewListingFile returns the shared listing of the key keyID in dir,
// reused for freshness after it was made.
func NewListingFile(dir, keyID string, freshness time.Duration) *ListingFile {
	return &ListingFile{
		path:      filepath.Join(dir, "templates-"+keyID[:min(len(keyID), 32)]+".json"),
		freshness: freshness,
		now:       time.Now,
	}
}

// Path returns the listing's file.
func (f *ListingFile) Path() string { return f.path }

// Load returns the listing when it is at most freshness old. A listing
// from the future (the clock was set back since) is not fresh.
func (f *ListingFile) Load() ([]wire.TemplateInfo, bool) {
	data, err := os.ReadFile(f.path)
	if err != nil {
		return nil, false
	}
	var content listingFileContent
	if err := json.Unmarshal(data, &content); err != nil || content.Templates == nil {
		return nil, false
	}
	age := f.now().Sub(content.ListedAt)
	if age < 0 || age > f.freshness {
		return nil, false
	}
	return content.Templates, true
}

// Store writes list as the key's listing, made now.
func (f *ListingFile) Store(list []wire.TemplateInfo) {
	data, err := json.Marshal(listingFileContent{ListedAt: f.now(), Templates: list})
	if err != nil {
		return
	}
	dir := filepath.Dir(f.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return
	}
	tmp, err := os.CreateTemp(dir, ".templates-*.tmp")
	if err != nil {
		return
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), f.path)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
	}
}
