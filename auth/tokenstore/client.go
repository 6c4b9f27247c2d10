package tokenstore

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/internal/redact"
)

// Client is how a Store gets tokens from the authorization server: new ones
// through the client credentials grant, and fresh ones for a refresh token.
// Errors should be *auth.TokenError (or wrap one) so the store can tell
// invalid_grant and bearer_does_not_exist from other failures.
type Client interface {
	// ClientCredentials asks for a token with these scopes, already
	// qualified for the bearer (e.g. "Per/<id>.directory.person.r").
	ClientCredentials(ctx context.Context, scopes []string) (*oauth2.Token, error)
	// Refresh exchanges a refresh token for a new token.
	Refresh(ctx context.Context, refreshToken string) (*oauth2.Token, error)
}

// OAuthClient is a Client for an OAuth 2.0 token endpoint, built on
// auth.ClientCredentials and auth.RefreshSource. (zaikio.Client is the
// Zaikio Hub's Client.)
type OAuthClient struct {
	// TokenURL is the token endpoint.
	TokenURL string
	// ClientID is the client's id.
	ClientID string
	// ClientSecret is the client's secret.
	ClientSecret auth.Secret
	// AuthMethod is how the client authenticates; empty means
	// auth.ClientSecretBasic.
	AuthMethod auth.AuthMethod
	// ScopeSeparator joins scopes in the request; empty means a space
	// (RFC 6749); some servers want ",".
	ScopeSeparator string
	// HTTPClient sends the requests; nil means http.DefaultClient.
	HTTPClient *http.Client
}

// clientAuth is how the client authenticates at TokenURL.
func (c OAuthClient) clientAuth() auth.ClientAuth {
	return auth.ClientAuth{TokenURL: c.TokenURL, ClientID: c.ClientID, ClientSecret: c.ClientSecret, AuthMethod: c.method(), HTTPClient: c.HTTPClient}
}

func (c OAuthClient) method() auth.AuthMethod {
	if c.AuthMethod == "" {
		return auth.ClientSecretBasic
	}
	return c.AuthMethod
}

// ClientCredentials implements Client.
func (c *OAuthClient) ClientCredentials(ctx context.Context, scopes []string) (*oauth2.Token, error) {
	sc := scopes
	if sep := c.ScopeSeparator; sep != "" && sep != " " && len(scopes) > 0 {
		sc = []string{strings.Join(scopes, sep)}
	}
	cc := &auth.ClientCredentials{
		ClientAuth: c.clientAuth(),
		Scopes:     sc}
	return cc.TokenContext(ctx)
}

// Refresh implements Client.
func (c *OAuthClient) Refresh(ctx context.Context, refreshToken string) (*oauth2.Token, error) {
	src := auth.NewRefreshSource(auth.RefreshConfig{
		ClientAuth: c.clientAuth(),
	}, nil)
	return src.Refresh(ctx, &oauth2.Token{RefreshToken: refreshToken})
}

// String describes the client without its secret.
func (c OAuthClient) String() string {
	return fmt.Sprintf("tokenstore.OAuthClient{TokenURL: %q, ClientID: %q, AuthMethod: %q, ClientSecret: %s}", c.TokenURL, c.ClientID, string(c.method()), redact.Placeholder)
}

// GoString is String.
func (c OAuthClient) GoString() string { return c.String() }

// Format prints String for every verb.
func (c OAuthClient) Format(f fmt.State, verb rune) { redact.Format(f, verb, c.String()) }

// LogValue keeps the secret out of slog output.
func (c *OAuthClient) LogValue() slog.Value { return redact.PointerLogValue(c) }

// MarshalJSON writes String.
func (c OAuthClient) MarshalJSON() ([]byte, error) { return redact.JSON(c.String()) }

// bearerRef is who a token was issued for, as Zaikio's token response says in
// "bearer": {"id": ..., "type": ...}.
type bearerRef struct {
	// Type is "Person" or "Organization".
	Type string
	// ID is the bearer's id.
	ID string
}

// bearerOf reads the "bearer" object of a token response (oauth2.Token.Extra).
// ok is false when the response has none.
func bearerOf(tok *oauth2.Token) (b bearerRef, ok bool) {
	if tok == nil {
		return bearerRef{}, false
	}
	m, _ := tok.Extra("bearer").(map[string]any)
	if m == nil {
		return bearerRef{}, false
	}
	b.Type = stringOf(m["type"])
	b.ID = stringOf(m["id"])
	return b, b.Type != "" && b.ID != ""
}

// ScopesOf reads the "scope" of a token response, comma-separated (Zaikio)
// or space-separated (RFC 6749). It is nil when the response has none.
func ScopesOf(tok *oauth2.Token) []string {
	if tok == nil {
		return nil
	}
	s, _ := tok.Extra("scope").(string)
	return splitScopes(s)
}

// AudiencesOf reads the "audiences" of a token response: an array (of
// strings or numbers; empty entries dropped) or a comma- or
// space-separated string. It is nil when the response has none.
func AudiencesOf(tok *oauth2.Token) []string {
	if tok == nil {
		return nil
	}
	var out []string
	switch v := tok.Extra("audiences").(type) {
	case []any:
		for _, a := range v {
			if s := stringOf(a); s != "" {
				out = append(out, s)
			}
		}
	case []string:
		for _, s := range v {
			if s != "" {
				out = append(out, s)
			}
		}
	case string:
		out = splitScopes(v)
	}
	return out
}

// splitScopes cuts a scope or audience list on commas and white space.
func splitScopes(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' })
	if len(f) == 0 {
		return nil
	}
	return f
}

func stringOf(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return fmt.Sprintf("%.0f", x)
	case json.Number:
		return x.String()
	case nil:
		return ""
	default:
		return fmt.Sprint(x)
	}
}

// jti returns the "jti" claim of a JWT access token (not verified: it is
// only used as the row id), or "".
func jti(token string) string { return claim(token, "jti") }

// claim returns a string claim of a JWT's payload, unverified, or "".
func claim(token, name string) string {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return ""
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return ""
	}
	var claims map[string]any
	if json.Unmarshal(payload, &claims) != nil {
		return ""
	}
	v := stringOf(claims[name])
	if len(v) > 200 {
		return ""
	}
	return v
}

// subjectOf is the "sub" of the ID token of a token response, else of a
// JWT access token, else "". The token endpoint answered the client
// directly, so the store trusts it to name the person the token is for.
func subjectOf(tok *oauth2.Token) string {
	if idt, _ := tok.Extra("id_token").(string); idt != "" {
		if sub := claim(idt, "sub"); sub != "" {
			return sub
		}
	}
	return claim(tok.AccessToken, "sub")
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return string(s[:])
}
