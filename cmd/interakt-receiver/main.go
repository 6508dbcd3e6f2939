// Command interakt-receiver receives Interakt's status webhooks, stores
// them and serves each message's status to the Terraform provider's
// interakt_message_status data source.
//
// Flags (each also an environment variable; prefer the environment for
// secrets, since a command line shows in ps):
//
//	--listen          address to listen on (default :8080; INTERAKT_RECEIVER_LISTEN)
//	--db              sqlite://<path> (default sqlite://interakt-status.db) or a
//	                  postgres:// URL (INTERAKT_RECEIVER_DB)
//	--webhook-secret  webhook secret(s), comma-separated (INTERAKT_WEBHOOK_SECRET)
//	--status-token    status token(s), comma-separated (INTERAKT_STATUS_TOKEN)
//	--webhook-path    default /webhooks/interakt (INTERAKT_RECEIVER_WEBHOOK_PATH)
//	--retention       e.g. 720h or 30d; 0 keeps everything (INTERAKT_RECEIVER_RETENTION)
//	--addr-file       write the listening URL to this file (INTERAKT_RECEIVER_ADDR_FILE)
//
// SIGINT or SIGTERM stops it gracefully: webhooks in flight get their
// commit and their answer.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/interakt-community/terraform-provider-interakt/internal/receiver"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := receiver.Main(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
