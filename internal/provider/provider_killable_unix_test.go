//go:build unix

package provider

import (
	"errors"
	"os/exec"
	"syscall"
	"testing"
)

// startKillable starts cmd in a process group of its own, keeping its
// output; the test's cleanup kills the group if it is still there.
func startKillable(t *testing.T, cmd *exec.Cmd) *killableRun {
	t.Helper()
	run := &killableRun{cmd: cmd}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Stdout, cmd.Stderr = &run.output, &run.output
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
			t.Errorf("kill the process group: %v", err)
		}
	})
	return run
}

// kill sends SIGKILL to the run's process group and waits for Terraform.
func (r *killableRun) kill(t *testing.T) {
	t.Helper()
	r.killGroup(t)
	_ = r.cmd.Wait()
}

// killGroup sends SIGKILL to the run's process group and returns at once,
// for a test that waits for Terraform itself.
func (r *killableRun) killGroup(t *testing.T) {
	t.Helper()
	if err := syscall.Kill(-r.cmd.Process.Pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
}

// wasKilled reports whether Terraform ended by SIGKILL, not on its own
// before the kill.
func (r *killableRun) wasKilled() bool {
	status, ok := r.cmd.ProcessState.Sys().(syscall.WaitStatus)
	return ok && status.Signal() == syscall.SIGKILL
}
