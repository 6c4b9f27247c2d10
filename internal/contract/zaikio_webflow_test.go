package contract_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth/tokenstore"
	"github.com/idsdk/idsdk-go/auth/webflow"
	"github.com/idsdk/idsdk-go/auth/zaikio"
	"github.com/idsdk/idsdk-go/internal/peers"
)

const zaikioAppSecret = "zaikio-app-secret-0123456789"

// zaikioApp is a web app using the Zaikio web flow, with node-oidc-provider
// standing in for the Hub's OAuth endpoints and a fake Hub API recording
// revocations.
type zaikioApp struct {
	t         *testing.T
	provider  *peers.OIDCProvider
	app       *httptest.Server
	store     *webflow.MemoryStore
	flowStore webflow.Store
	client    *http.Client // the browser: a cookie jar, redirects not followed

	mu        sync.Mutex
	revoked   []string
	approvals []*webflow.Approval
	errs      []*webflow.Error
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
		NoPKCE: true,
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
	zc, err := zaikio.NewClient(zaikio.Config{
		Host:         hub.URL,
		ClientID:     "warehouse",
		ClientSecret: zaikioAppSecret,
		AuthURL:      za.provider.AuthURL,
		TokenURL:     za.provider.TokenURL,
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
		AfterApprove: func(w http.ResponseWriter, r *http.Request, a *webflow.Approval) string {
			za.mu.Lock()
			za.approvals = append(za.approvals, a)
			za.mu.Unlock()
			return ""
		},
		OnError: func(w http.ResponseWriter, r *http.Request, e *webflow.Error) {
			za.mu.Lock()
			za.errs = append(za.errs, e)
			za.mu.Unlock()
			http.Error(w, e.Code, http.StatusBadRequest)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	handler = h
	jar, _ := cookiejar.New(nil)
	za.client = &http.Client{Jar: jar, Timeout: 15 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return za
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

func TestZaikioWebFlowRestartsOnInvalidGrant(t *testing.T) {
	za := startZaikioApp(t)
	cb := za.login("origin=%2Fhome", "person-cy")
	// Someone else redeems the code first: the app's exchange gets
	// invalid_grant and starts the flow over at the provider.
	thief := &oauth2.Config{ClientID: "warehouse", ClientSecret: zaikioAppSecret, RedirectURL: za.app.URL + "/zaikio/sessions/approve",
		Endpoint: oauth2.Endpoint{AuthURL: za.provider.AuthURL, TokenURL: za.provider.TokenURL, AuthStyle: oauth2.AuthStyleInParams}}
	if _, err := thief.Exchange(context.Background(), cb.Query().Get("code")); err != nil {
		t.Fatal(err)
	}
	resp := za.get("GET", cb.String())
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, za.provider.AuthURL+"?") || len(za.errs) != 0 {
		t.Fatalf("no restart: %d to %q, errors %v", resp.StatusCode, loc, za.errs)
	}
	cb = za.provider.Authorize(t, loc, za.app.URL+"/zaikio/sessions/approve", "person-cy")
	resp = za.get("GET", cb.String())
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/home" || za.store.Len() != 1 {
		t.Fatalf("after restart: %d to %q, stored %d, errors %v", resp.StatusCode, resp.Header.Get("Location"), za.store.Len(), za.errs)
	}
}

// TestZaikioWebFlowTokenStore runs the flow on the real token store
// (SQLite): the approved token is stored encrypted and logout deletes it.
func TestZaikioWebFlowTokenStore(t *testing.T) {
	ctx := context.Background()
	key, err := tokenstore.GenerateKey("k1")
	if err != nil {
		t.Fatal(err)
	}
	keys, err := tokenstore.NewKeyring(key)
	if err != nil {
		t.Fatal(err)
	}
	ts, err := tokenstore.OpenSQLite(ctx, filepath.Join(t.TempDir(), "tokens.db"), tokenstore.Options{
		Keys: keys, Clients: []tokenstore.ClientConfig{{Name: "warehouse"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer ts.Close()
	store := webflow.StoreFuncs{
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
			t, err := ts.Lookup(ctx, id)
			if err != nil {
				return nil, err
			}
			return t.OAuth2(), nil
		},
		DeleteFunc: ts.Delete,
	}
	za := startZaikioAppWith(t, store)
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
