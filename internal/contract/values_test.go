package contract

import (
	"strings"
	"testing"
)

// smokeValues are the values of DESIGN's interakt_template_message example.
func smokeValues() Values {
	return Values{
		CountryCode:   StrOf("+91"),
		PhoneNumber:   StrOf("9999999999"),
		CallbackData:  StrOf("release-42"),
		HeaderValues:  ListOf("A-1001"),
		BodyValues:    ListOf("Asha", "A-1001"),
		ButtonValues:  Map{Entries: []Entry{{Key: "0", Value: ListOf("A-1001")}}},
		ButtonPayload: Map{Entries: []Entry{{Key: "1", Value: ListOf("stop-A-1001")}}},
	}
}

func handWritten() Contract { return Contract{Name: "order_shipped", LanguageCode: "en"} }

func mediaContract(format string) Contract {
	c := ContractOf(orderShipped())
	c.HeaderFormat, c.HeaderVariables = ptr(format), ptr(0)
	return c
}

func quickReplies(n int) Contract {
	c := handWritten()
	c.ButtonsKnown = true
	for i := range n {
		c.Buttons = append(c.Buttons, ContractButton{Index: i, Type: ButtonQuickReply})
	}
	return c
}

func payloads(keys ...string) Map {
	m := Map{}
	for _, k := range keys {
		m.Entries = append(m.Entries, Entry{Key: k, Value: ListOf("p-" + k)})
	}
	return m
}

func TestValidateValuesAcceptsDesignExample(t *testing.T) {
	assertProblems(t, ValidateValues(ContractOf(orderShipped()), smokeValues()))
	assertProblems(t, ValidateValues(handWritten(), smokeValues()))
}

func TestValidateValues(t *testing.T) {
	var (
		cc     = Root("country_code")
		phone  = Root("phone_number")
		header = Root("header_values")
		body   = Root("body_values")
		bv     = Root("button_values")
		bp     = Root("button_payload")
	)
	shipped := ContractOf(orderShipped())
	tests := []struct {
		name     string
		contract Contract
		change   func(v *Values)
		want     []expect
	}{
		{"country code empty", shipped, func(v *Values) { v.CountryCode = StrOf("") }, []expect{want("country_code_format", cc)}},
		{"country code null", shipped, func(v *Values) { v.CountryCode = NullStr() }, []expect{want("country_code_format", cc)}},
		{"country code without plus", shipped, func(v *Values) { v.CountryCode = StrOf("91") }, []expect{want("country_code_format", cc)}},
		{"country code four digits", shipped, func(v *Values) { v.CountryCode = StrOf("+9111") }, []expect{want("country_code_format", cc)}},
		{"country code leading zero", shipped, func(v *Values) { v.CountryCode = StrOf("+091") }, []expect{want("country_code_format", cc)}},
		{"country code letter", shipped, func(v *Values) { v.CountryCode = StrOf("+9a") }, []expect{want("country_code_format", cc)}},
		{"country code not in use", shipped, func(v *Values) { v.CountryCode = StrOf("+999") }, []expect{want("country_code_unassigned", cc)}},
		{"country code one digit", shipped, func(v *Values) { v.CountryCode, v.PhoneNumber = StrOf("+1"), StrOf("2025550123") }, nil},
		{"country code three digits", shipped, func(v *Values) { v.CountryCode, v.PhoneNumber = StrOf("+971"), StrOf("501234567") }, nil},
		{"phone empty", shipped, func(v *Values) { v.PhoneNumber = StrOf("") }, []expect{want("phone_number_digits", phone)}},
		{"phone null", shipped, func(v *Values) { v.PhoneNumber = NullStr() }, []expect{want("phone_number_digits", phone)}},
		{"phone with plus", shipped, func(v *Values) { v.PhoneNumber = StrOf("+919999999999") }, []expect{want("phone_number_digits", phone)}},
		{"phone with dash", shipped, func(v *Values) { v.PhoneNumber = StrOf("99999-99999") }, []expect{want("phone_number_digits", phone)}},
		{"phone with space", shipped, func(v *Values) { v.PhoneNumber = StrOf("99999 99999") }, []expect{want("phone_number_digits", phone)}},
		{"phone leading zero", shipped, func(v *Values) { v.PhoneNumber = StrOf("09999999999") }, []expect{want("phone_number_leading_zero", phone)}},
		{"phone double zero prefix", shipped, func(v *Values) { v.PhoneNumber = StrOf("00919999999999") }, []expect{want("phone_number_leading_zero", phone)}},
		{"phone three digits", handWritten(), func(v *Values) { v.PhoneNumber = StrOf("123") }, []expect{want("phone_number_length", phone)}},
		{"phone sixteen digits", handWritten(), func(v *Values) { v.PhoneNumber = StrOf("1234567890123456") }, []expect{want("phone_number_length", phone)}},
		{"phone with country code inside", shipped, func(v *Values) { v.PhoneNumber = StrOf("919999999999") }, []expect{want("phone_number_country_code_inside", phone)}},
		{"nanp phone with country code inside", shipped, func(v *Values) { v.CountryCode, v.PhoneNumber = StrOf("+1"), StrOf("12025550123") }, []expect{want("phone_number_country_code_inside", phone)}},
		{"phone too short for country", shipped, func(v *Values) { v.PhoneNumber = StrOf("99999999") }, []expect{want("phone_number_impossible", phone)}},
		{"phone too long for country", shipped, func(v *Values) { v.PhoneNumber = StrOf("999999999999") }, []expect{want("phone_number_impossible", phone)}},
		{"phone with invalid country code", shipped, func(v *Values) { v.CountryCode, v.PhoneNumber = StrOf("91"), StrOf("919999999999") }, []expect{want("country_code_format", cc)}},
		{"callback data 512 characters", shipped, func(v *Values) { v.CallbackData = StrOf(strings.Repeat("ñ", 512)) }, nil},
		{"callback data 513 characters", shipped, func(v *Values) { v.CallbackData = StrOf(strings.Repeat("n", 513)) }, []expect{want("callback_data_length", Root("callback_data"))}},
		{"header value missing", shipped, func(v *Values) { v.HeaderValues = List{Null: true} }, []expect{want("header_values_count", header)}},
		{"two header values", shipped, func(v *Values) { v.HeaderValues = ListOf("a", "b") }, []expect{want("header_values_count", header)}},
		{"header value without header", mediaContract("NONE"), func(v *Values) {}, []expect{want("header_values_count", header)}},
		{"header value for static text header", func() Contract { c := shipped; c.HeaderVariables = ptr(0); return c }(), func(v *Values) {},
			[]expect{want("header_values_count", header)}},
		{"media header without url", mediaContract("IMAGE"), func(v *Values) { v.HeaderValues = List{} }, []expect{want("header_values_count", header)}},
		{"media header with http url", mediaContract("VIDEO"), func(v *Values) { v.HeaderValues = ListOf("http://cdn.example.com/a.mp4") }, []expect{want("header_values_url", header.Index(0))}},
		{"media header with text", mediaContract("IMAGE"), func(v *Values) {}, []expect{want("header_values_url", header.Index(0))}},
		{"media header with https url", mediaContract("IMAGE"), func(v *Values) { v.HeaderValues = ListOf("HTTPS://cdn.example.com/a.png?sig=x%3D") }, nil},
		{"header value empty", shipped, func(v *Values) { v.HeaderValues = ListOf("") }, []expect{want("value_empty", header.Index(0))}},
		{"header value with newline", shipped, func(v *Values) { v.HeaderValues = ListOf("A\n1") }, []expect{want("value_whitespace", header.Index(0))}},
		{"header values without contract", handWritten(), func(v *Values) { v.HeaderValues = ListOf("a", "b") }, nil},
		{"file name with document", mediaContract("DOCUMENT"), func(v *Values) {
			v.HeaderValues, v.FileName = ListOf("https://cdn.example.com/a.pdf"), StrOf("invoice.pdf")
		}, nil},
		{"file name with text header", shipped, func(v *Values) { v.FileName = StrOf("invoice.pdf") }, []expect{want("file_name_header", Root("file_name"))}},
		{"file name with image header", mediaContract("IMAGE"), func(v *Values) {
			v.HeaderValues, v.FileName = ListOf("https://cdn.example.com/a.png"), StrOf("a.png")
		}, []expect{want("file_name_header", Root("file_name"))}},
		{"file name without contract", handWritten(), func(v *Values) { v.FileName = StrOf("invoice.pdf") }, nil},
		{"one body value of two", shipped, func(v *Values) { v.BodyValues = ListOf("Asha") }, []expect{want("body_values_count", body)}},
		{"three body values of two", shipped, func(v *Values) { v.BodyValues = ListOf("a", "b", "c") }, []expect{want("body_values_count", body)}},
		{"no body values of two", shipped, func(v *Values) { v.BodyValues = List{Null: true} }, []expect{want("body_values_count", body)}},
		{"empty body value", shipped, func(v *Values) { v.BodyValues = ListOf("Asha", "") }, []expect{want("value_empty", body.Index(1))}},
		{"null body value", shipped, func(v *Values) { v.BodyValues.Items[0] = NullStr() }, []expect{want("value_empty", body.Index(0))}},
		{"body value with tab", shipped, func(v *Values) { v.BodyValues = ListOf("As\tha", "x") }, []expect{want("value_whitespace", body.Index(0))}},
		{"body value with five spaces", shipped, func(v *Values) { v.BodyValues = ListOf("Asha", "A     1") }, []expect{want("value_whitespace", body.Index(1))}},
		{"body value with four spaces", shipped, func(v *Values) { v.BodyValues = ListOf("Asha", "A    1") }, nil},
		{"body values without contract", handWritten(), func(v *Values) { v.BodyValues = ListOf("a", "b", "c") }, nil},
		{"button index leading zero", shipped, func(v *Values) { v.ButtonValues.Entries[0].Key = "00" }, []expect{
			want("button_index_format", bv.Key("00")), want("button_values_missing", bv)}},
		{"button index word", handWritten(), func(v *Values) { v.ButtonValues.Entries[0].Key = "first" }, []expect{want("button_index_format", bv.Key("first"))}},
		{"button index 10", handWritten(), func(v *Values) { v.ButtonPayload.Entries[0].Key = "10" }, []expect{want("button_index_format", bp.Key("10"))}},
		{"button index negative", handWritten(), func(v *Values) { v.ButtonPayload.Entries[0].Key = "-1" }, []expect{want("button_index_format", bp.Key("-1"))}},
		{"button index without button", shipped, func(v *Values) { v.ButtonPayload.Entries[0].Key = "2" }, []expect{want("button_index_no_button", bp.Key("2"))}},
		{"button values for quick reply", shipped, func(v *Values) {
			v.ButtonValues.Entries = append(v.ButtonValues.Entries, Entry{Key: "1", Value: ListOf("x")})
		}, []expect{want("button_values_kind", bv.Key("1"))}},
		{"button values for static url", func() Contract {
			c := ContractOf(orderShipped())
			c.Buttons[0].Dynamic = false
			return c
		}(), func(v *Values) {}, []expect{want("button_values_kind", bv.Key("0"))}},
		{"button values missing", shipped, func(v *Values) { v.ButtonValues = Map{} }, []expect{want("button_values_missing", bv)}},
		{"button values null", shipped, func(v *Values) { v.ButtonValues = Map{Null: true} }, []expect{want("button_values_missing", bv)}},
		{"button values without contract buttons", handWritten(), func(v *Values) { v.ButtonValues = Map{} }, nil},
		{"two button values", shipped, func(v *Values) { v.ButtonValues.Entries[0].Value = ListOf("a", "b") }, []expect{want("button_values_count", bv.Key("0"))}},
		{"no button values in entry", shipped, func(v *Values) { v.ButtonValues.Entries[0].Value = List{} }, []expect{want("button_values_count", bv.Key("0"))}},
		{"empty button value", shipped, func(v *Values) { v.ButtonValues.Entries[0].Value = ListOf("") }, []expect{want("value_empty", bv.Key("0").Index(0))}},
		{"payload for url button", shipped, func(v *Values) { v.ButtonPayload.Entries[0].Key = "0" }, []expect{want("button_payload_kind", bp.Key("0"))}},
		{"three payloads", quickReplies(3), func(v *Values) { v.ButtonValues, v.ButtonPayload = Map{}, payloads("0", "1", "2") }, nil},
		{"four payloads", quickReplies(4), func(v *Values) { v.ButtonValues, v.ButtonPayload = Map{}, payloads("0", "1", "2", "3") }, []expect{want("button_payload_buttons", bp)}},
		{"four payloads without contract", handWritten(), func(v *Values) { v.ButtonPayload = payloads("0", "1", "2", "3") }, []expect{want("button_payload_buttons", bp)}},
		{"two payloads in entry", shipped, func(v *Values) { v.ButtonPayload.Entries[0].Value = ListOf("a", "b") }, []expect{want("button_payload_count", bp.Key("1"))}},
		{"empty payload", shipped, func(v *Values) { v.ButtonPayload.Entries[0].Value = ListOf("") }, []expect{want("value_empty", bp.Key("1").Index(0))}},
		{"payload 128 characters", shipped, func(v *Values) { v.ButtonPayload.Entries[0].Value = ListOf(strings.Repeat("€", 128)) }, nil},
		{"payload 129 characters", shipped, func(v *Values) { v.ButtonPayload.Entries[0].Value = ListOf(strings.Repeat("p", 129)) }, []expect{want("button_payload_length", bp.Key("1").Index(0))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := smokeValues()
			tt.change(&v)
			got := ValidateValues(tt.contract, v)
			assertProblems(t, got, tt.want...)
			for _, p := range got {
				if v.PhoneNumber.Value != "" && strings.Contains(p.Detail, v.PhoneNumber.Value) {
					t.Errorf("detail quotes the phone number: %s", p.Detail)
				}
			}
		})
	}
}

// TestValidateValuesUnknownSkips makes each value unknown next to a value
// that would break the rule and checks that nothing is reported.
func TestValidateValuesUnknownSkips(t *testing.T) {
	shipped := ContractOf(orderShipped())
	tests := []struct {
		name     string
		contract Contract
		change   func(v *Values)
	}{
		{"country code", shipped, func(v *Values) { v.CountryCode, v.PhoneNumber = UnknownStr(), StrOf("919999999999") }},
		{"phone number", shipped, func(v *Values) { v.PhoneNumber = UnknownStr() }},
		{"callback data", shipped, func(v *Values) { v.CallbackData = UnknownStr() }},
		{"file name", shipped, func(v *Values) { v.FileName = UnknownStr() }},
		{"header list", shipped, func(v *Values) { v.HeaderValues = List{Unknown: true, Items: []Str{{}, {}}} }},
		{"header item", mediaContract("IMAGE"), func(v *Values) { v.HeaderValues = List{Items: []Str{UnknownStr()}} }},
		{"body list", shipped, func(v *Values) { v.BodyValues = List{Unknown: true} }},
		{"body item", shipped, func(v *Values) { v.BodyValues.Items[1] = UnknownStr() }},
		{"button values map", shipped, func(v *Values) { v.ButtonValues = Map{Unknown: true} }},
		{"button values entry", shipped, func(v *Values) { v.ButtonValues.Entries[0].Value = List{Unknown: true} }},
		{"button value item", shipped, func(v *Values) { v.ButtonValues.Entries[0].Value = List{Items: []Str{UnknownStr()}} }},
		{"button payload map", quickReplies(5), func(v *Values) {
			v.ButtonValues, v.ButtonPayload = Map{}, Map{Unknown: true, Entries: payloads("0", "1", "2", "3", "4").Entries}
		}},
		{"button payload entry", shipped, func(v *Values) { v.ButtonPayload.Entries[0].Value = List{Unknown: true} }},
		{"button payload item", shipped, func(v *Values) { v.ButtonPayload.Entries[0].Value = List{Items: []Str{UnknownStr()}} }},
		{"contract header", Contract{Name: "x", LanguageCode: "en", BodyVariables: ptr(2)}, func(v *Values) {
			v.HeaderValues, v.FileName = ListOf("a", "b"), StrOf("x.pdf")
		}},
		{"contract header variables", Contract{Name: "x", LanguageCode: "en", HeaderFormat: ptr("TEXT")}, func(v *Values) { v.HeaderValues = ListOf("a", "b") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := smokeValues()
			tt.change(&v)
			assertProblems(t, ValidateValues(tt.contract, v))
		})
	}
}

func TestValidateValuesAllocatesNothingWhenValid(t *testing.T) {
	c, v := ContractOf(orderShipped()), smokeValues()
	phoneLengths() // Built once, on first use.
	allocs := testing.AllocsPerRun(100, func() {
		if ps := ValidateValues(c, v); ps != nil {
			t.Fatalf("unexpected problems: %v", ps)
		}
	})
	if allocs != 0 {
		t.Errorf("ValidateValues allocates %.0f times per call, want 0", allocs)
	}
}

func TestMapOfSortsKeys(t *testing.T) {
	m := MapOf(map[string]List{"2": ListOf("c"), "0": ListOf("a"), "1": ListOf("b")})
	if len(m.Entries) != 3 || m.Entries[0].Key != "0" || m.Entries[1].Key != "1" || m.Entries[2].Key != "2" || m.Entries[2].Value.Items[0].Value != "c" {
		t.Fatalf("MapOf = %+v", m)
	}
}
