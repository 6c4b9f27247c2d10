package sandbox_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/idsdk/idsdk-go/sandbox"
)

// BenchmarkStart measures New and Close of a whole sandbox (every API's
// loopback server); the budget is 100 ms.
func BenchmarkStart(b *testing.B) {
	for b.Loop() {
		sb, err := sandbox.New()
		if err != nil {
			b.Fatal(err)
		}
		if err := sb.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

func TestCloseTwice(t *testing.T) {
	sb, err := sandbox.New()
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.Close(); err != nil {
		t.Fatal(err)
	}
	if err := sb.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestImportsNoGeneratedClient: a user's test that imports the sandbox
// compiles only the generated clients it builds itself.
func TestImportsNoGeneratedClient(t *testing.T) {
	const module = "github.com/idsdk/idsdk-go/"
	out, err := exec.Command("go", "list", "-deps", module+"sandbox").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	n := 0
	for _, dep := range strings.Fields(string(out)) {
		n++
		if strings.HasPrefix(dep, module+"gen/") {
			t.Errorf("package sandbox imports %s", dep)
		}
	}
	if n < 10 {
		t.Fatalf("go list printed %d packages: the check is broken", n)
	}
}
