package wire

import "testing"

func TestEncodeKeepsHTMLCharacters(t *testing.T) {
	got, err := Encode(Message{CountryCode: "+91", PhoneNumber: "9999999999", Template: Template{
		Name: "invoice_ready", LanguageCode: "en", HeaderValues: []string{"https://files.example.com/a.pdf?x=1&y=<2>"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"countryCode":"+91","phoneNumber":"9999999999","type":"Template","template":{"name":"invoice_ready","languageCode":"en","headerValues":["https://files.example.com/a.pdf?x=1&y=<2>"]}}`
	if string(got) != want {
		t.Errorf("Encode =\n%s\nwant\n%s", got, want)
	}
}
