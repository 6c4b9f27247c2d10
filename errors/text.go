package errors

import (
	"bytes"
	"html"
	"mime"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/idsdk/idsdk-go/internal/redact"
)

// maxMessage is the number of runes of a server message kept in Error().
const maxMessage = 200

// clean makes server-supplied text fit for a one-line error: invalid UTF-8 is
// replaced, line breaks and tabs become spaces, other control and invisible
// format characters are dropped, runs of spaces shrink to one, URL query
// strings and secret-looking parameters are removed, and the result is cut to
// max runes (marked with "...").
func clean(s string, max int) string {
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
	out = redactSecrets(redact.URLs(out))
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
// redact.IsSecretParam accepts with redact.Placeholder.
func redactSecrets(s string) string {
	if !strings.Contains(s, "=") {
		return s
	}
	lower := redact.LowerASCII(s)
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
		if !redact.IsSecretParam(lower[start:i]) {
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
		b.WriteString(redact.Placeholder)
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

// mediaType returns the lower-case media type of a Content-Type value
// without parameters, or "" when there is none.
func mediaType(contentType string) string {
	if contentType == "" {
		return ""
	}
	if mt, _, err := mime.ParseMediaType(contentType); err == nil {
		return mt
	}
	mt, _, _ := strings.Cut(contentType, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

// describeBody says what kind of body an error carried when no code or
// message could be taken from it: "empty body", or its media type and size,
// and the title of an HTML page.
func describeBody(contentType string, body []byte, truncated bool) string {
	mt := clean(mediaType(contentType), 60)
	if len(body) == 0 && !truncated {
		if mt == "" {
			return "empty body"
		}
		return "empty " + mt + " body"
	}
	if mt == "" {
		mt = "untyped"
	}
	var b strings.Builder
	b.WriteString(mt)
	b.WriteString(" body, ")
	if truncated {
		b.WriteString("more than ")
	}
	b.WriteString(strconv.Itoa(len(body)))
	b.WriteString(" bytes")
	if t := htmlTitle(body); t != "" {
		b.WriteString(`, title "`)
		b.WriteString(t)
		b.WriteString(`"`)
	}
	return b.String()
}

// htmlTitle returns the cleaned text of the first <title> element of body,
// or "". It looks for the tag whatever the declared content type, since
// proxies often send HTML error pages under other types.
func htmlTitle(body []byte) string {
	const maxScan = 16 << 10 // a title sits near the top of a page
	if len(body) > maxScan {
		body = body[:maxScan]
	}
	lower := []byte(redact.LowerASCII(string(body)))
	i := bytes.Index(lower, []byte("<title"))
	if i < 0 {
		return ""
	}
	j := bytes.IndexByte(lower[i:], '>')
	if j < 0 {
		return ""
	}
	start := i + j + 1
	end := bytes.Index(lower[start:], []byte("</title"))
	if end < 0 {
		return ""
	}
	return clean(html.UnescapeString(string(body[start:start+end])), 100)
}
