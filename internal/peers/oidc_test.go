package peers

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"
)

// TestOIDCStrictByDefault: the provider the tests run against requires
// PKCE of a confidential client (an authorization request without a
// challenge is refused, an exchange without the verifier or with a wrong
// one too) and rotates refresh tokens (a used one is refused); an exempt
// client may leave PKCE out.
func TestOIDCStrictByDefault(t *testing.T) {
	const secret = "strict-secret-0123456789-abcdefghij"
	const redirect = "https://client.example/cb"
	client := func(id string) map[string]any {
		return map[string]any{
			"client_id": id, "client_secret": secret, "token_endpoint_auth_method": "client_secret_post",
			"grant_types": []string{"authorization_code", "refresh_token"}, "redirect_uris": []string{redirect},
			"response_types": []string{"code"}, "scope": "openid offline_access",
		}
	}
	p := OIDC(t, OIDCConfig{
		Clients:             []map[string]any{client("strict"), client("exempt")},
		PKCEOptionalClients: []string{"exempt"},
	})
	conf := func(id string) *oauth2.Config {
		return &oauth2.Config{ClientID: id, ClientSecret: secret, RedirectURL: redirect, Scopes: []string{"openid", "offline_access"},
			Endpoint: oauth2.Endpoint{AuthURL: p.AuthURL, TokenURL: p.TokenURL, AuthStyle: oauth2.AuthStyleInParams}}
	}
	ctx := context.Background()

	// No challenge: the provider answers the redirect URI with an error.
	u := p.Authorize(t, conf("strict").AuthCodeURL("s1"), redirect, "alice")
	if u.Query().Get("error") != "invalid_request" || !strings.Contains(u.Query().Get("error_description"), "PKCE") {
		t.Fatalf("authorization without PKCE: %s", u)
	}

	// With a challenge: no verifier and a wrong verifier are refused, and
	// neither uses the code up; the right verifier gets the tokens.
	verifier := oauth2.GenerateVerifier()
	u = p.Authorize(t, conf("strict").AuthCodeURL("s2", oauth2.S256ChallengeOption(verifier)), redirect, "alice")
	code := u.Query().Get("code")
	if code == "" {
		t.Fatalf("no code: %s", u)
	}
	for name, opts := range map[string][]oauth2.AuthCodeOption{
		"no verifier":    nil,
		"wrong verifier": {oauth2.VerifierOption(oauth2.GenerateVerifier())},
	} {
		_, err := conf("strict").Exchange(ctx, code, opts...)
		var re *oauth2.RetrieveError
		if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" {
			t.Errorf("%s: %v", name, err)
		}
	}
	tok, err := conf("strict").Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil || tok.RefreshToken == "" {
		t.Fatalf("exchange with the verifier: %v", err)
	}

	// Rotation: the refresh gives a new refresh token, the old one is dead.
	next, err := conf("strict").TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	if err != nil || next.RefreshToken == "" || next.RefreshToken == tok.RefreshToken {
		t.Fatalf("refresh: %v (rotated: %v)", err, next != nil && next.RefreshToken != tok.RefreshToken)
	}
	_, err = conf("strict").TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" {
		t.Fatalf("reused refresh token: %v", err)
	}

	// The exempt client signs in without PKCE.
	u = p.Authorize(t, conf("exempt").AuthCodeURL("s3"), redirect, "bob")
	if _, err := conf("exempt").Exchange(ctx, u.Query().Get("code")); err != nil {
		t.Fatalf("exempt client: %v (%s)", err, url.Values(u.Query()).Encode())
	}
}
