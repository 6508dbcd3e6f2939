package contract

// metaLanguages holds the base languages (the part before "_") of the
// language codes Meta lists for WhatsApp templates. A region suffix is not
// checked against a list: Meta adds regional variants more often than
// languages.
var metaLanguages = map[string]bool{
	"af": true, "ar": true, "az": true, "bg": true, "bn": true, "ca": true,
	"cs": true, "da": true, "de": true, "el": true, "en": true, "es": true,
	"et": true, "fa": true, "fi": true, "fil": true, "fr": true, "ga": true,
	"gu": true, "ha": true, "he": true, "hi": true, "hr": true, "hu": true,
	"id": true, "it": true, "ja": true, "ka": true, "kk": true, "kn": true,
	"ko": true, "ky": true, "lo": true, "lt": true, "lv": true, "mk": true,
	"ml": true, "mr": true, "ms": true, "nb": true, "nl": true, "pa": true,
	"pl": true, "pt": true, "ro": true, "ru": true, "rw": true, "sk": true,
	"sl": true, "sq": true, "sr": true, "sv": true, "sw": true, "ta": true,
	"te": true, "th": true, "tr": true, "uk": true, "ur": true, "uz": true,
	"vi": true, "zh": true, "zu": true,
}

// splitLanguageCode checks the shape of a language code: 2 or 3 lowercase
// letters, optionally "_" and a region of 2 uppercase letters or 3 digits
// (en, fil, en_US, pt_BR, es_419). It returns the base language.
func splitLanguageCode(code string) (base string, ok bool) {
	n := 0
	for n < len(code) && code[n] >= 'a' && code[n] <= 'z' {
		n++
	}
	if n < 2 || n > 3 {
		return "", false
	}
	base, region := code[:n], code[n:]
	switch {
	case region == "":
		return base, true
	case len(region) == 3 && region[0] == '_' && isUpper(region[1]) && isUpper(region[2]):
		return base, true
	case len(region) == 4 && region[0] == '_' && isDigit(region[1]) && isDigit(region[2]) && isDigit(region[3]):
		return base, true
	}
	return "", false
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
