// Package webflow is the OAuth 2.0 web-app sign-in flow as plain
// net/http handlers, for any authorization server (a Zaikio preset lives
// in auth/zaikio).
//
// A Handler is mounted under a prefix and serves, for every registered
// client (chosen by the {client} segment, or the default client without
// one):
//
//	GET         <prefix>[/{client}]/sessions/new         sign a person in
//	GET         <prefix>[/{client}]/sessions/approve     the redirect URI of a sign-in
//	DELETE|POST <prefix>[/{client}]/session              sign out (revokes the token)
//	GET         <prefix>[/{client}]/connections/new      connect an organization
//	GET         <prefix>[/{client}]/connections/approve  the redirect URI of a connection
//	GET         <prefix>[/{client}]/subscriptions/new    subscribe an organization
//
// The state parameter is random and kept in a sealed cookie (AES-256-GCM:
// encrypted and authenticated, HttpOnly, SameSite=Lax) and compared in
// constant time on the way back; a state serves one callback only (a
// replayed callback is refused before the token endpoint, see UsedStates).
// Every sign-in uses PKCE (RFC 7636, S256): the code verifier is sealed in
// the state cookie with the state and sent with the code exchange. When
// the scopes include "openid", a nonce is sent too and the ID token of the
// token response is validated (signature, issuer, audience, expiry, nonce)
// with the validator the Provider supplies (IDTokenProvider). Only an
// allowlist of query parameters is passed on to the authorization server;
// the origin to return to must be a same-site relative path. Tokens go to
// a Store; the signed-in person's session is another sealed cookie that
// names the stored token. Sign-out refuses a request whose Origin header
// is another site or "null".
//
// RequireSession protects the app's own pages: a signed-out page request
// is sent to sign in (and back to the page afterwards), an API call gets
// 401, and a signed-in one reaches the page with its session and token in
// the request context (SessionFromContext, TokenFromContext). A Registry
// registers each client once for the flow and for auth/tokenstore, and
// NewTokenStore keeps the sessions' tokens there, refreshed in place. The
// presets are zaikio.WebflowClient and auth0.WebflowClient (which adds the
// client's Params, organization and invitation, and checks the ID token's
// organization through ExpectIDToken).
package webflow

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth/idtoken"
	"github.com/idsdk/idsdk-go/internal/redact"
)

// Kind says which flow a request belongs to.
type Kind string

// The flows.
const (
	// KindSession signs a person in.
	KindSession Kind = "session"
	// KindConnection connects an organization (or another bearer) to the app.
	KindConnection Kind = "connection"
	// KindSubscription subscribes an organization to one of the app's plans;
	// it comes back through connections/approve.
	KindSubscription Kind = "subscription"
)

// Provider is the authorization server of one client.
type Provider interface {
	// AuthCodeURL is the authorization URL for redirectURI, state, scopes
	// and the extra parameters, which it must all send: the filtered
	// pass-through parameters and the flow's own code_challenge,
	// code_challenge_method (S256) and, for "openid" scopes, nonce.
	AuthCodeURL(redirectURI, state string, scopes []string, extra url.Values) string
	// Exchange trades an authorization code for a token, sending verifier
	// as the code_verifier (RFC 7636).
	Exchange(ctx context.Context, code, redirectURI, verifier string) (*oauth2.Token, error)
	// Revoke revokes a token at sign-out. It may do nothing.
	Revoke(ctx context.Context, tok *oauth2.Token) error
}

// IDTokenProvider is implemented by a Provider whose server issues OpenID
// Connect ID tokens: IDTokenValidator returns the validator of its ID
// tokens (its issuer, key set and the client id), or nil when it has none.
// A client that asks for the "openid" scope needs one: New refuses a
// client whose configured scopes include "openid" without it, and a flow
// whose token response carries an ID token that cannot be validated fails.
type IDTokenProvider interface {
	IDTokenValidator() *idtoken.Validator
}

// Store keeps the tokens the flow obtains. auth/tokenstore satisfies it
// through an adapter; NewMemoryStore is one for tests and development.
type Store interface {
	// Save stores tok, obtained for client, and returns its id.
	Save(ctx context.Context, client string, tok *oauth2.Token) (id string, err error)
	// Find returns the token stored under id, or an error matching
	// ErrTokenNotFound.
	Find(ctx context.Context, id string) (*oauth2.Token, error)
	// Delete removes the token stored under id; a missing one is no error.
	Delete(ctx context.Context, id string) error
}

// ErrTokenNotFound is matched by a Store's Find when it has no such token.
var ErrTokenNotFound = errors.New("webflow: token not found")

// Client is one app registered with an authorization server.
type Client struct {
	// Name identifies the client in routes ({client}) and in the Store.
	Name string
	// Provider is its authorization server.
	Provider Provider
	// Scopes are requested when a person signs in.
	Scopes []string
	// ConnectionScopes are requested when an organization is connected.
	ConnectionScopes []string
	// ScopesFor, when set, decides the scopes of a flow from the kind, the
	// query of the request that started it and the configured scopes (the
	// Zaikio preset adds organization ids and the subscription scope).
	ScopesFor func(kind Kind, query url.Values, configured []string) ([]string, error)
	// Bearer, when set, names whose token tok is (e.g. "Person", id).
	// It runs after the ID token of a sign-in was validated.
	Bearer func(tok *oauth2.Token) (bearerType, bearerID string)
	// Params are query parameters of the /new routes passed on to the
	// authorization server for this client besides the package's
	// allowlist (the Auth0 preset: organization, invitation, ...).
	Params []string
	// ExpectIDToken, when set, adds expectations of the ID token from the
	// parameters sent to the authorization server (the Auth0 preset: the
	// organization it was asked for). The flow's nonce is always checked,
	// whatever it returns.
	ExpectIDToken func(sent url.Values) idtoken.Expect
}

// Approval is what the AfterApprove hook learns. Formatting, logging or
// JSON-encoding it (a value or a pointer, nested or not) never shows the
// token.
type Approval struct {
	// Client is the client's name and Kind the flow that ended.
	Client string
	Kind   Kind
	// Token is the new token; TokenID its id in the Store.
	Token   *oauth2.Token
	TokenID string
	// BearerType and BearerID name whose token it is, when known.
	BearerType, BearerID string
	// Origin is where the flow was started from: a safe relative path.
	Origin string
	// AppState is the state parameter the app passed to sessions/new, if
	// any; it is kept in the sealed cookie, never sent to the server.
	AppState string
}

// String describes the approval without its token.
func (a Approval) String() string {
	tok := "nil"
	if a.Token != nil {
		tok = redact.Placeholder
		if !a.Token.Expiry.IsZero() {
			tok += ", expiry " + a.Token.Expiry.UTC().Format(time.RFC3339)
		}
	}
	return fmt.Sprintf("webflow.Approval{Client: %q, Kind: %q, TokenID: %q, BearerType: %q, BearerID: %q, Origin: %q, Token: %s}",
		a.Client, a.Kind, a.TokenID, a.BearerType, a.BearerID, a.Origin, tok)
}

// GoString is String.
func (a Approval) GoString() string { return a.String() }

// Format prints String for every verb.
func (a Approval) Format(f fmt.State, verb rune) { redact.Format(f, verb, a.String()) }

// LogValue keeps the token out of slog output.
func (a *Approval) LogValue() slog.Value { return redact.PointerLogValue(a) }

// MarshalJSON writes String.
func (a Approval) MarshalJSON() ([]byte, error) { return redact.JSON(a.String()) }

// Error is a failed flow as the OnError hook sees it.
type Error struct {
	// Client is the client's name and Kind the flow that failed.
	Client string
	Kind   Kind
	// Code is an OAuth error code ("invalid_scope", "access_denied", ...)
	// or one of the flow's own: "invalid_state", "unknown_client",
	// "exchange_failed", "invalid_id_token", "store_failed",
	// "too_many_restarts".
	Code        string
	Description string
	// Err is the underlying error, when there is one.
	Err error
}

// Error names the code, the client and the description; never a token.
func (e *Error) Error() string {
	s := "webflow: " + e.Code
	if e.Client != "" {
		s += " (client " + e.Client + ")"
	}
	if e.Description != "" {
		s += ": " + redact.Clip(e.Description, 300)
	}
	return s
}

// Unwrap returns Err.
func (e *Error) Unwrap() error { return e.Err }

// Config configures a Handler.
type Config struct {
	// Prefix is where the handler is mounted, e.g. "/zaikio" (no trailing
	// slash). Requests reach it with the prefix in their path.
	Prefix string
	// BaseURL is the app's external URL (scheme and host), used to build
	// redirect URIs: BaseURL + Prefix + [/{client}] + /sessions/approve.
	BaseURL string
	// Clients are the registered clients; DefaultClient serves the routes
	// without a {client} segment (default: the first one).
	Clients []Client
	// Registry, when set, adds its clients after Clients (one registry
	// feeds the web flow and the token store).
	Registry      *Registry
	DefaultClient string
	// Store keeps the tokens.
	Store Store
	// UsedStates records the states of the callbacks served, so a replayed
	// callback never reaches the token endpoint again. Nil means the Store
	// when it implements UsedStates, else a record in memory (one
	// process: an app on several replicas shares one instead).
	UsedStates UsedStates
	// CookieSecret (32 bytes or more) seals the state and session cookies.
	CookieSecret []byte
	// CookieName prefixes the cookie names (default "webflow").
	CookieName string
	// DefaultOrigin is where to go when no (safe) origin was given
	// (default "/").
	DefaultOrigin string
	// SessionTTL is how long the session cookie lasts (default 30 days).
	SessionTTL time.Duration
	// MaxRestarts is how many times an exchange failing with invalid_grant
	// or invalid_request restarts the flow (default 3).
	MaxRestarts int
	// AfterApprove runs after a token was stored; it returns where to
	// redirect ("" means the origin). It may write its own response
	// instead and return "-".
	AfterApprove func(w http.ResponseWriter, r *http.Request, a *Approval) string
	// AfterLogout runs after sign-out; it returns where to redirect (""
	// means DefaultOrigin).
	AfterLogout func(w http.ResponseWriter, r *http.Request, client string) string
	// OnError handles a failed flow. access_denied never reaches it (the
	// person declined: the flow redirects to the origin quietly). The
	// default answers 400 (or 500) with a short text.
	OnError func(w http.ResponseWriter, r *http.Request, e *Error)
	// Now is the clock (tests); nil means time.Now.
	Now func() time.Time
}

// String describes the configuration without the cookie secret.
func (c Config) String() string {
	names := make([]string, len(c.Clients))
	for i, cl := range c.Clients {
		names[i] = cl.Name
	}
	return fmt.Sprintf("webflow.Config{Prefix: %q, BaseURL: %q, Clients: %q, CookieName: %q, CookieSecret: %s}",
		c.Prefix, c.BaseURL, names, c.CookieName, redact.Placeholder)
}

// GoString is String.
func (c Config) GoString() string { return c.String() }

// Format prints String for every verb.
func (c Config) Format(f fmt.State, verb rune) { redact.Format(f, verb, c.String()) }

// LogValue keeps the cookie secret out of slog output.
func (c *Config) LogValue() slog.Value { return redact.PointerLogValue(c) }

// MarshalJSON writes String.
func (c Config) MarshalJSON() ([]byte, error) { return redact.JSON(c.String()) }

// String describes the handler without its secrets.
func (h Handler) String() string { return "webflow.Handler{" + h.cfg.String() + "}" }

// GoString is String.
func (h Handler) GoString() string { return h.String() }

// Format prints String for every verb.
func (h Handler) Format(f fmt.State, verb rune) { redact.Format(f, verb, h.String()) }

// LogValue keeps the cookie secret out of slog output.
func (h *Handler) LogValue() slog.Value { return redact.PointerLogValue(h) }

// MarshalJSON writes String.
func (h Handler) MarshalJSON() ([]byte, error) { return redact.JSON(h.String()) }

// Handler serves the flow. It is safe for concurrent use; a flow's state
// lives in the browser's sealed cookie, and the server keeps only the
// record of used states (Config.UsedStates).
type Handler struct {
	cfg     Config
	clients map[string]*Client
	def     string
	seal    *sealer
	used    UsedStates
	secure  bool
	origin  string // scheme://host of BaseURL
	mux     *http.ServeMux
}

const (
	stateTTL  = 15 * time.Minute
	purposeSt = "state"
	purposeSe = "session"
)

// New checks cfg and returns its Handler.
func New(cfg Config) (*Handler, error) {
	if cfg.Registry != nil {
		cfg.Clients = append(cfg.Clients[:len(cfg.Clients):len(cfg.Clients)], cfg.Registry.Clients()...)
	}
	base, err := cfg.check()
	if err != nil {
		return nil, err
	}
	s, err := newSealer(cfg.CookieSecret)
	if err != nil {
		return nil, err
	}
	h := &Handler{cfg: cfg, clients: map[string]*Client{}, seal: s, used: cfg.UsedStates, secure: base.Scheme == "https", origin: base.Scheme + "://" + base.Host}
	if h.used == nil {
		if u, ok := cfg.Store.(UsedStates); ok {
			h.used = u
		} else {
			h.used = NewMemoryUsedStates()
		}
	}
	if err := h.addClients(cfg.Clients); err != nil {
		return nil, err
	}
	h.def = cfg.DefaultClient
	if h.def == "" {
		h.def = cfg.Clients[0].Name
	}
	if _, ok := h.clients[h.def]; !ok {
		return nil, fmt.Errorf("webflow: DefaultClient %q is not registered", h.def)
	}
	h.routes()
	return h, nil
}

// check refuses a Config without clients, Store or an absolute BaseURL,
// fills the defaults and returns the parsed BaseURL.
func (cfg *Config) check() (*url.URL, error) {
	if len(cfg.Clients) == 0 {
		return nil, errors.New("webflow: no clients")
	}
	if cfg.Store == nil {
		return nil, errors.New("webflow: Store is required")
	}
	base, err := url.Parse(cfg.BaseURL)
	if err != nil || (base.Scheme != "https" && base.Scheme != "http") || base.Host == "" {
		return nil, errors.New("webflow: BaseURL must be an absolute http(s) URL")
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	cfg.Prefix = "/" + strings.Trim(cfg.Prefix, "/")
	if cfg.Prefix == "/" {
		cfg.Prefix = ""
	}
	if cfg.CookieName == "" {
		cfg.CookieName = "webflow"
	}
	if cfg.DefaultOrigin == "" {
		cfg.DefaultOrigin = "/"
	} else if _, ok := SafeOrigin(cfg.DefaultOrigin); !ok {
		return nil, errors.New("webflow: DefaultOrigin must be a relative path")
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 30 * 24 * time.Hour
	}
	if cfg.MaxRestarts <= 0 {
		cfg.MaxRestarts = 3
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return base, nil
}

// addClients registers clients under their names, refusing a bad or
// repeated name, and the openid scope without an ID token validator.
func (h *Handler) addClients(clients []Client) error {
	for i := range clients {
		c := &clients[i]
		if c.Name == "" || strings.ContainsAny(c.Name, "/?#% ") || c.Provider == nil {
			return fmt.Errorf("webflow: client %d needs a Name (one path segment) and a Provider", i)
		}
		if _, dup := h.clients[c.Name]; dup {
			return fmt.Errorf("webflow: client %q registered twice", c.Name)
		}
		if (hasScope(c.Scopes, scopeOpenID) || hasScope(c.ConnectionScopes, scopeOpenID)) && validator(c.Provider) == nil {
			return fmt.Errorf("webflow: client %q asks for the openid scope but its Provider supplies no ID token validator (IDTokenProvider)", c.Name)
		}
		h.clients[c.Name] = c
	}
	return nil
}

func (h *Handler) routes() {
	m := http.NewServeMux()
	p := h.cfg.Prefix
	for _, seg := range []string{"", "/{client}"} {
		m.HandleFunc("GET "+p+seg+"/sessions/new", h.start(KindSession))
		m.HandleFunc("GET "+p+seg+"/connections/new", h.start(KindConnection))
		m.HandleFunc("GET "+p+seg+"/subscriptions/new", h.start(KindSubscription))
		m.HandleFunc("GET "+p+seg+"/sessions/approve", h.approve)
		m.HandleFunc("GET "+p+seg+"/connections/approve", h.approve)
		m.HandleFunc("DELETE "+p+seg+"/session", h.logout)
		m.HandleFunc("POST "+p+seg+"/session", h.logout)
	}
	h.mux = m
}

// ServeHTTP serves the routes.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

// client resolves the {client} segment.
func (h *Handler) client(r *http.Request) (*Client, bool) {
	name := r.PathValue("client")
	if name == "" {
		name = h.def
	}
	c, ok := h.clients[name]
	return c, ok
}

// redirectURI is where the server sends the browser back to.
func (h *Handler) redirectURI(client string, kind Kind) string {
	seg := ""
	if client != h.def {
		seg = "/" + url.PathEscape(client)
	}
	path := "/sessions/approve"
	if kind != KindSession {
		path = "/connections/approve"
	}
	return h.cfg.BaseURL + h.cfg.Prefix + seg + path
}

func (h *Handler) cookieName(purpose string) string { return h.cfg.CookieName + "_" + purpose }

func (h *Handler) fail(w http.ResponseWriter, r *http.Request, e *Error) {
	if h.cfg.OnError != nil {
		h.cfg.OnError(w, r, e)
		return
	}
	status := http.StatusBadRequest
	switch e.Code {
	case "store_failed", "exchange_failed", "server_error":
		status = http.StatusBadGateway
	case "unknown_client":
		status = http.StatusNotFound
	}
	http.Error(w, "sign-in failed: "+e.Code, status)
}

// clip makes server text fit one line of an error (see redact.Clip).
