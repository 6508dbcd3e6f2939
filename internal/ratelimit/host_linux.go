package ratelimit

import (
	"os"
	"strings"
)

// bootID is Linux's id of the present boot, new at each boot.
func bootID() string {
	data, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(data))
}
