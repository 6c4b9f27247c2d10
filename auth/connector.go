package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/internal/redact"
)

// Connector defaults.
const (
	// DefaultAccessTokenPath is the token endpoint path of a Connector.
	DefaultAccessTokenPath = "/oauth/token"
	// DefaultConnectorMargin is how long before expiry a Connector stops
	// reusing its token.
	DefaultConnectorMargin = 60 * time.Second
)

// Errors of a Connector's token response checks. Each is matched with
// errors.Is, inside the *TokenError the Connector returns.
var (
	// ErrMissingTokenType: the token response had no token_type.
	ErrMissingTokenType = errors.New("auth: token response has no token_type")
	// ErrUnsupportedTokenType: the token_type is not "bearer" (in any case);
	// the error names the type.
	ErrUnsupportedTokenType = errors.New("auth: token type is not bearer")
	// ErrEmptyAccessToken: the token response had no or an empty
	// access_token (matched for every token request of this package).
	ErrEmptyAccessToken = errors.New("auth: token response has an empty access_token")
)

// ConnectorOption configures a Connector.
type ConnectorOption func(*Connector)

// WithAccessTokenPath sets the token endpoint path (default "/oauth/token").
func WithAccessTokenPath(path string) ConnectorOption {
	return func(c *Connector) { c.path = path }
}

// WithScopes sets the scopes, sent space-joined as "scope" (omitted when
// there are none).
func WithScopes(scopes ...string) ConnectorOption {
	return func(c *Connector) { c.cc.Scopes = append([]string(nil), scopes...) }
}

// WithReuseMargin sets how long before its expiry the token stops being
// reused (default 60 s).
func WithReuseMargin(d time.Duration) ConnectorOption {
	return func(c *Connector) { c.margin = d }
}

// WithConnectorHTTPClient sets the HTTP client for token requests (default
// http.DefaultClient).
func WithConnectorHTTPClient(hc *http.Client) ConnectorOption {
	return func(c *Connector) { c.cc.HTTPClient = hc }
}

// WithRawBasicAuth sends the client id and secret in HTTP Basic as they
// are, without the form-urlencoding of RFC 6749 section 2.3.1 (the Ruby
// access_token_agent gem's behaviour). Use it only for a server that does
// not decode the credentials: the two differ only for ids and secrets with
// characters such as "+", "%", "&", "=" or "/", which a conforming server
// otherwise refuses.
func WithRawBasicAuth() ConnectorOption {
	return func(c *Connector) { c.rawBasic = true }
}

// WithFakeToken puts the Connector in fake mode: it hands out token and
// never touches the network.
func WithFakeToken(token string) ConnectorOption {
	return func(c *Connector) { c.fake = Secret(token) }
}

// Connector gets and reuses client-credentials tokens from one host: a
// form POST of grant_type=client_credentials (and scope) to host +
// AccessTokenPath with HTTP Basic client authentication (id and secret
// form-urlencoded first, as RFC 6749 section 2.3.1 asks; see
// WithRawBasicAuth), the behaviour of the Ruby access_token_agent gem.
//
// A Connector is a value you create once per client (with NewConnector) and
// share: it is safe for concurrent use, concurrent callers share one token
// request, and the token is reused until 60 s before its expiry. Keep it in
// your application's struct or pass it to whoever needs it; there is no
// package-level instance.
//
// It is a ClientCredentials behind a Cache, with the checks above: the
// answer must name the bearer token type and carry an access token, else
// the error matches ErrMissingTokenType, ErrUnsupportedTokenType or
// ErrEmptyAccessToken. Its failures are *TokenError values, like those of
// every other token request of this package.
type Connector struct {
	host     string
	path     string
	margin   time.Duration
	rawBasic bool
	fake     Secret
	shared   SharedStore // WithConnectorShared (shared.go)
	cc       ClientCredentials
	cache    *Cache
}

// NewConnector returns a Connector for the token endpoint at host (a base
// URL such as "https://id.example.com") with the client's id and secret.
func NewConnector(host, clientID string, clientSecret Secret, opts ...ConnectorOption) *Connector {
	c := &Connector{
		host:   strings.TrimRight(host, "/"),
		path:   DefaultAccessTokenPath,
		margin: DefaultConnectorMargin,
		cc:     ClientCredentials{ClientAuth: ClientAuth{ClientID: clientID, ClientSecret: clientSecret, AuthMethod: ClientSecretBasic}, bearerOnly: true},
	}
	for _, o := range opts {
		o(c)
	}
	c.cc.TokenURL = c.TokenURL()
	if c.rawBasic {
		c.cc.HTTPClient = rawBasicClient(c.cc.HTTPClient, clientID, clientSecret)
	}
	// The reuse margin is exact (not capped at a share of the lifetime)
	// and there is no early refresh: the token is used until the margin.
	copts := []CacheOption{WithEarlyRefresh(0, 0), func(cfg *cacheConfig) { cfg.margin, cfg.exactMargin = c.margin, true }}
	if c.shared != nil {
		copts = append(copts, SharedIn(c.shared))
	}
	c.cache = NewCache(&c.cc, copts...)
	return c
}

// TokenURL is the URL tokens are requested from.
func (c *Connector) TokenURL() string {
	p := c.path
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return c.host + p
}

// Token returns the current token, requesting a new one when there is none
// or it expires within the reuse margin.
func (c *Connector) Token(ctx context.Context) (*oauth2.Token, error) {
	if c.fake != "" {
		return &oauth2.Token{AccessToken: c.fake.Reveal(), TokenType: "Bearer"}, nil
	}
	return c.cache.TokenContext(ctx)
}

// AuthorizationHeader returns the value of the Authorization header:
// "Bearer <token>".
func (c *Connector) AuthorizationHeader(ctx context.Context) (string, error) {
	t, err := c.Token(ctx)
	if err != nil {
		return "", err
	}
	return "Bearer " + t.AccessToken, nil
}

// TokenSource returns the Connector as a ContextSource, for Transport.
func (c *Connector) TokenSource() ContextSource { return connectorSource{c} }

type connectorSource struct{ c *Connector }

// Token implements oauth2.TokenSource with context.Background.
func (s connectorSource) Token() (*oauth2.Token, error) { return s.c.Token(context.Background()) }

// TokenContext implements ContextSource.
func (s connectorSource) TokenContext(ctx context.Context) (*oauth2.Token, error) {
	return s.c.Token(ctx)
}

// Invalidate drops tok if it is still the Connector's token.
func (c *Connector) Invalidate(tok *oauth2.Token) { c.cache.Invalidate(tok) }

// Invalidate passes on to the Connector.
func (s connectorSource) Invalidate(tok *oauth2.Token) { s.c.Invalidate(tok) }

// String describes the source without tokens or secrets.
func (s connectorSource) String() string { return s.c.String() }

// rawBasicClient is hc (nil: http.DefaultClient) sending the client id and
// secret in HTTP Basic as they are (WithRawBasicAuth), in place of the
// form-urlencoded ones x/oauth2 sets.
func rawBasicClient(hc *http.Client, id string, secret Secret) *http.Client {
	if hc == nil {
		hc = http.DefaultClient
	}
	c := *hc
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	c.Transport = rawBasic{base: base, value: basicAuth(id, secret.Reveal())}
	return &c
}

// rawBasic replaces the Authorization header of the token request.
type rawBasic struct {
	base  http.RoundTripper
	value string
}

// RoundTrip sends a copy of req with the raw Basic credentials.
func (t rawBasic) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.Header.Set("Authorization", t.value)
	return t.base.RoundTrip(r)
}

// checkBearer is the Connector's check of a token answer: it names the
// bearer type (in any case) and holds an access token.
func checkBearer(tok *oauth2.Token) error {
	switch {
	case tok.TokenType == "":
		return ErrMissingTokenType
	case !strings.EqualFold(tok.TokenType, "bearer"):
		return fmt.Errorf("%w: %q", ErrUnsupportedTokenType, redact.Clip(tok.TokenType, 64))
	case tok.AccessToken == "":
		return ErrEmptyAccessToken
	}
	tok.TokenType = "Bearer"
	return nil
}

// String describes the Connector without its secret or token.
func (c *Connector) String() string {
	if c == nil {
		return "auth.Connector(nil)"
	}
	mode := ""
	if c.fake != "" {
		mode = ", fake"
	}
	return fmt.Sprintf("auth.Connector{TokenURL: %q, ClientID: %q, ClientSecret: %s, Scopes: %q%s}",
		c.TokenURL(), c.cc.ClientID, redacted, c.cc.Scopes, mode)
}

// GoString is String.
func (c *Connector) GoString() string { return c.String() }

// Format prints String for every verb.
func (c *Connector) Format(f fmt.State, verb rune) { formatRedacted(f, verb, c.String()) }

// LogValue keeps secrets out of slog output.
func (c *Connector) LogValue() slog.Value { return slog.StringValue(c.String()) }
