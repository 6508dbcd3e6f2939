package provider

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"sort"

	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"

	"github.com/interakt-community/terraform-provider-interakt/internal/contract"
)

// A campaign's recipients and results come as the plugin protocol's
// msgpack (serve.Bulk), and are read here straight into the campaign's
// types: decoding them into tftypes values first made a plan of 100,000
// recipients hold 600 MiB of them. The encoding is Terraform's: an object
// or a map is a msgpack map, a list an array, a null nil, and an unknown
// value an extension (with or without refinements).

// msgpackReader reads the protocol's msgpack and keeps the first error;
// known is cleared when an unknown value is read.
type msgpackReader struct {
	dec   *msgpack.Decoder
	err   error
	known bool
}

func newMsgpackReader(raw []byte) *msgpackReader {
	return &msgpackReader{dec: msgpack.NewDecoder(bytes.NewReader(raw)), known: true}
}

func (r *msgpackReader) fail(err error) {
	if r.err == nil && err != nil {
		r.err = err
	}
}

// state reads a null or an unknown value if one comes next: null and
// unknown report which, and neither means a value follows.
func (r *msgpackReader) state() (null, unknown bool) {
	if r.err != nil {
		return true, false
	}
	code, err := r.dec.PeekCode()
	if err != nil {
		r.fail(err)
		return true, false
	}
	switch {
	case code == msgpcode.Nil:
		r.fail(r.dec.DecodeNil())
		return true, false
	case msgpcode.IsExt(code):
		r.fail(r.dec.Skip())
		r.known = false
		return false, true
	}
	return false, false
}

// mapLen reads the length of a known, non-null map or object.
func (r *msgpackReader) mapLen() int {
	n, err := r.dec.DecodeMapLen()
	r.fail(err)
	return n
}

func (r *msgpackReader) key() string {
	s, err := r.dec.DecodeString()
	r.fail(err)
	return s
}

func (r *msgpackReader) skip() {
	r.fail(r.dec.Skip())
}

func (r *msgpackReader) str() contract.Str {
	if null, unknown := r.state(); null {
		return contract.NullStr()
	} else if unknown {
		return contract.UnknownStr()
	}
	s, err := r.dec.DecodeString()
	r.fail(err)
	return contract.StrOf(s)
}

// plain reads a string that is null or known, as "" when null.
func (r *msgpackReader) plain() string {
	s := r.str()
	return s.Value
}

func (r *msgpackReader) list() contract.List {
	if null, unknown := r.state(); null {
		return contract.List{Null: true}
	} else if unknown {
		return contract.List{Unknown: true}
	}
	n, err := r.dec.DecodeArrayLen()
	r.fail(err)
	out := contract.List{Items: make([]contract.Str, 0, max(n, 0))}
	for range n {
		out.Items = append(out.Items, r.str())
	}
	return out
}

// indexedLists reads a map of lists, its keys sorted so that problems come
// out in a stable order.
func (r *msgpackReader) indexedLists() contract.Map {
	if null, unknown := r.state(); null {
		return contract.Map{Null: true}
	} else if unknown {
		return contract.Map{Unknown: true}
	}
	n := r.mapLen()
	out := contract.Map{Entries: make([]contract.Entry, 0, max(n, 0))}
	for range n {
		k := r.key()
		out.Entries = append(out.Entries, contract.Entry{Key: k, Value: r.list()})
	}
	sort.Slice(out.Entries, func(i, j int) bool { return out.Entries[i].Key < out.Entries[j].Key })
	return out
}

// recipient reads one recipient's attributes; every attribute the object
// leaves out is null.
func (r *msgpackReader) recipient() contract.Values {
	v := contract.Values{
		CountryCode: contract.NullStr(), PhoneNumber: contract.NullStr(), CallbackData: contract.NullStr(), FileName: contract.NullStr(),
		HeaderValues: contract.List{Null: true}, BodyValues: contract.List{Null: true},
		ButtonValues: contract.Map{Null: true}, ButtonPayload: contract.Map{Null: true},
	}
	for range r.mapLen() {
		switch name := r.key(); name {
		case "country_code":
			v.CountryCode = r.str()
		case "phone_number":
			v.PhoneNumber = r.str()
		case "callback_data":
			v.CallbackData = r.str()
		case "file_name":
			v.FileName = r.str()
		case "header_values":
			v.HeaderValues = r.list()
		case "body_values":
			v.BodyValues = r.list()
		case "button_values":
			v.ButtonValues = r.indexedLists()
		case "button_payload":
			v.ButtonPayload = r.indexedLists()
		default:
			r.fail(fmt.Errorf("unexpected recipient attribute %q", name))
			r.skip()
		}
		if r.err != nil {
			break
		}
	}
	return v
}

// recipientsFromMsgpack reads the recipients map. A recipient that is
// unknown or null as a whole is kept, marked so, with no values.
func recipientsFromMsgpack(raw []byte) (recipientMap, error) {
	r := newMsgpackReader(raw)
	if null, unknown := r.state(); null || unknown {
		return recipientMap{null: null && r.err == nil}, r.err
	}
	n := r.mapLen()
	out := recipientMap{known: true, byKey: make(map[string]recipientValue, max(n, 0))}
	for range n {
		key := r.key()
		if null, unknown := r.state(); null || unknown {
			out.byKey[key] = recipientValue{unknownObject: unknown, nullObject: null}
			continue
		}
		r.known = true
		values := r.recipient()
		out.byKey[key] = recipientValue{values: values, known: r.known}
		if r.err != nil {
			return recipientMap{}, fmt.Errorf("recipient %q: %w", key, r.err)
		}
	}
	return out, r.err
}

// resultsFromMsgpack reads results; null means none yet.
func resultsFromMsgpack(raw []byte) (resultMap, error) {
	out := resultMap{byKey: map[string]recipientResult{}}
	r := newMsgpackReader(raw)
	if null, unknown := r.state(); null || unknown {
		out.unknown = unknown
		return out, r.err
	}
	for range r.mapLen() {
		key := r.key()
		if null, unknown := r.state(); null || unknown {
			continue
		}
		var res recipientResult
		for range r.mapLen() {
			switch name := r.key(); name {
			case "message_id":
				res.MessageID = r.plain()
			case "status":
				res.Status = r.plain()
			case "error":
				res.Error = r.plain()
			case "sent_at":
				res.SentAt = r.plain()
			case "inputs_hash":
				res.InputsHash = r.plain()
			case "attempt_id":
				res.AttemptID = r.plain()
			case "delivery_status":
				res.DeliveryStatus = r.plain()
			default:
				r.fail(fmt.Errorf("unexpected result attribute %q", name))
			}
		}
		if r.err != nil {
			return out, fmt.Errorf("result %q: %w", key, r.err)
		}
		out.byKey[key] = res
	}
	return out, r.err
}

// resultsToMsgpack is the state form of results, in key order: each
// attribute but status is null when empty.
func resultsToMsgpack(results map[string]recipientResult) ([]byte, error) {
	var buf bytes.Buffer
	enc := msgpack.NewEncoder(&buf)
	var err error
	check := func(e error) {
		if err == nil {
			err = e
		}
	}
	check(enc.EncodeMapLen(len(results)))
	for _, key := range slices.Sorted(maps.Keys(results)) {
		res := results[key]
		attrs := [...]struct{ name, value string }{
			{"message_id", res.MessageID}, {"status", res.Status}, {"error", res.Error}, {"sent_at", res.SentAt},
			{"inputs_hash", res.InputsHash}, {"attempt_id", res.AttemptID}, {"delivery_status", res.DeliveryStatus},
		}
		check(enc.EncodeString(key))
		check(enc.EncodeMapLen(len(attrs)))
		for _, a := range attrs {
			check(enc.EncodeString(a.name))
			if a.value == "" && a.name != "status" {
				check(enc.EncodeNil())
			} else {
				check(enc.EncodeString(a.value))
			}
		}
	}
	return buf.Bytes(), err
}
