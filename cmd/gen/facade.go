package main

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
)

// Extensions cmd/gen reads from an OpenAPI document.
const (
	extGroup      = "x-operation-group"  // service path, e.g. "Organizations.Members"
	extName       = "x-operation-name"   // method name within the service
	extURLOnly    = "x-idsdk-url-only"   // build a URL, make no call
	extIdempotent = "x-idsdk-idempotent" // safe to repeat (POST/PATCH)
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
	Method, Path  string
	Summary       string
	Deprecated    bool
	Name          string
	Service       *service
	PathParams    []arg
	ParamsType    string
	BodyType      string // typed body, or "" with RawBody
	BodyBuilder   string // suffix of New<GoID>Request for the body
	RawBody       bool   // contentType + io.Reader
	Result        string // Go type of the 2xx body; "" for none
	ResultPointer bool
	ResultBytes   bool // non-JSON body returned as []byte
	URLOnly       bool
	Idempotent    bool
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

// reserved names are locals of the generated methods.
var reserved = map[string]bool{"ctx": true, "opts": true, "params": true, "body": true, "contentType": true,
	"call": true, "req": true, "err": true, "out": true, "s": true, "c": true}

func buildFacade(api string, fc facadeConfig, spec *openapi3.T, defs []codegen.OperationDefinition, lock nameLock, updateLock bool) (*facadeModel, nameLock, error) {
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
	if m.ClientType == "" {
		m.ClientType = "Client"
	}
	if m.Title == "" || m.ErrorDecoder == "" || m.DefaultRegion == "" {
		return nil, nil, fmt.Errorf("codegen.yaml facade: title, error-decoder and default-region are required")
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
		op, err := buildOp(d, name)
		if err != nil {
			return nil, nil, fmt.Errorf("operation %s: %w", id, err)
		}
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

func buildOp(d *codegen.OperationDefinition, name string) (*facadeOp, error) {
	op := &facadeOp{
		ID:         d.SpecOperationId,
		GoID:       d.OperationId,
		Var:        "op" + d.OperationId,
		Method:     d.Method,
		Path:       d.Path,
		Summary:    oneLine(d.Summary),
		Deprecated: d.Spec.Deprecated,
		Name:       name,
		URLOnly:    boolExt(d.Spec.Extensions[extURLOnly]),
		Idempotent: boolExt(d.Spec.Extensions[extIdempotent]),
	}
	for _, p := range d.PathParams {
		n := p.GoVariableName()
		if reserved[n] {
			n += "Param"
		}
		op.PathParams = append(op.PathParams, arg{Name: n, Type: p.TypeDef()})
	}
	if d.RequiresParamObject() {
		op.ParamsType = d.OperationId + "Params"
	}
	if d.HasBody() {
		var chosen *codegen.RequestBodyDefinition
		for i := range d.Bodies {
			b := &d.Bodies[i]
			if b.IsSupportedByClient() && (chosen == nil || (b.IsJSON() && !chosen.IsJSON())) {
				chosen = b
			}
		}
		if chosen != nil {
			op.BodyType = d.OperationId + chosen.NameTag + "RequestBody"
			op.BodyBuilder = chosen.Suffix()
		} else {
			op.RawBody = true
			op.BodyBuilder = "WithBody"
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

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	s = strings.TrimRight(s, ".")
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}
