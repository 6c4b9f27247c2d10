// Package docs tests the project's documentation: every Go block of the
// README type-checks against the module as it is.
package docs

import (
	"bytes"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
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
