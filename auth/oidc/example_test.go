package oidc_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/auth/oidc"
)

// standIn is a tiny provider for the example: a discovery document and a
// userinfo endpoint on loopback.
func standIn() *httptest.Server {
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]string{
			"issuer":                 srv.URL,
			"authorization_endpoint": srv.URL + "/authorize",
			"token_endpoint":         srv.URL + "/token",
			"jwks_uri":               srv.URL + "/jwks",
			"userinfo_endpoint":      srv.URL + "/userinfo",
		})
	})
	mux.HandleFunc("GET /userinfo", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"sub":"u-42","email":"ana@example.test","email_verified":true,"updated_at":1700000000}`))
	})
	return srv
}

// A provider from nothing but its issuer URL: the sign-in URL carries
// state, nonce and a PKCE S256 challenge, userinfo gives the standard
// claims, and the client secret never shows when the provider is printed.
func ExampleDiscover() {
	srv := standIn()
	defer srv.Close()
	ctx := context.Background()

	p, err := oidc.Discover(ctx, oidc.Config{Issuer: srv.URL, ClientID: "my-app", ClientSecret: auth.Secret("s3cret")})
	if err != nil {
		log.Fatal(err)
	}

	login := oidc.NewLogin() // keep it (sealed cookie, session) until the redirect comes back
	u, _ := url.Parse(p.LoginURL("https://app.example/callback", login, []string{"openid", "email"}, nil))
	q := u.Query()
	fmt.Println(u.Path, q.Get("scope"), q.Get("code_challenge_method"), q.Get("state") == login.State, q.Get("nonce") == login.Nonce)
	// On the way back: tok, claims, err := p.FinishLogin(ctx, code, redirectURI, login, scopes)

	info, err := p.UserInfo(ctx, "an-access-token", "u-42")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(info.Subject, info.Email, info.EmailVerified, info.UpdatedAt.UTC().Format(time.DateOnly))
	fmt.Println(login, strings.Contains(fmt.Sprintf("%+v", p), "s3cret"))
	// Output:
	// /authorize openid email S256 true true
	// u-42 ana@example.test true 2023-11-14
	// oidc.Login{[redacted]} false
}
