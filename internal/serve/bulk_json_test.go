package serve

import (
	"bytes"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// TestSavedMsgpackReadsAsTftypesDoes: for every kind of value a bulk
// attribute can hold, savedMsgpack makes the msgpack that tftypes makes
// from the same saved JSON, byte for byte where no map's order is
// involved.
func TestSavedMsgpackReadsAsTftypesDoes(t *testing.T) {
	recipient := tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"phone":   tftypes.String,
		"body":    tftypes.List{ElementType: tftypes.String},
		"buttons": tftypes.Map{ElementType: tftypes.List{ElementType: tftypes.String}},
		"tags":    tftypes.Set{ElementType: tftypes.String},
		"weight":  tftypes.Number,
		"vip":     tftypes.Bool,
		"pair":    tftypes.Tuple{ElementTypes: []tftypes.Type{tftypes.String, tftypes.Number}},
	}}
	for _, tc := range []struct {
		name, saved string
		typ         tftypes.Type
		ordered     bool // no map holds more than one element
	}{
		{"every attribute", `{"ravi":{"phone":"98","body":["Ravi","A-1"],"buttons":{"0":["x"]},"tags":["a","b"],"weight":3,"vip":true,"pair":["p",1.5]}}`, tftypes.Map{ElementType: recipient}, true},
		{"missing attributes are null, unknown ones dropped", `{"ravi":{"phone":"98","gone":{"deep":[1]}}}`, tftypes.Map{ElementType: recipient}, true},
		{"nulls", `{"ravi":{"phone":null,"body":null,"buttons":null,"tags":null,"weight":null,"vip":null,"pair":null},"asha":null}`, tftypes.Map{ElementType: recipient}, false},
		{"empty collections", `{"ravi":{"body":[],"buttons":{},"tags":[]}}`, tftypes.Map{ElementType: recipient}, true},
		{"many keys", `{"a":{"phone":"1"},"b":{"phone":"2"},"c":{"phone":"3"}}`, tftypes.Map{ElementType: recipient}, false},
		{"numbers", `[0, -7, 42, 1.5, 0.1, 1e3, 12345678901234567890, -9223372036854775808, 1e400, "2.5"]`, tftypes.List{ElementType: tftypes.Number}, true},
		{"lenient strings", `["s", 12, 1.25, true, false]`, tftypes.List{ElementType: tftypes.String}, true},
		{"lenient booleans", `[true, false, "true", "false", "1", "0", 1, 0]`, tftypes.List{ElementType: tftypes.Bool}, true},
		{"unicode and escapes", `["\u00e9\u4e2d\ud83d\ude00", "quote \" backslash \\ tab \t", "` + strings.Repeat("long ", 20000) + `"]`, tftypes.List{ElementType: tftypes.String}, true},
		{"a whole null", `null`, tftypes.Map{ElementType: recipient}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, err := tftypes.ValueFromJSONWithOpts([]byte(tc.saved), tc.typ, tftypes.ValueFromJSONOpts{IgnoreUndefinedAttributes: true})
			if err != nil {
				t.Fatalf("tftypes: %v", err)
			}
			wantPacked, err := tfprotov6.NewDynamicValue(tc.typ, want)
			if err != nil {
				t.Fatal(err)
			}
			packed, err := savedMsgpack([]byte(tc.saved), tc.typ)
			if err != nil {
				t.Fatalf("savedMsgpack: %v", err)
			}
			got, err := (&tfprotov6.DynamicValue{MsgPack: packed}).Unmarshal(tc.typ)
			if err != nil {
				t.Fatalf("reading what savedMsgpack made: %v", err)
			}
			if !got.Equal(want) {
				t.Errorf("got %v\nwant %v", got, want)
			}
			if tc.ordered && !bytes.Equal(packed, wantPacked.MsgPack) {
				t.Errorf("bytes differ:\n got %x\nwant %x", packed, wantPacked.MsgPack)
			}
		})
	}
}

// TestSavedMsgpackErrors: a value saved as another kind than its type is
// an error that names where it is.
func TestSavedMsgpackErrors(t *testing.T) {
	recipients := tftypes.Map{ElementType: tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"body":  tftypes.List{ElementType: tftypes.String},
		"pair":  tftypes.Tuple{ElementTypes: []tftypes.Type{tftypes.String}},
		"count": tftypes.Number,
		"vip":   tftypes.Bool,
		"any":   tftypes.DynamicPseudoType,
	}}}
	for _, tc := range []struct{ saved, want string }{
		{`{"ravi":{"body":"Ravi"}}`, `ElementKeyString("ravi").AttributeName("body"): saved as a string, not as tftypes.List[tftypes.String]`},
		{`{"ravi":{"body":["a",{"x":1}]}}`, `ElementKeyString("ravi").AttributeName("body").ElementKeyInt(1): saved as an object, not as tftypes.String`},
		{`{"ravi":{"pair":["a","b"]}}`, `ElementKeyString("ravi").AttributeName("pair"): 2 elements for a tuple of 1`},
		{`{"ravi":{"count":"many"}}`, `ElementKeyString("ravi").AttributeName("count"): reading the number "many"`},
		{`{"ravi":{"vip":"yes"}}`, `ElementKeyString("ravi").AttributeName("vip"): saved as a string, not as tftypes.Bool`},
		{`{"ravi":{"any":{"value":1,"type":"number"}}}`, `ElementKeyString("ravi").AttributeName("any"): a saved tftypes.DynamicPseudoType cannot be read as a bulk attribute`},
		{`["ravi"]`, `saved as an array, not as tftypes.Map`},
		{`{"ravi":`, `unexpected EOF`},
	} {
		_, err := savedMsgpack([]byte(tc.saved), recipients)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("savedMsgpack(%s) = %v, want an error with %q", tc.saved, err, tc.want)
		}
	}
}
