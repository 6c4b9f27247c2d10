package webflow_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/auth/tokenstore"
	"github.com/idsdk/idsdk-go/auth/webflow"
)

// protected is a page behind RequireSession that names the session.
func protected(hs *harness, client string) http.Handler {
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, ok := webflow.SessionFromContext(r.Context())
		tok, tok2 := webflow.TokenFromContext(r.Context())
		if !ok || !tok2 {
			http.Error(w, "no session in context", http.StatusInternalServerError)
			return
		}
		fmt.Fprintf(w, "%s/%s/%s", s.Client, s.BearerID, tok.AccessToken)
	})
	if client != "" {
		return hs.h.RequireClientSession(client, page)
	}
	return hs.h.RequireSession(page)
}

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestRequireSessionRedirectsPagesAndRefusesAPICalls(t *testing.T) {
	hs := newHarness(t)
	h := protected(hs, "")
	page := httptest.NewRequest("GET", "/reports?year=2026", nil)
	page.Header.Set("Accept", "text/html,application/xhtml+xml")
	w := serve(h, page)
	if w.Code != http.StatusFound || w.Header().Get("Location") != "/zaikio/sessions/new?origin=%2Freports%3Fyear%3D2026" {
		t.Fatalf("page: %d to %q", w.Code, w.Header().Get("Location"))
	}
	nav := httptest.NewRequest("GET", "/reports", nil)
	nav.Header.Set("Sec-Fetch-Mode", "navigate")
	if w := serve(h, nav); w.Code != http.StatusFound {
		t.Errorf("navigation: %d", w.Code)
	}
	for _, r := range []*http.Request{
		httptest.NewRequest("GET", "/api/reports", nil),                                   // no Accept: an API client
		httptest.NewRequest("POST", "/reports", nil),                                      // a form post
		withHeader(httptest.NewRequest("GET", "/reports", nil), "Sec-Fetch-Mode", "cors"), // fetch()
		withHeader(httptest.NewRequest("GET", "/reports", nil), "Accept", "application/json"),
	} {
		if w := serve(h, r); w.Code != http.StatusUnauthorized || w.Header().Get("Location") != "" {
			t.Errorf("%s %s %v: %d", r.Method, r.URL, r.Header, w.Code)
		}
	}
}

func withHeader(r *http.Request, k, v string) *http.Request { r.Header.Set(k, v); return r }

func TestRequireSessionLetsSignedInThroughWithToken(t *testing.T) {
	hs := newHarness(t)
	ck, _, err := hs.h.LogIn(context.Background(), "main", (&oauth2.Token{AccessToken: "AT-1", Expiry: time.Now().Add(time.Hour)}).WithExtra(map[string]any{"sub": "person-1"}))
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("GET", "/reports", nil)
	r.AddCookie(ck)
	if w := serve(protected(hs, ""), r); w.Code != http.StatusOK || w.Body.String() != "main/person-1/AT-1" {
		t.Fatalf("signed in: %d %q", w.Code, w.Body)
	}
	// A session of "main" is not one of "other": that route sends the
	// person to other's sign-in.
	r.Header.Set("Accept", "text/html")
	if w := serve(protected(hs, "other"), r); w.Code != http.StatusFound || w.Header().Get("Location") != "/zaikio/other/sessions/new?origin=%2Freports" {
		t.Fatalf("other client's page: %d to %q", w.Code, w.Header().Get("Location"))
	}
}

func TestRequireSessionExpiredOrDeletedTokenSignsInAgain(t *testing.T) {
	hs := newHarness(t)
	ctx := context.Background()
	expired, _, err := hs.h.LogIn(ctx, "main", &oauth2.Token{AccessToken: "AT-old", Expiry: time.Now().Add(-time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	live, s, err := hs.h.LogIn(ctx, "main", &oauth2.Token{AccessToken: "AT-2"})
	if err != nil {
		t.Fatal(err)
	}
	if err := hs.store.Delete(ctx, s.TokenID); err != nil {
		t.Fatal(err)
	}
	for _, ck := range []*http.Cookie{expired, live, {Name: "webflow_session", Value: "forged"}} {
		r := httptest.NewRequest("GET", "/api", nil)
		r.AddCookie(ck)
		if w := serve(protected(hs, ""), r); w.Code != http.StatusUnauthorized {
			t.Errorf("cookie %.20s: %d", ck.Value, w.Code)
		}
	}
}

// failingStore fails every Find.
type failingStore struct{ *webflow.MemoryStore }

func (*failingStore) Find(context.Context, string) (*oauth2.Token, error) {
	return nil, errors.New("database is down")
}

func TestRequireSessionStoreFailureIsNoSignOut(t *testing.T) {
	fs := &failingStore{webflow.NewMemoryStore()}
	hs := newHarness(t, func(_ *harness, c *webflow.Config) { c.Store = fs })
	ck, _, err := hs.h.LogIn(context.Background(), "main", &oauth2.Token{AccessToken: "AT"})
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("GET", "/reports", nil)
	r.Header.Set("Accept", "text/html")
	r.AddCookie(ck)
	if w := serve(protected(hs, ""), r); w.Code != http.StatusServiceUnavailable {
		t.Fatalf("store down: %d", w.Code)
	}
}

// fakeTokens is a TokenStoreBackend in memory whose FindActive
// "refreshes" an expired token in place, keeping the row id.
type fakeTokens struct {
	mu        sync.Mutex
	rows      map[string]*tokenstore.Token
	refreshed int
	saved     []tokenstore.SaveOptions
}

func (f *fakeTokens) Save(_ context.Context, tok *oauth2.Token, o tokenstore.SaveOptions) (*tokenstore.Token, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := fmt.Sprintf("row-%d", len(f.rows)+1)
	f.rows[id] = &tokenstore.Token{ID: id, Audience: o.Client, BearerType: o.BearerType, BearerID: o.BearerID, ExpiresAt: tok.Expiry}
	f.rows[id].AccessToken = auth.Secret(tok.AccessToken)
	f.saved = append(f.saved, o)
	return f.rows[id], nil
}

func (f *fakeTokens) FindActive(_ context.Context, id string, validFor time.Duration) (*tokenstore.Token, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.rows[id]
	if !ok {
		return nil, &tokenstore.Error{Err: tokenstore.ErrNotFound, ID: id, Reason: "missing"}
	}
	if !t.ValidFor(validFor) {
		f.refreshed++
		t.AccessToken = auth.Secret(fmt.Sprintf("AT-refreshed-%d", f.refreshed))
		t.ExpiresAt = time.Now().Add(time.Hour)
	}
	return t, nil
}

func (f *fakeTokens) Delete(_ context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.rows, id)
	return nil
}

func TestTokenStoreAdapterKeepsSessionAcrossRefresh(t *testing.T) {
	ctx := context.Background()
	tokens := &fakeTokens{rows: map[string]*tokenstore.Token{}}
	reg := webflow.NewRegistry()
	bearer := func(tok *oauth2.Token) (string, string) { return "Person", "person-9" }
	if err := reg.Register(webflow.Registration{
		Web:   webflow.Client{Name: "app", Provider: &fakeProvider{name: "idp"}, Bearer: bearer},
		Store: tokenstore.ClientConfig{Client: &tokenstore.OAuthClient{TokenURL: "http://127.0.0.1:1/token", ClientID: "app"}},
	}); err != nil {
		t.Fatal(err)
	}
	h, err := webflow.New(webflow.Config{BaseURL: "https://app.example", Registry: reg, Store: webflow.NewTokenStore(tokens, reg), CookieSecret: []byte("0123456789abcdef0123456789abcdef")})
	if err != nil {
		t.Fatal(err)
	}
	ck, s, err := h.LogIn(ctx, "app", &oauth2.Token{AccessToken: "AT-first", Expiry: time.Now().Add(-time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	if len(tokens.saved) != 1 || tokens.saved[0].Client != "app" || tokens.saved[0].BearerID != "person-9" {
		t.Fatalf("saved with %+v", tokens.saved)
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.AddCookie(ck)
	tok, got, err := h.Token(ctx, r)
	if err != nil || got.TokenID != s.TokenID || tok.AccessToken != "AT-refreshed-1" {
		t.Fatalf("after refresh: %v %+v %v", tok, got, err)
	}
	if err := tokens.Delete(ctx, s.TokenID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := h.Token(ctx, r); !errors.Is(err, webflow.ErrTokenNotFound) || !errors.Is(err, tokenstore.ErrNotFound) {
		t.Fatalf("deleted row: %v", err)
	}
}

func TestRegistryFeedsBothSides(t *testing.T) {
	reg := webflow.NewRegistry()
	cc := &tokenstore.OAuthClient{TokenURL: "http://127.0.0.1:1/token", ClientID: "a"}
	for _, name := range []string{"a", "b"} {
		if err := reg.Register(webflow.Registration{Web: webflow.Client{Name: name, Provider: &fakeProvider{name: name}}, Store: tokenstore.ClientConfig{Client: cc, Scopes: []string{"s"}}}); err != nil {
			t.Fatal(err)
		}
	}
	bad := []webflow.Registration{
		{Web: webflow.Client{Name: "a", Provider: &fakeProvider{}}, Store: tokenstore.ClientConfig{Client: cc}}, // twice
		{Web: webflow.Client{Name: "c", Provider: &fakeProvider{}}},                                             // no store client
		{Web: webflow.Client{Provider: &fakeProvider{}}, Store: tokenstore.ClientConfig{Client: cc}},            // no name
	}
	for i, r := range bad {
		if err := reg.Register(r); err == nil {
			t.Errorf("bad registration %d accepted", i)
		}
	}
	web, store := reg.Clients(), reg.StoreClients()
	if len(web) != 2 || len(store) != 2 || web[1].Name != "b" || store[1].Name != "b" || store[0].Scopes[0] != "s" {
		t.Fatalf("web %d, store %+v", len(web), store)
	}
}
