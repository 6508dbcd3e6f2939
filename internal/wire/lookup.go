package wire

// Paths of the status receiver's lookups, behind the status token.
const (
	// MessagesLookupPath: POST MessagesLookup, answered with MessagesFound:
	// the status of many messages in one request.
	MessagesLookupPath = "/v1/messages/lookup"
	// MessagesSearchPath: POST MessageSearch, answered with MessagesFound:
	// the messages sent to a phone with a template in a time window.
	MessagesSearchPath = "/v1/messages/search"
	// MessagesLatestPath: POST MessageLatest, answered with MessagesFound
	// holding the latest matching message, or none.
	MessagesLatestPath = "/v1/messages/latest"
	// ReceiverTimePath: GET, answered with ReceiverTime: the receiver's
	// clock, the one its first_seen times are read from.
	ReceiverTimePath = "/v1/time"
)

// MaxLookupIDs bounds the ids of one MessagesLookup.
const MaxLookupIDs = 1000

// MessagesLookup asks for the status of messages by id.
type MessagesLookup struct {
	IDs []string `json:"ids"`
}

// MessageSearch asks for the messages sent to Phone (digits with the
// country code) with a template, whose send time (as Interakt reports it,
// else when the receiver first saw the message) is in [From, To] (RFC 3339).
// An empty TemplateLanguage or CallbackData matches any.
type MessageSearch struct {
	Phone            string `json:"phone"`
	TemplateName     string `json:"template_name"`
	TemplateLanguage string `json:"template_language,omitempty"`
	CallbackData     string `json:"callback_data,omitempty"`
	From             string `json:"from"`
	To               string `json:"to"`
}

// MessageLatest asks for the latest message sent to Phone (digits with
// the country code) with a template, whoever sent it, such as an ongoing
// campaign's. Exactly one of the times (RFC 3339) is given: Since, by the
// message's send time as Interakt reports it, else when the receiver first
// saw it; or SeenSince, by when the receiver first saw the message, on the
// receiver's own clock (a ReceiverTime), which no other clock's skew can
// blur. An empty TemplateLanguage matches any.
type MessageLatest struct {
	Phone            string `json:"phone"`
	TemplateName     string `json:"template_name"`
	TemplateLanguage string `json:"template_language,omitempty"`
	Since            string `json:"since,omitempty"`
	SeenSince        string `json:"seen_since,omitempty"`
}

// ReceiverTime answers GET ReceiverTimePath.
type ReceiverTime struct {
	// Now is the receiver's clock, RFC 3339 UTC with nanoseconds.
	Now string `json:"now"`
}

// MessagesFound answers a lookup or a search; a message the receiver has
// not seen is absent.
type MessagesFound struct {
	Messages []Status `json:"messages"`
}
