package ratelimit

import (
	"os"
	"strings"
)

// HostClock names the boot clock this machine's budget files are on: its
// boot id where the system gives one (bootID), else its host name. It is
// part of a budget file's name, so that machines sharing the folder (an
// NFS home on a CI fleet) keep a file each: their boot clocks are
// unrelated, and one machine reading another's stamps would take them for
// a clock gone back (a restart) and start the ledger over, or for slots
// that leave the window hours from now.
//
// A boot id names the clock itself: containers of one machine share its
// kernel, so its boot clock and boot id, and one file, whatever their host
// names; a restart starts a new file (the old one, a few hundred bytes, is
// left behind). A host name stays across restarts, which the ledger
// detects by its clock going back.
func HostClock() string {
	if id := strings.ReplaceAll(bootID(), "-", ""); id != "" {
		return "boot-" + safeName(id, 16)
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown"
	}
	return "host-" + safeName(host, 64)
}

// safeName keeps the letters, digits, dots and dashes of s, others made
// "_", up to n characters, so that it is safe in a file name everywhere.
func safeName(s string, n int) string {
	var b strings.Builder
	for _, r := range s {
		if b.Len() == n {
			break
		}
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}
