package redact

// This file holds the one clipping of server text for one line of an
// error or a log record.

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Clip makes server-supplied text fit for one line of an error: invalid UTF-8 is
// replaced, line breaks and tabs become spaces, other control and invisible
// format characters are dropped, runs of spaces shrink to one, URL query
// strings and secret-looking parameters are removed, and the result is cut to
// max runes (marked with "...").
func Clip(s string, max int) string {
	if s == "" {
		return ""
	}
	// Bound the work before anything else: a cut at 4 bytes per rune is
	// always enough for max runes, plus room for the URL scrubbing to shrink.
	if lim := 8*max + 64; len(s) > lim {
		s = s[:lim]
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			if !space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = true
			continue
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			continue
		}
		space = false
		b.WriteRune(r)
	}
	out := strings.TrimRight(b.String(), " ")
	out = redactSecrets(URLs(out))
	if utf8.RuneCountInString(out) > max {
		n := 0
		for i := range out {
			if n == max {
				out = strings.TrimRight(out[:i], " ") + "..."
				break
			}
			n++
		}
	}
	return out
}

// redactSecrets replaces the value of every name=value pair whose name
// IsSecretParam accepts with Placeholder.
func redactSecrets(s string) string {
	if !strings.Contains(s, "=") {
		return s
	}
	lower := LowerASCII(s)
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '=' {
			continue
		}
		// The name runs back to the previous non-name character.
		start := i
		for start > 0 && isNameByte(s[start-1]) {
			start--
		}
		if !IsSecretParam(lower[start:i]) {
			continue
		}
		end := i + 1
		for end < len(s) && !strings.ContainsRune("&; ,\"'<>)", rune(s[end])) {
			end++
		}
		if end == i+1 {
			continue
		}
		b.WriteString(s[last : i+1])
		b.WriteString(Placeholder)
		last = end
		i = end - 1
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func isNameByte(c byte) bool {
	return c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
