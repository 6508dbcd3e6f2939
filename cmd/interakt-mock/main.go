// Command interakt-mock serves a mock of Interakt's public API for demos and
// acceptance tests: template sends, the template listing, the rate limit,
// signed status webhooks, injectable faults, tracked events and ongoing
// campaigns. Run with -h for its flags.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := mock.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case errors.Is(err, mock.ErrUsage):
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "interakt-mock:", err)
		os.Exit(1)
	}
}
