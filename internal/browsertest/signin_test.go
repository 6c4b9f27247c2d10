package browsertest

import (
	"fmt"
	"html"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idsdk/idsdk-go/auth/auth0"
	"github.com/idsdk/idsdk-go/auth/webflow"
	"github.com/idsdk/idsdk-go/auth/zaikio"
	"github.com/idsdk/idsdk-go/internal/peers"
	"github.com/idsdk/idsdk-go/retry"
)

const (
	appSecret = "browser-test-client-secret-0123456789"
	orgMember = "auth0|org-member"
	org       = "org_acme"
)

// routes puts the provider's endpoints at Auth0's paths; the Zaikio
// client is pointed at them explicitly.
var routes = map[string]string{
	"token": "/oauth/token", "authorization": "/authorize", "userinfo": "/userinfo",
	"revocation": "/oauth/revoke", "jwks": "/.well-known/jwks.json",
}

// site is the app: both presets mounted on one ServeMux, served at
// http://localhost:<port> while the provider is at http://127.0.0.1.
type site struct {
	url            string
	zaikio, auth0  *webflow.Handler
	zStore, aStore *webflow.MemoryStore
	mu             sync.Mutex
	revoked        int
	errs           []string
}

func startSite(t *testing.T) (*site, *peers.OIDCProvider) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &site{url: fmt.Sprintf("http://localhost:%d", l.Addr().(*net.TCPAddr).Port),
		zStore: webflow.NewMemoryStore(), aStore: webflow.NewMemoryStore()}
	mux := http.NewServeMux()
	app := &httptest.Server{Listener: l, Config: &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}}
	app.Start()
	t.Cleanup(app.Close)

	p := peers.OIDC(t, peers.OIDCConfig{
		Scopes:        []string{"openid", "profile", "email", "offline_access"},
		Routes:        routes,
		AccountClaims: map[string]map[string]any{orgMember: {"org_id": org}},
		Clients: []map[string]any{
			s.clientMeta("warehouse", "/zaikio/sessions/approve", "openid"),
			s.clientMeta("a0-app", "/auth0/sessions/approve", "openid profile email offline_access"),
		},
	})
	hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/api/v1/revoked_access_tokens" {
			s.mu.Lock()
			s.revoked++
			s.mu.Unlock()
			w.WriteHeader(http.StatusCreated)
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(hub.Close)
	zc, err := zaikio.NewClient(zaikio.Config{Host: hub.URL, ClientID: "warehouse", ClientSecret: appSecret,
		AuthURL: p.AuthURL, TokenURL: p.TokenURL, IDTokenIssuer: p.Issuer, IDTokenJWKSURL: p.JWKSURL})
	if err != nil {
		t.Fatal(err)
	}
	s.zaikio = s.handler(t, "/zaikio", "zaikio", s.zStore, zaikio.WebflowClient("warehouse", zc, []string{"openid"}, nil))
	ac, err := auth0.New("tenant.example.auth0.com", "a0-app", auth0.WithBaseURL(p.Issuer), auth0.WithIssuer(p.Issuer),
		auth0.WithClientSecret(appSecret), auth0.WithRetry(retry.Off()))
	if err != nil {
		t.Fatal(err)
	}
	s.auth0 = s.handler(t, "/auth0", "auth0", s.aStore, auth0.WebflowClient("tenant", ac, "", "openid", "profile", "offline_access"))

	mux.Handle("/zaikio/", s.zaikio)
	mux.Handle("/auth0/", s.auth0)
	mux.Handle("/zaikio/dashboard", s.zaikio.RequireSession(dashboard("zaikio")))
	mux.Handle("/auth0/dashboard", s.auth0.RequireSession(dashboard("auth0")))
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		_, z := s.zaikio.Session(r)
		_, a := s.auth0.Session(r)
		fmt.Fprintf(w, "<!doctype html><title>home</title><p>home zaikio=%v auth0=%v</p>", z, a)
	})
	return s, p
}

func (s *site) clientMeta(id, callback, scope string) map[string]any {
	return map[string]any{
		"client_id": id, "client_secret": appSecret, "token_endpoint_auth_method": "client_secret_post",
		"grant_types": []string{"authorization_code", "refresh_token"}, "response_types": []string{"code"},
		"redirect_uris": []string{s.url + callback}, "scope": scope,
	}
}

func (s *site) handler(t *testing.T, prefix, cookie string, store webflow.Store, c webflow.Client) *webflow.Handler {
	t.Helper()
	h, err := webflow.New(webflow.Config{
		Prefix: prefix, BaseURL: s.url, CookieName: cookie, Clients: []webflow.Client{c}, Store: store,
		CookieSecret: []byte("browser-test-cookie-secret-of-32-bytes"),
		OnError: func(w http.ResponseWriter, r *http.Request, e *webflow.Error) {
			s.mu.Lock()
			s.errs = append(s.errs, e.Error())
			s.mu.Unlock()
			http.Error(w, "sign-in failed: "+e.Code, http.StatusBadRequest)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// dashboard greets the signed-in person and offers a sign-out button.
func dashboard(prefix string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, _ := webflow.SessionFromContext(r.Context())
		tok, _ := webflow.TokenFromContext(r.Context())
		fmt.Fprintf(w, `<!doctype html><title>dashboard</title><p id="hello">%s hello %s token=%v</p>
<form method="post" action="/%s/session"><button id="logout" type="submit">Sign out</button></form>`,
			prefix, html.EscapeString(sess.BearerID), tok != nil && tok.AccessToken != "", prefix)
	})
}

// signIn goes to start and passes the provider's login and consent
// pages as user, until the browser is back on the app.
func (s *site) signIn(t *testing.T, b *peers.Browser, start, issuer, user string) string {
	t.Helper()
	b.Go(start)
	for step := 0; ; step++ {
		u := b.URL()
		if strings.HasPrefix(u, s.url) {
			return u
		}
		if step > 6 || !strings.HasPrefix(u, issuer) {
			t.Fatalf("sign-in stuck on %s (errors %v): %.500s", u, s.errs, b.Text())
		}
		if b.Has("input[name=login]") {
			b.Type("input[name=login]", user)
			if b.Has("input[name=password]") {
				b.Type("input[name=password]", "any")
			}
		}
		b.Click("button[type=submit]")
		// Each step of the provider has its own interaction URL: wait for
		// the next page before looking at it.
		for wait := time.Now(); b.URL() == u; time.Sleep(50 * time.Millisecond) {
			if time.Since(wait) > 10*time.Second {
				t.Fatalf("the form on %s went nowhere", u)
			}
		}
	}
}

// waitExactURL waits until the browser is on want.
func waitExactURL(t *testing.T, b *peers.Browser, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for b.URL() != want {
		if time.Now().After(deadline) {
			t.Fatalf("still on %s, want %s: %.300s", b.URL(), want, b.Text())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// sessionCookie checks the browser's cookies on the app: the session
// cookie HttpOnly and SameSite=Lax, the state cookie gone.
func sessionCookie(t *testing.T, b *peers.Browser, name string) bool {
	t.Helper()
	found := false
	for _, c := range b.Cookies() {
		switch c.Name {
		case name + "_session":
			if !c.HTTPOnly || c.SameSite != "Lax" || c.Path != "/" {
				t.Errorf("session cookie %+v", c)
			}
			found = true
		case name + "_state":
			t.Errorf("state cookie left after the callback: %+v", c)
		}
	}
	return found
}

func TestBrowserSignInCrossSite(t *testing.T) {
	begin := time.Now()
	b := peers.Chromium(t)
	s, p := startSite(t)
	t.Logf("browser and peers up in %s", time.Since(begin).Round(time.Millisecond))
	if !strings.HasPrefix(p.Issuer, "http://127.0.0.1:") || !strings.HasPrefix(s.url, "http://localhost:") {
		t.Fatalf("app %s and provider %s must be different sites", s.url, p.Issuer)
	}

	t.Run("Zaikio", func(t *testing.T) {
		// A protected page sends the browser through sign-in and back to
		// it. (The provider sends no Zaikio "bearer" object: no bearer id.)
		landed := s.signIn(t, b, s.url+"/zaikio/dashboard?tab=stock", p.Issuer, "person-ada")
		if landed != s.url+"/zaikio/dashboard?tab=stock" || !strings.Contains(b.Text(), "zaikio hello token=true") {
			t.Fatalf("landed on %s (errors %v): %q", landed, s.errs, b.Text())
		}
		if !sessionCookie(t, b, "zaikio") || s.zStore.Len() != 1 {
			t.Fatalf("no session cookie, stored %d", s.zStore.Len())
		}
		b.Click("#logout")
		waitExactURL(t, b, s.url+"/")
		if !strings.Contains(b.Text(), "home zaikio=false") {
			t.Fatalf("after sign-out: %q", b.Text())
		}
		if sessionCookie(t, b, "zaikio") || s.zStore.Len() != 0 || s.revoked != 1 {
			t.Fatalf("after sign-out: stored %d, revoked %d", s.zStore.Len(), s.revoked)
		}
	})

	t.Run("Auth0", func(t *testing.T) {
		// prompt=login: the provider's session of the first person does
		// not sign the second one in.
		start := s.url + "/auth0/sessions/new?" + url.Values{
			"origin": {"/auth0/dashboard?from=invite"}, "organization": {org}, "prompt": {"login"},
		}.Encode()
		landed := s.signIn(t, b, start, p.Issuer, orgMember)
		if landed != s.url+"/auth0/dashboard?from=invite" || !strings.Contains(b.Text(), "auth0 hello "+orgMember+" token=true") {
			t.Fatalf("landed on %s (errors %v): %q", landed, s.errs, b.Text())
		}
		if !sessionCookie(t, b, "auth0") || s.aStore.Len() != 1 {
			t.Fatalf("no session cookie, stored %d", s.aStore.Len())
		}
		b.Click("#logout")
		waitExactURL(t, b, s.url+"/")
		if !strings.Contains(b.Text(), "home zaikio=false auth0=false") {
			t.Fatalf("after sign-out: %q", b.Text())
		}
		if sessionCookie(t, b, "auth0") || s.aStore.Len() != 0 {
			t.Fatalf("after sign-out: stored %d", s.aStore.Len())
		}
	})
	t.Logf("browser test took %s", time.Since(begin).Round(time.Millisecond))
}
