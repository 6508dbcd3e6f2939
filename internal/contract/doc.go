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
// The validation functions allocate nothing when the input is valid, so
// they are cheap enough to run for every recipient of a large campaign.
package contract
