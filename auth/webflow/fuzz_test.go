package webflow_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/idsdk/idsdk-go/auth/webflow"
)

// FuzzSafeOrigin checks that an accepted origin, resolved the way a
// browser resolves a Location header against the app's URL, never leaves
// the app's host.
func FuzzSafeOrigin(f *testing.F) {
	for _, s := range []string{"/", "/a?b=c#d", "//evil", "/\\evil", "/%2F/evil", "https://evil", "/%5C%5Cevil", "/\t/evil", "/.//evil", "/%252f%252fevil", "/@evil", "/;//evil"} {
		f.Add(s)
	}
	base, _ := url.Parse("https://app.example/zaikio/sessions/approve")
	f.Fuzz(func(t *testing.T, origin string) {
		got, ok := webflow.SafeOrigin(origin)
		if !ok {
			return
		}
		if got != origin {
			t.Fatalf("SafeOrigin changed %q to %q", origin, got)
		}
		// Browsers treat a backslash like a slash and drop tabs and
		// newlines before resolving; do the same.
		norm := strings.NewReplacer("\\", "/", "\t", "", "\n", "", "\r", "").Replace(origin)
		u, err := base.Parse(norm)
		if err != nil {
			return
		}
		if u.Host != "app.example" || u.Scheme != "https" {
			t.Fatalf("origin %q resolves to %s", origin, u)
		}
	})
}
