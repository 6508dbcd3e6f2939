// Package contract holds the provider's template and message rules as plain
// Go: it parses template variables, validates template declarations and
// message values, derives a template's contract and fingerprint, splits
// international phone numbers, and builds the request the API receives.
//
// It imports no Terraform package. Callers convert their attribute values
// into the types here (Str, List, Map, TemplateDecl, Contract, Values) and
// turn each Problem into a diagnostic at its Path. A value that is unknown
// (not yet computed at plan time) skips the rules that need it; it never
// fails them.
//
// Rules lists every check with its identifier and severity; each Problem
// names the rule it breaks. ValidateValues allocates nothing when the
// values are valid, so it is cheap enough to run for every recipient of a
// large campaign.
//
// The phone number library this package uses for country calling codes
// and number lengths loads its metadata when the program starts (about
// 5 ms and 2.5 MB); the per-country length table built from it is made on
// first use.
package contract
