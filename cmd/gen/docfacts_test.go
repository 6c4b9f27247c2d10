package main

// Tests that the generated code's docs state only facts of the documents
// it was made from.

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/util"
)

// loadDocument reads api/<api>/openapi.yaml as committed.
func loadDocument(t *testing.T, api string) *openapi3.T {
	t.Helper()
	spec, err := util.LoadSwagger(filepath.Join(repoRoot, "api", api, "openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

// schemaNamed matches a schema name a generated doc gives, as the Go
// source spells it (in a comment) or a string literal does.
var schemaNamed = regexp.MustCompile(`schema \\?"([^"\\]+)\\?"`)

// TestDocsNameOnlySchemasOfTheDocument: every `schema "X"` a generated
// file of an API names is a schema under components.schemas of that API's
// document. A type the generator makes from an inline answer or a union
// body says where it comes from instead.
func TestDocsNameOnlySchemasOfTheDocument(t *testing.T) {
	for _, api := range generatedAPIs(t) {
		spec := loadDocument(t, api)
		files, err := filepath.Glob(filepath.Join(repoRoot, "gen", api, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("%s: no generated files (%v)", api, err)
		}
		missing := map[string]int{}
		named := 0
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range schemaNamed.FindAllStringSubmatch(string(b), -1) {
				named++
				if spec.Components == nil || spec.Components.Schemas[m[1]] == nil {
					missing[m[1]]++
				}
			}
		}
		if named == 0 {
			t.Errorf("%s: the generated docs name no schema at all", api)
		}
		for _, n := range sortedKeys(missing) {
			t.Errorf("%s: the docs name schema %q %d times, which the document does not have", api, n, missing[n])
		}
	}
}

// TestNewDoesNotShadowErr: a generated New declares err once; a nested
// statement assigns it rather than declaring another.
func TestNewDoesNotShadowErr(t *testing.T) {
	for _, api := range generatedAPIs(t) {
		path := filepath.Join(repoRoot, "gen", api, "client.gen.go")
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv != nil || fd.Name.Name != "New" {
				continue
			}
			if n := shadowedErrs(fd.Body); n > 0 {
				t.Errorf("%s: New declares err again %d times inside a nested statement", api, n)
			}
		}
	}
}

// shadowedErrs counts the := declarations of err nested in a statement
// after a top-level statement of body declared it.
func shadowedErrs(body *ast.BlockStmt) int {
	declares := func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || as.Tok != token.DEFINE {
			return false
		}
		for _, l := range as.Lhs {
			if id, ok := l.(*ast.Ident); ok && id.Name == "err" {
				return true
			}
		}
		return false
	}
	outer, count := false, 0
	for _, st := range body.List {
		if outer {
			ast.Inspect(st, func(n ast.Node) bool {
				if n != st && declares(n) {
					count++
				}
				return true
			})
		}
		outer = outer || declares(st)
	}
	return count
}

// TestShadowedErrsFindsAShadow: the check above sees the pattern it is
// for.
func TestShadowedErrsFindsAShadow(t *testing.T) {
	src := "package p\nfunc New() error {\n\tbase, err := f()\n\tif err := g(base); err != nil {\n\t\treturn err\n\t}\n\treturn err\n}\n"
	f, err := parser.ParseFile(token.NewFileSet(), "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	if n := shadowedErrs(f.Decls[0].(*ast.FuncDecl).Body); n != 1 {
		t.Errorf("shadowedErrs = %d, want 1", n)
	}
}

