package auth

import (
	"fmt"
	"log/slog"
	"strconv"

	"github.com/idsdk/idsdk-go/internal/redact"
)

// redacted is what every formatted secret turns into.
const redacted = redact.Placeholder

// Secret is a string that never shows up when formatted (with any verb of
// the fmt package, %v, %+v, %#v, %s, %q, %x included), logged with
// log/slog (text or JSON handler, also nested in a slice, map or struct)
// or encoded with encoding/json or encoding (MarshalText): all of them
// write "[redacted]" ("" for an empty secret). Use Reveal to get the value
// itself, for example to persist it.
//
// Decoding is not changed: encoding/json reads a Secret field as a plain
// string, so configurations load as before. One place is out of reach:
// encoding/json writes map keys of a string type as they are, so never key
// a map by a Secret.
type Secret string

// Reveal returns the secret value.
func (s Secret) Reveal() string { return string(s) }

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s == "" }

// String returns "[redacted]", or "" for an empty secret.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString returns a redacted Go expression.
func (s Secret) GoString() string { return "auth.Secret(" + strconv.Quote(s.String()) + ")" }

// Format prints the redacted form for every verb.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		redact.Format(f, 's', s.GoString())
		return
	}
	redact.Format(f, verb, s.String())
}

// LogValue keeps the secret out of slog output (a Secret value needs no
// LogValue: slog prints it with MarshalJSON or MarshalText).
func (s *Secret) LogValue() slog.Value { return redact.PointerLogValue(s) }

// MarshalJSON writes the redacted form, so a Secret nested in a value that
// slog's JSON handler (or anything else) encodes stays hidden.
func (s Secret) MarshalJSON() ([]byte, error) { return redact.JSON(s.String()) }

// MarshalText writes the redacted form.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// formatRedacted writes text for every verb (see redact.Format).
func formatRedacted(f fmt.State, verb rune, text string) { redact.Format(f, verb, text) }
