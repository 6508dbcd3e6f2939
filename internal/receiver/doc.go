// Package receiver is the status receiver: it verifies and stores
// Interakt's status webhooks and serves each message's status to the
// provider's interakt_message_status data source.
//
// # Endpoints
//
//   - POST <webhook path> (default /webhooks/interakt): a webhook signed
//     with "Interakt-Signature: sha256=<hex HMAC-SHA256 of the body>" under
//     one of the configured secrets. 401 when the signature is missing or
//     wrong (200 for an unsigned request carrying no event, a ping), 413
//     past 1 MiB, 200 once the event is committed (a signed body that is
//     not a webhook is kept in dead_letters), 503 when it could not be
//     committed within the commit budget (2 s, inside Interakt's 3 s
//     deadline), so that Interakt sends it again.
//   - GET /v1/messages/{id} with "Authorization: Bearer <token>": the
//     message's status as wire.Status; 404 for an id never seen, 401
//     without a valid token. With the same token: POST /v1/messages/lookup
//     (many ids), POST /v1/messages/search (by recipient, template and
//     time, to settle uncertain sends), POST /v1/messages/latest (the
//     latest message to a recipient with a template since a time, by the
//     send time or by when the receiver first saw it, for
//     interakt_message_status's latest), GET /v1/time (the receiver's
//     clock, read by interakt_event before firing), and the provider's
//     send journal under /v1/journal/ (see the wire package), and the
//     fallback rules under /v1/fallbacks/{name} (PUT, GET, DELETE; their
//     hand-offs at /handoffs, dead ones sent again by POST /retry).
//   - GET /healthz: 200 when the database answers, else 503.
//   - GET /metrics: Prometheus metrics (interakt_receiver_*), on a
//     registry of the server's own.
//
// # Events
//
// message_api_sent, _delivered, _read and _failed are stored, and
// message_api_clicked, which makes the message read; so are the events of
// messages Interakt's campaigns send (message_campaign_sent, _delivered,
// _read and _failed), with their campaign id. Every other type (incoming
// messages...) is answered 200 and ignored, counted in
// interakt_receiver_events_ignored_total.
//
// An event is identified by its message id and its type; a second copy is
// answered 200 and changes nothing. A message's status only moves forward
// (sent < delivered < read; failed is terminal) whatever order events
// arrive in, and every time reported is kept. Both rules live in the
// database's upsert statements, not in this process, so several receivers
// may share one PostgreSQL database.
//
// # Fallback hand-offs
//
// A failure stored for the first time is handed off, in the same
// transaction, to every rule on "failed" that covers its template (an
// outbox row); a scan every second hands off the messages still only sent
// past a rule's undelivered_after. One hand-off per message and rule.
// A delivery loop leases the due ones, POSTs each (wire.Handoff, signed
// with the rule's secret, keyed "<message id>:<rule>") and retries
// refusals with a doubling backoff until the give-up time. At least once:
// a receiver killed between the endpoint's answer and its record of it
// sends the hand-off again, with the same idempotency key.
//
// # Durability
//
// A single writer goroutine gathers webhooks into batches (up to
// MaxBatch events, waiting at most BatchWindow for more) and commits each
// batch in one transaction; every request waits for its own event's
// commit. So a 200 is only sent for an event that is on disk: SQLite runs
// in WAL mode with synchronous=FULL, PostgreSQL commits synchronously by
// default. An event the database refuses fails alone: a failed batch is
// split and retried in halves.
//
// # Personal data
//
// The receiver stores no message body: only the message id, status,
// times, failure reason and code, callback data, the first click, the
// template's name and language, and the customer's phone number (personal
// data, kept so that the provider can match a send whose answer was lost;
// never logged). With a retention set, messages without an event for that
// long are deleted, and dead letters (whole bodies) older than that too.
// Secrets and tokens, fallback rules' secrets among them, are never
// logged. A hand-off carries the customer's number to the rule's URL,
// which must be https (or http to a loopback address).
package receiver
