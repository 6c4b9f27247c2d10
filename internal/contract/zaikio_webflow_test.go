package contract_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/auth/idtoken"
	"github.com/idsdk/idsdk-go/auth/tokenstore"
	"github.com/idsdk/idsdk-go/auth/tokenstore/sqlite"
	"github.com/idsdk/idsdk-go/auth/webflow"
	"github.com/idsdk/idsdk-go/auth/zaikio"
	"github.com/idsdk/idsdk-go/internal/peers"
)

const zaikioAppSecret = "zaikio-app-secret-0123456789"

// zaikioApp is a web app using the Zaikio web flow, with node-oidc-provider
// (PKCE required of every client, refresh tokens rotated) standing in for
// the Hub's OAuth endpoints and a fake Hub API recording revocations. The
// app reaches the token endpoint through a proxy that can spoil the
// signature of the ID tokens it passes on.
type zaikioApp struct {
	t         *testing.T
	provider  *peers.OIDCProvider
	app       *httptest.Server
	handler   *webflow.Handler
	store     *webflow.MemoryStore
	flowStore webflow.Store
	client    *http.Client // the browser: a cookie jar, redirects not followed
	jar       *cookiejar.Jar
	// badSignature makes the token proxy flip a byte of every ID token's
	// signature.
	badSignature atomic.Bool

	mu      sync.Mutex
	revoked []string

	flowOutcomes
}

// flowOutcomes records what a web flow handler approved and refused, for
// its Config's AfterApprove and OnError.
type flowOutcomes struct {
	outMu     sync.Mutex
	approvals []*webflow.Approval
	errs      []*webflow.Error
}

// afterApprove records a and stays on the flow's own redirect.
func (o *flowOutcomes) afterApprove(w http.ResponseWriter, r *http.Request, a *webflow.Approval) string {
	o.outMu.Lock()
	o.approvals = append(o.approvals, a)
	o.outMu.Unlock()
	return ""
}

// onError records e and answers 400 with its code.
func (o *flowOutcomes) onError(w http.ResponseWriter, r *http.Request, e *webflow.Error) {
	o.outMu.Lock()
	o.errs = append(o.errs, e)
	o.outMu.Unlock()
	http.Error(w, e.Code, http.StatusBadRequest)
}

func startZaikioApp(t *testing.T) *zaikioApp { return startZaikioAppWith(t, nil) }

// startZaikioAppWith runs the app on store, or on a MemoryStore when nil.
func startZaikioAppWith(t *testing.T, store webflow.Store) *zaikioApp {
	t.Helper()
	za := &zaikioApp{t: t, store: webflow.NewMemoryStore(), flowStore: store}
	if store == nil {
		za.flowStore = za.store
	}
	var handler http.Handler
	za.app = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/zaikio/") {
			handler.ServeHTTP(w, r)
			return
		}
		_, _ = w.Write([]byte("page " + r.URL.Path))
	}))
	t.Cleanup(za.app.Close)
	hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/api/v1/revoked_access_tokens" {
			za.mu.Lock()
			za.revoked = append(za.revoked, strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
			za.mu.Unlock()
			w.WriteHeader(http.StatusCreated)
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(hub.Close)

	za.provider = peers.OIDC(t, peers.OIDCConfig{
		Scopes: []string{"openid"},
		Routes: map[string]string{"token": "/oauth/access_token", "authorization": "/oauth/authorize"},
		Clients: []map[string]any{{
			"client_id": "warehouse", "client_secret": zaikioAppSecret,
			"token_endpoint_auth_method": "client_secret_post",
			"grant_types":                []string{"authorization_code", "refresh_token"},
			"redirect_uris":              []string{za.app.URL + "/zaikio/sessions/approve"},
			"response_types":             []string{"code"},
			"scope":                      "openid",
		}},
	})
	tokenProxy := httptest.NewServer(http.HandlerFunc(za.proxyToken))
	t.Cleanup(tokenProxy.Close)
	zc, err := zaikio.NewClient(zaikio.Config{
		Host:           hub.URL,
		ClientID:       "warehouse",
		ClientSecret:   zaikioAppSecret,
		AuthURL:        za.provider.AuthURL,
		TokenURL:       tokenProxy.URL + "/oauth/access_token",
		IDTokenIssuer:  za.provider.Issuer,
		IDTokenJWKSURL: za.provider.JWKSURL,
	})
	if err != nil {
		t.Fatal(err)
	}
	h, err := webflow.New(webflow.Config{
		Prefix:       "/zaikio",
		BaseURL:      za.app.URL,
		Clients:      []webflow.Client{zaikio.WebflowClient("warehouse", zc, []string{"openid"}, nil)},
		Store:        za.flowStore,
		CookieSecret: []byte("a-cookie-secret-of-32-bytes-or-more!"),
		AfterApprove: za.afterApprove,
		OnError:      za.onError,
	})
	if err != nil {
		t.Fatal(err)
	}
	handler = h
	za.handler = h
	za.jar, _ = cookiejar.New(nil)
	za.client = &http.Client{Jar: za.jar, Timeout: 15 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return za
}

// proxyToken passes a token request on to the provider and its answer
// back, with the ID token's signature spoiled when badSignature is set.
func (za *zaikioApp) proxyToken(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	req, _ := http.NewRequestWithContext(r.Context(), r.Method, za.provider.TokenURL, bytes.NewReader(body))
	req.Header = r.Header.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	var doc map[string]any
	if raw, ok := idTokenOf(out, &doc); ok && za.badSignature.Load() {
		dot := strings.LastIndexByte(raw, '.')
		sig := []byte(raw[dot+1:])
		if mid := len(sig) / 2; sig[mid] == 'A' {
			sig[mid] = 'B'
		} else {
			sig[mid] = 'A'
		}
		doc["id_token"] = raw[:dot+1] + string(sig)
		out, _ = json.Marshal(doc)
	}
	w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(out)
}

// idTokenOf reads the id_token of a token response body into doc.
func idTokenOf(body []byte, doc *map[string]any) (string, bool) {
	if json.Unmarshal(body, doc) != nil {
		return "", false
	}
	raw, ok := (*doc)["id_token"].(string)
	return raw, ok && strings.Count(raw, ".") == 2
}

// stateCookie returns the browser's state cookie, to replay it.
func (za *zaikioApp) stateCookie() *http.Cookie {
	za.t.Helper()
	u, _ := url.Parse(za.app.URL + "/zaikio/")
	for _, c := range za.jar.Cookies(u) {
		if c.Name == "webflow_state" {
			return c
		}
	}
	za.t.Fatal("no state cookie in the browser")
	return nil
}

// get requests path (or a full URL) on the app with the browser.
func (za *zaikioApp) get(method, target string) *http.Response {
	za.t.Helper()
	if strings.HasPrefix(target, "/") {
		target = za.app.URL + target
	}
	req, err := http.NewRequest(method, target, nil)
	if err != nil {
		za.t.Fatal(err)
	}
	resp, err := za.client.Do(req)
	if err != nil {
		za.t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// login starts sessions/new with query, lets the provider's login pages
// run for user and returns the provider's redirect back to the app (not
// yet followed).
func (za *zaikioApp) login(query, user string) *url.URL {
	za.t.Helper()
	resp := za.get("GET", "/zaikio/sessions/new?"+query)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, za.provider.AuthURL+"?") {
		za.t.Fatalf("sessions/new: %d to %q", resp.StatusCode, loc)
	}
	return za.provider.Authorize(za.t, loc, za.app.URL+"/zaikio/sessions/approve", user)
}

func TestZaikioWebFlowEndToEnd(t *testing.T) {
	za := startZaikioApp(t)

	// sessions/new -> provider login -> sessions/approve -> stored -> origin.
	cb := za.login("origin=%2Fwarehouse%2Fstock%3Fpage%3D2&lang=de&evil=1", "person-ada")
	if cb.Query().Get("code") == "" {
		t.Fatalf("no code: %s", cb)
	}
	resp := za.get("GET", cb.String())
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/warehouse/stock?page=2" {
		t.Fatalf("approve: %d to %q (errors %v)", resp.StatusCode, resp.Header.Get("Location"), za.errs)
	}
	if len(za.approvals) != 1 || za.store.Len() != 1 {
		t.Fatalf("approvals %d, stored %d", len(za.approvals), za.store.Len())
	}
	a := za.approvals[0]
	stored, err := za.store.Find(context.Background(), a.TokenID)
	if err != nil || stored.AccessToken == "" || stored.AccessToken != a.Token.AccessToken {
		t.Fatalf("stored token: %v", err)
	}

	// The provider accepts the stored token: it is a real one.
	req, _ := http.NewRequest(http.MethodGet, za.provider.Issuer+"/me", nil)
	req.Header.Set("Authorization", "Bearer "+stored.AccessToken)
	if me, err := http.DefaultClient.Do(req); err != nil || me.StatusCode != http.StatusOK {
		t.Errorf("the provider's userinfo refuses the stored token: %v %v", err, me)
	} else {
		me.Body.Close()
	}

	// Logout revokes the token at the Hub and forgets it.
	resp = za.get("POST", "/zaikio/session")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Errorf("logout: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if len(za.revoked) != 1 || za.revoked[0] != stored.AccessToken || za.store.Len() != 0 {
		t.Errorf("revoked %d tokens (right one: %v), stored %d", len(za.revoked), len(za.revoked) == 1 && za.revoked[0] == stored.AccessToken, za.store.Len())
	}
}

func TestZaikioWebFlowTamperedStateAndOrigin(t *testing.T) {
	za := startZaikioApp(t)

	cb := za.login("origin=%2F%2Fevil.example%2Fphish", "person-bob")
	q := cb.Query()
	st := q.Get("state")
	q.Set("state", st[:len(st)-1]+string("AB"[len(st)%2]))
	if q.Get("state") == st {
		t.Fatal("tamper did not change the state")
	}
	bad := *cb
	bad.RawQuery = q.Encode()
	resp := za.get("GET", bad.String())
	if resp.StatusCode != http.StatusBadRequest || len(za.errs) != 1 || za.errs[0].Code != "invalid_state" || za.store.Len() != 0 {
		t.Fatalf("tampered state: %d, errors %v, stored %d", resp.StatusCode, za.errs, za.store.Len())
	}

	// The state cookie is gone after a failure: start again, keep the
	// open-redirect origin, and land on "/" instead of evil.example.
	cb = za.login("origin=%2F%2Fevil.example%2Fphish", "person-bob")
	resp = za.get("GET", cb.String())
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/" {
		t.Fatalf("open redirect origin: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// TestZaikioWebFlowPKCEInjectedCodeRestarts: the provider requires PKCE.
// A thief holding a code but not the verifier sealed in the browser's
// state cookie cannot redeem it; a code injected into another browser's
// callback (that browser's verifier is the wrong one) is refused by the
// provider, so the app restarts the flow and stores nothing from it.
func TestZaikioWebFlowPKCEInjectedCodeRestarts(t *testing.T) {
	za := startZaikioApp(t)
	stolen := za.login("origin=%2Fhome", "person-mallory")
	if stolen.Query().Get("code") == "" {
		t.Fatalf("no code: %s", stolen)
	}
	thief := &oauth2.Config{ClientID: "warehouse", ClientSecret: zaikioAppSecret, RedirectURL: za.app.URL + "/zaikio/sessions/approve",
		Endpoint: oauth2.Endpoint{AuthURL: za.provider.AuthURL, TokenURL: za.provider.TokenURL, AuthStyle: oauth2.AuthStyleInParams}}
	var re *oauth2.RetrieveError
	if _, err := thief.Exchange(context.Background(), stolen.Query().Get("code")); !errors.As(err, &re) || re.ErrorCode != "invalid_grant" {
		t.Fatalf("exchange without the verifier: %v", err)
	}

	// The victim's browser starts its own sign-in; the attacker's code
	// replaces the victim's in the callback.
	cb := za.login("origin=%2Fhome", "person-cy")
	q := cb.Query()
	q.Set("code", stolen.Query().Get("code"))
	injected := *cb
	injected.RawQuery = q.Encode()
	za.provider.ResetStats(t)
	resp := za.get("GET", injected.String())
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, za.provider.AuthURL+"?") || len(za.errs) != 0 || za.store.Len() != 0 {
		t.Fatalf("injected code: %d to %q, errors %v, stored %d", resp.StatusCode, loc, za.errs, za.store.Len())
	}
	if st := za.provider.Stats(t); st.Success["authorization_code"] != 0 || st.Error["authorization_code"] != 1 {
		t.Fatalf("provider stats after the injected code: %+v", st)
	}
	// The restart signs the victim in as themselves.
	cb = za.provider.Authorize(t, loc, za.app.URL+"/zaikio/sessions/approve", "person-cy")
	resp = za.get("GET", cb.String())
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/home" || za.store.Len() != 1 {
		t.Fatalf("after restart: %d to %q, stored %d, errors %v", resp.StatusCode, resp.Header.Get("Location"), za.store.Len(), za.errs)
	}
	if sub := idTokenSubject(za.approvals[0].Token); sub != "person-cy" {
		t.Fatalf("signed in as %q", sub)
	}
}

// TestZaikioWebFlowAuthorizationRequest: the app sends an S256 code
// challenge and, for the openid scope, a nonce.
func TestZaikioWebFlowAuthorizationRequest(t *testing.T) {
	za := startZaikioApp(t)
	resp := za.get("GET", "/zaikio/sessions/new")
	u, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) != 43 || len(q.Get("nonce")) < 40 {
		t.Fatalf("authorization request: %v", q)
	}
}

// TestZaikioWebFlowReplayedCallback: a callback replayed with the state
// cookie captured before it is refused by the app; the provider's token
// endpoint sees one request, not two.
func TestZaikioWebFlowReplayedCallback(t *testing.T) {
	za := startZaikioApp(t)
	cb := za.login("origin=%2Fstock", "person-eve")
	captured := za.stateCookie()
	za.provider.ResetStats(t)
	if resp := za.get("GET", cb.String()); resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/stock" {
		t.Fatalf("callback: %d to %q, errors %v", resp.StatusCode, resp.Header.Get("Location"), za.errs)
	}
	u, _ := url.Parse(za.app.URL + "/zaikio/")
	za.jar.SetCookies(u, []*http.Cookie{{Name: captured.Name, Value: captured.Value, Path: "/zaikio"}})
	resp := za.get("GET", cb.String())
	if resp.StatusCode != http.StatusBadRequest || len(za.errs) != 1 || za.errs[0].Code != "invalid_state" {
		t.Fatalf("replay: %d, errors %v", resp.StatusCode, za.errs)
	}
	if st := za.provider.Stats(t); st.Requests != 1 || za.store.Len() != 1 {
		t.Fatalf("token endpoint requests %d (want 1), stored %d", st.Requests, za.store.Len())
	}
}

// TestZaikioWebFlowWrongNonce: a browser that reaches the provider with
// another nonce than the app sealed (an ID token minted for another
// sign-in) gets no session.
func TestZaikioWebFlowWrongNonce(t *testing.T) {
	za := startZaikioApp(t)
	resp := za.get("GET", "/zaikio/sessions/new?origin=%2Fx")
	u, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("nonce", "a-nonce-of-another-sign-in-0123456789abcdef")
	u.RawQuery = q.Encode()
	cb := za.provider.Authorize(t, u.String(), za.app.URL+"/zaikio/sessions/approve", "person-fay")
	resp = za.get("GET", cb.String())
	if resp.StatusCode != http.StatusBadRequest || len(za.errs) != 1 || za.errs[0].Code != "invalid_id_token" || !errors.Is(za.errs[0], idtoken.ErrNonce) {
		t.Fatalf("wrong nonce: %d, errors %v", resp.StatusCode, za.errs)
	}
	if za.store.Len() != 0 || len(za.approvals) != 0 {
		t.Fatalf("stored %d, approvals %d", za.store.Len(), len(za.approvals))
	}
}

// TestZaikioWebFlowBadIDTokenSignature: an ID token whose signature does
// not verify with the provider's keys gets no session.
func TestZaikioWebFlowBadIDTokenSignature(t *testing.T) {
	za := startZaikioApp(t)
	za.badSignature.Store(true)
	cb := za.login("origin=%2Fx", "person-gil")
	resp := za.get("GET", cb.String())
	if resp.StatusCode != http.StatusBadRequest || len(za.errs) != 1 || za.errs[0].Code != "invalid_id_token" || !errors.Is(za.errs[0], idtoken.ErrSignature) {
		t.Fatalf("bad signature: %d, errors %v", resp.StatusCode, za.errs)
	}
	if za.store.Len() != 0 {
		t.Fatalf("stored %d", za.store.Len())
	}
}

// TestZaikioWebFlowLogoutNullOrigin: a sign-out from an opaque origin is
// refused and the person stays signed in.
func TestZaikioWebFlowLogoutNullOrigin(t *testing.T) {
	za := startZaikioApp(t)
	za.get("GET", za.login("", "person-hal").String())
	req, _ := http.NewRequest(http.MethodPost, za.app.URL+"/zaikio/session", nil)
	req.Header.Set("Origin", "null")
	resp, err := za.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || za.store.Len() != 1 || len(za.revoked) != 0 {
		t.Fatalf("Origin: null logout: %d, stored %d, revoked %d", resp.StatusCode, za.store.Len(), len(za.revoked))
	}
}

// openTokenStore opens a SQLite token store for the app's client, whose
// refreshes go to the provider, on the clock now.
func openTokenStore(t *testing.T, tokenURL string, now func() time.Time) *tokenstore.Store {
	t.Helper()
	key, err := tokenstore.GenerateKey("k1")
	if err != nil {
		t.Fatal(err)
	}
	keys, err := tokenstore.NewKeyring(key)
	if err != nil {
		t.Fatal(err)
	}
	client := &tokenstore.OAuthClient{TokenURL: tokenURL, ClientID: "warehouse", ClientSecret: zaikioAppSecret, AuthMethod: auth.ClientSecretPost}
	ts, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "tokens.db"), tokenstore.Options{
		Keys: keys, Clients: []tokenstore.ClientConfig{{Name: "warehouse", Client: client}}, Now: now,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ts.Close() })
	return ts
}

// flowStore is the adapter auth/webflow's StoreFuncs documents for the
// token store.
func flowStore(ts *tokenstore.Store) webflow.Store {
	return webflow.StoreFuncs{
		SaveFunc: func(ctx context.Context, client string, tok *oauth2.Token) (string, error) {
			// node-oidc-provider sends no Zaikio "bearer" object: the
			// person is the subject of its ID token.
			t, err := ts.Save(ctx, tok, tokenstore.SaveOptions{Client: client, BearerType: zaikio.BearerPerson, BearerID: idTokenSubject(tok)})
			if err != nil {
				return "", err
			}
			return t.ID, nil
		},
		FindFunc: func(ctx context.Context, id string) (*oauth2.Token, error) {
			t, err := ts.FindActive(ctx, id, 0)
			if errors.Is(err, tokenstore.ErrNotFound) {
				return nil, fmt.Errorf("%w: %w", webflow.ErrTokenNotFound, err)
			}
			if err != nil {
				return nil, err
			}
			return t.OAuth2(), nil
		},
		DeleteFunc: ts.Delete,
	}
}

// TestZaikioWebFlowTokenStoreSessionRefreshes: a person signs in, the
// session keeps the stored token's id; each time the token expires the
// app reads it through the adapter, which refreshes it (the provider
// rotates the refresh token every time), and the same id finds the
// refreshed token, many times over.
func TestZaikioWebFlowTokenStoreSessionRefreshes(t *testing.T) {
	ctx := context.Background()
	var shift atomic.Int64
	now := func() time.Time { return time.Now().Add(time.Duration(shift.Load())) }
	// The store needs the provider's URL, the app needs the store: the
	// app gets a pointer, filled in once the provider runs.
	var store webflow.StoreFuncs
	za := startZaikioAppWith(t, &store)
	store = flowStore(openTokenStore(t, za.provider.TokenURL, now)).(webflow.StoreFuncs)
	resp := za.get("GET", za.login("origin=%2Fstock", "person-ivy").String())
	if resp.StatusCode != http.StatusFound || len(za.approvals) != 1 {
		t.Fatalf("sign-in: %d, errors %v", resp.StatusCode, za.errs)
	}
	id := za.approvals[0].TokenID
	session := za.sessionRequest()
	za.provider.ResetStats(t)
	seen := map[string]bool{za.approvals[0].Token.AccessToken: true}
	const rounds = 12
	for i := 1; i <= rounds; i++ {
		shift.Store(int64(time.Duration(i) * 2 * time.Hour)) // past the token's expiry
		tok, s, err := za.handler.Token(ctx, session)
		if err != nil {
			t.Fatalf("round %d: %v", i, err)
		}
		if s.TokenID != id || seen[tok.AccessToken] {
			t.Fatalf("round %d: session id %q (want %q), new token %v", i, s.TokenID, id, !seen[tok.AccessToken])
		}
		seen[tok.AccessToken] = true
		if !za.provider.UserInfoAccepts(t, tok.AccessToken) {
			t.Fatalf("round %d: the provider refuses the refreshed token", i)
		}
	}
	if st := za.provider.Stats(t); st.Success["refresh_token"] != rounds || st.Error["refresh_token"] != 0 {
		t.Fatalf("provider stats after %d rounds: %+v", rounds, st)
	}
}

// sessionRequest is a request of the app carrying the browser's cookies.
func (za *zaikioApp) sessionRequest() *http.Request {
	za.t.Helper()
	r := httptest.NewRequest("GET", za.app.URL+"/dashboard", nil)
	u, _ := url.Parse(za.app.URL + "/")
	for _, c := range za.jar.Cookies(u) {
		r.AddCookie(c)
	}
	if len(r.Cookies()) == 0 {
		za.t.Fatal("the browser holds no session cookie")
	}
	return r
}

// TestZaikioWebFlowTokenStore runs the flow on the real token store
// (SQLite): the approved token is stored encrypted and logout deletes it.
func TestZaikioWebFlowTokenStore(t *testing.T) {
	ctx := context.Background()
	var store webflow.StoreFuncs // filled in once the provider runs
	za := startZaikioAppWith(t, &store)
	ts := openTokenStore(t, za.provider.TokenURL, nil)
	store = flowStore(ts).(webflow.StoreFuncs)
	cb := za.login("origin=%2Fstock", "person-dee")
	resp := za.get("GET", cb.String())
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/stock" {
		t.Fatalf("approve: %d to %q (errors %v)", resp.StatusCode, resp.Header.Get("Location"), za.errs)
	}
	a := za.approvals[0]
	row, err := ts.Lookup(ctx, a.TokenID)
	if err != nil || row.AccessToken.Reveal() != a.Token.AccessToken || row.BearerID != "person-dee" || row.Audience != "warehouse" {
		t.Fatalf("stored row %v, %v", row, err)
	}
	var raw, rawRefresh []byte
	if err := ts.DB().QueryRowContext(ctx, "SELECT token, refresh_token FROM tokenstore_tokens WHERE id = ?", a.TokenID).Scan(&raw, &rawRefresh); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte(a.Token.AccessToken)) || (a.Token.RefreshToken != "" && bytes.Contains(rawRefresh, []byte(a.Token.RefreshToken))) {
		t.Error("the token is stored in clear")
	}
	za.get("DELETE", "/zaikio/session")
	if len(za.revoked) != 1 || za.revoked[0] != a.Token.AccessToken {
		t.Errorf("revoked %d", len(za.revoked))
	}
	if _, err := ts.Lookup(ctx, a.TokenID); !errors.Is(err, tokenstore.ErrNotFound) {
		t.Errorf("after logout: %v", err)
	}
}

// idTokenSubject reads the sub claim of the (unverified) ID token of a
// token response: good enough to label a row in a test.
func idTokenSubject(tok *oauth2.Token) string {
	raw, _ := tok.Extra("id_token").(string)
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return "unknown"
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return "unknown"
	}
	var claims struct {
		Sub string `json:"sub"`
	}
	if json.Unmarshal(b, &claims) != nil || claims.Sub == "" {
		return "unknown"
	}
	return claims.Sub
}
