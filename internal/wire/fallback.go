package wire

// FallbackPathPrefix + rule name: the status receiver's fallback rules,
// behind the status token. PUT a Fallback (answered with the rule as
// kept, without its secret), GET it, DELETE it (answered with a
// FallbackRemoved). Under a rule, FallbackHandoffsPath lists its hand-offs
// (?state=pending|delivered|dead) as a HandoffList, and FallbackRetryPath
// (POST) sends its dead hand-offs again, answered with a FallbackRetried.
const (
	FallbackPathPrefix   = "/v1/fallbacks/"
	FallbackHandoffsPath = "/handoffs"
	FallbackRetryPath    = "/retry"
)

// What a rule hands off: a message that failed, or one that was sent and
// neither delivered, read nor failed within the rule's UndeliveredAfter.
const (
	FallbackOnFailed      = "failed"
	FallbackOnUndelivered = "undelivered"
)

// Hand-off states, as listed.
const (
	HandoffPending   = "pending"
	HandoffDelivered = "delivered"
	HandoffDead      = "dead"
)

// Headers of a hand-off's POST to the rule's URL. The signature is
// "sha256=" and the hex HMAC-SHA256 of the body under the rule's secret;
// the idempotency key is "<message id>:<rule name>", the same on every try.
const (
	FallbackSignatureHeader = "Interakt-Fallback-Signature"
	IdempotencyKeyHeader    = "Idempotency-Key"
)

// Fallback is a rule. Secret is written and never answered: the receiver
// leaves it out of every answer and log; a PUT without it keeps the
// stored one (a new rule needs one). UndeliveredAfterSeconds is zero
// when On lacks "undelivered". No Templates means every template.
type Fallback struct {
	Name                    string             `json:"name"`
	URL                     string             `json:"url"`
	Secret                  string             `json:"secret,omitempty"`
	On                      []string           `json:"on"`
	UndeliveredAfterSeconds int64              `json:"undelivered_after_seconds,omitempty"`
	Templates               []FallbackTemplate `json:"templates"`
}

// FallbackTemplate names one template (name and language) a rule covers.
type FallbackTemplate struct {
	Name         string `json:"name"`
	LanguageCode string `json:"language_code"`
}

// FallbackRemoved answers a DELETE: how many pending hand-offs of the rule
// were dropped with it.
type FallbackRemoved struct {
	DroppedHandoffs int `json:"dropped_handoffs"`
}

// FallbackRetried answers a retry: how many dead hand-offs are pending again.
type FallbackRetried struct {
	Retried int `json:"retried"`
}

// Handoff is the body POSTed to a rule's URL. ID names the hand-off (one
// per message and rule); Reason is FallbackOnFailed or
// FallbackOnUndelivered; HandedOffAt is when the receiver decided it, RFC
// 3339 UTC, the same on every try.
type Handoff struct {
	ID          string         `json:"id"`
	Rule        string         `json:"rule"`
	Reason      string         `json:"reason"`
	HandedOffAt string         `json:"handed_off_at"`
	Message     HandoffMessage `json:"message"`
}

// HandoffMessage is the message handed off, as the receiver knows it. Null
// fields are unknown to it.
type HandoffMessage struct {
	ID               string  `json:"id"`
	CountryCode      *string `json:"country_code"`
	PhoneNumber      *string `json:"phone_number"`
	TemplateName     *string `json:"template_name"`
	TemplateLanguage *string `json:"template_language"`
	CallbackData     *string `json:"callback_data"`
	CampaignID       *string `json:"campaign_id"`
	Status           string  `json:"status"`
	FailureReason    *string `json:"failure_reason"`
	ErrorCode        *string `json:"error_code"`
	SentAt           *string `json:"sent_at"`
}

// HandoffList answers a listing of a rule's hand-offs, oldest first.
type HandoffList struct {
	Handoffs []HandoffState `json:"handoffs"`
}

// HandoffState is one hand-off as the receiver keeps it.
type HandoffState struct {
	ID            string  `json:"id"`
	MessageID     string  `json:"message_id"`
	Reason        string  `json:"reason"`
	State         string  `json:"state"`
	Attempts      int     `json:"attempts"`
	CreatedAt     string  `json:"created_at"`
	NextAttemptAt *string `json:"next_attempt_at"`
	DeliveredAt   *string `json:"delivered_at"`
	LastError     *string `json:"last_error"`
}
