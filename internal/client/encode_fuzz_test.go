package client

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// FuzzEncode checks that wire.Encode's bytes decode back into the same
// message, with type "Template", whatever the strings hold.
func FuzzEncode(f *testing.F) {
	f.Add("+91", "9999999999", "release-42", "order_shipped", "en", "Alert", "invoice.pdf", "There", "1234", "0", "12344", "1", "payload1")
	f.Add("+1", "5550100", "", "hello", "en_US", "", "", "", "", "", "", "", "")
	f.Add("+44", "7700900000", `quote " and \ backslash`, "t", "pt_BR", "<b>&amp;</b>", "a\u2028b.pdf", "line\nbreak", "\u00e9\u4e2d\U0001F600", "2", "", "10", "x")
	f.Add("+91", "1", "\x00\x1f\x7f", "n", "en", "https://example.com/a.pdf?x=1&y=2", "", "{{1}}", "", "0", "a", "0", "b")
	f.Fuzz(func(t *testing.T, countryCode, phone, callback, name, lang, header, fileName, body1, body2, buttonIndex, buttonValue, payloadIndex, payloadValue string) {
		m := wire.Message{
			CountryCode:  countryCode,
			PhoneNumber:  phone,
			Type:         "ignored: Encode sets it",
			CallbackData: callback,
			Template: wire.Template{
				Name:         name,
				LanguageCode: lang,
				FileName:     fileName,
			},
		}
		if header != "" {
			m.Template.HeaderValues = []string{header}
		}
		for _, v := range []string{body1, body2} {
			if v != "" {
				m.Template.BodyValues = append(m.Template.BodyValues, v)
			}
		}
		if buttonIndex != "" {
			m.Template.ButtonValues = map[string][]string{buttonIndex: {buttonValue}}
		}
		if payloadIndex != "" {
			m.Template.ButtonPayload = map[string][]string{payloadIndex: {payloadValue}}
		}

		encoded, err := wire.Encode(m)
		if err != nil {
			t.Fatalf("Encode: %v", err)
		}
		if !json.Valid(encoded) {
			t.Fatalf("Encode produced invalid JSON: %s", encoded)
		}
		var decoded wire.Message
		if err := json.Unmarshal(encoded, &decoded); err != nil {
			t.Fatalf("decoding %s: %v", encoded, err)
		}
		if decoded.Type != wire.MessageTypeTemplate {
			t.Errorf("type = %q, want %q", decoded.Type, wire.MessageTypeTemplate)
		}
		want := normalize(m)
		want.Type = wire.MessageTypeTemplate
		if got := normalize(decoded); !reflect.DeepEqual(got, want) {
			t.Errorf("round trip changed the message:\n got %#v\nwant %#v\njson %s", got, want, encoded)
		}
	})
}

// normalize maps a message to what JSON can carry: invalid UTF-8 becomes
// U+FFFD byte by byte (as encoding/json writes it) and empty lists become nil (they are
// omitted).
func normalize(m wire.Message) wire.Message {
	fix := func(s string) string {
		if utf8.ValidString(s) {
			return s
		}
		var b strings.Builder
		for _, r := range s {
			b.WriteRune(r) // Ranging yields utf8.RuneError once per invalid byte.
		}
		return b.String()
	}
	fixList := func(list []string) []string {
		if len(list) == 0 {
			return nil
		}
		out := make([]string, len(list))
		for i, s := range list {
			out[i] = fix(s)
		}
		return out
	}
	fixMap := func(in map[string][]string) map[string][]string {
		if len(in) == 0 {
			return nil
		}
		out := make(map[string][]string, len(in))
		for k, v := range in {
			list := fixList(v)
			if list == nil {
				list = []string{}
			}
			out[fix(k)] = list
		}
		return out
	}
	return wire.Message{
		CountryCode:  fix(m.CountryCode),
		PhoneNumber:  fix(m.PhoneNumber),
		Type:         fix(m.Type),
		CallbackData: fix(m.CallbackData),
		Template: wire.Template{
			Name:          fix(m.Template.Name),
			LanguageCode:  fix(m.Template.LanguageCode),
			HeaderValues:  fixList(m.Template.HeaderValues),
			FileName:      fix(m.Template.FileName),
			BodyValues:    fixList(m.Template.BodyValues),
			ButtonValues:  fixMap(m.Template.ButtonValues),
			ButtonPayload: fixMap(m.Template.ButtonPayload),
		},
	}
}
