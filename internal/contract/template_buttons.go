package contract

import (
	"net/url"
	"strings"
	"unicode/utf8"
)

// dynamicURLSuffix ends the URL of a button whose last part each message
// supplies.
const dynamicURLSuffix = "{{1}}"

var (
	ruleButtonsCount = newRule("buttons_count", Error, "Too Many Buttons",
		"A template has at most 10 buttons.")
	ruleButtonType = newRule("button_type", Error, "Invalid Button Type",
		"A button's type is QUICK_REPLY, URL, PHONE_NUMBER or COPY_CODE.")
	ruleButtonTextRequired = newRule("button_text_required", Error, "Missing Button Text",
		"QUICK_REPLY, URL and PHONE_NUMBER buttons have a text.")
	ruleButtonURLRequired = newRule("button_url_required", Error, "Missing Button URL",
		"A URL button has a url.")
	ruleButtonURLFormat = newRule("button_url_format", Error, "Invalid Button URL",
		"A button's url is an absolute http or https URL with a host.")
	ruleButtonURLVariables = newRule("button_url_variables", Error, "Invalid URL Variable",
		"A button's url is static or has exactly one variable, {{1}}, at its very end.")
	ruleButtonPhoneRequired = newRule("button_phone_required", Error, "Missing Button Phone Number",
		"A PHONE_NUMBER button has a phone_number.")
	ruleButtonFieldNotAllowed = newRule("button_field_not_allowed", Error, "Attribute Not Allowed for This Button Type",
		"Only URL buttons have a url and only PHONE_NUMBER buttons have a phone_number.")
	ruleButtonTextLength = newRule("button_text_length", Warning, "Button Text Too Long",
		"Meta limits a button's text to 25 characters.")
	ruleButtonURLLength = newRule("button_url_length", Warning, "Button URL Too Long",
		"Meta limits a button's url to 2000 characters.")
	ruleButtonsGrouping = newRule("buttons_grouping", Warning, "Quick Replies Not Grouped",
		"Meta requires all QUICK_REPLY buttons to come before all other buttons, or all after them.")
	ruleButtonsURLCount = newRule("buttons_url_count", Warning, "Too Many URL Buttons",
		"Meta allows at most 2 URL buttons in a template.")
	ruleButtonsPhoneCount = newRule("buttons_phone_count", Warning, "Too Many Phone Number Buttons",
		"Meta allows at most 1 PHONE_NUMBER button in a template.")
	ruleButtonsCopyCodeCount = newRule("buttons_copy_code_count", Warning, "Too Many Copy Code Buttons",
		"Meta allows at most 1 COPY_CODE button in a template.")
)

func checkButtons(ps []Problem, buttons []ButtonDecl) []Problem {
	root := Root("buttons")
	if len(buttons) > MaxButtons {
		ps = append(ps, ruleButtonsCount.atf(root.Index(MaxButtons),
			"The template has %d buttons; a template has at most %d. Declare the buttons of the approved template.", len(buttons), MaxButtons))
	}
	var (
		urls, phones, copies int
		typesKnown           = true
		groupBreaks          int
	)
	for i, b := range buttons {
		p := root.Index(i)
		if b.Unknown || b.Type.Unknown {
			typesKnown = false
			continue
		}
		ps = checkButton(ps, p, b)
		switch b.Type.Value {
		case ButtonURL:
			urls++
			if urls == maxURLButtons+1 {
				ps = append(ps, ruleButtonsURLCount.atf(p, "This is URL button number %d; Meta allows at most %d URL buttons in new templates.", urls, maxURLButtons))
			}
		case ButtonPhoneNumber:
			phones++
			if phones == maxPhoneButtons+1 {
				ps = append(ps, ruleButtonsPhoneCount.atf(p, "This is PHONE_NUMBER button number %d; Meta allows at most %d in new templates.", phones, maxPhoneButtons))
			}
		case ButtonCopyCode:
			copies++
			if copies == maxCopyCodeButtons+1 {
				ps = append(ps, ruleButtonsCopyCodeCount.atf(p, "This is COPY_CODE button number %d; Meta allows at most %d in new templates.", copies, maxCopyCodeButtons))
			}
		}
		if typesKnown && i > 0 && (b.Type.Value == ButtonQuickReply) != (buttons[i-1].Type.Value == ButtonQuickReply) {
			groupBreaks++
			if groupBreaks == 2 {
				ps = append(ps, ruleButtonsGrouping.at(p,
					"Quick replies and other buttons alternate here. Meta requires all QUICK_REPLY buttons to come before all other buttons, or all after them; reorder them as in the approved template."))
			}
		}
	}
	return ps
}

func checkButton(ps []Problem, p Path, b ButtonDecl) []Problem {
	typ := b.Type.Value
	switch typ {
	case ButtonQuickReply, ButtonURL, ButtonPhoneNumber, ButtonCopyCode:
	case "":
		return append(ps, ruleButtonType.at(p.Name("type"), "The button type is not set; use QUICK_REPLY, URL, PHONE_NUMBER or COPY_CODE."))
	default:
		return append(ps, ruleButtonType.atf(p.Name("type"), "The button type is %q; use QUICK_REPLY, URL, PHONE_NUMBER or COPY_CODE.", typ))
	}
	if typ != ButtonCopyCode && b.Text.Missing() {
		ps = append(ps, ruleButtonTextRequired.atf(p.Name("text"), "A %s button needs a text: set the label the button shows.", typ))
	}
	if b.Text.Known() {
		if n := utf8.RuneCountInString(b.Text.Value); n > maxButtonTextLength {
			ps = append(ps, ruleButtonTextLength.atf(p.Name("text"),
				"The button text %q has %d characters; Meta accepts at most %d for new templates. An approved template may be older than this rule.",
				b.Text.Value, n, maxButtonTextLength))
		}
	}
	if typ != ButtonURL && b.URL.Given() {
		ps = append(ps, ruleButtonFieldNotAllowed.atf(p.Name("url"), "A %s button has no url; remove it, or make the button a URL button.", typ))
	}
	if typ != ButtonPhoneNumber && b.PhoneNumber.Given() {
		ps = append(ps, ruleButtonFieldNotAllowed.atf(p.Name("phone_number"), "A %s button has no phone_number; remove it, or make the button a PHONE_NUMBER button.", typ))
	}
	switch typ {
	case ButtonURL:
		ps = checkButtonURL(ps, p.Name("url"), b.URL)
	case ButtonPhoneNumber:
		if b.PhoneNumber.Missing() {
			ps = append(ps, ruleButtonPhoneRequired.at(p.Name("phone_number"), "A PHONE_NUMBER button needs the phone number it calls, in international format (+ and country code)."))
		}
	}
	return ps
}

func checkButtonURL(ps []Problem, p Path, u Str) []Problem {
	if u.Unknown {
		return ps
	}
	if u.Missing() {
		return append(ps, ruleButtonURLRequired.at(p, "A URL button needs a url: a static https URL, or one ending in {{1}} whose last part each message supplies."))
	}
	text := u.Value
	ps = append(ps, CheckVariableSyntax(p, text)...)
	static, dynamic := strings.CutSuffix(text, dynamicURLSuffix)
	if st := statsOf(static); st.first != 0 {
		what := "a variable before its end"
		if dynamic {
			what = "more than one variable"
		}
		ps = append(ps, ruleButtonURLVariables.atf(p,
			"The url %q has %s. A button url is static or has exactly one variable, {{1}}, at its very end.", text, what))
	} else if !dynamic && strings.HasSuffix(text, "}}") {
		if last := strings.LastIndex(text, "{{"); last >= 0 && Variables(text[last:]) != nil {
			ps = append(ps, ruleButtonURLVariables.atf(p,
				"The url %q ends with %s; the one variable of a button url is written {{1}}.", text, text[last:]))
		}
	}
	if !validWebURL(static) {
		ps = append(ps, ruleButtonURLFormat.atf(p,
			"The url %q is not an absolute http or https URL with a host before any variable. Write it like https://example.com/track/{{1}}.", text))
	}
	if n := utf8.RuneCountInString(text); n > maxButtonURLLength {
		ps = append(ps, ruleButtonURLLength.atf(p,
			"The url has %d characters; Meta accepts at most %d for new templates. An approved template may be older than this rule.", n, maxButtonURLLength))
	}
	return ps
}

// validWebURL reports whether s is an absolute http or https URL with a
// host and no spaces.
func validWebURL(s string) bool {
	if strings.ContainsAny(s, " \t\r\n") {
		return false
	}
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	return (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && u.Opaque == ""
}
