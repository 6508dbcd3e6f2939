package serve

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"
)

// savedMsgpack converts a bulk attribute's value in the saved state (JSON)
// to the protocol's msgpack, as tftypes.ValueFromJSON and its msgpack
// encoding would: an object's attributes in name order, those the JSON
// lacks null, those the type lacks dropped. It builds no tftypes values:
// that route re-reads each nested value's JSON from its own decoder, and
// took 1.0 to 1.4 s and about 1 GiB to upgrade the state of 10,000
// recipients.
func savedMsgpack(raw []byte, typ tftypes.Type) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.Grow(len(raw))
	enc := msgpack.NewEncoder(&buf)
	if err := encodeSaved(enc, v, typ); err != nil {
		var at *savedError
		if errors.As(err, &at) {
			return nil, tftypes.NewAttributePathWithSteps(at.steps).NewError(at.err)
		}
		return nil, err
	}
	return buf.Bytes(), nil
}

func encodeSaved(enc *msgpack.Encoder, v any, typ tftypes.Type) error {
	if v == nil {
		return enc.EncodeNil()
	}
	switch typ := typ.(type) {
	case tftypes.Object:
		o, ok := v.(map[string]any)
		if !ok {
			return savedTypeError(v, typ)
		}
		names := make([]string, 0, len(typ.AttributeTypes))
		for name := range typ.AttributeTypes {
			names = append(names, name)
		}
		slices.Sort(names)
		if err := enc.EncodeMapLen(len(names)); err != nil {
			return err
		}
		for _, name := range names {
			if err := enc.EncodeString(name); err != nil {
				return err
			}
			if err := encodeSaved(enc, o[name], typ.AttributeTypes[name]); err != nil {
				return within(err, tftypes.AttributeName(name))
			}
		}
		return nil
	case tftypes.Map:
		m, ok := v.(map[string]any)
		if !ok {
			return savedTypeError(v, typ)
		}
		if err := enc.EncodeMapLen(len(m)); err != nil {
			return err
		}
		for key, elem := range m {
			if err := enc.EncodeString(key); err != nil {
				return err
			}
			if err := encodeSaved(enc, elem, typ.ElementType); err != nil {
				return within(err, tftypes.ElementKeyString(key))
			}
		}
		return nil
	case tftypes.List:
		return encodeSavedArray(enc, v, typ, func(int) tftypes.Type { return typ.ElementType })
	case tftypes.Set:
		return encodeSavedArray(enc, v, typ, func(int) tftypes.Type { return typ.ElementType })
	case tftypes.Tuple:
		if l, ok := v.([]any); ok && len(l) != len(typ.ElementTypes) {
			return &savedError{err: fmt.Errorf("%d elements for a tuple of %d", len(l), len(typ.ElementTypes))}
		}
		return encodeSavedArray(enc, v, typ, func(i int) tftypes.Type { return typ.ElementTypes[i] })
	}
	// Scalars are read as leniently as tftypes reads them.
	switch {
	case typ.Is(tftypes.String):
		switch v := v.(type) {
		case string:
			return enc.EncodeString(v)
		case json.Number:
			return enc.EncodeString(string(v))
		case bool:
			return enc.EncodeString(fmt.Sprint(v))
		}
		return savedTypeError(v, typ)
	case typ.Is(tftypes.Bool):
		switch v {
		case true, "true", "1", json.Number("1"):
			return enc.EncodeBool(true)
		case false, "false", "0", json.Number("0"):
			return enc.EncodeBool(false)
		}
		return savedTypeError(v, typ)
	case typ.Is(tftypes.Number):
		switch v := v.(type) {
		case json.Number:
			return encodeSavedNumber(enc, string(v))
		case string:
			return encodeSavedNumber(enc, v)
		}
		return savedTypeError(v, typ)
	}
	// A dynamic value is saved with its type beside it; no bulk attribute
	// holds one.
	return &savedError{err: fmt.Errorf("a saved %s cannot be read as a bulk attribute", typ)}
}

func encodeSavedArray(enc *msgpack.Encoder, v any, typ tftypes.Type, elemType func(int) tftypes.Type) error {
	l, ok := v.([]any)
	if !ok {
		return savedTypeError(v, typ)
	}
	if err := enc.EncodeArrayLen(len(l)); err != nil {
		return err
	}
	for i, elem := range l {
		if err := encodeSaved(enc, elem, elemType(i)); err != nil {
			return within(err, tftypes.ElementKeyInt(i))
		}
	}
	return nil
}

// encodeSavedNumber encodes a number as tftypes does: an int64 when it is
// one, a float64 when that holds it exactly, and its decimal text
// otherwise.
func encodeSavedNumber(enc *msgpack.Encoder, n string) error {
	f, _, err := big.ParseFloat(n, 10, 512, big.ToNearestEven)
	if err != nil {
		return &savedError{err: fmt.Errorf("reading the number %q: %w", n, err)}
	}
	switch {
	case f.IsInf():
		return enc.EncodeFloat64(math.Inf(f.Sign()))
	case f.IsInt():
		if i, acc := f.Int64(); acc == big.Exact {
			return enc.EncodeInt(i)
		}
	default:
		if fv, acc := f.Float64(); acc == big.Exact {
			return enc.EncodeFloat64(fv)
		}
	}
	return enc.EncodeString(f.Text('f', -1))
}

// savedError is a value that does not read as its type; its path is
// made as the error goes up, so that a value read well makes none.
type savedError struct {
	steps []tftypes.AttributePathStep
	err   error
}

func (e *savedError) Error() string { return e.err.Error() }

// within puts step at the front of err's path.
func within(err error, step tftypes.AttributePathStep) error {
	var at *savedError
	if !errors.As(err, &at) {
		return err
	}
	at.steps = append([]tftypes.AttributePathStep{step}, at.steps...)
	return at
}

func savedTypeError(v any, typ tftypes.Type) error {
	return &savedError{err: fmt.Errorf("saved as %s, not as %s", savedKind(v), typ)}
}

// savedKind names a decoded JSON value's kind.
func savedKind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	}
	return fmt.Sprintf("%T", v)
}
