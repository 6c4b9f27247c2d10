package auth0

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/gen/auth0auth"
	"github.com/idsdk/idsdk-go/internal/redact"
)

// DefaultScope is the scope AuthorizeURL asks for when none is given.
const DefaultScope = "openid profile email"

// AuthorizeParams are the parameters of an authorization request.
// Everything is optional except RedirectURI.
type AuthorizeParams struct {
	// ResponseType is "code" when empty.
	ResponseType string
	// RedirectURI is where Auth0 sends the browser back (the callback URL
	// registered for the application).
	RedirectURI string
	// Scope is space-separated; empty means DefaultScope.
	Scope string
	// State is the anti-forgery value; empty means a random one is made.
	State string
	// Nonce binds the ID token to this request; empty means a random one
	// is made when the scope has "openid".
	Nonce string
	// DisablePKCE leaves PKCE out (confidential clients only: PKCE S256 is
	// on by default for the code flow).
	DisablePKCE bool
	// Audience is the API the access token is for.
	Audience string
	// Organization is an organization id ("org_...") or name.
	Organization string
	// Invitation is the id of an organization invitation.
	Invitation string
	// Connection skips the login page for this connection (e.g.
	// "google-oauth2").
	Connection string
	// Prompt is "none", "login", "consent" or "select_account".
	Prompt string
	// ScreenHint is "signup" to open Universal Login on the sign-up page.
	ScreenHint string
	// LoginHint pre-fills the user name.
	LoginHint string
	// MaxAge is the longest time since the user last authenticated; zero
	// means no max_age. Validate the token with WithMaxAge(MaxAge).
	MaxAge time.Duration
	// Extra holds further parameters (ui_locales, acr_values, custom
	// parameters for Actions). They cannot replace the ones above.
	Extra url.Values
}

// Authorization is what AuthorizeURL returns besides the URL: the values
// to keep (in the user's session) until the callback.
type Authorization struct {
	// URL is where to send the browser.
	URL string
	// State must equal the "state" of the callback.
	State string
	// Nonce goes to ExchangeCode with WithNonce.
	Nonce string
	// Verifier is the PKCE code verifier for ExchangeCode ("" without PKCE).
	Verifier string
}

// String shows the URL, state and nonce, not the PKCE verifier.
func (a Authorization) String() string {
	return fmt.Sprintf("auth0.Authorization{URL: %q, State: %q, Nonce: %q, Verifier: %s}", a.URL, a.State, a.Nonce, redact.Placeholder)
}

// GoString is String.
func (a Authorization) GoString() string { return a.String() }

// Format prints String for every verb.
func (a Authorization) Format(f fmt.State, verb rune) { redact.Format(f, verb, a.String()) }

// LogValue keeps the verifier out of slog output.
func (a *Authorization) LogValue() slog.Value { return redact.PointerLogValue(a) }

// MarshalJSON writes String: to keep an Authorization in a session, store
// its fields.
func (a Authorization) MarshalJSON() ([]byte, error) { return redact.JSON(a.String()) }

// AuthorizeURL builds the /authorize URL of p and returns it with the
// state, nonce and PKCE verifier to keep until the callback (the values
// given in p, or new random ones). It makes no request.
func (c *Client) AuthorizeURL(p AuthorizeParams) (authURL, state, nonce, verifier string, err error) {
	a, err := c.Authorize(p)
	if err != nil {
		return "", "", "", "", err
	}
	return a.URL, a.State, a.Nonce, a.Verifier, nil
}

// Authorize is AuthorizeURL returning an Authorization.
func (c *Client) Authorize(p AuthorizeParams) (*Authorization, error) {
	q, a, err := c.authorizeQuery(p)
	if err != nil {
		return nil, err
	}
	rt := auth0auth.AuthorizeURLParamsResponseType(q.Get("response_type"))
	params := &auth0auth.AuthorizeURLParams{ResponseType: rt, ClientID: c.clientID}
	u, err := c.api.Authorize.URL(params)
	if err != nil {
		return nil, err
	}
	pu, err := url.Parse(u)
	if err != nil {
		return nil, fmt.Errorf("auth0: authorize URL: %w", err)
	}
	pu.RawQuery = q.Encode()
	a.URL = pu.String()
	return a, nil
}

// authorizeQuery builds the query of an authorization request.
func (c *Client) authorizeQuery(p AuthorizeParams) (url.Values, *Authorization, error) {
	a := &Authorization{State: p.State, Nonce: p.Nonce}
	rt := p.ResponseType
	if rt == "" {
		rt = "code"
	}
	scope := p.Scope
	if scope == "" {
		scope = DefaultScope
	}
	q := url.Values{}
	for k, vs := range p.Extra {
		q[k] = append([]string(nil), vs...)
	}
	q.Set("response_type", rt)
	q.Set("client_id", c.clientID)
	q.Set("scope", scope)
	if p.RedirectURI != "" {
		q.Set("redirect_uri", p.RedirectURI)
	}
	if a.State == "" {
		a.State = random()
	}
	q.Set("state", a.State)
	if a.Nonce == "" && hasWord(scope, "openid") {
		a.Nonce = random()
	}
	if a.Nonce != "" {
		q.Set("nonce", a.Nonce)
	}
	if hasWord(rt, "code") && !p.DisablePKCE {
		a.Verifier = oauth2.GenerateVerifier()
		q.Set("code_challenge", oauth2.S256ChallengeFromVerifier(a.Verifier))
		q.Set("code_challenge_method", "S256")
	}
	for k, v := range map[string]string{
		"audience": p.Audience, "organization": p.Organization, "invitation": p.Invitation,
		"connection": p.Connection, "prompt": p.Prompt, "screen_hint": p.ScreenHint, "login_hint": p.LoginHint,
	} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if p.MaxAge < 0 {
		return nil, nil, errors.New("auth0: negative MaxAge")
	}
	if p.MaxAge > 0 {
		q.Set("max_age", strconv.FormatInt(int64(p.MaxAge/time.Second), 10))
	}
	return q, a, nil
}

// PushAuthorizationRequest sends the authorization request p to /oauth/par
// (RFC 9126) with the client's credentials and returns an Authorization
// whose URL carries only client_id and the request_uri the server gave.
func (c *Client) PushAuthorizationRequest(ctx context.Context, p AuthorizeParams) (*Authorization, error) {
	q, a, err := c.authorizeQuery(p)
	if err != nil {
		return nil, err
	}
	var out struct {
		RequestURI string `json:"request_uri"`
		ExpiresIn  int    `json:"expires_in"`
	}
	if _, err := c.postForm(ctx, "PushAuthorizationRequest", "/oauth/par", q, &out); err != nil {
		return nil, err
	}
	if out.RequestURI == "" {
		return nil, errors.New("auth0: PAR answer without request_uri")
	}
	u, err := url.Parse(c.endpoint("/authorize"))
	if err != nil {
		return nil, fmt.Errorf("auth0: authorize URL: %w", err)
	}
	u.RawQuery = url.Values{"client_id": {c.clientID}, "request_uri": {out.RequestURI}}.Encode()
	a.URL = u.String()
	return a, nil
}

// LogoutURL builds the /v2/logout URL that ends the user's Auth0 session
// and sends the browser to returnTo (which must be an allowed logout URL
// of the application clientID; empty clientID means this client's).
// federated also ends the session at the identity provider. It makes no
// request.
func (c *Client) LogoutURL(returnTo, clientID string, federated bool) (string, error) {
	if clientID == "" {
		clientID = c.clientID
	}
	params := &auth0auth.LogoutURLParams{ClientID: &clientID}
	if returnTo != "" {
		params.ReturnTo = &returnTo
	}
	u, err := c.api.Logout.URL(params)
	if err != nil {
		return "", err
	}
	if federated {
		// Auth0 reads the bare "federated" parameter; a value is ignored.
		u += "&federated"
	}
	return u, nil
}

func hasWord(list, w string) bool {
	for _, f := range strings.Fields(list) {
		if f == w {
			return true
		}
	}
	return false
}

// random returns 32 random bytes, base64url-encoded.
func random() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read does not fail (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b[:])
}
