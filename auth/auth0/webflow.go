package auth0

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/auth/idtoken"
	"github.com/idsdk/idsdk-go/auth/tokenstore"
	"github.com/idsdk/idsdk-go/auth/webflow"
	sdkerrors "github.com/idsdk/idsdk-go/errors"
)

// BearerUser is the bearer type WebflowClient gives a signed-in person.
const BearerUser = "User"

// WebflowParams are the query parameters of a sign-in request
// (sessions/new) the Auth0 preset passes on to /authorize, besides
// webflow's own allowlist: an organization (id "org_..." or name), an
// organization invitation, and Universal Login hints.
var WebflowParams = []string{"organization", "invitation", "screen_hint", "login_hint", "connection", "ui_locales"}

// provider adapts a Client to webflow.Provider and webflow.IDTokenProvider.
type provider struct {
	c        *Client
	audience string
}

// Provider returns c as the authorization server of a webflow client;
// audience, when not empty, is the API its access tokens are for.
func (c *Client) Provider(audience string) webflow.Provider {
	return provider{c: c, audience: audience}
}

// AuthCodeURL builds the /authorize URL of a web sign-in: the state,
// nonce and PKCE challenge are the flow's (sealed in its cookie), the
// organization and invitation come from the sign-in request.
func (p provider) AuthCodeURL(redirectURI, state string, scopes []string, extra url.Values) string {
	params := AuthorizeParams{
		RedirectURI: redirectURI, Scope: strings.Join(scopes, " "), State: state,
		Nonce: extra.Get("nonce"), DisablePKCE: true, Audience: p.audience, Extra: extra,
	}
	q, _, err := p.c.authorizeQuery(params)
	if err != nil { // only a negative MaxAge fails, and none is set here
		return p.c.endpoint("/authorize")
	}
	return p.c.endpoint("/authorize") + "?" + q.Encode()
}

// Exchange is ExchangeCode with the PKCE verifier; the flow validates the
// ID token again with its nonce and organization.
func (p provider) Exchange(ctx context.Context, code, redirectURI, verifier string) (*oauth2.Token, error) {
	t, err := p.c.ExchangeCode(ctx, code, verifier, redirectURI)
	if err != nil {
		return nil, err
	}
	return t.Token, nil
}

// Revoke revokes the refresh token at /oauth/revoke (Auth0 revokes
// refresh tokens only: an access token without one expires by itself).
func (p provider) Revoke(ctx context.Context, tok *oauth2.Token) error {
	if tok == nil || tok.RefreshToken == "" {
		return nil
	}
	return p.c.RevokeToken(ctx, tok.RefreshToken)
}

// IDTokenValidator is Client.IDTokenValidator (webflow.IDTokenProvider).
func (p provider) IDTokenValidator() *idtoken.Validator { return p.c.ids }

// WebflowClient is the Auth0 preset of a webflow client named name: the
// sign-in asks for scopes ("openid" is added when missing, DefaultScope
// when none are given) and for audience's API when audience is set; the
// flow's nonce is checked on every sign-in; an organization (and an
// invitation) in the sign-in request's query is sent to /authorize and
// the ID token's org_id (org_name for a name) must match it; the bearer
// of a session is ("User", the ID token's sub).
func WebflowClient(name string, c *Client, audience string, scopes ...string) webflow.Client {
	if len(scopes) == 0 {
		scopes = strings.Fields(DefaultScope)
	}
	if !slices.Contains(scopes, "openid") {
		scopes = append([]string{"openid"}, scopes...)
	}
	return webflow.Client{
		Name:          name,
		Provider:      c.Provider(audience),
		Scopes:        scopes,
		Params:        WebflowParams,
		ExpectIDToken: expectOrganization,
		Bearer:        bearerOf,
	}
}

// expectOrganization makes the ID token carry the organization the
// sign-in asked for.
func expectOrganization(sent url.Values) idtoken.Expect {
	return idtoken.Expect{Organization: sent.Get("organization")}
}

// bearerOf reads the sub of the token response's ID token, which the flow
// validated before calling it.
func bearerOf(tok *oauth2.Token) (bearerType, bearerID string) {
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return "", ""
	}
	algs := []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.ES256, jose.ES384, jose.HS256}
	parsed, err := jwt.ParseSigned(raw, algs)
	if err != nil {
		return "", ""
	}
	var c jwt.Claims
	if parsed.UnsafeClaimsWithoutVerification(&c) != nil || c.Subject == "" {
		return "", ""
	}
	return BearerUser, c.Subject
}

// storeClient adapts a Client to tokenstore.Client.
type storeClient struct {
	c        *Client
	audience string
}

// StoreClient returns c as the token store's client: refreshes of the
// tokens the web flow stored, and client credentials tokens for
// audience's API. A refresh Auth0 refuses with invalid_grant matches
// auth.ErrInvalidGrant, so the token store drops the row.
func (c *Client) StoreClient(audience string) tokenstore.Client {
	return storeClient{c: c, audience: audience}
}

// ClientCredentials implements tokenstore.Client.
func (s storeClient) ClientCredentials(ctx context.Context, scopes []string) (*oauth2.Token, error) {
	t, err := s.c.ClientCredentials(ctx, s.audience, scopes...)
	if err != nil {
		return nil, asTokenError("client_credentials", err)
	}
	return t.Token, nil
}

// Refresh implements tokenstore.Client.
func (s storeClient) Refresh(ctx context.Context, refreshToken string) (*oauth2.Token, error) {
	t, err := s.c.RefreshToken(ctx, refreshToken)
	if err != nil {
		return nil, asTokenError("refresh_token", err)
	}
	return t.Token, nil
}

// asTokenError puts an Auth0 OAuth error into an *auth.TokenError, the
// shape the token store reads invalid_grant and bearer errors from.
func asTokenError(grant string, err error) error {
	var ae *sdkerrors.Auth0AuthError
	if !errors.As(err, &ae) {
		return err
	}
	return &auth.TokenError{Grant: grant, StatusCode: ae.StatusCode, Code: ae.Code, Description: ae.Description, Err: err}
}

// Register registers c once in reg under name, for both the web flow
// (WebflowClient with audience and scopes) and the token store (the
// refreshes of the stored sessions; scopes are sent as they are).
func Register(reg *webflow.Registry, name string, c *Client, audience string, scopes ...string) error {
	return reg.Register(webflow.Registration{
		Web: WebflowClient(name, c, audience, scopes...),
		Store: tokenstore.ClientConfig{
			Client: c.StoreClient(audience), Scopes: scopes,
			QualifyScope: func(_, _, scope string) string { return scope },
		},
	})
}
