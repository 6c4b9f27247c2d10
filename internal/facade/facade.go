// Package facade is the runtime the generated typed clients under gen/ are
// built on: client configuration, per-call options, sending a request
// through the token and retry transports, and turning the answer into a
// value or a typed error. It is internal: users reach it through the
// options and methods each generated package exports.
package facade

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth"
	sdkerrors "github.com/idsdk/idsdk-go/errors"
	"github.com/idsdk/idsdk-go/internal/redact"
	"github.com/idsdk/idsdk-go/internal/wire"
	"github.com/idsdk/idsdk-go/observe"
	"github.com/idsdk/idsdk-go/regions"
	"github.com/idsdk/idsdk-go/retry"
)

// MaxResponseBytes caps a successful response body the facade decodes
// (32 MiB). A longer body fails with a *errors.DecodeError.
const MaxResponseBytes = 32 << 20

// Operation describes one API operation, for error messages and for the
// rules that depend on it.
type Operation struct {
	API        string // "nexaasid"
	ID         string // operationId
	Method     string
	Path       string
	Idempotent bool // the document marks it safe to repeat (x-idsdk-idempotent)
	// Headers are the header parameters the operation declares (canonical
	// form); client-wide values for them (WithDeclaredHeader) are sent only
	// with the operations that declare them.
	Headers []string
	// Items is the JSON field of a list answer that holds its items; a
	// bare array answer is decoded as if it sat in that field.
	Items string
	// Accept replaces the default Accept header for an operation whose
	// answer is not JSON.
	Accept string
	// Security is how the operation authenticates: "" (the token),
	// SecurityBasic (the client id and secret), SecurityBasicOrToken
	// (the token when the client has one, else the client id and secret)
	// or SecurityNone.
	Security string
	// PathParams describe the path parameters, in the order the path
	// names them; Query the query parameters, in the document's order.
	PathParams []Param
	Query      []Param
	// Body is the kind of request body (BodyJSON, BodyForm, BodyText,
	// BodyRaw; "" for none) and ContentType its media type.
	Body        string
	ContentType string
	// TokenParam is the query parameter of a url-only operation that
	// carries an access token (see URLWithToken).
	TokenParam string

	query queryFields // the parameter struct's fields, found once
}

// Operation security kinds.
const (
	SecurityBasic        = "basic"
	SecurityBasicOrToken = "basic-or-token"
	SecurityNone         = "none"
)

// Config is what a generated New collects from its options.
type Config struct {
	API           string
	BaseURL       string
	Region        *regions.Server
	HTTPClient    *http.Client
	Token         oauth2.TokenSource
	Retry         *retry.Policy
	UserAgent     string
	Header        http.Header
	Decoder       sdkerrors.Decoder
	ValidateURL   func(string) (string, error) // nil: regions.ValidateBaseURL
	DefaultRegion regions.Server
	// DefaultBaseURL replaces DefaultRegion (APIs whose New takes a domain).
	DefaultBaseURL string
	// RetryStatuses, MaxRetries (when set) and AttemptTimeout adjust the
	// default retry policy for the API.
	RetryStatuses  []int
	MaxRetries     *int
	AttemptTimeout time.Duration
	// ConnectTimeout bounds dialing and the TLS handshake when the client
	// builds its own transport (no WithHTTPClient, or one without a
	// Transport).
	ConnectTimeout time.Duration
	// TelemetryHeader, when set, carries a base64 JSON {name, version}
	// unless NoTelemetry.
	TelemetryHeader string
	NoTelemetry     bool
	// DeclaredHeaders are sent with the operations that declare them.
	DeclaredHeaders http.Header
	// BasicID and BasicSecret authenticate operations secured by HTTP Basic.
	BasicID     string
	BasicSecret auth.Secret

	// RequiresAuth says the API's document requires credentials (a global
	// security requirement, or every operation secured): New fails with
	// auth.ErrNoCredentials when none is given, unless NoAuth.
	RequiresAuth bool
	// NoAuth is the caller's explicit opt-out (WithoutAuthentication).
	NoAuth bool
	// TokenOnAPIOrigin says the API's token endpoint lives on the API's own
	// server: a token source that names its endpoint (auth.EndpointSource)
	// must name one there, so one region drives both.
	TokenOnAPIOrigin bool
	// Domain is the host New took (APIs whose New takes a domain).
	Domain string
	// Audience replaces the default audience of the tokens a Credential
	// asks for ("" keeps the API's default).
	Audience string
	// Credential builds the token source once every option is applied,
	// from the client's final settings (see WithCredential).
	Credential func(CredentialEnv) (oauth2.TokenSource, error)
	// Timeout and Retries, when set, adjust the retry policy in use (the
	// API's default or the one given to WithRetry): the per-attempt
	// timeout and the number of retries.
	Timeout time.Duration
	Retries *int
	// Observer receives the reports of every call, attempt and token
	// request (WithObserver, WithLogger); see observe.go.
	Observer observe.Observer
}

// CredentialEnv is what a Credential builds a token source from: the
// client's own server, so the API and its token endpoint cannot disagree.
type CredentialEnv struct {
	// BaseURL is the client's validated base URL (no trailing slash).
	BaseURL string
	// Domain is the host New took, "" for APIs without one.
	Domain string
	// Audience is the caller's audience (WithAudience), "" for the default.
	Audience string
	// HTTPClient is the caller's WithHTTPClient client, or nil.
	HTTPClient *http.Client
	// Observer is the client's observer (WithObserver, WithLogger), nil
	// when none: the token caches a credential builds report to it.
	Observer observe.Observer
}

// Option changes a Config; the generated ClientOption type is this type.
type Option func(*Config) error

// Runtime sends the requests of one client. It is safe for concurrent use.
//
// A generated client holds its Runtime in place (see Init) and its
// services point to it: a Runtime keeps what every call needs in a few
// words, everything else behind pointers, and no credential or header
// value in its own fields, so that printing a client never shows them.
type Runtime struct {
	api     string
	server  string         // the base URL + "/", what the request builders take
	out     *sender        // the client calls go through; its token transport holds the token source
	header  *[]headerValue // default headers, canonical keys
	decoder sdkerrors.Decoder
	obs     observe.Observer // nil: calls are not observed
	more    *runtimeMore     // nil: every setting it holds is at its default
}

// runtimeMore holds the settings of a Runtime that few clients set.
type runtimeMore struct {
	validate    func(string) (string, error) // nil: regions.ValidateBaseURL
	basicID     string
	basicSecret auth.Secret
	declared    http.Header
	basePath    string // path of the base URL, for the URL templates of observed calls
}

// New builds a Runtime from cfg after applying opts.
func New(cfg Config, opts []Option) (*Runtime, error) {
	r := new(Runtime)
	if err := r.Init(cfg, opts); err != nil {
		return nil, err
	}
	return r, nil
}

// Init builds r, which must be zero, from cfg after applying opts: the
// generated clients hold their Runtime in place.
func (r *Runtime) Init(cfg Config, opts []Option) error {
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return fmt.Errorf("%s: %w", cfg.API, err)
		}
	}
	validate := cfg.ValidateURL
	if validate == nil {
		validate = regions.ValidateBaseURL
	}
	base, err := cfg.baseURL(validate)
	if err != nil {
		return fmt.Errorf("%s: %w", cfg.API, err)
	}
	cfg.adoptPolicyLogger()
	if err := cfg.credentials(base); err != nil {
		return fmt.Errorf("%s: %w", cfg.API, err)
	}
	// The strings the runtime keeps share one allocation: the base URL and
	// the origin are prefixes of server when the origin is spelled as in
	// the base URL (lower case, as the validation leaves it).
	server := base + "/"
	base = server[:len(base)]
	origin := auth.OriginOf(base)
	if strings.HasPrefix(base, origin) {
		origin = base[:len(origin)]
	}
	*r = Runtime{
		api:     cfg.API,
		server:  server,
		out:     cfg.newSender(origin),
		header:  cfg.defaultHeaders(),
		decoder: cfg.Decoder,
		obs:     cfg.Observer,
	}
	if cfg.ValidateURL != nil || cfg.BasicID != "" || cfg.BasicSecret != "" || len(cfg.DeclaredHeaders) > 0 || cfg.Observer != nil {
		r.more = &runtimeMore{
			validate:    cfg.ValidateURL,
			basicID:     cfg.BasicID,
			basicSecret: cfg.BasicSecret,
			declared:    cfg.DeclaredHeaders,
		}
		if cfg.Observer != nil {
			r.more.basePath = basePath(base)
		}
	}
	return nil
}

// settings returns the rarely set settings of r, at their defaults when
// r sets none.
func (r *Runtime) settings() *runtimeMore {
	if r.more != nil {
		return r.more
	}
	return &noMore
}

// noMore is the runtimeMore of every Runtime without one: never written.
var noMore runtimeMore

// validate checks a base URL given for one call as the client's was.
func (r *Runtime) validate(base string) (string, error) {
	if v := r.settings().validate; v != nil {
		return v(base)
	}
	return regions.ValidateBaseURL(base)
}

// token is the client's token source, nil when it has none.
func (r *Runtime) token() oauth2.TokenSource { return r.out.auth.Source }

// baseURL is the API's base URL the configuration gives (the base URL, the
// region, or the API's default), checked by validate.
func (cfg *Config) baseURL(validate func(string) (string, error)) (string, error) {
	base := cfg.BaseURL
	if base == "" && cfg.Region == nil && cfg.DefaultBaseURL != "" {
		base = cfg.DefaultBaseURL
	}
	if base == "" {
		srv := cfg.DefaultRegion
		if cfg.Region != nil {
			srv = *cfg.Region
		}
		if srv.API != "" && srv.API != cfg.API {
			return "", fmt.Errorf("region %s belongs to another API", srv)
		}
		base = srv.URL
	}
	return validate(base)
}

// defaultHeaders are the headers every request carries: the configured
// ones, Accept, User-Agent and the telemetry header, sorted by name. A
// client that configures none of its own shares the list every such
// client of its API uses: it is never written to (see headerValue).
func (cfg *Config) defaultHeaders() *[]headerValue {
	if len(cfg.Header) > 0 || cfg.UserAgent != "" {
		h := cfg.buildDefaultHeaders()
		return &h
	}
	key := sharedHeadersKey{cfg.API, cfg.TelemetryHeader, cfg.NoTelemetry}
	if h, ok := sharedHeaders.Load(key); ok {
		return h.(*[]headerValue)
	}
	h := cfg.buildDefaultHeaders()
	shared, _ := sharedHeaders.LoadOrStore(key, &h)
	return shared.(*[]headerValue)
}

// sharedHeaders holds the default headers of the clients that configure
// none of their own, by sharedHeadersKey: a few entries per API at most.
var sharedHeaders sync.Map

// sharedHeadersKey is what the shared default headers depend on.
type sharedHeadersKey struct {
	api, telemetryHeader string
	noTelemetry          bool
}

// buildDefaultHeaders builds the list defaultHeaders returns.
func (cfg *Config) buildDefaultHeaders() []headerValue {
	header := http.Header{}
	for k, vs := range cfg.Header {
		for _, v := range vs {
			header.Add(k, v)
		}
	}
	if header.Get("Accept") == "" {
		header.Set("Accept", "application/json")
	}
	ua := cfg.UserAgent
	if ua == "" {
		ua = UserAgent(cfg.API)
	}
	header.Set("User-Agent", ua)
	if cfg.TelemetryHeader != "" && !cfg.NoTelemetry && header.Get(cfg.TelemetryHeader) == "" {
		header.Set(cfg.TelemetryHeader, telemetry())
	}
	// A list, not the map: the few default headers cost a client less
	// heap that way, and every request copies them all anyway.
	defaults := make([]headerValue, 0, len(header))
	for _, k := range slices.Sorted(maps.Keys(header)) {
		// Clipped, so that appending to a request's header never writes
		// into the slices every request shares.
		defaults = append(defaults, headerValue{k, slices.Clip(header[k])})
	}
	return slices.Clip(defaults)
}

// policy is the retry policy of the client: the caller's or the API's
// default, adjusted by the API's extra statuses and the caller's Timeout
// and Retries. The caller's policy is copied, never changed.
func (cfg *Config) policy() *retry.Policy {
	var p retry.Policy
	if cfg.Retry != nil {
		p = *cfg.Retry
	} else {
		p = *retry.Default()
		if cfg.MaxRetries != nil {
			p.MaxRetries = *cfg.MaxRetries
		}
		if cfg.AttemptTimeout > 0 {
			p.AttemptTimeout = cfg.AttemptTimeout
		}
	}
	if len(cfg.RetryStatuses) > 0 {
		p.RetryStatuses = append(slices.Clone(p.RetryStatuses), cfg.RetryStatuses...)
	}
	if cfg.Retries != nil {
		p.MaxRetries = *cfg.Retries
	}
	if cfg.Timeout > 0 {
		p.AttemptTimeout = cfg.Timeout
	}
	p.Observer = observe.Join(p.Observer, cfg.Observer)
	p.Idempotent = idempotent(p.Idempotent)
	return &p
}

// credentials builds the Credential's token source, then refuses a client
// of an API that requires credentials without any (unless NoAuth), and a
// token source whose endpoint is on another server than base when the
// API's token endpoint is its own.
func (cfg *Config) credentials(base string) error {
	if cfg.Credential != nil {
		if cfg.Token != nil {
			return errors.New("WithToken and a credential option both given: keep one")
		}
		ts, err := cfg.Credential(CredentialEnv{BaseURL: base, Domain: cfg.Domain, Audience: cfg.Audience, HTTPClient: cfg.HTTPClient, Observer: cfg.Observer})
		if err != nil {
			return err
		}
		if ts == nil {
			return errors.New("the credential option built no token source")
		}
		cfg.Token = ts
	} else if cfg.Audience != "" {
		return errors.New("WithAudience applies to the credential options that request tokens (WithClientCredentials, WithClientAssertion), and none was given")
	}
	if cfg.RequiresAuth && !cfg.NoAuth && cfg.Token == nil && cfg.BasicID == "" {
		return fmt.Errorf("%w: give WithToken or a credential option (or WithoutAuthentication to send calls without credentials, for tests)", auth.ErrNoCredentials)
	}
	if !cfg.TokenOnAPIOrigin || cfg.Token == nil {
		return nil
	}
	es, ok := cfg.Token.(auth.EndpointSource)
	if !ok || es.TokenEndpoint() == "" {
		return nil
	}
	if got, want := auth.OriginOf(es.TokenEndpoint()), auth.OriginOf(base); got != want {
		return fmt.Errorf("%w: calls go to %s and tokens come from %s; give the region once, to the client (its credential options build the token source from it)", auth.ErrEndpointMismatch, want, got)
	}
	return nil
}

// Version is the idsdk-go version reported in the default User-Agent.
func Version() string { return version() }

// version reads the build information once: every New asks for it.
var version = sync.OnceValue(func() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/idsdk/idsdk-go" && d.Version != "" && d.Version != "(devel)" {
				return d.Version
			}
		}
	}
	return "devel"
})

// telemetry is the value of an API's telemetry header: base64 of the JSON
// {"name": "idsdk-go", "version": ...}.
func telemetry() string {
	b, _ := json.Marshal(struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	}{"idsdk-go", Version()})
	return base64.StdEncoding.EncodeToString(b)
}

// UserAgent is the default User-Agent of a client of api.
func UserAgent(api string) string { return "idsdk-go/" + Version() + " (" + api + ")" }

// BaseURL is the client's validated base URL, without a trailing slash.
func (r *Runtime) BaseURL() string { return strings.TrimSuffix(r.server, "/") }

// HTTPClient is the client that sends requests: the caller's client (or a
// default one) with the token and retry transports in front of it.
func (r *Runtime) HTTPClient() *http.Client { return &r.out.client }

// String names the API and base URL, never credentials or headers.
func (r Runtime) String() string {
	return fmt.Sprintf("facade.Runtime{API: %q, BaseURL: %q}", r.api, r.BaseURL())
}

// Format prints String for every verb (see internal/redact).
func (r Runtime) Format(f fmt.State, verb rune) { redact.Format(f, verb, r.String()) }

// FormatText writes text for every verb (quoted for %q): the Format of
// the generated clients, which print only what their String says.
func FormatText(f fmt.State, verb rune, text string) { redact.Format(f, verb, text) }

// LogValue keeps credentials out of slog output.
func (r *Runtime) LogValue() slog.Value { return redact.PointerLogValue(r) }

// MarshalJSON writes String.
func (r Runtime) MarshalJSON() ([]byte, error) { return redact.JSON(r.String()) }

// headerValue is one default header of a client. The values are shared
// by every request of the client (and of the clients that share its
// defaults): a request gets the slice itself, clipped so that appending
// to it copies, and nothing ever writes into it.
type headerValue struct {
	key    string
	values []string
}

func (r *Runtime) setHeaders(req *http.Request, extra http.Header) {
	for _, h := range *r.header {
		if _, ok := req.Header[h.key]; !ok {
			req.Header[h.key] = h.values
		}
	}
	for k, vs := range extra {
		req.Header[k] = vs
	}
}

// Call holds the per-call options of one request.
type Call struct {
	// Server is the base URL this call goes to, with a trailing slash.
	Server  string
	header  http.Header
	timeout time.Duration
	idem    bool
}

// CallOption changes one call; the generated RequestOption type is this type.
type CallOption func(*Call) error

// WithRequestHeader adds a header to one call.
func WithRequestHeader(key, value string) CallOption {
	return func(c *Call) error {
		if c.header == nil {
			c.header = http.Header{}
		}
		c.header.Add(key, value)
		return nil
	}
}

// WithIdempotencyKey sends key as the Idempotency-Key header and lets the
// retry policy repeat the call.
func WithIdempotencyKey(key string) CallOption {
	return func(c *Call) error {
		if key == "" {
			return errors.New("empty idempotency key")
		}
		if c.header == nil {
			c.header = http.Header{}
		}
		c.header.Set(retry.IdempotencyKeyHeader, key)
		c.idem = true
		return nil
	}
}

// WithRequestTimeout bounds one call, retries and waits included.
func WithRequestTimeout(d time.Duration) CallOption {
	return func(c *Call) error {
		if d <= 0 {
			return fmt.Errorf("request timeout must be positive, got %s", d)
		}
		c.timeout = d
		return nil
	}
}

// WithRequestBaseURL sends one call to another base URL (validated like the
// client's). The token goes there too.
func WithRequestBaseURL(base string) CallOption {
	return func(c *Call) error {
		c.Server = base
		return nil
	}
}

// Begin applies opts and returns the call.
func (r *Runtime) Begin(opts []CallOption) (Call, error) {
	if len(opts) == 0 {
		return Call{Server: r.server}, nil // no option ever sees it: it stays off the heap
	}
	c := &Call{Server: r.server}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(c); err != nil {
			return Call{}, fmt.Errorf("%s: %w", r.api, err)
		}
	}
	if c.Server != r.server {
		s, err := r.validate(c.Server)
		if err != nil {
			return Call{}, fmt.Errorf("%s: %w", r.api, err)
		}
		c.Server = s + "/"
	}
	return *c, nil
}

// BuildError reports a request that could not be built from the arguments.
func (r *Runtime) BuildError(op *Operation, err error) error {
	return fmt.Errorf("%s %s: building the request: %w", op.API, op.ID, err)
}

// Do sends req (built by the caller, its URL under call.Server) for op and decodes a 2xx
// JSON answer into out (nil: the body is discarded). A non-2xx answer
// becomes the API's typed error; a transport failure a *errors.RequestError.
func (r *Runtime) Do(ctx context.Context, call *Call, op *Operation, req *http.Request, out any) error {
	if r.obs != nil {
		return r.doObserved(ctx, call, op, req, out)
	}
	return r.do(ctx, call, op, req, out)
}

// do is Do without observation.
func (r *Runtime) do(ctx context.Context, call *Call, op *Operation, req *http.Request, out any) error {
	ctx, cancel, err := r.callContext(ctx, call, op)
	if err != nil {
		return err
	}
	defer cancel()
	return r.exchange(call, op, req.WithContext(ctx), out)
}

// callContext is ctx for one call of op: cut to the call's timeout, if
// it has one, and carrying the call's facts. cancel releases it; on an
// error there is nothing to release.
func (r *Runtime) callContext(ctx context.Context, call *Call, op *Operation) (context.Context, context.CancelFunc, error) {
	cancel := context.CancelFunc(func() {})
	if call.timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, call.timeout)
	}
	ctx, err := r.withFacts(ctx, call, op)
	if err != nil {
		cancel()
		return nil, nil, err
	}
	return ctx, cancel, nil
}

// exchange sends req, whose context is the call's, and decodes the answer.
func (r *Runtime) exchange(call *Call, op *Operation, req *http.Request, out any) error {
	if op.Accept != "" {
		req.Header.Set("Accept", op.Accept)
	}
	for _, h := range op.Headers {
		if v, ok := r.settings().declared[h]; ok && req.Header.Get(h) == "" {
			req.Header[h] = v
		}
	}
	r.setHeaders(req, call.header)
	resp, err := r.out.client.Do(req)
	if err != nil {
		return &sdkerrors.RequestError{API: op.API, Operation: op.ID, Method: req.Method, URL: cleanURL(req), Err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		// The answer may echo what the request authenticated with.
		sent := append(redact.RequestSecrets(req), redact.RequestSecrets(resp.Request)...)
		return redact.ScrubError(sdkerrors.Decode(r.decoder, op.API, op.ID, resp), append(sent, r.settings().basicSecret.Reveal())...)
	}
	if out == nil || resp.StatusCode == http.StatusNoContent {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, MaxResponseBytes))
		return nil
	}
	if rh, ok := out.(receiveHeader); ok {
		rh.receiveHeader(resp.Header)
	}
	if rb, ok := out.(*rawBody); ok {
		return readRaw(op, resp, rb)
	}
	return decodeJSON(op, resp, out)
}

// rawBody receives a non-JSON 2xx body.
type rawBody []byte

func readRaw(op *Operation, resp *http.Response, out *rawBody) error {
	b, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponseBytes+1))
	if err == nil && len(b) > MaxResponseBytes {
		err = fmt.Errorf("body larger than %d bytes", MaxResponseBytes)
	}
	if err != nil {
		return &sdkerrors.DecodeError{API: op.API, Operation: op.ID, StatusCode: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), Err: err}
	}
	*out = b
	return nil
}

func decodeJSON(op *Operation, resp *http.Response, out any) error {
	ct := resp.Header.Get("Content-Type")
	fail := func(err error, body []byte) *sdkerrors.DecodeError {
		if len(body) > sdkerrors.MaxBodyBytes {
			body = body[:sdkerrors.MaxBodyBytes]
		}
		return &sdkerrors.DecodeError{API: op.API, Operation: op.ID, StatusCode: resp.StatusCode, ContentType: ct, Body: body, Err: err}
	}
	if ct != "" && !isJSON(ct) {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, sdkerrors.MaxBodyBytes))
		return fail(fmt.Errorf("expected a JSON body, got %s", ct), body)
	}
	body, err := readBody(resp.Body, resp.ContentLength)
	if err != nil {
		return fail(err, body)
	}
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 {
		return fail(errors.New("empty body"), nil)
	}
	// A list that answers either a bare array or an object holding the
	// items decodes to the object's type.
	if op.Items != "" && trimmed[0] == '[' {
		if _, isPage := out.(receiveHeader); !isPage {
			wrapped := make([]byte, 0, len(trimmed)+len(op.Items)+5)
			wrapped = append(append(append(append(wrapped, `{"`...), op.Items...), `":`...), trimmed...)
			body = append(wrapped, '}')
		}
	}
	if err := wire.Decode(body, out); err != nil {
		de := fail(err, body)
		var fe *wire.FieldError
		if errors.As(err, &fe) {
			// Only members failed: out holds the rest of the answer.
			de.Path, de.Value = fe.Path, out
		}
		return de
	}
	return nil
}

// readBody reads a whole answer, up to MaxResponseBytes, into one buffer
// sized by the Content-Length when the answer gives one.
func readBody(r io.Reader, length int64) ([]byte, error) {
	size := 512
	if length > 0 && length <= MaxResponseBytes {
		size = int(length) + 1
	}
	b := make([]byte, 0, size)
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if len(b) > MaxResponseBytes {
			return nil, fmt.Errorf("body larger than %d bytes", MaxResponseBytes)
		}
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

func isJSON(ct string) bool {
	ct = strings.ToLower(ct)
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	ct = strings.TrimSpace(ct)
	return ct == "application/json" || strings.HasSuffix(ct, "+json")
}

// cleanURL is the request URL without query, fragment or userinfo.
func cleanURL(req *http.Request) string {
	if req == nil || req.URL == nil {
		return ""
	}
	return redact.SafeURL(req.URL)
}

// URLWithToken returns u, a URL built for the url-only operation op, with
// the query parameter param carrying an access token: the value the call's
// parameters already put there, else a token of the client's token source
// (fetched with ctx). Without either it fails with auth.ErrNoCredentials
// instead of building a URL that cannot work.
func (r *Runtime) URLWithToken(ctx context.Context, op *Operation, u *url.URL, param string) (string, error) {
	q := u.Query()
	if q.Get(param) != "" {
		return u.String(), nil
	}
	if r.token() == nil {
		return "", fmt.Errorf("%s %s: the URL carries an access token (%s) and the client has no token source: %w", op.API, op.ID, param, auth.ErrNoCredentials)
	}
	tok, err := auth.TokenContext(ctx, r.token())
	if err != nil {
		return "", fmt.Errorf("%s %s: %w", op.API, op.ID, err)
	}
	if tok == nil || tok.AccessToken == "" {
		return "", fmt.Errorf("%s %s: the token source returned an empty token", op.API, op.ID)
	}
	q.Set(param, tok.AccessToken)
	u.RawQuery = q.Encode()
	return u.String(), nil
}
