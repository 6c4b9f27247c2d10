package m2m_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestManagementClientCompilesNoOtherAPI: a program that imports one API
// compiles no other API's generated code. gen/auth0mgmt builds its
// credential options on this package, so this package (and with it the
// Management API client) must not reach gen/auth0auth, as auth/auth0 does.
func TestManagementClientCompilesNoOtherAPI(t *testing.T) {
	const module = "github.com/idsdk/idsdk-go/"
	for _, pkg := range []string{"auth/auth0/m2m", "gen/auth0mgmt"} {
		out, err := exec.Command("go", "list", "-deps", module+pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			if rel, ok := strings.CutPrefix(dep, module); ok && strings.HasPrefix(rel, "gen/") && rel != pkg {
				t.Errorf("%s imports %s", pkg, dep)
			}
		}
	}
}
