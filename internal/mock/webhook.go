package mock

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// TimeFormat is how Interakt writes the message times of a webhook: UTC with
// microseconds and no zone.
const TimeFormat = "2006-01-02T15:04:05.000000"

// timestampFormat is the webhook's top-level timestamp: UTC, with a zone.
const timestampFormat = "2006-01-02T15:04:05.000000Z07:00"

// WebhookVersion is the version field of every webhook.
const WebhookVersion = "1.0"

// FailedErrorCode is the channel_error_code of a failed webhook (WhatsApp's
// "message undeliverable").
const FailedErrorCode = "131026"

// Delays schedule a message's events after it is accepted. A failed event
// takes Delivered's slot; nothing follows it.
type Delays struct {
	Sent, Delivered, Read time.Duration
}

// DefaultDelays is the schedule when Options.WebhookDelays is nil.
var DefaultDelays = Delays{Sent: 0, Delivered: 50 * time.Millisecond, Read: 100 * time.Millisecond}

// Defaults of webhook delivery.
const (
	DefaultWebhookAttempts = 4
	DefaultWebhookBackoff  = 100 * time.Millisecond
	DefaultWebhookTimeout  = 3 * time.Second
)

// Sign returns the Interakt-Signature header value of body under secret.
// The receiver signs and verifies with its own code (receiver.Sign and
// validSignature), never this function: the mock stands for Interakt, and a
// bug shared by both sides would let every signature test pass.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// WebhookDelivery is one webhook event and its delivery attempts.
type WebhookDelivery struct {
	MessageID string
	Type      string
	Body      []byte
	// Attempts are the tries so far, in order.
	Attempts []WebhookAttempt
	// Delivered tells whether an attempt got a 2xx answer.
	Delivered bool
	// Abandoned tells whether delivery stopped without success: out of
	// attempts, or the server closed.
	Abandoned bool
}

// WebhookAttempt is one POST of a webhook event.
type WebhookAttempt struct {
	At time.Time
	// Status is the receiver's status code; 0 when the POST failed.
	Status int
	// Err is the transport error, if any.
	Err string
}

// scheduledMessage is an accepted send whose events are to be delivered.
type scheduledMessage struct {
	id         string
	msg        wire.Message
	acceptedAt time.Time
	fails      bool
	failReason string
	// undelivered stops the events at sent (UndeliveredPhones).
	undelivered bool
	// failNow: the message was sent at sentAt; only its failed event is
	// posted, at once (Server.FailMessage).
	failNow    bool
	sentAt     time.Time
	duplicate  bool
	outOfOrder bool
	// campaignID is set on an ongoing campaign's message, whose events
	// are message_campaign_* ones.
	campaignID string
}

// dispatcher delivers webhooks in background goroutines, one per message,
// each posting that message's events in turn.
type dispatcher struct {
	delays   Delays
	attempts int
	backoff  time.Duration
	timeout  time.Duration
	client   *http.Client
	ctx      context.Context
	cancel   context.CancelFunc
	wg       sync.WaitGroup

	mu         sync.Mutex
	url        string
	secret     string
	closed     bool
	pending    int
	idle       chan struct{}
	deliveries []*WebhookDelivery
}

func newDispatcher(opts Options) *dispatcher {
	d := &dispatcher{
		delays:   DefaultDelays,
		attempts: opts.WebhookAttempts,
		backoff:  opts.WebhookBackoff,
		timeout:  opts.WebhookTimeout,
		client:   opts.WebhookClient,
		url:      opts.WebhookURL,
		secret:   opts.WebhookSecret,
		idle:     make(chan struct{}),
	}
	close(d.idle)
	if opts.WebhookDelays != nil {
		d.delays = *opts.WebhookDelays
	}
	if d.attempts <= 0 {
		d.attempts = DefaultWebhookAttempts
	}
	if d.backoff <= 0 {
		d.backoff = DefaultWebhookBackoff
	}
	if d.timeout <= 0 {
		d.timeout = DefaultWebhookTimeout
	}
	if d.client == nil {
		d.client = &http.Client{}
	}
	d.ctx, d.cancel = context.WithCancel(context.Background())
	return d
}

// SetWebhook changes where webhooks of messages accepted from now on go.
func (s *Server) SetWebhook(url, secret string) {
	s.webhooks.mu.Lock()
	defer s.webhooks.mu.Unlock()
	s.webhooks.url = url
	s.webhooks.secret = secret
}

// WebhookDeliveries returns every webhook event scheduled so far, in the
// order their first attempt was made.
func (s *Server) WebhookDeliveries() []WebhookDelivery {
	d := s.webhooks
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]WebhookDelivery, len(d.deliveries))
	for i, delivery := range d.deliveries {
		out[i] = *delivery
		out[i].Body = slices.Clone(delivery.Body)
		out[i].Attempts = slices.Clone(delivery.Attempts)
	}
	return out
}

// WaitWebhooks waits until every webhook scheduled so far is delivered or
// abandoned, or ctx ends.
func (s *Server) WaitWebhooks(ctx context.Context) error {
	s.webhooks.mu.Lock()
	idle := s.webhooks.idle
	s.webhooks.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// event is one webhook body and when to post it, after acceptance.
type event struct {
	typ   string
	after time.Duration
	body  []byte
}

// schedule starts delivering m's events, when a webhook URL is set.
func (d *dispatcher) schedule(m scheduledMessage) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed || d.url == "" {
		return
	}
	events := buildEvents(m, d.delays)
	url, secret := d.url, d.secret
	if d.pending == 0 {
		d.idle = make(chan struct{})
	}
	d.pending++
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		defer d.done()
		d.deliverAll(m, events, url, secret)
	}()
}

func (d *dispatcher) done() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.pending--
	if d.pending == 0 {
		close(d.idle)
	}
}

// close abandons pending deliveries and waits for their goroutines.
func (d *dispatcher) close() {
	d.mu.Lock()
	d.closed = true
	d.mu.Unlock()
	d.cancel()
	d.wg.Wait()
}

// deliverAll posts m's events at their times, each retried until a 2xx.
func (d *dispatcher) deliverAll(m scheduledMessage, events []event, url, secret string) {
	bodies := make([]event, len(events))
	copy(bodies, events)
	if m.outOfOrder {
		// Newest first, on the original schedule.
		for i := range bodies {
			bodies[i].typ = events[len(events)-1-i].typ
			bodies[i].body = events[len(events)-1-i].body
		}
	}
	copies := 1
	if m.duplicate {
		copies = 2
	}
	for i, e := range bodies {
		if !d.sleepUntil(m.acceptedAt.Add(e.after)) {
			d.abandon(m.id, bodies[i:], copies)
			return
		}
		for c := range copies {
			if !d.deliver(m.id, e, url, secret) {
				// The copies and events left are abandoned with the server.
				d.abandon(m.id, bodies[i:i+1], copies-c-1)
				d.abandon(m.id, bodies[i+1:], copies)
				return
			}
		}
	}
}

// abandon records events the server closed before trying, each copies
// times.
func (d *dispatcher) abandon(id string, events []event, copies int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, e := range events {
		for range copies {
			d.deliveries = append(d.deliveries, &WebhookDelivery{MessageID: id, Type: e.typ, Body: e.body, Abandoned: true})
		}
	}
}

// deliver posts one event with retries; it reports false when the server
// closed meanwhile.
func (d *dispatcher) deliver(id string, e event, url, secret string) bool {
	record := &WebhookDelivery{MessageID: id, Type: e.typ, Body: e.body}
	d.mu.Lock()
	d.deliveries = append(d.deliveries, record)
	d.mu.Unlock()

	wait := d.backoff
	for attempt := 1; ; attempt++ {
		status, err := d.post(url, secret, e.body)
		d.mu.Lock()
		a := WebhookAttempt{At: time.Now(), Status: status}
		if err != nil {
			a.Err = err.Error()
		}
		record.Attempts = append(record.Attempts, a)
		ok := err == nil && status >= 200 && status < 300
		record.Delivered = ok
		if !ok && attempt == d.attempts {
			record.Abandoned = true
		}
		d.mu.Unlock()
		if ok || attempt == d.attempts {
			return true
		}
		if !d.sleepUntil(time.Now().Add(wait)) {
			d.mu.Lock()
			record.Abandoned = true
			d.mu.Unlock()
			return false
		}
		wait *= 2
	}
}

// post makes one attempt and returns the answer's status.
func (d *dispatcher) post(url, secret string, body []byte) (int, error) {
	ctx, cancel := context.WithTimeout(d.ctx, d.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("building webhook request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(wire.SignatureHeader, Sign(secret, body))
	resp, err := d.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer func() {
		// Draining lets the connection be reused; errors here are harmless.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		_ = resp.Body.Close()
	}()
	return resp.StatusCode, nil
}

// sleepUntil waits until t; it reports false if the server closed first.
func (d *dispatcher) sleepUntil(t time.Time) bool {
	wait := time.Until(t)
	if wait <= 0 {
		return d.ctx.Err() == nil
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-d.ctx.Done():
		return false
	}
}

// buildEvents returns m's events in their natural order with their bodies.
func buildEvents(m scheduledMessage, delays Delays) []event {
	sentAt := m.acceptedAt.Add(delays.Sent)
	if m.failNow {
		sentAt, delays = m.sentAt, Delays{}
	}
	deliveredAt := m.acceptedAt.Add(delays.Delivered)
	readAt := m.acceptedAt.Add(delays.Read)

	base := wire.WebhookMessage{
		ID:            m.id,
		ReceivedAtUTC: formatTime(sentAt),
		RawTemplate:   rawTemplate(m.msg),
		MetaData: wire.WebhookMetaData{
			SourceData: wire.WebhookSourceData{CallbackData: m.msg.CallbackData},
		},
	}
	typeSent, typeDelivered, typeRead, typeFailed := wire.EventSent, wire.EventDelivered, wire.EventRead, wire.EventFailed
	if m.campaignID != "" {
		base.ChatMessageType, base.CampaignID = wire.ChatMessageTypeCampaign, m.campaignID
		typeSent, typeDelivered, typeRead, typeFailed = wire.EventCampaignSent, wire.EventCampaignDelivered, wire.EventCampaignRead, wire.EventCampaignFailed
	}
	sent := base
	sent.MessageStatus = "Sent"
	events := []event{{typ: typeSent, after: delays.Sent, body: webhookBody(m, typeSent, sentAt, sent)}}

	switch {
	case m.failNow:
		events = nil
	case m.undelivered && !m.fails:
		return events
	}
	if m.fails {
		failed := base
		failed.MessageStatus = "Failed"
		failed.FailedAtUTC = formatTime(deliveredAt)
		failed.ChannelFailureReason = m.failReason
		failed.ChannelErrorCode = FailedErrorCode
		return append(events, event{typ: typeFailed, after: delays.Delivered, body: webhookBody(m, typeFailed, deliveredAt, failed)})
	}
	delivered := base
	delivered.MessageStatus = "Delivered"
	delivered.DeliveredAtUTC = formatTime(deliveredAt)
	read := delivered
	read.MessageStatus = "Read"
	read.SeenAtUTC = formatTime(readAt)
	return append(events,
		event{typ: typeDelivered, after: delays.Delivered, body: webhookBody(m, typeDelivered, deliveredAt, delivered)},
		event{typ: typeRead, after: delays.Read, body: webhookBody(m, typeRead, readAt, read)},
	)
}

func webhookBody(m scheduledMessage, typ string, at time.Time, message wire.WebhookMessage) []byte {
	channelNumber := strings.TrimPrefix(m.msg.CountryCode, "+") + m.msg.PhoneNumber
	return mustJSON(wire.Webhook{
		Version:   WebhookVersion,
		Timestamp: at.UTC().Format(timestampFormat),
		Type:      typ,
		Data: wire.WebhookData{
			Customer: wire.WebhookCustomer{
				ID:                 uuid.NewSHA1(uuid.NameSpaceOID, []byte(channelNumber)).String(),
				ChannelPhoneNumber: channelNumber,
				PhoneNumber:        m.msg.PhoneNumber,
				CountryCode:        m.msg.CountryCode,
			},
			Message: message,
		},
	})
}

// rawTemplate is the template sent as Interakt's webhooks carry it: a
// JSON document in a string.
func rawTemplate(m wire.Message) string {
	return string(mustJSON(wire.RawTemplate{
		ID:       uuid.NewSHA1(uuid.NameSpaceOID, []byte(m.Template.Name+"/"+m.Template.LanguageCode)).String(),
		Name:     m.Template.Name,
		Language: m.Template.LanguageCode,
	}))
}

func formatTime(t time.Time) string {
	return t.UTC().Format(TimeFormat)
}
