package replay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"time"

	sdkerrors "github.com/idsdk/idsdk-go/errors"
)

// NewClient builds a generated client. An empty base URL asks for the
// client's default server (the runner reads its base path from it).
type NewClient func(baseURL string) (any, error)

// Runner replays the interactions of one API through one client against
// a loopback server. It is not safe for concurrent use.
type Runner struct {
	api      string
	ops      []*Operation
	prefix   string // base path of the API on its server, e.g. "/api/v2"
	services map[string]reflect.Value
	srv      *httptest.Server

	mu  sync.Mutex
	cur *Interaction
	got *sent
}

// sent is the request the loopback server received.
type sent struct {
	method, path, query, contentType string
	body                             []byte
}

// NewRunner loads the operations of api from the module at root and
// starts the loopback server. Close stops it.
func NewRunner(root, api string, newClient NewClient) (*Runner, error) {
	ops, err := LoadOperations(root, api)
	if err != nil {
		return nil, err
	}
	def, err := newClient("")
	if err != nil {
		return nil, fmt.Errorf("replay: default %s client: %w", api, err)
	}
	base, err := url.Parse(baseURL(def))
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	r := &Runner{api: api, ops: ops, prefix: strings.TrimSuffix(base.EscapedPath(), "/")}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	c, err := newClient(r.srv.URL + r.prefix)
	if err != nil {
		r.srv.Close()
		return nil, fmt.Errorf("replay: %s client: %w", api, err)
	}
	r.services = map[string]reflect.Value{}
	collectServices(reflect.ValueOf(c), r.services)
	return r, nil
}

// Close stops the loopback server.
func (r *Runner) Close() { r.srv.Close() }

// Operations returns the operations the runner matches against.
func (r *Runner) Operations() []*Operation { return r.ops }

func baseURL(c any) string {
	m := reflect.ValueOf(c).MethodByName("BaseURL")
	if !m.IsValid() {
		return ""
	}
	return m.Call(nil)[0].String()
}

// collectServices walks the client and its nested services (fields of
// the client and of each service, by value or by pointer) and indexes a
// pointer to every XService by its type name.
func collectServices(v reflect.Value, into map[string]reflect.Value) {
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return
	}
	s := v.Elem()
	for i := 0; i < s.NumField(); i++ {
		f := s.Field(i)
		if !s.Type().Field(i).IsExported() {
			continue
		}
		if f.Kind() == reflect.Struct {
			f = f.Addr()
		}
		if f.Kind() != reflect.Pointer || f.IsNil() {
			continue
		}
		name := f.Type().Elem().Name()
		if !strings.HasSuffix(name, "Service") {
			continue
		}
		if _, done := into[name]; !done {
			into[name] = f
			collectServices(f, into)
		}
	}
}

func (r *Runner) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	in := r.cur
	r.got = &sent{method: req.Method, path: req.URL.EscapedPath(), query: req.URL.RawQuery, contentType: req.Header.Get("Content-Type"), body: body}
	r.mu.Unlock()
	if in == nil {
		http.Error(w, "no interaction", http.StatusTeapot)
		return
	}
	if in.RespType != "" {
		w.Header().Set("Content-Type", in.RespType)
	} else {
		w.Header()["Content-Type"] = nil // no sniffing: answer what was recorded
	}
	w.WriteHeader(in.Status)
	_, _ = io.WriteString(w, in.RespBody)
}

// Run replays one interaction.
func (r *Runner) Run(ctx context.Context, in *Interaction) Result {
	res := Result{Interaction: in}
	if in.ExemptCause != "" {
		res.Class, res.Detail = Exempt, []string{in.ExemptCause}
		return res
	}
	rel, ok := strings.CutPrefix(in.Path, r.prefix)
	if !ok {
		res.Class, res.Detail = NoOperation, []string{"path outside the API's base path " + r.prefix}
		return res
	}
	op, pathVals := Match(r.ops, in.Method, rel)
	if op == nil {
		res.Class, res.Detail = NoOperation, []string{"no operation for " + in.Method + " " + rel}
		return res
	}
	res.Operation = op.ID
	svc, ok := r.services[op.Service]
	if !ok {
		res.Class, res.Detail = NoOperation, []string{"no service " + op.Service + " on the client"}
		return res
	}
	method := svc.MethodByName(op.Func)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	args, err := buildArgs(ctx, op, method.Type(), in, pathVals)
	if err != nil {
		res.Class, res.Detail = RequestDiffers, []string{"cannot express: " + err.Error()}
		return res
	}
	r.mu.Lock()
	r.cur, r.got = in, nil
	r.mu.Unlock()
	out := method.Call(args)
	r.mu.Lock()
	got := r.got
	r.cur, r.got = nil, nil
	r.mu.Unlock()
	callErr, _ := out[len(out)-1].Interface().(error)
	if op.URLOnly {
		return r.checkURL(res, in, out[0].String(), callErr)
	}
	if got == nil {
		res.Class, res.Detail = RequestDiffers, []string{fmt.Sprintf("refused before sending: %v", callErr)}
		return res
	}
	if d := compareRequest(in, got); len(d) > 0 {
		res.Class, res.Detail = RequestDiffers, d
		return res
	}
	return checkOutcome(res, in, out, callErr)
}

func (r *Runner) checkURL(res Result, in *Interaction, raw string, err error) Result {
	if err != nil {
		res.Class, res.Detail = RequestDiffers, []string{fmt.Sprintf("refused before building the URL: %v", err)}
		return res
	}
	u, perr := url.Parse(raw)
	if perr != nil {
		res.Class, res.Detail = RequestDiffers, []string{perr.Error()}
		return res
	}
	got := &sent{method: in.Method, path: u.EscapedPath(), query: u.RawQuery}
	if d := compareRequest(in, got); len(d) > 0 {
		res.Class, res.Detail = RequestDiffers, d
		return res
	}
	res.Class = OK
	return res
}

// checkOutcome checks the returned value or error against the recorded
// status and, for a JSON 2xx, that the value keeps the recorded answer.
func checkOutcome(res Result, in *Interaction, out []reflect.Value, err error) Result {
	if in.Status < 200 || in.Status > 299 {
		var apiErr *sdkerrors.APIError
		switch {
		case !errors.As(err, &apiErr):
			res.Class, res.Detail = DecodeFails, []string{fmt.Sprintf("status %d: want an *errors.APIError, got %v", in.Status, err)}
		case apiErr.StatusCode != in.Status:
			res.Class, res.Detail = DecodeFails, []string{fmt.Sprintf("status %d: APIError has %d", in.Status, apiErr.StatusCode)}
		default:
			res.Class = OK
		}
		return res
	}
	if err != nil {
		res.Class, res.Detail = DecodeFails, []string{err.Error()}
		return res
	}
	res.Class = OK
	if len(out) < 2 || !isJSONType(in.RespType) || strings.TrimSpace(in.RespBody) == "" {
		return res
	}
	v := out[0].Interface()
	if b, ok := v.([]byte); ok && json.Valid(b) {
		v = json.RawMessage(b)
	}
	enc, merr := json.Marshal(v)
	if merr != nil {
		res.Class, res.Detail = LosesFields, []string{"encoding the value again: " + merr.Error()}
		return res
	}
	if d := Lost([]byte(in.RespBody), enc); len(d) > 0 {
		res.Class, res.Detail = LosesFields, d
	}
	return res
}

func isJSONType(ct string) bool {
	ct = strings.ToLower(ct)
	return strings.Contains(ct, "json")
}

// timeout bounds one replayed call.
const timeout = 20 * time.Second
