package client

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Kind says what a failed request means for whoever sent it: whether the
// API certainly did not act on it (Certain) or may have (Uncertain).
type Kind int

// The kinds of failure. KindUncertain is the zero value, so an Error built
// without a kind is treated as possibly processed and never re-sent.
const (
	// KindUncertain: the API may have processed the request (a 5xx, a
	// timeout or a reset after the request was written, a 2xx without a
	// readable id). A send of this kind must not be repeated automatically.
	KindUncertain Kind = iota
	// KindRejected: the API answered 400 (or another 4xx), or a 2xx with
	// result false; Message holds its text verbatim.
	KindRejected
	// KindUnauthorized: the API answered 401; the key is wrong.
	KindUnauthorized
	// KindForbidden: the API answered 403; the account may not use the API.
	KindForbidden
	// KindRateLimited: the API still answered 429 after every retry.
	KindRateLimited
	// KindUnsent: the request certainly never reached the API (no
	// connection after every retry, or the context ended while waiting
	// for the rate limiter or a backoff).
	KindUnsent
)

// String returns the kind's name as used in logs and state.
func (k Kind) String() string {
	switch k {
	case KindUncertain:
		return "uncertain"
	case KindRejected:
		return "rejected"
	case KindUnauthorized:
		return "unauthorized"
	case KindForbidden:
		return "forbidden"
	case KindRateLimited:
		return "rate_limited"
	case KindUnsent:
		return "unsent"
	default:
		return fmt.Sprintf("kind(%d)", int(k))
	}
}

// Certain reports whether a request that failed with this kind certainly
// had no effect at the API, so sending it again cannot duplicate it.
func (k Kind) Certain() bool { return k != KindUncertain }

// Error is a failed request. Use errors.As to get it from any error the
// client returns. Its text never contains the API key or the status token.
type Error struct {
	Kind Kind
	// Op names the operation, such as "send template".
	Op string
	// StatusCode is the HTTP status, or 0 when no response arrived.
	StatusCode int
	// Message is the API's message verbatim, when it sent one.
	Message string
	// RetryAfter is how long the API asked to wait (429), or zero.
	RetryAfter time.Duration
	// Err is the underlying transport or context error, if any.
	Err error
	// Receiver marks a request to the status receiver (a status read,
	// the send journal, the rate budget) rather than Interakt's API: its
	// 401 refuses the status token, not the API key.
	Receiver bool
}

// Error describes the failure, the API's message included verbatim.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	server := "the API"
	if e.Receiver {
		server = "the status receiver"
	}
	switch {
	case e.Kind == KindUnauthorized && e.Receiver:
		b.WriteString("the status receiver rejected the status token")
	case e.Kind == KindUnauthorized:
		b.WriteString("the API rejected the credentials")
	case e.Kind == KindRejected:
		b.WriteString(server + " rejected the request")
	case e.Kind == KindForbidden:
		b.WriteString(server + " refused access")
	case e.Kind == KindRateLimited:
		b.WriteString(server + "'s rate limit was still exceeded after retrying")
	case e.Kind == KindUnsent:
		b.WriteString("the request was not sent")
	default:
		b.WriteString("the outcome is uncertain (" + server + " may have processed the request)")
	}
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, " (HTTP %d)", e.StatusCode)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, "; retry after %s", e.RetryAfter)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Certain reports whether the API certainly did not act on the request.
func (e *Error) Certain() bool { return e.Kind.Certain() }

// ReceiverError returns the first *Error of a request to the status
// receiver in err's chain, however deep: a send stopped because the rate
// budget at the receiver refused the status token is an API operation's
// error wrapping the receiver's.
func ReceiverError(err error) (*Error, bool) {
	for err != nil {
		if e, ok := err.(*Error); ok && e.Receiver {
			return e, true
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, inner := range u.Unwrap() {
				if e, ok := ReceiverError(inner); ok {
					return e, true
				}
			}
			return nil, false
		default:
			return nil, false
		}
	}
	return nil, false
}

// KindOf returns the Kind of the *Error in err's chain. Any other non-nil
// error counts as KindUncertain, the safe assumption for a send.
func KindOf(err error) Kind {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Kind
	}
	return KindUncertain
}

// IsCertain reports whether err is a failure the API certainly did not act
// on, so the same request may be sent again without risk of a duplicate.
func IsCertain(err error) bool {
	return err != nil && KindOf(err).Certain()
}
