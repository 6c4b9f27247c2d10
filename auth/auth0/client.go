// Package auth0 is the user-login side of Auth0: what a web, native or
// back-end app calls during sign-up, sign-in and sign-out, as methods of
// one Client.
//
//   - Browser flows: AuthorizeURL (state, nonce and PKCE S256 made for
//     you), PushAuthorizationRequest (PAR), ExchangeCode, LogoutURL.
//   - Token grants: Login (password and password-realm), RefreshToken,
//     RevokeToken, ClientCredentials, device code (StartDeviceCode,
//     PollDeviceToken), CIBA (StartBackchannel, PollBackchannelToken).
//   - Auth0 endpoints: Signup, ChangePassword, UserInfo, passwordless
//     (StartPasswordless, VerifyPasswordless) and MFA (MFAChallenge,
//     VerifyMFA* with the token of an mfa_required error).
//
// Every token response that carries an ID token has it validated by
// auth/idtoken before it is returned. The client authenticates with a
// client secret (client_secret_post, the Auth0 default, or
// client_secret_basic) or with private_key_jwt; public clients (native
// and single-page apps) need neither.
//
// Standard OAuth requests go over golang.org/x/oauth2 with an explicit
// auth style; the Auth0-specific JSON endpoints go through the generated
// client gen/auth0auth. Both send through the same *http.Client, with the
// retry policy in front: token requests are POSTs and are repeated only
// on 429, 503 and connection failures before anything was sent.
// Errors are *errors.APIError values decoded by errors.DecodeAuth0Auth.
package auth0

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/auth/idtoken"
	"github.com/idsdk/idsdk-go/gen/auth0auth"
	"github.com/idsdk/idsdk-go/internal/redact"
	"github.com/idsdk/idsdk-go/retry"
)

// Client calls the Auth0 Authentication API of one tenant for one
// application. It is safe for concurrent use; create one and share it.
// Formatting it never shows the client secret or key.
type Client struct {
	domain   string
	clientID string
	secret   auth.Secret
	method   auth.AuthMethod
	key      *auth.PrivateKey
	issuer   string
	base     string
	api      *auth0auth.Client
	hc       *http.Client
	ids      *idtoken.Validator
	now      func() time.Time
	sleep    func(time.Duration) <-chan time.Time
}

// Option configures New.
type Option func(*config) error

type config struct {
	secret     auth.Secret
	method     auth.AuthMethod
	key        *auth.PrivateKey
	baseURL    string
	issuer     string
	hc         *http.Client
	retry      *retry.Policy
	idAlg      string
	jwksURL    string
	leeway     time.Duration
	now        func() time.Time
	apiOptions []auth0auth.ClientOption
}

// WithClientSecret authenticates the client with its secret, sent as
// client_secret in the body (client_secret_post, Auth0's default) unless
// WithAuthMethod(auth.ClientSecretBasic) is given.
func WithClientSecret(secret auth.Secret) Option {
	return func(c *config) error { c.secret = secret; return nil }
}

// WithPrivateKey authenticates the client with private_key_jwt: every
// request carries a fresh assertion signed with key, whose audience is
// the tenant's issuer URL.
func WithPrivateKey(key *auth.PrivateKey) Option {
	return func(c *config) error {
		if key == nil || key.Key == nil {
			return errors.New("auth0: WithPrivateKey needs a key")
		}
		c.key = key
		return nil
	}
}

// WithAuthMethod chooses the client authentication method explicitly:
// auth.ClientSecretPost, auth.ClientSecretBasic or auth.PrivateKeyJWT.
func WithAuthMethod(m auth.AuthMethod) Option {
	return func(c *config) error {
		switch m {
		case auth.ClientSecretPost, auth.ClientSecretBasic, auth.PrivateKeyJWT:
			c.method = m
			return nil
		}
		return fmt.Errorf("auth0: unknown client authentication method %q", m)
	}
}

// WithBaseURL sends every request to base (scheme://host) instead of
// https://<domain>: for tests and proxies. It must be https unless the
// host is a loopback address.
func WithBaseURL(base string) Option {
	return func(c *config) error { c.baseURL = strings.TrimRight(base, "/"); return nil }
}

// WithIssuer sets the "iss" ID tokens must carry; the default is
// "https://<domain>/".
func WithIssuer(iss string) Option { return func(c *config) error { c.issuer = iss; return nil } }

// WithHTTPClient sends requests through hc (its transport, timeout and
// redirect policy are kept); the retry policy is put in front of it.
func WithHTTPClient(hc *http.Client) Option { return func(c *config) error { c.hc = hc; return nil } }

// WithRetry replaces the retry policy (retry.Default); retry.Off()
// disables retries.
func WithRetry(p *retry.Policy) Option { return func(c *config) error { c.retry = p; return nil } }

// WithIDTokenAlgorithm sets how ID tokens are signed: idtoken.RS256 (the
// default, with the tenant JWKS) or idtoken.HS256 (with the client secret).
func WithIDTokenAlgorithm(alg string) Option {
	return func(c *config) error { c.idAlg = alg; return nil }
}

// WithJWKSURL overrides where the tenant's signing keys are fetched
// (default https://<domain>/.well-known/jwks.json).
func WithJWKSURL(u string) Option { return func(c *config) error { c.jwksURL = u; return nil } }

// WithLeeway sets the clock skew allowed on ID token times (default
// idtoken.DefaultLeeway).
func WithLeeway(d time.Duration) Option { return func(c *config) error { c.leeway = d; return nil } }

// WithClock replaces time.Now for ID token validation and polling.
func WithClock(now func() time.Time) Option { return func(c *config) error { c.now = now; return nil } }

// WithAPIOptions passes options to the generated gen/auth0auth client
// (headers, user agent). They apply to the requests sent through it (the
// JSON endpoints: Login, Signup, ChangePassword, UserInfo, passwordless,
// MFA), not to the form requests of the standard OAuth grants
// (ExchangeCode, RefreshToken, ClientCredentials, RevokeToken, PAR,
// device code, CIBA), which share only its HTTP client and retry policy.
func WithAPIOptions(opts ...auth0auth.ClientOption) Option {
	return func(c *config) error { c.apiOptions = append(c.apiOptions, opts...); return nil }
}

// New returns a Client for the tenant at domain (tenant.us.auth0.com or a
// custom domain) and the application clientID.
func New(domain, clientID string, opts ...Option) (*Client, error) {
	if clientID == "" {
		return nil, errors.New("auth0: client id is required")
	}
	var cfg config
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	api, err := auth0auth.New(domain, cfg.clientOptions()...)
	if err != nil {
		return nil, err
	}
	method, err := cfg.authMethod()
	if err != nil {
		return nil, err
	}
	base := strings.TrimRight(api.BaseURL(), "/")
	issuer := cfg.issuer
	if issuer == "" {
		issuer = base + "/"
	}
	c := &Client{
		domain: domain, clientID: clientID, secret: cfg.secret, method: method, key: cfg.key,
		issuer: issuer, base: base, api: api, hc: api.HTTPClient(), now: cfg.now,
		sleep: time.After,
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.ids, err = idtoken.New(cfg.idtokenConfig(issuer, clientID, base, c.hc)); err != nil {
		return nil, fmt.Errorf("auth0: %w", err)
	}
	return c, nil
}

// clientOptions are the options of the generated client: base URL, HTTP
// client and retry policy, then WithAPIOptions'.
func (cfg *config) clientOptions() []auth0auth.ClientOption {
	var opts []auth0auth.ClientOption
	if cfg.baseURL != "" {
		opts = append(opts, auth0auth.WithBaseURL(cfg.baseURL))
	}
	if cfg.hc != nil {
		opts = append(opts, auth0auth.WithHTTPClient(cfg.hc))
	}
	if cfg.retry != nil {
		opts = append(opts, auth0auth.WithRetry(cfg.retry))
	}
	return append(opts, cfg.apiOptions...)
}

// authMethod is the client authentication method: the one configured, or
// private_key_jwt with a key, client_secret_post with a secret, none
// without either. A method without its credential is an error.
func (cfg *config) authMethod() (auth.AuthMethod, error) {
	method := cfg.method
	if method == "" {
		switch {
		case cfg.key != nil:
			method = auth.PrivateKeyJWT
		case !cfg.secret.IsZero():
			method = auth.ClientSecretPost
		}
	}
	switch method {
	case auth.PrivateKeyJWT:
		if cfg.key == nil {
			return "", errors.New("auth0: private_key_jwt needs WithPrivateKey")
		}
	case auth.ClientSecretBasic, auth.ClientSecretPost:
		if cfg.secret.IsZero() {
			return "", fmt.Errorf("auth0: %s needs WithClientSecret", method)
		}
	}
	return method, nil
}

// idtokenConfig is how the Client validates ID tokens: the tenant's JWKS
// (or WithJWKSURL) and RS256 unless WithIDTokenAlgorithm says otherwise.
func (cfg *config) idtokenConfig(issuer, clientID, base string, hc *http.Client) idtoken.Config {
	jwks := cfg.jwksURL
	if jwks == "" {
		jwks = base + "/.well-known/jwks.json"
	}
	alg := cfg.idAlg
	if alg == "" {
		alg = idtoken.RS256
	}
	return idtoken.Config{
		Issuer: issuer, ClientID: clientID, Algorithm: alg, ClientSecret: cfg.secret,
		JWKSURL: jwks, HTTPClient: hc, Leeway: cfg.leeway, Now: cfg.now,
	}
}

// API returns the generated client this Client sends Auth0's JSON
// endpoints through, for the operations it does not wrap.
func (c *Client) API() *auth0auth.Client { return c.api }

// ClientID returns the application's client id.
func (c *Client) ClientID() string { return c.clientID }

// Issuer returns the "iss" expected in ID tokens.
func (c *Client) Issuer() string { return c.issuer }

// IDTokenValidator returns the validator token responses are checked with.
func (c *Client) IDTokenValidator() *idtoken.Validator { return c.ids }

// String describes the client without its secret or key.
func (c Client) String() string {
	return fmt.Sprintf("auth0.Client{Domain: %q, ClientID: %q, AuthMethod: %q}", c.domain, c.clientID, string(c.method))
}

// GoString is String.
func (c Client) GoString() string { return c.String() }

// Format prints String for every verb.
func (c Client) Format(f fmt.State, verb rune) { redact.Format(f, verb, c.String()) }

// LogValue keeps the secret and the key out of slog output.
func (c *Client) LogValue() slog.Value { return redact.PointerLogValue(c) }

// MarshalJSON writes String.
func (c Client) MarshalJSON() ([]byte, error) { return redact.JSON(c.String()) }

// scrub removes the client secret and the credentials a request sent
// (sent) from the server text err repeats (see redact.ScrubError).
func (c *Client) scrub(err error, sent ...string) error {
	s := c.secret.Reveal()
	return redact.ScrubError(err, append(append(redact.Basic(c.clientID, s), s), sent...)...)
}

func (c *Client) endpoint(path string) string { return c.base + path }

// authStyle returns the x/oauth2 auth style, the secret for x/oauth2 and
// the extra parameters (client assertion) of one request.
func (c *Client) authStyle() (oauth2.AuthStyle, string, url.Values, error) {
	switch c.method {
	case auth.ClientSecretBasic:
		return oauth2.AuthStyleInHeader, c.secret.Reveal(), nil, nil
	case auth.ClientSecretPost:
		return oauth2.AuthStyleInParams, c.secret.Reveal(), nil, nil
	case auth.PrivateKeyJWT:
		a, err := c.assertion()
		if err != nil {
			return 0, "", nil, err
		}
		return oauth2.AuthStyleInParams, "", a, nil
	default: // a public client: client_id only
		return oauth2.AuthStyleInParams, "", nil, nil
	}
}

// authForm adds the client authentication of one request to form (and
// returns the basic credentials to set, if any), for requests that do not
// go through x/oauth2.
func (c *Client) authForm(form url.Values) (basic bool, err error) {
	form.Set("client_id", c.clientID)
	switch c.method {
	case auth.ClientSecretBasic:
		form.Del("client_id")
		return true, nil
	case auth.ClientSecretPost:
		form.Set("client_secret", c.secret.Reveal())
	case auth.PrivateKeyJWT:
		a, err := c.assertion()
		if err != nil {
			return false, err
		}
		for k, v := range a {
			form[k] = v
		}
	}
	return false, nil
}

// authJSON adds the client authentication to a JSON body and returns the
// request options it needs (an Authorization header for basic).
func (c *Client) authJSON(body map[string]any) ([]auth0auth.Option, error) {
	body["client_id"] = c.clientID
	switch c.method {
	case auth.ClientSecretBasic:
		return []auth0auth.Option{auth0auth.WithRequestHeader("Authorization", auth.ClientBasicAuth(c.clientID, c.secret))}, nil
	case auth.ClientSecretPost:
		body["client_secret"] = c.secret.Reveal()
	case auth.PrivateKeyJWT:
		a, err := c.assertion()
		if err != nil {
			return nil, err
		}
		for k := range a {
			body[k] = a.Get(k)
		}
	}
	return nil, nil
}

// assertion returns the client_assertion_type and a fresh client_assertion
// of one private_key_jwt request, signed by auth's signer with iss = sub =
// client id and aud = the tenant issuer.
func (c *Client) assertion() (url.Values, error) {
	form := url.Values{}
	ca := auth.ClientAuth{ClientID: c.clientID, AuthMethod: auth.PrivateKeyJWT, PrivateKey: c.key, AssertionAudience: c.issuer}
	if err := ca.Authenticate(nil, form); err != nil {
		return nil, fmt.Errorf("auth0: client assertion: %w", err)
	}
	form.Del("client_id")
	return form, nil
}
