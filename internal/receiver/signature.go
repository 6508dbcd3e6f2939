package receiver

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strings"
)

const signaturePrefix = "sha256="

// Sign returns the Interakt-Signature header value for body under secret:
// "sha256=" and the hex HMAC-SHA256 of the raw body. mock.Sign does the
// same for the mock's webhooks, on purpose written apart from this one: a
// bug shared by the signer and the verifier would pass every test.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return signaturePrefix + hex.EncodeToString(mac.Sum(nil))
}

// validSignature reports whether header is body's signature under any of
// the secrets. Every secret is tried, and compared in constant time, so the
// answer's timing tells nothing about which one matched or how closely.
func validSignature(header string, body []byte, secrets [][]byte) bool {
	hexSum, ok := strings.CutPrefix(strings.TrimSpace(header), signaturePrefix)
	if !ok {
		return false
	}
	got, err := hex.DecodeString(hexSum)
	if err != nil || len(got) != sha256.Size {
		return false
	}
	valid := false
	for _, secret := range secrets {
		mac := hmac.New(sha256.New, secret)
		mac.Write(body)
		if hmac.Equal(got, mac.Sum(nil)) {
			valid = true
		}
	}
	return valid
}

// tokenSet holds the accepted status tokens as SHA-256 digests, so that a
// comparison takes the same time whatever the length of the token offered.
type tokenSet [][sha256.Size]byte

func newTokenSet(tokens []string) tokenSet {
	set := make(tokenSet, 0, len(tokens))
	for _, t := range tokens {
		set = append(set, sha256.Sum256([]byte(t)))
	}
	return set
}

// allows reports whether an "Authorization: Bearer <token>" header names
// one of the tokens.
func (s tokenSet) allows(authorization string) bool {
	scheme, token, ok := strings.Cut(strings.TrimSpace(authorization), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	sum := sha256.Sum256([]byte(strings.TrimSpace(token)))
	valid := 0
	for _, want := range s {
		valid |= subtle.ConstantTimeCompare(sum[:], want[:])
	}
	return valid == 1
}
