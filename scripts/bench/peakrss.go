//go:build ignore

// Command peakrss stands in for a program that another program starts, so
// that the benchmark can read the started program's peak memory: it runs
// $PEAKRSS_TARGET with its own arguments, standard streams and environment,
// forwards SIGINT and SIGTERM to it, and when it exits appends
// "<pid> <peak RSS in KiB>" to $PEAKRSS_OUT and exits with its code.
//
// scripts/bench.sh builds it under the provider's name in a dev_overrides
// folder, so each provider process Terraform starts is measured whole,
// from the kernel's own account (wait4's ru_maxrss), without sampling.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
)

func main() {
	target, out := os.Getenv("PEAKRSS_TARGET"), os.Getenv("PEAKRSS_OUT")
	if target == "" || out == "" {
		fmt.Fprintln(os.Stderr, "peakrss: set PEAKRSS_TARGET and PEAKRSS_OUT")
		os.Exit(2)
	}
	cmd := exec.Command(target, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "peakrss: %v\n", err)
		os.Exit(2)
	}
	go func() {
		for s := range signals {
			_ = cmd.Process.Signal(s) // It may have exited already.
		}
	}()
	err := cmd.Wait()
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		fmt.Fprintf(os.Stderr, "peakrss: %v\n", err)
		os.Exit(2)
	}
	usage, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		fmt.Fprintln(os.Stderr, "peakrss: no resource usage for the process")
		os.Exit(2)
	}
	if err := appendLine(out, fmt.Sprintf("%d %d\n", cmd.Process.Pid, usage.Maxrss)); err != nil {
		fmt.Fprintf(os.Stderr, "peakrss: %v\n", err)
		os.Exit(2)
	}
	os.Exit(cmd.ProcessState.ExitCode())
}

// appendLine appends line to the file name in one write, so that
// processes ending together do not interleave their lines.
func appendLine(name, line string) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(line); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}
