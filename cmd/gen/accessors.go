// Reading a model never panics, writing says what it means: optional
// slices and maps are plain values (nil is absent, an empty non-nil one is
// sent as [] or {}), and every optional field held by a pointer or a
// nullable.Nullable gets a getter that is nil-safe (GetEmail() string).

package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/token"
	"reflect"
	"strconv"
	"strings"
)

// typeKinds tells what a type expression of the models file is, following
// local type names and aliases.
type typeKinds map[string]*ast.TypeSpec

func newTypeKinds(f *ast.File) typeKinds {
	k := typeKinds{}
	for _, d := range f.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.TYPE {
			for _, s := range gd.Specs {
				ts := s.(*ast.TypeSpec)
				k[ts.Name.Name] = ts
			}
		}
	}
	return k
}

// resolve follows local names to the type expression they stand for.
func (k typeKinds) resolve(e ast.Expr) ast.Expr {
	for i := 0; i < 32; i++ {
		id, ok := e.(*ast.Ident)
		if !ok || k[id.Name] == nil {
			return e
		}
		e = k[id.Name].Type
	}
	return e
}

// plain reports whether e is a slice or a map, by name or not.
func (k typeKinds) plain(e ast.Expr) bool {
	switch t := k.resolve(e).(type) {
	case *ast.MapType:
		return true
	case *ast.ArrayType:
		return t.Len == nil
	}
	return false
}

// model reports whether e is a local struct type (a model), whose getter
// returns a pointer rather than a copy.
func (k typeKinds) model(e ast.Expr) bool {
	if _, ok := e.(*ast.Ident); !ok {
		return false
	}
	_, ok := k.resolve(e).(*ast.StructType)
	return ok
}

// getter is one accessor to write.
type getter struct {
	recv, field, typ string
	// kind: "ptr" returns the pointer of a model field, "val" the value a
	// pointer holds, "null" the value of a nullable.Nullable.
	kind string
}

// accessors makes the optional slices and maps of st plain (the pointer
// dropped, omitempty turned into omitzero so that an empty non-nil value is
// still sent) and lists the getters of name's pointer and nullable fields.
func accessors(src []byte, fset *token.FileSet, k typeKinds, name string, st *ast.StructType, methods map[string]*ast.FuncDecl, eds *edits) []getter {
	off := func(p token.Pos) int { return fset.Position(p).Offset }
	text := func(e ast.Expr) string { return string(src[off(e.Pos()):off(e.End())]) }
	names := map[string]bool{}
	for m := range methods {
		names[m] = true
	}
	for _, fld := range st.Fields.List {
		for _, n := range fld.Names {
			names[n.Name] = true
		}
	}
	var out []getter
	plainInner(src, fset, k, st, eds)
	for _, fld := range st.Fields.List {
		if len(fld.Names) != 1 || !fld.Names[0].IsExported() || fld.Names[0].Name == unknownField {
			continue
		}
		fn := fld.Names[0].Name
		g := getter{recv: name, field: fn}
		switch t := fld.Type.(type) {
		case *ast.StarExpr:
			if k.plain(t.X) {
				continue // made plain by plainInner
			}
			g.typ = text(t.X)
			g.kind = "val"
			if k.model(t.X) {
				g.typ, g.kind = "*"+g.typ, "ptr"
			}
		case *ast.IndexExpr:
			if sel, ok := t.X.(*ast.SelectorExpr); !ok || sel.Sel.Name != "Nullable" {
				continue
			}
			g.typ, g.kind = text(t.Index), "null"
		default:
			continue
		}
		if hasInlineStruct(fld.Type) {
			continue // an anonymous struct has no name to return
		}
		if names["Get"+fn] {
			continue // a field or method has the name already
		}
		names["Get"+fn] = true
		out = append(out, g)
	}
	return out
}

// plainInner drops the pointer of every optional slice or map field of st
// and of the inline structs inside it.
func plainInner(src []byte, fset *token.FileSet, k typeKinds, st *ast.StructType, eds *edits) {
	off := func(p token.Pos) int { return fset.Position(p).Offset }
	ast.Inspect(st, func(n ast.Node) bool {
		fld, ok := n.(*ast.Field)
		if !ok {
			return true
		}
		star, ok := fld.Type.(*ast.StarExpr)
		if !ok || !k.plain(star.X) || fld.Tag == nil {
			return true
		}
		tag, err := strconv.Unquote(fld.Tag.Value)
		if err != nil {
			return true
		}
		js, ok := reflect.StructTag(tag).Lookup("json")
		if !ok || !strings.HasSuffix(js, ",omitempty") {
			return true
		}
		eds.add(off(star.Star), off(star.Star)+1, "")
		newTag := strings.Replace(tag, `json:"`+js+`"`, `json:"`+strings.TrimSuffix(js, ",omitempty")+`,omitzero"`, 1)
		eds.add(off(fld.Tag.Pos()), off(fld.Tag.End()), "`"+newTag+"`")
		return true
	})
}

// writeGetters writes the getters of one model.
func writeGetters(b *bytes.Buffer, gs []getter) {
	for _, g := range gs {
		switch g.kind {
		case "ptr":
			fmt.Fprintf(b, "\n// Get%[2]s returns %[2]s, nil when absent (also on a nil %[1]s); its getters are nil-safe too.\nfunc (v *%[1]s) Get%[2]s() %[3]s {\n\tif v == nil {\n\t\treturn nil\n\t}\n\treturn v.%[2]s\n}\n", g.recv, g.field, g.typ)
		case "val":
			fmt.Fprintf(b, "\n// Get%[2]s returns *%[2]s, the zero value when absent (also on a nil %[1]s).\nfunc (v *%[1]s) Get%[2]s() (x %[3]s) {\n\tif v != nil && v.%[2]s != nil {\n\t\tx = *v.%[2]s\n\t}\n\treturn\n}\n", g.recv, g.field, g.typ)
		case "null":
			fmt.Fprintf(b, "\n// Get%[2]s returns the value of %[2]s, the zero value when absent or null (also on a nil %[1]s).\nfunc (v *%[1]s) Get%[2]s() (x %[3]s) {\n\tif v != nil {\n\t\tx, _ = nullable.Get(v.%[2]s)\n\t}\n\treturn\n}\n", g.recv, g.field, g.typ)
		}
	}
}

// ptrHelper is the one pointer helper of a generated package, for the
// optional fields where a value must be told apart from absent.
const ptrHelper = `
// Ptr returns a pointer to a copy of v: an optional field set to a value,
// zero included (Blocked: Ptr(false) sends "blocked": false; a nil field
// is left out).
func Ptr[T any](v T) *T { return &v }
`

// hasInlineStruct reports whether e spells out a struct type.
func hasInlineStruct(e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if _, ok := n.(*ast.StructType); ok {
			found = true
		}
		return !found
	})
	return found
}
