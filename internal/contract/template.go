package contract

import (
	"strings"
	"unicode/utf8"
)

// Template categories.
const (
	CategoryMarketing      = "MARKETING"
	CategoryUtility        = "UTILITY"
	CategoryAuthentication = "AUTHENTICATION"
)

// Header formats. HeaderNone appears only in contracts: it says the
// template has no header.
const (
	HeaderNone     = "NONE"
	HeaderText     = "TEXT"
	HeaderImage    = "IMAGE"
	HeaderVideo    = "VIDEO"
	HeaderDocument = "DOCUMENT"
)

// Button types.
const (
	ButtonQuickReply  = "QUICK_REPLY"
	ButtonURL         = "URL"
	ButtonPhoneNumber = "PHONE_NUMBER"
	ButtonCopyCode    = "COPY_CODE"
)

// Limits of WhatsApp templates.
const (
	MaxTemplateNameLength = 512
	MaxButtons            = 10
	maxHeaderTextLength   = 60
	maxBodyLength         = 1024
	maxFooterLength       = 60
	maxButtonTextLength   = 25
	maxButtonURLLength    = 2000
	maxURLButtons         = 2
	maxPhoneButtons       = 1
	maxCopyCodeButtons    = 1
)

// TemplateDecl is an interakt_template declaration. Every field may be
// unknown at plan time; an unknown field skips the rules that need it.
type TemplateDecl struct {
	Name         Str
	LanguageCode Str
	Category     Str
	// Header is nil when the template has no header.
	Header *HeaderDecl
	Body   Str
	Footer Str
	// Buttons lists the buttons in order; a null list is an empty one.
	Buttons []ButtonDecl
	// ButtonsUnknown says the whole buttons list is unknown.
	ButtonsUnknown bool

	// BodyExamples are the body's example values for a submission; nil
	// when not given. They are not content: the fingerprint and the
	// contract ignore them, as they ignore the header's example.
	BodyExamples        []Str
	BodyExamplesUnknown bool
}

// HeaderDecl is a template's header.
type HeaderDecl struct {
	Format Str
	Text   Str
	// Example is the value of the header's variable for a submission.
	Example Str
	// Unknown says the whole header object is unknown.
	Unknown bool
}

// ButtonDecl is one button of a template.
type ButtonDecl struct {
	Type        Str
	Text        Str
	URL         Str
	PhoneNumber Str
	Example     Str
	// Unknown says the whole button object is unknown.
	Unknown bool
}

// HasUnknown reports whether any part of d is unknown, in which case its
// contract and fingerprint are not known yet either.
func (d TemplateDecl) HasUnknown() bool {
	if d.Name.Unknown || d.LanguageCode.Unknown || d.Category.Unknown || d.Body.Unknown || d.Footer.Unknown || d.ButtonsUnknown {
		return true
	}
	if h := d.Header; h != nil && (h.Unknown || h.Format.Unknown || h.Text.Unknown) {
		return true
	}
	for _, b := range d.Buttons {
		if b.Unknown || b.Type.Unknown || b.Text.Unknown || b.URL.Unknown || b.PhoneNumber.Unknown || b.Example.Unknown {
			return true
		}
	}
	return false
}

var (
	ruleTemplateName = newRule("template_name", Error, "Invalid Template Name",
		"A template's code name is 1 to 512 characters of lowercase letters, digits and underscores.")
	ruleLanguageCode = newRule("language_code", Error, "Invalid Language Code",
		"A language code is 2 or 3 lowercase letters, optionally followed by _ and a region of 2 uppercase letters (en, en_US, pt_BR).")
	ruleLanguageUnlisted = newRule("language_code_unlisted", Warning, "Unlisted Template Language",
		"The language of a language code is one Meta lists for WhatsApp templates.")
	ruleCategory = newRule("category", Error, "Invalid Template Category",
		"A template's category is MARKETING, UTILITY or AUTHENTICATION.")
	ruleBodyRequired = newRule("body_required", Error, "Missing Template Body",
		"Every template has a body text.")
	ruleBodyVariableOrder = newRule("body_variable_order", Error, "Invalid Variable Numbering",
		"Body variables are numbered from {{1}} in the order they first appear, with no gaps; a variable may repeat.")
	ruleBodyLength = newRule("body_length", Warning, "Template Body Too Long",
		"Meta limits a template body to 1024 characters.")
	ruleBodyVariableAtEdge = newRule("body_variable_at_edge", Warning, "Variable at the Edge of the Body",
		"Meta does not accept a template body that starts or ends with a variable.")
	ruleFooterVariables = newRule("footer_variables", Error, "Variable in Footer",
		"A template footer has no variables.")
	ruleFooterLength = newRule("footer_length", Warning, "Template Footer Too Long",
		"Meta limits a template footer to 60 characters.")
)

// ValidateTemplate checks a template declaration against WhatsApp's
// template rules. Errors mean no correct send can be built from it;
// warnings name authoring rules Meta applies to new templates.
func ValidateTemplate(d TemplateDecl) []Problem {
	var ps []Problem
	ps = checkTemplateName(ps, Root("name"), d.Name)
	ps = checkLanguageCode(ps, Root("language_code"), d.LanguageCode)
	if d.Category.Known() {
		switch d.Category.Value {
		case CategoryMarketing, CategoryUtility, CategoryAuthentication:
		default:
			ps = append(ps, ruleCategory.atf(Root("category"),
				"The category is %q; use MARKETING, UTILITY or AUTHENTICATION, as the template was approved.", d.Category.Value))
		}
	} else if d.Category.Null {
		ps = append(ps, ruleCategory.at(Root("category"), "The category is not set; use MARKETING, UTILITY or AUTHENTICATION, as the template was approved."))
	}
	if d.Header != nil {
		ps = checkHeader(ps, *d.Header)
	}
	ps = checkBody(ps, d.Body)
	ps = checkFooter(ps, d.Footer)
	if !d.ButtonsUnknown {
		ps = checkButtons(ps, d.Buttons)
	}
	return ps
}

func checkTemplateName(ps []Problem, p Path, name Str) []Problem {
	if name.Unknown {
		return ps
	}
	if name.Missing() {
		return append(ps, ruleTemplateName.at(p, "The template name is empty. Use the template's code name as Interakt shows it: lowercase letters, digits and underscores."))
	}
	if n := utf8.RuneCountInString(name.Value); n > MaxTemplateNameLength {
		return append(ps, ruleTemplateName.atf(p, "The template name has %d characters; a code name has at most %d.", n, MaxTemplateNameLength))
	}
	for i := 0; i < len(name.Value); i++ {
		c := name.Value[i]
		if (c < 'a' || c > 'z') && !isDigit(c) && c != '_' {
			return append(ps, ruleTemplateName.atf(p,
				"The template name %q has characters other than lowercase letters, digits and underscores. Use the template's code name as Interakt shows it (the part of its URL between template/ and /view).",
				name.Value))
		}
	}
	return ps
}

func checkLanguageCode(ps []Problem, p Path, code Str) []Problem {
	if code.Unknown {
		return ps
	}
	base, ok := splitLanguageCode(code.Value)
	switch {
	case code.Missing():
		return append(ps, ruleLanguageCode.at(p, "The language code is empty. Use the code the template was created with, such as en, en_US or pt_BR."))
	case !ok:
		return append(ps, ruleLanguageCode.atf(p,
			"The language code %q is not of the form en, fil, en_US or pt_BR: 2 or 3 lowercase letters, then optionally _ and 2 uppercase letters. Use the code the template was created with.",
			code.Value))
	case !metaLanguages[base]:
		return append(ps, ruleLanguageUnlisted.atf(p,
			"The language %q is not among the languages Meta lists for WhatsApp templates; check the code the template was created with.", base))
	}
	return ps
}

var (
	ruleHeaderFormat = newRule("header_format", Error, "Invalid Header Format",
		"A header's format is TEXT, IMAGE, VIDEO or DOCUMENT.")
	ruleHeaderTextRequired = newRule("header_text_required", Error, "Missing Header Text",
		"A TEXT header has a text.")
	ruleHeaderTextVariables = newRule("header_text_variables", Error, "Invalid Header Variable",
		"A header text has at most one variable, and it is {{1}}.")
	ruleHeaderTextNotAllowed = newRule("header_text_not_allowed", Error, "Header Text Not Allowed",
		"A media header (IMAGE, VIDEO, DOCUMENT) has no text; its media URL is given with each message.")
	ruleHeaderTextLength = newRule("header_text_length", Warning, "Header Text Too Long",
		"Meta limits a header text to 60 characters.")
)

func checkHeader(ps []Problem, h HeaderDecl) []Problem {
	if h.Unknown {
		return ps
	}
	fp, tp := Root("header").Name("format"), Root("header").Name("text")
	if h.Format.Unknown {
		return ps
	}
	switch h.Format.Value {
	case HeaderText:
		if h.Text.Unknown {
			return ps
		}
		if h.Text.Missing() {
			return append(ps, ruleHeaderTextRequired.at(tp, "A TEXT header needs a text; set header.text, or use a media format (IMAGE, VIDEO, DOCUMENT) or no header."))
		}
		ps = append(ps, CheckVariableSyntax(tp, h.Text.Value)...)
		if vars := Variables(h.Text.Value); len(vars) > 1 || len(vars) == 1 && vars[0] != 1 {
			ps = append(ps, ruleHeaderTextVariables.atf(tp,
				"The header text %q uses the variables %v; a header text has at most one variable, written {{1}}.", h.Text.Value, vars))
		}
		if n := utf8.RuneCountInString(h.Text.Value); n > maxHeaderTextLength {
			ps = append(ps, ruleHeaderTextLength.atf(tp,
				"The header text has %d characters; Meta accepts at most %d for new templates. An approved template may be older than this rule.", n, maxHeaderTextLength))
		}
	case HeaderImage, HeaderVideo, HeaderDocument:
		if h.Text.Given() {
			ps = append(ps, ruleHeaderTextNotAllowed.atf(tp,
				"A %s header has no text: remove header.text. Each message gives the media URL as its one header_values entry.", h.Format.Value))
		}
	case "":
		ps = append(ps, ruleHeaderFormat.at(fp, "The header format is not set; use TEXT, IMAGE, VIDEO or DOCUMENT, or remove the header."))
	default:
		ps = append(ps, ruleHeaderFormat.atf(fp,
			"The header format is %q; use TEXT, IMAGE, VIDEO or DOCUMENT, or remove the header. Interakt's send API cannot carry other header kinds.", h.Format.Value))
	}
	return ps
}

func checkBody(ps []Problem, body Str) []Problem {
	p := Root("body")
	if body.Unknown {
		return ps
	}
	if body.Missing() {
		return append(ps, ruleBodyRequired.at(p, "The body is empty; set it to the template's body text, with its {{1}}, {{2}}, ... variables."))
	}
	text := body.Value
	ps = append(ps, CheckVariableSyntax(p, text)...)
	st := statsOf(text)
	if st.outOfTurn != 0 {
		ps = append(ps, ruleBodyVariableOrder.atf(p,
			"{{%d}} appears where {{%d}} was expected. Number body variables from {{1}} in the order they first appear, with no gaps; a variable may repeat.",
			st.outOfTurn, st.expected))
	}
	if n := utf8.RuneCountInString(text); n > maxBodyLength {
		ps = append(ps, ruleBodyLength.atf(p,
			"The body has %d characters; Meta accepts at most %d for new templates. An approved template may be older than this rule.", n, maxBodyLength))
	}
	if st.first != 0 {
		const space = " \t\r\n"
		lead := len(text) - len(strings.TrimLeft(text, space))
		end := len(strings.TrimRight(text, space))
		switch {
		case st.firstAt == lead:
			ps = append(ps, ruleBodyVariableAtEdge.atf(p,
				"The body starts with {{%d}}; Meta does not accept new templates whose body starts or ends with a variable. An approved template may be older than this rule.", st.first))
		case st.last == end:
			ps = append(ps, ruleBodyVariableAtEdge.at(p,
				"The body ends with a variable; Meta does not accept new templates whose body starts or ends with a variable. An approved template may be older than this rule."))
		}
	}
	return ps
}

func checkFooter(ps []Problem, footer Str) []Problem {
	if !footer.Given() {
		return ps
	}
	p := Root("footer")
	ps = append(ps, CheckVariableSyntax(p, footer.Value)...)
	if st := statsOf(footer.Value); st.first != 0 {
		ps = append(ps, ruleFooterVariables.atf(p, "The footer %q has the variable {{%d}}; a footer is fixed text. Move the variable to the body.", footer.Value, st.first))
	}
	if n := utf8.RuneCountInString(footer.Value); n > maxFooterLength {
		ps = append(ps, ruleFooterLength.atf(p,
			"The footer has %d characters; Meta accepts at most %d for new templates. An approved template may be older than this rule.", n, maxFooterLength))
	}
	return ps
}
