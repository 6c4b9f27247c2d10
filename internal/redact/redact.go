// Package redact is the one home of credential redaction in this module:
// the placeholder a hidden value turns into, the fmt, log/slog and
// encoding/json methods every credential-holding type delegates to, the
// scrubbing of known secret strings out of text a server repeats back, the
// clipping of server text for one line of an error (Clip), the scrubbing
// of URLs shown in errors and logs (SafeURL, URL, URLs), and the two small
// checks every HTTP path shares (Drain, IsTimeout).
//
// A type that holds a credential has a String method that describes it
// without the credential, and methods that all print that description:
//
//	func (t T) Format(f fmt.State, verb rune)  { redact.Format(f, verb, t.String()) }
//	func (t T) MarshalJSON() ([]byte, error)   { return redact.JSON(t.String()) }
//	func (t *T) LogValue() slog.Value          { return redact.PointerLogValue(t) }
//
// Value receivers put Format and MarshalJSON in the method sets of both T
// and *T, so a copy, a pointer, and a T nested in a slice, map or struct
// all redact: fmt (and slog's text handler, which prints values that are
// not LogValuers with %+v) calls Format, and slog's JSON handler (which
// encodes them with encoding/json) calls MarshalJSON. LogValue takes the
// pointer so a nil pointer logs "<nil>" rather than a panic. Types that
// hold a lock keep pointer receivers throughout: go vet refuses copies of
// them.
//
// One reach is beyond any method: fmt cannot call methods on a value kept
// in an unexported field of another struct, and prints its fields as they
// are (a pointer there prints as an address, except under a verb that does
// not fit a pointer, such as %s, which prints what it points to).
package redact

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
)

// Placeholder is what a hidden value turns into.
const Placeholder = "[redacted]"

// Format writes text for every verb of the fmt package: %q quotes it, every
// other verb (%v, %+v, %#v, %s, %x, %d, ...) writes it as it is, so no verb
// reaches the value the text stands for.
func Format(f fmt.State, verb rune, text string) {
	if verb == 'q' {
		text = strconv.Quote(text)
	}
	_, _ = f.Write([]byte(text))
}

// LogValue is the slog value of a credential-holding type: its safe text.
func LogValue(text string) slog.Value { return slog.StringValue(text) }

// JSON encodes text as a JSON string, for MarshalJSON methods.
func JSON(text string) ([]byte, error) { return json.Marshal(text) }

// PointerLogValue is the LogValue of a *T whose T describes itself with a
// value String method: the methods that print T (Format, MarshalJSON) take
// values, so copies and nested values redact, while LogValue takes the
// pointer, so that a nil pointer logs "<nil>" instead of a panic.
func PointerLogValue[T fmt.Stringer](p *T) slog.Value {
	if p == nil {
		return slog.StringValue("<nil>")
	}
	return slog.StringValue((*p).String())
}
