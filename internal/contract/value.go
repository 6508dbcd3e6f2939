package contract

// Str is a string attribute as the configuration holds it: a value, null
// (not set), or unknown (not computed until apply).
type Str struct {
	Value   string
	Null    bool
	Unknown bool
}

// StrOf returns a known, non-null Str holding v.
func StrOf(v string) Str { return Str{Value: v} }

// NullStr returns a null Str.
func NullStr() Str { return Str{Null: true} }

// UnknownStr returns an unknown Str.
func UnknownStr() Str { return Str{Unknown: true} }

// Known reports whether s is neither null nor unknown.
func (s Str) Known() bool { return !s.Null && !s.Unknown }

// Given reports whether s holds a known, non-empty value.
func (s Str) Given() bool { return !s.Null && !s.Unknown && s.Value != "" }

// Missing reports whether s is known to hold nothing: null or empty.
func (s Str) Missing() bool { return !s.Unknown && (s.Null || s.Value == "") }
