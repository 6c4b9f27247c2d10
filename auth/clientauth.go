package auth

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/idsdk/idsdk-go/internal/redact"
)

// ClientAuth is a client of an authorization server together with how it
// authenticates: for the token requests of grants this package has no
// source for (authorization_code, ...) and for the server's other
// endpoints (revocation, introspection). It is what packages built on
// this one, such as auth/oidc, use instead of signing or encoding
// credentials themselves. Formatting or logging it never shows the secret
// or the private key.
type ClientAuth struct {
	// TokenURL is the token endpoint; it is also the "aud" of a client
	// assertion unless AssertionAudience is set.
	TokenURL string
	// ClientID is the client's id.
	ClientID string
	// ClientSecret is used by ClientSecretBasic and ClientSecretPost.
	ClientSecret Secret
	// AuthMethod is the client authentication method. Empty means
	// PrivateKeyJWT when PrivateKey is set, ClientSecretBasic otherwise.
	AuthMethod AuthMethod
	// PrivateKey signs the client assertion of PrivateKeyJWT.
	PrivateKey *PrivateKey
	// AssertionAudience is the "aud" of the client assertion; empty means
	// TokenURL.
	AssertionAudience string
	// HTTPClient sends token requests; nil means the client x/oauth2 finds
	// in the context, or http.DefaultClient.
	HTTPClient *http.Client
}

// Exchange makes one token request with grant_type grant and params (for
// example "authorization_code" with code, redirect_uri and code_verifier)
// through x/oauth2, authenticating the client as configured. A failure is
// a *TokenError for grant, so errors.Is matches ErrInvalidGrant and
// ErrInvalidCredentials as for every other token request of this package.
func (a ClientAuth) Exchange(ctx context.Context, grant string, params url.Values) (*oauth2.Token, error) {
	style, secret, authParams, err := a.prepare(time.Now())
	if err != nil {
		return nil, &TokenError{Grant: grant, Err: err}
	}
	form := url.Values{}
	for k, v := range params {
		form[k] = append([]string(nil), v...)
	}
	for k, v := range authParams {
		form[k] = v
	}
	// x/oauth2's client credentials request is the one that takes any
	// parameters; its grant_type is replaced, as RefreshSource does.
	form.Set("grant_type", grant)
	cc := clientcredentials.Config{ClientID: a.ClientID, ClientSecret: secret, TokenURL: a.TokenURL, EndpointParams: form, AuthStyle: style}
	tok, err := cc.Token(withHTTPClient(ctx, a.HTTPClient))
	if err != nil {
		return nil, NewTokenError(grant, err, a.secrets(form)...)
	}
	return normalize(tok, time.Now()), nil
}

// Authenticate adds the client's credentials to a form request for an
// endpoint other than the token endpoint: client_secret_basic sets the
// Authorization header of h (id and secret form-encoded first, RFC 6749
// section 2.3.1), client_secret_post adds client_id and client_secret to
// form, private_key_jwt adds client_id and a fresh client assertion.
func (a ClientAuth) Authenticate(h http.Header, form url.Values) error {
	style, secret, authParams, err := a.prepare(time.Now())
	if err != nil {
		return err
	}
	switch {
	case len(authParams) > 0:
		form.Set("client_id", a.ClientID)
		for k, v := range authParams {
			form[k] = v
		}
	case style == oauth2.AuthStyleInHeader:
		r := http.Request{Header: h}
		r.SetBasicAuth(url.QueryEscape(a.ClientID), url.QueryEscape(secret))
	default:
		form.Set("client_id", a.ClientID)
		form.Set("client_secret", secret)
	}
	return nil
}

// String describes the client without secrets.
func (a ClientAuth) String() string {
	s := fmt.Sprintf("auth.ClientAuth{TokenURL: %q, ClientID: %q, AuthMethod: %q", a.TokenURL, a.ClientID, string(resolveMethod(a.AuthMethod, a.PrivateKey)))
	if a.ClientSecret != "" {
		s += ", ClientSecret: " + redacted
	}
	if a.PrivateKey != nil {
		s += ", PrivateKey: " + a.PrivateKey.String()
	}
	return s + "}"
}

// GoString is String, so %#v does not print secrets either.
func (a ClientAuth) GoString() string { return a.String() }

// Format prints String for every verb.
func (a ClientAuth) Format(f fmt.State, verb rune) { redact.Format(f, verb, a.String()) }

// LogValue keeps secrets out of slog output.
func (a *ClientAuth) LogValue() slog.Value { return redact.PointerLogValue(a) }

// MarshalJSON writes String.
func (a ClientAuth) MarshalJSON() ([]byte, error) { return redact.JSON(a.String()) }

// IsGrantParam reports whether key is a token request parameter that
// every grant sets itself: grant_type and the client authentication
// (client_id, client_secret, client_assertion, client_assertion_type).
// The options that add parameters to token requests refuse these keys.
func IsGrantParam(key string) bool {
	switch key {
	case "grant_type", "client_id", "client_secret", "client_assertion", "client_assertion_type":
		return true
	}
	return false
}
