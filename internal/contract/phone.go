package contract

import (
	"errors"
	"strconv"
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// Phone number limits: E.164 allows 15 digits; the shortest national
// numbers in use have 4.
const (
	minPhoneDigits = 4
	maxPhoneDigits = 15
)

var (
	ruleCountryCodeFormat = newRule("country_code_format", Error, "Invalid Country Code",
		"A country code is + followed by 1 to 3 digits, the first not 0, such as +91.")
	ruleCountryCodeUnassigned = newRule("country_code_unassigned", Error, "Unknown Country Code",
		"A country code is a calling code in use.")
	rulePhoneDigits = newRule("phone_number_digits", Error, "Invalid Phone Number",
		"A phone number is digits only: no +, spaces, dashes or brackets.")
	rulePhoneLeadingZero = newRule("phone_number_leading_zero", Error, "Invalid Phone Number",
		"A phone number does not begin with 0.")
	rulePhoneLength = newRule("phone_number_length", Error, "Invalid Phone Number",
		"A phone number has 4 to 15 digits.")
	rulePhoneCountryCodeInside = newRule("phone_number_country_code_inside", Error, "Country Code Inside Phone Number",
		"A phone number does not repeat the country code, which goes in country_code.")
	rulePhoneImpossible = newRule("phone_number_impossible", Error, "Invalid Phone Number",
		"A phone number has as many digits as mobile or fixed-line numbers of its country code have.")
)

// phoneLengths maps a country calling code to a bit set of the lengths its
// mobile and fixed-line national numbers may have; 0 means the code is not
// in use. It is built from the phone number metadata on first use.
var phoneLengths = sync.OnceValue(func() *[1000]uint32 {
	var t [1000]uint32
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		// The metadata is embedded and already parsed when the library
		// initialised; without it no code is known and the rules that
		// need it report every code as unknown, which tests catch.
		return &t
	}
	for _, m := range coll.GetMetadata() {
		cc := m.GetCountryCode()
		if cc <= 0 || cc >= int32(len(t)) {
			continue
		}
		general := m.GetGeneralDesc().GetPossibleLength()
		for _, desc := range []*phonenumbers.PhoneNumberDesc{m.GetMobile(), m.GetFixedLine()} {
			lengths := desc.GetPossibleLength()
			if len(lengths) == 0 {
				lengths = general
			}
			for _, n := range lengths {
				if n > 0 && n < 32 {
					t[cc] |= 1 << uint(n)
				}
			}
		}
	}
	return &t
})

// lengthsOf returns the possible-length bit set of country code cc.
func lengthsOf(cc int) uint32 {
	if cc <= 0 || cc >= 1000 {
		return 0
	}
	return phoneLengths()[cc]
}

// describeLengths renders a length bit set as "10", "9 or 10" or
// "5 to 15".
func describeLengths(set uint32) string {
	var parts []string
	for n := 0; n < 32; n++ {
		if set&(1<<uint(n)) == 0 {
			continue
		}
		end := n
		for end+1 < 32 && set&(1<<uint(end+1)) != 0 {
			end++
		}
		switch end {
		case n:
			parts = append(parts, strconv.Itoa(n))
		case n + 1:
			parts = append(parts, strconv.Itoa(n), strconv.Itoa(end))
		default:
			parts = append(parts, strconv.Itoa(n)+" to "+strconv.Itoa(end))
		}
		n = end
	}
	if len(parts) <= 1 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}

// parseCountryCode returns the calling code of "+91", or 0 when s is not
// + and 1 to 3 digits with no leading 0.
func parseCountryCode(s string) int {
	if len(s) < 2 || len(s) > 4 || s[0] != '+' || s[1] == '0' {
		return 0
	}
	n := 0
	for i := 1; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0
		}
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// checkCountryCode checks country_code and returns its calling code, or 0
// when it is unknown or invalid.
func checkCountryCode(ps []Problem, cc Str) ([]Problem, int) {
	if cc.Unknown {
		return ps, 0
	}
	code := parseCountryCode(cc.Value)
	switch {
	case cc.Missing():
		return append(ps, ruleCountryCodeFormat.at(Root("country_code"), "The country code is empty; give + and the calling code, such as +91.")), 0
	case code == 0:
		return append(ps, ruleCountryCodeFormat.atf(Root("country_code"),
			"The country code %q is not + followed by 1 to 3 digits; give it like +91 (parse_phone splits a full international number).", cc.Value)), 0
	case lengthsOf(code) == 0:
		return append(ps, ruleCountryCodeUnassigned.atf(Root("country_code"),
			"The country code %q is not a calling code in use; check the recipient's country.", cc.Value)), 0
	}
	return ps, code
}

// checkPhoneNumber checks phone_number, and its length against the calling
// code when code is not 0. Details never quote the number.
func checkPhoneNumber(ps []Problem, pn Str, cc string, code int) []Problem {
	if pn.Unknown {
		return ps
	}
	if r, detail := phoneNumberProblem(pn.Value, cc, code); detail != "" {
		return append(ps, r.at(Root("phone_number"), detail))
	}
	return ps
}

// phoneNumberProblem returns the rule number breaks and its detail, or an
// empty detail when number is fine. It allocates only on a problem.
func phoneNumberProblem(number, cc string, code int) (Rule, string) {
	switch {
	case number == "":
		return rulePhoneDigits, "The phone number is empty; give the national number, digits only."
	case number[0] == '+':
		return rulePhoneDigits, "The phone number starts with +. Give the country code in country_code and only the national number here, digits only; parse_phone splits an international number."
	case !allDigits(number):
		return rulePhoneDigits, "The phone number has characters other than digits; remove spaces, dashes, dots and brackets."
	case number[0] == '0':
		return rulePhoneLeadingZero, "The phone number begins with 0. Drop the leading 0 (a trunk or international prefix) and give the national number."
	case len(number) < minPhoneDigits || len(number) > maxPhoneDigits:
		return rulePhoneLength, "The phone number has " + strconv.Itoa(len(number)) + " digits; phone numbers have 4 to 15."
	}
	set := lengthsOf(code)
	if set == 0 || set&(1<<uint(len(number))) != 0 {
		return Rule{}, ""
	}
	digits := cc[1:]
	if strings.HasPrefix(number, digits) && set&(1<<uint(len(number)-len(digits))) != 0 {
		return rulePhoneCountryCodeInside, "The phone number begins with the country code " + cc + " and is " +
			strconv.Itoa(len(digits)) + " digits too long for it. Remove the country code from phone_number; it belongs in country_code."
	}
	return rulePhoneImpossible, "The phone number has " + strconv.Itoa(len(number)) + " digits; mobile and fixed-line numbers of " +
		cc + " have " + describeLengths(set) + ". Check the number and its country code."
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// Errors of ParsePhone. None quotes the input, which is personal data.
var (
	ErrPhoneNotInternational = errors.New("the phone number is not in international format: start it with + or 00 and the country code")
	ErrPhoneInvalid          = errors.New("the text is not a phone number")
	ErrPhoneCountryCode      = errors.New("the phone number's country code is not a calling code in use")
	ErrPhoneExtension        = errors.New("the phone number has an extension, which cannot receive WhatsApp messages")
)

// maxPhoneInput bounds the input ParsePhone reads, as the phone number
// library does.
const maxPhoneInput = 250

// ParsePhone splits an international phone number, such as
// "+91 99999-99999" or "0091 9999999999", into the country code ("+91")
// and the national number ("9999999999") the API takes. Spaces, dashes,
// dots and brackets are allowed. A number it returns passes the phone
// rules of ValidateValues. Errors never quote the input.
func ParsePhone(input string) (countryCode, phoneNumber string, err error) {
	s := strings.TrimSpace(input)
	if len(s) > maxPhoneInput {
		return "", "", ErrPhoneInvalid
	}
	if rest, ok := strings.CutPrefix(s, "00"); ok {
		s = "+" + rest
	}
	if !strings.HasPrefix(s, "+") && !strings.HasPrefix(s, "\uff0b") {
		return "", "", ErrPhoneNotInternational
	}
	num, perr := phonenumbers.Parse(s, "")
	switch {
	case errors.Is(perr, phonenumbers.ErrInvalidCountryCode):
		return "", "", ErrPhoneCountryCode
	case perr != nil:
		return "", "", ErrPhoneInvalid
	case num.GetExtension() != "":
		return "", "", ErrPhoneExtension
	}
	code := int(num.GetCountryCode())
	countryCode = "+" + strconv.Itoa(code)
	phoneNumber = phonenumbers.GetNationalSignificantNumber(num)
	if parseCountryCode(countryCode) == 0 || lengthsOf(code) == 0 {
		return "", "", ErrPhoneCountryCode
	}
	switch r, _ := phoneNumberProblem(phoneNumber, countryCode, code); r.ID {
	case "":
		return countryCode, phoneNumber, nil
	case rulePhoneLeadingZero.ID:
		return "", "", errors.New("the national number begins with 0, which the API does not accept")
	case rulePhoneCountryCodeInside.ID:
		return "", "", errors.New("the number repeats its country code " + countryCode + " after it; give the country code once")
	case rulePhoneLength.ID, rulePhoneImpossible.ID:
		return "", "", errors.New("the national number has " + strconv.Itoa(len(phoneNumber)) + " digits; mobile and fixed-line numbers of " +
			countryCode + " have " + describeLengths(lengthsOf(code)))
	default:
		return "", "", ErrPhoneInvalid
	}
}

// ValidatePhone checks a country code and national phone number, at
// country_code and phone_number, by the rules a message's recipient
// follows: a user or an event names a phone the same way. Unknown values
// skip their rules.
func ValidatePhone(countryCode, phoneNumber Str) []Problem {
	ps, code := checkCountryCode(nil, countryCode)
	return checkPhoneNumber(ps, phoneNumber, countryCode.Value, code)
}
