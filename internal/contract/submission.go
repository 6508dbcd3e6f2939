package contract

import (
	"sort"
	"strings"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

var (
	ruleBodyExamplesCount = newRule("body_examples_count", Error, "Body Examples Do Not Match the Variables",
		"body_examples gives one example per body variable, in order; a submission needs them.")
	ruleExampleEmpty = newRule("example_empty", Error, "Empty Template Example",
		"An example shows Meta's reviewers a real value, so it is never empty.")
	ruleHeaderExampleRequired = newRule("header_example_required", Error, "Missing Header Example",
		"A TEXT header with a variable needs header.example to be submitted.")
	ruleButtonExampleRequired = newRule("button_example_required", Error, "Missing Button Example",
		"A URL button ending in {{1}} needs an example URL to be submitted.")
	ruleSubmitLanguage = newRule("submit_language", Error, "Language Cannot Be Submitted",
		"Interakt's Create Template API names a template's language; the provider knows the names of a fixed set of language codes.")
	ruleSubmitMediaHeader = newRule("submit_media_header", Error, "Media Header Cannot Be Submitted",
		"A media header's sample file must be uploaded to Meta, which the provider does not do; templates with IMAGE, VIDEO or DOCUMENT headers are created in Interakt.")
	ruleSubmittedContentChange = newRule("submitted_content_change", Error, "Submitted Template Cannot Change",
		"WhatsApp versions templates by name: once submitted, a template's category, header, body, footer and buttons stay as submitted unless Meta rejected it.")
)

// ValidateSubmission checks the examples a submission to Meta needs. The
// body examples' count and emptiness are checked whenever they are given;
// what must be present is checked only when submit is true. No API key is
// needed: all of it is in the declaration.
func ValidateSubmission(d TemplateDecl, submit bool) []Problem {
	var ps []Problem
	if submit && d.LanguageCode.Known() && d.LanguageCode.Value != "" && wire.LanguageNames[d.LanguageCode.Value] == "" {
		ps = append(ps, ruleSubmitLanguage.atf(Root("language_code"),
			"Interakt's Create Template API takes a language name, and %q is not one the provider can name; it can submit %s. Create the template in Interakt instead and declare it without submit.",
			d.LanguageCode.Value, submittableLanguages()))
	}
	if h := d.Header; submit && h != nil && !h.Unknown && !h.Format.Unknown && h.Format.Value != HeaderText && h.Format.Value != "" {
		ps = append(ps, ruleSubmitMediaHeader.atf(Root("header").Name("format"),
			"A %s header needs a sample file uploaded to Meta, which the provider cannot do. Create this template in Interakt's dashboard, then declare it without submit.", h.Format.Value))
	}
	if !d.BodyExamplesUnknown && (d.BodyExamples != nil || submit) && !d.Body.Unknown {
		p := Root("body_examples")
		vars := len(Variables(d.Body.Value))
		if len(d.BodyExamples) != vars {
			ps = append(ps, ruleBodyExamplesCount.atf(p,
				"The body has %d variables, so body_examples needs %d examples, one per variable in order; it has %d.", vars, vars, len(d.BodyExamples)))
		}
		for i, e := range d.BodyExamples {
			if !e.Unknown && strings.TrimSpace(e.Value) == "" {
				ps = append(ps, ruleExampleEmpty.atf(p.Index(i), "Example %d of the body is empty; give the value {{%d}} could take, such as a name or an order number.", i+1, i+1))
			}
		}
	}
	if h := d.Header; h != nil && !h.Unknown && h.Format.Value == HeaderText && !h.Text.Unknown && !h.Example.Unknown {
		p := Root("header").Name("example")
		switch {
		case h.Example.Known() && strings.TrimSpace(h.Example.Value) == "":
			ps = append(ps, ruleExampleEmpty.at(p, "The header's example is empty; give the value {{1}} could take."))
		case submit && h.Example.Null && len(Variables(h.Text.Value)) > 0:
			ps = append(ps, ruleHeaderExampleRequired.atf(p, "The header %q has a variable; set header.example to a value it could take, for Meta's review.", h.Text.Value))
		}
	}
	if !submit || d.ButtonsUnknown {
		return ps
	}
	for i, b := range d.Buttons {
		if b.Unknown || b.Type.Unknown || b.URL.Unknown || b.Example.Unknown || b.Type.Value != ButtonURL {
			continue
		}
		if strings.HasSuffix(b.URL.Value, dynamicURLSuffix) && b.Example.Missing() {
			ps = append(ps, ruleButtonExampleRequired.atf(Root("buttons").Index(i).Name("example"),
				"The URL %q ends in a variable; set example to a full URL it could become, for Meta's review.", b.URL.Value))
		}
	}
	return ps
}

// SubmittedChange is the error of a content change to a submitted template
// at path p, naming the template and a new name to use.
func SubmittedChange(p Path, name, status string) Problem {
	if status == "" {
		status = "status not read yet"
	}
	return ruleSubmittedContentChange.atf(p,
		"%s differs from what was submitted as %q (%s in Interakt). WhatsApp versions templates by name, so a submitted template's content cannot change: "+
			"give the new version a new name, such as %s_v2, and point messages at it. Nothing was submitted.",
		p, name, status, name)
}

// submittableLanguages lists the codes Create Template can name.
func submittableLanguages() string {
	codes := make([]string, 0, len(wire.LanguageNames))
	for code := range wire.LanguageNames {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	return strings.Join(codes, ", ")
}
