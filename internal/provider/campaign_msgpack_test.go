package provider

import (
	"context"
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
