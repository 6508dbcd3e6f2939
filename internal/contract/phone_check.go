package contract

// CheckPhone checks a country_code and phone_number pair by the rules of a
// message's recipient, for the other inputs that name a user by phone (a
// tracked event). Problems are at country_code and phone_number.
func CheckPhone(countryCode, phoneNumber Str) []Problem {
	ps, code := checkCountryCode(nil, countryCode)
	return checkPhoneNumber(ps, phoneNumber, countryCode.Value, code)
}
