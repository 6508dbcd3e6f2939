package contract

import (
	"reflect"
	"testing"
)

func TestContractOfDesignExample(t *testing.T) {
	got := ContractOf(orderShipped())
	wantContract := Contract{
		Name:            "order_shipped",
		LanguageCode:    "en",
		HeaderFormat:    ptr("TEXT"),
		HeaderVariables: ptr(1),
		BodyVariables:   ptr(2),
		Buttons: []ContractButton{
			{Index: 0, Type: "URL", Dynamic: true},
			{Index: 1, Type: "QUICK_REPLY"},
		},
		ButtonsKnown: true,
	}
	if !reflect.DeepEqual(got, wantContract) {
		t.Fatalf("ContractOf = %+v, want %+v", got, wantContract)
	}
	assertProblems(t, ValidateContract(got))
}

func TestContractOfShapes(t *testing.T) {
	tests := []struct {
		name        string
		change      func(d *TemplateDecl)
		format      *string
		headerVars  *int
		bodyVars    *int
		buttonsKnow bool
		buttons     int
	}{
		{"no header", func(d *TemplateDecl) { d.Header = nil }, ptr("NONE"), ptr(0), ptr(2), true, 2},
		{"document header", func(d *TemplateDecl) { d.Header = &HeaderDecl{Format: StrOf("DOCUMENT")} }, ptr("DOCUMENT"), ptr(0), ptr(2), true, 2},
		{"static text header", func(d *TemplateDecl) { d.Header.Text = StrOf("Hello") }, ptr("TEXT"), ptr(0), ptr(2), true, 2},
		{"repeated body variable", func(d *TemplateDecl) { d.Body = StrOf("a {{1}} b {{2}} c {{1}} d") }, ptr("TEXT"), ptr(1), ptr(2), true, 2},
		{"unknown header", func(d *TemplateDecl) { d.Header = &HeaderDecl{Unknown: true} }, nil, nil, ptr(2), true, 2},
		{"unknown header text", func(d *TemplateDecl) { d.Header.Text = UnknownStr() }, ptr("TEXT"), nil, ptr(2), true, 2},
		{"unknown body", func(d *TemplateDecl) { d.Body = UnknownStr() }, ptr("TEXT"), ptr(1), nil, true, 2},
		{"unknown buttons", func(d *TemplateDecl) { d.ButtonsUnknown = true }, ptr("TEXT"), ptr(1), ptr(2), false, 0},
		{"unknown url", func(d *TemplateDecl) { d.Buttons[0].URL = UnknownStr() }, ptr("TEXT"), ptr(1), ptr(2), false, 0},
		{"no buttons", func(d *TemplateDecl) { d.Buttons = nil }, ptr("TEXT"), ptr(1), ptr(2), true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := orderShipped()
			tt.change(&d)
			c := ContractOf(d)
			if !reflect.DeepEqual(c.HeaderFormat, tt.format) || !reflect.DeepEqual(c.HeaderVariables, tt.headerVars) || !reflect.DeepEqual(c.BodyVariables, tt.bodyVars) {
				t.Errorf("header %v/%v body %v", deref(c.HeaderFormat), deref(c.HeaderVariables), deref(c.BodyVariables))
			}
			if c.ButtonsKnown != tt.buttonsKnow || len(c.Buttons) != tt.buttons {
				t.Errorf("buttons known %v, %d buttons", c.ButtonsKnown, len(c.Buttons))
			}
		})
	}
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestHasUnknown(t *testing.T) {
	if orderShipped().HasUnknown() {
		t.Fatal("the example has no unknown value")
	}
	for name, change := range map[string]func(d *TemplateDecl){
		"name":        func(d *TemplateDecl) { d.Name = UnknownStr() },
		"header text": func(d *TemplateDecl) { d.Header.Text = UnknownStr() },
		"buttons":     func(d *TemplateDecl) { d.ButtonsUnknown = true },
		"button":      func(d *TemplateDecl) { d.Buttons[1] = ButtonDecl{Unknown: true} },
		"example":     func(d *TemplateDecl) { d.Buttons[1].Example = UnknownStr() },
	} {
		d := orderShipped()
		change(&d)
		if !d.HasUnknown() {
			t.Errorf("%s unknown: HasUnknown is false", name)
		}
	}
}

func TestFingerprint(t *testing.T) {
	base := Fingerprint(orderShipped())
	// The fingerprint is stored in state; a change here changes every
	// user's plan, so it is pinned.
	const pinned = "85190536318ae0de7adf13f939f8424210d80571854c6f779be88829c674554d"
	if base != pinned {
		t.Errorf("Fingerprint(example) = %s, want %s", base, pinned)
	}
	nullFooter := orderShipped()
	nullFooter.Footer = NullStr()
	emptyFooter := orderShipped()
	emptyFooter.Footer = StrOf("")
	if Fingerprint(nullFooter) != Fingerprint(emptyFooter) {
		t.Error("a null and an empty footer differ")
	}
	changes := map[string]func(d *TemplateDecl){
		"name":           func(d *TemplateDecl) { d.Name = StrOf("order_shipped_2") },
		"language":       func(d *TemplateDecl) { d.LanguageCode = StrOf("en_US") },
		"category":       func(d *TemplateDecl) { d.Category = StrOf("MARKETING") },
		"no header":      func(d *TemplateDecl) { d.Header = nil },
		"header format":  func(d *TemplateDecl) { d.Header.Format = StrOf("IMAGE") },
		"header text":    func(d *TemplateDecl) { d.Header.Text = StrOf("Order") },
		"body":           func(d *TemplateDecl) { d.Body = StrOf("Hi") },
		"footer":         func(d *TemplateDecl) { d.Footer = StrOf("") },
		"button order":   func(d *TemplateDecl) { d.Buttons[0], d.Buttons[1] = d.Buttons[1], d.Buttons[0] },
		"button text":    func(d *TemplateDecl) { d.Buttons[1].Text = StrOf("Stop") },
		"button example": func(d *TemplateDecl) { d.Buttons[1].Example = StrOf("x") },
		"fields shifted": func(d *TemplateDecl) { d.Body, d.Footer = StrOf(d.Body.Value+d.Footer.Value), StrOf("") },
		"fewer buttons":  func(d *TemplateDecl) { d.Buttons = d.Buttons[:1] },
	}
	seen := map[string]string{base: "base"}
	for name, change := range changes {
		d := orderShipped()
		change(&d)
		fp := Fingerprint(d)
		if len(fp) != 64 {
			t.Errorf("%s: fingerprint %q is not 64 hex digits", name, fp)
		}
		if other, dup := seen[fp]; dup {
			t.Errorf("%s: fingerprint equals that of %s", name, other)
		}
		seen[fp] = name
	}
}

func TestValidateContract(t *testing.T) {
	tests := []struct {
		name string
		c    Contract
		want []expect
	}{
		{"hand-written minimum", Contract{Name: "x", LanguageCode: "en"}, nil},
		{"bad name", Contract{Name: "X", LanguageCode: "en"}, []expect{want("template_name", Root("name"))}},
		{"bad language", Contract{Name: "x", LanguageCode: "english"}, []expect{want("language_code", Root("language_code"))}},
		{"header format", Contract{Name: "x", LanguageCode: "en", HeaderFormat: ptr("LOCATION")}, []expect{want("contract_header_format", Root("header_format"))}},
		{"header variables 2", Contract{Name: "x", LanguageCode: "en", HeaderFormat: ptr("TEXT"), HeaderVariables: ptr(2)}, []expect{want("contract_header_variables", Root("header_variables"))}},
		{"header variable on image", Contract{Name: "x", LanguageCode: "en", HeaderFormat: ptr("IMAGE"), HeaderVariables: ptr(1)}, []expect{want("contract_header_variables", Root("header_variables"))}},
		{"body variables negative", Contract{Name: "x", LanguageCode: "en", BodyVariables: ptr(-1)}, []expect{want("contract_body_variables", Root("body_variables"))}},
		{"button index too high", Contract{Name: "x", LanguageCode: "en", Buttons: []ContractButton{{Index: 10, Type: "URL"}}}, []expect{want("contract_button_index", Root("buttons").Index(0).Name("index"))}},
		{"button index twice", Contract{Name: "x", LanguageCode: "en", Buttons: []ContractButton{{Index: 0, Type: "URL"}, {Index: 0, Type: "URL"}}}, []expect{want("contract_button_index", Root("buttons").Index(1).Name("index"))}},
		{"button type", Contract{Name: "x", LanguageCode: "en", Buttons: []ContractButton{{Index: 0, Type: "url"}}}, []expect{want("contract_button_type", Root("buttons").Index(0).Name("type"))}},
		{"dynamic quick reply", Contract{Name: "x", LanguageCode: "en", Buttons: []ContractButton{{Index: 0, Type: "QUICK_REPLY", Dynamic: true}}}, []expect{want("contract_button_dynamic", Root("buttons").Index(0).Name("dynamic"))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertProblems(t, ValidateContract(tt.c), tt.want...)
		})
	}
}
