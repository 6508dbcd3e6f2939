package provider

import (
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/interakt-community/terraform-provider-interakt/internal/contract"
)

// badMessageCase is one configuration of a message's inputs and exactly the
// diagnostics it gets. Validate reports all of them; plan reports the
// errors among them (it runs after validate has warned).
type badMessageCase struct {
	name string
	// rule is the contract rule the case breaks ("" when it breaks none).
	rule string
	// change turns the valid base configuration into the case's.
	change func(c map[string]any)
	want   []wantDiag
	// needsContract says every diagnostic needs the template's contract,
	// so a validate where `template` is still an unknown reference (as
	// interakt_template.x.contract is) reports none of them: they come at
	// plan.
	needsContract bool
}

// validMessage is order_shipped's complete message with its contract
// written by hand; it passes every rule.
func validMessage() map[string]any {
	return map[string]any{
		"template":       orderShippedTemplate(nil),
		"country_code":   "+91",
		"phone_number":   "9999999999",
		"callback_data":  "release-42",
		"header_values":  []any{"Alert"},
		"body_values":    []any{"There", "1234"},
		"button_values":  map[string]any{"0": []any{"12344"}},
		"button_payload": map[string]any{"1": []any{"payload1"}},
	}
}

// orderShippedTemplate returns order_shipped's contract object, changed by
// change when it is not nil.
func orderShippedTemplate(change func(t map[string]any)) map[string]any {
	t := map[string]any{
		"name":             "order_shipped",
		"language_code":    "en",
		"header_format":    "TEXT",
		"header_variables": 1,
		"body_variables":   2,
		"buttons":          contractButtons(contractButton(0, "URL", true), contractButton(1, "QUICK_REPLY", false)),
	}
	if change != nil {
		change(t)
	}
	return t
}

func contractButtons(bs ...map[string]any) []any {
	out := make([]any, len(bs))
	for i, b := range bs {
		out[i] = b
	}
	return out
}

func contractButton(index int, typ string, dynamic bool) map[string]any {
	return map[string]any{"index": index, "type": typ, "dynamic": dynamic}
}

// mediaTemplate is a contract with a media header, no body variables and
// no buttons.
func mediaTemplate(format string) map[string]any {
	return orderShippedTemplate(func(t map[string]any) {
		t["header_format"], t["header_variables"], t["body_variables"], t["buttons"] = format, 0, 0, contractButtons()
	})
}

// withMedia sets a media header contract and the values it takes.
func withMedia(format string, headerValues []any) func(c map[string]any) {
	return func(c map[string]any) {
		c["template"] = mediaTemplate(format)
		c["header_values"] = headerValues
		delete(c, "body_values")
		delete(c, "button_values")
		delete(c, "button_payload")
	}
}

func withValue(name string, value any) func(c map[string]any) {
	return func(c map[string]any) { c[name] = value }
}

func setTemplate(change func(t map[string]any)) func(c map[string]any) {
	return func(c map[string]any) { c["template"] = orderShippedTemplate(change) }
}

func withChanges(changes ...func(c map[string]any)) func(c map[string]any) {
	return func(c map[string]any) {
		for _, change := range changes {
			change(c)
		}
	}
}

func badMessageCases() []badMessageCase {
	long := func(n int) string { return strings.Repeat("x", n) }
	return []badMessageCase{
		// The phone number and its country code.
		{name: "country code without plus", rule: "country_code_format", change: withValue("country_code", "91"),
			want: []wantDiag{errAt("Invalid Country Code", "country_code")}},
		{name: "country code too long", rule: "country_code_format", change: withValue("country_code", "+0091"),
			want: []wantDiag{errAt("Invalid Country Code", "country_code")}},
		{name: "country code empty", rule: "country_code_format", change: withValue("country_code", ""),
			want: []wantDiag{errAt("Invalid Country Code", "country_code")}},
		{name: "country code with a letter", rule: "country_code_format", change: withValue("country_code", "+9a"),
			want: []wantDiag{errAt("Invalid Country Code", "country_code")}},
		{name: "country code not in use", rule: "country_code_unassigned", change: withValue("country_code", "+999"),
			want: []wantDiag{errAt("Unknown Country Code", "country_code")}},
		{name: "phone number international", rule: "phone_number_digits", change: withValue("phone_number", "+919999999999"),
			want: []wantDiag{errAt("Invalid Phone Number", "phone_number")}},
		{name: "phone number with dashes", rule: "phone_number_digits", change: withValue("phone_number", "99999-99999"),
			want: []wantDiag{errAt("Invalid Phone Number", "phone_number")}},
		{name: "phone number empty", rule: "phone_number_digits", change: withValue("phone_number", ""),
			want: []wantDiag{errAt("Invalid Phone Number", "phone_number")}},
		{name: "phone number with leading zero", rule: "phone_number_leading_zero", change: withValue("phone_number", "09999999999"),
			want: []wantDiag{errAt("Invalid Phone Number", "phone_number")}},
		{name: "phone number too short", rule: "phone_number_length", change: withValue("phone_number", "123"),
			want: []wantDiag{errAt("Invalid Phone Number", "phone_number")}},
		{name: "phone number too long", rule: "phone_number_length", change: withValue("phone_number", "1234567890123456"),
			want: []wantDiag{errAt("Invalid Phone Number", "phone_number")}},
		{name: "country code inside phone number", rule: "phone_number_country_code_inside", change: withValue("phone_number", "919999999999"),
			want: []wantDiag{errAt("Country Code Inside Phone Number", "phone_number")}},
		{name: "phone number of an impossible length", rule: "phone_number_impossible", change: withValue("phone_number", "99999999"),
			want: []wantDiag{errAt("Invalid Phone Number", "phone_number")}},
		{name: "unknown phone number is skipped", change: withValue("phone_number", Unknown)},
		{name: "unknown country code skips the length check", change: withChanges(withValue("country_code", Unknown), withValue("phone_number", "99999999"))},

		// callback_data.
		{name: "callback data too long", rule: "callback_data_length", change: withValue("callback_data", long(513)),
			want: []wantDiag{errAt("Callback Data Too Long", "callback_data")}},
		{name: "callback data of 512 characters in 1024 bytes", change: withValue("callback_data", strings.Repeat("é", 512))},
		{name: "callback data of 513 characters", rule: "callback_data_length", change: withValue("callback_data", strings.Repeat("é", 513)),
			want: []wantDiag{errAt("Callback Data Too Long", "callback_data")}},

		// header_values and file_name.
		{name: "text header variable without value", rule: "header_values_count", change: withValue("header_values", []any{}), needsContract: true,
			want: []wantDiag{errAt("Wrong Number of Header Values", "header_values")}},
		{name: "text header value missing", rule: "header_values_count", change: withValue("header_values", nil), needsContract: true,
			want: []wantDiag{errAt("Wrong Number of Header Values", "header_values")}},
		{name: "two header values", rule: "header_values_count", change: withValue("header_values", []any{"A", "B"}), needsContract: true,
			want: []wantDiag{errAt("Wrong Number of Header Values", "header_values")}},
		{name: "header value without header", rule: "header_values_count", needsContract: true,
			change: setTemplate(func(t map[string]any) { t["header_format"], t["header_variables"] = "NONE", 0 }),
			want:   []wantDiag{errAt("Wrong Number of Header Values", "header_values")}},
		{name: "header value for a text header without variable", rule: "header_values_count", needsContract: true,
			change: setTemplate(func(t map[string]any) { t["header_variables"] = 0 }),
			want:   []wantDiag{errAt("Wrong Number of Header Values", "header_values")}},
		{name: "document header without URL", rule: "header_values_count", change: withMedia("DOCUMENT", nil), needsContract: true,
			want: []wantDiag{errAt("Wrong Number of Header Values", "header_values")}},
		{name: "image header with http URL", rule: "header_values_url", change: withMedia("IMAGE", []any{"http://cdn.example.com/a.png"}), needsContract: true,
			want: []wantDiag{errAt("Invalid Media URL", "header_values[0]")}},
		{name: "document header with a file name for URL", rule: "header_values_url", change: withMedia("DOCUMENT", []any{"invoice.pdf"}), needsContract: true,
			want: []wantDiag{errAt("Invalid Media URL", "header_values[0]")}},
		{name: "video header with https URL", change: withMedia("VIDEO", []any{"https://cdn.example.com/a.mp4"})},
		{name: "empty header value", rule: "value_empty", change: withValue("header_values", []any{""}),
			want: []wantDiag{errAt("Empty Value", "header_values[0]")}},
		{name: "header value with a line break", rule: "value_whitespace", change: withValue("header_values", []any{"A\nB"}),
			want: []wantDiag{warnAt("Value With Line Breaks or Long Spaces", "header_values[0]")}},
		{name: "file name with a text header", rule: "file_name_header", change: withValue("file_name", "invoice.pdf"), needsContract: true,
			want: []wantDiag{errAt("File Name Not Allowed", "file_name")}},
		{name: "file name with an image header", rule: "file_name_header", needsContract: true,
			change: withChanges(withMedia("IMAGE", []any{"https://cdn.example.com/a.png"}), withValue("file_name", "a.png")),
			want:   []wantDiag{errAt("File Name Not Allowed", "file_name")}},
		{name: "file name with a document header", change: withChanges(withMedia("DOCUMENT", []any{"https://cdn.example.com/a.pdf"}), withValue("file_name", "a.pdf"))},
		{name: "unknown header values are skipped", change: withValue("header_values", Unknown)},

		// body_values.
		{name: "one body value for two variables", rule: "body_values_count", change: withValue("body_values", []any{"There"}), needsContract: true,
			want: []wantDiag{errAt("Wrong Number of Body Values", "body_values")}},
		{name: "three body values for two variables", rule: "body_values_count", change: withValue("body_values", []any{"a", "b", "c"}), needsContract: true,
			want: []wantDiag{errAt("Wrong Number of Body Values", "body_values")}},
		{name: "no body values for two variables", rule: "body_values_count", change: withValue("body_values", nil), needsContract: true,
			want: []wantDiag{errAt("Wrong Number of Body Values", "body_values")}},
		{name: "empty body value", rule: "value_empty", change: withValue("body_values", []any{"There", ""}),
			want: []wantDiag{errAt("Empty Value", "body_values[1]")}},
		{name: "body value with five spaces", rule: "value_whitespace", change: withValue("body_values", []any{"There", "12     34"}),
			want: []wantDiag{warnAt("Value With Line Breaks or Long Spaces", "body_values[1]")}},
		{name: "body value with a tab", rule: "value_whitespace", change: withValue("body_values", []any{"The\tre", "1234"}),
			want: []wantDiag{warnAt("Value With Line Breaks or Long Spaces", "body_values[0]")}},
		{name: "unknown body value is skipped", change: withValue("body_values", []any{"There", Unknown})},
		{name: "unknown body variable count skips the count", change: withChanges(
			setTemplate(func(t map[string]any) { t["body_variables"] = Unknown }), withValue("body_values", []any{"There"}))},

		// button_values.
		{name: "button value key with leading zero", rule: "button_index_format", change: withValue("button_values", map[string]any{"00": []any{"1"}}),
			want: []wantDiag{errAt("Invalid Button Index", `button_values["00"]`), errAt("Missing Button Value", "button_values")}},
		{name: "button payload key not a number", rule: "button_index_format", change: withValue("button_payload", map[string]any{"a": []any{"p"}}),
			want: []wantDiag{errAt("Invalid Button Index", `button_payload["a"]`)}},
		{name: "button value for a missing button", rule: "button_index_no_button", needsContract: true,
			change: withValue("button_values", map[string]any{"0": []any{"1"}, "5": []any{"2"}}),
			want:   []wantDiag{errAt("No Such Button", `button_values["5"]`)}},
		{name: "button payload for a missing button", rule: "button_index_no_button", needsContract: true,
			change: withValue("button_payload", map[string]any{"7": []any{"p"}}),
			want:   []wantDiag{errAt("No Such Button", `button_payload["7"]`)}},
		{name: "button value for a quick reply", rule: "button_values_kind", needsContract: true,
			change: withValue("button_values", map[string]any{"0": []any{"1"}, "1": []any{"2"}}),
			want:   []wantDiag{errAt("Not a Dynamic URL Button", `button_values["1"]`)}},
		{name: "button value for a static URL button", rule: "button_values_kind", needsContract: true,
			change: setTemplate(func(t map[string]any) {
				t["buttons"] = contractButtons(contractButton(0, "URL", false), contractButton(1, "QUICK_REPLY", false))
			}),
			want: []wantDiag{errAt("Not a Dynamic URL Button", `button_values["0"]`)}},
		{name: "dynamic URL button without value", rule: "button_values_missing", change: withValue("button_values", nil), needsContract: true,
			want: []wantDiag{errAt("Missing Button Value", "button_values")}},
		{name: "two values for a URL button", rule: "button_values_count", change: withValue("button_values", map[string]any{"0": []any{"a", "b"}}),
			want: []wantDiag{errAt("Wrong Number of Button Values", `button_values["0"]`)}},
		{name: "no value for a URL button", rule: "button_values_count", change: withValue("button_values", map[string]any{"0": []any{}}),
			want: []wantDiag{errAt("Wrong Number of Button Values", `button_values["0"]`)}},
		{name: "empty button value", rule: "value_empty", change: withValue("button_values", map[string]any{"0": []any{""}}),
			want: []wantDiag{errAt("Empty Value", `button_values["0"][0]`)}},
		{name: "unknown button values are skipped", change: withValue("button_values", Unknown)},

		// button_payload.
		{name: "payload for a URL button", rule: "button_payload_kind", change: withValue("button_payload", map[string]any{"0": []any{"p"}}), needsContract: true,
			want: []wantDiag{errAt("Not a Quick Reply Button", `button_payload["0"]`)}},
		{name: "two payloads for a quick reply", rule: "button_payload_count", change: withValue("button_payload", map[string]any{"1": []any{"a", "b"}}),
			want: []wantDiag{errAt("Wrong Number of Button Payloads", `button_payload["1"]`)}},
		{name: "a fourth button payload", rule: "button_payload_buttons",
			change: withChanges(
				setTemplate(func(t map[string]any) {
					t["buttons"] = contractButtons(contractButton(0, "URL", true), contractButton(1, "QUICK_REPLY", false), contractButton(2, "QUICK_REPLY", false),
						contractButton(3, "QUICK_REPLY", false), contractButton(4, "QUICK_REPLY", false))
				}),
				withValue("button_payload", map[string]any{"1": []any{"a"}, "2": []any{"b"}, "3": []any{"c"}, "4": []any{"d"}})),
			want: []wantDiag{errAt("Too Many Button Payloads", "button_payload")}},
		{name: "payload too long", rule: "button_payload_length", change: withValue("button_payload", map[string]any{"1": []any{long(129)}}),
			want: []wantDiag{errAt("Button Payload Too Long", `button_payload["1"][0]`)}},
		{name: "payload of 128 characters", change: withValue("button_payload", map[string]any{"1": []any{long(128)}})},
		{name: "empty payload", rule: "value_empty", change: withValue("button_payload", map[string]any{"1": []any{""}}),
			want: []wantDiag{errAt("Empty Value", `button_payload["1"][0]`)}},

		// The hand-written contract.
		{name: "contract header format GIF", rule: "contract_header_format",
			change: setTemplate(func(t map[string]any) { t["header_format"], t["header_variables"] = "GIF", 0 }),
			want:   []wantDiag{errAt("Invalid Contract Header Format", "template.header_format")}},
		{name: "contract header with two variables", rule: "contract_header_variables",
			change: setTemplate(func(t map[string]any) { t["header_variables"] = 2 }),
			want:   []wantDiag{errAt("Invalid Contract Header Variables", "template.header_variables")}},
		{name: "contract image header with a variable", rule: "contract_header_variables",
			change: withChanges(withMedia("IMAGE", []any{"https://cdn.example.com/a.png"}),
				func(c map[string]any) {
					c["template"] = orderShippedTemplate(func(t map[string]any) {
						t["header_format"], t["header_variables"], t["body_variables"], t["buttons"] = "IMAGE", 1, 0, contractButtons()
					})
				}),
			want: []wantDiag{errAt("Invalid Contract Header Variables", "template.header_variables")}},
		{name: "contract negative body variables", rule: "contract_body_variables",
			change: setTemplate(func(t map[string]any) { t["body_variables"] = -1 }),
			want: []wantDiag{errAt("Invalid Contract Body Variables", "template.body_variables"),
				errAt("Wrong Number of Body Values", "body_values")}},
		{name: "contract button index out of range", rule: "contract_button_index",
			change: withChanges(setTemplate(func(t map[string]any) {
				t["buttons"] = contractButtons(contractButton(0, "URL", true), contractButton(12, "QUICK_REPLY", false))
			}),
				withValue("button_payload", nil)),
			want: []wantDiag{errAt("Invalid Contract Button Index", "template.buttons[1].index")}},
		{name: "contract button index used twice", rule: "contract_button_index",
			change: withChanges(setTemplate(func(t map[string]any) {
				t["buttons"] = contractButtons(contractButton(0, "URL", true), contractButton(0, "QUICK_REPLY", false))
			}),
				withValue("button_payload", nil)),
			want: []wantDiag{errAt("Invalid Contract Button Index", "template.buttons[1].index")}},
		{name: "contract button type", rule: "contract_button_type",
			change: withChanges(setTemplate(func(t map[string]any) {
				t["buttons"] = contractButtons(contractButton(0, "URL", true), contractButton(1, "LINK", false))
			}),
				withValue("button_payload", nil)),
			want: []wantDiag{errAt("Invalid Contract Button Type", "template.buttons[1].type")}},
		{name: "contract dynamic quick reply", rule: "contract_button_dynamic",
			change: setTemplate(func(t map[string]any) {
				t["buttons"] = contractButtons(contractButton(0, "URL", true), contractButton(1, "QUICK_REPLY", true))
			}),
			want: []wantDiag{errAt("Invalid Contract Button", "template.buttons[1].dynamic"),
				errAt("Missing Button Value", "button_values")}},
		{name: "contract template name", rule: "template_name",
			change: setTemplate(func(t map[string]any) { t["name"] = "Order Shipped" }),
			want:   []wantDiag{errAt("Invalid Template Name", "template.name")}},
		{name: "contract language code", rule: "language_code",
			change: setTemplate(func(t map[string]any) { t["language_code"] = "english" }),
			want:   []wantDiag{errAt("Invalid Language Code", "template.language_code")}},
		{name: "contract language not listed by Meta", rule: "language_code_unlisted",
			change: setTemplate(func(t map[string]any) { t["language_code"] = "xx" }),
			want:   []wantDiag{warnAt("Unlisted Template Language", "template.language_code")}},
		{name: "contract of name and language only skips the contract rules",
			change: withChanges(withValue("template", map[string]any{"name": "order_shipped", "language_code": "en"}),
				withValue("body_values", []any{"a"}), withValue("header_values", nil), withValue("file_name", "x.pdf"),
				withValue("button_values", map[string]any{"9": []any{"v"}}))},
		{name: "unknown contract skips the contract rules", change: withChanges(withValue("template", Unknown), withValue("body_values", []any{"a"}))},

		// Several problems at once are all reported.
		{name: "every problem at once", rule: "",
			change: withChanges(withValue("phone_number", "09999999999"), withValue("callback_data", long(600)), withValue("body_values", []any{"", "1234", "x"}),
				withValue("button_payload", map[string]any{"1": []any{long(200)}})),
			want: []wantDiag{
				errAt("Invalid Phone Number", "phone_number"), errAt("Callback Data Too Long", "callback_data"),
				errAt("Wrong Number of Body Values", "body_values"), errAt("Empty Value", "body_values[0]"),
				errAt("Button Payload Too Long", `button_payload["1"][0]`),
			}},
	}
}

// declarationRules are the rules of an interakt_template declaration,
// which message inputs cannot break.
var declarationRules = []string{
	"body_length", "body_required", "body_variable_at_edge", "body_variable_order", "button_field_not_allowed",
	"button_phone_required", "button_text_length", "button_text_required", "button_type", "button_url_format",
	"button_url_length", "button_url_required", "button_url_variables", "buttons_copy_code_count", "buttons_count",
	"buttons_grouping", "buttons_phone_count", "buttons_url_count", "category", "footer_length", "footer_variables",
	"header_format", "header_text_length", "header_text_not_allowed", "header_text_required", "header_text_variables",
	"variable_syntax", "body_examples_count", "example_empty", "header_example_required", "button_example_required",
	"submit_language", "submit_media_header", "submitted_content_change",
}

func TestMessageValidationTable_coversEveryMessageRule(t *testing.T) {
	t.Parallel()
	covered := map[string]bool{}
	summaries := map[string]string{}
	for _, r := range contract.Rules() {
		summaries[r.ID] = r.Summary
	}
	for _, tc := range badMessageCases() {
		if tc.rule == "" {
			continue
		}
		summary, ok := summaries[tc.rule]
		if !ok {
			t.Errorf("%s: no rule %q", tc.name, tc.rule)
			continue
		}
		if !slices.ContainsFunc(tc.want, func(w wantDiag) bool { return w.summary == summary }) {
			t.Errorf("%s: no diagnostic has rule %s's summary %q", tc.name, tc.rule, summary)
		}
		covered[tc.rule] = true
	}
	for _, r := range contract.Rules() {
		if !covered[r.ID] && !slices.Contains(declarationRules, r.ID) {
			t.Errorf("rule %s (%s) has no case in the message validation table", r.ID, r.Summary)
		}
	}
	if n := len(badMessageCases()); n < 50 {
		t.Errorf("%d cases; want at least 50", n)
	}
}

// TestMessageValidationTable runs every case through validate and plan of
// interakt_template_message and of the interakt_send_template action,
// with no API key and no network.
func TestMessageValidationTable(t *testing.T) {
	t.Parallel()
	p := newProtocolServer(t, testSeams())
	if d := p.validate(messageType, validMessage()); len(d) != 0 {
		t.Fatalf("the base configuration is not valid:\n%s", diagString(d))
	}
	for _, tc := range badMessageCases() {
		t.Run(tc.name, func(t *testing.T) {
			config := validMessage()
			tc.change(config)
			wantErrors := slices.DeleteFunc(slices.Clone(tc.want), func(w wantDiag) bool {
				return w.severity != tfprotov6.DiagnosticSeverityError
			})

			expectDiags(t, "resource validate", p.validate(messageType, config), tc.want)
			expectDiags(t, "resource plan", p.planCreate(messageType, config).Diagnostics, wantErrors)
			expectDiags(t, "action validate", p.validateAction(sendTemplateType, config), tc.want)
			expectDiags(t, "action plan", p.planAction(config), wantErrors)

			if tc.needsContract {
				config["template"] = Unknown
				expectDiags(t, "resource validate with an unknown template", p.validate(messageType, config), nil)
				expectDiags(t, "action validate with an unknown template", p.validateAction(sendTemplateType, config), nil)
			}
		})
	}
}

// expectDiags checks that got is exactly want: severity, summary and path,
// in any order, and that every diagnostic has a detail.
func expectDiags(t *testing.T, what string, got []*tfprotov6.Diagnostic, want []wantDiag) {
	t.Helper()
	render := func(w wantDiag) string {
		return severityName(w.severity) + " " + w.summary + " at " + w.path
	}
	gotLines := make([]string, 0, len(got))
	for _, d := range got {
		gotLines = append(gotLines, render(wantDiag{d.Severity, d.Summary, attrPathString(d.Attribute)}))
		if d.Detail == "" {
			t.Errorf("%s: %q has no detail", what, d.Summary)
		}
	}
	wantLines := make([]string, 0, len(want))
	for _, w := range want {
		wantLines = append(wantLines, render(w))
	}
	slices.Sort(gotLines)
	slices.Sort(wantLines)
	if !slices.Equal(gotLines, wantLines) {
		t.Errorf("%s:\n got %q\nwant %q\n%s", what, gotLines, wantLines, diagString(got))
	}
}
