package contract

import (
	"errors"
	"strings"
	"testing"
)

func TestParsePhone(t *testing.T) {
	tests := []struct {
		input, cc, number string
	}{
		{"+91 99999-99999", "+91", "9999999999"},
		{"+919999999999", "+91", "9999999999"},
		{"0091 99999 99999", "+91", "9999999999"},
		{"  +1 (202) 555-0123 ", "+1", "2025550123"},
		{"+44 7911 123456", "+44", "7911123456"},
		{"+971 50 123 4567", "+971", "501234567"},
		{"+55 11 91234-5678", "+55", "11912345678"},
		{"+49 1512 3456789", "+49", "15123456789"},
		{"\uff0b91 9999999999", "+91", "9999999999"},
	}
	for _, tt := range tests {
		cc, number, err := ParsePhone(tt.input)
		if err != nil || cc != tt.cc || number != tt.number {
			t.Errorf("ParsePhone(%q) = %q, %q, %v; want %q, %q", tt.input, cc, number, err, tt.cc, tt.number)
		}
	}
}

func TestParsePhoneErrors(t *testing.T) {
	tests := []struct {
		input   string
		wantErr error  // when set, errors.Is must hold
		text    string // otherwise the error must contain this
	}{
		{"99999 99999", ErrPhoneNotInternational, ""},
		{"", ErrPhoneNotInternational, ""},
		{"919999999999", ErrPhoneNotInternational, ""},
		{"+", ErrPhoneInvalid, ""},
		{"+abc", ErrPhoneInvalid, ""},
		{"+" + strings.Repeat("1", 300), ErrPhoneInvalid, ""},
		{"+999 1234 5678", ErrPhoneCountryCode, ""},
		{"+91 99999 99999 ext. 12", ErrPhoneExtension, ""},
		{"+91 999", nil, "digits"},
		{"+91 91 99999 99999", nil, "repeats its country code +91"},
		{"+91 999999999999", nil, "numbers of +91 have 10"},
	}
	for _, tt := range tests {
		cc, number, err := ParsePhone(tt.input)
		switch {
		case err == nil:
			t.Errorf("ParsePhone(%q) = %q, %q; want an error", tt.input, cc, number)
		case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
			t.Errorf("ParsePhone(%q) error %q, want %q", tt.input, err, tt.wantErr)
		case tt.text != "" && !strings.Contains(err.Error(), tt.text):
			t.Errorf("ParsePhone(%q) error %q does not say %q", tt.input, err, tt.text)
		}
		if err != nil && len(tt.input) > 4 && strings.Contains(err.Error(), strings.TrimSpace(tt.input)) {
			t.Errorf("ParsePhone(%q) error quotes the input: %q", tt.input, err)
		}
	}
}

// FuzzParsePhone checks that ParsePhone never panics, never quotes its
// input in an error, and returns only numbers that pass the phone rules of
// ValidateValues.
func FuzzParsePhone(f *testing.F) {
	for _, s := range []string{
		"+91 99999-99999", "0091 9999999999", "+1 (202) 555-0123", "+44 7911 123456", "+999 1", "+", "", "00",
		"+91 99999 99999 ext. 12", "+39 06 1234 5678", "+800 1234 5678", "+7 912 345-67-89", "tel:+91-9999999999",
		"+91 91 99999 99999", "+\uff11\uff12", "+1 800 FLOWERS", "\x00+91", strings.Repeat("+9", 200),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, input string) {
		cc, number, err := ParsePhone(input)
		if err != nil {
			if cc != "" || number != "" {
				t.Fatalf("ParsePhone(%q) returned %q, %q with error %v", input, cc, number, err)
			}
			// An error holds at most a country code or a count, never a
			// run of digits that could be part of a phone number.
			if longestDigitRun(err.Error()) > 3 {
				t.Fatalf("ParsePhone(%q) error may quote the input: %v", input, err)
			}
			return
		}
		ps := ValidateValues(Contract{}, Values{CountryCode: StrOf(cc), PhoneNumber: StrOf(number)})
		if len(ps) != 0 {
			t.Fatalf("ParsePhone(%q) = %q, %q, which fails validation: %v", input, cc, number, ps)
		}
	})
}

func longestDigitRun(s string) int {
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return longest
}

func TestDescribeLengths(t *testing.T) {
	tests := []struct {
		set  uint32
		want string
	}{
		{1 << 10, "10"},
		{1<<9 | 1<<10, "9 or 10"},
		{1<<8 | 1<<10 | 1<<11, "8, 10 or 11"},
		{0xffff &^ 0x1f, "5 to 15"},
		{1<<4 | 0xffff&^0x7f, "4 or 7 to 15"},
	}
	for _, tt := range tests {
		if got := describeLengths(tt.set); got != tt.want {
			t.Errorf("describeLengths(%b) = %q, want %q", tt.set, got, tt.want)
		}
	}
}
