package contract

import "unicode/utf8"

var (
	ruleButtonIndexFormat = newRule("button_index_format", Error, "Invalid Button Index",
		"A button index is a decimal number from 0 to 9 without leading zeros: the button's position in the template, counted from 0.")
	ruleButtonIndexNoButton = newRule("button_index_no_button", Error, "No Such Button",
		"A button index names a button of the template.")
	ruleButtonValuesKind = newRule("button_values_kind", Error, "Not a Dynamic URL Button",
		"button_values gives values only for URL buttons whose url ends with {{1}}.")
	ruleButtonValuesMissing = newRule("button_values_missing", Error, "Missing Button Value",
		"Every URL button whose url ends with {{1}} has its value in button_values.")
	ruleButtonValuesCount = newRule("button_values_count", Error, "Wrong Number of Button Values",
		"Each button_values entry has exactly one value, the end of the button's url.")
	ruleButtonPayloadKind = newRule("button_payload_kind", Error, "Not a Quick Reply Button",
		"button_payload gives payloads only for QUICK_REPLY buttons.")
	ruleButtonPayloadCount = newRule("button_payload_count", Error, "Wrong Number of Button Payloads",
		"Each button_payload entry has exactly one payload.")
	ruleButtonPayloadButtons = newRule("button_payload_buttons", Error, "Too Many Button Payloads",
		"button_payload has entries for at most 3 quick reply buttons.")
	ruleButtonPayloadLength = newRule("button_payload_length", Error, "Button Payload Too Long",
		"A button payload has at most 128 characters.")
)

// parseButtonIndex returns the button index a map key names, or -1 when
// the key is not "0" to "9".
func parseButtonIndex(key string) int {
	if len(key) != 1 || !isDigit(key[0]) {
		return -1
	}
	return int(key[0] - '0')
}

// checkButtonKey checks a key of button_values or button_payload and
// returns the contract's button it names, with ok false when the key is
// bad, the button is missing, or the contract does not list buttons.
func checkButtonKey(ps []Problem, c Contract, root, key string) ([]Problem, ContractButton, bool) {
	idx := parseButtonIndex(key)
	if idx < 0 {
		return append(ps, ruleButtonIndexFormat.atf(Root(root).Key(key),
			"The key %q is not a button index. Keys are the button's position in the template as a decimal number, from \"0\" for the first button to \"9\", without leading zeros.", key)), ContractButton{}, false
	}
	if !c.ButtonsKnown {
		return ps, ContractButton{}, false
	}
	b, ok := c.button(idx)
	if !ok {
		return append(ps, ruleButtonIndexNoButton.atf(Root(root).Key(key),
			"The template has no button at index %d (its buttons are counted from 0). Use the index of the button as the template declares it.", idx)), ContractButton{}, false
	}
	return ps, b, true
}

func checkButtonValues(ps []Problem, c Contract, m Map) []Problem {
	if m.Unknown {
		return ps
	}
	const root = "button_values"
	for _, e := range m.Entries {
		var b ContractButton
		var ok bool
		ps, b, ok = checkButtonKey(ps, c, root, e.Key)
		if ok && !b.Dynamic {
			what := "a static URL button"
			if b.Type != ButtonURL {
				what = "a " + b.Type + " button"
			}
			ps = append(ps, ruleButtonValuesKind.atf(Root(root).Key(e.Key),
				"Button %d is %s; button_values only takes values for URL buttons whose url ends with {{1}}. Remove this entry or use the index of such a button.", b.Index, what))
		}
		if e.Value.Unknown {
			continue
		}
		if len(e.Value.Items) != 1 {
			ps = append(ps, ruleButtonValuesCount.atf(Root(root).Key(e.Key),
				"This entry has %d values; a dynamic URL button takes exactly one, the text that replaces {{1}} at the end of its url.", len(e.Value.Items)))
		}
		for j, item := range e.Value.Items {
			if !item.Unknown && item.Missing() {
				ps = append(ps, emptyValue(Root(root).Key(e.Key).Index(j), "button value"))
			}
		}
	}
	if !c.ButtonsKnown {
		return ps
	}
	for _, b := range c.Buttons {
		if b.Dynamic && !hasKey(m, b.Index) {
			ps = append(ps, ruleButtonValuesMissing.atf(Root(root),
				"Button %d is a URL button whose url ends with {{1}}; give its value as button_values = { \"%d\" = [\"...\"] }.", b.Index, b.Index))
		}
	}
	return ps
}

func hasKey(m Map, index int) bool {
	for _, e := range m.Entries {
		if parseButtonIndex(e.Key) == index {
			return true
		}
	}
	return false
}

func checkButtonPayload(ps []Problem, c Contract, m Map) []Problem {
	if m.Unknown {
		return ps
	}
	const root = "button_payload"
	if len(m.Entries) > maxPayloadButtons {
		ps = append(ps, ruleButtonPayloadButtons.atf(Root(root),
			"button_payload has entries for %d buttons; the API takes payloads for at most %d quick reply buttons.", len(m.Entries), maxPayloadButtons))
	}
	for _, e := range m.Entries {
		var b ContractButton
		var ok bool
		ps, b, ok = checkButtonKey(ps, c, root, e.Key)
		if ok && b.Type != ButtonQuickReply {
			ps = append(ps, ruleButtonPayloadKind.atf(Root(root).Key(e.Key),
				"Button %d is a %s button; button_payload only takes payloads for QUICK_REPLY buttons. Remove this entry or use the index of a quick reply.", b.Index, b.Type))
		}
		if e.Value.Unknown {
			continue
		}
		if len(e.Value.Items) != 1 {
			ps = append(ps, ruleButtonPayloadCount.atf(Root(root).Key(e.Key),
				"This entry has %d payloads; a quick reply button takes exactly one.", len(e.Value.Items)))
		}
		for j, item := range e.Value.Items {
			switch {
			case item.Unknown:
			case item.Missing():
				ps = append(ps, emptyValue(Root(root).Key(e.Key).Index(j), "button payload"))
			case len(item.Value) > maxButtonPayloadLength:
				if n := utf8.RuneCountInString(item.Value); n > maxButtonPayloadLength {
					ps = append(ps, ruleButtonPayloadLength.atf(Root(root).Key(e.Key).Index(j),
						"This payload has %d characters; the API accepts at most %d. Shorten it.", n, maxButtonPayloadLength))
				}
			}
		}
	}
	return ps
}
