package wire

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
)

// Shape is one exchange with Interakt by its shape alone: what a live run
// against a real account records (internal/mock/testdata/live/*.json) and
// what the mock's conformance test holds the mock to. It keeps names and
// JSON types, never a value, a number, an id or the key.
//
// Fields maps a JSON document to its fields by path: an object's field
// "data" holding {"id": "x"} is "data": "object" and "data.id": "string";
// an array "tags": ["a"] is "tags": "array" and "tags[]": "string", the
// fields of its elements merged under "tags[]." ("templates[].name"). A
// type is one of string, number, boolean, null, object, array; a field
// seen with two types (an element's null and another's string) keeps both,
// as "null|string".
type Shape struct {
	// Source says where the shape comes from: a live run and its date, or
	// the document or code it was written from until one exists.
	Source string `json:"source"`
	// Confirms names the shape the docs call unconfirmed that this
	// recording settles, when there is one.
	Confirms string `json:"confirms,omitempty"`
	// Observed is what a live run saw of that question (such as "tags
	// added"), written by the live test that asks it; never a value sent.
	Observed string `json:"observed,omitempty"`
	Method   string `json:"method"`
	Path     string `json:"path"`
	// QueryKeys are the query string's parameter names, sorted.
	QueryKeys []string          `json:"query_keys,omitempty"`
	Request   map[string]string `json:"request,omitempty"`
	Status    int               `json:"status"`
	Answer    map[string]string `json:"answer,omitempty"`
}

// ShapeFields maps a JSON document to its fields and types, as Shape
// describes. An empty body has no fields; a body that is not JSON is an
// error.
func ShapeFields(body []byte) (map[string]string, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, nil
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("not JSON: %w", err)
	}
	out := map[string]string{}
	if obj, ok := v.(map[string]any); ok {
		addObjectFields(out, "", obj)
	} else {
		addField(out, "$", v)
	}
	return out, nil
}

func addObjectFields(out map[string]string, prefix string, obj map[string]any) {
	for name, v := range obj {
		addField(out, prefix+name, v)
	}
}

func addField(out map[string]string, path string, v any) {
	mergeType(out, path, jsonType(v))
	switch v := v.(type) {
	case map[string]any:
		addObjectFields(out, path+".", v)
	case []any:
		for _, item := range v {
			mergeType(out, path+"[]", jsonType(item))
			switch item := item.(type) {
			case map[string]any:
				addObjectFields(out, path+"[].", item)
			case []any:
				addField(out, path+"[]", item)
			}
		}
	}
}

// mergeType records typ for path beside any other type already seen there.
func mergeType(out map[string]string, path, typ string) {
	old, ok := out[path]
	if !ok {
		out[path] = typ
		return
	}
	types := strings.Split(old, "|")
	if slices.Contains(types, typ) {
		return
	}
	types = append(types, typ)
	sort.Strings(types)
	out[path] = strings.Join(types, "|")
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case json.Number, float64:
		return "number"
	case bool:
		return "boolean"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	}
	return "unknown"
}

// ShapeDiff lists how got differs from want, field by field, sorted: a
// field one has and the other lacks, or a field of another type. A null
// on either side is taken for any type there: Interakt sends null for an
// absent text, and whether a field is null is a value.
func ShapeDiff(want, got map[string]string) []string {
	var diffs []string
	for _, path := range slices.Sorted(maps.Keys(want)) {
		g, ok := got[path]
		switch {
		case !ok:
			diffs = append(diffs, fmt.Sprintf("%s: recorded as %s, missing", path, want[path]))
		case !typesAgree(want[path], g):
			diffs = append(diffs, fmt.Sprintf("%s: recorded as %s, answered as %s", path, want[path], g))
		}
	}
	for _, path := range slices.Sorted(maps.Keys(got)) {
		if _, ok := want[path]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s: answered as %s, not recorded", path, got[path]))
		}
	}
	return diffs
}

func typesAgree(a, b string) bool {
	strip := func(s string) []string {
		return slices.DeleteFunc(strings.Split(s, "|"), func(t string) bool { return t == "null" })
	}
	sa, sb := strip(a), strip(b)
	return len(sa) == 0 || len(sb) == 0 || slices.Equal(sa, sb)
}
