package contract

import (
	"strings"
	"testing"
)

// orderShipped is the template of DESIGN's example.
func orderShipped() TemplateDecl {
	return TemplateDecl{
		Name:         StrOf("order_shipped"),
		LanguageCode: StrOf("en"),
		Category:     StrOf("UTILITY"),
		Header:       &HeaderDecl{Format: StrOf("TEXT"), Text: StrOf("Order {{1}}")},
		Body:         StrOf("Hi {{1}}, your order {{2}} has shipped."),
		Footer:       StrOf("Reply STOP to opt out"),
		Buttons: []ButtonDecl{
			{Type: StrOf("URL"), Text: StrOf("Track"), URL: StrOf("https://shop.example.com/track/{{1}}")},
			{Type: StrOf("QUICK_REPLY"), Text: StrOf("Stop updates")},
		},
	}
}

func quickReply(text string) ButtonDecl {
	return ButtonDecl{Type: StrOf("QUICK_REPLY"), Text: StrOf(text)}
}

func urlButton(text string) ButtonDecl {
	return ButtonDecl{Type: StrOf("URL"), Text: StrOf(text), URL: StrOf("https://e.com")}
}

func phoneButton(text, phone string) ButtonDecl {
	return ButtonDecl{Type: StrOf("PHONE_NUMBER"), Text: StrOf(text), PhoneNumber: StrOf(phone)}
}

func TestValidateTemplateAcceptsDesignExample(t *testing.T) {
	assertProblems(t, ValidateTemplate(orderShipped()))
}

func TestValidateTemplate(t *testing.T) {
	var (
		name   = Root("name")
		lang   = Root("language_code")
		cat    = Root("category")
		hf     = Root("header").Name("format")
		ht     = Root("header").Name("text")
		body   = Root("body")
		footer = Root("footer")
		btn    = func(i int) Path { return Root("buttons").Index(i) }
	)
	tests := []struct {
		name   string
		change func(d *TemplateDecl)
		want   []expect
	}{
		{"name empty", func(d *TemplateDecl) { d.Name = StrOf("") }, []expect{want("template_name", name)}},
		{"name null", func(d *TemplateDecl) { d.Name = NullStr() }, []expect{want("template_name", name)}},
		{"name uppercase and dash", func(d *TemplateDecl) { d.Name = StrOf("Order-Shipped") }, []expect{want("template_name", name)}},
		{"name space", func(d *TemplateDecl) { d.Name = StrOf("order shipped") }, []expect{want("template_name", name)}},
		{"name 512 characters", func(d *TemplateDecl) { d.Name = StrOf(strings.Repeat("a", 512)) }, nil},
		{"name 513 characters", func(d *TemplateDecl) { d.Name = StrOf(strings.Repeat("a", 513)) }, []expect{want("template_name", name)}},
		{"language uppercase", func(d *TemplateDecl) { d.LanguageCode = StrOf("EN") }, []expect{want("language_code", lang)}},
		{"language dash", func(d *TemplateDecl) { d.LanguageCode = StrOf("en-US") }, []expect{want("language_code", lang)}},
		{"language lowercase region", func(d *TemplateDecl) { d.LanguageCode = StrOf("en_us") }, []expect{want("language_code", lang)}},
		{"language four letters", func(d *TemplateDecl) { d.LanguageCode = StrOf("engl") }, []expect{want("language_code", lang)}},
		{"language empty", func(d *TemplateDecl) { d.LanguageCode = StrOf("") }, []expect{want("language_code", lang)}},
		{"language with region", func(d *TemplateDecl) { d.LanguageCode = StrOf("pt_BR") }, nil},
		{"language three letters", func(d *TemplateDecl) { d.LanguageCode = StrOf("fil") }, nil},
		{"language numeric region", func(d *TemplateDecl) { d.LanguageCode = StrOf("es_419") }, nil},
		{"language not listed by Meta", func(d *TemplateDecl) { d.LanguageCode = StrOf("xx_US") }, []expect{want("language_code_unlisted", lang)}},
		{"category lowercase", func(d *TemplateDecl) { d.Category = StrOf("utility") }, []expect{want("category", cat)}},
		{"category null", func(d *TemplateDecl) { d.Category = NullStr() }, []expect{want("category", cat)}},
		{"category authentication", func(d *TemplateDecl) { d.Category = StrOf("AUTHENTICATION") }, nil},
		{"no header", func(d *TemplateDecl) { d.Header = nil }, nil},
		{"header format GIF", func(d *TemplateDecl) { d.Header.Format = StrOf("GIF") }, []expect{want("header_format", hf)}},
		{"header format null", func(d *TemplateDecl) { d.Header.Format = NullStr() }, []expect{want("header_format", hf)}},
		{"text header without text", func(d *TemplateDecl) { d.Header.Text = NullStr() }, []expect{want("header_text_required", ht)}},
		{"text header with empty text", func(d *TemplateDecl) { d.Header.Text = StrOf("") }, []expect{want("header_text_required", ht)}},
		{"text header without variable", func(d *TemplateDecl) { d.Header.Text = StrOf("Your order") }, nil},
		{"text header with two variables", func(d *TemplateDecl) { d.Header.Text = StrOf("{{1}} and {{2}}") }, []expect{want("header_text_variables", ht)}},
		{"text header with variable 2", func(d *TemplateDecl) { d.Header.Text = StrOf("Order {{2}}") }, []expect{want("header_text_variables", ht)}},
		{"text header with malformed variable", func(d *TemplateDecl) { d.Header.Text = StrOf("Order {{one}}") }, []expect{want("variable_syntax", ht)}},
		{"text header 60 characters", func(d *TemplateDecl) { d.Header.Text = StrOf(strings.Repeat("é", 60)) }, nil},
		{"text header 61 characters", func(d *TemplateDecl) { d.Header.Text = StrOf(strings.Repeat("é", 61)) }, []expect{want("header_text_length", ht)}},
		{"image header", func(d *TemplateDecl) { d.Header = &HeaderDecl{Format: StrOf("IMAGE")} }, nil},
		{"document header with text", func(d *TemplateDecl) { d.Header.Format = StrOf("DOCUMENT") }, []expect{want("header_text_not_allowed", ht)}},
		{"body null", func(d *TemplateDecl) { d.Body = NullStr() }, []expect{want("body_required", body)}},
		{"body empty", func(d *TemplateDecl) { d.Body = StrOf("") }, []expect{want("body_required", body)}},
		{"body without variables", func(d *TemplateDecl) { d.Body = StrOf("Your order has shipped.") }, nil},
		{"body repeats a variable", func(d *TemplateDecl) { d.Body = StrOf("Hi {{1}}, {{2}} is yours, {{1}}.") }, nil},
		{"body starts at 2", func(d *TemplateDecl) { d.Body = StrOf("Hi {{2}}, and {{1}}.") }, []expect{want("body_variable_order", body)}},
		{"body with a gap", func(d *TemplateDecl) { d.Body = StrOf("Hi {{1}}, order {{3}}.") }, []expect{want("body_variable_order", body)}},
		{"body malformed spaces", func(d *TemplateDecl) { d.Body = StrOf("Hi {{ 1 }}, hello.") }, []expect{want("variable_syntax", body)}},
		{"body malformed zero", func(d *TemplateDecl) { d.Body = StrOf("Hi {{0}}, hello.") }, []expect{want("variable_syntax", body)}},
		{"body 1024 characters", func(d *TemplateDecl) { d.Body = StrOf(strings.Repeat("ü", 1024)) }, nil},
		{"body 1025 characters", func(d *TemplateDecl) { d.Body = StrOf(strings.Repeat("ü", 1025)) }, []expect{want("body_length", body)}},
		{"body starts with variable", func(d *TemplateDecl) { d.Body = StrOf("{{1}}, your order has shipped.") }, []expect{want("body_variable_at_edge", body)}},
		{"body starts with variable after space", func(d *TemplateDecl) { d.Body = StrOf("\n {{1}}, your order has shipped.") }, []expect{want("body_variable_at_edge", body)}},
		{"body ends with variable", func(d *TemplateDecl) { d.Body = StrOf("Your order is {{1}}\n") }, []expect{want("body_variable_at_edge", body)}},
		{"body ends with punctuation", func(d *TemplateDecl) { d.Body = StrOf("Your order is {{1}}.") }, nil},
		{"footer with variable", func(d *TemplateDecl) { d.Footer = StrOf("Ref {{1}}") }, []expect{want("footer_variables", footer)}},
		{"footer 61 characters", func(d *TemplateDecl) { d.Footer = StrOf(strings.Repeat("x", 61)) }, []expect{want("footer_length", footer)}},
		{"footer null", func(d *TemplateDecl) { d.Footer = NullStr() }, nil},
		{"ten buttons", func(d *TemplateDecl) { d.Buttons = repeatButton(quickReply("Yes"), 10) }, nil},
		{"eleven buttons", func(d *TemplateDecl) { d.Buttons = repeatButton(quickReply("Yes"), 11) }, []expect{want("buttons_count", btn(10))}},
		{"button type unknown name", func(d *TemplateDecl) { d.Buttons[1].Type = StrOf("CALL") }, []expect{want("button_type", btn(1).Name("type"))}},
		{"button type null", func(d *TemplateDecl) { d.Buttons[1].Type = NullStr() }, []expect{want("button_type", btn(1).Name("type"))}},
		{"quick reply without text", func(d *TemplateDecl) { d.Buttons[1].Text = NullStr() }, []expect{want("button_text_required", btn(1).Name("text"))}},
		{"url button with empty text", func(d *TemplateDecl) { d.Buttons[0].Text = StrOf("") }, []expect{want("button_text_required", btn(0).Name("text"))}},
		{"phone button without text", func(d *TemplateDecl) { d.Buttons[1] = phoneButton("", "+919999999999") }, []expect{want("button_text_required", btn(1).Name("text"))}},
		{"copy code without text", func(d *TemplateDecl) { d.Buttons[1] = ButtonDecl{Type: StrOf("COPY_CODE"), Example: StrOf("SAVE10")} }, nil},
		{"button text 26 characters", func(d *TemplateDecl) { d.Buttons[1].Text = StrOf(strings.Repeat("b", 26)) }, []expect{want("button_text_length", btn(1).Name("text"))}},
		{"url button without url", func(d *TemplateDecl) { d.Buttons[0].URL = NullStr() }, []expect{want("button_url_required", btn(0).Name("url"))}},
		{"url button static", func(d *TemplateDecl) { d.Buttons[0].URL = StrOf("https://shop.example.com/track") }, nil},
		{"url button http", func(d *TemplateDecl) { d.Buttons[0].URL = StrOf("http://shop.example.com/t?id={{1}}") }, nil},
		{"url button ftp", func(d *TemplateDecl) { d.Buttons[0].URL = StrOf("ftp://shop.example.com/{{1}}") }, []expect{want("button_url_format", btn(0).Name("url"))}},
		{"url button without scheme", func(d *TemplateDecl) { d.Buttons[0].URL = StrOf("shop.example.com/{{1}}") }, []expect{want("button_url_format", btn(0).Name("url"))}},
		{"url button variable host", func(d *TemplateDecl) { d.Buttons[0].URL = StrOf("https://{{1}}") }, []expect{want("button_url_format", btn(0).Name("url"))}},
		{"url button variable inside", func(d *TemplateDecl) { d.Buttons[0].URL = StrOf("https://shop.example.com/{{1}}/track") }, []expect{want("button_url_variables", btn(0).Name("url"))}},
		{"url button two variables", func(d *TemplateDecl) { d.Buttons[0].URL = StrOf("https://shop.example.com/{{1}}/{{1}}") }, []expect{want("button_url_variables", btn(0).Name("url"))}},
		{"url button variable 2", func(d *TemplateDecl) { d.Buttons[0].URL = StrOf("https://shop.example.com/{{2}}") }, []expect{want("button_url_variables", btn(0).Name("url"))}},
		{"url button malformed variable", func(d *TemplateDecl) { d.Buttons[0].URL = StrOf("https://shop.example.com/{{id}}") }, []expect{want("variable_syntax", btn(0).Name("url"))}},
		{"url 2001 characters", func(d *TemplateDecl) { d.Buttons[0].URL = StrOf("https://e.com/" + strings.Repeat("a", 1987)) }, []expect{want("button_url_length", btn(0).Name("url"))}},
		{"url 2000 characters", func(d *TemplateDecl) { d.Buttons[0].URL = StrOf("https://e.com/" + strings.Repeat("a", 1986)) }, nil},
		{"phone button without number", func(d *TemplateDecl) { d.Buttons[1] = phoneButton("Call us", "") }, []expect{want("button_phone_required", btn(1).Name("phone_number"))}},
		{"quick reply with url", func(d *TemplateDecl) { d.Buttons[1].URL = StrOf("https://e.com") }, []expect{want("button_field_not_allowed", btn(1).Name("url"))}},
		{"url button with phone number", func(d *TemplateDecl) { d.Buttons[0].PhoneNumber = StrOf("+919999999999") }, []expect{want("button_field_not_allowed", btn(0).Name("phone_number"))}},
		{"quick replies first", func(d *TemplateDecl) {
			d.Buttons = []ButtonDecl{quickReply("A"), quickReply("B"), urlButton("C")}
		}, nil},
		{"quick replies split", func(d *TemplateDecl) {
			d.Buttons = []ButtonDecl{quickReply("A"), urlButton("B"), quickReply("C")}
		}, []expect{want("buttons_grouping", btn(2))}},
		{"call to action split", func(d *TemplateDecl) {
			d.Buttons = []ButtonDecl{urlButton("A"), quickReply("B"), phoneButton("C", "+919999999999")}
		}, []expect{want("buttons_grouping", btn(2))}},
		{"three url buttons", func(d *TemplateDecl) {
			d.Buttons = []ButtonDecl{urlButton("A"), urlButton("B"), urlButton("C")}
		}, []expect{want("buttons_url_count", btn(2))}},
		{"two phone buttons", func(d *TemplateDecl) {
			d.Buttons = []ButtonDecl{phoneButton("A", "+919999999999"), phoneButton("B", "+919999999998")}
		}, []expect{want("buttons_phone_count", btn(1))}},
		{"two copy code buttons", func(d *TemplateDecl) {
			d.Buttons = []ButtonDecl{{Type: StrOf("COPY_CODE")}, {Type: StrOf("COPY_CODE")}}
		}, []expect{want("buttons_copy_code_count", btn(1))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := orderShipped()
			tt.change(&d)
			assertProblems(t, ValidateTemplate(d), tt.want...)
		})
	}
}

func repeatButton(b ButtonDecl, n int) []ButtonDecl {
	out := make([]ButtonDecl, n)
	for i := range out {
		out[i] = b
	}
	return out
}

// TestValidateTemplateUnknownSkips gives invalid neighbours to unknown
// values and checks that the unknown parts raise nothing.
func TestValidateTemplateUnknownSkips(t *testing.T) {
	tests := []struct {
		name   string
		change func(d *TemplateDecl)
	}{
		{"name", func(d *TemplateDecl) { d.Name = UnknownStr() }},
		{"language", func(d *TemplateDecl) { d.LanguageCode = UnknownStr() }},
		{"category", func(d *TemplateDecl) { d.Category = UnknownStr() }},
		{"header object", func(d *TemplateDecl) { d.Header = &HeaderDecl{Unknown: true} }},
		{"header format with media text", func(d *TemplateDecl) { d.Header.Format = UnknownStr() }},
		{"header text", func(d *TemplateDecl) { d.Header.Text = UnknownStr() }},
		{"media header text", func(d *TemplateDecl) { d.Header = &HeaderDecl{Format: StrOf("IMAGE"), Text: UnknownStr()} }},
		{"body", func(d *TemplateDecl) { d.Body = UnknownStr() }},
		{"footer", func(d *TemplateDecl) { d.Footer = UnknownStr() }},
		{"buttons list with too many", func(d *TemplateDecl) {
			d.Buttons, d.ButtonsUnknown = repeatButton(ButtonDecl{}, 20), true
		}},
		{"button object", func(d *TemplateDecl) { d.Buttons[0] = ButtonDecl{Unknown: true} }},
		{"button type with url on it", func(d *TemplateDecl) { d.Buttons[1].Type = UnknownStr(); d.Buttons[1].URL = StrOf("https://e.com") }},
		{"button type between quick replies", func(d *TemplateDecl) {
			d.Buttons = []ButtonDecl{quickReply("A"), {Type: UnknownStr()}, quickReply("C")}
		}},
		{"button text", func(d *TemplateDecl) { d.Buttons[1].Text = UnknownStr() }},
		{"button url", func(d *TemplateDecl) { d.Buttons[0].URL = UnknownStr() }},
		{"button phone number", func(d *TemplateDecl) {
			d.Buttons[1] = ButtonDecl{Type: StrOf("PHONE_NUMBER"), Text: StrOf("Call"), PhoneNumber: UnknownStr()}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := orderShipped()
			d.Header.Format = StrOf("IMAGE") // with its text, an error unless format is unknown
			d.Header.Text = StrOf("Order {{1}}")
			tt.change(&d)
			if d.Header != nil && d.Header.Format.Value == "IMAGE" && d.Header.Text.Known() {
				d.Header.Format = StrOf("TEXT")
			}
			assertProblems(t, ValidateTemplate(d))
		})
	}
}
