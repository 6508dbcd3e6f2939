package wire

// SignatureHeader carries "sha256=<hex HMAC-SHA256 of the raw body>".
const SignatureHeader = "Interakt-Signature"

// Webhook event types the status receiver stores.
const (
	EventSent      = "message_api_sent"
	EventDelivered = "message_api_delivered"
	EventRead      = "message_api_read"
	EventFailed    = "message_api_failed"
	EventClicked   = "message_api_clicked"

	// Events of messages that Interakt's own campaigns send (an ongoing
	// campaign fired by a tracked event, or an API campaign): the same
	// body, with chat_message_type CampaignMessage and the campaign's id.
	EventCampaignSent      = "message_campaign_sent"
	EventCampaignDelivered = "message_campaign_delivered"
	EventCampaignRead      = "message_campaign_read"
	EventCampaignFailed    = "message_campaign_failed"
)

// ChatMessageTypeCampaign is chat_message_type of a campaign's message.
const ChatMessageTypeCampaign = "CampaignMessage"

// Webhook is the body Interakt POSTs to the configured webhook URL.
type Webhook struct {
	Version   string      `json:"version"`
	Timestamp string      `json:"timestamp"`
	Type      string      `json:"type"`
	Data      WebhookData `json:"data"`
}

// WebhookData holds the customer and the message an event is about.
type WebhookData struct {
	Customer WebhookCustomer `json:"customer"`
	Message  WebhookMessage  `json:"message"`
	// Event describes a call-to-action button click (message_api_clicked);
	// a quick-reply click is described in the message's meta_data instead.
	Event *WebhookClickEvent `json:"event,omitempty"`
}

// WebhookClickEvent is a CTA click as Interakt reports it.
type WebhookClickEvent struct {
	CallbackData   string `json:"callbackData,omitempty"`
	ClickType      string `json:"click_type,omitempty"`
	ButtonText     string `json:"button_text,omitempty"`
	ButtonLink     string `json:"button_link,omitempty"`
	ClickTimestamp string `json:"click_timestamp,omitempty"`
}

// RawTemplate is the part of a webhook's raw_template (a JSON document
// sent as a string) that identifies the template.
type RawTemplate struct {
	ID       string `json:"id,omitempty"`
	Name     string `json:"name"`
	Language string `json:"language"`
	Category string `json:"category,omitempty"`
	Body     string `json:"body,omitempty"`
}

// WebhookCustomer is the recipient as Interakt reports it.
type WebhookCustomer struct {
	ID                 string `json:"id,omitempty"`
	ChannelPhoneNumber string `json:"channel_phone_number,omitempty"`
	PhoneNumber        string `json:"phone_number,omitempty"`
	CountryCode        string `json:"country_code,omitempty"`
}

// WebhookMessage is the message part of a status webhook. Times are
// ISO 8601 strings in UTC (Interakt omits the zone; the receiver reads both).
type WebhookMessage struct {
	ID                   string `json:"id"`
	MessageStatus        string `json:"message_status"`
	ReceivedAtUTC        string `json:"received_at_utc,omitempty"`
	DeliveredAtUTC       string `json:"delivered_at_utc,omitempty"`
	SeenAtUTC            string `json:"seen_at_utc,omitempty"`
	FailedAtUTC          string `json:"failed_at_utc,omitempty"`
	ChannelFailureReason string `json:"channel_failure_reason,omitempty"`
	ChannelErrorCode     string `json:"channel_error_code,omitempty"`
	// RawTemplate is the template sent, as a JSON document in a string
	// (see RawTemplate).
	RawTemplate string          `json:"raw_template,omitempty"`
	MetaData    WebhookMetaData `json:"meta_data"`
	// ChatMessageType and CampaignID are set on a campaign's message
	// (message_campaign_* events).
	ChatMessageType string `json:"chat_message_type,omitempty"`
	CampaignID      string `json:"campaign_id,omitempty"`
}

// WebhookMetaData carries the callback data the send was given and, in a
// quick-reply click event, the click.
type WebhookMetaData struct {
	SourceData     WebhookSourceData `json:"source_data"`
	ClickType      string            `json:"click_type,omitempty"`
	ButtonText     string            `json:"button_text,omitempty"`
	ClickTimestamp string            `json:"click_timestamp,omitempty"`
}

// WebhookSourceData holds callback_data as sent in the message request.
type WebhookSourceData struct {
	CallbackData string `json:"callback_data,omitempty"`
}
