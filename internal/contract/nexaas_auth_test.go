package contract_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/auth/nexaas"
	sdkerrors "github.com/idsdk/idsdk-go/errors"
	"github.com/idsdk/idsdk-go/gen/nexaasid"
	"github.com/idsdk/idsdk-go/internal/peers"
)

const redirectURI = "https://client.example/cb"

const nexaasSecret = "nexaas-app-secret-0123456789"

// startNexaasProvider runs the provider with Nexaas ID's endpoint paths and
// a client that authenticates in the form body, as Nexaas ID clients do.
func startNexaasProvider(t *testing.T) *peers.OIDCProvider {
	t.Helper()
	return peers.OIDC(t, peers.OIDCConfig{
		Scopes: []string{"openid", "offline_access", "profile", "invite"},
		TTL:    map[string]int{"AccessToken": 600, "ClientCredentials": 600},
		Routes: map[string]string{"token": "/oauth/token", "authorization": "/oauth/authorize", "userinfo": "/me"},
		Clients: []map[string]any{{
			"client_id": "nexaas-app", "client_secret": nexaasSecret,
			"token_endpoint_auth_method": "client_secret_post",
			"grant_types":                []string{"authorization_code", "refresh_token", "client_credentials"},
			"redirect_uris":              []string{redirectURI},
			"response_types":             []string{"code"},
			"scope":                      "openid offline_access profile invite",
		}},
	})
}

// userRecord is how an application keeps a Nexaas ID user's tokens.
type userRecord struct {
	mu           sync.Mutex
	AccessToken  string
	RefreshToken string
	ExpiresIn    int64
	ExpiresAt    time.Time
	saves        int
}

func (u *userRecord) store() auth.Store {
	return auth.StoreFuncs{
		LoadFunc: func(ctx context.Context) (*oauth2.Token, error) {
			u.mu.Lock()
			defer u.mu.Unlock()
			return &oauth2.Token{AccessToken: u.AccessToken, RefreshToken: u.RefreshToken, TokenType: "auth.Bearer", Expiry: u.ExpiresAt}, nil
		},
		SaveFunc: func(ctx context.Context, tok *oauth2.Token) error {
			u.mu.Lock()
			defer u.mu.Unlock()
			u.AccessToken, u.RefreshToken = tok.AccessToken, tok.RefreshToken
			u.ExpiresAt = tok.Expiry
			u.ExpiresIn = int64(time.Until(tok.Expiry).Round(time.Second) / time.Second)
			u.saves++
			return nil
		},
	}
}

// profileServer stands for the Nexaas ID API: it accepts a bearer token
// only if the provider's userinfo endpoint accepts it.
func profileServer(t *testing.T, p *peers.OIDCProvider) *httptest.Server {
	// Nexaas ID serves its token endpoint on the API's own host: the
	// stand-in passes /oauth/ on to the provider.
	provider, err := url.Parse(p.Issuer)
	if err != nil {
		t.Fatal(err)
	}
	oauth := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) { r.SetURL(provider) }}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/oauth/") {
			oauth.ServeHTTP(w, r)
			return
		}
		req, _ := http.NewRequestWithContext(r.Context(), http.MethodGet, p.Issuer+"/me", nil)
		req.Header.Set("Authorization", r.Header.Get("Authorization"))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"error":"invalid_token","error_description":"The access token is invalid"}`)
			return
		}
		var claims struct{ Sub string }
		json.NewDecoder(resp.Body).Decode(&claims)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":"1f0c7a8e-9c57-4b0e-8f5b-2f4a8d3c6b71","name":%q}`, claims.Sub)
	}))
}

func TestNexaasIdentityClientRefreshesAndWritesBack(t *testing.T) {
	p := startNexaasProvider(t)
	cfg := nexaas.Config{BaseURL: p.Issuer, ClientID: "nexaas-app", ClientSecret: nexaasSecret}
	conf, err := cfg.OAuth2(redirectURI, "openid", "offline_access", "profile")
	if err != nil {
		t.Fatal(err)
	}
	if conf.Endpoint.AuthURL != p.Issuer+"/oauth/authorize" || conf.Endpoint.TokenURL != p.TokenURL {
		t.Fatalf("endpoints %+v", conf.Endpoint)
	}
	first := p.Login(t, conf, "ana")
	// The user's record, with an access token that has just expired.
	u := &userRecord{AccessToken: first.AccessToken, RefreshToken: first.RefreshToken, ExpiresAt: time.Now().Add(-time.Second)}
	api := profileServer(t, p)
	defer api.Close()
	// The client's server drives the token endpoint too: the refresh goes
	// to the API's host, never to the default region.
	c, err := nexaasid.New(nexaasid.WithBaseURL(api.URL),
		nexaasid.WithIdentity(nexaas.Config{ClientID: "nexaas-app", ClientSecret: nexaasSecret}, u.store()))
	if err != nil {
		t.Fatal(err)
	}
	// A token source built for another server is refused.
	elsewhere, err := nexaas.Identity(cfg, u.store())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := nexaasid.New(nexaasid.WithBaseURL(api.URL), nexaasid.WithToken(elsewhere)); !errors.Is(err, auth.ErrEndpointMismatch) {
		t.Errorf("token source of another server: %v, want auth.ErrEndpointMismatch", err)
	}
	prof, err := c.Profile.Get(context.Background())
	if err != nil {
		t.Fatalf("profile with a refreshed token: %v", err)
	}
	if prof.Name == nil || *prof.Name != "ana" {
		t.Errorf("profile name = %v", prof.Name)
	}
	u.mu.Lock()
	if u.saves != 1 || u.RefreshToken == first.RefreshToken || u.AccessToken == first.AccessToken || u.ExpiresIn <= 0 || !u.ExpiresAt.After(time.Now()) {
		t.Errorf("record not written back: saves=%d rotated=%v expires_in=%d", u.saves, u.RefreshToken != first.RefreshToken, u.ExpiresIn)
	}
	u.mu.Unlock()
	// A second call reuses the stored token: no new save.
	if _, err := c.Profile.Get(context.Background()); err != nil {
		t.Fatal(err)
	}
	if u.saves != 1 {
		t.Errorf("saves = %d after a call with a valid token", u.saves)
	}
	// The old refresh token is spent: the provider rejects it (and, seeing
	// it reused, revokes the grant, so this check comes last).
	_, err = auth.NewRefreshSource(auth.RefreshConfig{ClientAuth: auth.ClientAuth{TokenURL: p.TokenURL, ClientID: "nexaas-app", ClientSecret: nexaasSecret, AuthMethod: auth.ClientSecretPost}}, &oauth2.Token{RefreshToken: first.RefreshToken, Expiry: time.Now().Add(-time.Minute)}).TokenContext(context.Background())
	if !errors.Is(err, auth.ErrInvalidGrant) {
		t.Errorf("old refresh token: err = %v, want invalid_grant", err)
	}
	// A revoked or unknown token is an unauthorized error with the OAuth code.
	bad, _ := nexaasid.New(nexaasid.WithBaseURL(api.URL), nexaasid.WithToken(auth.Bearer("not-a-token")))
	_, err = bad.Profile.Get(context.Background())
	var oe *sdkerrors.OAuthError
	if !errors.Is(err, sdkerrors.ErrUnauthorized) || !errors.As(err, &oe) || oe.Code != "invalid_token" {
		t.Errorf("bad token: err = %v", err)
	}
}

func TestNexaasApplicationClientCachesPerScope(t *testing.T) {
	p := startNexaasProvider(t)
	app, err := nexaas.NewApplication(nexaas.Config{BaseURL: p.Issuer, ClientID: "nexaas-app", ClientSecret: nexaasSecret})
	if err != nil {
		t.Fatal(err)
	}
	p.ResetStats(t)
	ctx := context.Background()
	t1, err := app.TokenContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(t1.Extra("scope").(string), "invite") {
		t.Errorf("default scope: got %v", t1.Extra("scope"))
	}
	t2, _ := app.Source("invite").TokenContext(ctx)
	if app.Source("invite") != app.Source() || t2.AccessToken != t1.AccessToken {
		t.Errorf("the default scope and \"invite\" do not share a cache")
	}
	if app.Source("profile", "invite") != app.Source("invite", "profile", "invite") {
		t.Errorf("scope order or repetition changes the cache")
	}
	t3, err := app.Source("profile").TokenContext(ctx)
	if err != nil || t3.AccessToken == t1.AccessToken {
		t.Errorf("scope profile: %v", err)
	}
	if st := p.Stats(t); st.Success["client_credentials"] != 2 {
		t.Errorf("client_credentials requests = %+v, want 2 (one per scope set)", st)
	}
	wrong, _ := nexaas.NewApplication(nexaas.Config{BaseURL: p.Issuer, ClientID: "nexaas-app", ClientSecret: "wrong"})
	if _, err := wrong.TokenContext(ctx); !errors.Is(err, sdkerrors.ErrUnauthorized) {
		t.Errorf("wrong secret: err = %v, want ErrUnauthorized", err)
	}
	for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
		if s := fmt.Sprintf(f, app); strings.Contains(s, nexaasSecret) {
			t.Errorf("%s leaks the secret: %s", f, s)
		}
		if s := fmt.Sprintf(f, nexaas.Config{ClientSecret: nexaasSecret}); strings.Contains(s, nexaasSecret) {
			t.Errorf("%s of nexaas.Config leaks the secret: %s", f, s)
		}
	}
	if _, err := nexaas.NewApplication(nexaas.Config{BaseURL: "http://id.example.com"}); err == nil {
		t.Errorf("plain http base URL accepted")
	}
}
