package main

import (
	"bytes"
	"embed"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"sort"
	"strings"
	"text/template"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/util"
	"golang.org/x/tools/go/ast/astutil"
	"gopkg.in/yaml.v3"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

// apiConfig is api/<api>/codegen.yaml: oapi-codegen's configuration plus
// the facade settings under "facade".
type apiConfig struct {
	codegen.Configuration `yaml:",inline"`
	Facade                facadeConfig `yaml:"facade"`
}

// facadeConfig configures the typed facade of one API.
type facadeConfig struct {
	// Title names the API in documentation ("Nexaas ID").
	Title string `yaml:"title"`
	// ClientType is the facade's client type name (default "Client").
	ClientType string `yaml:"client-type"`
	// ErrorDecoder is the errors package decoder for non-2xx answers.
	ErrorDecoder string `yaml:"error-decoder"`
	// DefaultRegion is the regions package variable used when neither
	// WithRegion nor WithBaseURL is given.
	DefaultRegion string `yaml:"default-region"`
	// BaseURLValidator is a regions package func(string) (string, error)
	// replacing regions.ValidateBaseURL for this API.
	BaseURLValidator string `yaml:"base-url-validator"`
	// NewArgs are host names New takes before its options, substituted
	// into BaseURLTemplate ("https://{domain}/api/v2").
	NewArgs         []string `yaml:"new-args"`
	BaseURLTemplate string   `yaml:"base-url-template"`
	// BaseURLFunc is a regions package func(string) (string, error) that
	// turns New's one argument into the base URL, replacing the template
	// (e.g. Auth0Domain: https, or http for a loopback host), so the client
	// and the API's token sources follow one rule.
	BaseURLFunc string `yaml:"base-url-func"`
	// Credentials names a credentials preset: the options rendered from
	// templates/credentials_<name>.tmpl into credentials.gen.go, which
	// build the token source from the client's own server (auth0, nexaas).
	Credentials string `yaml:"credentials"`
	// TokenOnAPIServer says the API's token endpoint is on the API's own
	// server: New refuses a token source that names another one.
	TokenOnAPIServer bool `yaml:"token-endpoint-on-api-server"`
	// Env names the variables FromEnv reads.
	Env struct {
		Token   string `yaml:"token"`
		Region  string `yaml:"region"`
		BaseURL string `yaml:"base-url"`
	} `yaml:"env"`
	// RetryStatuses, MaxRetries and AttemptTimeout adjust the API's
	// default retry policy.
	RetryStatuses  []int  `yaml:"retry-statuses"`
	MaxRetries     *int   `yaml:"max-retries"`
	AttemptTimeout string `yaml:"attempt-timeout"`
	ConnectTimeout string `yaml:"connect-timeout"`
	// TelemetryHeader carries base64 JSON {name, version} on every call.
	TelemetryHeader string `yaml:"telemetry-header"`
	// HeaderOptions generate client options that send a header parameter
	// with the operations declaring it (e.g. Auth0-Custom-Domain).
	// Option is a client option sending it with every call of those
	// operations; RequestOption sends it with one call (default
	// With<Header>). Every header parameter gets a request option.
	HeaderOptions []struct {
		Header        string `yaml:"header"`
		Option        string `yaml:"option"`
		RequestOption string `yaml:"request-option"`
		Doc           string `yaml:"doc"`
	} `yaml:"header-options"`
	// ReferenceURL is the vendor's reference page of an operation, where
	// the vendor publishes a stable pattern: {operationId},
	// {operationId-kebab} (snake_case as kebab-case), {tag}, {method}
	// (lower case) and {path-dashed} ({x} written -x-) are replaced.
	ReferenceURL string `yaml:"reference-url"`
	// ClientHeapBudget (bytes), when set, fails the generated
	// TestClientHeap when one client holds more heap.
	ClientHeapBudget int `yaml:"client-heap-budget"`
	// ContractTest generates gen/<api>/contract_gen_test.go.
	ContractTest bool `yaml:"contract-test"`
	// Example holds Go statements for a generated Example_quickstart;
	// the variables ctx and c are in scope.
	Example string `yaml:"example"`
}

// generateAPI renders every file of one API in memory: the oapi-codegen
// models and raw client, the facade, and the names lock. Paths are
// relative to root, with forward slashes.
func generateAPI(root, api string, updateLock bool) (map[string][]byte, error) {
	cfgPath := filepath.Join(root, "api", api, "codegen.yaml")
	raw, err := os.ReadFile(cfgPath)
	if err != nil {
		return nil, err
	}
	var cfg apiConfig
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil {
		return nil, fmt.Errorf("%s: %w", cfgPath, err)
	}
	if cfg.PackageName != api {
		return nil, fmt.Errorf("%s: package must be %q", cfgPath, api)
	}
	spec, err := util.LoadSwagger(filepath.Join(root, "api", api, "openapi.yaml"))
	if err != nil {
		return nil, fmt.Errorf("loading openapi.yaml: %w", err)
	}

	origins := synthOrigins{}
	unionBodies := nameUnionBodies(spec, origins)
	nameInlineAnswers(spec, origins)
	// Header parameters become request options of the facade, so the
	// parameter structs oapi-codegen writes hold the query only.
	facts := liftHeaderParams(spec)
	describeSchemas(spec, origins)
	oc := cfg.Configuration
	// oapi-codegen writes the models and the parameter structs; the
	// facade's runtime builds every request from the operations'
	// descriptions, so no request-level client is generated.
	if oc.Generate.Client {
		return nil, fmt.Errorf("%s: generate: client must be false (the facade builds the requests)", cfgPath)
	}
	oc.Generate = codegen.GenerateOptions{Models: true}
	if oc.OutputOptions.UserTemplates == nil {
		oc.OutputOptions.UserTemplates = map[string]string{}
	}
	// The methods take the body's own type, so the per-operation body
	// types (<Op>JSONRequestBody) are not written. text/template keeps a
	// template's old body when the new one holds only comments and space,
	// so the replacement has an action that prints nothing.
	oc.OutputOptions.UserTemplates["request-bodies.tmpl"] = "{{/* the methods take each body's own type */}}{{if false}}{{end}}\n"
	// The types made for an operation (its parameter struct, an inline
	// body, the types inside them) say what they are: their own facts
	// (describeOperations), or for a parameter struct the method it is
	// for (methodTypeDocs fills in the method).
	oc.OutputOptions.UserTemplates["param-types.tmpl"] = paramTypesTemplate
	oc.AllowRemoteRefsFrom = []string{}
	// names.lock is keyed by the document's own operationIds, so the Go
	// naming rules can change without renaming a key: oapi-codegen must
	// not rewrite them in the document it was given.
	oc.Compatibility.PreserveOriginalOperationIdCasingInEmbeddedSpec = true
	if err := applyRules(&oc); err != nil {
		return nil, err
	}
	oc = oc.UpdateDefaults()
	if err := oc.Validate(); err != nil {
		return nil, err
	}
	code, err := codegen.Generate(spec, oc)
	if err != nil {
		return nil, fmt.Errorf("oapi-codegen: %w", err)
	}
	// OperationDefinitions reads the state Generate left behind, so it
	// must run right after it, for the same document.
	ops, err := codegen.OperationDefinitions(spec)
	if err != nil {
		return nil, err
	}
	lockPath := filepath.ToSlash(filepath.Join("api", api, "names.lock"))
	lock, err := readLock(filepath.Join(root, lockPath))
	if err != nil {
		return nil, err
	}
	lock, lockedTypes := lock.split()
	model, newLock, err := buildFacade(api, cfg.Facade, spec, ops, facts, lock, updateLock)
	if err != nil {
		return nil, err
	}
	code = methodTypeDocs(code, model)
	renames, err := typeRenames(code, ops, model, unionBodies)
	if err != nil {
		return nil, err
	}
	renamer := newTypeRenamer(renames)
	renameModelTypes(model, renamer)
	skip := map[string]bool{}
	for name := range paramTypes(ops) {
		skip[renamer.name(name)] = true
	}
	rawCode, err := finishRaw(code, renamer, skip, answerTypes(model))
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{
		"gen/" + api + "/" + api + ".gen.go": rawCode,
	}
	outputs := map[string]string{"client.gen.go": "client.tmpl", "services.gen.go": "services.tmpl", "example_gen_test.go": "example.tmpl", "client_gen_test.go": "clienttest.tmpl"}
	if cfg.Facade.ContractTest {
		outputs["contract_gen_test.go"] = "contract.tmpl"
	}
	if c := cfg.Facade.Credentials; c != "" {
		tmpl := "credentials_" + c + ".tmpl"
		if templates.Lookup(tmpl) == nil {
			return nil, fmt.Errorf("%s: facade credentials %q: no template %s", cfgPath, c, tmpl)
		}
		outputs["credentials.gen.go"] = tmpl
	}
	for name, tmpl := range outputs {
		out, err := render(tmpl, model)
		if err != nil {
			return nil, err
		}
		if out, err = pruneImports(out); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		files["gen/"+api+"/"+name] = out
	}
	if err := lockTypes(files, lockedTypes, updateLock, newLock); err != nil {
		return nil, err
	}
	files[lockPath] = newLock.bytes(api)
	return files, nil
}

// paramTypesTemplate replaces oapi-codegen's param-types.tmpl, whose doc
// of every type made for an operation says "defines parameters for <Go
// operation id>", of a body or an enum type too.
const paramTypesTemplate = `{{range .}}{{$opid := .OperationId}}
{{range .TypeDefinitions}}
{{if .Comment}}{{.Comment}}{{else if .Schema.Description}}{{.DocComment}}{{else if eq .TypeName (printf "%sParams" $opid)}}// {{.TypeName}} holds the query parameters of operation {{$opid}}.{{else}}// {{.TypeName}} is a type of operation {{$opid}}.{{end}}
type {{.TypeName}} {{if .IsAlias}}={{end}} {{.Schema.TypeDecl}}
{{end}}
{{end}}
`

// paramsDoc matches the doc paramTypesTemplate gives a parameter struct.
var paramsDoc = regexp.MustCompile(`(?m)^// (\w+) (holds the query parameters|is a type) of operation (\w+)\.$`)

// methodTypeDocs names, in the doc of each parameter struct, the method it
// is for, as a call reads (Users.List), with its HTTP method and path and
// the document's operationId.
func methodTypeDocs(code string, m *facadeModel) string {
	byGoID := map[string]*facadeOp{}
	for _, op := range m.Ops {
		byGoID[op.GoID] = op
	}
	return paramsDoc.ReplaceAllStringFunc(code, func(line string) string {
		sub := paramsDoc.FindStringSubmatch(line)
		op := byGoID[sub[3]]
		if op == nil {
			return line
		}
		return fmt.Sprintf("// %s %s of %s.%s (%s %s, operation %s).", sub[1], sub[2], op.Service.Path, op.Name, op.Method, op.Path, op.DocID)
	})
}

var oapiHeader = regexp.MustCompile(`\A(?://.*\n)*// Code generated by .* DO NOT EDIT\.\n`)

// identWord matches a Go identifier in a comment.
var identWord = regexp.MustCompile(`\b[A-Za-z_][A-Za-z0-9_]*\b`)

// finishRaw stamps our header on oapi-codegen's output, gives its types
// the facade's names (r: typeRenames, for identifiers and comments) and
// makes its models keep unknown members (params names the parameter
// structs, which are not JSON; answers the types of the 2xx bodies, whose
// models get getters).
func finishRaw(code string, r *typeRenamer, params, answers map[string]bool) ([]byte, error) {
	header := genHeader + " with oapi-codegen " + oapiCodegenVersion() + ". DO NOT EDIT.\n\n"
	if !oapiHeader.MatchString(code) {
		return nil, fmt.Errorf("oapi-codegen output has no generated-code header:\n%.300s", code)
	}
	code = oapiHeader.ReplaceAllString(code, header)
	// Nullable fields use our nullable package: the same map[bool]T with
	// one method instead of nine, since a generic type's methods are
	// compiled again in every package importing a model that holds one.
	code = strings.ReplaceAll(code, `"github.com/oapi-codegen/nullable"`, `"github.com/idsdk/idsdk-go/nullable"`)
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "raw.go", code, parser.ParseComments)
	if err != nil {
		return nil, fmt.Errorf("parsing oapi-codegen output: %w", err)
	}
	declared := map[string]bool{}
	for _, d := range f.Decls {
		if gd, ok := d.(*ast.GenDecl); ok {
			for _, sp := range gd.Specs {
				if ts, ok := sp.(*ast.TypeSpec); ok {
					declared[ts.Name.Name] = true
				}
			}
		}
	}
	for _, from := range sortedKeys(r.renames) {
		to := r.renames[from]
		if _, moving := r.renames[to]; from != to && declared[to] && !moving {
			return nil, fmt.Errorf("type %s would be named %s, which the models already use", from, to)
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			id.Name = r.name(id.Name)
		}
		return true
	})
	// A name derived from a renamed one may meet a name of its own.
	renamed := map[string]string{}
	for from := range declared {
		to := r.name(from)
		if other, dup := renamed[to]; dup {
			return nil, fmt.Errorf("types %s and %s would both be named %s", min(other, from), max(other, from), to)
		}
		renamed[to] = from
	}
	if err := renameEnumValues(f); err != nil {
		return nil, err
	}
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			c.Text = r.text(c.Text)
		}
	}
	memberTypeDocs(f)
	var buf bytes.Buffer
	if err := (&printer.Config{Mode: printer.UseSpaces | printer.TabIndent, Tabwidth: 8}).Fprint(&buf, fset, f); err != nil {
		return nil, err
	}
	out, err := keepUnknown(buf.Bytes(), params, answers)
	if err != nil {
		return nil, err
	}
	out, err = pruneImports(out)
	if err != nil {
		return nil, fmt.Errorf("models: %w", err)
	}
	return format.Source(out)
}

// answerTypes names the types of the 2xx bodies the methods return (the
// identifiers of each result type, such as User in []User).
func answerTypes(m *facadeModel) map[string]bool {
	out := map[string]bool{}
	for _, op := range m.Ops {
		for _, t := range []string{op.Result, op.ItemType} {
			for _, id := range identWord.FindAllString(t, -1) {
				out[id] = true
			}
		}
	}
	return out
}

func oapiCodegenVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/oapi-codegen/oapi-codegen/v2" {
				return d.Version
			}
		}
	}
	return "(unknown version)"
}

var templates = template.Must(template.New("").Funcs(template.FuncMap{
	"header": func() string { return genHeader + ". DO NOT EDIT." },
	"a":      withArticle,
	"lowerFirst": func(s string) string {
		if s == "" || (len(s) > 1 && strings.ToUpper(s[:2]) == s[:2]) {
			return s
		}
		return strings.ToLower(s[:1]) + s[1:]
	},
}).ParseFS(templateFS, "templates/*.tmpl"))

// withArticle puts "a" or "an" before s, by its first letter ("an Auth0
// client", "a Zaikio client").
func withArticle(s string) string {
	if s != "" && strings.ContainsRune("AEIOUaeiou", rune(s[0])) {
		return "an " + s
	}
	return "a " + s
}

// pruneImports drops the imports a rendered file does not use: the
// templates import what any API may need.
func pruneImports(src []byte) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "x.go", src, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	used := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok {
				used[id.Name] = true
			}
		}
		return true
	})
	for _, imp := range append([]*ast.ImportSpec(nil), f.Imports...) {
		path := strings.Trim(imp.Path.Value, `"`)
		name := path[strings.LastIndex(path, "/")+1:]
		if imp.Name != nil {
			name = imp.Name.Name
		}
		if name == "_" || used[name] {
			continue
		}
		astutil.DeleteNamedImport(fset, f, nameOrEmpty(imp), path)
	}
	var buf bytes.Buffer
	if err := format.Node(&buf, fset, f); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func nameOrEmpty(imp *ast.ImportSpec) string {
	if imp.Name == nil {
		return ""
	}
	return imp.Name.Name
}

func render(name string, data any) ([]byte, error) {
	var buf bytes.Buffer
	if err := templates.ExecuteTemplate(&buf, name, data); err != nil {
		return nil, fmt.Errorf("template %s: %w", name, err)
	}
	out, err := format.Source(buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("template %s renders invalid Go: %w\n%s", name, err, buf.String())
	}
	return out, nil
}

// ensureSchemas makes sure spec has a components.schemas map to add to.
func ensureSchemas(spec *openapi3.T) {
	if spec.Components == nil {
		spec.Components = &openapi3.Components{}
	}
	if spec.Components.Schemas == nil {
		spec.Components.Schemas = openapi3.Schemas{}
	}
}

// nameUnionBodies moves request bodies whose schema is an inline oneOf or
// anyOf under components as "<OperationId>Body" and returns the Go names of
// those types (typeRenames names each after its method, as it does every
// inline body). oapi-codegen makes such a body a defined type of the union
// without the union's JSON methods, so it would marshal as {}; a named
// schema keeps them. origins records where each moved schema comes from.
func nameUnionBodies(spec *openapi3.T, origins synthOrigins) map[string]bool {
	named := map[string]bool{}
	if spec.Paths == nil {
		return named
	}
	ensureSchemas(spec)
	for _, path := range spec.Paths.InMatchingOrder() {
		item := spec.Paths.Value(path)
		for _, method := range []string{"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE"} {
			op := item.GetOperation(method)
			if op == nil || op.OperationID == "" || op.RequestBody == nil || op.RequestBody.Ref != "" || op.RequestBody.Value == nil {
				continue
			}
			cts := make([]string, 0, len(op.RequestBody.Value.Content))
			for ct := range op.RequestBody.Value.Content {
				cts = append(cts, ct)
			}
			sort.Strings(cts)
			for i, ct := range cts {
				mt := op.RequestBody.Value.Content[ct]
				if mt == nil || mt.Schema == nil || mt.Schema.Ref != "" || mt.Schema.Value == nil {
					continue
				}
				if len(mt.Schema.Value.OneOf) == 0 && len(mt.Schema.Value.AnyOf) == 0 {
					continue
				}
				name := codegen.SchemaNameToTypeName(op.OperationID) + "Body"
				if i > 0 {
					name += codegen.SchemaNameToTypeName(ct)
				}
				for n := 2; spec.Components.Schemas[name] != nil; n++ {
					name = fmt.Sprintf("%s%d", strings.TrimRight(name, "0123456789"), n)
				}
				spec.Components.Schemas[name] = &openapi3.SchemaRef{Value: mt.Schema.Value}
				origins[name] = fmt.Sprintf("the %s request body of operation %s (%s %s)", ct, op.OperationID, method, path)
				mt.Schema = &openapi3.SchemaRef{Ref: "#/components/schemas/" + name, Value: mt.Schema.Value}
				named[codegen.SchemaNameToTypeName(name)] = true
			}
		}
	}
	return named
}
