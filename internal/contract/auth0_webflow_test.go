package contract_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/auth/auth0"
	"github.com/idsdk/idsdk-go/auth/idtoken"
	"github.com/idsdk/idsdk-go/auth/tokenstore"
	"github.com/idsdk/idsdk-go/auth/tokenstore/sqlite"
	"github.com/idsdk/idsdk-go/auth/webflow"
	"github.com/idsdk/idsdk-go/internal/peers"
	"github.com/idsdk/idsdk-go/retry"
)

// The Auth0 preset of the web flow runs against node-oidc-provider with
// Auth0's endpoint paths, through the client registry shared with a
// SQLite token store, driven by a cookie-jar browser.

const (
	a0AppID     = "a0-webflow"
	a0OrgMember = "auth0|org-member"
	a0Org       = "org_acme"
)

type auth0App struct {
	t        *testing.T
	provider *peers.OIDCProvider
	client   *auth0.Client
	app      *httptest.Server
	handler  *webflow.Handler
	tokens   *tokenstore.Store
	browser  *http.Client
	shift    atomic.Int64 // the token store's clock runs this far ahead

	flowOutcomes
}

func startAuth0App(t *testing.T) *auth0App {
	t.Helper()
	a := &auth0App{t: t}
	var handler http.Handler
	mux := http.NewServeMux()
	mux.Handle("/auth0/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	a.app = httptest.NewServer(mux)
	t.Cleanup(a.app.Close)

	a.provider = peers.OIDC(t, peers.OIDCConfig{
		Scopes:        []string{"openid", "profile", "email", "offline_access"},
		TTL:           map[string]int{"AccessToken": 600, "IdToken": 600, "RefreshToken": 3600},
		Routes:        a0Routes,
		AccountClaims: map[string]map[string]any{a0OrgMember: {"org_id": a0Org}},
		Clients: []map[string]any{{
			"client_id": a0AppID, "client_secret": a0WebSecret, "token_endpoint_auth_method": "client_secret_post",
			"grant_types": []string{"authorization_code", "refresh_token"}, "response_types": []string{"code"},
			"redirect_uris": []string{a.app.URL + "/auth0/sessions/approve"}, "scope": a0TestScopes,
		}},
	})
	c, err := auth0.New("tenant.example.auth0.com", a0AppID, auth0.WithBaseURL(a.provider.Issuer),
		auth0.WithIssuer(a.provider.Issuer), auth0.WithClientSecret(a0WebSecret), auth0.WithRetry(retry.Off()))
	if err != nil {
		t.Fatal(err)
	}
	a.client = c
	reg := webflow.NewRegistry()
	if err := auth0.Register(reg, "tenant", c, "", strings.Fields(a0TestScopes)...); err != nil {
		t.Fatal(err)
	}
	a.tokens = openAuth0TokenStore(t, reg, func() time.Time { return time.Now().Add(time.Duration(a.shift.Load())) })
	h, err := webflow.New(webflow.Config{
		Prefix: "/auth0", BaseURL: a.app.URL, Registry: reg,
		Store:        webflow.NewTokenStore(a.tokens, reg),
		CookieSecret: []byte("an-auth0-cookie-secret-of-32-bytes!!"),
		AfterApprove: a.afterApprove,
		OnError:      a.onError,
	})
	if err != nil {
		t.Fatal(err)
	}
	handler, a.handler = h, h
	mux.Handle("/dashboard", h.RequireSession(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, _ := webflow.SessionFromContext(r.Context())
		tok, ok := webflow.TokenFromContext(r.Context())
		fmt.Fprintf(w, "hello %s %s token=%v", s.BearerType, s.BearerID, ok && tok.AccessToken != "")
	})))
	jar, _ := cookiejar.New(nil)
	a.browser = &http.Client{Jar: jar, Timeout: 15 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return a
}

// openAuth0TokenStore opens a SQLite token store with the registry's
// clients on the clock now.
func openAuth0TokenStore(t *testing.T, reg *webflow.Registry, now func() time.Time) *tokenstore.Store {
	t.Helper()
	key, err := tokenstore.GenerateKey("k1")
	if err != nil {
		t.Fatal(err)
	}
	keys, err := tokenstore.NewKeyring(key)
	if err != nil {
		t.Fatal(err)
	}
	ts, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "tokens.db"),
		tokenstore.Options{Keys: keys, Clients: reg.StoreClients(), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ts.Close() })
	return ts
}

// do sends a request with the browser (redirects not followed) and
// returns the response with its body read.
func (a *auth0App) do(method, target string, header ...string) (*http.Response, string) {
	a.t.Helper()
	if strings.HasPrefix(target, "/") {
		target = a.app.URL + target
	}
	req, err := http.NewRequest(method, target, nil)
	if err != nil {
		a.t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := a.browser.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(body)
}

// authorizeURL starts sessions/new with query and returns the /authorize
// URL the app redirects to.
func (a *auth0App) authorizeURL(query string) *url.URL {
	a.t.Helper()
	resp, _ := a.do("GET", "/auth0/sessions/new?"+query)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, a.provider.Issuer+"/authorize?") {
		a.t.Fatalf("sessions/new: %d to %q", resp.StatusCode, loc)
	}
	u, err := url.Parse(loc)
	if err != nil {
		a.t.Fatal(err)
	}
	return u
}

// signIn runs the provider's pages for user from authURL and serves the
// callback; it returns the callback's response.
func (a *auth0App) signIn(authURL *url.URL, user string) *http.Response {
	a.t.Helper()
	cb := a.provider.Authorize(a.t, authURL.String(), a.app.URL+"/auth0/sessions/approve", user)
	resp, _ := a.do("GET", cb.String())
	return resp
}

func TestAuth0WebFlowSignInRequireSessionLogout(t *testing.T) {
	a := startAuth0App(t)
	ctx := context.Background()

	// Signed out: a page redirects to sign-in, an API call gets 401.
	resp, _ := a.do("GET", "/dashboard?tab=2", "Accept", "text/html")
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/auth0/sessions/new?origin=%2Fdashboard%3Ftab%3D2" {
		t.Fatalf("signed-out page: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := a.do("GET", "/dashboard", "Accept", "application/json"); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("signed-out API call: %d", resp.StatusCode)
	}

	u := a.authorizeURL("origin=%2Fdashboard%3Ftab%3D2&organization=" + a0Org + "&invitation=inv-7&evil=1")
	q := u.Query()
	if q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) != 43 || len(q.Get("nonce")) < 40 ||
		q.Get("organization") != a0Org || q.Get("invitation") != "inv-7" || q.Has("evil") || q.Get("client_id") != a0AppID ||
		!strings.Contains(q.Get("scope"), "openid") || q.Get("redirect_uri") != a.app.URL+"/auth0/sessions/approve" {
		t.Fatalf("authorization request: %v", q)
	}
	resp = a.signIn(u, a0OrgMember)
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/dashboard?tab=2" || len(a.approvals) != 1 {
		t.Fatalf("callback: %d to %q, errors %v", resp.StatusCode, resp.Header.Get("Location"), a.errs)
	}
	ap := a.approvals[0]
	if ap.BearerType != auth0.BearerUser || ap.BearerID != a0OrgMember || ap.Token.RefreshToken == "" {
		t.Fatalf("approval bearer %q %q, refresh token %v", ap.BearerType, ap.BearerID, ap.Token.RefreshToken != "")
	}
	row, err := a.tokens.Lookup(ctx, ap.TokenID)
	if err != nil || row.BearerID != a0OrgMember || row.Audience != "tenant" || row.AccessToken.Reveal() != ap.Token.AccessToken {
		t.Fatalf("stored row %v, %v", row, err)
	}
	_, body := a.do("GET", "/dashboard", "Accept", "text/html")
	if body != "hello User "+a0OrgMember+" token=true" {
		t.Fatalf("signed-in page: %q", body)
	}

	// Logout revokes the refresh token at /oauth/revoke, deletes the row
	// and ends the session.
	resp, _ = a.do("POST", "/auth0/session")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("logout: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, err := a.client.RefreshToken(ctx, ap.Token.RefreshToken); !errors.Is(err, auth.ErrInvalidGrant) && !a0Code(err, "invalid_grant") {
		t.Errorf("the refresh token still works after logout: %v", err)
	}
	if _, err := a.tokens.Lookup(ctx, ap.TokenID); !errors.Is(err, tokenstore.ErrNotFound) {
		t.Errorf("row after logout: %v", err)
	}
	if resp, _ := a.do("GET", "/dashboard", "Accept", "application/json"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("API call after logout: %d", resp.StatusCode)
	}
}

// TestAuth0WebFlowWrongNonce: an ID token minted for another nonce than
// the one sealed in the browser's cookie gives no session.
func TestAuth0WebFlowWrongNonce(t *testing.T) {
	a := startAuth0App(t)
	u := a.authorizeURL("origin=%2Fx")
	q := u.Query()
	q.Set("nonce", "a-nonce-of-another-sign-in-0123456789abcdef")
	u.RawQuery = q.Encode()
	resp := a.signIn(u, a0TestUser)
	if resp.StatusCode != http.StatusBadRequest || len(a.errs) != 1 || a.errs[0].Code != "invalid_id_token" || !errors.Is(a.errs[0], idtoken.ErrNonce) {
		t.Fatalf("wrong nonce: %d, errors %v", resp.StatusCode, a.errs)
	}
	if len(a.approvals) != 0 {
		t.Fatal("a session was made")
	}
}

// TestAuth0WebFlowOrganizationMismatch: the ID token's org_id must be the
// organization the sign-in asked for; another one, or none, is refused.
func TestAuth0WebFlowOrganizationMismatch(t *testing.T) {
	a := startAuth0App(t)
	for i, c := range []struct{ user, org string }{
		{a0OrgMember, "org_other"}, // a member of org_acme signs in for org_other
		{a0TestUser, a0Org},        // no org_id in the ID token at all
	} {
		resp := a.signIn(a.authorizeURL("organization="+c.org), c.user)
		if resp.StatusCode != http.StatusBadRequest || len(a.errs) != i+1 || a.errs[i].Code != "invalid_id_token" ||
			!(errors.Is(a.errs[i], idtoken.ErrOrganization) || errors.Is(a.errs[i], idtoken.ErrMissingClaim)) {
			t.Fatalf("%s for %s: %d, errors %v", c.user, c.org, resp.StatusCode, a.errs)
		}
	}
	if len(a.approvals) != 0 {
		t.Fatal("a session was made")
	}
}

// TestAuth0WebFlowSessionOutlivesRefresh: past the access token's expiry
// the token store refreshes it through the registry's Auth0 client (the
// provider rotates the refresh token) and the session goes on.
func TestAuth0WebFlowSessionOutlivesRefresh(t *testing.T) {
	a := startAuth0App(t)
	if resp := a.signIn(a.authorizeURL("origin=%2Fdashboard"), a0TestUser); resp.StatusCode != http.StatusFound {
		t.Fatalf("sign-in: %d, errors %v", resp.StatusCode, a.errs)
	}
	seen := map[string]bool{a.approvals[0].Token.AccessToken: true}
	a.provider.ResetStats(t)
	for i := 1; i <= 3; i++ {
		a.shift.Store(int64(time.Duration(i) * time.Hour))
		_, body := a.do("GET", "/dashboard", "Accept", "text/html")
		if body != "hello User "+a0TestUser+" token=true" {
			t.Fatalf("round %d: %q", i, body)
		}
		row, err := a.tokens.Lookup(context.Background(), a.approvals[0].TokenID)
		if err != nil || seen[row.AccessToken.Reveal()] {
			t.Fatalf("round %d: row %v, %v (not refreshed)", i, row, err)
		}
		seen[row.AccessToken.Reveal()] = true
	}
	if st := a.provider.Stats(t); st.Success["refresh_token"] != 3 {
		t.Fatalf("provider stats: %+v", st)
	}
}
