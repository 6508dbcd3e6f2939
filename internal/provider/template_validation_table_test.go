package provider

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/interakt-community/terraform-provider-interakt/internal/contract"
)

// templateCase is one interakt_template configuration driven through
// ValidateResourceConfig and PlanResourceChange with no API key, as in a
// CI pipeline.
type templateCase struct {
	name string
	cfg  map[string]any
	// want is what validate reports; plan reports its errors only
	// (warnings were already shown by validate).
	want []wantDiag
	// planWant is what only plan reports (verify without credentials).
	planWant []wantDiag
	// detail is a fragment the first wanted diagnostic's detail contains.
	detail string
	// prior, when set, is the state the plan updates (computed attributes
	// included); the case is then a plan-time check of a change.
	prior map[string]any
	// contractUnknown says the planned contract is unknown (some part of
	// the declaration is); otherwise a plan without errors has it known.
	contractUnknown bool
}

func errAt(summary, path string) wantDiag {
	return wantDiag{severity: tfprotov6.DiagnosticSeverityError, summary: summary, path: path}
}

func warnAt(summary, path string) wantDiag {
	return wantDiag{severity: tfprotov6.DiagnosticSeverityWarning, summary: summary, path: path}
}

// baseTemplate is the design's order_shipped template, valid as it is.
func baseTemplate() map[string]any {
	return map[string]any{
		"name":          "order_shipped",
		"language_code": "en",
		"category":      "UTILITY",
		"header":        map[string]any{"format": "TEXT", "text": "Order {{1}}"},
		"body":          "Hi {{1}}, your order {{2}} has shipped.",
		"footer":        "Reply STOP to opt out",
		"buttons": []any{
			map[string]any{"type": "URL", "text": "Track", "url": "https://shop.example.com/track/{{1}}"},
			map[string]any{"type": "QUICK_REPLY", "text": "Stop updates"},
		},
	}
}

// tmpl returns baseTemplate with some attributes replaced (nil = null).
func tmpl(overrides map[string]any) map[string]any {
	cfg := baseTemplate()
	for k, v := range overrides {
		cfg[k] = v
	}
	return cfg
}

// withButtons returns baseTemplate with the given buttons.
func withButtons(buttons ...any) map[string]any {
	return tmpl(map[string]any{"buttons": buttons})
}

func qr(text string) map[string]any { return map[string]any{"type": "QUICK_REPLY", "text": text} }

func urlButton(url string) map[string]any {
	return map[string]any{"type": "URL", "text": "Open", "url": url}
}

func phoneButton() map[string]any {
	return map[string]any{"type": "PHONE_NUMBER", "text": "Call us", "phone_number": "+919999999999"}
}

func copyCode() map[string]any {
	return map[string]any{"type": "COPY_CODE", "example": "SAVE10"}
}

func repeat(s string, n int) string { return strings.Repeat(s, n) }

// Summaries of the rules, as contract.Rules() states them.
const (
	sumName          = "Invalid Template Name"
	sumLanguage      = "Invalid Language Code"
	sumLanguageList  = "Unlisted Template Language"
	sumCategory      = "Invalid Template Category"
	sumBodyRequired  = "Missing Template Body"
	sumBodyOrder     = "Invalid Variable Numbering"
	sumBodyLength    = "Template Body Too Long"
	sumBodyEdge      = "Variable at the Edge of the Body"
	sumFooterVar     = "Variable in Footer"
	sumFooterLength  = "Template Footer Too Long"
	sumSyntax        = "Malformed Variable"
	sumHeaderFormat  = "Invalid Header Format"
	sumHeaderText    = "Missing Header Text"
	sumHeaderVar     = "Invalid Header Variable"
	sumHeaderNoText  = "Header Text Not Allowed"
	sumHeaderLength  = "Header Text Too Long"
	sumButtonsCount  = "Too Many Buttons"
	sumButtonType    = "Invalid Button Type"
	sumButtonText    = "Missing Button Text"
	sumButtonURL     = "Missing Button URL"
	sumURLFormat     = "Invalid Button URL"
	sumURLVariables  = "Invalid URL Variable"
	sumButtonPhone   = "Missing Button Phone Number"
	sumNotAllowed    = "Attribute Not Allowed for This Button Type"
	sumButtonTextLen = "Button Text Too Long"
	sumURLLength     = "Button URL Too Long"
	sumGrouping      = "Quick Replies Not Grouped"
	sumURLCount      = "Too Many URL Buttons"
	sumPhoneCount    = "Too Many Phone Number Buttons"
	sumCopyCount     = "Too Many Copy Code Buttons"
	sumNotVerified   = "Template Not Verified"
	sumExamplesCount = "Body Examples Do Not Match the Variables"
	sumExampleEmpty  = "Empty Template Example"
	sumHeaderExample = "Missing Header Example"
	sumButtonExample = "Missing Button Example"
	sumSubmitLang    = "Language Cannot Be Submitted"
	sumSubmitMedia   = "Media Header Cannot Be Submitted"
	sumSubmitted     = "Submitted Template Cannot Change"
	sumSubmitLater   = "Template to Submit at Apply"
)

// submitted is baseTemplate with submit = true and every example.
func submitted(overrides map[string]any) map[string]any {
	cfg := tmpl(map[string]any{
		"submit":        true,
		"header":        map[string]any{"format": "TEXT", "text": "Order {{1}}", "example": "A-1001"},
		"body_examples": []any{"Asha", "A-1001"},
		"buttons": []any{
			map[string]any{"type": "URL", "text": "Track", "url": "https://shop.example.com/track/{{1}}", "example": "https://shop.example.com/track/A-1001"},
			map[string]any{"type": "QUICK_REPLY", "text": "Stop updates"},
		},
	})
	for k, v := range overrides {
		cfg[k] = v
	}
	return cfg
}

// submittedState is the state of submitted() after an apply with a key,
// the account showing status.
func submittedState(status string) map[string]any {
	st := submitted(nil)
	st["id"] = "order_shipped:en"
	st["approval_status"] = status
	return st
}

func templateCases() []templateCase {
	elevenButtons := make([]any, 11)
	for i := range elevenButtons {
		elevenButtons[i] = qr("Option")
	}
	return []templateCase{
		{name: "valid design example", cfg: baseTemplate()},
		{name: "valid without header footer or buttons", cfg: tmpl(map[string]any{"header": nil, "footer": nil, "buttons": nil})},
		{name: "valid media header", cfg: tmpl(map[string]any{"header": map[string]any{"format": "DOCUMENT"}})},
		{name: "valid repeated body variable", cfg: tmpl(map[string]any{"body": "Hi {{1}}, {{1}} again and {{2}}."})},
		{name: "valid regional language", cfg: tmpl(map[string]any{"language_code": "pt_BR"})},
		{name: "valid numeric region", cfg: tmpl(map[string]any{"language_code": "es_419"})},
		{name: "valid three-letter language", cfg: tmpl(map[string]any{"language_code": "fil"})},
		{name: "valid name of 512 characters", cfg: tmpl(map[string]any{"name": repeat("a", 512)})},
		{name: "valid body of 1024 characters", cfg: tmpl(map[string]any{"body": repeat("a", 1024)})},
		{name: "valid copy code without text", cfg: withButtons(copyCode())},
		{name: "valid empty footer", cfg: tmpl(map[string]any{"footer": ""})},

		// template_name
		{name: "name empty", cfg: tmpl(map[string]any{"name": ""}), want: []wantDiag{errAt(sumName, "name")}, detail: "empty"},
		{name: "name uppercase", cfg: tmpl(map[string]any{"name": "Order_Shipped"}), want: []wantDiag{errAt(sumName, "name")}, detail: "lowercase"},
		{name: "name with hyphen", cfg: tmpl(map[string]any{"name": "order-shipped"}), want: []wantDiag{errAt(sumName, "name")}},
		{name: "name with space", cfg: tmpl(map[string]any{"name": "order shipped"}), want: []wantDiag{errAt(sumName, "name")}},
		{name: "name too long", cfg: tmpl(map[string]any{"name": repeat("a", 513)}), want: []wantDiag{errAt(sumName, "name")}, detail: "513 characters"},

		// language_code and language_code_unlisted
		{name: "language empty", cfg: tmpl(map[string]any{"language_code": ""}), want: []wantDiag{errAt(sumLanguage, "language_code")}},
		{name: "language uppercase", cfg: tmpl(map[string]any{"language_code": "EN"}), want: []wantDiag{errAt(sumLanguage, "language_code")}},
		{name: "language with hyphen", cfg: tmpl(map[string]any{"language_code": "en-US"}), want: []wantDiag{errAt(sumLanguage, "language_code")}},
		{name: "language region lowercase", cfg: tmpl(map[string]any{"language_code": "en_us"}), want: []wantDiag{errAt(sumLanguage, "language_code")}},
		{name: "language spelled out", cfg: tmpl(map[string]any{"language_code": "english"}), want: []wantDiag{errAt(sumLanguage, "language_code")}, detail: `"english"`},
		{name: "language unlisted", cfg: tmpl(map[string]any{"language_code": "xx"}), want: []wantDiag{warnAt(sumLanguageList, "language_code")}},
		{name: "language unlisted with region", cfg: tmpl(map[string]any{"language_code": "tlh_US"}), want: []wantDiag{warnAt(sumLanguageList, "language_code")}},

		// category
		{name: "category lowercase", cfg: tmpl(map[string]any{"category": "utility"}), want: []wantDiag{errAt(sumCategory, "category")}},
		{name: "category unknown kind", cfg: tmpl(map[string]any{"category": "PROMOTIONAL"}), want: []wantDiag{errAt(sumCategory, "category")}, detail: "PROMOTIONAL"},
		{name: "category empty", cfg: tmpl(map[string]any{"category": ""}), want: []wantDiag{errAt(sumCategory, "category")}},

		// header_format, header_text_required, header_text_variables,
		// header_text_not_allowed, header_text_length
		{name: "header format empty", cfg: tmpl(map[string]any{"header": map[string]any{"format": ""}}), want: []wantDiag{errAt(sumHeaderFormat, "header.format")}},
		{name: "header format GIF", cfg: tmpl(map[string]any{"header": map[string]any{"format": "GIF"}}), want: []wantDiag{errAt(sumHeaderFormat, "header.format")}, detail: "GIF"},
		{name: "header format LOCATION", cfg: tmpl(map[string]any{"header": map[string]any{"format": "LOCATION"}}), want: []wantDiag{errAt(sumHeaderFormat, "header.format")}},
		{name: "header format lowercase", cfg: tmpl(map[string]any{"header": map[string]any{"format": "text", "text": "Order"}}), want: []wantDiag{errAt(sumHeaderFormat, "header.format")}},
		{name: "text header without text", cfg: tmpl(map[string]any{"header": map[string]any{"format": "TEXT"}}), want: []wantDiag{errAt(sumHeaderText, "header.text")}},
		{name: "text header with empty text", cfg: tmpl(map[string]any{"header": map[string]any{"format": "TEXT", "text": ""}}), want: []wantDiag{errAt(sumHeaderText, "header.text")}},
		{name: "header text with two variables", cfg: tmpl(map[string]any{"header": map[string]any{"format": "TEXT", "text": "Order {{1}} of {{2}}"}}), want: []wantDiag{errAt(sumHeaderVar, "header.text")}},
		{name: "header text variable not 1", cfg: tmpl(map[string]any{"header": map[string]any{"format": "TEXT", "text": "Order {{2}}"}}), want: []wantDiag{errAt(sumHeaderVar, "header.text")}, detail: "{{1}}"},
		{name: "header text malformed variable", cfg: tmpl(map[string]any{"header": map[string]any{"format": "TEXT", "text": "Order {{ 1 }}"}}), want: []wantDiag{errAt(sumSyntax, "header.text")}},
		{name: "image header with text", cfg: tmpl(map[string]any{"header": map[string]any{"format": "IMAGE", "text": "Sale"}}), want: []wantDiag{errAt(sumHeaderNoText, "header.text")}},
		{name: "video header with text", cfg: tmpl(map[string]any{"header": map[string]any{"format": "VIDEO", "text": "Sale"}}), want: []wantDiag{errAt(sumHeaderNoText, "header.text")}},
		{name: "document header with text", cfg: tmpl(map[string]any{"header": map[string]any{"format": "DOCUMENT", "text": "Invoice"}}), want: []wantDiag{errAt(sumHeaderNoText, "header.text")}, detail: "DOCUMENT"},
		{name: "header text too long", cfg: tmpl(map[string]any{"header": map[string]any{"format": "TEXT", "text": repeat("h", 61)}}), want: []wantDiag{warnAt(sumHeaderLength, "header.text")}, detail: "61 characters"},

		// body_required, body_variable_order, body_length,
		// body_variable_at_edge, variable_syntax
		{name: "body empty", cfg: tmpl(map[string]any{"body": ""}), want: []wantDiag{errAt(sumBodyRequired, "body")}},
		{name: "body starts numbering at 2", cfg: tmpl(map[string]any{"body": "Hi {{2}}, order {{1}} shipped."}), want: []wantDiag{errAt(sumBodyOrder, "body")}, detail: "{{2}} appears where {{1}} was expected"},
		{name: "body skips a number", cfg: tmpl(map[string]any{"body": "Hi {{1}}, order {{3}} shipped."}), want: []wantDiag{errAt(sumBodyOrder, "body")}},
		{name: "body variable with spaces", cfg: tmpl(map[string]any{"body": "Hi {{ 1 }}, welcome."}), want: []wantDiag{errAt(sumSyntax, "body")}},
		{name: "body variable with a name", cfg: tmpl(map[string]any{"body": "Hi {{name}}, welcome."}), want: []wantDiag{errAt(sumSyntax, "body")}, detail: "{{name}}"},
		{name: "body variable zero", cfg: tmpl(map[string]any{"body": "Hi {{0}}, welcome."}), want: []wantDiag{errAt(sumSyntax, "body")}},
		{name: "body variable leading zero", cfg: tmpl(map[string]any{"body": "Hi {{01}}, welcome."}), want: []wantDiag{errAt(sumSyntax, "body")}},
		{name: "body variable unclosed", cfg: tmpl(map[string]any{"body": "Hi {{1}, welcome."}), want: []wantDiag{errAt(sumSyntax, "body")}},
		{name: "body starts with variable", cfg: tmpl(map[string]any{"body": "{{1}} is your code."}), want: []wantDiag{warnAt(sumBodyEdge, "body")}, detail: "starts with {{1}}"},
		{name: "body ends with variable", cfg: tmpl(map[string]any{"body": "Your code is {{1}}"}), want: []wantDiag{warnAt(sumBodyEdge, "body")}, detail: "ends with a variable"},
		{name: "body starts with variable after spaces", cfg: tmpl(map[string]any{"body": "  {{1}} is your code."}), want: []wantDiag{warnAt(sumBodyEdge, "body")}},
		{name: "body too long", cfg: tmpl(map[string]any{"body": repeat("a", 1025)}), want: []wantDiag{warnAt(sumBodyLength, "body")}, detail: "1025 characters"},

		// footer_variables, footer_length
		{name: "footer with variable", cfg: tmpl(map[string]any{"footer": "Reply {{1}} to stop"}), want: []wantDiag{errAt(sumFooterVar, "footer")}},
		{name: "footer with malformed variable", cfg: tmpl(map[string]any{"footer": "Reply {{x}} to stop"}), want: []wantDiag{errAt(sumSyntax, "footer")}},
		{name: "footer too long", cfg: tmpl(map[string]any{"footer": repeat("f", 61)}), want: []wantDiag{warnAt(sumFooterLength, "footer")}},

		// buttons_count, button_type
		{name: "eleven buttons", cfg: withButtons(elevenButtons...), want: []wantDiag{errAt(sumButtonsCount, "buttons[10]")}, detail: "11 buttons"},
		{name: "button without type", cfg: withButtons(map[string]any{"text": "Go"}), want: []wantDiag{errAt(sumButtonType, "buttons[0].type")}, detail: "not set"},
		{name: "button type empty", cfg: withButtons(map[string]any{"type": "", "text": "Go"}), want: []wantDiag{errAt(sumButtonType, "buttons[0].type")}},
		{name: "button type CALL", cfg: withButtons(qr("Yes"), map[string]any{"type": "CALL", "text": "Go"}), want: []wantDiag{errAt(sumButtonType, "buttons[1].type")}, detail: "CALL"},
		{name: "button type lowercase", cfg: withButtons(map[string]any{"type": "url", "text": "Go", "url": "https://shop.example.com"}), want: []wantDiag{errAt(sumButtonType, "buttons[0].type")}},

		// button_text_required, button_text_length
		{name: "quick reply without text", cfg: withButtons(map[string]any{"type": "QUICK_REPLY"}), want: []wantDiag{errAt(sumButtonText, "buttons[0].text")}},
		{name: "url button with empty text", cfg: withButtons(map[string]any{"type": "URL", "text": "", "url": "https://shop.example.com"}), want: []wantDiag{errAt(sumButtonText, "buttons[0].text")}},
		{name: "phone button without text", cfg: withButtons(map[string]any{"type": "PHONE_NUMBER", "phone_number": "+919999999999"}), want: []wantDiag{errAt(sumButtonText, "buttons[0].text")}},
		{name: "button text too long", cfg: withButtons(qr(repeat("t", 26))), want: []wantDiag{warnAt(sumButtonTextLen, "buttons[0].text")}, detail: "26 characters"},

		// button_url_required, button_url_format, button_url_variables,
		// button_url_length
		{name: "url button without url", cfg: withButtons(map[string]any{"type": "URL", "text": "Open"}), want: []wantDiag{errAt(sumButtonURL, "buttons[0].url")}},
		{name: "url not http", cfg: withButtons(urlButton("ftp://shop.example.com/x")), want: []wantDiag{errAt(sumURLFormat, "buttons[0].url")}},
		{name: "url without scheme", cfg: withButtons(urlButton("shop.example.com/track")), want: []wantDiag{errAt(sumURLFormat, "buttons[0].url")}},
		{name: "url with space", cfg: withButtons(urlButton("https://shop.example.com/a b")), want: []wantDiag{errAt(sumURLFormat, "buttons[0].url")}},
		{name: "url third button invalid", cfg: withButtons(qr("Yes"), qr("No"), urlButton("https:/shop")), want: []wantDiag{errAt(sumURLFormat, "buttons[2].url")}, detail: "At buttons[2].url: "},
		{name: "url variable in the middle", cfg: withButtons(urlButton("https://shop.example.com/{{1}}/status")), want: []wantDiag{errAt(sumURLVariables, "buttons[0].url")}, detail: "before its end"},
		{name: "url with two variables", cfg: withButtons(urlButton("https://shop.example.com/{{1}}{{1}}")), want: []wantDiag{errAt(sumURLVariables, "buttons[0].url")}, detail: "more than one"},
		{name: "url variable not 1", cfg: withButtons(urlButton("https://shop.example.com/track/{{2}}")), want: []wantDiag{errAt(sumURLVariables, "buttons[0].url")}},
		{name: "url malformed variable", cfg: withButtons(urlButton("https://shop.example.com/track/{{ 1 }}")),
			want: []wantDiag{errAt(sumSyntax, "buttons[0].url"), errAt(sumURLFormat, "buttons[0].url")}},
		{name: "url too long", cfg: withButtons(urlButton("https://shop.example.com/" + repeat("a", 2001-25))), want: []wantDiag{warnAt(sumURLLength, "buttons[0].url")}, detail: "2001 characters"},

		// button_phone_required, button_field_not_allowed
		{name: "phone button without number", cfg: withButtons(map[string]any{"type": "PHONE_NUMBER", "text": "Call"}), want: []wantDiag{errAt(sumButtonPhone, "buttons[0].phone_number")}},
		{name: "quick reply with url", cfg: withButtons(map[string]any{"type": "QUICK_REPLY", "text": "Yes", "url": "https://shop.example.com"}), want: []wantDiag{errAt(sumNotAllowed, "buttons[0].url")}},
		{name: "url button with phone number", cfg: withButtons(map[string]any{"type": "URL", "text": "Open", "url": "https://shop.example.com", "phone_number": "+919999999999"}), want: []wantDiag{errAt(sumNotAllowed, "buttons[0].phone_number")}},
		{name: "copy code with url", cfg: withButtons(map[string]any{"type": "COPY_CODE", "url": "https://shop.example.com"}), want: []wantDiag{errAt(sumNotAllowed, "buttons[0].url")}},

		// buttons_grouping, buttons_url_count, buttons_phone_count,
		// buttons_copy_code_count
		{name: "quick replies split by a url", cfg: withButtons(qr("Yes"), urlButton("https://shop.example.com"), qr("No")), want: []wantDiag{warnAt(sumGrouping, "buttons[2]")}},
		{name: "urls split by a quick reply", cfg: withButtons(urlButton("https://shop.example.com"), qr("No"), phoneButton()), want: []wantDiag{warnAt(sumGrouping, "buttons[2]")}},
		{name: "three url buttons", cfg: withButtons(urlButton("https://a.example.com"), urlButton("https://b.example.com"), urlButton("https://c.example.com")), want: []wantDiag{warnAt(sumURLCount, "buttons[2]")}},
		{name: "two phone buttons", cfg: withButtons(phoneButton(), phoneButton()), want: []wantDiag{warnAt(sumPhoneCount, "buttons[1]")}},
		{name: "two copy code buttons", cfg: withButtons(copyCode(), copyCode()), want: []wantDiag{warnAt(sumCopyCount, "buttons[1]")}},

		// Several rules at once are all reported, each at its own path.
		{name: "several errors", cfg: tmpl(map[string]any{"name": "Bad Name", "category": "OTHER", "body": "", "footer": "{{1}}"}),
			want: []wantDiag{errAt(sumName, "name"), errAt(sumCategory, "category"), errAt(sumBodyRequired, "body"), errAt(sumFooterVar, "footer")}},
		{name: "errors and warnings together", cfg: tmpl(map[string]any{"language_code": "xx", "body": "Hi {{2}}"}),
			want: []wantDiag{warnAt(sumLanguageList, "language_code"), errAt(sumBodyOrder, "body"), warnAt(sumBodyEdge, "body")}},

		// verify without credentials warns at plan: the check is skipped,
		// never silently passed.
		{name: "verify without api key", cfg: tmpl(map[string]any{"verify": true}), planWant: []wantDiag{warnAt(sumNotVerified, "verify")}},
		{name: "verify false", cfg: tmpl(map[string]any{"verify": false})},

		// Unknown values skip their rules and make the contract unknown.
		{name: "unknown name", cfg: tmpl(map[string]any{"name": Unknown}), contractUnknown: true},
		{name: "unknown language", cfg: tmpl(map[string]any{"language_code": Unknown}), contractUnknown: true},
		{name: "unknown category", cfg: tmpl(map[string]any{"category": Unknown}), contractUnknown: true},
		{name: "unknown header", cfg: tmpl(map[string]any{"header": Unknown}), contractUnknown: true},
		{name: "unknown header format", cfg: tmpl(map[string]any{"header": map[string]any{"format": Unknown, "text": "Order {{5}}"}}), contractUnknown: true},
		{name: "unknown header text", cfg: tmpl(map[string]any{"header": map[string]any{"format": "TEXT", "text": Unknown}}), contractUnknown: true},
		{name: "unknown body", cfg: tmpl(map[string]any{"body": Unknown}), contractUnknown: true},
		{name: "unknown footer", cfg: tmpl(map[string]any{"footer": Unknown}), contractUnknown: true},
		{name: "unknown buttons", cfg: tmpl(map[string]any{"buttons": Unknown}), contractUnknown: true},
		{name: "unknown button", cfg: withButtons(Unknown, qr("No")), contractUnknown: true},
		{name: "unknown button type", cfg: withButtons(map[string]any{"type": Unknown, "text": "Go", "url": "ftp://x"}), contractUnknown: true},
		{name: "unknown button url", cfg: withButtons(map[string]any{"type": "URL", "text": "Go", "url": Unknown}), contractUnknown: true},
		{name: "unknown button text", cfg: withButtons(map[string]any{"type": "QUICK_REPLY", "text": Unknown}), contractUnknown: true},
		{name: "unknown button phone number", cfg: withButtons(map[string]any{"type": "PHONE_NUMBER", "text": "Call", "phone_number": Unknown}), contractUnknown: true},
		{name: "unknown button between quick replies", cfg: withButtons(qr("Yes"), Unknown, qr("No")), contractUnknown: true},
		{name: "unknown verify", cfg: tmpl(map[string]any{"verify": Unknown})},
		{name: "unknown name still checks body", cfg: tmpl(map[string]any{"name": Unknown, "body": "Hi {{1}} and {{3}}."}), want: []wantDiag{errAt(sumBodyOrder, "body")}},
		{name: "valid submission", cfg: submitted(nil), planWant: []wantDiag{warnAt(sumSubmitLater, "submit")}},
		{name: "body examples fewer than variables", cfg: submitted(map[string]any{"body_examples": []any{"Asha"}}), want: []wantDiag{errAt(sumExamplesCount, "body_examples")}, detail: "needs 2 examples"},
		{name: "body examples checked without submit", cfg: tmpl(map[string]any{"body_examples": []any{"Asha", "A-1", "x"}}), want: []wantDiag{errAt(sumExamplesCount, "body_examples")}},
		{name: "submit without body examples", cfg: submitted(map[string]any{"body_examples": nil}), want: []wantDiag{errAt(sumExamplesCount, "body_examples")}},
		{name: "empty body example", cfg: submitted(map[string]any{"body_examples": []any{"Asha", " "}}), want: []wantDiag{errAt(sumExampleEmpty, "body_examples[1]")}},
		{name: "submit without header example", cfg: submitted(map[string]any{"header": map[string]any{"format": "TEXT", "text": "Order {{1}}"}}), want: []wantDiag{errAt(sumHeaderExample, "header.example")}},
		{name: "empty header example", cfg: tmpl(map[string]any{"header": map[string]any{"format": "TEXT", "text": "Order {{1}}", "example": ""}}), want: []wantDiag{errAt(sumExampleEmpty, "header.example")}},
		{name: "submit without button example", cfg: submitted(map[string]any{"buttons": []any{map[string]any{"type": "URL", "text": "Track", "url": "https://shop.example.com/track/{{1}}"}}}), want: []wantDiag{errAt(sumButtonExample, "buttons[0].example")}},
		{name: "submit in a language without a name", cfg: submitted(map[string]any{"language_code": "zu"}), want: []wantDiag{errAt(sumSubmitLang, "language_code")}},
		{name: "submit a media header", cfg: submitted(map[string]any{"header": map[string]any{"format": "IMAGE"}}), want: []wantDiag{errAt(sumSubmitMedia, "header.format")}},
		{name: "submitted body changed", prior: submittedState("APPROVED"), cfg: submitted(map[string]any{"body": "Hi {{1}}, order {{2}} is on its way."}), planWant: []wantDiag{errAt(sumSubmitted, "body")}, detail: "order_shipped_v2"},
		{name: "submitted button changed", prior: submittedState("WAITING"), cfg: submitted(map[string]any{"buttons": []any{map[string]any{"type": "URL", "text": "Where is it", "url": "https://shop.example.com/track/{{1}}", "example": "https://shop.example.com/track/A-1001"}, qr("Stop updates")}}), planWant: []wantDiag{errAt(sumSubmitted, "buttons[0].text")}},
		{name: "submitted examples may change", prior: submittedState("APPROVED"), cfg: submitted(map[string]any{"body_examples": []any{"Ravi", "B-2"}})},
		{name: "rejected template may change", prior: submittedState("REJECTED"), cfg: submitted(map[string]any{"body": "Hi {{1}}, order {{2}} is on its way."})},
		{name: "unknown body still checks footer", cfg: tmpl(map[string]any{"body": Unknown, "footer": "Bye {{1}}"}), want: []wantDiag{errAt(sumFooterVar, "footer")}},
		{name: "unknown button still checks the others", cfg: withButtons(Unknown, map[string]any{"type": "PHONE_NUMBER", "text": "Call"}), want: []wantDiag{errAt(sumButtonPhone, "buttons[1].phone_number")}},
	}
}

// TestTemplateValidationTable drives every case through validate and
// plan, as `terraform validate` and `terraform plan` do, with no API key.
func TestTemplateValidationTable(t *testing.T) {
	t.Parallel()
	srv := newProtocolServer(t, testSeams())
	if diags := srv.configure(map[string]any{}); len(diags) > 0 {
		t.Fatalf("configure: %s", diagString(diags))
	}
	seen := map[string]bool{}
	for _, tc := range templateCases() {
		if seen[tc.name] {
			t.Fatalf("duplicate case name %q", tc.name)
		}
		seen[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			validated := srv.validate("interakt_template", tc.cfg)
			assertDiags(t, "validate", validated, tc.want)
			if tc.detail != "" && len(tc.want) > 0 {
				if d := findDiag(validated, tc.want[0]); d == nil || !strings.Contains(d.Detail, tc.detail) {
					t.Errorf("validate: want detail containing %q, got:\n%s", tc.detail, diagString(validated))
				}
			}

			var planWant []wantDiag
			for _, w := range tc.want {
				if w.severity == tfprotov6.DiagnosticSeverityError {
					planWant = append(planWant, w)
				}
			}
			planWant = append(planWant, tc.planWant...)
			plan := srv.planCreate("interakt_template", tc.cfg)
			if tc.prior != nil {
				plan = srv.planUpdate("interakt_template", srv.value(srv.resourceType("interakt_template"), tc.prior), tc.cfg)
			}
			assertDiags(t, "plan", plan.Diagnostics, planWant)
			if tc.detail != "" && len(tc.want) == 0 {
				if d := findDiag(plan.Diagnostics, tc.planWant[0]); d == nil || !strings.Contains(d.Detail, tc.detail) {
					t.Errorf("plan: want detail containing %q, got:\n%s", tc.detail, diagString(plan.Diagnostics))
				}
			}
			if hasErrorDiag(plan.Diagnostics) {
				return
			}
			known := plannedAttribute(t, srv, plan, "contract").IsKnown()
			if known == tc.contractUnknown {
				t.Errorf("plan: contract known = %v, want %v", known, !tc.contractUnknown)
			}
			if fp := plannedAttribute(t, srv, plan, "fingerprint"); fp.IsKnown() == tc.contractUnknown {
				t.Errorf("plan: fingerprint known = %v, want %v", fp.IsKnown(), !tc.contractUnknown)
			}
		})
	}
}

// templateRuleIDs are the rules of contract.ValidateTemplate and
// CheckVariableSyntax: every rule that applies to a template declaration.
var templateRuleIDs = []string{
	"template_name", "language_code", "language_code_unlisted", "category",
	"header_format", "header_text_required", "header_text_variables", "header_text_not_allowed", "header_text_length",
	"body_required", "body_variable_order", "body_length", "body_variable_at_edge",
	"footer_variables", "footer_length", "variable_syntax",
	"buttons_count", "button_type", "button_text_required", "button_url_required", "button_url_format",
	"button_url_variables", "button_phone_required", "button_field_not_allowed", "button_text_length",
	"button_url_length", "buttons_grouping", "buttons_url_count", "buttons_phone_count", "buttons_copy_code_count",
	"body_examples_count", "example_empty", "header_example_required", "button_example_required", "submit_language", "submit_media_header", "submitted_content_change",
}

// TestTemplateValidationTableCoversRules checks that the table has a case
// for every template rule of the contract package, errors and warnings
// alike, with the rule's own severity and summary.
func TestTemplateValidationTableCoversRules(t *testing.T) {
	t.Parallel()
	covered := map[string]bool{}
	for _, tc := range templateCases() {
		for _, w := range append(tc.want, tc.planWant...) {
			covered[severityName(w.severity)+"|"+w.summary] = true
		}
	}
	rules := map[string]contract.Rule{}
	for _, r := range contract.Rules() {
		rules[r.ID] = r
	}
	for _, id := range templateRuleIDs {
		r, ok := rules[id]
		if !ok {
			t.Errorf("contract.Rules() has no rule %q", id)
			continue
		}
		if !covered[r.Severity.String()+"|"+r.Summary] {
			t.Errorf("no case for template rule %s (%s %q)", r.ID, r.Severity, r.Summary)
		}
	}
	if n := len(templateCases()); n < 60 {
		t.Errorf("the table has %d cases, want at least 60", n)
	}
}

// assertDiags checks that diags are exactly want (severity, summary and
// path), in any order.
func assertDiags(t *testing.T, phase string, diags []*tfprotov6.Diagnostic, want []wantDiag) {
	t.Helper()
	got := make([]string, 0, len(diags))
	for _, d := range diags {
		got = append(got, severityName(d.Severity)+" "+d.Summary+" at "+attrPathString(d.Attribute))
	}
	exp := make([]string, 0, len(want))
	for _, w := range want {
		exp = append(exp, severityName(w.severity)+" "+w.summary+" at "+w.path)
	}
	sort.Strings(got)
	sort.Strings(exp)
	if strings.Join(got, "\n") != strings.Join(exp, "\n") {
		t.Errorf("%s diagnostics:\n got: %q\nwant: %q\nfull:\n%s", phase, got, exp, diagString(diags))
	}
}

func hasErrorDiag(diags []*tfprotov6.Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}

// plannedAttribute returns one top-level attribute of a planned state.
func plannedAttribute(t *testing.T, srv *protocolServer, plan *tfprotov6.PlanResourceChangeResponse, name string) tftypes.Value {
	t.Helper()
	if plan.PlannedState == nil {
		t.Fatal("no planned state")
	}
	v, err := plan.PlannedState.Unmarshal(srv.resourceType("interakt_template"))
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		t.Fatal(err)
	}
	a, ok := attrs[name]
	if !ok {
		t.Fatalf("planned state has no %q", name)
	}
	return a
}

// TestTemplateSubmitPlan_warnsWhenTheKeyIsMissing: a template to submit
// warns at plan, at submit, when no API key is configured; a key known
// only at apply, or dry_run, is no reason to warn.
func TestTemplateSubmitPlan_warnsWhenTheKeyIsMissing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		settings map[string]any
		want     []wantDiag
	}{
		{name: "no key", settings: map[string]any{}, want: []wantDiag{warnAt(sumSubmitLater, "submit")}},
		{name: "key known at apply", settings: map[string]any{"api_key": Unknown}},
		{name: "dry run", settings: map[string]any{"dry_run": true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newProtocolServer(t, testSeams())
			if diags := srv.configure(tc.settings); len(diags) > 0 {
				t.Fatalf("configure: %s", diagString(diags))
			}
			assertDiags(t, "plan", srv.planCreate("interakt_template", submitted(nil)).Diagnostics, tc.want)
		})
	}
}

// TestRequiredInUnknownElementIsReportedMissing pins why buttons[].type
// is Optional in the schema: with it Required, terraform-plugin-framework
// reports a wholly unknown button (one known only at apply) as missing
// its type. Once this fails, the framework has stopped doing so: make type
// Required and delete this test; TestAccTemplate_buttonKnownOnlyAtApply
// then shows the CLIs agree.
func TestRequiredInUnknownElementIsReportedMissing(t *testing.T) {
	t.Parallel()
	srv := serveProtocol(t, requiredButtonTypeProvider{&InteraktProvider{version: "test", seams: testSeams()}})
	diags := srv.validate("interakt_template", withButtons(Unknown, qr("No")))
	if findDiag(diags, errAt("Missing Configuration for Required Attribute", "buttons[0].type")) == nil {
		t.Errorf("the framework no longer reports a Required attribute of an unknown element as missing; "+
			"make buttons[].type Required. validate:\n%s", diagString(diags))
	}
}

// requiredButtonTypeProvider serves interakt_template alone, with
// buttons[].type Required.
type requiredButtonTypeProvider struct{ *InteraktProvider }

func (requiredButtonTypeProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return requiredButtonTypeTemplate{&templateResource{}} }}
}

type requiredButtonTypeTemplate struct{ *templateResource }

func (r requiredButtonTypeTemplate) Schema(ctx context.Context, req resource.SchemaRequest, resp *resource.SchemaResponse) {
	r.templateResource.Schema(ctx, req, resp)
	buttons, ok := resp.Schema.Attributes["buttons"].(schema.ListNestedAttribute)
	typ, typeOK := buttons.NestedObject.Attributes["type"].(schema.StringAttribute)
	if !ok || !typeOK {
		resp.Diagnostics.AddError("Unexpected Schema", "interakt_template has no buttons[].type string attribute")
		return
	}
	typ.Optional, typ.Required = false, true
	buttons.NestedObject.Attributes["type"] = typ
	resp.Schema.Attributes["buttons"] = buttons
}
