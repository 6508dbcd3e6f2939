package contract

import (
	"strings"
	"testing"
)

// submittable is orderShipped with every example a submission needs.
func submittable() TemplateDecl {
	d := orderShipped()
	d.Header.Example = StrOf("A-1001")
	d.BodyExamples = []Str{StrOf("Asha"), StrOf("A-1001")}
	d.Buttons[0].Example = StrOf("https://shop.example.com/track/A-1001")
	return d
}

func TestValidateSubmission(t *testing.T) {
	assertProblems(t, ValidateSubmission(submittable(), true))
	// Without submit, nothing need be given.
	plain := orderShipped()
	plain.Header.Example = NullStr()
	assertProblems(t, ValidateSubmission(plain, false))

	d := submittable()
	d.BodyExamples = d.BodyExamples[:1]
	assertProblems(t, ValidateSubmission(d, false), want("body_examples_count", Root("body_examples")))

	d = submittable()
	d.BodyExamples[1] = StrOf(" ")
	assertProblems(t, ValidateSubmission(d, true), want("example_empty", Root("body_examples").Index(1)))

	d = submittable()
	d.BodyExamples = nil
	assertProblems(t, ValidateSubmission(d, true), want("body_examples_count", Root("body_examples")))

	d = submittable()
	d.Header.Example = NullStr()
	assertProblems(t, ValidateSubmission(d, true), want("header_example_required", Root("header").Name("example")))
	assertProblems(t, ValidateSubmission(d, false))

	d = submittable()
	d.Header.Example = StrOf("")
	assertProblems(t, ValidateSubmission(d, false), want("example_empty", Root("header").Name("example")))

	d = submittable()
	d.Buttons[0].Example = NullStr()
	assertProblems(t, ValidateSubmission(d, true), want("button_example_required", Root("buttons").Index(0).Name("example")))

	d = submittable()
	d.LanguageCode = StrOf("zu")
	assertProblems(t, ValidateSubmission(d, true), want("submit_language", Root("language_code")))

	d = submittable()
	d.Header = &HeaderDecl{Format: StrOf("IMAGE"), Text: NullStr(), Example: NullStr()}
	assertProblems(t, ValidateSubmission(d, true), want("submit_media_header", Root("header").Name("format")))

	// Unknown parts skip their rules.
	d = submittable()
	d.BodyExamples, d.BodyExamplesUnknown = nil, true
	d.Header.Example = UnknownStr()
	d.Buttons[0].Example = UnknownStr()
	assertProblems(t, ValidateSubmission(d, true))
}

func TestSubmittedChange(t *testing.T) {
	p := SubmittedChange(Root("body"), "order_shipped", "APPROVED")
	assertProblems(t, []Problem{p}, want("submitted_content_change", Root("body")))
	if !strings.Contains(p.Detail, `"order_shipped" (APPROVED in Interakt)`) || !strings.Contains(p.Detail, "order_shipped_v2") {
		t.Errorf("detail %q", p.Detail)
	}
	if p := SubmittedChange(Root("body"), "order_shipped", ""); !strings.Contains(p.Detail, "(status not read yet in Interakt)") {
		t.Errorf("detail without a status %q", p.Detail)
	}
}
