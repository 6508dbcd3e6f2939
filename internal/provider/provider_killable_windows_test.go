package provider

import (
	"os/exec"
	"testing"
)

// startKillable skips the test: killing Terraform together with the
// provider it started needs a process group, which Windows lacks (a job
// object would do, but no kill test runs on Windows).
func startKillable(t *testing.T, _ *exec.Cmd) *killableRun {
	t.Helper()
	t.Skip("a kill test kills Terraform's process group: not on Windows")
	return nil
}

func (r *killableRun) kill(t *testing.T)      { t.Helper() }
func (r *killableRun) killGroup(t *testing.T) { t.Helper() }
func (r *killableRun) wasKilled() bool        { return false }
