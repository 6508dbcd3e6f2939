// Package event reads Interakt's status webhooks into the events the
// status receiver stores: the status each one reports, its times, and the
// message, recipient and template it names. It needs nothing but the
// webhook's shape (internal/wire), so it can be fuzzed on its own.
package event

import (
	"fmt"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// Status is a message status as stored: its rank. A higher rank is a later
// status and is never replaced by a lower one; failed ranks highest because
// it is terminal.
type Status int16

// Statuses in rank order.
const (
	StatusSent      Status = 1
	StatusDelivered Status = 2
	StatusRead      Status = 3
	StatusFailed    Status = 4
)

// String returns the status as the receiver's API spells it.
func (s Status) String() string {
	switch s {
	case StatusSent:
		return wire.StatusSent
	case StatusDelivered:
		return wire.StatusDelivered
	case StatusRead:
		return wire.StatusRead
	case StatusFailed:
		return wire.StatusFailed
	default:
		return fmt.Sprintf("status(%d)", int16(s))
	}
}

// Valid reports whether s is one of the four stored statuses.
// A store refuses events with any other status.
func (s Status) Valid() bool {
	return s >= StatusSent && s <= StatusFailed
}

// Event is one status webhook, reduced to what the receiver stores. Zero times
// and empty strings mean unknown. (MessageID, Status) identifies an event,
// since each stored webhook type reports one status: the same pair stored
// twice is a duplicate.
type Event struct {
	MessageID string
	// Type is the webhook type the event came as; it is not stored.
	Type          string
	Status        Status
	SentAt        time.Time
	DeliveredAt   time.Time
	ReadAt        time.Time
	FailedAt      time.Time
	FailureReason string
	ErrorCode     string
	CallbackData  string
	// Phone is the customer's number with its country code, digits only;
	// TemplateName and TemplateLanguage name the template sent. Webhooks
	// carry them; they let an uncertain send be matched to its message.
	Phone            string
	TemplateName     string
	TemplateLanguage string
	// Clicked marks a button click (message_api_clicked), which also
	// reports the message read; ClickedAt and ClickedButton describe it.
	Clicked       bool
	ClickedAt     time.Time
	ClickedButton string
	// CampaignID is the id of the Interakt campaign that sent the message
	// (message_campaign_* events); empty for an API send.
	CampaignID string
	// CountryCode and PhoneNumber are the customer's number as the
	// webhook splits it, for a fallback hand-off's body.
	CountryCode string
	PhoneNumber string
	// ReceivedAt is when the receiver got the event; retention counts from it.
	ReceivedAt time.Time
}
