package auth0

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/auth/idtoken"
	sdkerrors "github.com/idsdk/idsdk-go/errors"
	"github.com/idsdk/idsdk-go/gen/auth0auth"
	"github.com/idsdk/idsdk-go/internal/lifetime"
	"github.com/idsdk/idsdk-go/internal/redact"
)

// Grant types Auth0 adds to RFC 6749.
const (
	GrantPasswordRealm   = "http://auth0.com/oauth/grant-type/password-realm"
	GrantPasswordlessOTP = "http://auth0.com/oauth/grant-type/passwordless/otp"
	GrantMFAOTP          = "http://auth0.com/oauth/grant-type/mfa-otp"
	GrantMFAOOB          = "http://auth0.com/oauth/grant-type/mfa-oob"
	GrantMFARecoveryCode = "http://auth0.com/oauth/grant-type/mfa-recovery-code"
	GrantDeviceCode      = "urn:ietf:params:oauth:grant-type:device_code"
	GrantCIBA            = "urn:openid:params:grant-type:ciba"
)

// Token is a token response. The embedded *oauth2.Token holds the access
// token, its type and expiry, and the refresh token. IDToken is the raw ID
// token and Claims its validated claims (nil when there was none).
// Formatting, logging (log/slog) or JSON-encoding a Token, a value or a
// pointer, nested or not, never shows a token.
type Token struct {
	*oauth2.Token
	// IDToken is the raw ID token, when the response had one.
	IDToken string
	// Scope is the granted scope, when the server said.
	Scope string
	// Claims are the ID token's claims, validated.
	Claims *idtoken.Claims
}

// String describes the token without its values.
func (t Token) String() string {
	if t.Token == nil {
		return "auth0.Token(nil)"
	}
	return fmt.Sprintf("auth0.Token{TokenType: %q, Expiry: %s, Scope: %q, RefreshToken: %t, IDToken: %t}",
		t.TokenType, t.Expiry.UTC().Format(time.RFC3339), t.Scope, t.RefreshToken != "", t.IDToken != "")
}

// GoString is String.
func (t Token) GoString() string { return t.String() }

// Format prints String for every verb.
func (t Token) Format(f fmt.State, verb rune) { redact.Format(f, verb, t.String()) }

// LogValue keeps the tokens out of slog output.
func (t *Token) LogValue() slog.Value { return redact.PointerLogValue(t) }

// MarshalJSON writes String: encoding/json never shows the tokens either.
// To keep a token, store its fields (AccessToken, RefreshToken, IDToken,
// Expiry) yourself.
func (t Token) MarshalJSON() ([]byte, error) { return redact.JSON(t.String()) }

// TokenOption adds an expectation or parameter to a token request.
type TokenOption func(*tokenOpts)

type tokenOpts struct {
	expect idtoken.Expect
	params url.Values
}

// WithNonce makes the ID token's "nonce" required to equal nonce (the one
// AuthorizeURL returned).
func WithNonce(nonce string) TokenOption { return func(o *tokenOpts) { o.expect.Nonce = nonce } }

// WithMaxAge makes the ID token's "auth_time" required and no older than d
// (the max_age of the authorization request).
func WithMaxAge(d time.Duration) TokenOption { return func(o *tokenOpts) { o.expect.MaxAge = d } }

// WithOrganization makes the ID token's org_id (for "org_..." ids) or
// org_name (names, compared case-insensitively) required to match.
func WithOrganization(org string) TokenOption {
	return func(o *tokenOpts) { o.expect.Organization = org }
}

// WithParam adds a form or body parameter to the request; given again
// with the same key it adds another value. It cannot replace what the
// grant sets itself: grant_type, the client authentication (client_id,
// client_secret, client_assertion, client_assertion_type) and the
// parameters the method takes as arguments (for example code,
// code_verifier and redirect_uri for ExchangeCode, username and password
// for Login): the call then fails before any request, with an error that
// names the parameter and never shows its value. The form grants
// (ExchangeCode, PollDeviceToken, PollBackchannelToken) send every value
// of a repeated key; the JSON grants (Login, VerifyPasswordless and the
// VerifyMFA methods) refuse a repeated key, because Auth0 takes one string
// per member of a JSON token request.
func WithParam(key, value string) TokenOption {
	return func(o *tokenOpts) {
		if o.params == nil {
			o.params = url.Values{}
		}
		o.params.Add(key, value)
	}
}

// grantParams are the parameters each grant sets from its own arguments,
// by grant_type.
var grantParams = map[string][]string{
	"authorization_code": {"code", "code_verifier", "redirect_uri"},
	"refresh_token":      {"refresh_token", "scope"},
	"client_credentials": {"audience", "scope"},
	"password":           {"username", "password", "realm", "scope", "audience"},
	GrantPasswordRealm:   {"username", "password", "realm", "scope", "audience"},
	GrantPasswordlessOTP: {"username", "otp", "realm", "scope", "audience"},
	GrantMFAOTP:          {"mfa_token", "otp"},
	GrantMFAOOB:          {"mfa_token", "oob_code", "binding_code"},
	GrantMFARecoveryCode: {"mfa_token", "recovery_code"},
	GrantDeviceCode:      {"device_code"},
	GrantCIBA:            {"auth_req_id"},
}

// checkParams refuses a WithParam parameter that the grant sets itself
// and, for a JSON body (one string per member), a repeated one. The error
// names the parameter, never its value.
func (o tokenOpts) checkParams(op, grant string, asJSON bool) error {
	for k, vs := range o.params {
		if k == "" || auth.IsGrantParam(k) || slices.Contains(grantParams[grant], k) {
			return fmt.Errorf("auth0: %s: parameter %q is set by the grant and cannot be given with WithParam", op, k)
		}
		if asJSON && len(vs) > 1 {
			return fmt.Errorf("auth0: %s: parameter %q given %d times; a JSON token request takes one value per parameter", op, k, len(vs))
		}
	}
	return nil
}

func collect(opts []TokenOption) tokenOpts {
	var o tokenOpts
	for _, f := range opts {
		f(&o)
	}
	return o
}

// ExchangeCode exchanges an authorization code (with the PKCE verifier
// AuthorizeURL returned, empty when PKCE was off) at /oauth/token and
// validates the ID token. Pass WithNonce with the nonce of the request.
func (c *Client) ExchangeCode(ctx context.Context, code, verifier, redirectURI string, opts ...TokenOption) (*Token, error) {
	if code == "" {
		return nil, errors.New("auth0: ExchangeCode: empty code")
	}
	p := url.Values{"code": {code}}
	if verifier != "" {
		p.Set("code_verifier", verifier)
	}
	if redirectURI != "" {
		p.Set("redirect_uri", redirectURI)
	}
	return c.formGrant(ctx, "ExchangeCode", "authorization_code", p, collect(opts))
}

// RefreshToken redeems a refresh token. With rotation on, the answer
// holds a new refresh token that replaces the old one, which must be
// stored before the new access token is used; when the server sends none
// the old one is kept in the result.
func (c *Client) RefreshToken(ctx context.Context, refreshToken string, scope ...string) (*Token, error) {
	if refreshToken == "" {
		return nil, errors.New("auth0: RefreshToken: empty refresh token")
	}
	p := url.Values{"refresh_token": {refreshToken}}
	if len(scope) > 0 {
		p.Set("scope", strings.Join(scope, " "))
	}
	t, err := c.formGrant(ctx, "RefreshToken", "refresh_token", p, tokenOpts{})
	if err != nil {
		return nil, err
	}
	if t.RefreshToken == "" {
		t.RefreshToken = refreshToken
	}
	return t, nil
}

// ClientCredentials asks for an access token for the application itself
// (machine to machine), for the API audience with the given scopes.
func (c *Client) ClientCredentials(ctx context.Context, audience string, scope ...string) (*Token, error) {
	p := url.Values{}
	if audience != "" {
		p.Set("audience", audience)
	}
	if len(scope) > 0 {
		p.Set("scope", strings.Join(scope, " "))
	}
	return c.formGrant(ctx, "ClientCredentials", "client_credentials", p, tokenOpts{})
}

// LoginParams are the optional parameters of Login.
type LoginParams struct {
	// Realm is the connection to authenticate against; set, it makes the
	// request use Auth0's password-realm grant.
	Realm string
	// Scope is the space-separated scope (e.g. "openid profile email").
	Scope string
	// Audience is the API the access token is for.
	Audience string
}

// Login signs a user in with username and password (the resource owner
// password grant, or password-realm when p.Realm is set). Auth0 answers
// 403 with an mfa_required error when the user must pass a second factor:
// reach its token with errors.As(err, &*errors.Auth0AuthError) and its MFAToken.
func (c *Client) Login(ctx context.Context, username, password string, p LoginParams, opts ...TokenOption) (*Token, error) {
	body := map[string]any{"grant_type": "password", "username": username, "password": password}
	if p.Realm != "" {
		body["grant_type"] = GrantPasswordRealm
		body["realm"] = p.Realm
	}
	setIf(body, "scope", p.Scope)
	setIf(body, "audience", p.Audience)
	return c.jsonGrant(ctx, "Login", body, collect(opts))
}

// RevokeToken revokes a refresh token at /oauth/revoke.
func (c *Client) RevokeToken(ctx context.Context, token string) error {
	form := url.Values{"token": {token}}
	_, err := c.postForm(ctx, "RevokeToken", "/oauth/revoke", form, nil)
	return err
}

func setIf(m map[string]any, k, v string) {
	if v != "" {
		m[k] = v
	}
}

// formGrant makes one token request with x/oauth2 (the client
// credentials request with grant_type replaced: the x/oauth2 request that
// takes arbitrary parameters), with a fresh client assertion each time.
func (c *Client) formGrant(ctx context.Context, op, grant string, params url.Values, o tokenOpts) (*Token, error) {
	if err := o.checkParams(op, grant, false); err != nil {
		return nil, err
	}
	style, secret, authParams, err := c.authStyle()
	if err != nil {
		return nil, err
	}
	v := url.Values{"grant_type": {grant}}
	for k, vs := range params {
		v[k] = vs
	}
	for k, vs := range o.params {
		v[k] = vs
	}
	for k, vs := range authParams {
		v[k] = vs
	}
	cfg := clientcredentials.Config{
		ClientID: c.clientID, ClientSecret: secret, TokenURL: c.endpoint("/oauth/token"),
		EndpointParams: v, AuthStyle: style,
	}
	start := time.Now()
	tok, err := cfg.Token(context.WithValue(ctx, oauth2.HTTPClient, c.hc))
	if err != nil {
		return nil, c.scrub(c.tokenError(op, err), redact.FormSecrets(v)...)
	}
	return c.finish(ctx, lifetime.FromResponse(tok, start), o.expect)
}

// jsonGrant makes one token request through the generated client with a
// JSON body (Auth0's own grants).
func (c *Client) jsonGrant(ctx context.Context, op string, body map[string]any, o tokenOpts) (*Token, error) {
	grant, _ := body["grant_type"].(string)
	if err := o.checkParams(op, grant, true); err != nil {
		return nil, err
	}
	for k, vs := range o.params {
		body[k] = vs[0]
	}
	ropts, err := c.authJSON(body)
	if err != nil {
		return nil, err
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("auth0: token request: %w", err)
	}
	var req auth0auth.TokenRequest
	if err := req.UnmarshalJSON(raw); err != nil {
		return nil, fmt.Errorf("auth0: token request: %w", err)
	}
	resp, err := c.api.OAuth.Token(ctx, req, ropts...)
	if err != nil {
		return nil, err
	}
	tok := &oauth2.Token{AccessToken: resp.AccessToken, TokenType: string(resp.TokenType)}
	if resp.ExpiresIn > 0 {
		d := lifetime.SecondsInt(resp.ExpiresIn)
		tok.Expiry, tok.ExpiresIn = time.Now().Add(d), int64(d/time.Second)
	}
	extra := map[string]any{}
	if resp.RefreshToken != nil {
		tok.RefreshToken = *resp.RefreshToken
	}
	if resp.IDToken != nil {
		extra["id_token"] = *resp.IDToken
	}
	if resp.Scope != nil {
		extra["scope"] = *resp.Scope
	}
	return c.finish(ctx, tok.WithExtra(extra), o.expect)
}

// finish validates the ID token of tok, if any.
func (c *Client) finish(ctx context.Context, tok *oauth2.Token, want idtoken.Expect) (*Token, error) {
	t := &Token{Token: tok}
	if s, ok := tok.Extra("scope").(string); ok {
		t.Scope = s
	}
	if raw, ok := tok.Extra("id_token").(string); ok && raw != "" {
		claims, err := c.ids.Validate(ctx, raw, want)
		if err != nil {
			return nil, fmt.Errorf("auth0: ID token rejected: %w", err)
		}
		t.IDToken, t.Claims = raw, claims
	} else if want.Nonce != "" {
		return nil, fmt.Errorf("auth0: a nonce was expected but the response has no ID token: %w", idtoken.ErrNonce)
	}
	return t, nil
}

// tokenError turns an x/oauth2 error into the *errors.APIError that
// DecodeAuth0Auth makes of the response; other errors are wrapped.
func (c *Client) tokenError(op string, err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.Response != nil {
		resp := &http.Response{
			StatusCode: re.Response.StatusCode, Header: re.Response.Header,
			Body: io.NopCloser(bytes.NewReader(re.Body)), Request: re.Response.Request,
		}
		return sdkerrors.Decode(sdkerrors.DecodeAuth0Auth, "auth0auth", op, resp)
	}
	return fmt.Errorf("auth0: %s: %w", op, err)
}

// postForm posts an authenticated form to path and decodes a JSON answer
// into out (nil: ignore the body). Non-2xx answers are decoded with
// DecodeAuth0Auth.
func (c *Client) postForm(ctx context.Context, op, path string, form url.Values, out any) (int, error) {
	basic, err := c.authForm(form)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint(path), strings.NewReader(form.Encode()))
	if err != nil {
		return 0, fmt.Errorf("auth0: %s: %w", op, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if basic {
		req.Header.Set("Authorization", auth.ClientBasicAuth(c.clientID, c.secret))
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, fmt.Errorf("auth0: %s: %w", op, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return resp.StatusCode, c.scrub(sdkerrors.Decode(sdkerrors.DecodeAuth0Auth, "auth0auth", op, resp), redact.FormSecrets(form)...)
	}
	if out != nil {
		if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(out); err != nil {
			return resp.StatusCode, fmt.Errorf("auth0: %s: decoding the answer: %w", op, err)
		}
	}
	return resp.StatusCode, nil
}
