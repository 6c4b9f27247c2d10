// Package oauthsrv is the OAuth 2.0 and OpenID Connect authorization
// server behind the emulated Auth0, Nexaas and Zaikio APIs: a token
// endpoint (client credentials, password, Auth0's password realm,
// authorization code with PKCE, refresh with rotation), an authorize
// endpoint with a login page a test can submit without a browser,
// userinfo, discovery, revocation and a JWKS whose signing key can be
// rotated. Each vendor mounts it at its own paths.
package oauthsrv

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Paths are where a vendor serves each endpoint; an empty path is not
// served.
type Paths struct {
	// Authorize shows the login page (GET) and takes its form (POST).
	Authorize string
	// Token is the token endpoint.
	Token string
	// UserInfo answers the claims of the token's user.
	UserInfo string
	// JWKS publishes the public signing keys.
	JWKS string
	// Discovery is the OpenID configuration document.
	Discovery string
	// Revoke revokes a refresh or access token (RFC 7009).
	Revoke string
}

// Grant types the token endpoint knows.
const (
	GrantClientCredentials = "client_credentials"
	GrantPassword          = "password"
	GrantPasswordRealm     = "http://auth0.com/oauth/grant-type/password-realm"
	GrantAuthorizationCode = "authorization_code"
	GrantRefreshToken      = "refresh_token"
)

// Config configures a Server.
type Config struct {
	// BaseURL is where the server is reached (scheme, host, port, no
	// trailing slash); endpoint URLs in discovery are built on it.
	BaseURL string
	// Issuer is the "iss" of the tokens; empty means BaseURL + "/".
	Issuer string
	// Paths are the endpoint paths.
	Paths Paths
	// AccessTokenTTL is the lifetime of access tokens; 0 means an hour.
	AccessTokenTTL time.Duration
	// JWTAccessTokens makes access tokens signed JWTs (aud, scope, azp,
	// gty) as Auth0 issues; otherwise they are opaque random strings.
	JWTAccessTokens bool
	// RotateRefreshTokens makes each refresh return a new refresh token
	// and revoke the one used.
	RotateRefreshTokens bool
	// RefreshNeedsOfflineAccess issues refresh tokens only when the
	// scope holds offline_access (Auth0); otherwise a user grant always
	// gets one.
	RefreshNeedsOfflineAccess bool
	// DefaultAudience is the audience of a client credentials grant
	// that names none; empty means the request must name one when
	// JWTAccessTokens is set.
	DefaultAudience string
	// GrantErrorStatus is the status of invalid_grant errors; 0 means
	// 400 (Auth0 answers 403).
	GrantErrorStatus int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Users authenticates resource owners; nil means the users added
	// with AddUser.
	Users Users
	// TokenResponse, when set, adds vendor members to a successful token
	// response before it is written.
	TokenResponse func(g *Grant, body map[string]any)
	// IDTokenClaims, when set, adds vendor claims to an ID token before
	// it is signed (Auth0's org_id, say).
	IDTokenClaims func(g *Grant, claims map[string]any)
	// ClientCredentials, when set, may refuse a client credentials grant
	// the server would otherwise issue (a vendor's own rules on what a
	// client may ask for).
	ClientCredentials func(g *Grant) *Error
}

// Users is where the server finds resource owners.
type Users interface {
	// Authenticate returns the subject of the user with this username
	// (or email) and password in realm (a connection name; "" for any).
	Authenticate(realm, username, password string) (subject string, ok bool)
	// Claims returns the profile claims of subject (for ID tokens and
	// userinfo; "sub" is added by the server), or false if it is gone.
	Claims(subject string) (map[string]any, bool)
}

// Client is a registered OAuth client.
type Client struct {
	// ID is the client_id.
	ID string
	// Secret is the client secret; empty makes a public client (PKCE
	// required for the code flow).
	Secret string
	// RedirectURIs are the allowed redirect URIs; empty allows any
	// loopback http URI.
	RedirectURIs []string
	// Audience is the default audience of this client's client
	// credentials grants.
	Audience string
	// Scopes, when set, are the scopes a client credentials grant may
	// get (and gets when it asks for none).
	Scopes []string
	// PublicKey, when set, authenticates the client's private_key_jwt
	// assertions (an *rsa.PublicKey or *ecdsa.PublicKey).
	PublicKey any
}

// User is a resource owner kept by the server's own user list.
type User struct {
	// Subject is the "sub" claim.
	Subject string
	// Username is what the login form and password grants take; Email
	// is accepted too.
	Username string
	// Email is the user's address.
	Email string
	// Password is the user's password.
	Password string
	// Claims are the profile claims (name, email_verified, ...).
	Claims map[string]any
}

// Grant is what an access token stands for.
type Grant struct {
	// ClientID is the client the token was issued to.
	ClientID string
	// Subject is the user, empty for client credentials.
	Subject string
	// Scope is the granted scope, space separated.
	Scope string
	// Audience is the API the token is for (may be empty).
	Audience string
	// GrantType is how the token was obtained.
	GrantType string
	// ExpiresAt is when the access token expires.
	ExpiresAt time.Time
	// Nonce is the authorization request's nonce (ID tokens).
	Nonce string
	// AuthTime is when the user signed in.
	AuthTime time.Time
	// Organization is the organization (id or name) the authorization
	// request named.
	Organization string
}

// HasScope reports whether the grant's scope holds s.
func (g *Grant) HasScope(s string) bool { return scopeHas(g.Scope, s) }

// Tokens is a token response.
type Tokens struct {
	// AccessToken is the bearer token (a JWT when JWTAccessTokens).
	AccessToken string
	// RefreshToken is empty when none was issued.
	RefreshToken string
	// IDToken is the signed ID token of a user grant with "openid".
	IDToken string
	// ExpiresIn is the access token's lifetime in seconds.
	ExpiresIn int
	// Scope is the granted scope.
	Scope string
}

// ErrInvalidToken is returned by Authenticate for a missing, unknown,
// revoked or expired access token.
var ErrInvalidToken = errors.New("oauthsrv: invalid or expired access token")

// Server is an authorization server. Its methods are safe for
// concurrent use.
type Server struct {
	cfg  Config
	keys *keyRing

	mu      sync.Mutex
	clients map[string]*Client
	users   *memoryUsers
	access  map[string]*Grant   // access token -> grant
	refresh map[string]*Grant   // refresh token -> grant
	codes   map[string]*pending // authorization code -> request
	revoked map[string]bool     // revoked refresh tokens (answer invalid_grant)
}

// New returns a Server for cfg. It makes no key: the first signing key is
// made when a token is first signed or the JWKS first served.
func New(cfg Config) (*Server, error) {
	if cfg.BaseURL == "" {
		return nil, errors.New("oauthsrv: BaseURL is required")
	}
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	if cfg.Issuer == "" {
		cfg.Issuer = cfg.BaseURL + "/"
	}
	if cfg.AccessTokenTTL == 0 {
		cfg.AccessTokenTTL = time.Hour
	}
	if cfg.GrantErrorStatus == 0 {
		cfg.GrantErrorStatus = http.StatusBadRequest
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{
		cfg:     cfg,
		keys:    newKeyRing(),
		clients: map[string]*Client{},
		users:   &memoryUsers{byID: map[string]*User{}},
		access:  map[string]*Grant{},
		refresh: map[string]*Grant{},
		codes:   map[string]*pending{},
		revoked: map[string]bool{},
	}
	if s.cfg.Users == nil {
		s.cfg.Users = s.users
	}
	return s, nil
}

// Issuer is the "iss" of the server's tokens.
func (s *Server) Issuer() string { return s.cfg.Issuer }

// URL is the absolute URL of a path of the server.
func (s *Server) URL(path string) string { return s.cfg.BaseURL + path }

// AddClient registers c, replacing a client with the same ID.
func (s *Server) AddClient(c Client) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clients[c.ID] = &c
}

// Client returns a copy of the registered client id.
func (s *Server) Client(id string) (Client, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.clients[id]
	if !ok {
		return Client{}, false
	}
	return *c, true
}

// RemoveClient forgets the client id: its tokens stay valid until they
// expire, new requests fail with invalid_client.
func (s *Server) RemoveClient(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.clients, id)
}

// UpdateSecret replaces the secret of client id (a rotation).
func (s *Server) UpdateSecret(id, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.clients[id]; ok {
		n := *c
		n.Secret = secret
		s.clients[id] = &n
	}
}

// AddUser adds u to the server's own user list (used when Config.Users
// is nil).
func (s *Server) AddUser(u User) { s.users.add(u) }

// Register mounts the server's endpoints on mux at the configured paths.
func (s *Server) Register(mux *http.ServeMux) {
	p := s.cfg.Paths
	for path, h := range map[string]http.HandlerFunc{
		p.Authorize: s.authorize,
		p.Token:     s.token,
		p.UserInfo:  s.userinfo,
		p.JWKS:      s.jwks,
		p.Discovery: s.discovery,
		p.Revoke:    s.revoke,
	} {
		if path != "" {
			mux.HandleFunc(path, h)
		}
	}
}

// Authenticate returns the grant of the bearer access token r carries,
// or ErrInvalidToken.
func (s *Server) Authenticate(r *http.Request) (*Grant, error) {
	tok, ok := bearer(r)
	if !ok {
		return nil, ErrInvalidToken
	}
	g, ok := s.Lookup(tok)
	if !ok {
		return nil, ErrInvalidToken
	}
	return g, nil
}

// Lookup returns a copy of the grant of a live access token.
func (s *Server) Lookup(accessToken string) (*Grant, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.access[accessToken]
	if !ok || !s.cfg.Now().Before(g.ExpiresAt) {
		return nil, false
	}
	c := *g
	return &c, true
}

// Expire makes accessToken expire now.
func (s *Server) Expire(accessToken string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if g, ok := s.access[accessToken]; ok {
		g.ExpiresAt = s.cfg.Now().Add(-time.Second)
	}
}

// ExpireRequest makes the bearer token r carries expire now (the hook of
// a fault that expires tokens).
func (s *Server) ExpireRequest(r *http.Request) {
	if tok, ok := bearer(r); ok {
		s.Expire(tok)
	}
}

// ExpireAll makes every access token issued so far expire now.
func (s *Server) ExpireAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	past := s.cfg.Now().Add(-time.Second)
	for _, g := range s.access {
		g.ExpiresAt = past
	}
}

// Issue mints tokens for g directly, with no request (to seed a test
// with a signed-in user). ExpiresAt is set from AccessTokenTTL when
// zero; a refresh token is issued when g has a Subject.
func (s *Server) Issue(g Grant) (*Tokens, error) {
	return s.issue(&g, g.Subject != "")
}

// RotateKeys makes a new signing key current. The previous keys stay
// in the JWKS (tokens they signed still verify) unless dropOld is set.
func (s *Server) RotateKeys(dropOld bool) error { return s.keys.rotate(dropOld) }

// bearer reads the bearer token of r.
func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if len(h) < 7 || !strings.EqualFold(h[:7], "bearer ") {
		return "", false
	}
	tok := strings.TrimSpace(h[7:])
	return tok, tok != ""
}
