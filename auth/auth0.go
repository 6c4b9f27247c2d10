package auth

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

	"github.com/idsdk/idsdk-go/internal/lifetime"
	"github.com/idsdk/idsdk-go/regions"
)

// Token sources for the Auth0 Management API v2. Each returns a *Cache
// ready for auth0mgmt.WithToken: the token is fetched on first use, shared
// by every call, refreshed before it expires, and when fetching fails the
// call fails with that error; no request is ever sent without a token.

// Auth0StaticLifetime is how long Auth0StaticToken trusts a token whose
// expiry it cannot learn.
const Auth0StaticLifetime = time.Hour

// Auth0Option configures the Auth0 token sources. The Auth0... functions
// below return one, and every CacheOption is one too (it configures the
// returned Cache), so auth.SharedIn(store) can be given directly.
type Auth0Option interface {
	applyAuth0(c *auth0Config) error
}

// auth0Func is an Auth0Option made of a function.
type auth0Func func(*auth0Config) error

func (f auth0Func) applyAuth0(c *auth0Config) error { return f(c) }

// applyAuth0 makes a CacheOption an Auth0Option: it configures the Cache
// the Auth0 function returns.
func (o CacheOption) applyAuth0(c *auth0Config) error {
	c.cacheOpts = append(c.cacheOpts, o)
	return nil
}

type auth0Config struct {
	audience     string
	scopes       []string
	params       url.Values
	httpClient   *http.Client
	cacheOpts    []CacheOption
	keyID        string
	assertAud    string
	orgSet       bool
	organization string
}

// Auth0Audience replaces the audience of the requested tokens (by default
// the tenant's Management API, https://{domain}/api/v2/).
func Auth0Audience(aud string) Auth0Option {
	return auth0Func(func(c *auth0Config) error {
		if strings.TrimSpace(aud) == "" {
			return errors.New("empty audience")
		}
		c.audience = aud
		return nil
	})
}

// Auth0Scopes asks for these scopes (space-joined in "scope"). Without
// it Auth0 grants every scope the client grant allows.
func Auth0Scopes(scopes ...string) Auth0Option {
	return auth0Func(func(c *auth0Config) error {
		c.scopes = append([]string(nil), scopes...)
		return nil
	})
}

// Auth0Organization asks for a token for an organization (the
// "organization" parameter), for APIs that accept organization tokens.
func Auth0Organization(org string) Auth0Option {
	return auth0Func(func(c *auth0Config) error {
		c.orgSet, c.organization = true, org
		return nil
	})
}

// Auth0Param adds a form parameter to every token request. It cannot
// replace grant_type, client_id, the client authentication or audience.
func Auth0Param(key, value string) Auth0Option {
	return auth0Func(func(c *auth0Config) error {
		switch key {
		case "", "grant_type", "client_id", "client_secret", "client_assertion", "client_assertion_type", "audience", "scope":
			return fmt.Errorf("parameter %q cannot be set with Auth0Param", key)
		}
		if c.params == nil {
			c.params = url.Values{}
		}
		c.params.Add(key, value)
		return nil
	})
}

// Auth0HTTPClient sends the token requests through hc.
func Auth0HTTPClient(hc *http.Client) Auth0Option {
	return auth0Func(func(c *auth0Config) error {
		if hc == nil {
			return errors.New("nil HTTP client")
		}
		c.httpClient = hc
		return nil
	})
}

// Auth0CacheOptions configures the returned Cache (early refresh, margin,
// backoff, store, OnTokenChange).
func Auth0CacheOptions(opts ...CacheOption) Auth0Option {
	return auth0Func(func(c *auth0Config) error {
		c.cacheOpts = append(c.cacheOpts, opts...)
		return nil
	})
}

// Auth0KeyID puts kid in the header of the private_key_jwt client
// assertions, naming the credential registered with Auth0.
func Auth0KeyID(kid string) Auth0Option {
	return auth0Func(func(c *auth0Config) error {
		c.keyID = kid
		return nil
	})
}

// Auth0AssertionAudience replaces the "aud" of private_key_jwt client
// assertions (by default https://{domain}/, as Auth0 expects).
func Auth0AssertionAudience(aud string) Auth0Option {
	return auth0Func(func(c *auth0Config) error {
		if strings.TrimSpace(aud) == "" {
			return errors.New("empty assertion audience")
		}
		c.assertAud = aud
		return nil
	})
}

func newAuth0Config(opts []Auth0Option) (*auth0Config, error) {
	c := &auth0Config{}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o.applyAuth0(c); err != nil {
			return nil, fmt.Errorf("auth: auth0: %w", err)
		}
	}
	return c, nil
}

// auth0Endpoints returns the origin of domain and its default audience.
func auth0Endpoints(domain string) (origin, audience string, err error) {
	origin, err = regions.Auth0Origin(domain)
	if err != nil {
		return "", "", fmt.Errorf("auth: auth0: %w", err)
	}
	return origin, origin + regions.Auth0ManagementPath + "/", nil
}

// auth0Credentials builds the client credentials source shared by
// Auth0ClientCredentials and Auth0PrivateKeyJWT.
func auth0Credentials(domain, clientID string, opts []Auth0Option) (*ClientCredentials, *auth0Config, string, error) {
	if strings.TrimSpace(clientID) == "" {
		return nil, nil, "", errors.New("auth: auth0: empty client id")
	}
	cfg, err := newAuth0Config(opts)
	if err != nil {
		return nil, nil, "", err
	}
	origin, aud, err := auth0Endpoints(domain)
	if err != nil {
		return nil, nil, "", err
	}
	if cfg.audience != "" {
		aud = cfg.audience
	}
	params := url.Values{}
	for k, v := range cfg.params {
		params[k] = append([]string(nil), v...)
	}
	if cfg.orgSet {
		params.Set("organization", cfg.organization)
	}
	cc := &ClientCredentials{
		TokenURL:   origin + "/oauth/token",
		ClientID:   clientID,
		Scopes:     cfg.scopes,
		Audience:   aud,
		Params:     params,
		HTTPClient: cfg.httpClient,
	}
	return cc, cfg, origin, nil
}

// Auth0ClientCredentials returns the token source of a machine-to-machine
// application authorized for the Management API: the client credentials
// grant at https://{domain}/oauth/token, with the client id and secret in
// the form body (client_secret_post, as Auth0 expects) and the audience
// https://{domain}/api/v2/ unless Auth0Audience says otherwise. domain is
// the tenant domain (see regions.Auth0Host).
//
// Give the result to auth0mgmt.WithToken.
func Auth0ClientCredentials(domain, clientID string, secret Secret, opts ...Auth0Option) (*Cache, error) {
	if secret == "" {
		return nil, errors.New("auth: auth0: empty client secret")
	}
	cc, cfg, _, err := auth0Credentials(domain, clientID, opts)
	if err != nil {
		return nil, err
	}
	cc.ClientSecret = secret
	cc.AuthMethod = ClientSecretPost
	return NewCache(cc, cfg.cacheOpts...), nil
}

// Auth0PrivateKeyJWT returns the token source of an application that
// authenticates with Private Key JWT: the client credentials grant at
// https://{domain}/oauth/token with a client assertion signed by key
// (an *rsa.PrivateKey or *ecdsa.PrivateKey) with alg ("" means RS256 for
// RSA keys, the curve's ES algorithm for EC keys). Each assertion is new
// (its own jti) and aimed at https://{domain}/. The audience of the tokens
// is https://{domain}/api/v2/ unless Auth0Audience says otherwise.
//
// Give the result to auth0mgmt.WithToken.
func Auth0PrivateKeyJWT(domain, clientID string, key crypto.Signer, alg string, opts ...Auth0Option) (*Cache, error) {
	cc, cfg, origin, err := auth0Credentials(domain, clientID, opts)
	if err != nil {
		return nil, err
	}
	pk := &PrivateKey{Key: key, KeyID: cfg.keyID, Algorithm: alg}
	if _, err := pk.alg(); err != nil {
		return nil, fmt.Errorf("auth: auth0: %w", err)
	}
	cc.AuthMethod = PrivateKeyJWT
	cc.PrivateKey = pk
	cc.AssertionAudience = origin + "/"
	if cfg.assertAud != "" {
		cc.AssertionAudience = cfg.assertAud
	}
	return NewCache(cc, cfg.cacheOpts...), nil
}

// Auth0TokenFunc returns a source that gets its tokens from fn, for
// tokens your own code obtains (a secrets manager, another service). fn
// runs with the context of the call that needs a token; a token it returns
// without an expiry is kept until a 401 invalidates it. Only
// Auth0CacheOptions applies among opts.
//
// Give the result to auth0mgmt.WithToken.
func Auth0TokenFunc(fn func(ctx context.Context) (*oauth2.Token, error), opts ...Auth0Option) (*Cache, error) {
	if fn == nil {
		return nil, errors.New("auth: auth0: nil token func")
	}
	cfg, err := newAuth0Config(opts)
	if err != nil {
		return nil, err
	}
	return NewCache(Func(fn), cfg.cacheOpts...), nil
}

// Auth0StaticToken returns a source that hands out token (a Management
// API token, such as one copied from the dashboard) until expiry, and
// then fails every call with ErrTokenExpired. A zero expiry means the
// token's own "exp" claim when it is a JWT, else Auth0StaticLifetime
// (one hour) from now.
//
// Give the result to auth0mgmt.WithToken.
func Auth0StaticToken(token string, expiry time.Time) *Cache {
	if expiry.IsZero() {
		if exp, ok := jwtExpiry(token); ok {
			expiry = exp
		} else {
			expiry = time.Now().Add(Auth0StaticLifetime)
		}
	}
	return NewCache(BearerUntil(token, expiry))
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
