// Package conform checks HTTP requests and responses against one of the
// project's OpenAPI documents (api/<api>/openapi.yaml), for tests.
//
// A Doc matches a request by its path alone: the host and the path prefix of
// the document's first server (for example /api/v1 for the Zaikio Hub) are not
// compared, so a loopback emulator on any port is checked against the
// production document unchanged.
package conform

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// Doc is one loaded OpenAPI document with its router. It is safe for
// concurrent use.
type Doc struct {
	name   string
	prefix string
	router routers.Router
	opts   *openapi3filter.Options
}

var cache sync.Map // absolute path -> *loaded

func init() {
	// Bodies the documents declare as text (an HTML widget, a script) are
	// checked as strings.
	for _, ct := range []string{"text/html", "application/javascript", "text/javascript"} {
		if openapi3filter.RegisteredBodyDecoder(ct) == nil {
			openapi3filter.RegisterBodyDecoder(ct, openapi3filter.RegisteredBodyDecoder("text/plain"))
		}
	}
}

type loaded struct {
	once sync.Once
	doc  *Doc
	err  error
}

// Load reads api/<api>/openapi.yaml from the module that holds the current
// directory (tests run in their package directory). A document is parsed
// once per process.
func Load(api string) (*Doc, error) {
	root, err := moduleRoot()
	if err != nil {
		return nil, err
	}
	return LoadFile(filepath.Join(root, "api", api, "openapi.yaml"))
}

// MustLoad is Load for tests: it fails t when the document cannot be loaded.
func MustLoad(t testing.TB, api string) *Doc {
	t.Helper()
	d, err := Load(api)
	if err != nil {
		t.Fatalf("conform: %v", err)
	}
	return d
}

// LoadFile reads one OpenAPI document from path. A document is parsed once
// per process.
func LoadFile(path string) (*Doc, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("conform: %w", err)
	}
	v, _ := cache.LoadOrStore(abs, &loaded{})
	l := v.(*loaded)
	l.once.Do(func() { l.doc, l.err = parse(abs) })
	return l.doc, l.err
}

func parse(path string) (*Doc, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("conform: load %s: %w", path, err)
	}
	prefix := serverPrefix(doc.Servers)
	openAllOf(doc)
	// Routes match on the path alone: drop every server list.
	doc.Servers = nil
	for _, item := range doc.Paths.Map() {
		item.Servers = nil
		for _, op := range item.Operations() {
			op.Servers = nil
		}
	}
	router, err := legacy.NewRouter(doc,
		openapi3.DisableExamplesValidation(),
		openapi3.DisableSchemaDefaultsValidation(),
		openapi3.DisableSchemaPatternValidation(),
		openapi3.DisableSchemaFormatValidation(),
	)
	if err != nil {
		return nil, fmt.Errorf("conform: router for %s: %w", path, err)
	}
	return &Doc{
		name:   filepath.Base(filepath.Dir(path)),
		prefix: prefix,
		router: router,
		opts: &openapi3filter.Options{
			IncludeResponseStatus: true,
			MultiError:            true,
			AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
		},
	}, nil
}

// openAllOf lets each inline member of an allOf accept the members the
// other parts declare. A document that closes one part with
// additionalProperties: false (the Zaikio Hub's Site is its own fields,
// closed, allOf an organization member) describes objects no value can
// match under JSON Schema's rules, while the API sends them; the parts'
// own members are still checked.
func openAllOf(doc *openapi3.T) {
	seen := map[*openapi3.Schema]bool{}
	var walk func(ref *openapi3.SchemaRef)
	walk = func(ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return
		}
		s := ref.Value
		seen[s] = true
		for _, m := range s.AllOf {
			if m.Ref == "" && m.Value != nil && m.Value.AdditionalProperties.Has != nil && !*m.Value.AdditionalProperties.Has {
				m.Value.AdditionalProperties = openapi3.AdditionalProperties{}
			}
			walk(m)
		}
		for _, list := range []openapi3.SchemaRefs{s.AnyOf, s.OneOf} {
			for _, m := range list {
				walk(m)
			}
		}
		walk(s.Items)
		walk(s.Not)
		walk(s.AdditionalProperties.Schema)
		for _, p := range s.Properties {
			walk(p)
		}
	}
	for _, ref := range doc.Components.Schemas {
		walk(ref)
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				for _, mt := range op.RequestBody.Value.Content {
					walk(mt.Schema)
				}
			}
			for _, r := range op.Responses.Map() {
				if r.Value != nil {
					for _, mt := range r.Value.Content {
						walk(mt.Schema)
					}
				}
			}
		}
	}
}

// serverPrefix is the path part of the first server URL, with any variable
// replaced by its default and no trailing slash.
func serverPrefix(servers openapi3.Servers) string {
	if len(servers) == 0 {
		return ""
	}
	s := servers[0]
	raw := s.URL
	for name, v := range s.Variables {
		raw = strings.ReplaceAll(raw, "{"+name+"}", v.Default)
	}
	// The host may still hold a placeholder ({TENANT}.auth0.com): cut the
	// scheme and host off as text rather than parse them.
	if _, rest, ok := strings.Cut(raw, "://"); ok {
		raw = ""
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			raw = rest[i:]
		}
	}
	return strings.TrimSuffix(raw, "/")
}

// Prefix is the path prefix every operation of the document is served under
// (for example "/api/v1"), taken from the document's first server.
func (d *Doc) Prefix() string { return d.prefix }

// route finds the operation for req, with the server prefix removed.
func (d *Doc) route(req *http.Request) (*http.Request, *routers.Route, map[string]string, error) {
	path := req.URL.Path
	if d.prefix != "" {
		rest, ok := strings.CutPrefix(path, d.prefix)
		if !ok {
			return nil, nil, nil, fmt.Errorf("%s %s: path outside the server prefix %q of %s", req.Method, path, d.prefix, d.name)
		}
		path = rest
	}
	r := req.Clone(req.Context())
	r.URL.Path, r.URL.RawPath = path, ""
	route, params, err := d.router.FindRoute(r)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%s %s: no operation in %s: %w", req.Method, req.URL.Path, d.name, err)
	}
	return r, route, params, nil
}

func (d *Doc) input(req *http.Request, body []byte) (*openapi3filter.RequestValidationInput, error) {
	r, route, params, err := d.route(req)
	if err != nil {
		return nil, err
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return &openapi3filter.RequestValidationInput{
		Request:    r,
		PathParams: params,
		Route:      route,
		Options:    d.opts,
	}, nil
}

// Request checks one request (its body given separately, as sent) against
// the document: the operation exists, and its parameters and body conform.
func (d *Doc) Request(req *http.Request, body []byte) error {
	in, err := d.input(req, body)
	if err != nil {
		return err
	}
	if sch := formUnion(in.Route.Operation, req.Header.Get("Content-Type")); sch != nil {
		// kin-openapi decodes a form body only into one object schema: a
		// union of grants (an OAuth token endpoint) is checked here.
		if err := checkForm(sch, body); err != nil {
			return fmt.Errorf("%s %s: request body: %w", req.Method, req.URL.Path, err)
		}
		opts := *in.Options
		opts.ExcludeRequestBody = true
		in.Options = &opts
	}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		return fmt.Errorf("%s %s: request: %w", req.Method, req.URL.Path, err)
	}
	return nil
}

// formUnion returns the schema of a form-encoded request body that is a
// oneOf or anyOf, or nil.
func formUnion(op *openapi3.Operation, contentType string) *openapi3.Schema {
	ct, _, _ := mime.ParseMediaType(contentType)
	if op == nil || op.RequestBody == nil || op.RequestBody.Value == nil || ct != "application/x-www-form-urlencoded" {
		return nil
	}
	mt := op.RequestBody.Value.Content.Get(ct)
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
		return nil
	}
	if s := mt.Schema.Value; len(s.OneOf) > 0 || len(s.AnyOf) > 0 {
		return s
	}
	return nil
}

// checkForm validates a form body (each field taken once, as a string)
// against sch.
func checkForm(sch *openapi3.Schema, body []byte) error {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return fmt.Errorf("not a form: %w", err)
	}
	v := make(map[string]any, len(form))
	for k, vs := range form {
		if len(vs) != 1 {
			return fmt.Errorf("the field %q appears %d times", k, len(vs))
		}
		v[k] = vs[0]
	}
	return sch.VisitJSON(v, openapi3.MultiErrors())
}

// Response checks the answer to req (whose body was reqBody): the status is
// one the operation declares, and the headers and body conform to it.
func (d *Doc) Response(req *http.Request, reqBody []byte, status int, header http.Header, body []byte) error {
	in, err := d.input(req, reqBody)
	if err != nil {
		return err
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 status,
		Header:                 header,
		Options:                d.opts,
	}
	out.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		return fmt.Errorf("%s %s: response %d: %w", req.Method, req.URL.Path, status, err)
	}
	return nil
}

// Transport returns an http.RoundTripper that sends through base
// (http.DefaultTransport when nil) and checks every request and response
// against the document, reporting each violation with t.Errorf. Transport
// errors (a reset connection) are passed through unchecked.
func (d *Doc) Transport(t testing.TB, base http.RoundTripper) http.RoundTripper {
	return &checker{docs: []*Doc{d}, base: base, report: func(err error) {
		t.Helper()
		t.Errorf("conform: %v", err)
	}}
}

// Transport returns an http.RoundTripper like Doc.Transport that checks
// each exchange against the first of docs that has an operation for it
// (an OAuth client whose token endpoint and API live in two documents).
func Transport(t testing.TB, base http.RoundTripper, docs ...*Doc) http.RoundTripper {
	return &checker{docs: docs, base: base, report: func(err error) {
		t.Helper()
		t.Errorf("conform: %v", err)
	}}
}

// Client is an *http.Client over Transport(t, nil).
func (d *Doc) Client(t testing.TB) *http.Client {
	return &http.Client{Transport: d.Transport(t, nil)}
}

// Recorder is an http.RoundTripper that checks every exchange against the
// first of its documents that has an operation for it and records the
// violations instead of failing a test.
type Recorder struct {
	checker
	mu   sync.Mutex
	errs []error
}

// NewRecorder returns a Recorder over base (http.DefaultTransport when nil)
// that checks against docs, in order.
func NewRecorder(base http.RoundTripper, docs ...*Doc) *Recorder {
	r := &Recorder{}
	r.checker = checker{docs: docs, base: base, report: func(err error) {
		r.mu.Lock()
		r.errs = append(r.errs, err)
		r.mu.Unlock()
	}}
	return r
}

// Err joins every violation seen so far (nil when there was none).
func (r *Recorder) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return errors.Join(r.errs...)
}

type checker struct {
	docs   []*Doc
	base   http.RoundTripper
	report func(error)
}

// RoundTrip implements http.RoundTripper.
func (c *checker) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("conform: read request body: %w", err)
		}
		reqBody = b
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(b))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	}
	doc := c.pick(req)
	if doc == nil {
		c.report(fmt.Errorf("%s %s: no operation in any of the documents", req.Method, req.URL.Path))
	} else if err := doc.Request(req, reqBody); err != nil {
		c.report(err)
	}
	base := c.base
	if base == nil {
		base = http.DefaultTransport
	}
	resp, err := base.RoundTrip(req)
	if err != nil || doc == nil {
		return resp, err
	}
	body, rerr := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if rerr != nil {
		return resp, nil // a truncated body is the client's to see, not a conformance fault
	}
	if err := doc.Response(req, reqBody, resp.StatusCode, resp.Header, body); err != nil {
		c.report(err)
	}
	return resp, nil
}

func (c *checker) pick(req *http.Request) *Doc {
	for _, d := range c.docs {
		if _, _, _, err := d.route(req); err == nil {
			return d
		}
	}
	return nil
}

// moduleRoot walks up from the current directory to the directory holding
// go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("conform: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("conform: no go.mod above the current directory")
		}
		dir = parent
	}
}
