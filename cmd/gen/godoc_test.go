package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// docCutCeilings are, per API, the most generated methods whose one-line
// summary `go doc` may shorten with "...". The numbers only go down: a
// change of the generator that lengthens signatures fails
// TestGoDocSignatureCuts. Each method takes ctx first, then its path
// parameters, body and parameter struct, then opts; with long type
// names some lists stay longer than go doc's limit.
var docCutCeilings = map[string]int{
	"auth0auth": 2,
	"auth0mgmt": 163,
	"authlete":  57,
	"nexaasid":  0,
	"zaikiohub": 42,
}

// goDocWidth is the width (cmd/go/internal/doc's punchedCardWidth) after
// which `go doc` cuts a list of parameters, results or names.
const goDocWidth = 80

// docList joins a list as `go doc` does in a one-line summary: the items
// are counted with their ", " separator, and the item that takes the sum
// past goDocWidth, and every item after it, become "...".
func docList(items []string) (string, bool) {
	n := 0
	for i, s := range items {
		n += len(s) + len(", ")
		if n > goDocWidth {
			return strings.Join(append(items[:i:i], "..."), ", "), true
		}
	}
	return strings.Join(items, ", "), false
}

// docSummary writes the one-line summaries of go doc: a method
// declaration and the types in it. cut records whether a list was
// shortened.
type docSummary struct {
	fset *token.FileSet
	cut  bool
}

func (d *docSummary) list(items []string) string {
	s, cut := docList(items)
	d.cut = d.cut || cut
	return s
}

// field is one parameter or result entry: its names (names sharing a type
// are one entry) and its type.
func (d *docSummary) field(f *ast.Field) string {
	typ := d.expr(f.Type)
	if len(f.Names) == 0 {
		return typ
	}
	names := make([]string, len(f.Names))
	for i, n := range f.Names {
		names[i] = n.Name
	}
	return d.list(names) + " " + typ
}

// expr writes a type: identifiers, arrays, maps and function types the
// way go doc spells them, anything else (pointers, selectors, generic
// instances, ...) as gofmt prints it.
func (d *docSummary) expr(e ast.Expr) string {
	switch e := e.(type) {
	case nil:
		return ""
	case *ast.Ident:
		return e.Name
	case *ast.ArrayType:
		return "[" + d.expr(e.Len) + "]" + d.expr(e.Elt)
	case *ast.MapType:
		return "map[" + d.expr(e.Key) + "]" + d.expr(e.Value)
	case *ast.FuncType:
		return "func" + d.signature(e)
	case *ast.StructType:
		if e.Fields == nil || len(e.Fields.List) == 0 {
			return "struct{}"
		}
		return "struct{ ... }"
	case *ast.InterfaceType:
		if e.Methods == nil || len(e.Methods.List) == 0 {
			return "interface{}"
		}
		return "interface{ ... }"
	}
	var b bytes.Buffer
	if err := format.Node(&b, d.fset, e); err != nil || strings.Contains(b.String(), "\n") {
		return "..."
	}
	return b.String()
}

// signature is "(params) results" of a function type.
func (d *docSummary) signature(ft *ast.FuncType) string {
	var params, results []string
	if ft.Params != nil {
		for _, f := range ft.Params.List {
			params = append(params, d.field(f))
		}
	}
	paren := false
	if ft.Results != nil {
		paren = len(ft.Results.List) > 1
		for _, f := range ft.Results.List {
			paren = paren || len(f.Names) > 0
			results = append(results, d.field(f))
		}
	}
	s := "(" + d.list(params) + ")"
	switch {
	case len(results) == 0:
		return s
	case paren:
		return s + " (" + d.list(results) + ")"
	}
	return s + " " + d.list(results)
}

// docMethod is one exported method of a generated service as go doc
// summarizes it.
type docMethod struct {
	Recv, Name, Line string
	Cut              bool
	Width            int // the sum go doc compares with goDocWidth, for the parameters
}

// docMethods lists the exported methods of the exported types declared in
// path, with go doc's one-line summary of each.
func docMethods(t *testing.T, path string) []docMethod {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	var out []docMethod
	for _, decl := range f.Decls {
		fd, ok := decl.(*ast.FuncDecl)
		if !ok || fd.Recv == nil || !fd.Name.IsExported() || len(fd.Recv.List) != 1 {
			continue
		}
		d := &docSummary{fset: fset}
		recvType := fd.Recv.List[0].Type
		if star, ok := recvType.(*ast.StarExpr); ok {
			recvType = star.X
		}
		if id, ok := recvType.(*ast.Ident); !ok || !id.IsExported() {
			continue
		}
		recv := d.field(fd.Recv.List[0])
		line := fmt.Sprintf("func (%s) %s%s", recv, fd.Name.Name, d.signature(fd.Type))
		width := 0
		for _, p := range fd.Type.Params.List {
			width += len((&docSummary{fset: fset}).field(p)) + len(", ")
		}
		out = append(out, docMethod{Recv: recvType.(*ast.Ident).Name, Name: fd.Name.Name, Line: line, Cut: d.cut, Width: width})
	}
	return out
}

// generatedAPIs lists the APIs under gen/.
func generatedAPIs(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(repoRoot, "gen"))
	if err != nil {
		t.Fatal(err)
	}
	var apis []string
	for _, e := range entries {
		if e.IsDir() {
			apis = append(apis, e.Name())
		}
	}
	return apis
}

// TestGoDocSignatureCuts counts, per API, the generated methods whose
// signature `go doc` shortens with "..." and fails when an API has more
// than its ceiling in docCutCeilings. It logs the longest signatures
// left.
func TestGoDocSignatureCuts(t *testing.T) {
	apis := generatedAPIs(t)
	if len(apis) == 0 {
		t.Fatal("no generated API under gen/")
	}
	for _, api := range apis {
		methods := docMethods(t, filepath.Join(repoRoot, "gen", api, "services.gen.go"))
		cut := 0
		for _, m := range methods {
			if m.Cut {
				cut++
			}
		}
		t.Logf("%s: go doc cuts %d of %d method signatures", api, cut, len(methods))
		ceiling, ok := docCutCeilings[api]
		switch {
		case !ok:
			t.Errorf("%s: no ceiling in docCutCeilings (today %d)", api, cut)
		case cut > ceiling:
			t.Errorf("%s: go doc cuts %d method signatures, more than the ceiling of %d; shorten the generated names or signatures", api, cut, ceiling)
		case cut < ceiling:
			t.Logf("%s: below the ceiling of %d: lower it to %d in docCutCeilings", api, ceiling, cut)
		}
		sort.SliceStable(methods, func(i, j int) bool { return methods[i].Width > methods[j].Width })
		for _, m := range methods[:min(3, len(methods))] {
			t.Logf("%s: longest: %d: %s", api, m.Width, m.Line)
		}
	}
}

// TestGoDocEmulation checks docMethods against the go command's own
// summaries: for each API, the methods of the services holding the
// signatures nearest go doc's limit, on either side, are compared line by
// line with `go doc` output.
func TestGoDocEmulation(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("the go command is not on PATH")
		}
		t.Skip("the go command is not on PATH")
	}
	sawCut, sawWhole := 0, 0
	for _, api := range generatedAPIs(t) {
		methods := docMethods(t, filepath.Join(repoRoot, "gen", api, "services.gen.go"))
		byRecv := map[string][]docMethod{}
		for _, m := range methods {
			byRecv[m.Recv] = append(byRecv[m.Recv], m)
		}
		// The services of the cut signature nearest go doc's limit and of
		// the whole one nearest it, where an emulation that is off by one
		// would disagree.
		picked := map[bool]string{}
		nearest := map[bool]int{}
		for _, m := range methods {
			dist := m.Width - goDocWidth
			if !m.Cut {
				dist = -dist
			}
			if r, ok := nearest[m.Cut]; !ok || dist < r {
				nearest[m.Cut], picked[m.Cut] = dist, m.Recv
			}
		}
		for _, recv := range picked {
			cmd := exec.Command(goCmd, "doc", "./gen/"+api+"."+recv)
			cmd.Dir = repoRoot
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("go doc ./gen/%s.%s: %v", api, recv, err)
			}
			lines := map[string]bool{}
			for _, l := range strings.Split(string(out), "\n") {
				lines[l] = true
			}
			for _, m := range byRecv[recv] {
				if !lines[m.Line] {
					t.Errorf("%s: go doc does not print\n\t%s\nin:\n%s", api, m.Line, out)
					continue
				}
				if m.Cut {
					sawCut++
				} else {
					sawWhole++
				}
			}
		}
	}
	if sawCut == 0 || sawWhole == 0 {
		t.Errorf("compared %d cut and %d whole signatures with go doc; want some of each", sawCut, sawWhole)
	}
	t.Logf("go doc agrees on %d cut and %d whole signatures", sawCut, sawWhole)
}
