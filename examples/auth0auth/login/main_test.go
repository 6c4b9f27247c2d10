package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/idsdk/idsdk-go/auth/auth0"
	"github.com/idsdk/idsdk-go/internal/peers"
	"github.com/idsdk/idsdk-go/retry"
)

// TestLoginApp signs in through the example app against node-oidc-provider
// with Auth0's paths: /login, the provider's login pages, /callback, then
// /logout.
func TestLoginApp(t *testing.T) {
	const secret = "example-app-secret-0123456789abcdef0123456789"
	var appURL string
	appSrv := httptest.NewUnstartedServer(nil)
	appURL = "http://" + appSrv.Listener.Addr().String()
	p := peers.OIDC(t, peers.OIDCConfig{
		Scopes: []string{"openid", "offline_access", "profile", "email"},
		Routes: map[string]string{"token": "/oauth/token", "authorization": "/authorize", "jwks": "/.well-known/jwks.json"},
		Clients: []map[string]any{{
			"client_id": "example-app", "client_secret": secret, "token_endpoint_auth_method": "client_secret_post",
			"grant_types": []string{"authorization_code", "refresh_token"}, "redirect_uris": []string{appURL + "/callback"},
			"response_types": []string{"code"},
		}},
	})
	c, err := auth0.New("tenant.example.auth0.com", "example-app", auth0.WithClientSecret(secret),
		auth0.WithBaseURL(p.Issuer), auth0.WithIssuer(p.Issuer), auth0.WithRetry(retry.Off()))
	if err != nil {
		t.Fatal(err)
	}
	appSrv.Config.Handler = newApp(c, appURL+"/callback", appURL+"/")
	appSrv.Start()
	defer appSrv.Close()

	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := browser.Get(appURL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	authURL := resp.Header.Get("Location")
	if !strings.HasPrefix(authURL, p.Issuer+"/authorize?") || !strings.Contains(authURL, "code_challenge_method=S256") {
		t.Fatalf("login redirect: %s", authURL)
	}
	back := p.Authorize(t, authURL, appURL+"/callback", "auth0|example-user")
	// A forged callback (wrong state) is refused.
	forged := *back
	q := forged.Query()
	q.Set("state", "forged")
	forged.RawQuery = q.Encode()
	if resp, err := browser.Get(forged.String()); err != nil || resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("forged callback: %v %v", resp.Status, err)
	}
	// The state is single use, so start again for the real callback.
	resp, _ = browser.Get(appURL + "/login")
	resp.Body.Close()
	back = p.Authorize(t, resp.Header.Get("Location"), appURL+"/callback", "auth0|example-user")
	resp, err = browser.Get(back.String())
	if err != nil || resp.StatusCode != http.StatusFound {
		t.Fatalf("callback: %v %v", resp.Status, err)
	}
	resp, _ = browser.Get(appURL + "/")
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "Signed in as auth0|example-user") {
		t.Fatalf("home page: %s", body)
	}
	resp, _ = browser.Get(appURL + "/logout")
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, p.Issuer+"/v2/logout?") || !strings.Contains(loc, "client_id=example-app") {
		t.Fatalf("logout redirect: %s", loc)
	}
}
