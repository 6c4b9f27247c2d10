package auth

import (
	"fmt"
	"log/slog"
	"strconv"
)

// redacted is what every formatted secret turns into.
const redacted = "[redacted]"

// Secret is a string that never shows up when formatted (with any verb of
// the fmt package, %v, %+v, %#v, %s, %q, %x included) or logged with
// log/slog. Use Reveal to get the value itself.
//
// Secret does not change encoding/json: a Secret field of a struct you
// marshal is written as its value, so stores can persist it.
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
		writeString(f, s.GoString())
		return
	}
	formatRedacted(f, verb, s.String())
}

// LogValue keeps the secret out of slog output.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// formatRedacted writes text for the verbs that print strings and quotes it
// for %q; any other verb (%x, %d, ...) gets the same text, so no verb can
// reach the value behind it.
func formatRedacted(f fmt.State, verb rune, text string) {
	if verb == 'q' {
		text = strconv.Quote(text)
	}
	writeString(f, text)
}

func writeString(f fmt.State, s string) { _, _ = f.Write([]byte(s)) }
