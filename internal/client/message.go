package client

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// maxMessageLen bounds a message taken from a non-JSON response body.
const maxMessageLen = 512

// apiMessage extracts the API's message from a response body: the
// "message" field of a JSON body (or "error" / "detail"), else the text
// itself when it is short plain text. HTML error pages yield "".
func apiMessage(body []byte) string {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return ""
	}
	if trimmed[0] == '{' {
		var fields map[string]json.RawMessage
		if json.Unmarshal(trimmed, &fields) == nil {
			for _, key := range []string{"message", "error", "detail"} {
				var text string
				if raw, ok := fields[key]; ok && json.Unmarshal(raw, &text) == nil && text != "" {
					return text
				}
			}
			return ""
		}
	}
	if trimmed[0] == '<' || !utf8.Valid(trimmed) {
		return ""
	}
	text := string(trimmed)
	if len(text) > maxMessageLen {
		cut := maxMessageLen
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut] + "…"
	}
	return strings.TrimSpace(text)
}
