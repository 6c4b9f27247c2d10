package auth

import (
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/idsdk/idsdk-go/internal/lifetime"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/idsdk/idsdk-go/internal/redact"
)

// AuthMethod is how a client authenticates at the token endpoint
// (the token_endpoint_auth_method of RFC 7591).
type AuthMethod string

// The client authentication methods this package speaks. Nothing is ever
// auto-detected: the method configured is the one used.
const (
	// ClientSecretBasic sends client id and secret in an HTTP Basic
	// Authorization header (RFC 6749 section 2.3.1).
	ClientSecretBasic AuthMethod = "client_secret_basic"
	// ClientSecretPost sends client_id and client_secret in the form body.
	ClientSecretPost AuthMethod = "client_secret_post"
	// PrivateKeyJWT sends a JWT signed with the client's private key as
	// client_assertion (RFC 7523, OpenID Connect Core section 9).
	PrivateKeyJWT AuthMethod = "private_key_jwt"
)

// method resolves the configured method: empty means PrivateKeyJWT when a
// key is set and ClientSecretBasic otherwise.
func resolveMethod(m AuthMethod, key *PrivateKey) AuthMethod {
	if m == "" {
		if key != nil {
			return PrivateKeyJWT
		}
		return ClientSecretBasic
	}
	return m
}

// prepare returns the x/oauth2 auth style, the secret to hand to x/oauth2
// and the extra form parameters (the client assertion) for one request.
func (a ClientAuth) prepare(now time.Time) (oauth2.AuthStyle, string, url.Values, error) {
	switch resolveMethod(a.AuthMethod, a.PrivateKey) {
	case ClientSecretBasic:
		return oauth2.AuthStyleInHeader, a.ClientSecret.Reveal(), nil, nil
	case ClientSecretPost:
		return oauth2.AuthStyleInParams, a.ClientSecret.Reveal(), nil, nil
	case PrivateKeyJWT:
		aud := a.AssertionAudience
		if aud == "" {
			aud = a.TokenURL
		}
		jwt, err := a.PrivateKey.assertion(a.ClientID, aud, now)
		if err != nil {
			return 0, "", nil, err
		}
		return oauth2.AuthStyleInParams, "", url.Values{
			"client_assertion_type": {ClientAssertionType},
			"client_assertion":      {jwt},
		}, nil
	default:
		return 0, "", nil, fmt.Errorf("auth: unknown client authentication method %q", a.AuthMethod)
	}
}

// secrets lists what a token request authenticated with a
// sends that must never be repeated: the secret (also as HTTP Basic
// credentials) and the credential parameters of form (client assertion,
// refresh token, ...).
func (a ClientAuth) secrets(form url.Values) []string {
	out := append(redact.Basic(a.ClientID, a.ClientSecret.Reveal()), a.ClientSecret.Reveal())
	return append(out, redact.FormSecrets(form)...)
}

// ClientBasicAuth returns the value of an Authorization header that
// authenticates a client with HTTP Basic as RFC 6749 section 2.3.1 asks:
// the id and the secret are each form-urlencoded first, so a secret with
// "+", "%", "&" or "=" reaches a conforming server intact. (x/oauth2's
// AuthStyleInHeader encodes the same way.)
func ClientBasicAuth(id string, secret Secret) string {
	return basicAuth(url.QueryEscape(id), url.QueryEscape(secret.Reveal()))
}

// basicAuth is the HTTP Basic header value of user and password as given.
func basicAuth(user, password string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
}

// withHTTPClient puts c (nil: the client x/oauth2 finds in ctx, or
// http.DefaultClient) where x/oauth2 looks for its HTTP client, with its
// transport wrapped so that an expires_in x/oauth2 cannot parse (1e30)
// is clamped instead of failing the token request.
func withHTTPClient(ctx context.Context, c *http.Client) context.Context {
	if c == nil {
		c, _ = ctx.Value(oauth2.HTTPClient).(*http.Client)
	}
	if c == nil {
		c = http.DefaultClient
	}
	w := *c
	w.Transport = lifetime.Transport(c.Transport)
	return context.WithValue(ctx, oauth2.HTTPClient, &w)
}

// ClientCredentials is a source of tokens from the OAuth 2.0 client
// credentials grant (RFC 6749 section 4.4). Every call to Token or
// TokenContext makes one token request: put a Cache in front of it.
//
// Fill the fields and use a pointer to the value as the source; do not
// change the fields while it is in use. Formatting or logging a
// ClientCredentials never shows the secret or the private key.
type ClientCredentials struct {
	// ClientAuth is the token endpoint, the client and how it
	// authenticates there (its HTTPClient sends the token request).
	ClientAuth
	// Scopes are sent space-joined as "scope"; none means no scope parameter.
	Scopes []string
	// Audience is sent as "audience" when set (Auth0 and others).
	Audience string
	// Resource values are sent as "resource" (RFC 8707) when set.
	Resource []string
	// Params are extra form parameters. A key that grant_type, scope or
	// the client authentication sets (see IsGrantParam) fails the token
	// request before it is sent.
	Params url.Values

	// bearerOnly makes TokenContext refuse a token whose type is not
	// bearer (the checks of a Connector).
	bearerOnly bool
}

// Token implements oauth2.TokenSource with context.Background. Prefer
// TokenContext.
func (c *ClientCredentials) Token() (*oauth2.Token, error) {
	return c.TokenContext(context.Background())
}

// TokenContext makes one client credentials token request with ctx.
func (c *ClientCredentials) TokenContext(ctx context.Context) (*oauth2.Token, error) {
	const grant = "client_credentials"
	a := c.ClientAuth
	style, secret, authParams, err := a.prepare(time.Now())
	if err != nil {
		return nil, &TokenError{Grant: grant, Err: err}
	}
	params := url.Values{}
	for k, v := range c.Params {
		if k == "scope" || IsGrantParam(k) {
			return nil, &TokenError{Grant: grant, Err: fmt.Errorf("parameter %q cannot be given in Params", k)}
		}
		params[k] = append([]string(nil), v...)
	}
	if c.Audience != "" {
		params.Set("audience", c.Audience)
	}
	for _, r := range c.Resource {
		params.Add("resource", r)
	}
	for k, v := range authParams {
		params[k] = v
	}
	cfg := clientcredentials.Config{
		ClientID:       c.ClientID,
		ClientSecret:   secret,
		TokenURL:       c.TokenURL,
		Scopes:         c.Scopes,
		EndpointParams: params,
		AuthStyle:      style,
	}
	start := time.Now()
	tok, err := cfg.Token(withHTTPClient(ctx, c.HTTPClient))
	if err == nil && c.bearerOnly {
		err = checkBearer(tok)
	}
	if err != nil {
		return nil, NewTokenError(grant, err, a.secrets(params)...)
	}
	return fromResponse(tok, start), nil
}

// String describes the source without secrets.
func (c ClientCredentials) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "auth.ClientCredentials{TokenURL: %q, ClientID: %q, AuthMethod: %q", c.TokenURL, c.ClientID, string(resolveMethod(c.AuthMethod, c.PrivateKey)))
	if c.ClientSecret != "" {
		b.WriteString(", ClientSecret: " + redacted)
	}
	if c.PrivateKey != nil {
		b.WriteString(", PrivateKey: " + c.PrivateKey.String())
	}
	if len(c.Scopes) > 0 {
		fmt.Fprintf(&b, ", Scopes: %q", c.Scopes)
	}
	if c.Audience != "" {
		fmt.Fprintf(&b, ", Audience: %q", c.Audience)
	}
	if len(c.Resource) > 0 {
		fmt.Fprintf(&b, ", Resource: %q", c.Resource)
	}
	if len(c.Params) > 0 {
		fmt.Fprintf(&b, ", Params: <%d>", len(c.Params))
	}
	b.WriteString("}")
	return b.String()
}

// GoString is String, so %#v does not print secrets either.
func (c ClientCredentials) GoString() string { return c.String() }

// Format prints String for every verb.
func (c ClientCredentials) Format(f fmt.State, verb rune) { formatRedacted(f, verb, c.String()) }

// LogValue keeps secrets out of slog output.
func (c *ClientCredentials) LogValue() slog.Value { return redact.PointerLogValue(c) }

// MarshalJSON writes String: Params may hold secrets.
func (c ClientCredentials) MarshalJSON() ([]byte, error) { return redact.JSON(c.String()) }

// normalize honours an "expires_at" the server sent (seconds since the
// epoch; when both expires_in and expires_at are given the earlier expiry
// wins) and clamps the lifetime. It is idempotent: the Cache applies it to
// stored tokens too. A token type left empty stays empty (oauth2.Token.Type
// reads it as "Bearer").
func normalize(tok *oauth2.Token, now time.Time) *oauth2.Token {
	return lifetime.ExpiresAt(tok, now)
}

// fromResponse is normalize for a token just returned by the token
// endpoint: it also recomputes the expiry from expires_in, clamped.
func fromResponse(tok *oauth2.Token, now time.Time) *oauth2.Token {
	return lifetime.FromResponse(tok, now)
}
