package oidc

// token.go is sign-in and the token endpoint: the authorization URL, the
// code exchange (with PKCE), ID token checks, refresh and client
// credentials.

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/auth/idtoken"
	"github.com/idsdk/idsdk-go/internal/redact"
)

// ErrNoIDToken is returned by FinishLogin when "openid" was asked for and
// the token response carries no ID token.
var ErrNoIDToken = errors.New("oidc: the token response has no id_token")

// Login holds the per-sign-in values an app keeps between the redirect to
// the provider and the way back: state, nonce and the PKCE verifier.
// Formatting or logging it never shows them.
type Login struct {
	// State is the state parameter, compared with the one that comes back.
	State string
	// Nonce is sent with the request and must come back in the ID token.
	Nonce string
	// Verifier is the PKCE code verifier (RFC 7636); the request carries
	// its S256 challenge.
	Verifier auth.Secret
}

// NewLogin returns a Login with fresh random values.
func NewLogin() *Login {
	return &Login{State: random(), Nonce: random(), Verifier: auth.Secret(oauth2.GenerateVerifier())}
}

func random() string {
	var b [24]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// String names the type only: every value of a Login is a secret.
func (l Login) String() string { return "oidc.Login{" + redact.Placeholder + "}" }

// GoString is String.
func (l Login) GoString() string { return l.String() }

// Format prints String for every verb.
func (l Login) Format(f fmt.State, verb rune) { redact.Format(f, verb, l.String()) }

// LogValue keeps the values out of slog output.
func (l *Login) LogValue() slog.Value { return redact.PointerLogValue(l) }

// MarshalJSON writes String: to keep a Login in a session, store its
// fields (the Verifier with Reveal).
func (l Login) MarshalJSON() ([]byte, error) { return redact.JSON(l.String()) }

func (p *Provider) oauth2Config(redirectURI string, scopes []string) *oauth2.Config {
	return &oauth2.Config{
		ClientID:    p.cfg.ClientID,
		Endpoint:    oauth2.Endpoint{AuthURL: p.meta.AuthorizationEndpoint, TokenURL: p.meta.TokenEndpoint},
		RedirectURL: redirectURI,
		Scopes:      scopes,
	}
}

// AuthCodeURL is the authorization URL (response_type=code) for
// redirectURI, state, scopes and extra parameters. Add PKCE and a nonce
// through extra, or use LoginURL, which does.
func (p *Provider) AuthCodeURL(redirectURI, state string, scopes []string, extra url.Values) string {
	var opts []oauth2.AuthCodeOption
	for k, vs := range extra {
		for _, v := range vs {
			opts = append(opts, oauth2.SetAuthURLParam(k, v))
		}
	}
	return p.oauth2Config(redirectURI, scopes).AuthCodeURL(state, opts...)
}

// LoginURL is AuthCodeURL for l: its state, its nonce and the S256
// challenge of its verifier (RFC 7636).
func (p *Provider) LoginURL(redirectURI string, l *Login, scopes []string, extra url.Values) string {
	x := url.Values{}
	for k, v := range extra {
		x[k] = v
	}
	x.Set("code_challenge", oauth2.S256ChallengeFromVerifier(l.Verifier.Reveal()))
	x.Set("code_challenge_method", "S256")
	if l.Nonce != "" {
		x.Set("nonce", l.Nonce)
	}
	return p.AuthCodeURL(redirectURI, l.State, scopes, x)
}

// Exchange trades an authorization code for tokens, sending the PKCE code
// verifier when it is not empty (the auth/webflow Provider method). A
// failure is an *auth.TokenError for the grant "authorization_code".
func (p *Provider) Exchange(ctx context.Context, code, redirectURI, verifier string) (*oauth2.Token, error) {
	form := url.Values{"code": {code}, "redirect_uri": {redirectURI}}
	if verifier != "" {
		form.Set("code_verifier", verifier)
	}
	return p.client.Exchange(ctx, "authorization_code", form)
}

// FinishLogin ends the sign-in started with LoginURL(redirectURI, l,
// scopes, ...): it exchanges code with l's verifier and validates the ID
// token against l's nonce. When scopes hold "openid" an ID token is
// required; otherwise claims is nil when the server sent none. Checking
// the returned state against l.State is the caller's job (it happens
// before the exchange).
func (p *Provider) FinishLogin(ctx context.Context, code, redirectURI string, l *Login, scopes []string) (tok *oauth2.Token, claims *idtoken.Claims, err error) {
	tok, err = p.Exchange(ctx, code, redirectURI, l.Verifier.Reveal())
	if err != nil {
		return nil, nil, err
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		if slices.Contains(scopes, "openid") {
			return nil, nil, ErrNoIDToken
		}
		return tok, nil, nil
	}
	claims, err = p.validator.Validate(ctx, raw, idtoken.Expect{Nonce: l.Nonce})
	if err != nil {
		return nil, nil, err
	}
	return tok, claims, nil
}

// VerifyIDToken validates the id_token of a token response with the
// discovered issuer and keys; nonce, when set, must match. It returns
// ErrNoIDToken when tok carries none.
func (p *Provider) VerifyIDToken(ctx context.Context, tok *oauth2.Token, nonce string) (*idtoken.Claims, error) {
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, ErrNoIDToken
	}
	return p.validator.Validate(ctx, raw, idtoken.Expect{Nonce: nonce})
}

// RefreshConfig is the auth.RefreshConfig of this client, to build a
// RefreshSource (and a Cache with a Store in front of it).
func (p *Provider) RefreshConfig() auth.RefreshConfig {
	return auth.RefreshConfig{
		ClientAuth: p.client,
	}
}

// Refresh exchanges tok's refresh token for a new token with
// auth.RefreshSource (the old refresh token is kept when the server sends
// no new one). A failure is an *auth.TokenError.
func (p *Provider) Refresh(ctx context.Context, tok *oauth2.Token) (*oauth2.Token, error) {
	return auth.NewRefreshSource(p.RefreshConfig(), tok).Refresh(ctx, tok)
}

// ClientCredentials is the client credentials source (RFC 6749 4.4) of
// this client at the discovered token endpoint. Set Audience, Resource or
// Params on it before use if the server needs them.
func (p *Provider) ClientCredentials(scopes ...string) *auth.ClientCredentials {
	return &auth.ClientCredentials{
		ClientAuth: p.client,
		Scopes:     scopes}
}

// TokenSource is ClientCredentials(scopes...) behind an auth.Cache.
func (p *Provider) TokenSource(scopes []string, opts ...auth.CacheOption) *auth.Cache {
	return auth.NewCache(p.ClientCredentials(scopes...), opts...)
}
