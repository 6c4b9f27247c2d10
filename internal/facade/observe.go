package facade

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/idsdk/idsdk-go/observe"
)

// WithObserver reports every call, every HTTP attempt and every token
// request of the client's credential option to o (see package observe;
// the otel module builds one for OpenTelemetry). Given more than once, or
// with WithLogger, every observer is told.
func WithObserver(o observe.Observer) Option {
	return func(c *Config) error {
		if o == nil {
			return errors.New("nil observer")
		}
		c.Observer = observe.Join(c.Observer, o)
		return nil
	}
}

// WithLogger writes one debug record per HTTP attempt and per token
// request to l (observe.Log): API, operation, method, URL without query,
// status, duration, attempt number and why it was retried; credential
// kind, outcome and expiry. Never a header, a query string or a token.
func WithLogger(l *slog.Logger) Option {
	return func(c *Config) error {
		if l == nil {
			return errors.New("nil logger")
		}
		return WithObserver(observe.Log(l))(c)
	}
}

// adoptPolicyLogger makes the Logger of the caller's retry policy one of
// the client's observers, so its records name the API and operation and
// every attempt is logged once, by one mechanism. The caller's policy is
// not changed (policy copies it and drops the Logger).
func (cfg *Config) adoptPolicyLogger() {
	if cfg.Retry != nil && cfg.Retry.Logger != nil {
		cfg.Observer = observe.Join(cfg.Observer, observe.Log(cfg.Retry.Logger))
		p := *cfg.Retry
		p.Logger = nil
		cfg.Retry = &p
	}
}

// doObserved is Do for a client with an observer.
func (r *Runtime) doObserved(ctx context.Context, call *Call, op *Operation, req *http.Request, out any) error {
	ctx, oc := r.startCall(ctx, call, op, cleanURL(req))
	err := r.do(ctx, call, op, req, out)
	r.endCall(ctx, oc, err)
	return err
}

// startCall reports the start of a call to the observer; the retry layer
// ties its attempt reports to it through the context it returns. u is
// the URL without query.
func (r *Runtime) startCall(ctx context.Context, call *Call, op *Operation, u string) (context.Context, *observe.Call) {
	method := op.Method
	if method == "" {
		method = http.MethodGet
	}
	oc := &observe.Call{
		API:       op.API,
		Operation: op.ID,
		Method:    method,
		URL:       u,
		Template:  r.template(call, op),
		Start:     time.Now(),
	}
	return r.obs.StartCall(observe.WithCall(ctx, oc), oc), oc
}

// endCall reports the end of a call.
func (r *Runtime) endCall(ctx context.Context, oc *observe.Call, err error) {
	oc.Duration = time.Since(oc.Start)
	r.obs.EndCall(ctx, oc, err)
}

// template is the URL template of op for this call: the path of the
// server the call goes to, then the operation's path.
func (r *Runtime) template(call *Call, op *Operation) string {
	p := r.settings().basePath
	if call.Server != r.server {
		p = basePath(call.Server)
	}
	return p + op.Path
}

// basePath is the path of a base URL without its trailing slash.
func basePath(base string) string {
	u, err := url.Parse(base)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(u.Path, "/")
}
