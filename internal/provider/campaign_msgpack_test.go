package provider

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/interakt-community/terraform-provider-interakt/internal/contract"
)

// TestRecipientsFromMsgpack reads recipients as Terraform encodes them:
// known values, a value known only at apply, a recipient unknown as a
// whole, and the map null or unknown.
func TestRecipientsFromMsgpack(t *testing.T) {
	t.Parallel()
	mapType := campaignRecipientsTerraformType(t)
	objType, ok := mapType.ElementType.(tftypes.Object)
	if !ok {
		t.Fatal("a recipient is not an object")
	}
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	list := func(items ...string) tftypes.Value {
		vs := make([]tftypes.Value, len(items))
		for i, s := range items {
			vs[i] = str(s)
		}
		return tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, vs)
	}
	recipient := func(phone tftypes.Value) tftypes.Value {
		attrs := map[string]tftypes.Value{}
		for name, typ := range objType.AttributeTypes {
			attrs[name] = tftypes.NewValue(typ, nil)
		}
		attrs["country_code"], attrs["phone_number"] = str("+91"), phone
		attrs["body_values"] = list("Asha", "A-1")
		listType := tftypes.List{ElementType: tftypes.String}
		attrs["button_values"] = tftypes.NewValue(tftypes.Map{ElementType: listType}, map[string]tftypes.Value{
			"2": list("b"), "0": list("a"),
		})
		return tftypes.NewValue(objType, attrs)
	}
	encode := func(v tftypes.Value) []byte {
		dv, err := tfprotov6.NewDynamicValue(mapType, v)
		if err != nil {
			t.Fatal(err)
		}
		return dv.MsgPack
	}

	got, err := recipientsFromMsgpack(encode(tftypes.NewValue(mapType, map[string]tftypes.Value{
		"asha":  recipient(str("9999999999")),
		"later": recipient(tftypes.NewValue(tftypes.String, tftypes.UnknownValue)),
		"whole": tftypes.NewValue(objType, tftypes.UnknownValue),
	})))
	if err != nil {
		t.Fatal(err)
	}
	want := contract.Values{
		CountryCode: contract.StrOf("+91"), PhoneNumber: contract.StrOf("9999999999"),
		CallbackData: contract.NullStr(), FileName: contract.NullStr(),
		HeaderValues: contract.List{Null: true}, BodyValues: contract.ListOf("Asha", "A-1"),
		ButtonValues:  contract.Map{Entries: []contract.Entry{{Key: "0", Value: contract.ListOf("a")}, {Key: "2", Value: contract.ListOf("b")}}},
		ButtonPayload: contract.Map{Null: true},
	}
	if !got.known || len(got.byKey) != 3 {
		t.Fatalf("read %+v", got)
	}
	if r := got.byKey["asha"]; !r.known || r.unknownObject || !reflect.DeepEqual(r.values, want) {
		t.Errorf("asha = %+v, want known %+v", r, want)
	}
	if r := got.byKey["later"]; r.known || r.unknownObject || !r.values.PhoneNumber.Unknown || !r.values.CountryCode.Known() {
		t.Errorf("later = %+v, want its phone number unknown and the rest read", r)
	}
	if r := got.byKey["whole"]; !r.unknownObject {
		t.Errorf("whole = %+v, want unknown as a whole", r)
	}
	for name, v := range map[string]tftypes.Value{
		"null":    tftypes.NewValue(mapType, nil),
		"unknown": tftypes.NewValue(mapType, tftypes.UnknownValue),
	} {
		got, err := recipientsFromMsgpack(encode(v))
		if err != nil || got.known {
			t.Errorf("%s recipients read as %+v (%v), want not known", name, got, err)
		}
	}
	if _, err := recipientsFromMsgpack([]byte{0x81, 0xa1, 'a'}); err == nil {
		t.Error("a truncated map was read")
	}
}

func campaignRecipientsTerraformType(t *testing.T) tftypes.Map {
	t.Helper()
	typ, ok := campaignRecipientType.TerraformType(context.Background()).(tftypes.Object)
	if !ok {
		t.Fatal("a recipient is not an object")
	}
	return tftypes.Map{ElementType: typ}
}

// TestRecipientsRoundTrip reads, as the campaign does, recipients that
// give each attribute of a recipient each form it can take (known, null,
// unknown, and for lists and maps empty and with null and unknown
// elements), and recipients and the map null and unknown as a whole; and
// encodes what it read again. The value must come back as it went: the
// campaign reads the protocol's msgpack by hand, so an attribute added to
// the recipient's type, or a form the reader mistakes, fails here.
func TestRecipientsRoundTrip(t *testing.T) {
	t.Parallel()
	mapType := campaignRecipientsTerraformType(t)
	objType, ok := mapType.ElementType.(tftypes.Object)
	if !ok {
		t.Fatal("a recipient is not an object")
	}
	// forms are the values of an attribute of typ to try, the first one
	// known and without null or unknown inside.
	forms := func(typ tftypes.Type) []tftypes.Value {
		str := tftypes.NewValue(tftypes.String, "x")
		null, unknown := tftypes.NewValue(typ, nil), tftypes.NewValue(typ, tftypes.UnknownValue)
		list := func(elem tftypes.Type, items ...tftypes.Value) tftypes.Value {
			return tftypes.NewValue(tftypes.List{ElementType: elem}, items)
		}
		switch {
		case typ.Is(tftypes.String):
			return []tftypes.Value{str, null, unknown, tftypes.NewValue(tftypes.String, "")}
		case typ.Is(tftypes.List{ElementType: tftypes.String}):
			return []tftypes.Value{list(tftypes.String, str, str), null, unknown, list(tftypes.String),
				list(tftypes.String, str, tftypes.NewValue(tftypes.String, nil), tftypes.NewValue(tftypes.String, tftypes.UnknownValue))}
		case typ.Is(tftypes.Map{ElementType: tftypes.List{ElementType: tftypes.String}}):
			lists := func(entries map[string]tftypes.Value) tftypes.Value { return tftypes.NewValue(typ, entries) }
			listType := tftypes.List{ElementType: tftypes.String}
			return []tftypes.Value{lists(map[string]tftypes.Value{"0": list(tftypes.String, str), "1": list(tftypes.String, str)}),
				null, unknown, lists(map[string]tftypes.Value{}),
				lists(map[string]tftypes.Value{
					"0": list(tftypes.String, str, tftypes.NewValue(tftypes.String, nil), tftypes.NewValue(tftypes.String, tftypes.UnknownValue)),
					"1": tftypes.NewValue(listType, nil), "2": tftypes.NewValue(listType, tftypes.UnknownValue), "3": list(tftypes.String),
				})}
		}
		t.Fatalf("no forms for a recipient attribute of type %s", typ)
		return nil
	}
	base := map[string]tftypes.Value{}
	for name, typ := range objType.AttributeTypes {
		base[name] = forms(typ)[0]
	}
	recipients := map[string]tftypes.Value{
		"null":    tftypes.NewValue(objType, nil),
		"unknown": tftypes.NewValue(objType, tftypes.UnknownValue),
	}
	for name, typ := range objType.AttributeTypes {
		for i, form := range forms(typ) {
			attrs := maps.Clone(base)
			attrs[name] = form
			recipients[fmt.Sprintf("%s-%d", name, i)] = tftypes.NewValue(objType, attrs)
		}
	}
	for name, v := range map[string]tftypes.Value{
		"every form": tftypes.NewValue(mapType, recipients),
		"empty":      tftypes.NewValue(mapType, map[string]tftypes.Value{}),
		"null":       tftypes.NewValue(mapType, nil),
		"unknown":    tftypes.NewValue(mapType, tftypes.UnknownValue),
	} {
		dv, err := tfprotov6.NewDynamicValue(mapType, v)
		if err != nil {
			t.Fatal(err)
		}
		read, err := recipientsFromMsgpack(dv.MsgPack)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		again, err := tfprotov6.NewDynamicValue(mapType, recipientsValue(t, objType, read))
		if err != nil {
			t.Fatalf("%s: encoding what was read: %v", name, err)
		}
		back, err := again.Unmarshal(mapType)
		if err != nil {
			t.Fatal(err)
		}
		if !back.Equal(v) {
			diffs, _ := v.Diff(back)
			t.Errorf("%s: the recipients came back otherwise: %v", name, diffs)
		}
	}
}

// recipientsValue is m as a value of the recipients' type: each
// attribute of objType from the field of contract.Values that holds it.
func recipientsValue(t *testing.T, objType tftypes.Object, m recipientMap) tftypes.Value {
	t.Helper()
	mapType := tftypes.Map{ElementType: objType}
	switch {
	case m.null:
		return tftypes.NewValue(mapType, nil)
	case !m.known:
		return tftypes.NewValue(mapType, tftypes.UnknownValue)
	}
	str := func(s contract.Str) tftypes.Value {
		switch {
		case s.Null:
			return tftypes.NewValue(tftypes.String, nil)
		case s.Unknown:
			return tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
		}
		return tftypes.NewValue(tftypes.String, s.Value)
	}
	listType := tftypes.List{ElementType: tftypes.String}
	list := func(l contract.List) tftypes.Value {
		switch {
		case l.Null:
			return tftypes.NewValue(listType, nil)
		case l.Unknown:
			return tftypes.NewValue(listType, tftypes.UnknownValue)
		}
		items := make([]tftypes.Value, len(l.Items))
		for i, s := range l.Items {
			items[i] = str(s)
		}
		return tftypes.NewValue(listType, items)
	}
	lists := func(m contract.Map) tftypes.Value {
		typ := tftypes.Map{ElementType: listType}
		switch {
		case m.Null:
			return tftypes.NewValue(typ, nil)
		case m.Unknown:
			return tftypes.NewValue(typ, tftypes.UnknownValue)
		}
		entries := map[string]tftypes.Value{}
		for _, e := range m.Entries {
			entries[e.Key] = list(e.Value)
		}
		return tftypes.NewValue(typ, entries)
	}
	out := map[string]tftypes.Value{}
	for key, r := range m.byKey {
		switch {
		case r.nullObject:
			out[key] = tftypes.NewValue(objType, nil)
			continue
		case r.unknownObject:
			out[key] = tftypes.NewValue(objType, tftypes.UnknownValue)
			continue
		}
		v := r.values
		fields := map[string]tftypes.Value{
			"country_code": str(v.CountryCode), "phone_number": str(v.PhoneNumber),
			"callback_data": str(v.CallbackData), "file_name": str(v.FileName),
			"header_values": list(v.HeaderValues), "body_values": list(v.BodyValues),
			"button_values": lists(v.ButtonValues), "button_payload": lists(v.ButtonPayload),
		}
		attrs := map[string]tftypes.Value{}
		for name := range objType.AttributeTypes {
			f, ok := fields[name]
			if !ok {
				t.Fatalf("the recipient attribute %s has no field in contract.Values", name)
			}
			attrs[name] = f
		}
		out[key] = tftypes.NewValue(objType, attrs)
	}
	return tftypes.NewValue(mapType, out)
}
