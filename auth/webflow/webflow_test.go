package webflow_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/auth/idtoken"
	"github.com/idsdk/idsdk-go/auth/webflow"
	sdkerrors "github.com/idsdk/idsdk-go/errors"
	"github.com/idsdk/idsdk-go/internal/redact/redacttest"
)

// fakeProvider stands for an authorization server. Like a server that
// enforces PKCE, it refuses an exchange whose verifier does not match the
// challenge of the last authorization request.
type fakeProvider struct {
	name string
	mu   sync.Mutex
	// exchangeErr, when set, is returned for every exchange.
	exchangeErr error
	exchanges   int
	revoked     []string
	// challenge and nonce are those of the last authorization request.
	challenge, nonce string
	// idToken, when set, makes the token response carry the ID token it
	// returns for the nonce of the last authorization request.
	idToken func(nonce string) string
	// validator is what IDTokenValidator supplies.
	validator *idtoken.Validator
}

func (p *fakeProvider) AuthCodeURL(redirectURI, state string, scopes []string, extra url.Values) string {
	q := url.Values{}
	for k, v := range extra {
		q[k] = v
	}
	q.Set("redirect_uri", redirectURI)
	q.Set("state", state)
	q.Set("scope", strings.Join(scopes, ","))
	p.mu.Lock()
	p.challenge, p.nonce = q.Get("code_challenge"), q.Get("nonce")
	p.mu.Unlock()
	return "https://" + p.name + ".example/authorize?" + q.Encode()
}

func (p *fakeProvider) Exchange(_ context.Context, code, _, verifier string) (*oauth2.Token, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.exchanges++
	if p.exchangeErr != nil {
		return nil, p.exchangeErr
	}
	if verifier == "" || oauth2.S256ChallengeFromVerifier(verifier) != p.challenge {
		return nil, &auth.TokenError{Grant: "authorization_code", StatusCode: 400, Code: "invalid_grant", Description: "PKCE verification failed"}
	}
	extra := map[string]any{"sub": "person-" + code}
	if p.idToken != nil {
		extra["id_token"] = p.idToken(p.nonce)
	}
	return (&oauth2.Token{AccessToken: "AT-" + code, TokenType: "bearer"}).WithExtra(extra), nil
}

func (p *fakeProvider) IDTokenValidator() *idtoken.Validator { return p.validator }

func (p *fakeProvider) Revoke(_ context.Context, tok *oauth2.Token) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.revoked = append(p.revoked, tok.AccessToken)
	return nil
}

type harness struct {
	h        *webflow.Handler
	store    *webflow.MemoryStore
	main     *fakeProvider
	other    *fakeProvider
	errs     []*webflow.Error
	approved []*webflow.Approval
	jar      map[string]*http.Cookie
}

// newHarness builds the handler of two clients, "main" (the default) and
// "other"; mod may change the configuration first.
func newHarness(t *testing.T, mod ...func(*harness, *webflow.Config)) *harness {
	t.Helper()
	hs := &harness{store: webflow.NewMemoryStore(), main: &fakeProvider{name: "idp"}, other: &fakeProvider{name: "other"}, jar: map[string]*http.Cookie{}}
	cfg := webflow.Config{
		Prefix:  "/zaikio",
		BaseURL: "https://app.example",
		Clients: []webflow.Client{
			{Name: "main", Provider: hs.main, Scopes: []string{"Per.directory.person.r"}, Bearer: func(tok *oauth2.Token) (string, string) {
				s, _ := tok.Extra("sub").(string)
				return "Person", s
			}},
			{Name: "other", Provider: hs.other, ConnectionScopes: []string{"Org.directory.sites.r"}},
		},
		Store:        hs.store,
		CookieSecret: []byte("0123456789abcdef0123456789abcdef"),
		AfterApprove: func(w http.ResponseWriter, r *http.Request, a *webflow.Approval) string {
			hs.approved = append(hs.approved, a)
			return ""
		},
		OnError: func(w http.ResponseWriter, r *http.Request, e *webflow.Error) {
			hs.errs = append(hs.errs, e)
			http.Error(w, e.Code, http.StatusBadRequest)
		},
	}
	for _, m := range mod {
		m(hs, &cfg)
	}
	h, err := webflow.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hs.h = h
	return hs
}

// do sends a request through the handler with the harness's cookies and
// keeps the cookies it sets.
func (hs *harness) do(method, target string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, nil)
	for _, c := range hs.jar {
		r.AddCookie(c)
	}
	w := httptest.NewRecorder()
	hs.h.ServeHTTP(w, r)
	for _, c := range w.Result().Cookies() {
		if c.MaxAge < 0 {
			delete(hs.jar, c.Name)
		} else {
			hs.jar[c.Name] = c
		}
	}
	return w
}

func location(t *testing.T, w *httptest.ResponseRecorder) *url.URL {
	t.Helper()
	if w.Code != http.StatusFound && w.Code != http.StatusSeeOther {
		t.Fatalf("status %d, want a redirect: %s", w.Code, w.Body)
	}
	u, err := url.Parse(w.Header().Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestPassThroughAllowlist(t *testing.T) {
	hs := newHarness(t)
	q := "lang=de&show_signup=true&prompt=login&prompt_email_confirmation=1&force_login=1" +
		"&person%5Bfirst_name%5D=Ada&person%5Bname%5D=Lovelace&person%5Bemail%5D=ada%40example.com" +
		"&organization%5Bname%5D=ACME&organization%5Bcountry_code%5D=DE&organization%5Bkinds%5D%5B%5D=printer&organization%5Bkinds%5D%5B%5D=supplier" +
		"&evil=1&client_id=attacker&redirect_uri=https%3A%2F%2Fevil.example&scope=Org.everything&response_type=token&person%5Bpassword%5D=x&state=app-state"
	u := location(t, hs.do("GET", "/zaikio/sessions/new?"+q))
	got := u.Query()
	want := map[string][]string{
		"lang": {"de"}, "show_signup": {"true"}, "prompt": {"login"}, "prompt_email_confirmation": {"1"}, "force_login": {"1"},
		"person[first_name]": {"Ada"}, "person[name]": {"Lovelace"}, "person[email]": {"ada@example.com"},
		"organization[name]": {"ACME"}, "organization[country_code]": {"DE"}, "organization[kinds][]": {"printer", "supplier"},
	}
	for k, v := range want {
		if strings.Join(got[k], "|") != strings.Join(v, "|") {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	for _, k := range []string{"evil", "client_id", "response_type", "person[password]"} {
		if got.Has(k) {
			t.Errorf("%s passed through", k)
		}
	}
	if got.Get("redirect_uri") != "https://app.example/zaikio/sessions/approve" || got.Get("scope") != "Per.directory.person.r" {
		t.Errorf("redirect_uri %q scope %q", got.Get("redirect_uri"), got.Get("scope"))
	}
	if s := got.Get("state"); s == "app-state" || len(s) < 40 {
		t.Errorf("state %q is not our random state", s)
	}
	ck := hs.jar["webflow_state"]
	if ck == nil || !ck.HttpOnly || !ck.Secure || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/zaikio" {
		t.Fatalf("state cookie %+v", ck)
	}
	if strings.Contains(ck.Value, got.Get("state")) || strings.Contains(ck.Value, "app-state") {
		t.Error("state cookie holds the state in clear")
	}
}

func TestApproveStoresTokenAndRedirectsToOrigin(t *testing.T) {
	hs := newHarness(t)
	u := location(t, hs.do("GET", "/zaikio/sessions/new?origin=%2Fdashboard%3Ftab%3D2&state=app-state"))
	st := u.Query().Get("state")
	back := location(t, hs.do("GET", "/zaikio/sessions/approve?code=c1&state="+url.QueryEscape(st)))
	if back.String() != "/dashboard?tab=2" {
		t.Errorf("redirect to %s", back)
	}
	if len(hs.approved) != 1 {
		t.Fatalf("approvals %d", len(hs.approved))
	}
	a := hs.approved[0]
	if a.Client != "main" || a.Kind != webflow.KindSession || a.Token.AccessToken != "AT-c1" || a.BearerID != "person-c1" || a.AppState != "app-state" {
		t.Errorf("approval %+v", a)
	}
	if hs.store.Len() != 1 {
		t.Errorf("store holds %d tokens", hs.store.Len())
	}
	if _, ok := hs.jar["webflow_state"]; ok {
		t.Error("state cookie not cleared")
	}
	r := httptest.NewRequest("GET", "/anything", nil)
	r.AddCookie(hs.jar["webflow_session"])
	tok, s, err := hs.h.Token(context.Background(), r)
	if err != nil || tok.AccessToken != "AT-c1" || s.BearerID != "person-c1" {
		t.Errorf("Token = %v, %+v, %v", tok, s, err)
	}
	// The state was used once: replaying the callback fails.
	hs.do("GET", "/zaikio/sessions/approve?code=c1&state="+url.QueryEscape(st))
	if len(hs.errs) != 1 || hs.errs[0].Code != "invalid_state" {
		t.Errorf("replay: errors %v", hs.errs)
	}
}

func TestTamperedState(t *testing.T) {
	for name, tamper := range map[string]func(hs *harness, st string) string{
		"other state": func(hs *harness, st string) string { return st[:len(st)-2] + "xx" },
		"empty state": func(hs *harness, st string) string { return "" },
		"no cookie":   func(hs *harness, st string) string { delete(hs.jar, "webflow_state"); return st },
		"forged cookie": func(hs *harness, st string) string {
			c := *hs.jar["webflow_state"]
			// Change the first character, whatever it is.
			first := "A"
			if c.Value[0] == 'A' {
				first = "B"
			}
			c.Value = first + c.Value[1:]
			hs.jar[c.Name] = &c
			return st
		},
	} {
		t.Run(name, func(t *testing.T) {
			hs := newHarness(t)
			st := location(t, hs.do("GET", "/zaikio/sessions/new")).Query().Get("state")
			st = tamper(hs, st)
			w := hs.do("GET", "/zaikio/sessions/approve?code=c1&state="+url.QueryEscape(st))
			if w.Code != http.StatusBadRequest || len(hs.errs) != 1 || hs.errs[0].Code != "invalid_state" {
				t.Errorf("status %d, errors %v", w.Code, hs.errs)
			}
			if hs.main.exchanges != 0 || hs.store.Len() != 0 {
				t.Error("the code was exchanged despite the bad state")
			}
		})
	}
	// A state sealed for one client does not open for another.
	hs := newHarness(t)
	st := location(t, hs.do("GET", "/zaikio/sessions/new")).Query().Get("state")
	hs.do("GET", "/zaikio/other/connections/approve?code=c1&state="+url.QueryEscape(st))
	if len(hs.errs) != 1 || hs.errs[0].Code != "invalid_state" {
		t.Errorf("cross-client: errors %v", hs.errs)
	}
}

func TestOpenRedirectOriginRefused(t *testing.T) {
	for _, origin := range []string{"//evil.com", "/\\evil.com", "https://evil.com", "javascript:alert(1)", "%2F%2Fevil.com",
		"/%2F%2Fevil.com", "/%5Cevil.com", "/%252F%252Fevil.com", "\\\\evil.com", "/\t/evil.com", "evil.com", "//%65vil.com", "/%0d%0aLocation:x"} {
		hs := newHarness(t)
		st := location(t, hs.do("GET", "/zaikio/sessions/new?origin="+url.QueryEscape(origin))).Query().Get("state")
		back := location(t, hs.do("GET", "/zaikio/sessions/approve?code=c&state="+url.QueryEscape(st)))
		if back.String() != "/" {
			t.Errorf("origin %q led to %q", origin, back)
		}
	}
	for _, ok := range []string{"/", "/a/b?c=d#e", "/%7Euser"} {
		if got, safe := webflow.SafeOrigin(ok); !safe || got != ok {
			t.Errorf("SafeOrigin(%q) = %q, %v", ok, got, safe)
		}
	}
}

func TestServerErrors(t *testing.T) {
	hs := newHarness(t)
	st := location(t, hs.do("GET", "/zaikio/sessions/new?origin=/here")).Query().Get("state")
	back := location(t, hs.do("GET", "/zaikio/sessions/approve?error=access_denied&state="+url.QueryEscape(st)))
	if back.String() != "/here" || len(hs.errs) != 0 {
		t.Errorf("access_denied: redirect %s, errors %v", back, hs.errs)
	}
	st = location(t, hs.do("GET", "/zaikio/sessions/new")).Query().Get("state")
	hs.do("GET", "/zaikio/sessions/approve?error=invalid_scope&error_description=unknown+scope&state="+url.QueryEscape(st))
	if len(hs.errs) != 1 || hs.errs[0].Code != "invalid_scope" || hs.errs[0].Description != "unknown scope" {
		t.Errorf("invalid_scope: errors %v", hs.errs)
	}
}

func TestExchangeRestartsThreeTimes(t *testing.T) {
	hs := newHarness(t)
	hs.main.exchangeErr = &auth.TokenError{Grant: "authorization_code", StatusCode: 400, Code: "invalid_grant"}
	st := location(t, hs.do("GET", "/zaikio/sessions/new?origin=/x")).Query().Get("state")
	for i := 1; i <= 3; i++ {
		u := location(t, hs.do("GET", "/zaikio/sessions/approve?code=c&state="+url.QueryEscape(st)))
		if u.Host != "idp.example" || len(hs.errs) != 0 {
			t.Fatalf("restart %d: went to %s, errors %v", i, u, hs.errs)
		}
		next := u.Query().Get("state")
		if next == st {
			t.Fatal("a restart reused the state")
		}
		st = next
	}
	hs.do("GET", "/zaikio/sessions/approve?code=c&state="+url.QueryEscape(st))
	if len(hs.errs) != 1 || hs.errs[0].Code != "invalid_grant" || hs.main.exchanges != 4 {
		t.Errorf("after 3 restarts: errors %v, exchanges %d", hs.errs, hs.main.exchanges)
	}
}

func TestClientsByPrefixAndLogout(t *testing.T) {
	hs := newHarness(t)
	u := location(t, hs.do("GET", "/zaikio/other/connections/new?origin=/orgs"))
	if u.Host != "other.example" || u.Query().Get("redirect_uri") != "https://app.example/zaikio/other/connections/approve" || u.Query().Get("scope") != "Org.directory.sites.r" {
		t.Fatalf("other client went to %s", u)
	}
	back := location(t, hs.do("GET", "/zaikio/other/connections/approve?code=o1&state="+url.QueryEscape(u.Query().Get("state"))))
	if back.String() != "/orgs" || hs.approved[0].Kind != webflow.KindConnection || hs.approved[0].Client != "other" {
		t.Errorf("connection: %s %+v", back, hs.approved)
	}
	if _, ok := hs.jar["webflow_session"]; ok {
		t.Error("a connection set a session")
	}
	if hs.do("GET", "/zaikio/nobody/sessions/new"); len(hs.errs) != 1 || hs.errs[0].Code != "unknown_client" {
		t.Errorf("unknown client: errors %v", hs.errs)
	}
	hs.errs = nil

	st := location(t, hs.do("GET", "/zaikio/sessions/new")).Query().Get("state")
	location(t, hs.do("GET", "/zaikio/sessions/approve?code=p1&state="+url.QueryEscape(st)))
	if hs.store.Len() != 2 {
		t.Fatalf("store %d", hs.store.Len())
	}
	for _, method := range []string{"DELETE", "POST"} {
		w := hs.do(method, "/zaikio/session")
		if got := location(t, w); got.String() != "/" {
			t.Errorf("%s logout went to %s", method, got)
		}
	}
	if len(hs.main.revoked) != 1 || hs.main.revoked[0] != "AT-p1" || hs.store.Len() != 1 {
		t.Errorf("revoked %v, store %d", hs.main.revoked, hs.store.Len())
	}
	if _, ok := hs.jar["webflow_session"]; ok {
		t.Error("session cookie survived logout")
	}
}

func TestNewChecksConfig(t *testing.T) {
	p := &fakeProvider{name: "x"}
	good := webflow.Config{BaseURL: "https://a.example", Clients: []webflow.Client{{Name: "a", Provider: p}}, Store: webflow.NewMemoryStore(), CookieSecret: make([]byte, 32)}
	if _, err := webflow.New(good); err != nil {
		t.Fatal(err)
	}
	for name, mod := range map[string]func(c *webflow.Config){
		"short secret": func(c *webflow.Config) { c.CookieSecret = make([]byte, 16) },
		"no store":     func(c *webflow.Config) { c.Store = nil },
		"no clients":   func(c *webflow.Config) { c.Clients = nil },
		"bad base":     func(c *webflow.Config) { c.BaseURL = "app.example" },
		"bad name":     func(c *webflow.Config) { c.Clients = []webflow.Client{{Name: "a/b", Provider: p}} },
		"dup": func(c *webflow.Config) {
			c.Clients = []webflow.Client{{Name: "a", Provider: p}, {Name: "a", Provider: p}}
		},
		"bad default":  func(c *webflow.Config) { c.DefaultClient = "zzz" },
		"bad origin":   func(c *webflow.Config) { c.DefaultOrigin = "//evil" },
		"nil provider": func(c *webflow.Config) { c.Clients = []webflow.Client{{Name: "a"}} },
	} {
		c := good
		mod(&c)
		if _, err := webflow.New(c); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestCrossSiteLogoutRefused(t *testing.T) {
	hs := newHarness(t)
	st := location(t, hs.do("GET", "/zaikio/sessions/new")).Query().Get("state")
	location(t, hs.do("GET", "/zaikio/sessions/approve?code=p1&state="+url.QueryEscape(st)))
	r := httptest.NewRequest("POST", "/zaikio/session", nil)
	r.Header.Set("Origin", "https://evil.example")
	r.AddCookie(hs.jar["webflow_session"])
	w := httptest.NewRecorder()
	hs.h.ServeHTTP(w, r)
	if w.Code != http.StatusForbidden || hs.store.Len() != 1 || len(hs.main.revoked) != 0 {
		t.Errorf("cross-site logout: %d, stored %d", w.Code, hs.store.Len())
	}
	r.Header.Set("Origin", "https://app.example")
	w = httptest.NewRecorder()
	hs.h.ServeHTTP(w, r)
	if w.Code != http.StatusSeeOther || hs.store.Len() != 0 {
		t.Errorf("same-site logout: %d, stored %d", w.Code, hs.store.Len())
	}
}

func TestWrongApproveRoute(t *testing.T) {
	hs := newHarness(t)
	st := location(t, hs.do("GET", "/zaikio/sessions/new")).Query().Get("state")
	hs.do("GET", "/zaikio/connections/approve?code=c&state="+url.QueryEscape(st))
	if len(hs.errs) != 1 || hs.errs[0].Code != "invalid_state" || hs.main.exchanges != 0 {
		t.Errorf("errors %v, exchanges %d", hs.errs, hs.main.exchanges)
	}
}

// TestExchangeErrorScrubsTheCode: a provider whose token endpoint repeats
// the authorization code in its error does not get the code to OnError.
func TestExchangeErrorScrubsTheCode(t *testing.T) {
	const code = "CODE-webflow-echo-7c7c"
	hs := newHarness(t)
	hs.main.exchangeErr = &auth.TokenError{Grant: "authorization_code", StatusCode: 400, Code: "server_error",
		Description: "cannot redeem " + code, Err: &sdkerrors.OAuthError{StatusCode: 400, Code: "server_error", Description: "cannot redeem " + code}}
	st := location(t, hs.do("GET", "/zaikio/sessions/new?origin=/x")).Query().Get("state")
	hs.do("GET", "/zaikio/sessions/approve?code="+code+"&state="+url.QueryEscape(st))
	if len(hs.errs) != 1 {
		t.Fatalf("errors %v", hs.errs)
	}
	redacttest.Check(t, "webflow.Error", hs.errs[0], code)
}
