package contract

import (
	"testing"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// designValues are the values of the request DESIGN shows.
func designValues() Values {
	return Values{
		CountryCode:   StrOf("+91"),
		PhoneNumber:   StrOf("9999999999"),
		CallbackData:  StrOf("release-42"),
		FileName:      StrOf("invoice.pdf"),
		HeaderValues:  ListOf("Alert"),
		BodyValues:    ListOf("There", "1234"),
		ButtonValues:  Map{Entries: []Entry{{Key: "0", Value: ListOf("12344")}}},
		ButtonPayload: Map{Entries: []Entry{{Key: "1", Value: ListOf("payload1")}}},
	}
}

func TestToMessageEncodesDesignRequest(t *testing.T) {
	m := ToMessage(ContractOf(orderShipped()), designValues())
	got, err := wire.Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"countryCode":"+91","phoneNumber":"9999999999","type":"Template",` +
		`"callbackData":"release-42",` +
		`"template":{"name":"order_shipped","languageCode":"en",` +
		`"headerValues":["Alert"],"fileName":"invoice.pdf",` +
		`"bodyValues":["There","1234"],` +
		`"buttonValues":{"0":["12344"]},` +
		`"buttonPayload":{"1":["payload1"]}}}`
	if string(got) != want {
		t.Errorf("request\n got %s\nwant %s", got, want)
	}
}

func TestToMessageOmitsNullAndUnknown(t *testing.T) {
	v := Values{
		CountryCode:   StrOf("+91"),
		PhoneNumber:   StrOf("9999999999"),
		CallbackData:  NullStr(),
		FileName:      UnknownStr(),
		HeaderValues:  List{Null: true},
		BodyValues:    List{Items: []Str{StrOf("a"), UnknownStr(), StrOf("b")}},
		ButtonValues:  Map{Unknown: true},
		ButtonPayload: Map{Entries: []Entry{{Key: "1", Value: List{Unknown: true}}, {Key: "2", Value: ListOf("p")}}},
	}
	got, err := wire.Encode(ToMessage(Contract{Name: "x", LanguageCode: "en"}, v))
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"countryCode":"+91","phoneNumber":"9999999999","type":"Template",` +
		`"template":{"name":"x","languageCode":"en","bodyValues":["a","b"],"buttonPayload":{"2":["p"]}}}`
	if string(got) != want {
		t.Errorf("request\n got %s\nwant %s", got, want)
	}
}

func TestToMessageListsDoNotAlias(t *testing.T) {
	m := ToMessage(ContractOf(orderShipped()), designValues())
	m.Template.HeaderValues = append(m.Template.HeaderValues, "extra")
	if m.Template.BodyValues[0] != "There" {
		t.Fatalf("appending to headerValues changed bodyValues: %v", m.Template.BodyValues)
	}
}
