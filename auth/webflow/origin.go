package webflow

import (
	"net/url"
	"strings"
)

// SafeOrigin reports whether origin is a same-site relative path that is
// safe to redirect to after sign-in, and returns it cleaned. It accepts
// only paths that start with a single "/" (with an optional query and
// fragment) and refuses everything a browser could read as another host:
// "//host", "/\host", schemes ("https:", "javascript:"), backslashes,
// control characters, and the same tricks percent-encoded (once or more).
func SafeOrigin(origin string) (string, bool) {
	if origin == "" || len(origin) > 2048 {
		return "", false
	}
	// Decode a few rounds: every decoded form must pass the same checks,
	// so "%2F%2Fevil.com" and "/%5Cevil.com" are refused too.
	s := origin
	for i := 0; i < 4; i++ {
		if !safePath(s) {
			return "", false
		}
		d, err := url.PathUnescape(s)
		if err != nil {
			return "", false
		}
		if d == s {
			break
		}
		s = d
	}
	u, err := url.Parse(origin)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "", false
	}
	return origin, true
}

// safePath checks one (possibly decoded) form of an origin.
func safePath(s string) bool {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f || c == '\\' {
			return false
		}
	}
	return true
}
