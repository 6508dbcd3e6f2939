//go:build !linux

package provider

import (
	"os/exec"
	"strconv"
	"strings"
)

// campaignProcessesOf lists the live (not zombie) processes whose
// executable is binary, from ps: there is no /proc to read.
func campaignProcessesOf(binary string) ([]int, error) {
	out, err := exec.Command("ps", "-axo", "pid=,stat=,command=").Output()
	if err != nil {
		return nil, err
	}
	var pids []int
	for line := range strings.Lines(string(out)) {
		fields := strings.Fields(line)
		if len(fields) < 3 || strings.HasPrefix(fields[1], "Z") || fields[2] != binary {
			continue
		}
		if pid, err := strconv.Atoi(fields[0]); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids, nil
}
