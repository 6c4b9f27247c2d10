package facade

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"

	"github.com/oapi-codegen/runtime"
)

// Building requests from an operation's description: the one place that
// turns the arguments of a generated method into an *http.Request.

// Param describes one path or query parameter of an operation, as the
// document declares it.
type Param struct {
	Name    string // as in the document
	Style   string // "form", "simple", "spaceDelimited", ...; "" for the location's default
	Explode bool
	// Type and Format are the schema's, for the encoder (dates, byte
	// strings).
	Type, Format string
	// JSON: the document gives the parameter a JSON content instead of a
	// schema; the value is sent as JSON text.
	JSON          bool
	AllowReserved bool
}

// Body kinds of an operation's request body.
const (
	BodyJSON = "json" // the typed body, encoded as JSON
	BodyForm = "form" // the typed body, form-encoded
	BodyText = "text" // a string body
	BodyRaw  = "raw"  // an io.Reader sent as is, with the caller's content type
)

// Args are the arguments of one call of a generated method.
type Args struct {
	// Path holds the path parameters, in the order the path names them.
	Path []any
	// Query is a pointer to the operation's parameter struct, or nil.
	Query any
	// Body is the typed body (BodyJSON, BodyForm, BodyText).
	Body any
	// Reader and ContentType are a raw body (BodyRaw).
	Reader      io.Reader
	ContentType string
}

// Fetch sends op with a and decodes the 2xx JSON answer into out (a new
// *T), which it returns (nil on an error). Its type parameter is the
// pointer, whose shape all pointers share: one instantiation serves the
// methods of every answer type.
func Fetch[P any](ctx context.Context, r *Runtime, op *Operation, a Args, opts []CallOption, out P) (P, error) {
	if err := r.call(ctx, op, &a, opts, out); err != nil {
		var zero P
		return zero, err
	}
	return out, nil
}

// FetchValue is Fetch for an answer that is not an object (a list, a map,
// any value): it returns the value itself.
func FetchValue[T any](ctx context.Context, r *Runtime, op *Operation, a Args, opts []CallOption) (T, error) {
	var out T
	if err := r.call(ctx, op, &a, opts, &out); err != nil {
		var zero T
		return zero, err
	}
	return out, nil
}

// Exec sends op with a and discards a 2xx answer.
func (r *Runtime) Exec(ctx context.Context, op *Operation, a Args, opts []CallOption) error {
	return r.call(ctx, op, &a, opts, nil)
}

// Bytes sends op with a and returns its 2xx answer, which is not JSON, up
// to MaxResponseBytes.
func (r *Runtime) Bytes(ctx context.Context, op *Operation, a Args, opts []CallOption) ([]byte, error) {
	var out rawBody
	if err := r.call(ctx, op, &a, opts, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// List ranges over every item of a list operation, fetching the pages as
// the loop goes (see Paginate). a.Query is copied, never changed.
func List[T any](ctx context.Context, r *Runtime, op *Operation, spec *PageSpec, a Args, opts []CallOption) iter.Seq2[T, error] {
	return Paginate[T](ctx, spec, a.Query, r.pages(op, a, opts))
}

// pages fetches the pages of op for List.
func (r *Runtime) pages(op *Operation, a Args, opts []CallOption) PageFetch {
	return func(ctx context.Context, params any, page *Page) error {
		b := a
		b.Query = params
		return r.call(ctx, op, &b, opts, page)
	}
}

// URL returns the URL of a url-only operation: a browser or a streaming
// client loads it, the runtime sends nothing. When op.TokenParam is set
// the URL carries an access token there (see URLWithToken).
func (r *Runtime) URL(ctx context.Context, op *Operation, a Args, opts []CallOption) (string, error) {
	call, err := r.Begin(opts)
	if err != nil {
		return "", err
	}
	u, _, err := buildURL(call.Server, op, &a)
	if err != nil {
		return "", r.BuildError(op, err)
	}
	if op.TokenParam == "" {
		return u, nil
	}
	parsed, err := url.Parse(u)
	if err != nil {
		return "", r.BuildError(op, err)
	}
	return r.URLWithToken(ctx, op, parsed, op.TokenParam)
}

// call applies opts, builds the request of op from a and sends it.
func (r *Runtime) call(ctx context.Context, op *Operation, a *Args, opts []CallOption, out any) error {
	call, err := r.Begin(opts)
	if err != nil {
		return err
	}
	u, pathEnd, err := buildURL(call.Server, op, a)
	if err != nil {
		return r.BuildError(op, err)
	}
	body, ctype, err := encodeBody(op, a)
	if err != nil {
		return r.BuildError(op, err)
	}
	if r.obs == nil {
		return r.send(ctx, &call, op, u, body, ctype, out)
	}
	ctx, oc := r.startCall(ctx, &call, op, u[:pathEnd])
	err = r.send(ctx, &call, op, u, body, ctype, out)
	r.endCall(ctx, oc, err)
	return err
}

// send makes the request and hands it to exchange.
func (r *Runtime) send(ctx context.Context, call *Call, op *Operation, u string, body io.Reader, ctype string, out any) error {
	ctx, cancel, err := r.callContext(ctx, call, op)
	if err != nil {
		return err
	}
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, op.Method, u, body)
	if err != nil {
		return r.BuildError(op, err)
	}
	if ctype != "" {
		req.Header["Content-Type"] = []string{ctype}
	}
	return r.exchange(call, op, req, out)
}

// buildURL is server (with its trailing slash) followed by op's path with
// the path parameters put in, escaped, and the query. pathEnd is where
// the query starts.
func buildURL(server string, op *Operation, a *Args) (u string, pathEnd int, err error) {
	var b strings.Builder
	b.Grow(len(server) + len(op.Path) + 16*len(a.Path))
	b.WriteString(server)
	path := strings.TrimPrefix(op.Path, "/")
	for i := 0; ; i++ {
		open := strings.IndexByte(path, '{')
		if open < 0 {
			break
		}
		end := strings.IndexByte(path[open:], '}')
		if end < 0 {
			break
		}
		b.WriteString(path[:open])
		if i >= len(a.Path) {
			return "", 0, fmt.Errorf("no value for path parameter %s", path[open:open+end+1])
		}
		var p Param
		if i < len(op.PathParams) {
			p = op.PathParams[i]
		}
		s, err := pathValue(p, a.Path[i])
		if err != nil {
			return "", 0, fmt.Errorf("path parameter %s: %w", path[open+1:open+end], err)
		}
		b.WriteString(s)
		path = path[open+end+1:]
	}
	b.WriteString(path)
	pathEnd = b.Len()
	q, err := encodeQuery(op, a.Query)
	if err != nil {
		return "", 0, err
	}
	if q != "" {
		b.WriteByte('?')
		b.WriteString(q)
	}
	return b.String(), pathEnd, nil
}

// pathValue is one path parameter, escaped (simple style unless the
// document says otherwise).
func pathValue(p Param, v any) (string, error) {
	if s, ok := v.(string); ok && (p.Style == "" || p.Style == "simple") && !p.JSON {
		if s == "" {
			return "", errors.New("empty value")
		}
		return url.PathEscape(s), nil
	}
	if p.JSON {
		b, err := json.Marshal(v)
		if err != nil {
			return "", err
		}
		return url.PathEscape(string(b)), nil
	}
	style := p.Style
	if style == "" {
		style = "simple"
	}
	return runtime.StyleParamWithOptions(style, p.Explode, p.Name, v, runtime.StyleParamOptions{ParamLocation: runtime.ParamLocationPath, Type: p.Type, Format: p.Format})
}

// queryFields maps each query parameter of op to its field in the
// parameter struct (by the field's json name), computed once per
// operation and struct type.
type queryFields struct {
	once sync.Once
	typ  reflect.Type
	idx  []int // per op.Query; -1: no such field
	omit []bool
}

// encodeQuery encodes the set fields of params (a pointer to the
// operation's parameter struct) in the document's order: styled
// parameters as the OpenAPI style says, JSON-content ones after them.
func encodeQuery(op *Operation, params any) (string, error) {
	if params == nil || len(op.Query) == 0 {
		return "", nil
	}
	v := reflect.ValueOf(params)
	if v.Kind() != reflect.Pointer || v.Type().Elem().Kind() != reflect.Struct {
		return "", fmt.Errorf("parameters must be a pointer to a struct, got %T", params)
	}
	if v.IsNil() {
		return "", nil
	}
	st := v.Elem()
	qf := op.fields(st.Type())
	var frags []string
	var extra url.Values
	for i, p := range op.Query {
		fi := qf.idx[i]
		if fi < 0 {
			continue
		}
		f := st.Field(fi)
		if !isSet(f, qf.omit[i]) {
			continue
		}
		val := f.Interface()
		if f.Kind() == reflect.Pointer {
			val = f.Elem().Interface()
		}
		if p.JSON {
			b, err := json.Marshal(val)
			if err != nil {
				return "", fmt.Errorf("query parameter %s: %w", p.Name, err)
			}
			if extra == nil {
				extra = url.Values{}
			}
			extra.Add(p.Name, string(b))
			continue
		}
		style := p.Style
		if style == "" {
			style = "form"
		}
		frag, err := runtime.StyleParamWithOptions(style, p.Explode, p.Name, val, runtime.StyleParamOptions{ParamLocation: runtime.ParamLocationQuery, Type: p.Type, Format: p.Format, AllowReserved: p.AllowReserved})
		if err != nil {
			return "", fmt.Errorf("query parameter %s: %w", p.Name, err)
		}
		if frag != "" {
			frags = append(frags, frag)
		}
	}
	if e := extra.Encode(); e != "" {
		frags = append(frags, e)
	}
	return strings.Join(frags, "&"), nil
}

// fields returns the field map of op for the struct type t.
func (op *Operation) fields(t reflect.Type) *queryFields {
	qf := &op.query
	qf.once.Do(func() {
		qf.typ = t
		byName := map[string]int{}
		omit := map[string]bool{}
		for i := 0; i < t.NumField(); i++ {
			name, opts, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			if name != "" && name != "-" {
				byName[name] = i
				omit[name] = strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero")
			}
		}
		for _, p := range op.Query {
			i, ok := byName[p.Name]
			if !ok {
				i = -1
			}
			qf.idx = append(qf.idx, i)
			qf.omit = append(qf.omit, omit[p.Name])
		}
	})
	if qf.typ != t {
		// Another struct type than the generated one: map it afresh.
		other := &Operation{Query: op.Query}
		return other.fields(t)
	}
	return qf
}

// isSet tells whether a parameter field holds a value to send: a nil
// pointer, slice or map never does; a zero value does not when the field
// may be omitted.
func isSet(f reflect.Value, omitEmpty bool) bool {
	switch f.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Slice, reflect.Map:
		if f.IsNil() {
			return false
		}
	}
	return !omitEmpty || !f.IsZero() || f.Kind() == reflect.Pointer
}

// encodeBody encodes the request body of op.
func encodeBody(op *Operation, a *Args) (io.Reader, string, error) {
	switch op.Body {
	case "":
		return nil, "", nil
	case BodyRaw:
		ct := a.ContentType
		if ct == "" {
			ct = op.ContentType
		}
		return a.Reader, ct, nil
	case BodyJSON:
		b, err := json.Marshal(a.Body)
		if err != nil {
			return nil, "", fmt.Errorf("encoding the body: %w", err)
		}
		return bytes.NewReader(b), op.ContentType, nil
	case BodyForm:
		form, err := runtime.MarshalForm(a.Body, nil)
		if err != nil {
			return nil, "", fmt.Errorf("encoding the body: %w", err)
		}
		return strings.NewReader(form.Encode()), op.ContentType, nil
	case BodyText:
		v := reflect.ValueOf(a.Body)
		if v.Kind() != reflect.String {
			return nil, "", fmt.Errorf("a %s body must be a string, got %T", op.ContentType, a.Body)
		}
		return strings.NewReader(v.String()), op.ContentType, nil
	}
	return nil, "", fmt.Errorf("unknown body kind %q", op.Body)
}

// Send sends one request that no generated method covers, with everything
// a generated method has: the client's credentials, default headers,
// retry policy, observer and error decoding. path is relative to the
// client's base URL and may carry a query ("/users/abc?fields=email");
// the caller escapes it. body is nil (none), an io.Reader or []byte sent
// as is, url.Values sent form-encoded, or any other value sent as JSON; a
// reader or byte body is labelled application/json unless the call sets
// Content-Type (WithRequestHeader). out receives a 2xx answer: nil
// discards it, a *[]byte gets the bytes, anything else is decoded from
// JSON. A POST or PATCH is repeated only with an idempotency key.
func (r *Runtime) Send(ctx context.Context, method, path string, body, out any, opts []CallOption) error {
	op := &Operation{API: r.api, ID: method + " " + path, Method: method, Path: path}
	if i := strings.IndexByte(op.Path, '?'); i >= 0 {
		op.Path = op.Path[:i]
	}
	if method == "" || strings.ContainsAny(method, " \r\n") {
		return fmt.Errorf("%s: invalid method %q", r.api, method)
	}
	if !strings.HasPrefix(path, "/") || strings.HasPrefix(path, "//") || strings.ContainsAny(path, "\r\n #") {
		return fmt.Errorf("%s: path %q must start with one / and hold no fragment or space", r.api, path)
	}
	call, err := r.Begin(opts)
	if err != nil {
		return err
	}
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case io.Reader:
		rd, ctype = b, "application/json"
	case []byte:
		rd, ctype = bytes.NewReader(b), "application/json"
	case url.Values:
		rd, ctype = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	default:
		j, err := json.Marshal(b)
		if err != nil {
			return r.BuildError(op, fmt.Errorf("encoding the body: %w", err))
		}
		rd, ctype = bytes.NewReader(j), "application/json"
	}
	if call.header.Get("Content-Type") != "" {
		ctype = ""
	}
	if bp, ok := out.(*[]byte); ok {
		raw := (*rawBody)(bp)
		out = raw
	}
	u := call.Server + path[1:]
	pathEnd := len(u)
	if i := strings.IndexByte(u, '?'); i >= 0 {
		pathEnd = i
	}
	if r.obs == nil {
		return r.send(ctx, &call, op, u, rd, ctype, out)
	}
	ctx, oc := r.startCall(ctx, &call, op, u[:pathEnd])
	err = r.send(ctx, &call, op, u, rd, ctype, out)
	r.endCall(ctx, oc, err)
	return err
}
