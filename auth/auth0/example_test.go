package auth0_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/idsdk/idsdk-go/auth/auth0"
	"github.com/idsdk/idsdk-go/auth/webflow"
)

// Build the /authorize URL of a login: state, nonce and PKCE verifier are
// made for you, to keep until the callback. No request is made.
func ExampleClient_Authorize() {
	c, err := auth0.New("tenant.example.auth0.com", "app-1")
	if err != nil {
		fmt.Println(err)
		return
	}
	a, err := c.Authorize(auth0.AuthorizeParams{RedirectURI: "https://app.example/callback", Organization: "org_acme"})
	if err != nil {
		fmt.Println(err)
		return
	}
	u, _ := url.Parse(a.URL)
	q := u.Query()
	fmt.Println(u.Host + u.Path)
	fmt.Println(q.Get("scope"), "|", q.Get("organization"), "|", q.Get("code_challenge_method"))
	fmt.Println(q.Get("state") == a.State, q.Get("nonce") == a.Nonce, a.Verifier != "")
	// Output:
	// tenant.example.auth0.com/authorize
	// openid profile email | org_acme | S256
	// true true true
}

// The Auth0 login as a ready web flow: mounted in a ServeMux, sessions/new
// sends the browser to /authorize with the flow's state, nonce and PKCE
// challenge (sealed in a cookie) and the organization of the request.
func ExampleWebflowClient() {
	c, err := auth0.New("tenant.example.auth0.com", "app-1")
	if err != nil {
		fmt.Println(err)
		return
	}
	flow, err := webflow.New(webflow.Config{
		Prefix:       "/auth0",
		BaseURL:      "https://app.example",
		Clients:      []webflow.Client{auth0.WebflowClient("tenant", c, "https://api.example")},
		Store:        webflow.NewMemoryStore(),
		CookieSecret: []byte("use-32-random-bytes-from-a-secret"),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	mux := http.NewServeMux()
	mux.Handle("/auth0/", flow)

	w := httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest("GET", "/auth0/sessions/new?organization=org_acme&origin=%2Fhome", nil))
	u, _ := url.Parse(w.Header().Get("Location"))
	q := u.Query()
	fmt.Println(w.Code, u.Host+u.Path)
	fmt.Println(q.Get("redirect_uri"))
	fmt.Println(q.Get("organization"), q.Get("audience"), q.Get("code_challenge_method"), q.Get("nonce") != "")
	// Output:
	// 302 tenant.example.auth0.com/authorize
	// https://app.example/auth0/sessions/approve
	// org_acme https://api.example S256 true
}

// Ask for a machine-to-machine token; here a loopback server stands in
// for the tenant.
func ExampleClient_ClientCredentials() {
	tenant := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "AT-m2m", "token_type": "Bearer", "expires_in": 86400})
	}))
	defer tenant.Close()
	c, err := auth0.New("tenant.example.auth0.com", "m2m-app", auth0.WithBaseURL(tenant.URL), auth0.WithClientSecret("a-client-secret"))
	if err != nil {
		fmt.Println(err)
		return
	}
	tok, err := c.ClientCredentials(context.Background(), "https://api.example", "read:reports")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(tok.TokenType, tok.Valid(), tok.AccessToken == "AT-m2m")
	fmt.Println(strings.Contains(fmt.Sprint(tok), "AT-m2m")) // printing never shows the token
	// Output:
	// Bearer true true
	// false
}
