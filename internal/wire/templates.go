package wire

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// TemplatesPath lists the account's templates of one approval status,
// paged by offset (about 100 a page). Interakt needs a concrete
// approval_status and ignores name filters; a page with has_next false, or
// an empty page, ends the listing.
const TemplatesPath = "/v1/public/track/organization/templates"

// CreateTemplatePath is Interakt's Create Template API: it submits a new
// template to Meta for approval.
const CreateTemplatePath = "/v1/public/track/templates/"

// Approval statuses Interakt lists templates under. WAITING is what a
// template just submitted through Interakt shows; PENDING is Meta's own
// word for the same and is listed too.
const (
	ApprovalApproved = "APPROVED"
	ApprovalPending  = "PENDING"
	ApprovalWaiting  = "WAITING"
	ApprovalRejected = "REJECTED"
	ApprovalPaused   = "PAUSED"
	ApprovalDisabled = "DISABLED"
)

// ApprovalStatuses are the statuses a full listing asks for, one listing
// pass each, in this order.
var ApprovalStatuses = []string{
	ApprovalApproved, ApprovalPending, ApprovalWaiting, ApprovalRejected, ApprovalPaused, ApprovalDisabled,
}

// TemplatesPage is one page of GET TemplatesPath.
type TemplatesPage struct {
	Count   int             `json:"count"`
	HasNext bool            `json:"has_next"`
	Results TemplatesResult `json:"results"`
}

// TemplatesResult wraps the page's templates as Interakt does.
type TemplatesResult struct {
	Templates []TemplateInfo `json:"templates"`
}

// TemplateInfo is one template of the account as Interakt lists it, and as
// the Create Template API answers it. Interakt sends null for absent
// texts, which decodes as "".
type TemplateInfo struct {
	ID                  string  `json:"id"`
	Name                string  `json:"name"`
	DisplayName         string  `json:"display_name,omitempty"`
	Language            string  `json:"language"`
	Category            string  `json:"category"`
	ApprovalStatus      string  `json:"approval_status"`
	HeaderFormat        string  `json:"header_format,omitempty"`
	Header              string  `json:"header,omitempty"`
	HeaderHandleFileURL string  `json:"header_handle_file_url,omitempty"`
	Body                string  `json:"body"`
	Footer              string  `json:"footer,omitempty"`
	Buttons             Buttons `json:"buttons,omitempty"`
	RejectionReason     string  `json:"rejection_reason,omitempty"`
}

// Button is one template button, in the list's buttons string and in a
// create request.
type Button struct {
	Type        string   `json:"type"`
	Text        string   `json:"text,omitempty"`
	URL         string   `json:"url,omitempty"`
	PhoneNumber string   `json:"phone_number,omitempty"`
	Example     Examples `json:"example,omitempty"`
}

// Buttons is a template's buttons. Interakt lists them as a JSON string
// holding the array ("{}" or "[]" for none, sometimes encoded twice); they
// are decoded from that or from a plain array, and encoded as the string.
type Buttons []Button

// UnmarshalJSON reads a JSON string holding the buttons, a plain array, or
// null.
func (b *Buttons) UnmarshalJSON(data []byte) error {
	*b = nil
	for range 3 {
		data = bytes.TrimSpace(data)
		switch {
		case len(data) == 0, bytes.Equal(data, []byte("null")), bytes.Equal(data, []byte("{}")), bytes.Equal(data, []byte(`""`)):
			return nil
		case data[0] == '[':
			var list []Button
			if err := json.Unmarshal(data, &list); err != nil {
				return fmt.Errorf("buttons: %w", err)
			}
			if len(list) > 0 {
				*b = list
			}
			return nil
		case data[0] == '"':
			var inner string
			if err := json.Unmarshal(data, &inner); err != nil {
				return fmt.Errorf("buttons: %w", err)
			}
			data = []byte(inner)
		default:
			return fmt.Errorf("buttons: want a JSON string or array, got %.20q", data)
		}
	}
	return fmt.Errorf("buttons: encoded more than twice")
}

// MarshalJSON writes the buttons as Interakt lists them: a string holding
// the JSON array, or "[]" for none.
func (b Buttons) MarshalJSON() ([]byte, error) {
	list := []Button(b)
	if list == nil {
		list = []Button{}
	}
	inner, err := json.Marshal(list)
	if err != nil {
		return nil, err
	}
	return json.Marshal(string(inner))
}

// Examples are a button's example values. Meta takes a list for a URL
// button and a string for a copy-code one; both decode here.
type Examples []string

// UnmarshalJSON reads a string or a list of strings.
func (e *Examples) UnmarshalJSON(data []byte) error {
	var one string
	if err := json.Unmarshal(data, &one); err == nil {
		*e = Examples{one}
		if one == "" {
			*e = nil
		}
		return nil
	}
	var list []string
	if err := json.Unmarshal(data, &list); err != nil {
		return fmt.Errorf("example: want a string or a list of strings: %w", err)
	}
	*e = list
	return nil
}

// Button types as Create Template takes them in button_type.
const (
	ButtonTypeQuickReplies = "Quick Replies"
	ButtonTypeCallToAction = "Call To Action"
)

// CreateTemplate is the body of POST CreateTemplatePath, with the fields
// integrators send. The header's text goes in header and its example
// values in header_text, as the body's text goes in body and its examples
// in body_text. Interakt derives the code name from display_name.
type CreateTemplate struct {
	DisplayName  string   `json:"display_name"`
	Language     string   `json:"language"`
	Category     string   `json:"category"`
	HeaderFormat *string  `json:"header_format"`
	Header       string   `json:"header,omitempty"`
	HeaderText   []string `json:"header_text,omitempty"`
	Body         string   `json:"body"`
	BodyText     []string `json:"body_text,omitempty"`
	Footer       string   `json:"footer,omitempty"`
	ButtonType   string   `json:"button_type,omitempty"`
	Buttons      []Button `json:"buttons,omitempty"`
}

// CreateTemplateResponse is Interakt's answer to a create: the new
// template, WAITING for Meta's review, under data.
type CreateTemplateResponse struct {
	Result  bool         `json:"result"`
	Message string       `json:"message"`
	Data    TemplateInfo `json:"data"`
}

// LanguageNames maps a template language code to the name Create Template
// takes as language. Codes missing here cannot be submitted.
var LanguageNames = map[string]string{
	"af": "Afrikaans", "ar": "Arabic", "bn": "Bengali", "de": "German", "en": "English",
	"en_GB": "English (UK)", "en_US": "English (US)", "es": "Spanish", "es_MX": "Spanish (MEX)",
	"fr": "French", "gu": "Gujarati", "hi": "Hindi", "id": "Indonesian", "it": "Italian",
	"kn": "Kannada", "ml": "Malayalam", "mr": "Marathi", "ms": "Malay", "nl": "Dutch",
	"pa": "Punjabi", "pt_BR": "Portuguese (BR)", "pt_PT": "Portuguese (POR)", "ru": "Russian",
	"ta": "Tamil", "te": "Telugu", "tr": "Turkish", "ur": "Urdu",
}

// LanguageCode returns the code of a Create Template language name, or ""
// when the name is not one of LanguageNames.
func LanguageCode(name string) string {
	for code, n := range LanguageNames {
		if n == name {
			return code
		}
	}
	return ""
}
