package contract

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// List is a list-of-strings attribute: its items, or null, or unknown as a
// whole. An item may itself be unknown.
type List struct {
	Items   []Str
	Null    bool
	Unknown bool
}

// ListOf returns a known list of known items.
func ListOf(items ...string) List {
	l := List{Items: make([]Str, len(items))}
	for i, v := range items {
		l.Items[i] = StrOf(v)
	}
	return l
}

// Entry is one key of a Map.
type Entry struct {
	Key   string
	Value List
}

// Map is a map-of-lists attribute (button index to values). Entries keep
// the order the caller gives; problems follow it, so callers sort the keys
// for stable output.
type Map struct {
	Entries []Entry
	Null    bool
	Unknown bool
}

// MapOf returns a known Map of the given entries, sorted by key.
func MapOf(m map[string]List) Map {
	out := Map{Entries: make([]Entry, 0, len(m))}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out.Entries = append(out.Entries, Entry{Key: k, Value: m[k]})
	}
	return out
}

// Values are the message inputs of interakt_template_message, of one
// campaign recipient, or of the send action. Problem paths use these
// attribute names: country_code, phone_number, callback_data,
// header_values, body_values, button_values, button_payload, file_name.
type Values struct {
	CountryCode   Str
	PhoneNumber   Str
	CallbackData  Str
	FileName      Str
	HeaderValues  List
	BodyValues    List
	ButtonValues  Map
	ButtonPayload Map
}

// Limits of message values.
const (
	maxCallbackDataLength  = 512
	maxButtonPayloadLength = 128
	maxPayloadButtons      = 3
)

var (
	ruleCallbackDataLength = newRule("callback_data_length", Error, "Callback Data Too Long",
		"callback_data has at most 512 characters.")
	ruleValueEmpty = newRule("value_empty", Error, "Empty Value",
		"No header, body or button value is empty or null.")
	ruleValueWhitespace = newRule("value_whitespace", Warning, "Value With Line Breaks or Long Spaces",
		"Meta rejects header and body values with a newline, a tab or more than 4 consecutive spaces.")
	ruleHeaderValuesCount = newRule("header_values_count", Error, "Wrong Number of Header Values",
		"header_values has one value when the header is TEXT with a variable or a media header, and none otherwise.")
	ruleHeaderValuesURL = newRule("header_values_url", Error, "Invalid Media URL",
		"The header value of a media header is an https URL.")
	ruleFileNameHeader = newRule("file_name_header", Error, "File Name Not Allowed",
		"file_name is given only for a template with a DOCUMENT header.")
	ruleBodyValuesCount = newRule("body_values_count", Error, "Wrong Number of Body Values",
		"body_values has one value per body variable.")
)

// ValidateValues checks message values against a contract. Rules that need
// a part of the contract that is not given are skipped, as are the rules of
// unknown values; an unknown item skips only its own checks. It allocates
// only when it finds a problem.
func ValidateValues(c Contract, v Values) []Problem {
	var ps []Problem
	ps, code := checkCountryCode(ps, v.CountryCode)
	ps = checkPhoneNumber(ps, v.PhoneNumber, v.CountryCode.Value, code)
	if cd := v.CallbackData; cd.Known() && len(cd.Value) > maxCallbackDataLength {
		if n := utf8.RuneCountInString(cd.Value); n > maxCallbackDataLength {
			ps = append(ps, ruleCallbackDataLength.atf(Root("callback_data"),
				"callback_data has %d characters; the API accepts at most %d. Shorten it.", n, maxCallbackDataLength))
		}
	}
	ps = checkHeaderValues(ps, c, v.HeaderValues)
	if v.FileName.Given() && c.HeaderFormat != nil && *c.HeaderFormat != HeaderDocument {
		ps = append(ps, ruleFileNameHeader.atf(Root("file_name"),
			"The template's header is %s; file_name applies only to a DOCUMENT header. Remove file_name.", *c.HeaderFormat))
	}
	ps = checkBodyValues(ps, c, v.BodyValues)
	ps = checkButtonValues(ps, c, v.ButtonValues)
	ps = checkButtonPayload(ps, c, v.ButtonPayload)
	return ps
}

// headerValuesWanted returns how many header values the contract takes,
// or -1 when the contract does not say.
func headerValuesWanted(c Contract) int {
	if c.HeaderFormat == nil {
		return -1
	}
	switch *c.HeaderFormat {
	case HeaderNone:
		return 0
	case HeaderImage, HeaderVideo, HeaderDocument:
		return 1
	case HeaderText:
		if c.HeaderVariables == nil {
			return -1
		}
		return min(max(*c.HeaderVariables, 0), 1)
	}
	return -1
}

func isMediaHeader(c Contract) bool {
	if c.HeaderFormat == nil {
		return false
	}
	switch *c.HeaderFormat {
	case HeaderImage, HeaderVideo, HeaderDocument:
		return true
	}
	return false
}

func checkHeaderValues(ps []Problem, c Contract, l List) []Problem {
	if l.Unknown {
		return ps
	}
	const root = "header_values"
	if want := headerValuesWanted(c); want >= 0 && len(l.Items) != want {
		var detail string
		switch {
		case want == 0 && *c.HeaderFormat == HeaderNone:
			detail = "The template has no header, so header_values is not given; remove it."
		case want == 0:
			detail = "The template's TEXT header has no variable, so header_values is not given; remove it."
		case isMediaHeader(c):
			detail = "The template has a " + *c.HeaderFormat + " header, so header_values has exactly one value, the https URL of the media; " + strconv.Itoa(len(l.Items)) + " given."
		default:
			detail = "The template's header text has the variable {{1}}, so header_values has exactly one value; " + strconv.Itoa(len(l.Items)) + " given."
		}
		ps = append(ps, ruleHeaderValuesCount.at(Root(root), detail))
	}
	media := isMediaHeader(c)
	for i, item := range l.Items {
		if item.Unknown {
			continue
		}
		if item.Missing() {
			ps = append(ps, emptyValue(Root(root).Index(i), "header value"))
			continue
		}
		if media && i == 0 && !isHTTPSURL(item.Value) {
			ps = append(ps, ruleHeaderValuesURL.atf(Root(root).Index(i),
				"The template has a %s header, so its header value is the https URL of the media file; this value is not an https URL.", *c.HeaderFormat))
		}
		if !media {
			ps = checkWhitespace(ps, root, i, item.Value)
		}
	}
	return ps
}

func checkBodyValues(ps []Problem, c Contract, l List) []Problem {
	if l.Unknown {
		return ps
	}
	const root = "body_values"
	if want := c.BodyVariables; want != nil && len(l.Items) != *want {
		ps = append(ps, ruleBodyValuesCount.atf(Root(root),
			"The template's body has %d variables, so body_values has %d values, one per variable in order; %d given.", *want, *want, len(l.Items)))
	}
	for i, item := range l.Items {
		if item.Unknown {
			continue
		}
		if item.Missing() {
			ps = append(ps, emptyValue(Root(root).Index(i), "body value"))
			continue
		}
		ps = checkWhitespace(ps, root, i, item.Value)
	}
	return ps
}

func emptyValue(p Path, what string) Problem {
	return ruleValueEmpty.at(p, "This "+what+" is empty. Give a non-empty value: WhatsApp rejects empty template parameters.")
}

// checkWhitespace warns when Meta would reject value as a text parameter.
func checkWhitespace(ps []Problem, root string, i int, value string) []Problem {
	spaces := 0
	for j := 0; j < len(value); j++ {
		switch value[j] {
		case '\n', '\r', '\t':
			return append(ps, ruleValueWhitespace.at(Root(root).Index(i),
				"This value has a line break or a tab; Meta rejects text parameters with newlines, tabs or more than 4 consecutive spaces. Replace them with spaces."))
		case ' ':
			spaces++
			if spaces > 4 {
				return append(ps, ruleValueWhitespace.at(Root(root).Index(i),
					"This value has more than 4 consecutive spaces; Meta rejects text parameters with newlines, tabs or more than 4 consecutive spaces."))
			}
		default:
			spaces = 0
		}
	}
	return ps
}

// isHTTPSURL reports whether s looks like an https URL with a host: the
// scheme (in any case), then a host character, and no whitespace.
func isHTTPSURL(s string) bool {
	const scheme = "https://"
	if len(s) <= len(scheme) || !strings.EqualFold(s[:len(scheme)], scheme) {
		return false
	}
	if c := s[len(scheme)]; c == '/' || c == '?' || c == '#' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] == 0x7f {
			return false
		}
	}
	return true
}
