package wire

// StatusPathPrefix is where the status receiver serves GET /v1/messages/{id}.
const StatusPathPrefix = "/v1/messages/"

// Message statuses, in the order a message moves through them. Failed is
// terminal and never replaced.
const (
	StatusPending   = "pending" // no webhook seen yet; never stored
	StatusSent      = "sent"
	StatusDelivered = "delivered"
	StatusRead      = "read"
	StatusFailed    = "failed"
)

// Status is the receiver's answer to GET /v1/messages/{id}. Times are
// RFC 3339 UTC, null when unknown.
type Status struct {
	ID            string  `json:"id"`
	Status        string  `json:"status"`
	SentAt        *string `json:"sent_at"`
	DeliveredAt   *string `json:"delivered_at"`
	ReadAt        *string `json:"read_at"`
	FailedAt      *string `json:"failed_at"`
	FailureReason *string `json:"failure_reason"`
	ErrorCode     *string `json:"error_code"`
	CallbackData  *string `json:"callback_data"`
	// ClickedAt and ClickedButton describe the first button click, when
	// there was one.
	ClickedAt     *string `json:"clicked_at,omitempty"`
	ClickedButton *string `json:"clicked_button,omitempty"`
	// CampaignID is the id of the Interakt campaign that sent the message
	// (an ongoing campaign, an API campaign), when its webhooks named one.
	CampaignID *string `json:"campaign_id,omitempty"`
	// FirstSeenAt is when the receiver first heard of the message; set in
	// search answers only.
	FirstSeenAt *string `json:"first_seen_at,omitempty"`
}
