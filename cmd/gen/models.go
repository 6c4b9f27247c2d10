// The rules every generated model follows (liberal on read, exact on
// write): the type mapping of codegen.yaml, unknown members kept by every
// object model, inline answers named so that they are models too.

package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"sort"
	"strconv"
	"strings"

	_ "embed"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
	"gopkg.in/yaml.v3"
)

// rulesYAML holds the oapi-codegen settings every API is generated with
// (codegen.yaml beside this file says why).
//
//go:embed codegen.yaml
var rulesYAML []byte

// applyRules puts the generator-wide rules of codegen.yaml over one API's
// configuration: its type mapping wins over the API's own, and its
// naming rules replace the API's.
func applyRules(oc *codegen.Configuration) error {
	var rules codegen.Configuration
	if err := yaml.Unmarshal(rulesYAML, &rules); err != nil {
		return fmt.Errorf("cmd/gen/codegen.yaml: %w", err)
	}
	tm := rules.OutputOptions.TypeMapping
	if own := oc.OutputOptions.TypeMapping; own != nil {
		merged := own.Merge(*tm)
		tm = &merged
	}
	oc.OutputOptions.TypeMapping = tm
	oc.OutputOptions.NameNormalizer = rules.OutputOptions.NameNormalizer
	oc.OutputOptions.AdditionalInitialisms = rules.OutputOptions.AdditionalInitialisms
	return nil
}

const (
	wireImport     = "github.com/idsdk/idsdk-go/internal/wire"
	jsontextImport = "github.com/go-json-experiment/json/jsontext"
	// unknownField keeps the members a model does not declare.
	unknownField = "Unknown"
)

// keepUnknown makes every object model of oapi-codegen's output keep the
// JSON members it does not declare and write them back: a struct gets an
// Unknown field (or its AdditionalProperties map takes that role), and
// one-line JSON methods that call internal/wire. skip names the structs
// that are not JSON (parameters). Getters are written for the models an
// answer can hold (reachable from answers, the types of the 2xx bodies):
// a model only ever sent is written, not read. The source is edited as
// text, so comments stay where they were.
func keepUnknown(src []byte, skip, answers map[string]bool) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "raw.go", src, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	methods := declared(f)
	kinds := newTypeKinds(f)
	getters := map[string][]getter{}
	var eds edits
	models := map[string]bool{}
	var order []string
	var named []*ast.TypeSpec // type X Y over a model
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.TYPE {
			continue
		}
		for _, s := range gd.Specs {
			ts := s.(*ast.TypeSpec)
			name := ts.Name.Name
			if ts.Assign.IsValid() || skip[name] {
				continue
			}
			if _, ok := ts.Type.(*ast.Ident); ok {
				named = append(named, ts)
				continue
			}
			st, ok := ts.Type.(*ast.StructType)
			if ok && hasField(st, "union") {
				notInlined(fset, methods[name], &eds)
			}
			if !ok || hasField(st, "union") || !allTagged(st) {
				continue
			}
			if err := openStruct(fset, name, st, methods[name], &eds); err != nil {
				return nil, err
			}
			getters[name] = accessors(src, fset, kinds, name, st, methods[name], &eds)
			models[name] = true
			order = append(order, name)
		}
	}
	// A defined type over a model (type X Y) needs methods of its own.
	for grew := true; grew; {
		grew = false
		for _, ts := range named {
			if id := ts.Type.(*ast.Ident); models[id.Name] && !models[ts.Name.Name] {
				models[ts.Name.Name] = true
				for _, g := range getters[id.Name] {
					g.recv = ts.Name.Name
					getters[ts.Name.Name] = append(getters[ts.Name.Name], g)
				}
				order = append(order, ts.Name.Name)
				grew = true
			}
		}
	}
	validByList(fset, f, kinds, &eds)
	if len(order) == 0 {
		return src, nil
	}
	if len(f.Imports) == 0 {
		return nil, fmt.Errorf("oapi-codegen output imports nothing")
	}
	imp := fset.Position(f.Imports[len(f.Imports)-1].End()).Offset
	eds.add(imp, imp, "\n"+strconv.Quote(jsontextImport)+"\n"+strconv.Quote(wireImport))
	var b bytes.Buffer
	b.Write(eds.apply(src))
	sort.Strings(order)
	b.WriteString("\n// The JSON methods of the models: each reads and writes the members its\n// type declares and keeps the others in Unknown (internal/wire).\n")
	for _, n := range order {
		fmt.Fprintf(&b, modelMethods, n)
	}
	b.WriteString("\n// The getters of the models an answer can hold: reading an optional\n// field never panics.\n")
	read := reachable(f, kinds, answers)
	for _, n := range order {
		if read[n] {
			writeGetters(&b, getters[n])
		}
	}
	if kinds["Ptr"] != nil {
		return nil, fmt.Errorf("a model is named Ptr, the name of the pointer helper")
	}
	b.WriteString(ptrHelper)
	return b.Bytes(), nil
}

// modelMethods are the JSON methods of model %[1]s. MarshalJSON has a
// value receiver, so encoding/json calls it on a value that is not
// addressable too (a request body, a map value, a nullable.Nullable);
// the v2 API calls it for a nested model (the JSON v2 API's MarshalJSONTo
// would save that copy but costs the compiler ~8% more memory on
// gen/auth0mgmt, and encoding is not on a hot path). It is not inlined:
// the compiler would otherwise copy its body into the (*%[1]s).MarshalJSON
// wrapper it writes for the pointer's method set, one per model. A nested
// model is decoded through UnmarshalJSON (an UnmarshalJSONFrom for the
// v2 API would save a copy of its bytes but cost the compiler ~6% more
// memory, and decoding stays within its budget without it).
const modelMethods = `
// MarshalJSON writes %[1]s, its Unknown members included.
//
//go:noinline
func (v %[1]s) MarshalJSON() ([]byte, error) { return wire.Marshal(&v) }

// UnmarshalJSON reads %[1]s; the members it does not declare go to Unknown.
func (v *%[1]s) UnmarshalJSON(b []byte) error { return wire.Unmarshal(b, v) }
`

// validByList rewrites the Valid method of each enum over strings, a
// switch on its constants, as one call to wire.OneOf with the values: one
// loop serves every enum, where each switch would be compiled on its own.
func validByList(fset *token.FileSet, f *ast.File, kinds typeKinds, eds *edits) {
	values := map[string]string{} // constant -> its string literal
	for _, d := range f.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.CONST {
			for _, sp := range gd.Specs {
				vs := sp.(*ast.ValueSpec)
				if len(vs.Names) == 1 && len(vs.Values) == 1 {
					if lit, ok := vs.Values[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						values[vs.Names[0].Name] = lit.Value
					}
				}
			}
		}
	}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Name.Name != "Valid" || fd.Recv == nil || len(fd.Body.List) != 1 {
			continue
		}
		recv := receiverName(fd)
		if ts := kinds[recv]; ts == nil || !isIdent(ts.Type, "string") {
			continue
		}
		sw, ok := fd.Body.List[0].(*ast.SwitchStmt)
		if !ok || sw.Init != nil || !isIdent(sw.Tag, fd.Recv.List[0].Names[0].Name) {
			continue
		}
		var vals []string
		for _, st := range sw.Body.List {
			cc := st.(*ast.CaseClause)
			want := "true"
			if cc.List == nil {
				want = "false"
			}
			if len(cc.Body) != 1 || !returns(cc.Body[0], want) {
				vals = nil
				break
			}
			for _, e := range cc.List {
				id, ok := e.(*ast.Ident)
				if !ok || values[id.Name] == "" {
					vals = nil
					break
				}
				vals = append(vals, values[id.Name])
			}
		}
		if vals == nil {
			continue
		}
		from, to := fset.Position(fd.Body.Lbrace).Offset, fset.Position(fd.Body.Rbrace).Offset+1
		eds.add(from, to, "{\n\treturn wire.OneOf(string("+sw.Tag.(*ast.Ident).Name+"), "+strings.Join(vals, ", ")+")\n}")
	}
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

// returns reports whether st is "return <ident>".
func returns(st ast.Stmt, ident string) bool {
	r, ok := st.(*ast.ReturnStmt)
	return ok && len(r.Results) == 1 && isIdent(r.Results[0], ident)
}

// notInlined marks the value-receiver methods of a union (its As methods
// and MarshalJSON) //go:noinline: the compiler would otherwise copy each
// body into the pointer-receiver wrapper it writes for the method set of
// the union's pointer, which costs gen/auth0mgmt's compile ~5% of its
// memory. They decode or encode JSON, which a call does not slow.
func notInlined(fset *token.FileSet, own map[string]*ast.FuncDecl, eds *edits) {
	names := make([]string, 0, len(own))
	for n := range own {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fd := own[n]
		if _, ptr := fd.Recv.List[0].Type.(*ast.StarExpr); ptr || (n != "MarshalJSON" && !strings.HasPrefix(n, "As")) {
			continue
		}
		at := fset.Position(fd.Pos()).Offset
		eds.add(at, at, "//go:noinline\n")
	}
}

// reachable lists the types a value of one of roots can hold: the types
// named in their declarations, and the variants of a union (the results
// of its As methods), transitively.
func reachable(f *ast.File, kinds typeKinds, roots map[string]bool) map[string]bool {
	variants := map[string][]ast.Expr{}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && strings.HasPrefix(fd.Name.Name, "As") && fd.Type.Results != nil {
			if recv := receiverName(fd); recv != "" {
				for _, r := range fd.Type.Results.List {
					variants[recv] = append(variants[recv], r.Type)
				}
			}
		}
	}
	seen := map[string]bool{}
	var todo []string
	for n := range roots {
		todo = append(todo, n)
	}
	for len(todo) > 0 {
		n := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if seen[n] || kinds[n] == nil {
			continue
		}
		seen[n] = true
		for _, e := range append([]ast.Expr{kinds[n].Type}, variants[n]...) {
			ast.Inspect(e, func(x ast.Node) bool {
				if id, ok := x.(*ast.Ident); ok && !seen[id.Name] {
					todo = append(todo, id.Name)
				}
				return true
			})
		}
	}
	return seen
}

// declared lists the methods of each type.
func declared(f *ast.File) map[string]map[string]*ast.FuncDecl {
	methods := map[string]map[string]*ast.FuncDecl{}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok {
			if recv := receiverName(fd); recv != "" {
				if methods[recv] == nil {
					methods[recv] = map[string]*ast.FuncDecl{}
				}
				methods[recv][fd.Name.Name] = fd
			}
		}
	}
	return methods
}

// unknownDecl is the field that keeps a model's undeclared members.
const unknownDecl = "\n// Unknown holds the members the document does not declare, as sent\n// (one JSON object); they are written back.\n" +
	unknownField + " jsontext.Value `json:\",unknown\"`\n"

// openStruct gives one model struct its place for unknown members: its
// AdditionalProperties map when oapi-codegen wrote one (whose map-based
// JSON methods are dropped for the one-pass ones), else an Unknown field.
// Inline object fields (anonymous structs) get an Unknown field too.
func openStruct(fset *token.FileSet, name string, st *ast.StructType, own map[string]*ast.FuncDecl, eds *edits) error {
	off := func(p token.Pos) int { return fset.Position(p).Offset }
	for _, fld := range st.Fields.List {
		if len(fld.Names) == 0 {
			return fmt.Errorf("type %s: embedded field", name)
		}
		ast.Inspect(fld.Type, func(n ast.Node) bool {
			if inner, ok := n.(*ast.StructType); ok {
				if !hasField(inner, unknownField) {
					eds.add(off(inner.Fields.Closing), off(inner.Fields.Closing), unknownDecl)
				}
				return false
			}
			return true
		})
	}
	ap := field(st, "AdditionalProperties")
	for _, m := range []string{"MarshalJSON", "UnmarshalJSON", "MarshalJSONTo", "UnmarshalJSONFrom"} {
		fd := own[m]
		if fd == nil {
			continue
		}
		if ap == nil || (m != "MarshalJSON" && m != "UnmarshalJSON") {
			return fmt.Errorf("type %s already has %s", name, m)
		}
		from := fd.Pos()
		if fd.Doc != nil {
			from = fd.Doc.Pos()
		}
		eds.add(off(from), off(fd.End()), "")
	}
	if ap != nil {
		if ap.Tag == nil || tagOf(ap).Get("json") != "-" {
			return fmt.Errorf("type %s: AdditionalProperties is not tagged json:\"-\"", name)
		}
		eds.add(off(ap.Tag.Pos()), off(ap.Tag.End()), "`json:\",unknown\"`")
		return nil
	}
	if hasField(st, unknownField) {
		return fmt.Errorf("type %s has a property named %s", name, unknownField)
	}
	eds.add(off(st.Fields.Closing), off(st.Fields.Closing), unknownDecl)
	return nil
}

// edits are replacements of byte ranges of one source.
type edits []edit

type edit struct {
	from, to int
	text     string
}

func (e *edits) add(from, to int, text string) { *e = append(*e, edit{from, to, text}) }

// apply makes the edits, which must not overlap.
func (e edits) apply(src []byte) []byte {
	sort.SliceStable(e, func(i, j int) bool { return e[i].from < e[j].from })
	var out bytes.Buffer
	last := 0
	for _, ed := range e {
		out.Write(src[last:ed.from])
		out.WriteString(ed.text)
		last = ed.to
	}
	out.Write(src[last:])
	return out.Bytes()
}

// allTagged reports whether every field of st has a json tag, as every
// field of a model does (the raw client's fields have none).
func allTagged(st *ast.StructType) bool {
	for _, fld := range st.Fields.List {
		if _, ok := tagOf(fld).Lookup("json"); !ok {
			return false
		}
	}
	return true
}

func hasField(st *ast.StructType, name string) bool { return field(st, name) != nil }

func field(st *ast.StructType, name string) *ast.Field {
	for _, fld := range st.Fields.List {
		for _, n := range fld.Names {
			if n.Name == name {
				return fld
			}
		}
	}
	return nil
}

func tagOf(fld *ast.Field) reflect.StructTag {
	if fld.Tag == nil {
		return ""
	}
	s, err := strconv.Unquote(fld.Tag.Value)
	if err != nil {
		return ""
	}
	return reflect.StructTag(s)
}

// receiverName is the type a method belongs to, or "" for a function.
func receiverName(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return ""
	}
	t := fd.Recv.List[0].Type
	if st, ok := t.(*ast.StarExpr); ok {
		t = st.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// paramTypes names the parameter structs oapi-codegen writes for ops.
func paramTypes(ops []codegen.OperationDefinition) map[string]bool {
	out := map[string]bool{}
	for _, op := range ops {
		if len(op.QueryParams)+len(op.HeaderParams)+len(op.CookieParams) > 0 {
			out[op.OperationId+"Params"] = true
		}
	}
	return out
}

// nameInlineAnswers moves the inline object schemas of 2xx JSON answers
// under components: an object as "<OperationId>Response", the items of an
// array as "<OperationId>Item". oapi-codegen writes an inline answer as an
// anonymous struct, which cannot carry JSON methods, so encoding/json would
// write its Unknown field under that name; a named model keeps its unknown
// members both ways like any other. origins records, by the new schema
// name, where each moved schema comes from.
func nameInlineAnswers(spec *openapi3.T, origins synthOrigins) {
	if spec.Paths == nil {
		return
	}
	ensureSchemas(spec)
	name := func(base string) string {
		n := base
		for i := 2; spec.Components.Schemas[n] != nil; i++ {
			n = fmt.Sprintf("%s%d", base, i)
		}
		return n
	}
	move := func(ref *openapi3.SchemaRef, n, origin string) *openapi3.SchemaRef {
		n = name(n)
		origins[n] = origin
		spec.Components.Schemas[n] = &openapi3.SchemaRef{Value: ref.Value}
		return &openapi3.SchemaRef{Ref: "#/components/schemas/" + n, Value: ref.Value}
	}
	for _, path := range spec.Paths.InMatchingOrder() {
		item := spec.Paths.Value(path)
		for _, method := range []string{"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE"} {
			op := item.GetOperation(method)
			if op == nil || op.OperationID == "" || op.Responses == nil {
				continue
			}
			base := codegen.SchemaNameToTypeName(op.OperationID)
			codes := make([]string, 0, op.Responses.Len())
			for code := range op.Responses.Map() {
				if strings.HasPrefix(code, "2") {
					codes = append(codes, code)
				}
			}
			sort.Strings(codes)
			for _, code := range codes {
				r := op.Responses.Value(code)
				if r == nil || r.Ref != "" || r.Value == nil {
					continue
				}
				suffix := ""
				if code != codes[0] {
					suffix = code
				}
				for _, ct := range sortedContent(r.Value.Content) {
					mt := r.Value.Content[ct]
					if mt == nil || mt.Schema == nil || mt.Schema.Ref != "" || mt.Schema.Value == nil || !strings.Contains(ct, "json") {
						continue
					}
					s := mt.Schema.Value
					answer := fmt.Sprintf("the %s answer (status %s) of operation %s (%s %s)", ct, code, op.OperationID, method, path)
					switch {
					case inlineObject(s):
						mt.Schema = move(mt.Schema, base+"Response"+suffix, answer)
					case s.Type.Is("array") && s.Items != nil && s.Items.Ref == "" && s.Items.Value != nil && inlineObject(s.Items.Value):
						s.Items = move(s.Items, base+"Item"+suffix, "an item of "+answer)
					}
				}
			}
		}
	}
}

// inlineObject reports whether s is an object with declared properties or
// an allOf of such (what oapi-codegen writes as a struct), not a union or a
// bare map.
func inlineObject(s *openapi3.Schema) bool {
	return (len(s.Properties) > 0 || len(s.AllOf) > 0) && len(s.OneOf) == 0 && len(s.AnyOf) == 0
}

func sortedContent(c openapi3.Content) []string {
	out := make([]string, 0, len(c))
	for ct := range c {
		out = append(out, ct)
	}
	sort.Strings(out)
	return out
}
