// Package mock is an in-process stand-in for Interakt's public API: template
// sends with Basic auth, the request rules, the template listing, a sliding
// window rate limit, signed status webhooks, and injectable faults. Tests
// start one Server each (NewTestServer); cmd/interakt-mock serves one on a
// port.
//
// # Sends
//
// POST /v1/public/message/ goes through these steps, in order:
//
//  1. It gets its arrival number n (1, 2, 3... over every POST to the
//     message path, whatever its answer; no other request is numbered) and
//     its arrival time.
//  2. A Hold for n blocks it here until released.
//  3. Authorization must be "Basic " followed by the configured key: else 401.
//  4. Faults that mean the server never looked at it: 429 (with or without
//     Retry-After) and a connection dropped before the body is read. These
//     take no room in the rate limit window.
//  5. The rate limit, judged at the arrival time: at most RateLimit admitted
//     requests in any Window. Past it, 429 with Retry-After (whole seconds,
//     rounded up), or without it when NoRetryAfter is set, as Interakt
//     answers; the request is ignored and takes no room. Sends and
//     template listings share the window; 401s do not count.
//  6. Faults 500, 502, 503: answered without sending.
//  7. The request rules, each a 400 with Interakt's text: JSON content
//     type, a JSON object without unknown top-level fields, type
//     "Template", an APPROVED template of that name and language, the phone
//     rules, the body value count, callbackData length, then RejectPhones.
//  8. Acceptance: a UUID v4 id, a SentMessage record, webhooks scheduled.
//  9. Faults that follow acceptance: slow answer, connection dropped after
//     the body, malformed 201 body, 201 without id. The message counts as
//     sent in each of these.
//
// Every request, whatever its path, is recorded (Requests) with its
// Authorization header removed.
//
// # Webhooks
//
// With a WebhookURL, each accepted message gets message_api_sent, then
// message_api_delivered and message_api_read (or message_api_failed for
// FailPhones), each at its delay after acceptance, signed with
// Interakt-Signature. A message's events are posted one after the other by
// one goroutine; an event is retried with doubling backoff on a non-2xx
// answer or a transport error. Close abandons what is pending.
//
// # Tracked events and ongoing campaigns
//
// POST /v1/public/track/events/ takes an event (userId, or countryCode and
// phoneNumber; a non-empty event name; flat traits) and answers 201 with
// an id; its requests are numbered apart from sends and share the rate
// limit. Each OngoingCampaign whose event it is then sends its template to
// the event's phone number, with named traits as body values, and posts
// message_campaign_* webhooks (chat_message_type CampaignMessage, the
// campaign's id). Campaigns come from Options, the --ongoing-campaign flag
// of cmd/interakt-mock, or POST AdminOngoingCampaignsPath.
//
// # Conformance
//
// testdata/live holds the shapes (wire.Shape) of exchanges with Interakt,
// recorded by live runs against real accounts (make testacc-live) or,
// until one is sent back, written from Interakt's documentation and
// integrators' code. TestConformanceToRecordings replays each against the
// mock and fails where the mock answers in another shape.
package mock
