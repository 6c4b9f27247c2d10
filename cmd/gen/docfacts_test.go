package main

// Tests that the generated code's docs state only facts of the documents
// it was made from.

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/util"

	sdkerrors "github.com/idsdk/idsdk-go/errors"
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
		b, err := os.ReadFile(filepath.Join(repoRoot, "gen", api, api+".gen.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range typeIsSchema.FindAllStringSubmatch(string(b), -1) {
			if !sameTypeName(m[1], m[2]) && goNameExt(spec, m[2]) != m[1] {
				t.Errorf("%s: type %s says it is schema %q", api, m[1], m[2])
			}
		}
	}
}

// typeIsSchema matches the doc of a model: "// User is schema "User" of".
var typeIsSchema = regexp.MustCompile(`(?m)^// (\w+) is schema "([^"]+)" of the document`)

// sameTypeName reports whether goName is the Go name of schema: the same
// letters and digits, but for case, separators and a Smithy word the Go
// name drops (smithyWords).
func sameTypeName(goName, schema string) bool {
	norm := func(s string) string {
		return strings.ToLower(strings.NewReplacer("_", "", "-", "", ".", "", " ", "").Replace(s))
	}
	g, s := norm(goName), norm(schema)
	if g == s {
		return true
	}
	for _, w := range smithyWords {
		// The word goes from the schema's name and from the names
		// derived from it ("ListAculsResponseContentItem").
		if strings.Contains(schema, w.suffix) && g == norm(strings.Replace(schema, w.suffix, strings.TrimSuffix(w.suffix, w.word), 1)) {
			return true
		}
	}
	return false
}

// goNameExt is the Go name the document gives a schema (x-go-name), "" for
// none.
func goNameExt(spec *openapi3.T, schema string) string {
	r := spec.Components.Schemas[schema]
	if r == nil || r.Value == nil {
		return ""
	}
	n, _ := r.Value.Extensions["x-go-name"].(string)
	return n
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

// methodDoc is the doc comment of one generated method.
type methodDoc struct {
	Recv, Name string
	First      string   // the first paragraph
	Paras      []string // every paragraph, the first included
}

// firstLine parses the first sentence of a method doc: "Get sends GET
// /path (operation get_x)." or "Authorize builds the URL of GET /authorize
// (operation authorize) ...".
var firstLine = regexp.MustCompile(`^(\w+) (?:sends|builds the URL of) ([A-Z]+) (\S+) \(operation ([^)]+)\)`)

// generatedMethodDocs reads the method docs of gen/<api>/services.gen.go
// by the operationId each names (iterators, which name theirs in a later
// paragraph, are left out).
func generatedMethodDocs(t *testing.T, api string) map[string]methodDoc {
	t.Helper()
	path := filepath.Join(repoRoot, "gen", api, "services.gen.go")
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]methodDoc{}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv == nil || fd.Doc == nil {
			continue
		}
		paras := strings.Split(strings.TrimSpace(fd.Doc.Text()), "\n\n")
		m := firstLine.FindStringSubmatch(paras[0])
		if m == nil {
			continue
		}
		if m[1] != fd.Name.Name {
			t.Errorf("%s: the doc of %s starts with %s", api, fd.Name.Name, m[1])
		}
		recv := fd.Recv.List[0].Type
		if st, ok := recv.(*ast.StarExpr); ok {
			recv = st.X
		}
		md := methodDoc{Recv: recv.(*ast.Ident).Name, Name: fd.Name.Name, First: paras[0], Paras: paras}
		if prev, dup := out[m[4]]; dup {
			t.Errorf("%s: operation %s is documented by %s.%s and %s.%s", api, m[4], prev.Recv, prev.Name, md.Recv, md.Name)
		}
		out[m[4]] = md
	}
	return out
}

// para returns the paragraph of d that starts with prefix, or "".
func (d methodDoc) para(prefix string) string {
	for _, p := range d.Paras {
		if strings.HasPrefix(p, prefix) {
			return p
		}
	}
	return ""
}

// docOperation is one operation of a document with what its doc must say.
type docOperation struct {
	Method, Path string
	Item         *openapi3.PathItem
	Op           *openapi3.Operation
}

// documentOperations lists the operations of spec by operationId.
func documentOperations(spec *openapi3.T) map[string]docOperation {
	out := map[string]docOperation{}
	for _, path := range spec.Paths.InMatchingOrder() {
		item := spec.Paths.Value(path)
		for method, op := range item.Operations() {
			out[op.OperationID] = docOperation{Method: method, Path: path, Item: item, Op: op}
		}
	}
	return out
}

// params are the operation's parameters, those of its path item
// included unless the operation overrides them.
func (o docOperation) params() []*openapi3.Parameter {
	var out []*openapi3.Parameter
	own := map[string]bool{}
	for _, p := range o.Op.Parameters {
		out = append(out, p.Value)
		own[p.Value.In+" "+strings.ToLower(p.Value.Name)] = true
	}
	for _, p := range o.Item.Parameters {
		if !own[p.Value.In+" "+strings.ToLower(p.Value.Name)] {
			out = append(out, p.Value)
		}
	}
	return out
}

// referencePages are the reference URLs the vendors publish for an
// operation, where they publish a stable one (patterns checked against
// links of the vendors' own documents and pages).
var referencePages = map[string]func(o docOperation) string{
	"auth0mgmt": func(o docOperation) string {
		return "https://auth0.com/docs/api/management/v2/" + o.Op.Tags[0] + "/" + strings.ReplaceAll(o.Op.OperationID, "_", "-")
	},
	"authlete": func(o docOperation) string {
		return "https://docs.authlete.com/en/shared/latest#" + strings.ToLower(o.Method) + "-" + strings.NewReplacer("{", "-", "}", "-").Replace(o.Path)
	},
}

// TestMethodDocsStateTheDocumentsFacts checks, for every operation of
// every document, what the doc of its generated method says against the
// document: HTTP method and path, security schemes and scopes, every
// parameter (where, name, type, format, enum values, default, limits,
// required), the body, the paging style, the error statuses and the
// sentinels they match, the reference URL and deprecation.
func TestMethodDocsStateTheDocumentsFacts(t *testing.T) {
	total := 0
	for _, api := range generatedAPIs(t) {
		spec := loadDocument(t, api)
		docs := generatedMethodDocs(t, api)
		ops := documentOperations(spec)
		for _, id := range sortedKeys(ops) {
			o := ops[id]
			d, ok := docs[id]
			if !ok {
				t.Errorf("%s: operation %s (%s %s) has no documented method", api, id, o.Method, o.Path)
				continue
			}
			total++
			for _, problem := range methodDocProblems(api, spec, o, d) {
				t.Errorf("%s %s.%s (operation %s): %s", api, d.Recv, d.Name, id, problem)
			}
		}
		if len(docs) != len(ops) {
			t.Errorf("%s: %d documented methods for %d operations", api, len(docs), len(ops))
		}
	}
	t.Logf("checked the docs of %d methods", total)
}

// methodDocProblems lists where d says something of o that the document
// does not.
func methodDocProblems(api string, spec *openapi3.T, o docOperation, d methodDoc) []string {
	var out []string
	bad := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	m := firstLine.FindStringSubmatch(d.First)
	if m[2] != o.Method || m[3] != o.Path {
		bad("says %s %s, the document %s %s", m[2], m[3], o.Method, o.Path)
	}
	urlOnly, _ := o.Op.Extensions[extURLOnly].(bool)
	out = append(out, securityProblems(spec, o, d, urlOnly)...)
	out = append(out, argumentProblems(o, d)...)
	out = append(out, pagingProblems(o, d)...)
	out = append(out, errorProblems(o, d, urlOnly)...)
	want := ""
	noRef, _ := o.Op.Extensions[extNoRef].(bool)
	if page := referencePages[api]; page != nil && !noRef {
		want = "Reference: " + page(o)
	}
	if got := d.para("Reference: "); got != want {
		bad("reference %q, want %q", got, want)
	}
	if (d.para("Deprecated: ") != "") != o.Op.Deprecated {
		bad("deprecated is %v in the document", o.Op.Deprecated)
	}
	return out
}

// scopeList matches the scopes a security paragraph names.
var scopeList = regexp.MustCompile(`with the scopes? ([^()]+?)(?:\.$|, or )`)

func securityProblems(spec *openapi3.T, o docOperation, d methodDoc, urlOnly bool) []string {
	reqs := spec.Security
	if o.Op.Security != nil {
		reqs = *o.Op.Security
	}
	got := d.para("Security: ")
	if urlOnly {
		// A URL builder that fills in a token, or whose URL needs none,
		// has nothing to say of security.
		got = d.para("Security, for the client that loads the URL: ")
		_, tokenParam := o.Op.Extensions[extTokenParam]
		none := len(reqs) == 0 || len(reqs) == 1 && len(reqs[0]) == 0
		if tokenParam || none {
			if got != "" {
				return []string{"a URL builder with a security paragraph it needs not"}
			}
			return nil
		}
	}
	if got == "" {
		return []string{"no security paragraph"}
	}
	var out []string
	wantScopes := map[string]bool{}
	anonymous := len(reqs) == 0
	for _, req := range reqs {
		anonymous = anonymous || len(req) == 0
		for name, scopes := range req {
			if !strings.Contains(got, "("+name+")") {
				out = append(out, fmt.Sprintf("security does not name scheme %s", name))
			}
			for _, s := range scopes {
				wantScopes[s] = true
			}
		}
	}
	if anonymous != strings.Contains(got, "no credentials") {
		out = append(out, fmt.Sprintf("security %q: the document allows no credentials: %v", got, anonymous))
	}
	gotScopes := map[string]bool{}
	for _, m := range scopeList.FindAllStringSubmatch(got, -1) {
		for _, s := range strings.Split(m[1], ", ") {
			gotScopes[s] = true
		}
	}
	for s := range wantScopes {
		if !gotScopes[s] {
			out = append(out, fmt.Sprintf("security does not name scope %s", s))
		}
	}
	for s := range gotScopes {
		if !wantScopes[s] {
			out = append(out, fmt.Sprintf("security names scope %s, which the document does not", s))
		}
	}
	return out
}

// argLine matches an argument line of a parameter: "  - params.Page:
// query parameter "page", integer, >= 0." or "  - id: path parameter,
// string." or "  - WithX(value): header "x", string.".
var argLine = regexp.MustCompile(`^  - ([\w.]+)(?:\(value\))?: (path parameter|query parameter|header)(?: "([^"]+)")?(.*)$`)

func argumentProblems(o docOperation, d methodDoc) []string {
	var out []string
	lines := map[string]string{} // "in name" -> facts
	body := ""
	if args := d.para("Arguments:"); args != "" {
		for _, l := range strings.Split(args, "\n")[1:] {
			if strings.HasPrefix(l, "  - body: ") || strings.HasPrefix(l, "  - contentType, body: ") {
				body = l
				continue
			}
			m := argLine.FindStringSubmatch(l)
			if m == nil {
				out = append(out, fmt.Sprintf("argument line %q is not a parameter", l))
				continue
			}
			name := m[3]
			if name == "" {
				name = m[1]
			}
			in := map[string]string{"path parameter": "path", "query parameter": "query", "header": "header"}[m[2]]
			lines[in+" "+strings.ToLower(name)] = m[4]
		}
	}
	params := o.params()
	for _, p := range params {
		key := p.In + " " + strings.ToLower(p.Name)
		facts, ok := lines[key]
		if !ok {
			out = append(out, fmt.Sprintf("%s parameter %q is not documented", p.In, p.Name))
			continue
		}
		delete(lines, key)
		for _, problem := range paramFactProblems(p, facts) {
			out = append(out, fmt.Sprintf("%s parameter %q: %s", p.In, p.Name, problem))
		}
	}
	for k := range lines {
		out = append(out, fmt.Sprintf("documents parameter %s, which the document does not have", k))
	}
	rb := o.Op.RequestBody
	switch {
	case rb == nil && body != "":
		out = append(out, "documents a body the operation does not take")
	case rb != nil && body == "":
		out = append(out, "the body is not documented")
	case rb != nil && strings.HasPrefix(body, "  - body: "):
		m := regexp.MustCompile(`, sent as (\S+) \((required|optional)\)\.$`).FindStringSubmatch(body)
		if m == nil || rb.Value.Content[m[1]] == nil {
			out = append(out, fmt.Sprintf("body line %q names no content type of the document", body))
		} else if (m[2] == "required") != rb.Value.Required {
			out = append(out, fmt.Sprintf("body line %q: required is %v in the document", body, rb.Value.Required))
		}
	case rb != nil:
		want := sortedKeys(rb.Value.Content)
		if !strings.HasSuffix(body, "of type "+strings.Join(want, " or ")+".") {
			out = append(out, fmt.Sprintf("body line %q, the document's types are %v", body, want))
		}
	}
	return out
}

// paramFactProblems checks the facts of one parameter's argument line
// (", required, integer, >= 0, default 50.") against its schema.
func paramFactProblems(p *openapi3.Parameter, facts string) []string {
	var out []string
	facts = strings.TrimSuffix(facts, ".")
	if i := strings.Index(facts, "; "); i >= 0 {
		facts = facts[:i] // what follows is about a client option
	}
	parts := strings.Split(strings.TrimPrefix(facts, ", "), ", ")
	has := func(s string) bool { return slices.Contains(parts, s) }
	if p.In != "path" && has("required") != p.Required {
		out = append(out, fmt.Sprintf("required is %v in the document: %q", p.Required, facts))
	}
	if has("deprecated") != p.Deprecated {
		out = append(out, fmt.Sprintf("deprecated is %v in the document", p.Deprecated))
	}
	if p.Schema == nil || p.Schema.Value == nil {
		if !has("JSON text") {
			out = append(out, "a parameter with content, not said so")
		}
		return out
	}
	s := p.Schema.Value
	var types []string
	for _, ty := range s.Type.Slice() {
		if ty != "null" {
			types = append(types, ty)
		}
	}
	if len(types) > 0 && !strings.Contains(facts, strings.Join(types, " or ")) {
		out = append(out, fmt.Sprintf("the type is %v in the document: %q", types, facts))
	}
	if s.Format != "" && !strings.Contains(facts, "("+s.Format+")") {
		out = append(out, fmt.Sprintf("format %s not given: %q", s.Format, facts))
	}
	if p.Schema.Ref != "" && !strings.Contains(facts, `(schema "`+p.Schema.Ref[strings.LastIndex(p.Schema.Ref, "/")+1:]+`")`) {
		out = append(out, fmt.Sprintf("schema %s not named: %q", p.Schema.Ref, facts))
	}
	for i, v := range s.Enum {
		if i == maxEnumListed {
			if !strings.Contains(facts, fmt.Sprintf("and %d more", len(s.Enum)-i)) {
				out = append(out, "does not say how many more enum values there are")
			}
			break
		}
		if !strings.Contains(facts, literal(v)) {
			out = append(out, fmt.Sprintf("enum value %s not listed: %q", literal(v), facts))
		}
	}
	if s.Default != nil && !has("default "+literal(s.Default)) {
		out = append(out, fmt.Sprintf("default %s not given: %q", literal(s.Default), facts))
	}
	num := func(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
	if s.Min != nil && !has(">= "+num(*s.Min)) && !has("> "+num(*s.Min)) {
		out = append(out, fmt.Sprintf("minimum %v not given: %q", *s.Min, facts))
	}
	if s.Max != nil && !has("<= "+num(*s.Max)) && !has("< "+num(*s.Max)) {
		out = append(out, fmt.Sprintf("maximum %v not given: %q", *s.Max, facts))
	}
	if s.MaxLength != nil && !strings.Contains(facts, fmt.Sprintf("%d character", *s.MaxLength)) {
		out = append(out, fmt.Sprintf("max length %d not given: %q", *s.MaxLength, facts))
	}
	if s.MinLength > 0 && !strings.Contains(facts, fmt.Sprintf("%d ", s.MinLength)) {
		out = append(out, fmt.Sprintf("min length %d not given: %q", s.MinLength, facts))
	}
	if s.Pattern != "" && !strings.Contains(facts, "pattern "+s.Pattern) {
		out = append(out, fmt.Sprintf("pattern not given: %q", facts))
	}
	if s.MaxItems != nil && !strings.Contains(facts, fmt.Sprintf("%d item", *s.MaxItems)) {
		out = append(out, fmt.Sprintf("max items %d not given: %q", *s.MaxItems, facts))
	}
	return out
}

func pagingProblems(o docOperation, d methodDoc) []string {
	got := d.para("Paging: ")
	raw, ok := o.Op.Extensions["x-idsdk-paging"].(map[string]any)
	if !ok {
		if got != "" {
			return []string{"documents paging the operation does not have"}
		}
		return nil
	}
	if got == "" {
		return []string{"the paging is not documented"}
	}
	var want []string
	switch raw["style"] {
	case "page":
		want = []string{fmt.Sprintf("page numbers in %v from %v", raw["page-param"], raw["first-page"]), fmt.Sprintf("page size in %v", raw["per-page-param"])}
	case "checkpoint":
		want = []string{fmt.Sprintf("%v is the %q member of the previous answer", raw["from-param"], raw["next"]), fmt.Sprintf("page size in %v", raw["take-param"])}
	case "offset":
		want = []string{fmt.Sprintf("offsets in %v and %v", raw["start-param"], raw["end-param"])}
	}
	if n, ok := raw["page-size"]; ok {
		want = append(want, fmt.Sprintf("%v items a page", n))
	}
	if n, ok := raw["include-totals-param"]; ok {
		want = append(want, fmt.Sprintf("with %v=true", n))
	}
	var out []string
	for _, w := range want {
		if !strings.Contains(got, w) {
			out = append(out, fmt.Sprintf("paging %q does not say %q", got, w))
		}
	}
	return out
}

// errorItem matches one status of an errors paragraph: "404 (ErrNotFound)".
var errorItem = regexp.MustCompile(`(\d{3})(?: \(([^)]*)\))?`)

func errorProblems(o docOperation, d methodDoc, urlOnly bool) []string {
	got := d.para("Errors ")
	want := map[int]bool{}
	other := false
	for k := range o.Op.Responses.Map() {
		if n, err := strconv.Atoi(k); err == nil && n >= 400 {
			want[n] = true
		} else if k == "default" || strings.HasSuffix(strings.ToUpper(k), "XX") {
			other = true
		}
	}
	if urlOnly || (len(want) == 0 && !other) {
		if got != "" {
			return []string{"documents errors the document does not give"}
		}
		return nil
	}
	if got == "" {
		return []string{"the errors are not documented"}
	}
	var out []string
	list := got[strings.Index(got, "): ")+3:]
	for _, m := range errorItem.FindAllStringSubmatch(list, -1) {
		n, _ := strconv.Atoi(m[1])
		if !want[n] {
			out = append(out, fmt.Sprintf("names status %d, which the document does not", n))
			continue
		}
		delete(want, n)
		var names []string
		for _, e := range sdkerrors.Sentinels(n) {
			names = append(names, sentinelNames[e])
		}
		if m[2] != strings.Join(names, ", ") {
			out = append(out, fmt.Sprintf("status %d matches %v, the doc says %q", n, names, m[2]))
		}
	}
	for n := range want {
		out = append(out, fmt.Sprintf("does not name status %d", n))
	}
	if other != strings.Contains(got, "other statuses") {
		out = append(out, fmt.Sprintf("other statuses: %v in the document", other))
	}
	return out
}

// TestMethodDocProblemsSeeWrongFacts: the audit above finds each kind of
// wrong fact in a doc.
func TestMethodDocProblemsSeeWrongFacts(t *testing.T) {
	spec, err := openapi3.NewLoader().LoadFromData([]byte(`
openapi: 3.0.3
info: {title: t, version: "1"}
components:
  securitySchemes:
    oauth: {type: oauth2, flows: {clientCredentials: {tokenUrl: /t, scopes: {read:users: r}}}}
paths:
  /users/{id}:
    get:
      operationId: get_user
      tags: [users]
      security: [{oauth: [read:users]}]
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: per_page, in: query, schema: {type: integer, minimum: 1, maximum: 100, default: 50}}
      responses:
        "200": {description: ok}
        "404": {description: gone}
`))
	if err != nil {
		t.Fatal(err)
	}
	o := documentOperations(spec)["get_user"]
	right := []string{
		"Get sends GET /users/{id} (operation get_user).",
		"Security: an OAuth 2.0 access token (oauth) with the scope read:users.",
		"Arguments:\n  - id: path parameter, string.\n  - params.PerPage: query parameter \"per_page\", integer, >= 1, <= 100, default 50.",
		"Errors (an *errors.APIError, matching with errors.Is the sentinels named): 404 (ErrNotFound).",
		"Reference: https://auth0.com/docs/api/management/v2/users/get-user",
	}
	doc := func(paras []string) methodDoc {
		return methodDoc{Recv: "UsersService", Name: "Get", First: paras[0], Paras: paras}
	}
	if p := methodDocProblems("auth0mgmt", spec, o, doc(right)); len(p) != 0 {
		t.Fatalf("a right doc has problems: %v", p)
	}
	for i, wrong := range []struct{ from, to string }{
		{"GET /users/{id}", "POST /users/{id}"},
		{"scope read:users", "scope write:users"},
		{"default 50", "default 20"},
		{"<= 100", "<= 10"},
		{"integer", "string"},
		{"404 (ErrNotFound)", "404 (ErrNotFound), 409 (ErrConflict)"},
		{"404 (ErrNotFound)", "404 (ErrConflict)"},
		{"get-user", "get-users"},
		{"  - id: path parameter, string.\n", ""},
	} {
		paras := slices.Clone(right)
		for j := range paras {
			paras[j] = strings.Replace(paras[j], wrong.from, wrong.to, 1)
		}
		if p := methodDocProblems("auth0mgmt", spec, o, doc(paras)); len(p) == 0 {
			t.Errorf("case %d: %q -> %q: no problem found", i, wrong.from, wrong.to)
		}
	}
}

// TestModelFieldDocsStateTheDocumentsFacts checks the doc of every field
// of every model made from a schema of the document (the types whose doc
// says `is schema "X" of the document`) against the schema's property:
// the schema it refers to, or its type, format, enum values, limits and
// default; required, read-only, write-only and nullable, neither left out
// nor added.
func TestModelFieldDocsStateTheDocumentsFacts(t *testing.T) {
	for _, api := range generatedAPIs(t) {
		spec := loadDocument(t, api)
		path := filepath.Join(repoRoot, "gen", api, api+".gen.go")
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		models, fields := 0, 0
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE || gd.Doc == nil {
				continue
			}
			ts := gd.Specs[0].(*ast.TypeSpec)
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				continue
			}
			what, schema := docSchema(spec, gd.Doc.Text())
			if schema == nil {
				continue
			}
			m := []string{"", "", what}
			props, required := schemaProperties(schema)
			models++
			for _, fl := range st.Fields.List {
				name := jsonTagName(fl)
				if name == "" || len(fl.Names) != 1 {
					continue
				}
				p := props[name]
				if p == nil {
					t.Errorf("%s: %s.%s (%q) is no property of schema %q", api, ts.Name.Name, fl.Names[0].Name, name, m[2])
					continue
				}
				fields++
				doc := ""
				if fl.Doc != nil {
					doc = strings.TrimSpace(fl.Doc.Text())
				}
				for _, problem := range fieldFactProblems(p, required[name], doc) {
					t.Errorf("%s: %s.%s (%q of schema %q): %s: %q", api, ts.Name.Name, fl.Names[0].Name, name, m[2], problem, doc)
				}
			}
		}
		if models == 0 || fields == 0 {
			t.Errorf("%s: checked %d models, %d fields", api, models, fields)
		}
		t.Logf("%s: checked %d fields of %d models", api, fields, models)
	}
}

// typeFrom matches the doc of a type made from an operation's answer or
// body: "is an item of the application/json answer (status 200) of
// operation X (GET /x)", "is the application/json request body of
// operation X (POST /x)".
var typeFrom = regexp.MustCompile(`^\w+ is (an item of )?the (\S+) (answer \(status (\d+)\)|request body) of operation \S+ \((\w+) (\S+)\)`)

// docSchema finds the schema a model's doc says the model is made of:
// a schema of the document, an operation's answer (or its items) or
// request body; nil for none.
func docSchema(spec *openapi3.T, doc string) (string, *openapi3.Schema) {
	if m := typeIsSchema.FindStringSubmatch("// " + doc); m != nil {
		if r := spec.Components.Schemas[m[2]]; r != nil {
			return m[2], r.Value
		}
		return "", nil // TestDocsNameOnlySchemasOfTheDocument reports it
	}
	m := typeFrom.FindStringSubmatch(doc)
	if m == nil {
		return "", nil
	}
	item := spec.Paths.Value(m[6])
	if item == nil {
		return "", nil
	}
	op := item.GetOperation(m[5])
	var content openapi3.Content
	switch {
	case op == nil:
		return "", nil
	case m[4] != "":
		if r := op.Responses.Value(m[4]); r != nil && r.Value != nil {
			content = r.Value.Content
		}
	case op.RequestBody != nil && op.RequestBody.Value != nil:
		content = op.RequestBody.Value.Content
	}
	mt := content[m[2]]
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
		return "", nil
	}
	s := mt.Schema.Value
	if m[1] != "" {
		if s.Items == nil {
			return "", nil
		}
		s = s.Items.Value
	}
	return strings.TrimSuffix(m[0][strings.Index(m[0], " is ")+4:], ""), s
}

// schemaProperties are the properties of s and of the members of its
// allOf, with the names they require.
func schemaProperties(s *openapi3.Schema) (map[string]*openapi3.SchemaRef, map[string]bool) {
	props, required := map[string]*openapi3.SchemaRef{}, map[string]bool{}
	var walk func(s *openapi3.Schema)
	walk = func(s *openapi3.Schema) {
		for n, p := range s.Properties {
			props[n] = p
		}
		for _, n := range s.Required {
			required[n] = true
		}
		for _, r := range s.AllOf {
			if r != nil && r.Value != nil {
				walk(r.Value)
			}
		}
	}
	walk(s)
	return props, required
}

// fieldFactProblems checks the doc of a field against its property.
func fieldFactProblems(p *openapi3.SchemaRef, required bool, doc string) []string {
	if doc == "" {
		return []string{"no doc"}
	}
	doc, _, _ = strings.Cut(doc, "\n\n") // the facts; an example may follow
	var out []string
	facts := doc[strings.Index(doc, " is ")+len(" is "):]
	facts = strings.TrimSuffix(facts, ".")
	parts := strings.Split(facts, "; ")
	has := func(s string) bool { return slices.Contains(parts, s) }
	if has("required") != required {
		out = append(out, fmt.Sprintf("required is %v in the document", required))
	}
	s := p.Value
	if p.Ref != "" {
		if want := `schema "` + p.Ref[strings.LastIndex(p.Ref, "/")+1:] + `"`; !strings.Contains(facts, want) {
			out = append(out, "does not name "+want)
		}
		if has("read-only") != s.ReadOnly {
			out = append(out, fmt.Sprintf("read-only is %v in the document", s.ReadOnly))
		}
		return out
	}
	if has("read-only") != s.ReadOnly {
		out = append(out, fmt.Sprintf("read-only is %v in the document", s.ReadOnly))
	}
	if has("write-only") != s.WriteOnly {
		out = append(out, fmt.Sprintf("write-only is %v in the document", s.WriteOnly))
	}
	if has("may be null") != (s.Nullable || s.Type.IncludesNull()) {
		out = append(out, "nullable is not as in the document")
	}
	var types []string
	for _, ty := range s.Type.Slice() {
		if ty != "null" {
			types = append(types, ty)
		}
	}
	if len(types) > 0 && !strings.Contains(parts[0], strings.Join(types, " or ")) {
		out = append(out, fmt.Sprintf("the type is %v in the document", types))
	}
	if s.Format != "" && !strings.Contains(parts[0], "("+s.Format+")") {
		out = append(out, "format "+s.Format+" not given")
	}
	if s.Items != nil && s.Items.Ref != "" && !strings.Contains(parts[0], `array of schema "`+refBase(s.Items.Ref)+`"`) {
		out = append(out, "the items' schema not named")
	}
	for i, v := range s.Enum {
		if i == maxEnumListed {
			if !strings.Contains(facts, fmt.Sprintf("and %d more", len(s.Enum)-i)) {
				out = append(out, "does not say how many more enum values there are")
			}
			break
		}
		if !strings.Contains(facts, literal(v)) {
			out = append(out, fmt.Sprintf("enum value %s not listed", literal(v)))
		}
	}
	if (s.Default != nil) != strings.Contains(facts, "default ") || (s.Default != nil && !has("default "+literal(s.Default))) {
		out = append(out, fmt.Sprintf("default is %v in the document", s.Default))
	}
	num := func(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
	if s.Min != nil && !has(">= "+num(*s.Min)) && !has("> "+num(*s.Min)) {
		out = append(out, fmt.Sprintf("minimum %v not given", *s.Min))
	}
	if s.Max != nil && !has("<= "+num(*s.Max)) && !has("< "+num(*s.Max)) {
		out = append(out, fmt.Sprintf("maximum %v not given", *s.Max))
	}
	if s.MaxLength != nil && !strings.Contains(facts, fmt.Sprintf("%d character", *s.MaxLength)) {
		out = append(out, fmt.Sprintf("max length %d not given", *s.MaxLength))
	}
	if s.MinLength > 0 && !strings.Contains(facts, fmt.Sprintf("%d ", s.MinLength)) {
		out = append(out, fmt.Sprintf("min length %d not given", s.MinLength))
	}
	if s.Pattern != "" && !strings.Contains(facts, "pattern "+printable(s.Pattern)) {
		out = append(out, "pattern not given")
	}
	if s.MaxItems != nil && !strings.Contains(facts, fmt.Sprintf("%d item", *s.MaxItems)) {
		out = append(out, fmt.Sprintf("max items %d not given", *s.MaxItems))
	}
	if s.MinItems > 0 && !strings.Contains(facts, fmt.Sprintf("%d ", s.MinItems)) {
		out = append(out, fmt.Sprintf("min items %d not given", s.MinItems))
	}
	return out
}

// TestFieldFactProblemsSeeWrongFacts: the field audit finds each kind of
// wrong fact in a field doc.
func TestFieldFactProblemsSeeWrongFacts(t *testing.T) {
	max := uint64(64)
	p := &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"string"}, Format: "date-time", MaxLength: &max, Enum: []any{"a", "b"}, ReadOnly: true}}
	right := `CreatedAt ("created_at") is a string (date-time); one of "a", "b"; at most 64 characters; read-only; required.`
	if got := fieldFactProblems(p, true, right); len(got) != 0 {
		t.Fatalf("a right doc has problems: %v", got)
	}
	for _, wrong := range []struct{ from, to string }{
		{"; required", ""},
		{"; read-only", ""},
		{"(date-time)", "(date)"},
		{"a string", "an integer"},
		{`, "b"`, ""},
		{"64 characters", "65 characters"},
		{"; read-only", "; read-only; default \"a\""},
	} {
		if got := fieldFactProblems(p, true, strings.Replace(right, wrong.from, wrong.to, 1)); len(got) == 0 {
			t.Errorf("%q -> %q: no problem found", wrong.from, wrong.to)
		}
	}
	if got := fieldFactProblems(&openapi3.SchemaRef{Ref: "#/components/schemas/User", Value: &openapi3.Schema{}}, false, `Owner is schema "Person".`); len(got) == 0 {
		t.Error("a wrong schema name is not found")
	}
}

// TestTypeDocsSpeakOfTheType: no generated type says it "defines
// parameters" or "defines model" (oapi-codegen's words, which call a body
// or an enum parameters), and no type says it is required or carries a
// member's JSON name as a field doc does.
func TestTypeDocsSpeakOfTheType(t *testing.T) {
	for _, api := range generatedAPIs(t) {
		path := filepath.Join(repoRoot, "gen", api, api+".gen.go")
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		bad := 0
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE || gd.Doc == nil {
				continue
			}
			doc := gd.Doc.Text()
			ts := gd.Specs[0].(*ast.TypeSpec)
			name := ts.Name.Name
			if st, ok := ts.Type.(*ast.StructType); ok && strings.Contains(doc, " holds the query parameters of ") {
				for _, fl := range st.Fields.List {
					if fl.Doc == nil || !strings.Contains(fl.Doc.Text(), "(query parameter \"") {
						t.Errorf("%s: %s.%s says not which query parameter it is", api, name, fl.Names[0].Name)
					}
				}
			}
			if strings.Contains(doc, "defines parameters") || strings.Contains(doc, "defines model") ||
				strings.HasSuffix(strings.TrimSpace(doc), "; required.") || strings.HasPrefix(doc, name+` ("`) {
				if bad++; bad <= 5 {
					t.Errorf("%s: %s", api, strings.TrimSpace(doc))
				}
			}
		}
		if bad > 5 {
			t.Errorf("%s: %d such type docs in all", api, bad)
		}
	}
}
