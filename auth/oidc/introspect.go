package oidc

// introspect.go is token revocation (RFC 7009) and introspection (RFC 7662).

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// Token type hints of RFC 7009 and RFC 7662.
const (
	HintAccessToken  = "access_token"
	HintRefreshToken = "refresh_token"
)

// Revoke revokes tok at sign-out (the auth/webflow Provider method): its
// refresh token when it has one (which ends the grant), else its access
// token. Without a revocation endpoint it does nothing.
func (p *Provider) Revoke(ctx context.Context, tok *oauth2.Token) error {
	if p.meta.RevocationEndpoint == "" || tok == nil {
		return nil
	}
	if tok.RefreshToken != "" {
		return p.RevokeToken(ctx, tok.RefreshToken, HintRefreshToken)
	}
	return p.RevokeToken(ctx, tok.AccessToken, HintAccessToken)
}

// RevokeToken asks the revocation endpoint to revoke token; hint ("" or
// one of the Hint constants) says what it is. The server answers 200 also
// for a token it does not know (RFC 7009 2.2).
func (p *Provider) RevokeToken(ctx context.Context, token, hint string) error {
	if p.meta.RevocationEndpoint == "" {
		return fmt.Errorf("oidc: revocation: %w", ErrNoEndpoint)
	}
	form := url.Values{"token": {token}}
	if hint != "" {
		form.Set("token_type_hint", hint)
	}
	req, err := p.formRequest(ctx, p.meta.RevocationEndpoint, form)
	if err != nil {
		return err
	}
	_, _, err = send(p.cfg.HTTPClient, req, "revocation")
	return err
}

// Introspection is an introspection answer (RFC 7662 2.2). Raw keeps every
// member, the ones named here included.
type Introspection struct {
	// Active says whether the token is currently active; when false the
	// other fields are normally empty.
	Active    bool
	Scope     string
	ClientID  string
	Username  string
	TokenType string
	// Expiry, IssuedAt and NotBefore are exp, iat and nbf; zero when absent.
	Expiry    time.Time
	IssuedAt  time.Time
	NotBefore time.Time
	Subject   string
	// Audience is aud, a string or an array in the answer.
	Audience []string
	Issuer   string
	JWTID    string

	// Raw holds every member as sent.
	Raw map[string]json.RawMessage
}

// Scopes splits Scope at spaces.
func (i *Introspection) Scopes() []string { return strings.Fields(i.Scope) }

// UnmarshalJSON reads an introspection answer: numbers of seconds for the
// times (numeric strings tolerated) and aud as a string or an array.
func (i *Introspection) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*i = Introspection{Raw: raw}
	var err error
	if i.Active, err = flexBool(raw, "active"); err != nil {
		return err
	}
	strs := map[string]*string{
		"scope": &i.Scope, "client_id": &i.ClientID, "username": &i.Username, "token_type": &i.TokenType,
		"sub": &i.Subject, "iss": &i.Issuer, "jti": &i.JWTID,
	}
	for name, dst := range strs {
		if v, ok := raw[name]; ok && string(v) != "null" {
			if err := json.Unmarshal(v, dst); err != nil {
				return fmt.Errorf("oidc: introspection member %q: %w", name, err)
			}
		}
	}
	times := map[string]*time.Time{"exp": &i.Expiry, "iat": &i.IssuedAt, "nbf": &i.NotBefore}
	for name, dst := range times {
		if v, ok := raw[name]; ok && string(v) != "null" {
			if *dst, err = seconds(v); err != nil {
				return fmt.Errorf("oidc: introspection member %q: %w", name, err)
			}
		}
	}
	if v, ok := raw["aud"]; ok && string(v) != "null" {
		if i.Audience, err = stringOrArray(v); err != nil {
			return fmt.Errorf("oidc: introspection member \"aud\": %w", err)
		}
	}
	return nil
}

// stringOrArray reads a JSON string or an array of strings.
func stringOrArray(v json.RawMessage) ([]string, error) {
	var s string
	if err := json.Unmarshal(v, &s); err == nil {
		return []string{s}, nil
	}
	var list []string
	if err := json.Unmarshal(v, &list); err != nil {
		return nil, fmt.Errorf("want a string or an array of strings, got %.40s", v)
	}
	return list, nil
}

// Introspect asks the introspection endpoint about token; hint ("" or one
// of the Hint constants) says what it is. Set Config.IntrospectionURL for
// a server that does not advertise its endpoint.
func (p *Provider) Introspect(ctx context.Context, token, hint string) (*Introspection, error) {
	if p.meta.IntrospectionEndpoint == "" {
		return nil, fmt.Errorf("oidc: introspection: %w", ErrNoEndpoint)
	}
	form := url.Values{"token": {token}}
	if hint != "" {
		form.Set("token_type_hint", hint)
	}
	req, err := p.formRequest(ctx, p.meta.IntrospectionEndpoint, form)
	if err != nil {
		return nil, err
	}
	var in Introspection
	if _, err := doJSON(p.cfg.HTTPClient, req, "introspection", &in); err != nil {
		return nil, err
	}
	return &in, nil
}
