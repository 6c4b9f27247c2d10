package errors

import (
	"bytes"
	"html"
	"mime"
	"strconv"
	"strings"

	"github.com/idsdk/idsdk-go/internal/redact"
)

// maxMessage is the number of runes of a server message kept in Error().
const maxMessage = 200

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
	mt := redact.Clip(mediaType(contentType), 60)
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
	return redact.Clip(html.UnescapeString(string(body[start:start+end])), 100)
}
