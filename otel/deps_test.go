package otel_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestCoreDoesNotImportOpenTelemetry: only this package brings
// OpenTelemetry into a build; the clients, the token caches and the retry
// layer know only the observe package.
func TestCoreDoesNotImportOpenTelemetry(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool in PATH")
	}
	const mod = "github.com/idsdk/idsdk-go/"
	args := []string{"list", "-deps"}
	for _, p := range []string{"auth", "internal/facade", "retry", "observe", "gen/nexaasid", "gen/auth0mgmt", "gen/authlete", "gen/auth0auth", "gen/zaikiohub"} {
		args = append(args, mod+p)
	}
	out, err := exec.Command(goTool, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, line := range strings.Fields(string(out)) {
		if strings.HasPrefix(line, "go.opentelemetry.io/") {
			t.Errorf("a core package depends on %s", line)
		}
	}
}
