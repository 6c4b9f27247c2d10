package auth_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/idsdk/idsdk-go/"

// TestCoreNamesNoVendor: the root auth package holds only what every
// credential shares. It imports no vendor package (auth/<vendor>) and no
// generated client (gen/...), and exports no name of a vendor: Auth0,
// Nexaas and Zaikio credentials live in auth/auth0 (and auth/auth0/m2m),
// auth/nexaas and auth/zaikio.
func TestCoreNamesNoVendor(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", module+"auth").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		rel, ours := strings.CutPrefix(dep, module)
		if ours && (strings.HasPrefix(rel, "auth/") || strings.HasPrefix(rel, "gen/")) {
			t.Errorf("package auth imports %s", dep)
		}
	}

	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi os.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, 0)
	if err != nil {
		t.Fatal(err)
	}
	names := 0
	for _, p := range pkgs {
		for _, f := range p.Files {
			for name := range f.Scope.Objects {
				if !ast.IsExported(name) {
					continue
				}
				names++
				for _, vendor := range []string{"Auth0", "Nexaas", "Zaikio"} {
					if strings.HasPrefix(name, vendor) {
						t.Errorf("package auth exports %s (%s)", name, fset.Position(f.Scope.Objects[name].Pos()))
					}
				}
			}
		}
	}
	if names < 30 {
		t.Fatalf("found only %d exported names: the scan is broken", names)
	}
}
