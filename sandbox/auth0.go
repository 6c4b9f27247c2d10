// This file holds the emulated Auth0 tenant: the Management API v2 and the
// Authentication API on one loopback domain.

package sandbox

import (
	"crypto"
	"fmt"
	"time"

	"github.com/idsdk/idsdk-go/sandbox/internal/auth0"
	"github.com/idsdk/idsdk-go/sandbox/internal/oauthsrv"
	"github.com/idsdk/idsdk-go/sandbox/internal/random"
)

// Auth0 is the emulated Auth0 tenant. Point a client at Domain: the
// Management API is at URL + "/api/v2", the Authentication API at URL
// (/oauth/token, /authorize, /userinfo, /.well-known/jwks.json, ...).
//
// Two applications are registered: a machine-to-machine one (ClientID,
// ClientSecret) granted every Management API scope the emulator checks,
// and a regular web application (AppClientID, AppClientSecret) for the
// user flows: authorization code with PKCE (any loopback redirect URI),
// password realm and refresh tokens, which rotate. ID tokens are RS256
// with the tenant's JWKS, and auth/idtoken accepts them with Issuer as
// the issuer.
type Auth0 struct {
	// Domain is the tenant domain, 127.0.0.1:PORT (what the clients take).
	Domain string
	// URL is the tenant's origin, http://127.0.0.1:PORT.
	URL string
	// Issuer is the "iss" of the tenant's tokens, URL + "/".
	Issuer string
	// Audience is the Management API's identifier, URL + "/api/v2/".
	Audience string
	// Connection is the database connection users are created in.
	Connection string
	// ClientID and ClientSecret are the machine-to-machine application.
	ClientID, ClientSecret string
	// AppClientID and AppClientSecret are the web application.
	AppClientID, AppClientSecret string

	ep     *endpoint
	tenant *auth0.Tenant
}

// auth0Config is what the options set for Auth0.
type auth0Config struct {
	clientID, clientSecret string
	appID, appSecret       string
	tokenTTL               time.Duration
	users                  []Auth0User
	keys                   map[string]crypto.PublicKey
}

// Auth0User is a user the tenant starts with, in its database
// connection.
type Auth0User struct {
	// Email and Password sign the user in.
	Email, Password string
	// Name is the user's full name (the email when empty).
	Name string
	// Username is optional.
	Username string
	// EmailVerified is the email_verified flag.
	EmailVerified bool
	// AppMetadata and UserMetadata are the user's metadata.
	AppMetadata, UserMetadata map[string]any
}

// WithAuth0Client sets the machine-to-machine application's credentials
// (random by default).
func WithAuth0Client(id, secret string) Option {
	return func(c *config) { c.auth0.clientID, c.auth0.clientSecret = id, secret }
}

// WithAuth0App sets the web application's credentials (random by
// default); an empty secret makes it a public application (PKCE only).
func WithAuth0App(id, secret string) Option {
	return func(c *config) { c.auth0.appID, c.auth0.appSecret = id, secret }
}

// WithAuth0ClientKey registers a further machine-to-machine application,
// id, that authenticates with private_key_jwt assertions signed by the
// private half of key (an *rsa.PublicKey or *ecdsa.PublicKey) and is
// granted the same Management API scopes as ClientID.
func WithAuth0ClientKey(id string, key crypto.PublicKey) Option {
	return func(c *config) {
		if c.auth0.keys == nil {
			c.auth0.keys = map[string]crypto.PublicKey{}
		}
		c.auth0.keys[id] = key
	}
}

// WithAuth0User adds a user the tenant starts with.
func WithAuth0User(u Auth0User) Option {
	return func(c *config) { c.auth0.users = append(c.auth0.users, u) }
}

// WithAuth0TokenLifetime sets the lifetime of access tokens (a day by
// default).
func WithAuth0TokenLifetime(d time.Duration) Option {
	return func(c *config) { c.auth0.tokenTTL = d }
}

// startAuth0 starts the Auth0 server (port index 0).
func startAuth0(s *Sandbox) error {
	ep, err := s.listen("auth0", 0)
	if err != nil {
		return err
	}
	t, err := auth0.New(auth0.Config{BaseURL: ep.url, Now: s.now, AccessTokenTTL: s.cfg.auth0.tokenTTL})
	if err != nil {
		return err
	}
	cfg := s.cfg.auth0
	a := &Auth0{
		Domain: ep.url[len("http://"):], URL: ep.url, Issuer: ep.url + "/", Audience: t.Audience(),
		Connection: auth0.DefaultConnection, ep: ep, tenant: t,
		ClientID: or(cfg.clientID, random.Alnum(32)), ClientSecret: or(cfg.clientSecret, random.Alnum(64)),
		AppClientID: or(cfg.appID, random.Alnum(32)), AppClientSecret: cfg.appSecret,
	}
	if cfg.appID == "" {
		a.AppClientSecret = random.Alnum(64)
	}
	t.AddClient(oauthsrv.Client{ID: a.ClientID, Secret: a.ClientSecret, Audience: a.Audience, Scopes: auth0.ManagementScopes},
		"Sandbox M2M", "non_interactive")
	t.AddClient(oauthsrv.Client{ID: a.AppClientID, Secret: a.AppClientSecret}, "Sandbox Web App", "regular_web")
	for id, key := range cfg.keys {
		t.AddClient(oauthsrv.Client{ID: id, PublicKey: key, Audience: a.Audience, Scopes: auth0.ManagementScopes},
			"Sandbox M2M (private_key_jwt)", "non_interactive")
	}
	for _, u := range cfg.users {
		if _, err := a.CreateUser(u); err != nil {
			return err
		}
	}
	ep.serveRoutes(t.Register, auth0.WriteError, t.OAuth().ExpireRequest)
	s.Auth0 = a
	return nil
}

// CreateUser adds a user to the database connection, as the Management
// API would, and returns its user_id.
func (a *Auth0) CreateUser(u Auth0User) (string, error) {
	body := map[string]any{
		"connection": a.Connection, "email": u.Email, "password": u.Password, "email_verified": u.EmailVerified,
	}
	if u.Name != "" {
		body["name"] = u.Name
	}
	if u.Username != "" {
		body["username"] = u.Username
	}
	if u.AppMetadata != nil {
		body["app_metadata"] = u.AppMetadata
	}
	if u.UserMetadata != nil {
		body["user_metadata"] = u.UserMetadata
	}
	created, err := a.tenant.CreateUser(body)
	if err != nil {
		return "", fmt.Errorf("sandbox: create Auth0 user %q: %w", u.Email, err)
	}
	return created["user_id"].(string), nil
}

// Fault makes the tenant's requests with this method ("" for any) and a
// path matching pattern fail with f, newest fault first. In pattern,
// "{name}" or "*" matches one segment and a last "{name...}" the rest:
// Fault("GET", "/api/v2/users/{id}", sandbox.Fault{Status: 503}).
func (a *Auth0) Fault(method, pattern string, f Fault) { a.ep.faults.Add(method, pattern, f) }

// ClearFaults removes every fault of the tenant.
func (a *Auth0) ClearFaults() { a.ep.faults.Clear() }

// RotateKeys makes a new signing key current for the tokens issued from
// now on. The previous keys stay in the JWKS unless dropOld is set, in
// which case tokens they signed no longer verify.
func (a *Auth0) RotateKeys(dropOld bool) error { return a.tenant.OAuth().RotateKeys(dropOld) }

// ExpireTokens makes every access token issued so far expire now.
func (a *Auth0) ExpireTokens() { a.tenant.OAuth().ExpireAll() }
