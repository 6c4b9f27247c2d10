package oidc

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/auth/idtoken"
	"github.com/idsdk/idsdk-go/internal/peers"
)

func TestMain(m *testing.M) { os.Exit(peers.HydraMain(m)) }

const (
	testRedirect = "https://app.example.test/callback"
	// trickySecret needs form-encoding before HTTP Basic (RFC 6749 2.3.1).
	trickySecret = "p+ss/w%rd=1&x-0123456789abcdefghij"
	postSecret   = "post-secret-0123456789-abcdefghij"
)

var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// publicJWKS is the client's public key as a JWKS document.
func publicJWKS(t testing.TB) map[string]any {
	t.Helper()
	b, err := json.Marshal(jose.JSONWebKey{Key: testKey().Public(), KeyID: "k1", Use: "sig", Algorithm: "RS256"})
	if err != nil {
		t.Fatal(err)
	}
	var k map[string]any
	if err := json.Unmarshal(b, &k); err != nil {
		t.Fatal(err)
	}
	return map[string]any{"keys": []any{k}}
}

// server is one real OpenID provider with a client per authentication
// method.
type server struct {
	issuer string
	// introspection replaces the discovered endpoint (Hydra's admin API).
	introspection string
	clients       map[auth.AuthMethod]Config
	// authorize drives the browser part of a sign-in and returns the
	// redirect to testRedirect.
	authorize func(t *testing.T, authURL string) *url.URL
	// subject is who signs in; profile says whether the provider's
	// userinfo carries the consent app's profile claims (Hydra).
	subject string
	profile bool
}

func nodeServer(t *testing.T) server {
	key := &auth.PrivateKey{Key: testKey(), KeyID: "k1"}
	base := map[string]any{
		"grant_types":    []string{"authorization_code", "refresh_token", "client_credentials"},
		"response_types": []string{"code"},
		"redirect_uris":  []string{testRedirect},
	}
	client := func(id, method string, extra map[string]any) map[string]any {
		c := map[string]any{"client_id": id, "token_endpoint_auth_method": method}
		for k, v := range base {
			c[k] = v
		}
		for k, v := range extra {
			c[k] = v
		}
		return c
	}
	p := peers.OIDC(t, peers.OIDCConfig{Clients: []map[string]any{
		client("basic-client", "client_secret_basic", map[string]any{"client_secret": trickySecret}),
		client("post-client", "client_secret_post", map[string]any{"client_secret": postSecret}),
		client("jwt-client", "private_key_jwt", map[string]any{"jwks": publicJWKS(t)}),
	}})
	const user = "node-user"
	return server{
		issuer: p.Issuer,
		clients: map[auth.AuthMethod]Config{
			auth.ClientSecretBasic: {Issuer: p.Issuer, ClientID: "basic-client", ClientSecret: trickySecret, AuthMethod: auth.ClientSecretBasic},
			auth.ClientSecretPost:  {Issuer: p.Issuer, ClientID: "post-client", ClientSecret: postSecret, AuthMethod: auth.ClientSecretPost},
			auth.PrivateKeyJWT:     {Issuer: p.Issuer, ClientID: "jwt-client", PrivateKey: key},
		},
		authorize: func(t *testing.T, authURL string) *url.URL { return p.Authorize(t, authURL, testRedirect, user) },
		subject:   user,
	}
}

func hydraServer(t *testing.T) server {
	h := peers.StartHydra(t)
	key := &auth.PrivateKey{Key: testKey(), KeyID: "k1"}
	base := map[string]any{
		"grant_types":    []string{"authorization_code", "refresh_token", "client_credentials"},
		"response_types": []string{"code"},
		"redirect_uris":  []string{testRedirect},
		"scope":          "openid offline_access email profile",
	}
	create := func(extra map[string]any) string {
		c := map[string]any{}
		for k, v := range base {
			c[k] = v
		}
		for k, v := range extra {
			c[k] = v
		}
		id, _ := h.CreateClient(t, c)["client_id"].(string)
		if id == "" {
			t.Fatal("hydra returned no client_id")
		}
		return id
	}
	basic := create(map[string]any{"client_secret": trickySecret, "token_endpoint_auth_method": "client_secret_basic"})
	post := create(map[string]any{"client_secret": postSecret, "token_endpoint_auth_method": "client_secret_post"})
	jwt := create(map[string]any{"jwks": publicJWKS(t), "token_endpoint_auth_method": "private_key_jwt", "token_endpoint_auth_signing_alg": "RS256"})
	return server{
		issuer:        h.Issuer,
		introspection: h.IntrospectionURL,
		clients: map[auth.AuthMethod]Config{
			auth.ClientSecretBasic: {Issuer: h.Issuer, ClientID: basic, ClientSecret: trickySecret, AuthMethod: auth.ClientSecretBasic},
			auth.ClientSecretPost:  {Issuer: h.Issuer, ClientID: post, ClientSecret: postSecret, AuthMethod: auth.ClientSecretPost},
			auth.PrivateKeyJWT:     {Issuer: h.Issuer, ClientID: jwt, PrivateKey: key},
		},
		authorize: func(t *testing.T, authURL string) *url.URL { return h.Authorize(t, authURL, testRedirect) },
		subject:   peers.HydraUser,
		profile:   true,
	}
}

func TestNodeOIDCProvider(t *testing.T) { runServer(t, nodeServer(t)) }

func TestHydra(t *testing.T) { runServer(t, hydraServer(t)) }

// runServer runs every feature against srv, for each client
// authentication method, from the issuer URL alone.
func runServer(t *testing.T, srv server) {
	for _, method := range []auth.AuthMethod{auth.ClientSecretBasic, auth.ClientSecretPost, auth.PrivateKeyJWT} {
		t.Run(string(method), func(t *testing.T) {
			cfg := srv.clients[method]
			cfg.IntrospectionURL = srv.introspection
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			p, err := Discover(ctx, cfg)
			if err != nil {
				t.Fatalf("discover: %v", err)
			}
			runFeatures(ctx, t, p, srv)
		})
	}
}

func runFeatures(ctx context.Context, t *testing.T, p *Provider, srv server) {
	scopes := []string{"openid", "offline_access"}
	if srv.profile {
		scopes = append(scopes, "email", "profile")
	}

	// Sign-in: authorization code with PKCE S256, nonce, ID token.
	l := NewLogin()
	back := srv.authorize(t, p.LoginURL(testRedirect, l, scopes, url.Values{"prompt": {"consent"}}))
	if back.Query().Get("state") != l.State {
		t.Fatalf("state did not come back: %s", back.Redacted())
	}
	code := back.Query().Get("code")
	if code == "" {
		t.Fatalf("no code: %s", back.Query().Get("error_description"))
	}
	tok, claims, err := p.FinishLogin(ctx, code, testRedirect, l, scopes)
	if err != nil {
		t.Fatalf("finish login: %v", err)
	}
	if claims.Subject != srv.subject || claims.Nonce != l.Nonce || claims.Issuer != srv.issuer {
		t.Fatalf("ID token claims: sub %q nonce ok %v iss %q", claims.Subject, claims.Nonce == l.Nonce, claims.Issuer)
	}
	if tok.RefreshToken == "" {
		t.Fatal("no refresh token")
	}

	t.Run("userinfo", func(t *testing.T) {
		u, err := p.UserInfo(ctx, tok.AccessToken, claims.Subject)
		if err != nil {
			t.Fatal(err)
		}
		if u.Subject != srv.subject {
			t.Fatalf("sub = %q", u.Subject)
		}
		if srv.profile {
			if u.Email != srv.subject+"@example.test" || !u.EmailVerified || u.Name != "Test "+srv.subject || u.UpdatedAt.Unix() != peers.HydraUpdatedAt {
				t.Fatalf("profile claims: %+v", u)
			}
		}
		if _, err := p.UserInfo(ctx, tok.AccessToken, "not-"+srv.subject); err != ErrSubjectMismatch {
			t.Fatalf("another subject: err = %v", err)
		}
	})

	t.Run("introspection of an active token", func(t *testing.T) {
		in, err := p.Introspect(ctx, tok.AccessToken, HintAccessToken)
		if err != nil {
			t.Fatal(err)
		}
		if !in.Active || in.ClientID != p.cfg.ClientID || in.Subject != srv.subject || in.Expiry.Before(time.Now()) || !strings.Contains(in.Scope, "openid") {
			t.Fatalf("introspection: %+v", in)
		}
	})

	t.Run("refresh", func(t *testing.T) {
		nt, err := p.Refresh(ctx, tok)
		if err != nil {
			t.Fatal(err)
		}
		if nt.AccessToken == "" || nt.AccessToken == tok.AccessToken {
			t.Fatal("refresh gave no new access token")
		}
		if _, err := p.VerifyIDToken(ctx, nt, ""); err != nil && err != ErrNoIDToken {
			t.Fatalf("refreshed ID token: %v", err)
		}
		// Revoking the refreshed grant ends it: introspection says inactive.
		if err := p.Revoke(ctx, nt); err != nil {
			t.Fatalf("revoke refresh token: %v", err)
		}
		in, err := p.Introspect(ctx, nt.RefreshToken, HintRefreshToken)
		if err != nil || in.Active {
			t.Fatalf("refresh token after revocation: %+v, %v", in, err)
		}
	})

	t.Run("revocation", func(t *testing.T) {
		l := NewLogin()
		back := srv.authorize(t, p.LoginURL(testRedirect, l, scopes, url.Values{"prompt": {"consent"}}))
		tok, _, err := p.FinishLogin(ctx, back.Query().Get("code"), testRedirect, l, scopes)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.RevokeToken(ctx, tok.AccessToken, HintAccessToken); err != nil {
			t.Fatal(err)
		}
		in, err := p.Introspect(ctx, tok.AccessToken, HintAccessToken)
		if err != nil || in.Active {
			t.Fatalf("after revocation: %+v, %v", in, err)
		}
	})

	t.Run("client credentials", func(t *testing.T) {
		cache := p.TokenSource(nil)
		cc, err := cache.TokenContext(ctx)
		if err != nil {
			t.Fatal(err)
		}
		again, err := cache.TokenContext(ctx)
		if err != nil || again.AccessToken != cc.AccessToken {
			t.Fatalf("cache did not reuse the token: %v", err)
		}
		in, err := p.Introspect(ctx, cc.AccessToken, HintAccessToken)
		if err != nil {
			t.Fatal(err)
		}
		if !in.Active || in.ClientID != p.cfg.ClientID {
			t.Fatalf("client credentials token: %+v", in)
		}
	})

	t.Run("an ID token with another nonce is refused", func(t *testing.T) {
		l := NewLogin()
		back := srv.authorize(t, p.LoginURL(testRedirect, l, scopes, url.Values{"prompt": {"consent"}}))
		other := *l
		other.Nonce = NewLogin().Nonce
		if _, _, err := p.FinishLogin(ctx, back.Query().Get("code"), testRedirect, &other, scopes); !errors.Is(err, idtoken.ErrNonce) {
			t.Fatalf("err = %v, want idtoken.ErrNonce", err)
		}
	})

	t.Run("the server enforces PKCE", func(t *testing.T) {
		back := srv.authorize(t, p.AuthCodeURL(testRedirect, NewLogin().State, scopes, nil))
		if back.Query().Get("code") != "" || back.Query().Get("error") == "" {
			t.Fatalf("sign-in without PKCE was not refused: %s", back.Redacted())
		}
	})

	t.Run("a wrong PKCE verifier is refused", func(t *testing.T) {
		l := NewLogin()
		back := srv.authorize(t, p.LoginURL(testRedirect, l, scopes, url.Values{"prompt": {"consent"}}))
		_, err := p.Exchange(ctx, back.Query().Get("code"), testRedirect, NewLogin().Verifier.Reveal())
		if !errors.Is(err, auth.ErrInvalidGrant) {
			t.Fatalf("err = %v, want ErrInvalidGrant", err)
		}
	})
}
