package contract

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strings"
)

// Contract is what a message needs to know of its template: the template's
// identity, its header format and the variable counts and buttons values
// must match. ContractOf derives it from a declaration; a user may also
// write one by hand with only Name and LanguageCode, and then a nil field
// (or ButtonsKnown false) means "not given": the rules that need it are
// skipped.
type Contract struct {
	Name         string
	LanguageCode string
	// HeaderFormat is NONE, TEXT, IMAGE, VIDEO or DOCUMENT.
	HeaderFormat *string
	// HeaderVariables is 0 or 1 (only a TEXT header has a variable).
	HeaderVariables *int
	BodyVariables   *int
	// Buttons lists the template's buttons; it is complete when
	// ButtonsKnown is set.
	Buttons      []ContractButton
	ButtonsKnown bool
}

// ContractButton is one button of a contract.
type ContractButton struct {
	// Index is the button's position in the template, from 0.
	Index int
	// Type is QUICK_REPLY, URL, PHONE_NUMBER or COPY_CODE.
	Type string
	// Dynamic says a URL button's url ends with {{1}}, whose value each
	// message gives in button_values.
	Dynamic bool
}

// button returns the contract's button at index i.
func (c *Contract) button(i int) (ContractButton, bool) {
	for _, b := range c.Buttons {
		if b.Index == i {
			return b, true
		}
	}
	return ContractButton{}, false
}

// ContractOf derives the contract of a declaration. A template without a
// header has HeaderFormat "NONE" and no header variables. A field whose
// source is unknown is left nil (ButtonsKnown false for buttons); callers
// treat the contract as unknown while d.HasUnknown().
func ContractOf(d TemplateDecl) Contract {
	c := Contract{Name: d.Name.Value, LanguageCode: d.LanguageCode.Value}
	switch h := d.Header; {
	case h == nil:
		c.HeaderFormat, c.HeaderVariables = ptr(HeaderNone), ptr(0)
	case h.Unknown || h.Format.Unknown:
	case h.Format.Value == HeaderText:
		c.HeaderFormat = ptr(HeaderText)
		if !h.Text.Unknown {
			c.HeaderVariables = ptr(len(Variables(h.Text.Value)))
		}
	default:
		c.HeaderFormat, c.HeaderVariables = ptr(h.Format.Value), ptr(0)
	}
	if !d.Body.Unknown {
		c.BodyVariables = ptr(len(Variables(d.Body.Value)))
	}
	if d.ButtonsUnknown {
		return c
	}
	c.ButtonsKnown = true
	if len(d.Buttons) > 0 {
		c.Buttons = make([]ContractButton, 0, len(d.Buttons))
	}
	for i, b := range d.Buttons {
		if b.Unknown || b.Type.Unknown || b.Type.Value == ButtonURL && b.URL.Unknown {
			c.Buttons, c.ButtonsKnown = nil, false
			break
		}
		c.Buttons = append(c.Buttons, ContractButton{
			Index:   i,
			Type:    b.Type.Value,
			Dynamic: b.Type.Value == ButtonURL && strings.HasSuffix(b.URL.Value, dynamicURLSuffix),
		})
	}
	return c
}

func ptr[T any](v T) *T { return &v }

// fingerprintVersion starts the canonical encoding; change it whenever the
// encoding changes.
const fingerprintVersion = "interakt-template-v1"

// Fingerprint returns the hex SHA-256 of a canonical encoding of d: every
// field in a fixed order, each length-prefixed, with null and empty alike.
// Equal declarations have equal fingerprints across versions of this
// package as long as fingerprintVersion is unchanged. It is meaningful only
// when !d.HasUnknown().
func Fingerprint(d TemplateDecl) string {
	h := sha256.New()
	var buf [binary.MaxVarintLen64]byte
	write := func(s string) {
		n := binary.PutUvarint(buf[:], uint64(len(s)))
		_, _ = h.Write(buf[:n]) // A hash.Hash never returns an error from Write.
		_, _ = h.Write([]byte(s))
	}
	write(fingerprintVersion)
	write(d.Name.Value)
	write(d.LanguageCode.Value)
	write(d.Category.Value)
	if d.Header == nil {
		write("-")
	} else {
		write("+")
		write(d.Header.Format.Value)
		write(d.Header.Text.Value)
	}
	write(d.Body.Value)
	write(d.Footer.Value)
	n := binary.PutUvarint(buf[:], uint64(len(d.Buttons)))
	_, _ = h.Write(buf[:n])
	for _, b := range d.Buttons {
		write(b.Type.Value)
		write(b.Text.Value)
		write(b.URL.Value)
		write(b.PhoneNumber.Value)
		write(b.Example.Value)
	}
	return hex.EncodeToString(h.Sum(nil))
}
