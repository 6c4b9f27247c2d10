package fidelity

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
)

// TestAuthleteEnumsKnowJavaValues checks that every value of the enums of
// Authlete's Java library (testdata/authlete-enums.json, keyed by the name
// of our generated type) is a declared constant of that type.
func TestAuthleteEnumsKnowJavaValues(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "authlete-enums.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want map[string][]string
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	have, err := enumConstants(filepath.Join("..", "..", "gen", "authlete", "authlete.gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(want))
	for name := range want {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, v := range want[name] {
			if !have[name][v] {
				t.Errorf("%s lacks %q", name, v)
			}
		}
	}
}

// enumConstants reads a generated file and returns, per named type, the
// string values of the constants declared with that type.
func enumConstants(path string) (map[string]map[string]bool, error) {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]bool{}
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs, ok := spec.(*ast.ValueSpec)
			if !ok || len(vs.Values) != 1 {
				continue
			}
			typ, ok := vs.Type.(*ast.Ident)
			lit, ok2 := vs.Values[0].(*ast.BasicLit)
			if !ok || !ok2 || lit.Kind != token.STRING {
				continue
			}
			v, err := strconv.Unquote(lit.Value)
			if err != nil {
				return nil, err
			}
			if out[typ.Name] == nil {
				out[typ.Name] = map[string]bool{}
			}
			out[typ.Name][v] = true
		}
	}
	return out, nil
}
