package zaikio

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
	"golang.org/x/oauth2/clientcredentials"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/auth/idtoken"
	sdkerrors "github.com/idsdk/idsdk-go/errors"
	"github.com/idsdk/idsdk-go/internal/lifetime"
	"github.com/idsdk/idsdk-go/internal/redact"
	"github.com/idsdk/idsdk-go/regions"
)

// Paths of the Hub's OAuth endpoints and of token revocation, relative to
// the Hub host.
const (
	AuthorizePath   = "/oauth/authorize"
	AccessTokenPath = "/oauth/access_token"
	RevokePath      = regions.ZaikioAPIPath + "/revoked_access_tokens"
)

// Config is one app registered with the Zaikio Hub.
type Config struct {
	// Host is the Hub host URL, e.g. regions.ZaikioSandbox.URL; empty
	// means regions.ZaikioProduction.URL.
	Host string
	// ClientID and ClientSecret are the app's OAuth credentials.
	ClientID     string
	ClientSecret auth.Secret
	// HTTPClient sends the token requests; nil means a client with a 10 s
	// timeout.
	HTTPClient *http.Client
	// AuthURL, TokenURL and RevokeURL override the endpoints derived from
	// Host (tests, proxies).
	AuthURL, TokenURL, RevokeURL string
	// IDTokenIssuer, when set, is the "iss" of the OpenID Connect ID
	// tokens the token endpoint returns for the "openid" scope: the web
	// flow then validates them (signature through IDTokenJWKSURL, audience
	// ClientID, expiry, nonce). A web flow client asking for "openid"
	// needs it.
	IDTokenIssuer string
	// IDTokenJWKSURL serves the keys of those ID tokens; empty means
	// IDTokenIssuer + "/.well-known/jwks.json".
	IDTokenJWKSURL string
}

// Client talks to the Hub's OAuth endpoints for one app. It is safe for
// concurrent use and never prints its secret.
type Client struct {
	host                      string
	id                        string
	secret                    auth.Secret
	hc                        *http.Client
	authURL, tokenURL, revoke string
	idTokens                  *idtoken.Validator // nil without Config.IDTokenIssuer
}

// NewClient validates cfg and returns its Client.
func NewClient(cfg Config) (*Client, error) {
	if cfg.ClientID == "" {
		return nil, errors.New("zaikio: ClientID is required")
	}
	host := cfg.Host
	if host == "" {
		host = regions.ZaikioProduction.URL
	}
	host, err := regions.ValidateZaikioHost(host)
	if err != nil {
		return nil, fmt.Errorf("zaikio: %w", err)
	}
	c := &Client{host: host, id: cfg.ClientID, secret: cfg.ClientSecret, hc: cfg.HTTPClient,
		authURL: host + AuthorizePath, tokenURL: host + AccessTokenPath, revoke: host + RevokePath}
	if c.hc == nil {
		c.hc = &http.Client{Timeout: 10 * time.Second}
	}
	for _, o := range []struct {
		dst *string
		v   string
	}{{&c.authURL, cfg.AuthURL}, {&c.tokenURL, cfg.TokenURL}, {&c.revoke, cfg.RevokeURL}} {
		if o.v == "" {
			continue
		}
		if _, err := regions.ValidateZaikioHost(o.v); err != nil {
			return nil, fmt.Errorf("zaikio: %w", err)
		}
		*o.dst = o.v
	}
	if cfg.IDTokenIssuer != "" {
		v, err := idtoken.New(idtoken.Config{Issuer: cfg.IDTokenIssuer, ClientID: cfg.ClientID, JWKSURL: cfg.IDTokenJWKSURL, HTTPClient: c.hc})
		if err != nil {
			return nil, fmt.Errorf("zaikio: %w", err)
		}
		c.idTokens = v
	}
	return c, nil
}

// IDTokenValidator returns the validator of the ID tokens the token
// endpoint returns, or nil when Config.IDTokenIssuer was not set.
func (c *Client) IDTokenValidator() *idtoken.Validator { return c.idTokens }

// ClientID returns the app's client id.
func (c *Client) ClientID() string { return c.id }

// Host returns the Hub host URL.
func (c *Client) Host() string { return c.host }

// AuthURL, TokenURL and RevokeURL return the endpoints in use.
func (c *Client) AuthURL() string { return c.authURL }

// TokenURL returns the token endpoint.
func (c *Client) TokenURL() string { return c.tokenURL }

// RevokeURL returns the revocation endpoint.
func (c *Client) RevokeURL() string { return c.revoke }

// String describes the client without its secret.
func (c Client) String() string { return "zaikio.Client{" + c.id + " @ " + c.host + "}" }

// GoString is String.
func (c Client) GoString() string { return c.String() }

// Format prints String for every verb.
func (c Client) Format(f fmt.State, verb rune) { redact.Format(f, verb, c.String()) }

// LogValue keeps the secret out of slog output.
func (c *Client) LogValue() slog.Value { return redact.PointerLogValue(c) }

// MarshalJSON writes String.
func (c Client) MarshalJSON() ([]byte, error) { return redact.JSON(c.String()) }

// secrets lists what the client authenticates with, and sent, to scrub
// from a server's answer.
func (c *Client) secrets(sent ...string) []string {
	s := c.secret.Reveal()
	return append(append(redact.Basic(c.id, s), s), sent...)
}

// oauthConfig is the x/oauth2 config for style.
func (c *Client) oauthConfig(redirectURI string, style oauth2.AuthStyle) *oauth2.Config {
	return &oauth2.Config{
		ClientID:     c.id,
		ClientSecret: c.secret.Reveal(),
		RedirectURL:  redirectURI,
		Endpoint:     oauth2.Endpoint{AuthURL: c.authURL, TokenURL: c.tokenURL, AuthStyle: style},
	}
}

// AuthCodeURL is the /oauth/authorize URL that starts a sign-in: client_id,
// redirect_uri, response_type=code, the scopes joined with commas, state,
// and extra (already filtered) parameters.
func (c *Client) AuthCodeURL(redirectURI, state string, scopes []string, extra url.Values) string {
	q := url.Values{}
	for k, vs := range extra {
		q[k] = append([]string(nil), vs...)
	}
	q.Set("client_id", c.id)
	q.Set("response_type", "code")
	if redirectURI != "" {
		q.Set("redirect_uri", redirectURI)
	}
	if len(scopes) > 0 {
		q.Set("scope", JoinScopes(scopes...))
	}
	if state != "" {
		q.Set("state", state)
	}
	sep := "?"
	if strings.Contains(c.authURL, "?") {
		sep = "&"
	}
	return c.authURL + sep + q.Encode()
}

// Exchange trades an authorization code for a token. The client id and
// secret go in the form body, as the Hub wants for this grant.
func (c *Client) Exchange(ctx context.Context, code, redirectURI string, opts ...oauth2.AuthCodeOption) (*Token, error) {
	ctx = context.WithValue(ctx, oauth2.HTTPClient, c.hc)
	tok, err := c.oauthConfig(redirectURI, oauth2.AuthStyleInParams).Exchange(ctx, code, opts...)
	if err != nil {
		return nil, auth.NewTokenError("authorization_code", err, c.secrets(code)...)
	}
	return FromOAuth2(lifetime.FromResponse(tok, time.Now())), nil
}

// ClientCredentials gets a token for the app itself or, with scopes such
// as "Org/<id>.directory.sites.r", for an organization that installed it.
// The client authenticates with HTTP Basic.
func (c *Client) ClientCredentials(ctx context.Context, scopes ...string) (*Token, error) {
	ctx = context.WithValue(ctx, oauth2.HTTPClient, c.hc)
	conf := &clientcredentials.Config{
		ClientID:     c.id,
		ClientSecret: c.secret.Reveal(),
		TokenURL:     c.tokenURL,
		AuthStyle:    oauth2.AuthStyleInHeader,
	}
	if len(scopes) > 0 {
		// x/oauth2 joins scopes with spaces; one pre-joined entry keeps
		// the commas the Hub reads.
		conf.Scopes = []string{JoinScopes(scopes...)}
	}
	tok, err := conf.Token(ctx)
	if err != nil {
		return nil, auth.NewTokenError("client_credentials", err, c.secrets()...)
	}
	return FromOAuth2(lifetime.FromResponse(tok, time.Now())), nil
}

// Refresh trades a refresh token for a new token, with HTTP Basic.
func (c *Client) Refresh(ctx context.Context, refreshToken string) (*Token, error) {
	if refreshToken == "" {
		return nil, &auth.TokenError{Grant: "refresh_token", Err: auth.ErrNoRefreshToken}
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, c.hc)
	src := c.oauthConfig("", oauth2.AuthStyleInHeader).TokenSource(ctx, &oauth2.Token{RefreshToken: refreshToken})
	tok, err := src.Token()
	if err != nil {
		return nil, auth.NewTokenError("refresh_token", err, c.secrets(refreshToken)...)
	}
	return FromOAuth2(lifetime.FromResponse(tok, time.Now())), nil
}

// Revoke revokes accessToken at the Hub (POST /api/v1/revoked_access_tokens
// with the token as bearer). A 401 means the token was already invalid and
// counts as success.
func (c *Client) Revoke(ctx context.Context, accessToken string) error {
	if accessToken == "" {
		return nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.revoke, nil)
	if err != nil {
		return fmt.Errorf("zaikio: revoke: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	req.Header.Set("Accept", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		return &sdkerrors.RequestError{API: "zaikiohub", Operation: "RevokeAccessToken", Method: http.MethodPost, URL: c.revoke, Err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 == 2 || resp.StatusCode == http.StatusUnauthorized {
		redact.Drain(resp.Body)
		return nil
	}
	return redact.ScrubError(sdkerrors.Decode(sdkerrors.DecodeZaikio, "zaikiohub", "RevokeAccessToken", resp), c.secrets(accessToken)...)
}
