package contract_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/auth/auth0/m2m"
	"github.com/idsdk/idsdk-go/gen/auth0mgmt"
	"github.com/idsdk/idsdk-go/internal/peers"
)

const (
	auth0M2MSecret = "m2m-secret-value-for-tests"
	auth0ShortAud  = "https://short-lived.example.test/"
)

// auth0Provider runs node-oidc-provider as the tenant's token endpoint
// (/oauth/token) and answers for two resources: the tenant's Management
// API audience (tokens for an hour) and auth0ShortAud (tokens for 2 s).
func auth0Provider(t *testing.T, jwtKey *rsa.PrivateKey) (p *peers.OIDCProvider, domain, audience string) {
	t.Helper()
	port := peers.FreePort(t)
	domain = "127.0.0.1:" + itoa(port)
	audience = "http://" + domain + "/api/v2/"
	jwks, err := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &jwtKey.PublicKey, KeyID: "cred-1", Algorithm: "RS256", Use: "sig"}}})
	if err != nil {
		t.Fatal(err)
	}
	var jwksDoc map[string]any
	_ = json.Unmarshal(jwks, &jwksDoc)
	none := []string{}
	p = peers.OIDC(t, peers.OIDCConfig{
		Port:   port,
		Routes: map[string]string{"token": "/oauth/token"},
		Resources: map[string]peers.OIDCResource{
			audience:      {Scope: "read:users", AccessTokenFormat: "jwt", AccessTokenTTL: 3600},
			auth0ShortAud: {Scope: "read:users", AccessTokenFormat: "jwt", AccessTokenTTL: 2},
		},
		Clients: []map[string]any{
			{
				"client_id": "m2m", "client_secret": auth0M2MSecret,
				"token_endpoint_auth_method": "client_secret_post",
				"grant_types":                []string{"client_credentials"},
				"redirect_uris":              none, "response_types": none,
			},
			{
				"client_id":                       "m2m-jwt",
				"token_endpoint_auth_method":      "private_key_jwt",
				"token_endpoint_auth_signing_alg": "RS256",
				"jwks":                            jwksDoc,
				"grant_types":                     []string{"client_credentials"},
				"redirect_uris":                   none, "response_types": none,
			},
		},
	})
	return p, domain, audience
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// jwtAPI is a Management API stand-in that accepts only JWTs signed by the
// provider whose audience is one of auds, and records the tokens it saw.
type jwtAPI struct {
	srv    *httptest.Server
	calls  atomic.Int64
	mu     sync.Mutex
	tokens []string
}

func newJWTAPI(t *testing.T, p *peers.OIDCProvider, auds ...string) *jwtAPI {
	t.Helper()
	resp, err := http.Get(p.JWKSURL)
	if err != nil {
		t.Fatal(err)
	}
	var keys jose.JSONWebKeySet
	err = json.NewDecoder(resp.Body).Decode(&keys)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	a := &jwtAPI{}
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || !validJWT(raw, keys, p.Issuer, auds) {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"statusCode":401,"error":"Unauthorized","message":"Invalid token"}`)
			return
		}
		a.mu.Lock()
		a.tokens = append(a.tokens, raw)
		a.mu.Unlock()
		_, _ = io.WriteString(w, `{"user_id":"auth0|1","email":"u1@example.com"}`)
	}))
	t.Cleanup(a.srv.Close)
	return a
}

func validJWT(raw string, keys jose.JSONWebKeySet, issuer string, auds []string) bool {
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil || len(tok.Headers) != 1 {
		return false
	}
	found := keys.Key(tok.Headers[0].KeyID)
	if len(found) == 0 {
		return false
	}
	var c jwt.Claims
	if err := tok.Claims(found[0].Key, &c); err != nil {
		return false
	}
	return c.Validate(jwt.Expected{Issuer: issuer, AnyAudience: auds, Time: time.Now()}) == nil
}

func (a *jwtAPI) distinctTokens() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	seen := map[string]bool{}
	for _, t := range a.tokens {
		seen[t] = true
	}
	return len(seen)
}

func (a *jwtAPI) client(t *testing.T, src *auth.Cache) *auth0mgmt.Client {
	t.Helper()
	c, err := auth0mgmt.New("tenant.us.auth0.com", auth0mgmt.WithBaseURL(a.srv.URL+"/api/v2"), auth0mgmt.WithToken(src))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestAuth0MgmtTokenFlow(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p, domain, audience := auth0Provider(t, key)
	ctx := context.Background()

	t.Run("client credentials: audience, cached across calls", func(t *testing.T) {
		p.ResetStats(t)
		api := newJWTAPI(t, p, audience)
		// node-oidc-provider picks the token audience from the RFC 8707
		// "resource" parameter; Auth0 reads "audience", which is sent too.
		src, err := m2m.ClientCredentials(domain, "m2m", auth0M2MSecret, m2m.WithParam("resource", audience))
		if err != nil {
			t.Fatal(err)
		}
		c := api.client(t, src)
		for i := 0; i < 3; i++ {
			if _, err := c.Users.Get(ctx, "auth0|1", nil); err != nil {
				t.Fatalf("call %d: %v", i, err)
			}
		}
		st := p.Stats(t)
		if st.Requests != 1 || st.Success["client_credentials"] != 1 {
			t.Fatalf("provider stats %+v, want one token request for three calls", st)
		}
		if api.calls.Load() != 3 || api.distinctTokens() != 1 {
			t.Errorf("API: %d calls, %d tokens", api.calls.Load(), api.distinctTokens())
		}
	})

	t.Run("refreshed after expiry", func(t *testing.T) {
		p.ResetStats(t)
		api := newJWTAPI(t, p, auth0ShortAud)
		src, err := m2m.ClientCredentials(domain, "m2m", auth0M2MSecret,
			m2m.WithAudience(auth0ShortAud), m2m.WithParam("resource", auth0ShortAud))
		if err != nil {
			t.Fatal(err)
		}
		c := api.client(t, src)
		if _, err := c.Users.Get(ctx, "auth0|1", nil); err != nil {
			t.Fatal(err)
		}
		tok, err := src.TokenContext(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if d := time.Until(tok.Expiry); d > 3*time.Second {
			t.Fatalf("token lives %v, want about 2s", d)
		}
		time.Sleep(time.Until(tok.Expiry) + 100*time.Millisecond)
		if _, err := c.Users.Get(ctx, "auth0|1", nil); err != nil {
			t.Fatalf("after expiry: %v", err)
		}
		if st := p.Stats(t); st.Success["client_credentials"] < 2 {
			t.Fatalf("provider stats %+v, want a second token", st)
		}
		if api.distinctTokens() != 2 {
			t.Errorf("API saw %d distinct tokens, want 2", api.distinctTokens())
		}
	})

	t.Run("private_key_jwt", func(t *testing.T) {
		p.ResetStats(t)
		api := newJWTAPI(t, p, audience)
		// Auth0 wants https://{domain}/ as the assertion audience; this
		// provider wants its token endpoint.
		src, err := m2m.PrivateKeyJWT(domain, "m2m-jwt", key, "",
			m2m.WithKeyID("cred-1"), m2m.WithAssertionAudience(p.TokenURL), m2m.WithParam("resource", audience))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := api.client(t, src).Users.Get(ctx, "auth0|1", nil); err != nil {
			t.Fatal(err)
		}
		if st := p.Stats(t); st.Success["client_credentials"] != 1 {
			t.Fatalf("provider stats %+v", st)
		}
	})

	t.Run("a failed token fetch is the call's error", func(t *testing.T) {
		p.ResetStats(t)
		api := newJWTAPI(t, p, audience)
		src, err := m2m.ClientCredentials(domain, "m2m", "not-the-secret", m2m.WithParam("resource", audience))
		if err != nil {
			t.Fatal(err)
		}
		_, err = api.client(t, src).Users.Get(ctx, "auth0|1", nil)
		var te *auth.TokenError
		if !errors.As(err, &te) || te.Code != "invalid_client" {
			t.Fatalf("err = %v, want the token endpoint's invalid_client", err)
		}
		if !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Errorf("%v does not match auth.ErrInvalidCredentials", err)
		}
		if strings.Contains(err.Error(), "not-the-secret") {
			t.Errorf("error shows the secret: %v", err)
		}
		if n := api.calls.Load(); n != 0 {
			t.Fatalf("the API received %d requests without a token", n)
		}
	})

	t.Run("token endpoint down", func(t *testing.T) {
		api := newJWTAPI(t, p, audience)
		src, err := m2m.ClientCredentials("127.0.0.1:"+itoa(peers.FreePort(t)), "m2m", auth0M2MSecret)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := api.client(t, src).Users.Get(ctx, "auth0|1", nil); err == nil {
			t.Fatal("call succeeded without a token")
		}
		if n := api.calls.Load(); n != 0 {
			t.Fatalf("the API received %d requests without a token", n)
		}
	})
}
