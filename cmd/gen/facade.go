package main

import (
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/textproto"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
)

// Extensions cmd/gen reads from an OpenAPI document.
const (
	extGroup      = "x-operation-group"    // service path, e.g. "Organizations.Members"
	extName       = "x-operation-name"     // method name within the service
	extURLOnly    = "x-idsdk-url-only"     // build a URL, make no call
	extIdempotent = "x-idsdk-idempotent"   // safe to repeat (POST/PATCH)
	extTokenParam = "x-idsdk-token-param"  // url-only: the query parameter carrying the access token
	extNoRef      = "x-idsdk-no-reference" // the vendor's reference has no page for it (an operation our overlay adds)
)

// facadeModel is what the facade templates render.
type facadeModel struct {
	Package       string
	API           string
	Title         string
	ClientType    string
	ErrorDecoder  string
	DefaultRegion string
	Validator     string
	Services      []*service // top level, sorted
	AllServices   []*service // every service, parents first, sorted
	Ops           []*facadeOp
	First         *facadeOp // an operation without arguments for the example, if any
	HasRawBody    bool
	EnvToken      string // environment variable the example reads a token from
	Config        facadeConfig
	HasBasic      bool
	HasPaging     bool
	// RequiresAuth: the document requires credentials (a global security
	// requirement without an empty alternative, or every operation
	// secured), so New refuses to build a client without them.
	RequiresAuth bool
	ContractOps  []*facadeOp // every operation, in operationId order
	// HeaderOptions are the options of the header parameters, one per
	// header, sorted.
	HeaderOptions []*headerOpt
	// AttemptTimeout and ConnectTimeout are Go expressions
	// ("60 * time.Second"), "" when unset.
	AttemptTimeout string
	ConnectTimeout string
}

// pagingExt is the x-idsdk-paging extension of a list operation.
type pagingExt struct {
	Style              string `json:"style"`
	Items              string `json:"items"`
	Total              string `json:"total"`
	Next               string `json:"next"`
	TotalPagesHeader   string `json:"total-pages-header"`
	PageParam          string `json:"page-param"`
	PerPageParam       string `json:"per-page-param"`
	FromParam          string `json:"from-param"`
	TakeParam          string `json:"take-param"`
	StartParam         string `json:"start-param"`
	EndParam           string `json:"end-param"`
	IncludeTotalsParam string `json:"include-totals-param"`
	FirstPage          int    `json:"first-page"`
	PageSize           int    `json:"page-size"`
	ItemType           string `json:"item-type"`
}

// contractArgs are the arguments the generated contract test sends.
type contractArgs struct {
	PathJSON    []string // one JSON value per path parameter
	ParamsJSON  string   // JSON object of the required parameters
	BodyJSON    string   // JSON body
	ContentType string   // for a raw body
	HasSuccess  bool     // the document has a 2xx answer
}

type service struct {
	Path     string // "Organizations.Members"
	Field    string // "Members"
	Type     string // "OrganizationsMembersService"
	Children []*service
	Ops      []*facadeOp
}

type arg struct{ Name, Type string }

type facadeOp struct {
	ID, GoID, Var string
	DocID         string // the operationId as the document spells it
	Method, Path  string
	Tag           string // the first tag, for reference URLs
	Deprecated    bool
	Name          string
	// TypeName names the types made for this method alone: its
	// parameter struct (<TypeName>Params) and an inline body
	// (<TypeName>Body), e.g. UsersList for Users.List.
	TypeName      string
	Service       *service
	PathParams    []arg
	ParamsType    string // the query parameter struct, named after the method
	BodyType      string // Go type of a typed body, or "" with RawBody
	BodyKind      string // facade.BodyJSON, BodyForm, BodyText or BodyRaw
	ContentType   string // of the body
	RawBody       bool   // contentType + io.Reader
	Result        string // Go type of the 2xx body; "" for none
	ResultPointer bool
	ResultBytes   bool // non-JSON body returned as []byte
	URLOnly       bool
	TokenParam    string // url-only: the query parameter filled from the token source
	Idempotent    bool
	Security      string   // "", "basic", "basic-or-token" or "none"
	Accept        string   // Accept header of an operation whose answer is not JSON
	Headers       []string // declared header parameters, canonical form
	HeaderOpts    []*headerOpt
	PathMeta      []paramMeta // path parameters, when one is not a plain string
	QueryMeta     []paramMeta
	Paging        *pagingExt
	PagerName     string // the iterator method, when Paging is set
	ItemType      string // the iterator's element type
	Contract      contractArgs
	Doc           string // the method's doc comment, "//" lines
	PagerDoc      string // the iterator's doc comment
}

// paramMeta is a facade.Param literal.
type paramMeta struct {
	Name, Style, Type, Format string
	Explode, JSON, Reserved   bool
}

// Literal is the facade.Param composite literal.
func (p paramMeta) Literal() string {
	var b strings.Builder
	fmt.Fprintf(&b, "{Name: %q", p.Name)
	if p.Style != "" {
		fmt.Fprintf(&b, ", Style: %q", p.Style)
	}
	if p.Explode {
		b.WriteString(", Explode: true")
	}
	if p.Format != "" {
		fmt.Fprintf(&b, ", Type: %q, Format: %q", p.Type, p.Format)
	}
	if p.JSON {
		b.WriteString(", JSON: true")
	}
	if p.Reserved {
		b.WriteString(", AllowReserved: true")
	}
	b.WriteString("}")
	return b.String()
}

// headerOpt is the request option (and, when configured, the client
// option) that sends one header parameter.
type headerOpt struct {
	Header        string // as the document spells it
	Canonical     string
	Option        string // client option, "" for none
	RequestOption string
	Doc           string
	Required      bool
	Schema        *openapi3.SchemaRef
}

// Zero is the zero result to return before the error.
func (o *facadeOp) Zero() string {
	if o.Result == "" {
		return ""
	}
	return "nil, "
}

// ResultRet is the Go type the method returns.
func (o *facadeOp) ResultRet() string {
	if o.ResultPointer {
		return "*" + o.Result
	}
	return o.Result
}

// Args is the method's parameter list between ctx and opts: the path
// parameters, the body and the parameter struct, with adjacent parameters
// of one type sharing it ("organizationID, memberID string"), as gofmt
// users write them and so that `go doc` shows more of the signature on one
// line. The iterator and a URL builder take the same list: neither has a
// body (buildFacade refuses one).
func (o *facadeOp) Args() string {
	args := append([]arg(nil), o.PathParams...)
	switch {
	case o.BodyType != "":
		args = append(args, arg{"body", o.BodyType})
	case o.RawBody:
		args = append(args, arg{"contentType", "string"}, arg{"body", "io.Reader"})
	}
	if o.ParamsType != "" {
		args = append(args, arg{"params", "*" + o.ParamsType})
	}
	return groupArgs(args)
}

// groupArgs writes a parameter list in which each run of adjacent
// parameters of one type names the type once.
func groupArgs(args []arg) string {
	var b strings.Builder
	for i, a := range args {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(a.Name)
		if i+1 == len(args) || args[i+1].Type != a.Type {
			b.WriteString(" " + a.Type)
		}
	}
	return b.String()
}

// reserved names are locals of the generated methods.
var reserved = map[string]bool{"ctx": true, "opts": true, "params": true, "body": true, "contentType": true,
	"call": true, "req": true, "err": true, "out": true, "s": true, "c": true,
	"t": true, "rec": true, "prism": true, "ran": true, "res": true, "u": true, "page": true, "p": true}

func buildFacade(api string, fc facadeConfig, spec *openapi3.T, defs []codegen.OperationDefinition, facts specFacts, lock nameLock, updateLock bool) (*facadeModel, nameLock, error) {
	m := &facadeModel{
		Package:       api,
		API:           api,
		Title:         fc.Title,
		ClientType:    fc.ClientType,
		ErrorDecoder:  fc.ErrorDecoder,
		DefaultRegion: fc.DefaultRegion,
		Validator:     fc.BaseURLValidator,
		EnvToken:      strings.ToUpper(api) + "_TOKEN",
	}
	m.Config = fc
	if fc.Env.Token != "" {
		m.EnvToken = fc.Env.Token
	}
	if m.ClientType == "" {
		m.ClientType = "Client"
	}
	if m.Title == "" || m.ErrorDecoder == "" || (m.DefaultRegion == "" && fc.BaseURLTemplate == "") {
		return nil, nil, fmt.Errorf("codegen.yaml facade: title, error-decoder and default-region (or base-url-template) are required")
	}
	if len(fc.NewArgs) > 0 && fc.BaseURLTemplate == "" {
		return nil, nil, fmt.Errorf("codegen.yaml facade: new-args needs base-url-template")
	}
	if fc.BaseURLFunc != "" && len(fc.NewArgs) != 1 {
		return nil, nil, fmt.Errorf("codegen.yaml facade: base-url-func needs exactly one new-arg")
	}
	for _, t := range []struct {
		name, in string
		out      *string
	}{{"attempt-timeout", fc.AttemptTimeout, &m.AttemptTimeout}, {"connect-timeout", fc.ConnectTimeout, &m.ConnectTimeout}} {
		if t.in == "" {
			continue
		}
		d, err := time.ParseDuration(t.in)
		if err != nil || d <= 0 {
			return nil, nil, fmt.Errorf("codegen.yaml facade: %s: %q is not a positive duration", t.name, t.in)
		}
		*t.out = durationExpr(d)
	}
	hopts, err := headerOptions(fc, facts.Headers)
	if err != nil {
		return nil, nil, err
	}
	names := nameLock{}
	byPath := map[string]*service{}
	var getService func(path string) *service
	getService = func(path string) *service {
		if s, ok := byPath[path]; ok {
			return s
		}
		parts := strings.Split(path, ".")
		s := &service{Path: path, Field: parts[len(parts)-1], Type: strings.Join(parts, "") + "Service"}
		byPath[path] = s
		if len(parts) > 1 {
			parent := getService(strings.Join(parts[:len(parts)-1], "."))
			parent.Children = append(parent.Children, s)
		} else {
			m.Services = append(m.Services, s)
		}
		return s
	}
	seen := map[string]string{}
	for i := range defs {
		d := &defs[i]
		if d.IsWebhook || d.IsCallback {
			continue
		}
		id := d.SpecOperationId
		if id == "" {
			return nil, nil, fmt.Errorf("%s %s has no operationId (add one in the overlay)", d.Method, d.Path)
		}
		group, name := operationName(d)
		name = destutter(group, name)
		full := group + "." + name
		if old, ok := lock[id]; ok && old != full {
			if !updateLock {
				return nil, nil, fmt.Errorf("the method of operation %s would change from %s to %s; if that is meant, run `go run ./cmd/gen -update-lock`", id, old, full)
			}
		}
		if other, dup := seen[full]; dup {
			return nil, nil, fmt.Errorf("operations %s and %s both map to %s: set %s/%s on one", other, id, full, extGroup, extName)
		}
		seen[full] = id
		names[id] = full
		op, err := buildOp(d, name, strings.ReplaceAll(group, ".", ""))
		if err != nil {
			return nil, nil, fmt.Errorf("operation %s: %w", id, err)
		}
		key := opKey(d.Method, d.Path)
		if docID := facts.IDs[key]; docID != "" {
			op.DocID = docID
		}
		for _, h := range facts.Headers[key] {
			ho := hopts[textproto.CanonicalMIMEHeaderKey(h.Name)]
			op.HeaderOpts = append(op.HeaderOpts, &headerOpt{Header: h.Name, Canonical: ho.Canonical, Option: ho.Option, RequestOption: ho.RequestOption, Required: h.Required, Schema: h.Schema})
			op.Headers = append(op.Headers, ho.Canonical)
		}
		sort.Strings(op.Headers)
		op.Security = securityOf(spec, d.Spec)
		m.HasBasic = m.HasBasic || op.Security == "basic" || op.Security == "basic-or-token"
		if err := addPaging(op, d, spec); err != nil {
			return nil, nil, fmt.Errorf("operation %s: %w", id, err)
		}
		m.HasPaging = m.HasPaging || op.Paging != nil
		if (op.Paging != nil || op.URLOnly) && (op.BodyType != "" || op.RawBody) {
			return nil, nil, fmt.Errorf("operation %s: a body on a list with an iterator or a URL-only operation is not supported", id)
		}
		op.Contract = contractFor(d, op)
		op.Doc, op.PagerDoc = methodDocs(spec, d, op, fc.ReferenceURL)
		m.HasRawBody = m.HasRawBody || op.RawBody
		op.Service = getService(group)
		op.Service.Ops = append(op.Service.Ops, op)
		m.Ops = append(m.Ops, op)
	}
	for id, full := range lock {
		if _, ok := names[id]; !ok && !updateLock {
			return nil, nil, fmt.Errorf("operation %s (method %s) is gone from the document; if that is meant, run `go run ./cmd/gen -update-lock`", id, full)
		}
	}
	m.RequiresAuth = requiresAuth(spec, m.Ops)
	for _, k := range sortedKeys(hopts) {
		m.HeaderOptions = append(m.HeaderOptions, hopts[k])
	}
	sortServices(m.Services)
	var walk func([]*service)
	walk = func(ss []*service) {
		for _, s := range ss {
			m.AllServices = append(m.AllServices, s)
			walk(s.Children)
		}
	}
	walk(m.Services)
	sort.Slice(m.Ops, func(i, j int) bool { return m.Ops[i].ID < m.Ops[j].ID })
	m.ContractOps = m.Ops
	for _, s := range m.AllServices {
		names := map[string]bool{}
		for _, o := range s.Ops {
			names[o.Name] = true
		}
		for _, o := range s.Ops {
			if o.Paging != nil && names[o.PagerName] {
				return nil, nil, fmt.Errorf("operation %s: its iterator %s.%s clashes with a method", o.ID, s.Path, o.PagerName)
			}
		}
	}
	// The example calls an operation that needs no arguments, a Get or a
	// List when there is one.
	for _, preferred := range []bool{true, false} {
		for _, s := range m.AllServices {
			for _, o := range s.Ops {
				simple := !o.URLOnly && len(o.PathParams) == 0 && o.ParamsType == "" && o.BodyType == "" && !o.RawBody && o.Result != ""
				if m.First == nil && simple && (!preferred || o.Name == "Get" || o.Name == "List") {
					m.First = o
				}
			}
		}
	}
	return m, names, nil
}

func sortServices(ss []*service) {
	sort.Slice(ss, func(i, j int) bool { return ss[i].Field < ss[j].Field })
	for _, s := range ss {
		sort.Slice(s.Ops, func(i, j int) bool { return s.Ops[i].Name < s.Ops[j].Name })
		sortServices(s.Children)
	}
}

// operationName is the service path and method name of an operation:
// x-operation-group / x-operation-name when the document has them, else
// the first tag and the operationId.
func operationName(d *codegen.OperationDefinition) (group, name string) {
	ext := d.Spec.Extensions
	if g, ok := ext[extGroup].(string); ok && g != "" {
		group = g
	} else if list, ok := ext[extGroup].([]any); ok && len(list) > 0 {
		parts := make([]string, 0, len(list))
		for _, p := range list {
			parts = append(parts, fmt.Sprint(p))
		}
		group = strings.Join(parts, ".")
	} else if len(d.Spec.Tags) > 0 {
		group = d.Spec.Tags[0]
	} else {
		group = "Default"
	}
	parts := strings.Split(group, ".")
	for i, p := range parts {
		parts[i] = codegen.SchemaNameToTypeName(p)
	}
	group = strings.Join(parts, ".")
	if n, ok := ext[extName].(string); ok && n != "" {
		return group, codegen.SchemaNameToTypeName(n)
	}
	return group, d.OperationId
}

func buildOp(d *codegen.OperationDefinition, name, servicePath string) (*facadeOp, error) {
	op := &facadeOp{
		ID:         d.SpecOperationId,
		GoID:       d.OperationId,
		Var:        "op" + servicePath + name,
		TypeName:   servicePath + name,
		Method:     d.Method,
		Path:       d.Path,
		DocID:      d.SpecOperationId,
		Deprecated: d.Spec.Deprecated,
		Name:       name,
		URLOnly:    boolExt(d.Spec.Extensions[extURLOnly]),
		Idempotent: boolExt(d.Spec.Extensions[extIdempotent]),
	}
	if len(d.Spec.Tags) > 0 {
		op.Tag = d.Spec.Tags[0]
	}
	if tp, ok := d.Spec.Extensions[extTokenParam].(string); ok {
		if !op.URLOnly {
			return nil, fmt.Errorf("%s is for %s operations", extTokenParam, extURLOnly)
		}
		found := false
		for _, p := range d.QueryParams {
			found = found || p.ParamName == tp
		}
		if !found {
			return nil, fmt.Errorf("%s names %q, which is not a query parameter", extTokenParam, tp)
		}
		op.TokenParam = tp
	}
	plain := true
	for _, p := range d.PathParams {
		op.PathParams = append(op.PathParams, arg{Name: argName(p), Type: p.TypeDef()})
		meta := metaOf(p)
		if meta.Style == "simple" {
			meta.Style = ""
		}
		op.PathMeta = append(op.PathMeta, meta)
		plain = plain && p.TypeDef() == "string" && meta == paramMeta{Name: p.ParamName}
	}
	if plain {
		op.PathMeta = nil
	}
	for _, p := range d.QueryParams {
		meta := metaOf(p)
		if meta.Style == "form" {
			meta.Style = ""
		}
		op.QueryMeta = append(op.QueryMeta, meta)
	}
	if len(d.CookieParams) > 0 {
		return nil, fmt.Errorf("cookie parameters are not supported")
	}
	if d.RequiresParamObject() {
		op.ParamsType = op.TypeName + "Params"
	}
	if d.HasBody() {
		chosen := chosenBody(d)
		switch {
		case chosen == nil:
			op.RawBody = true
			op.BodyKind = "facade.BodyRaw"
		case chosen.IsJSON():
			op.BodyKind = "facade.BodyJSON"
		case chosen.NameTag == "Formdata":
			op.BodyKind = "facade.BodyForm"
		default:
			op.BodyKind = "facade.BodyText"
		}
		if chosen != nil {
			op.BodyType = chosen.Schema.TypeDecl()
			op.ContentType = chosen.ContentType
		}
	}
	if op.URLOnly {
		return op, nil
	}
	// The result is the body of the lowest 2xx response.
	var best *codegen.ResponseDefinition
	bestCode := 1000
	for i := range d.Responses {
		r := &d.Responses[i]
		code, err := strconv.Atoi(r.StatusCode)
		if err != nil || code < 200 || code > 299 {
			continue
		}
		if code < bestCode {
			best, bestCode = r, code
		}
	}
	if best == nil || bestCode == 204 || len(best.Contents) == 0 {
		return op, nil
	}
	var content *codegen.ResponseContentDefinition
	for i := range best.Contents {
		c := &best.Contents[i]
		if c.IsJSON() {
			content = c
			break
		}
	}
	if content == nil {
		op.Result = "[]byte"
		op.ResultBytes = true
		var types []string
		for _, c := range best.Contents {
			types = append(types, c.ContentType)
		}
		sort.Strings(types)
		op.Accept = strings.Join(types, ", ")
		return op, nil
	}
	t := content.Schema.TypeDecl()
	if t == "" {
		t = "any"
	}
	op.Result = t
	op.ResultPointer = !(strings.HasPrefix(t, "[]") || strings.HasPrefix(t, "map[") || t == "any" || t == "interface{}")
	return op, nil
}

func boolExt(v any) bool {
	b, ok := v.(bool)
	return ok && b
}

// securityOf tells how an operation authenticates: "" for a token,
// "basic" for HTTP Basic client credentials, "basic-or-token" when the
// document accepts either, "none" for nothing.
func securityOf(spec *openapi3.T, op *openapi3.Operation) string {
	reqs := spec.Security
	if op.Security != nil {
		reqs = *op.Security
	}
	if len(reqs) == 0 {
		return "none"
	}
	anonymousFirst, basic, token := len(reqs[0]) == 0, false, false
	for _, req := range reqs {
		for name := range req {
			ss := spec.Components.SecuritySchemes[name]
			if ss == nil || ss.Value == nil {
				continue
			}
			if ss.Value.Type == "http" && strings.EqualFold(ss.Value.Scheme, "basic") {
				basic = true
			} else {
				token = true
			}
		}
	}
	switch {
	case token && basic:
		return "basic-or-token"
	case token:
		return ""
	case anonymousFirst:
		return "none"
	case basic:
		return "basic"
	}
	return ""
}

// requiresAuth tells whether a document requires credentials: a global
// security requirement with no empty (anonymous) alternative, or every
// operation secured.
func requiresAuth(spec *openapi3.T, ops []*facadeOp) bool {
	if len(spec.Security) > 0 {
		global := true
		for _, req := range spec.Security {
			global = global && len(req) > 0
		}
		if global {
			return true
		}
	}
	if len(ops) == 0 {
		return false
	}
	for _, op := range ops {
		if op.Security == "none" {
			return false
		}
	}
	return true
}

// addPaging reads x-idsdk-paging and works out the iterator.
func addPaging(op *facadeOp, d *codegen.OperationDefinition, spec *openapi3.T) error {
	raw, ok := d.Spec.Extensions["x-idsdk-paging"]
	if !ok {
		return nil
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return err
	}
	var p pagingExt
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return fmt.Errorf("x-idsdk-paging: %w", err)
	}
	switch p.Style {
	case "page", "checkpoint", "offset":
	default:
		return fmt.Errorf("x-idsdk-paging: style must be page, checkpoint or offset, not %q", p.Style)
	}
	if op.Result == "" || op.ResultBytes {
		return fmt.Errorf("x-idsdk-paging on an operation without a JSON answer")
	}
	op.Paging = &p
	if rest, ok := strings.CutPrefix(op.Name, "List"); ok {
		op.PagerName = "All" + rest
	} else {
		op.PagerName = op.Name + "All"
	}
	op.ItemType = p.ItemType
	if op.ItemType == "" {
		op.ItemType, err = itemType(d, p.Items)
		if err != nil {
			return fmt.Errorf("x-idsdk-paging: %w (set item-type)", err)
		}
	}
	return nil
}

// itemType finds the Go type of the elements of a list answer.
func itemType(d *codegen.OperationDefinition, items string) (string, error) {
	sref := successSchema(d.Spec)
	if sref == nil || sref.Value == nil {
		return "", fmt.Errorf("no JSON 2xx answer")
	}
	arr := sref
	if items != "" {
		arr = sref.Value.Properties[items]
		if arr == nil {
			for _, part := range sref.Value.AllOf {
				if part.Value != nil && part.Value.Properties[items] != nil {
					arr = part.Value.Properties[items]
				}
			}
		}
		if arr == nil {
			return "", fmt.Errorf("the answer has no property %q", items)
		}
	}
	if arr.Value == nil || arr.Value.Items == nil {
		return "", fmt.Errorf("%q is not an array", items)
	}
	if arr.Value.Items.Ref == "" && len(arr.Value.Items.Value.Properties) > 0 {
		return "", fmt.Errorf("the items of %q are an inline object: give them a schema under components in the overlay", items)
	}
	gs, err := codegen.GenerateGoSchema(arr.Value.Items, []string{d.OperationId, "Item"})
	if err != nil {
		return "", err
	}
	return gs.TypeDecl(), nil
}

// successSchema is the JSON schema of the lowest 2xx answer.
func successSchema(op *openapi3.Operation) *openapi3.SchemaRef {
	if op.Responses == nil {
		return nil
	}
	for code := 200; code < 300; code++ {
		r := op.Responses.Value(strconv.Itoa(code))
		if r == nil || r.Value == nil {
			continue
		}
		for ct, mt := range r.Value.Content {
			if isJSONType(ct) && mt.Schema != nil {
				return mt.Schema
			}
		}
	}
	return nil
}

func isJSONType(ct string) bool {
	ct = strings.ToLower(ct)
	return ct == "application/json" || strings.HasSuffix(ct, "+json")
}

// contractFor synthesizes the contract test's arguments of an operation.
func contractFor(d *codegen.OperationDefinition, op *facadeOp) contractArgs {
	var c contractArgs
	for _, p := range d.PathParams {
		c.PathJSON = append(c.PathJSON, paramJSON(p.Spec))
	}
	if op.ParamsType != "" {
		obj := map[string]json.RawMessage{}
		for _, p := range append(append([]codegen.ParameterDefinition{}, d.QueryParams...), d.HeaderParams...) {
			if p.Required {
				obj[p.ParamName] = json.RawMessage(paramJSON(p.Spec))
			}
		}
		b, _ := json.Marshal(obj)
		c.ParamsJSON = string(b)
	}
	if d.Spec.RequestBody != nil && d.Spec.RequestBody.Value != nil {
		content := d.Spec.RequestBody.Value.Content
		pick := ""
		for ct := range content {
			if isJSONType(ct) && (pick == "" || ct < pick) {
				pick = ct
			}
		}
		if pick == "" {
			for ct := range content {
				if pick == "" || ct < pick {
					pick = ct
				}
			}
		}
		if mt := content[pick]; mt != nil {
			c.BodyJSON = synthJSON(mt.Schema, true)
			c.ContentType = pick
		}
	}
	if op.RawBody && !isJSONType(c.ContentType) {
		fields, _ := synth(d.Spec.RequestBody.Value.Content[c.ContentType].Schema, true).(map[string]any)
		keys := make([]string, 0, len(fields))
		for k := range fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if strings.HasPrefix(c.ContentType, "multipart/form-data") {
			var buf strings.Builder
			w := multipart.NewWriter(&buf)
			_ = w.SetBoundary("idsdk-contract-boundary")
			for _, k := range keys {
				_ = w.WriteField(k, fmt.Sprint(fields[k]))
			}
			_ = w.Close()
			c.BodyJSON = buf.String()
			c.ContentType = w.FormDataContentType()
		} else if strings.Contains(c.ContentType, "form-urlencoded") {
			form := url.Values{}
			for _, k := range keys {
				form.Set(k, fmt.Sprint(fields[k]))
			}
			c.BodyJSON = form.Encode()
		} else if strings.Contains(c.ContentType, "xml") {
			c.BodyJSON = `<?xml version="1.0"?><request/>`
		} else if v, ok := synth(d.Spec.RequestBody.Value.Content[c.ContentType].Schema, true).(string); ok && v != "" {
			c.BodyJSON = v
		} else {
			c.BodyJSON = "x"
		}
	}
	for _, r := range d.Responses {
		if n, err := strconv.Atoi(r.StatusCode); err == nil && n >= 200 && n < 300 {
			c.HasSuccess = true
		}
	}
	return c
}

func paramJSON(p *openapi3.Parameter) string {
	if p == nil || p.Schema == nil {
		return `"x"`
	}
	return synthJSON(p.Schema, true)
}

// metaOf describes a parameter for the runtime's encoder.
func metaOf(p codegen.ParameterDefinition) paramMeta {
	m := paramMeta{Name: p.ParamName, Style: p.Style(), Explode: p.Explode(), JSON: p.IsJson()}
	if p.IsStyled() {
		if f := p.SchemaFormat(); f != "" {
			m.Type, m.Format = p.SchemaType(), f
		}
	}
	if m.JSON {
		m.Style, m.Explode = "", false
	}
	if p.Spec != nil {
		m.Reserved = p.Spec.AllowReserved
	}
	return m
}

// argName is a path parameter's Go argument name, with the Go spelling
// of a trailing Id or Url.
func argName(p codegen.ParameterDefinition) string {
	n := p.GoVariableName()
	n = strings.ToLower(n[:1]) + n[1:]
	for _, w := range [][2]string{{"Id", "ID"}, {"Url", "URL"}, {"Uri", "URI"}} {
		if strings.HasSuffix(n, w[0]) {
			n = strings.TrimSuffix(n, w[0]) + w[1]
		}
	}
	if reserved[n] {
		n += "Param"
	}
	return n
}

// destutter drops the service's own name from a method name:
// Users.ListUsersByEmail is Users.ListByEmail, Clients.GetScopesForClient
// is Clients.GetScopes. The service name counts in its plural and
// singular forms, as a whole word after the method's first word.
func destutter(group, name string) string {
	svc := group[strings.LastIndex(group, ".")+1:]
	forms := []string{svc}
	switch {
	case strings.HasSuffix(svc, "ies"):
		forms = append(forms, strings.TrimSuffix(svc, "ies")+"y")
	case strings.HasSuffix(svc, "s"):
		forms = append(forms, strings.TrimSuffix(svc, "s"))
	}
	upper := func(b byte) bool { return b >= 'A' && b <= 'Z' }
	for _, f := range forms {
		for _, pre := range []string{"For", "Of"} {
			if affix := pre + f; strings.HasSuffix(name, affix) && len(name) > len(affix) {
				return strings.TrimSuffix(name, affix)
			}
		}
		for i := 1; i+len(f) <= len(name); i++ {
			if name[i:i+len(f)] == f && upper(name[i]) && (i+len(f) == len(name) || upper(name[i+len(f)])) {
				return name[:i] + name[i+len(f):]
			}
		}
	}
	return name
}

// durationExpr writes d as a Go expression a reader takes in at once
// ("60 * time.Second").
func durationExpr(d time.Duration) string {
	for _, u := range []struct {
		d    time.Duration
		name string
	}{{time.Hour, "time.Hour"}, {time.Minute, "time.Minute"}, {time.Second, "time.Second"}, {time.Millisecond, "time.Millisecond"}} {
		if d%u.d == 0 {
			if d == u.d {
				return u.name
			}
			return fmt.Sprintf("%d * %s", d/u.d, u.name)
		}
	}
	return fmt.Sprintf("%d * time.Microsecond", d/time.Microsecond)
}

// specFacts are what the facade needs from the document as written,
// before oapi-codegen rewrites it, by "METHOD /path".
type specFacts struct {
	// Headers are the header parameters of each operation, taken out of
	// the document (liftHeaderParams).
	Headers map[string][]*openapi3.Parameter
	// IDs are the operationIds as the document spells them.
	IDs map[string]string
}

func opKey(method, path string) string { return strings.ToUpper(method) + " " + path }

// liftHeaderParams takes the header parameters out of every operation of
// spec (those of its path item too) and records them with the document's
// operationIds: the facade sends headers through request options, so the
// parameter structs oapi-codegen writes keep the query alone.
func liftHeaderParams(spec *openapi3.T) specFacts {
	out := specFacts{Headers: map[string][]*openapi3.Parameter{}, IDs: map[string]string{}}
	if spec.Paths == nil {
		return out
	}
	isHeader := func(p *openapi3.ParameterRef) bool {
		return p != nil && p.Value != nil && p.Value.In == openapi3.ParameterInHeader
	}
	for _, path := range spec.Paths.InMatchingOrder() {
		item := spec.Paths.Value(path)
		for method, op := range item.Operations() {
			key := opKey(method, path)
			out.IDs[key] = op.OperationID
			var hs []*openapi3.Parameter
			own := map[string]bool{}
			for _, p := range op.Parameters {
				if isHeader(p) {
					hs = append(hs, p.Value)
					own[strings.ToLower(p.Value.Name)] = true
				}
			}
			for _, p := range item.Parameters {
				if isHeader(p) && !own[strings.ToLower(p.Value.Name)] {
					hs = append(hs, p.Value)
				}
			}
			op.Parameters = slices.DeleteFunc(op.Parameters, isHeader)
			if len(hs) > 0 {
				sort.Slice(hs, func(i, j int) bool { return hs[i].Name < hs[j].Name })
				out.Headers[key] = hs
			}
		}
		item.Parameters = slices.DeleteFunc(item.Parameters, isHeader)
	}
	return out
}

// headerOptions names the options of every header parameter: the ones
// codegen.yaml configures, and With<Header> for the others.
func headerOptions(fc facadeConfig, headers map[string][]*openapi3.Parameter) (map[string]*headerOpt, error) {
	out := map[string]*headerOpt{}
	for _, h := range fc.HeaderOptions {
		if h.Header == "" || (h.Option == "" && h.RequestOption == "") {
			return nil, fmt.Errorf("codegen.yaml facade: header-options: each needs header and option or request-option")
		}
		c := textproto.CanonicalMIMEHeaderKey(h.Header)
		out[c] = &headerOpt{Header: h.Header, Canonical: c, Option: h.Option, RequestOption: h.RequestOption, Doc: h.Doc}
	}
	for _, id := range sortedKeys(headers) {
		for _, p := range headers[id] {
			c := textproto.CanonicalMIMEHeaderKey(p.Name)
			ho := out[c]
			if ho == nil {
				ho = &headerOpt{Header: p.Name, Canonical: c}
				out[c] = ho
			}
			if ho.RequestOption == "" {
				ho.RequestOption = "With" + codegen.SchemaNameToTypeName(p.Name)
			}
			if ho.Schema == nil {
				ho.Schema = p.Schema
			}
		}
	}
	for c, ho := range out {
		if ho.RequestOption == "" {
			delete(out, c) // configured, but no operation declares it
		}
	}
	return out, nil
}

// paramRenames maps the parameter struct names oapi-codegen derives from
// operationIds ("GetUsersParams") to the facade's, named after the
// methods ("UsersListParams").
func paramRenames(defs []codegen.OperationDefinition, m *facadeModel) map[string]string {
	byGoID := map[string]*facadeOp{}
	for _, op := range m.Ops {
		byGoID[op.GoID] = op
	}
	out := map[string]string{}
	for _, d := range defs {
		if op := byGoID[d.OperationId]; op != nil && op.ParamsType != "" {
			out[d.OperationId+"Params"] = op.ParamsType
		}
	}
	return out
}
