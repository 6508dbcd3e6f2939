package contract

import "testing"

func TestPathString(t *testing.T) {
	tests := []struct {
		p    Path
		want string
	}{
		{Root("buttons").Index(2).Name("url"), "buttons[2].url"},
		{Root("button_values").Key("0").Index(1), `button_values["0"][1]`},
		{Root("recipients").Key("asha").Concat(Root("body_values").Index(0)), `recipients["asha"].body_values[0]`},
		{Root("header").Name("text"), "header.text"},
		{nil, ""},
	}
	for _, tt := range tests {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestPathExtendingDoesNotShare(t *testing.T) {
	base := Root("buttons")
	a, b := base.Index(0), base.Index(1)
	if a.String() != "buttons[0]" || b.String() != "buttons[1]" || base.String() != "buttons" {
		t.Fatalf("paths share storage: %s %s %s", base, a, b)
	}
	if !a.Equal(Root("buttons").Index(0)) || a.Equal(b) || a.Equal(base) {
		t.Fatal("Equal does not compare steps")
	}
}

func TestPrefix(t *testing.T) {
	ps := ValidateValues(Contract{}, Values{CountryCode: StrOf("91"), PhoneNumber: StrOf("9999999999")})
	ps = Prefix(Root("recipients").Key("asha"), ps)
	if len(ps) != 1 || ps[0].Path.String() != `recipients["asha"].country_code` {
		t.Fatalf("prefixed problems: %v", ps)
	}
	if !HasErrors(ps) || HasErrors(nil) {
		t.Fatal("HasErrors does not look at severities")
	}
}
