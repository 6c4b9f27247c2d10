// Package m2m holds the token sources of Auth0 machine-to-machine
// callers, such as a service calling the Management API v2: the client
// credentials grant with a client secret or a Private Key JWT, tokens
// your own code obtains, and a static token copied from the dashboard.
//
// Each returns a *auth.Cache ready for auth0mgmt.WithToken: the token is
// fetched on first use, shared by every call, refreshed before it expires,
// and when fetching fails the call fails with that error; no request is
// ever sent without a token.
//
// The package needs nothing but the root auth package (the token requests
// are plain OAuth 2.0), so a program that imports gen/auth0mgmt compiles
// no code of the Authentication API client.
package m2m

import (
	"context"
	"crypto"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/internal/lifetime"
	"github.com/idsdk/idsdk-go/regions"
)

// tokenPath is the path of a tenant's token endpoint.
const tokenPath = "/oauth/token"

// StaticLifetime is how long StaticToken trusts a token whose expiry it
// cannot learn.
const StaticLifetime = time.Hour

// Option configures the token sources of this package. Cache settings
// (auth.SharedIn, auth.WithMargin, ...) go in through WithCacheOptions.
type Option func(*config) error

type config struct {
	audience     string
	scopes       []string
	params       url.Values
	httpClient   *http.Client
	cacheOpts    []auth.CacheOption
	keyID        string
	assertAud    string
	orgSet       bool
	organization string
}

// WithAudience replaces the audience of the requested tokens (by default
// the tenant's Management API, https://{domain}/api/v2/).
func WithAudience(aud string) Option {
	return func(c *config) error {
		if strings.TrimSpace(aud) == "" {
			return errors.New("empty audience")
		}
		c.audience = aud
		return nil
	}
}

// WithScopes asks for these scopes (space-joined in "scope"). Without it
// Auth0 grants every scope the client grant allows.
func WithScopes(scopes ...string) Option {
	return func(c *config) error {
		c.scopes = append([]string(nil), scopes...)
		return nil
	}
}

// WithOrganization asks for a token for an organization (the
// "organization" parameter), for APIs that accept organization tokens.
func WithOrganization(org string) Option {
	return func(c *config) error {
		c.orgSet, c.organization = true, org
		return nil
	}
}

// WithParam adds a form parameter to every token request. It cannot
// replace grant_type, client_id, the client authentication, audience or
// scope.
func WithParam(key, value string) Option {
	return func(c *config) error {
		if key == "" || key == "audience" || key == "scope" || auth.IsGrantParam(key) {
			return fmt.Errorf("parameter %q cannot be set with WithParam", key)
		}
		if c.params == nil {
			c.params = url.Values{}
		}
		c.params.Add(key, value)
		return nil
	}
}

// WithHTTPClient sends the token requests through hc.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("nil HTTP client")
		}
		c.httpClient = hc
		return nil
	}
}

// WithCacheOptions configures the returned Cache (early refresh, margin,
// backoff, a shared store with auth.SharedIn, OnTokenChange).
func WithCacheOptions(opts ...auth.CacheOption) Option {
	return func(c *config) error {
		c.cacheOpts = append(c.cacheOpts, opts...)
		return nil
	}
}

// WithKeyID puts kid in the header of the private_key_jwt client
// assertions, naming the credential registered with Auth0.
func WithKeyID(kid string) Option {
	return func(c *config) error {
		c.keyID = kid
		return nil
	}
}

// WithAssertionAudience replaces the "aud" of private_key_jwt client
// assertions (by default https://{domain}/, as Auth0 expects).
func WithAssertionAudience(aud string) Option {
	return func(c *config) error {
		if strings.TrimSpace(aud) == "" {
			return errors.New("empty assertion audience")
		}
		c.assertAud = aud
		return nil
	}
}

func newConfig(opts []Option) (*config, error) {
	c := &config{}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(c); err != nil {
			return nil, fmt.Errorf("auth0 m2m: %w", err)
		}
	}
	return c, nil
}

// credentials builds the client credentials source shared by
// ClientCredentials and PrivateKeyJWT, and returns the tenant's origin.
func credentials(domain, clientID string, opts []Option) (*auth.ClientCredentials, *config, string, error) {
	if strings.TrimSpace(clientID) == "" {
		return nil, nil, "", errors.New("auth0 m2m: empty client id")
	}
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, nil, "", err
	}
	origin, err := regions.Auth0Origin(domain)
	if err != nil {
		return nil, nil, "", fmt.Errorf("auth0 m2m: %w", err)
	}
	// The token endpoint and the default audience, in one allocation.
	urls := origin + tokenPath + origin + regions.Auth0ManagementPath + "/"
	tokenURL, aud := urls[:len(origin)+len(tokenPath)], urls[len(origin)+len(tokenPath):]
	if cfg.audience != "" {
		aud = cfg.audience
	}
	var params url.Values // nil unless there are any
	for k, v := range cfg.params {
		if params == nil {
			params = url.Values{}
		}
		params[k] = append([]string(nil), v...)
	}
	if cfg.orgSet {
		if params == nil {
			params = url.Values{}
		}
		params.Set("organization", cfg.organization)
	}
	cc := &auth.ClientCredentials{
		ClientAuth: auth.ClientAuth{TokenURL: tokenURL, ClientID: clientID, HTTPClient: cfg.httpClient},
		Scopes:     cfg.scopes,
		Audience:   aud,
		Params:     params,
	}
	return cc, cfg, origin, nil
}

// ClientCredentials returns the token source of a machine-to-machine
// application authorized for the Management API: the client credentials
// grant at https://{domain}/oauth/token, with the client id and secret in
// the form body (client_secret_post, as Auth0 expects) and the audience
// https://{domain}/api/v2/ unless WithAudience says otherwise. domain is
// the tenant domain (see regions.Auth0Host).
//
// Give the result to auth0mgmt.WithToken.
func ClientCredentials(domain, clientID string, secret auth.Secret, opts ...Option) (*auth.Cache, error) {
	if secret == "" {
		return nil, errors.New("auth0 m2m: empty client secret")
	}
	cc, cfg, _, err := credentials(domain, clientID, opts)
	if err != nil {
		return nil, err
	}
	cc.ClientSecret = secret
	cc.AuthMethod = auth.ClientSecretPost
	return auth.NewCache(cc, cfg.cacheOpts...), nil
}

// PrivateKeyJWT returns the token source of an application that
// authenticates with Private Key JWT: the client credentials grant at
// https://{domain}/oauth/token with a client assertion signed by key (an
// *rsa.PrivateKey or *ecdsa.PrivateKey) with alg ("" means RS256 for RSA
// keys, the curve's ES algorithm for EC keys). Each assertion is new (its
// own jti) and aimed at https://{domain}/. The audience of the tokens is
// https://{domain}/api/v2/ unless WithAudience says otherwise.
//
// Give the result to auth0mgmt.WithToken.
func PrivateKeyJWT(domain, clientID string, key crypto.Signer, alg string, opts ...Option) (*auth.Cache, error) {
	cc, cfg, origin, err := credentials(domain, clientID, opts)
	if err != nil {
		return nil, err
	}
	pk := &auth.PrivateKey{Key: key, KeyID: cfg.keyID, Algorithm: alg}
	if err := pk.Validate(); err != nil {
		return nil, fmt.Errorf("auth0 m2m: %w", err)
	}
	cc.AuthMethod = auth.PrivateKeyJWT
	cc.PrivateKey = pk
	cc.AssertionAudience = origin + "/"
	if cfg.assertAud != "" {
		cc.AssertionAudience = cfg.assertAud
	}
	return auth.NewCache(cc, cfg.cacheOpts...), nil
}

// TokenFunc returns a source that gets its tokens from fn, for tokens your
// own code obtains (a secrets manager, another service). fn runs with the
// context of the call that needs a token; a token it returns without an
// expiry is kept until a 401 invalidates it. Only WithCacheOptions applies
// among opts.
//
// Give the result to auth0mgmt.WithToken.
func TokenFunc(fn func(ctx context.Context) (*oauth2.Token, error), opts ...Option) (*auth.Cache, error) {
	if fn == nil {
		return nil, errors.New("auth0 m2m: nil token func")
	}
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	return auth.NewCache(auth.Func(fn), cfg.cacheOpts...), nil
}

// StaticToken returns a source that hands out token (a Management API
// token, such as one copied from the dashboard) until expiry, and then
// fails every call with auth.ErrTokenExpired. A zero expiry means the
// token's own "exp" claim when it is a JWT, else StaticLifetime (one hour)
// from now.
//
// Give the result to auth0mgmt.WithToken.
func StaticToken(token string, expiry time.Time) *auth.Cache {
	if expiry.IsZero() {
		if exp, ok := jwtExpiry(token); ok {
			expiry = exp
		} else {
			expiry = time.Now().Add(StaticLifetime)
		}
	}
	return auth.NewCache(auth.BearerUntil(token, expiry))
}

// jwtExpiry reads the "exp" claim of a JWT without verifying it: it only
// decides how long the token is worth sending.
func jwtExpiry(token string) (time.Time, bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 || len(parts[1]) > 8192 {
		return time.Time{}, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return time.Time{}, false
	}
	var claims struct {
		Exp *json.Number `json:"exp"`
	}
	if err := json.Unmarshal(raw, &claims); err != nil || claims.Exp == nil {
		return time.Time{}, false
	}
	f, err := claims.Exp.Float64()
	if err != nil || f <= 0 {
		return time.Time{}, false
	}
	return lifetime.Unix(f, time.Now()), true
}
