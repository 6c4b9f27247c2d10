package tokenstore_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestDriverPackagesLinkOnlyTheirDriver builds the import graph of a tiny
// program per driver package and checks the other driver is absent, and
// that the core package links neither.
func TestDriverPackagesLinkOnlyTheirDriver(t *testing.T) {
	const (
		sqliteDriver = "modernc.org/sqlite"
		pgxDriver    = "github.com/jackc/pgx/v5"
	)
	for _, tc := range []struct{ pkg, want, absent string }{
		{"auth/tokenstore/postgres", pgxDriver, sqliteDriver},
		{"auth/tokenstore/sqlite", sqliteDriver, pgxDriver},
		{"auth/tokenstore", "", ""},
	} {
		t.Run(tc.pkg, func(t *testing.T) {
			deps := programDeps(t, "github.com/idsdk/idsdk-go/"+tc.pkg)
			for _, d := range deps {
				if tc.absent != "" && strings.HasPrefix(d, tc.absent) {
					t.Errorf("a program importing only %s links %s", tc.pkg, d)
				}
				if tc.want == "" && (strings.HasPrefix(d, sqliteDriver) || strings.HasPrefix(d, pgxDriver)) {
					t.Errorf("the core links the driver %s", d)
				}
			}
			if tc.want != "" && !hasPrefix(deps, tc.want) {
				t.Errorf("a program importing %s does not link %s", tc.pkg, tc.want)
			}
		})
	}
}

// programDeps writes a main package importing pkg inside the module and
// lists its dependencies.
func programDeps(t *testing.T, pkg string) []string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp(root, ".depcheck-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	src := "package main\n\nimport _ \"" + pkg + "\"\n\nfunc main() {}\n"
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "list", "-deps", "./"+filepath.Base(dir))
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	return strings.Fields(string(out))
}

func hasPrefix(list []string, prefix string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}
