package webflow_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth/webflow"
)

// demoProvider is an authorization server that needs no network: its
// authorization URL is built locally and it issues one fixed token.
type demoProvider struct{}

func (demoProvider) AuthCodeURL(redirectURI, state string, scopes []string, extra url.Values) string {
	q := url.Values{"redirect_uri": {redirectURI}, "state": {state}, "scope": {strings.Join(scopes, " ")}}
	for k, v := range extra {
		q[k] = v
	}
	return "https://id.example/authorize?" + q.Encode()
}

func (demoProvider) Exchange(context.Context, string, string, string) (*oauth2.Token, error) {
	return &oauth2.Token{AccessToken: "demo"}, nil
}

func (demoProvider) Revoke(context.Context, *oauth2.Token) error { return nil }

// Mount the flow under /auth in a ServeMux and protect a page with
// RequireSession: a signed-out browser is sent to sign in, the sign-in
// goes to the authorization server with PKCE.
func ExampleNew() {
	flow, err := webflow.New(webflow.Config{
		Prefix:       "/auth",
		BaseURL:      "https://app.example",
		Clients:      []webflow.Client{{Name: "demo", Provider: demoProvider{}, Scopes: []string{"read"}}},
		Store:        webflow.NewMemoryStore(),
		CookieSecret: []byte("use-32-random-bytes-from-a-secret"),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	mux := http.NewServeMux()
	mux.Handle("/auth/", flow)
	mux.Handle("/reports", flow.RequireSession(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, _ := webflow.SessionFromContext(r.Context())
		fmt.Fprintln(w, "reports for", s.Client)
	})))

	page := httptest.NewRequest("GET", "/reports", nil)
	page.Header.Set("Accept", "text/html")
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, page)
	fmt.Println(w.Code, w.Header().Get("Location"))

	w = httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest("GET", "/auth/sessions/new?origin=%2Freports", nil))
	to, _ := url.Parse(w.Header().Get("Location"))
	fmt.Println(w.Code, to.Host+to.Path, to.Query().Get("scope"), to.Query().Get("code_challenge_method"))
	// Output:
	// 302 /auth/sessions/new?origin=%2Freports
	// 302 id.example/authorize read S256
}

// LogIn makes a session without a round trip (tests of the app's
// handlers); RequireSession then lets the request through with its token.
func ExampleHandler_RequireSession() {
	flow, err := webflow.New(webflow.Config{
		BaseURL:      "https://app.example",
		Clients:      []webflow.Client{{Name: "demo", Provider: demoProvider{}}},
		Store:        webflow.NewMemoryStore(),
		CookieSecret: []byte("use-32-random-bytes-from-a-secret"),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	page := flow.RequireSession(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, _ := webflow.TokenFromContext(r.Context())
		fmt.Fprint(w, "signed in, token ", tok.AccessToken)
	}))
	cookie, _, err := flow.LogIn(context.Background(), "demo", &oauth2.Token{AccessToken: "AT-1"})
	if err != nil {
		fmt.Println(err)
		return
	}
	r := httptest.NewRequest("GET", "/reports", nil)
	r.AddCookie(cookie)
	w := httptest.NewRecorder()
	page.ServeHTTP(w, r)
	fmt.Println(w.Body)

	w = httptest.NewRecorder()
	page.ServeHTTP(w, httptest.NewRequest("GET", "/api/reports", nil)) // an API call without a session
	fmt.Println(w.Code)
	// Output:
	// signed in, token AT-1
	// 401
}
