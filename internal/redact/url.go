package redact

// This file holds the scrubbing of URLs shown in errors and logs, and the
// two small checks every HTTP path shares: draining a body that is thrown
// away, and telling a timeout.

import (
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"strings"
)

// SafeURL renders u as scheme://host/path, dropping user information, the
// query string and the fragment.
func SafeURL(u *url.URL) string {
	v := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, RawPath: u.RawPath}
	if u.Opaque != "" {
		// An opaque URL has no path to keep; its opaque part may hold a query.
		v.Opaque, _, _ = strings.Cut(u.Opaque, "?")
	}
	return v.String()
}

// URL removes the user information, query and fragment from a URL
// given as text. It works without parsing, so it copes with malformed input.
func URL(s string) string {
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i]
	}
	if i := strings.Index(s, "://"); i >= 0 {
		rest := s[i+3:]
		end := strings.IndexByte(rest, '/')
		if end < 0 {
			end = len(rest)
		}
		if at := strings.LastIndexByte(rest[:end], '@'); at >= 0 {
			s = s[:i+3] + rest[at+1:]
		}
	}
	return s
}

// URLs applies URL to every http or https URL inside s, such as the
// one a *url.Error quotes.
func URLs(s string) string {
	lower := LowerASCII(s)
	if !strings.Contains(lower, "http://") && !strings.Contains(lower, "https://") {
		return s
	}
	var b strings.Builder
	for {
		i := indexURL(lower)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := strings.IndexAny(s[i:], " \t\"'<>`")
		if end < 0 {
			end = len(s) - i
		}
		b.WriteString(s[:i])
		b.WriteString(URL(s[i : i+end]))
		s, lower = s[i+end:], lower[i+end:]
	}
}

func indexURL(lower string) int {
	a, b := strings.Index(lower, "http://"), strings.Index(lower, "https://")
	switch {
	case a < 0:
		return b
	case b < 0:
		return a
	}
	return min(a, b)
}

// LowerASCII lower-cases ASCII letters only, so byte offsets into the result
// are offsets into s (strings.ToLower may change the length).
func LowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// Drain reads a little of a body that is thrown away (at most 4 KiB), so
// that its connection can be used again, and closes it.
func Drain(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 4<<10))
	body.Close()
}

// IsTimeout reports whether err is, or wraps, context.DeadlineExceeded or
// a net.Error whose Timeout() is true.
func IsTimeout(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
