// Package wire holds the JSON shapes that cross the network: the Interakt
// public API's requests and answers, its status webhooks, and the status
// receiver's answers. The client, the mock server and the receiver share
// these types and nothing else.
package wire

import (
	"bytes"
	"encoding/json"
)

// MessagePath is the path of Interakt's template send endpoint.
const MessagePath = "/v1/public/message/"

// MessageTypeTemplate is the only message type the public API accepts.
const MessageTypeTemplate = "Template"

// Message is the body of POST /v1/public/message/. Field order and names
// follow Interakt's documentation; empty fields are omitted.
type Message struct {
	CountryCode  string `json:"countryCode"`
	PhoneNumber  string `json:"phoneNumber"`
	Type         string `json:"type"`
	CallbackData string `json:"callbackData,omitempty"`
	// CampaignID groups the send under an API campaign (see
	// CreateCampaign); empty for a send outside any.
	CampaignID string   `json:"campaignId,omitempty"`
	Template   Template `json:"template"`
}

// Template is the template part of a Message.
type Template struct {
	Name          string              `json:"name"`
	LanguageCode  string              `json:"languageCode"`
	HeaderValues  []string            `json:"headerValues,omitempty"`
	FileName      string              `json:"fileName,omitempty"`
	BodyValues    []string            `json:"bodyValues,omitempty"`
	ButtonValues  map[string][]string `json:"buttonValues,omitempty"`
	ButtonPayload map[string][]string `json:"buttonPayload,omitempty"`
}

// Encode returns the exact bytes the API receives for m: compact JSON with
// type set to "Template". The client and the template_payload function both
// call it, so what a plan shows cannot drift from what is sent. HTML
// characters are not escaped: a media URL's "&" is sent as "&", as a user
// reading the payload expects.
func Encode(m Message) ([]byte, error) {
	m.Type = MessageTypeTemplate
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// MessageResponse is the API's answer to a send.
type MessageResponse struct {
	Result  bool   `json:"result"`
	Message string `json:"message"`
	ID      string `json:"id,omitempty"`
}
