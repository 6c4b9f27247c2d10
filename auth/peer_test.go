package auth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/internal/peers"
)

// Client credentials used against the provider.
const (
	appSecret   = "app-secret-0123456789-abcdefghij"
	basicSecret = "basic-secret-0123456789-abcdefghij"
	postSecret  = "post-secret-0123456789-abcdefghij"
	redirectURI = "https://client.example/cb"
	// Secrets that differ once form-urlencoded (RFC 6749 section 2.3.1).
	reservedSecret = "p+ss/w%rd=1&x"
	plusSecret     = "ab+cdefgh"
	apiResource    = "https://api.example.test"
)

// testKeys are generated once per test binary (RSA generation is slow).
var testKeys = sync.OnceValue(func() map[string]crypto.Signer {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	p256, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		panic(err)
	}
	return map[string]crypto.Signer{"rsa": rsaKey, "p256": p256, "p384": p384}
})

// publicJWKS is the public half of keys as a JWKS document.
func publicJWKS(t testing.TB, keys map[string]crypto.Signer) map[string]any {
	t.Helper()
	var out []any
	for kid, k := range keys {
		b, err := json.Marshal(jose.JSONWebKey{Key: k.Public(), KeyID: kid, Use: "sig"})
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return map[string]any{"keys": out}
}

// startProvider runs node-oidc-provider with the clients the tests use.
func startProvider(t testing.TB, ttl map[string]int) *peers.OIDCProvider {
	t.Helper()
	if ttl == nil {
		ttl = map[string]int{"AccessToken": 600, "ClientCredentials": 600}
	}
	none := []string{}
	return peers.OIDC(t, peers.OIDCConfig{
		Scopes: []string{"openid", "offline_access", "read", "write"},
		TTL:    ttl,
		Resources: map[string]peers.OIDCResource{
			apiResource: {Scope: "read write", AccessTokenFormat: "jwt"},
		},
		Clients: []map[string]any{
			{
				"client_id": "basic-client", "client_secret": basicSecret,
				"token_endpoint_auth_method": "client_secret_basic",
				"grant_types":                []string{"client_credentials"},
				"redirect_uris":              none, "response_types": none,
				"scope": "read write",
			},
			{
				"client_id": "reserved-client", "client_secret": reservedSecret,
				"token_endpoint_auth_method": "client_secret_basic",
				"grant_types":                []string{"client_credentials"},
				"redirect_uris":              none, "response_types": none,
				"scope": "read",
			},
			{
				"client_id": "plus+client", "client_secret": plusSecret,
				"token_endpoint_auth_method": "client_secret_basic",
				"grant_types":                []string{"client_credentials"},
				"redirect_uris":              none, "response_types": none,
				"scope": "read",
			},
			{
				"client_id": "post-client", "client_secret": postSecret,
				"token_endpoint_auth_method": "client_secret_post",
				"grant_types":                []string{"client_credentials"},
				"redirect_uris":              none, "response_types": none,
				"scope": "read",
			},
			{
				"client_id":                  "jwt-client",
				"token_endpoint_auth_method": "private_key_jwt",
				"jwks":                       publicJWKS(t, testKeys()),
				"grant_types":                []string{"client_credentials"},
				"redirect_uris":              none, "response_types": none,
				"scope": "read",
			},
			{
				"client_id": "app", "client_secret": appSecret,
				"token_endpoint_auth_method": "client_secret_basic",
				"grant_types":                []string{"authorization_code", "refresh_token"},
				"redirect_uris":              []string{redirectURI},
				"response_types":             []string{"code"},
			},
		},
	})
}

// login drives the provider's development login and consent pages with a
// cookie-jar client (authorization code + PKCE) and exchanges the code.
func login(t testing.TB, p *peers.OIDCProvider, user string) *oauth2.Token {
	t.Helper()
	tok := p.Login(t, appConfig(p), user)
	if tok.RefreshToken == "" {
		t.Fatalf("no refresh token issued")
	}
	return tok
}

func appConfig(p *peers.OIDCProvider) *oauth2.Config {
	return &oauth2.Config{
		ClientID:     "app",
		ClientSecret: appSecret,
		Endpoint:     oauth2.Endpoint{AuthURL: p.AuthURL, TokenURL: p.TokenURL, AuthStyle: oauth2.AuthStyleInHeader},
		RedirectURL:  redirectURI,
		Scopes:       []string{"openid", "offline_access"},
	}
}

func appRefreshConfig(p *peers.OIDCProvider) RefreshConfig {
	return RefreshConfig{ClientAuth: ClientAuth{TokenURL: p.TokenURL, ClientID: "app", ClientSecret: appSecret, AuthMethod: ClientSecretBasic}}
}

// expired returns a copy of tok that expired a minute ago.
func expired(tok *oauth2.Token) *oauth2.Token {
	c := *tok
	c.Expiry = time.Now().Add(-time.Minute)
	c.ExpiresIn = 0
	return &c
}
