// Package docs tests the project's documentation: every Go block of the
// README type-checks against the module as it is, and every qualified name
// its text uses (pkg.Name, pkg.Type.Member) exists.
package docs

import (
	"bytes"
	"fmt"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

// A README Go block is either a whole file (it starts with "package"),
// top-level functions (it starts with "func", after an optional import
// block), or a fragment: an optional import block, then statements, which the test puts
// in the body of a function with ctx context.Context in scope that returns
// an error (so a fragment may "return err"; nil is returned at its end).
// Packages the fragment names without importing (context, errors, os, ...)
// are imported for it from knownImports. Variables it declares may stay
// unused; any other name it uses must be declared in it.
var knownImports = map[string]string{
	"context":    "context",
	"errors":     "errors",
	"fmt":        "fmt",
	"http":       "net/http",
	"log":        "log",
	"os":         "os",
	"slog":       "log/slog",
	"time":       "time",
	"oauth2":     "golang.org/x/oauth2",
	"auth":       "github.com/idsdk/idsdk-go/auth",
	"sdkerrors":  "github.com/idsdk/idsdk-go/errors",
	"regions":    "github.com/idsdk/idsdk-go/regions",
	"retry":      "github.com/idsdk/idsdk-go/retry",
	"auth0":      "github.com/idsdk/idsdk-go/auth/auth0",
	"idtoken":    "github.com/idsdk/idsdk-go/auth/idtoken",
	"nexaas":     "github.com/idsdk/idsdk-go/auth/nexaas",
	"webflow":    "github.com/idsdk/idsdk-go/auth/webflow",
	"zaikio":     "github.com/idsdk/idsdk-go/auth/zaikio",
	"tokenstore": "github.com/idsdk/idsdk-go/auth/tokenstore",
	"authlete":   "github.com/idsdk/idsdk-go/gen/authlete",
	"auth0mgmt":  "github.com/idsdk/idsdk-go/gen/auth0mgmt",
	"auth0auth":  "github.com/idsdk/idsdk-go/gen/auth0auth",
	"nexaasid":   "github.com/idsdk/idsdk-go/gen/nexaasid",
	"zaikiohub":  "github.com/idsdk/idsdk-go/gen/zaikiohub",
	"oidc":       "github.com/idsdk/idsdk-go/auth/oidc",
	"m2m":        "github.com/idsdk/idsdk-go/auth/auth0/m2m",
	"observe":    "github.com/idsdk/idsdk-go/observe",
	"idsdkotel":  "github.com/idsdk/idsdk-go/otel",
	"sqlite":     "github.com/idsdk/idsdk-go/auth/tokenstore/sqlite",
	"postgres":   "github.com/idsdk/idsdk-go/auth/tokenstore/postgres",
	"crypto":     "crypto",
	"strings":    "strings",
	"testing":    "testing",
	"sandbox":    "github.com/idsdk/idsdk-go/sandbox",
	"nullable":   "github.com/idsdk/idsdk-go/nullable",
	"iter":       "iter",
}

var goBlock = regexp.MustCompile("(?ms)^```go\n(.*?)^```")

// readmeBlocks returns the Go blocks of the README with their line numbers.
func readmeBlocks(t *testing.T) (blocks []string, lines []int) {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range goBlock.FindAllSubmatchIndex(b, -1) {
		blocks = append(blocks, string(b[m[2]:m[3]]))
		lines = append(lines, bytes.Count(b[:m[2]], []byte("\n"))+1)
	}
	return blocks, lines
}

// wrap turns a fragment into a file of package snippets.
func wrap(block string, n int) (string, error) {
	if strings.HasPrefix(strings.TrimSpace(block), "package ") {
		return block, nil
	}
	imports, body := "", block
	if strings.HasPrefix(strings.TrimSpace(block), "import") {
		trimmed := strings.TrimSpace(block)
		end := strings.Index(trimmed, "\n)\n")
		if !strings.HasPrefix(trimmed, "import (") || end < 0 {
			end = strings.Index(trimmed, "\n")
			imports, body = trimmed[:end+1], trimmed[end+1:]
		} else {
			imports, body = trimmed[:end+3], trimmed[end+3:]
		}
	}
	src := fmt.Sprintf("package snippets\n\n%s\nfunc snippet%d(ctx context.Context) error {\n%s\n\treturn nil\n}\n", imports, n, body)
	if strings.HasPrefix(strings.TrimSpace(body), "func ") {
		// Top-level functions (a test of the reader's own code) stay top-level.
		src = fmt.Sprintf("package snippets\n\n%s\n%s\n", imports, body)
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.ImportsOnly)
	if err != nil {
		return "", err
	}
	have := map[string]bool{}
	for _, imp := range f.Imports {
		p := strings.Trim(imp.Path.Value, `"`)
		name := filepath.Base(p)
		if imp.Name != nil {
			name = imp.Name.Name
		}
		have[name] = true
	}
	var extra []string
	for name, path := range knownImports {
		if !have[name] && regexp.MustCompile(`\b`+name+`\.`).MatchString(body+" context.") {
			extra = append(extra, fmt.Sprintf("import %s %q", name, path))
		}
	}
	return strings.Replace(src, "package snippets\n", "package snippets\n\n"+strings.Join(extra, "\n")+"\n", 1), nil
}

// TestREADMESnippetsCompile type-checks every Go block of the README.
func TestREADMESnippetsCompile(t *testing.T) {
	blocks, lines := readmeBlocks(t)
	if len(blocks) == 0 {
		t.Fatal("the README has no Go block")
	}
	dir, err := filepath.Abs("snippets_readme")
	if err != nil {
		t.Fatal(err)
	}
	overlay := map[string][]byte{}
	files := map[string]int{}
	for i, b := range blocks {
		src, err := wrap(b, i)
		if err != nil {
			t.Errorf("README.md:%d: %v", lines[i], err)
			continue
		}
		name := filepath.Join(dir, fmt.Sprintf("block%d.go", i))
		overlay[name] = []byte(src)
		files[name] = lines[i]
	}
	cfg := &packages.Config{
		Mode:    packages.NeedName | packages.NeedTypes | packages.NeedSyntax | packages.NeedTypesInfo,
		Dir:     ".",
		Overlay: overlay,
		Tests:   false,
	}
	pkgs, err := packages.Load(cfg, "./snippets_readme")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pkgs {
		for _, e := range p.Errors {
			if strings.Contains(e.Msg, "declared and not used") || strings.Contains(e.Msg, "imported and not used") {
				continue
			}
			pos := e.Pos
			for name, line := range files {
				if strings.HasPrefix(pos, name+":") {
					pos = fmt.Sprintf("README.md block at line %d (%s)", line, strings.TrimPrefix(pos, name+":"))
				}
			}
			t.Errorf("%s: %s", pos, e.Msg)
		}
	}
}

// proseName is a qualified Go name outside the README's Go blocks:
// pkg.Name or pkg.Type.Member, pkg one of knownImports.
var proseName = regexp.MustCompile(`\b([a-z][a-z0-9]*)\.([A-Z][A-Za-z0-9_]*)(?:\.([A-Z][A-Za-z0-9_]*))?`)

// fencedBlock is any fenced block of the README; its Go blocks are
// type-checked above, its shell blocks hold no Go names.
var fencedBlock = regexp.MustCompile("(?ms)^```(go|sh)\n.*?^```")

// TestREADMEProseNamesExist checks that every qualified name the README's
// text uses (`auth0mgmt.CreateUserRequest`, `auth.Cache.TokenContext`) is
// a name the package exports, so the prose cannot drift from the code
// either. A prose "errors." may be the standard package or this module's.
func TestREADMEProseNamesExist(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := fencedBlock.ReplaceAllString(string(b), "")
	used := map[string][][]string{} // package name -> names
	for _, m := range proseName.FindAllStringSubmatch(text, -1) {
		if _, ok := knownImports[m[1]]; ok || m[1] == "errors" {
			used[m[1]] = append(used[m[1]], m[1:])
		}
	}
	if len(used) == 0 {
		t.Fatal("found no qualified name in the README's text")
	}
	// One file that imports every package named, blank, gives their types.
	paths := map[string]bool{"errors": true, knownImports["sdkerrors"]: true}
	for name := range used {
		if p := knownImports[name]; p != "" {
			paths[p] = true
		}
	}
	var src strings.Builder
	src.WriteString("package snippets\n\n")
	for p := range paths {
		fmt.Fprintf(&src, "import _ %q\n", p)
	}
	dir, err := filepath.Abs("snippets_readme")
	if err != nil {
		t.Fatal(err)
	}
	cfg := &packages.Config{
		Mode:    packages.NeedName | packages.NeedTypes | packages.NeedImports,
		Dir:     ".",
		Overlay: map[string][]byte{filepath.Join(dir, "prose.go"): []byte(src.String())},
	}
	pkgs, err := packages.Load(cfg, "./snippets_readme")
	if err != nil || len(pkgs) != 1 || pkgs[0].Types == nil {
		t.Fatalf("loading the packages the README names: %v", err)
	}
	byPath := map[string]*types.Package{}
	for _, p := range pkgs[0].Types.Imports() {
		byPath[p.Path()] = p
	}
	var missing []string
	checked := 0
	for name, refs := range used {
		candidates := []string{knownImports[name]}
		if name == "errors" || name == "sdkerrors" {
			candidates = []string{"errors", knownImports["sdkerrors"]}
		}
		for _, ref := range refs {
			checked++
			if !anyHas(byPath, candidates, ref[1], ref[2]) {
				missing = append(missing, strings.TrimSuffix(strings.Join(ref, "."), "."))
			}
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("README names %s, which does not exist", m)
	}
	t.Logf("%d qualified names in the README's text, %d missing", checked, len(missing))
}

// anyHas reports whether one of the packages at paths declares name (and,
// when member is set, a field or method member of it).
func anyHas(byPath map[string]*types.Package, paths []string, name, member string) bool {
	for _, path := range paths {
		p := byPath[path]
		if p == nil {
			continue
		}
		obj := p.Scope().Lookup(name)
		if obj == nil || !obj.Exported() {
			continue
		}
		if member == "" {
			return true
		}
		if m, _, _ := types.LookupFieldOrMethod(types.NewPointer(obj.Type()), true, p, member); m != nil {
			return true
		}
	}
	return false
}
