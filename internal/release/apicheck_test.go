// Package release tests the tools that guard a release: scripts/apicheck,
// which refuses an API break that CHANGELOG.md does not announce.
package release

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// run runs a command in dir and returns its combined output and error.
func run(t *testing.T, dir, name string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func write(t *testing.T, dir, name, text string) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestAPICheckRefusesAnUnannouncedBreak builds a small module with a
// release tag, breaks its API and runs scripts/apicheck: it fails while
// CHANGELOG.md does not name the package under "### Breaking", passes once
// it does, and ignores internal packages.
func TestAPICheckRefusesAnUnannouncedBreak(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	// The script works on the repository it sits in: copy it into one.
	dir := t.TempDir()
	src, err := os.ReadFile("../../scripts/apicheck")
	if err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "scripts", "apicheck")
	write(t, dir, "scripts/apicheck", string(src))
	if err := os.Chmod(script, 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, dir, "go.mod", "module example.com/m\n\ngo 1.25\n")
	write(t, dir, "a/a.go", "package a\n\n// F is kept.\nfunc F() {}\n\n// G goes.\nfunc G() {}\n")
	write(t, dir, "internal/b/b.go", "package b\n\n// H goes, unannounced: internal.\nfunc H() {}\n")
	write(t, dir, "CHANGELOG.md", "# Changelog\n\n## Unreleased\n")
	for _, c := range [][]string{{"init", "-q"}, {"add", "-A"}, {"commit", "-qm", "one"}, {"tag", "v0.1.0"}} {
		if out, err := run(t, dir, "git", c...); err != nil {
			t.Fatalf("git %v: %v\n%s", c, err, out)
		}
	}
	if os.Getenv("IDSDK_TOOLS") == "" {
		tools, err := filepath.Abs("../../.cache/bin")
		if err != nil {
			t.Fatal(err)
		}
		t.Setenv("IDSDK_TOOLS", tools)
	}

	if out, err := run(t, dir, script); err != nil || !strings.Contains(out, "API compatible with v0.1.0") {
		t.Fatalf("unchanged module: err = %v\n%s", err, out)
	}

	write(t, dir, "a/a.go", "package a\n\n// F now takes an int.\nfunc F(int) {}\n")
	write(t, dir, "internal/b/b.go", "package b\n")
	out, err := run(t, dir, script)
	if err == nil {
		t.Fatalf("an unannounced break passed:\n%s", out)
	}
	for _, want := range []string{"./a.F: changed", "./a.G: removed", "not announced", ": a\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "internal") && strings.Contains(out, "b.H") {
		t.Errorf("an internal package was reported:\n%s", out)
	}

	write(t, dir, "CHANGELOG.md", "# Changelog\n\n## Unreleased\n\n### Breaking\n- `a`: F takes an int; G is gone.\n\n## v0.1.0\n")
	if out, err := run(t, dir, script); err != nil || !strings.Contains(out, "are announced") {
		t.Fatalf("announced break: err = %v\n%s", err, out)
	}
}
