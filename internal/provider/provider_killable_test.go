package provider

import (
	"bytes"
	"os/exec"
)

// killableRun is a Terraform run in a process group of its own, so that
// killing the group takes its provider with it, as a killed CI job would.
// Process groups are Unix's: on Windows startKillable skips the test
// (provider_killable_windows_test.go).
type killableRun struct {
	cmd    *exec.Cmd
	output bytes.Buffer // stdout and stderr
}
