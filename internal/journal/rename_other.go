//go:build !windows

package journal

import (
	"os"
	"path/filepath"
)

// rename moves a written entry to its final name. With durable, the
// folder is fsynced after, so that the rename survives a power loss.
func rename(from, to string, durable bool) error {
	if err := os.Rename(from, to); err != nil {
		return err
	}
	if !durable {
		return nil
	}
	dir, err := os.Open(filepath.Dir(to))
	if err != nil {
		return err
	}
	defer dir.Close()
	return dir.Sync()
}
