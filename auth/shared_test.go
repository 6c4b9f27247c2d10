package auth_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth"
)

// memShared is a SharedStore in memory whose lock is a mutex: what two
// Caches of one process see of a fleet's store.
type memShared struct {
	mu      sync.Mutex
	toks    map[string]*oauth2.Token
	updates int
}

func (m *memShared) Update(ctx context.Context, key string, fn func(context.Context, *oauth2.Token) (*oauth2.Token, error)) (*oauth2.Token, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.updates++
	t, err := fn(ctx, m.toks[key])
	if err == nil && t != nil {
		m.toks[key] = t
	}
	return t, err
}

// TestSharedInNeedsACredentialKey: a source that cannot name its
// credential is refused, never shared under a guessed key.
func TestSharedInNeedsACredentialKey(t *testing.T) {
	src := auth.Func(func(ctx context.Context) (*oauth2.Token, error) { return &oauth2.Token{AccessToken: "x"}, nil })
	_, err := auth.NewCache(src, auth.SharedIn(&memShared{toks: map[string]*oauth2.Token{}})).TokenContext(context.Background())
	if !errors.Is(err, auth.ErrNoSharedKey) {
		t.Fatalf("err = %v, want ErrNoSharedKey", err)
	}
}

// TestSharedCachesAskOncePerToken: two Caches of one credential (two
// processes of a fleet) share one token: the second takes the stored one,
// an Invalidate renews it once, and the other Cache's Invalidate of the
// same old token takes the renewed one without a request. Hits never
// reach the store.
func TestSharedCachesAskOncePerToken(t *testing.T) {
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"access_token":"tok-%d","token_type":"Bearer","expires_in":3600}`, n)
	}))
	defer srv.Close()
	cc := &auth.ClientCredentials{ClientAuth: auth.ClientAuth{TokenURL: srv.URL, ClientID: "app", ClientSecret: "s"}, Scopes: []string{"b", "a"}}
	store := &memShared{toks: map[string]*oauth2.Token{}}
	ctx := context.Background()
	a := auth.NewCache(cc, auth.SharedIn(store))
	b := auth.NewCache(&auth.ClientCredentials{ClientAuth: auth.ClientAuth{TokenURL: srv.URL, ClientID: "app", ClientSecret: "s"}, Scopes: []string{"a", "b"}}, auth.SharedIn(store))
	ta, err := a.TokenContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tb, err := b.TokenContext(ctx)
	if err != nil || tb.AccessToken != ta.AccessToken || requests.Load() != 1 {
		t.Fatalf("second cache: %v, requests %d", err, requests.Load())
	}
	for range 100 {
		_, _ = a.TokenContext(ctx)
		_, _ = b.TokenContext(ctx)
	}
	if store.updates != 2 {
		t.Fatalf("cache hits reached the store: %d updates, want 2", store.updates)
	}
	a.Invalidate(ta)
	na, err := a.TokenContext(ctx)
	if err != nil || na.AccessToken == ta.AccessToken || requests.Load() != 2 {
		t.Fatalf("after Invalidate: %v, requests %d", err, requests.Load())
	}
	b.Invalidate(tb)
	nb, err := b.TokenContext(ctx)
	if err != nil || nb.AccessToken != na.AccessToken || requests.Load() != 2 {
		t.Fatalf("the other cache renewed again: %v, requests %d", err, requests.Load())
	}
}

// TestConnectorSharesWithCache: a Connector with WithConnectorShared and a
// Cache over the same client credentials share one token; after the
// Connector's Invalidate it asks again instead of taking back the dropped
// token from the store.
func TestConnectorSharesWithCache(t *testing.T) {
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"access_token":"tok-%d","token_type":"Bearer","expires_in":3600}`, n)
	}))
	defer srv.Close()
	store := &memShared{toks: map[string]*oauth2.Token{}}
	ctx := context.Background()
	conn := auth.NewConnector(srv.URL, "app", "secret", auth.WithScopes("read"), auth.WithConnectorShared(store))
	t1, err := conn.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cc := &auth.ClientCredentials{ClientAuth: auth.ClientAuth{TokenURL: conn.TokenURL(), ClientID: "app", ClientSecret: "secret"}, Scopes: []string{"read"}}
	t2, err := auth.NewCache(cc, auth.SharedIn(store)).TokenContext(ctx)
	if err != nil || t2.AccessToken != t1.AccessToken || requests.Load() != 1 {
		t.Fatalf("Cache after Connector: %v, requests %d", err, requests.Load())
	}
	conn.Invalidate(t1)
	t3, err := conn.Token(ctx)
	if err != nil || t3.AccessToken == t1.AccessToken || requests.Load() != 2 {
		t.Fatalf("after Invalidate: %v, requests %d", err, requests.Load())
	}
}

// TestSharedUserKeys: a refresh-token credential is shared only under a
// user's name: RefreshConfig.User, SharedUserIn, or the refresh token it
// starts from; with none of them the Cache refuses instead of mixing
// users. Two users of one client get two rows.
func TestSharedUserKeys(t *testing.T) {
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := requests.Add(1)
		_ = r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"access_token":"at-%s-%d","refresh_token":"rt-%d","token_type":"Bearer","expires_in":3600}`, r.PostForm.Get("refresh_token"), n, n)
	}))
	defer srv.Close()
	ctx := context.Background()
	cfg := auth.RefreshConfig{ClientAuth: auth.ClientAuth{TokenURL: srv.URL, ClientID: "app", ClientSecret: "s"}}
	store := &memShared{toks: map[string]*oauth2.Token{}}
	if _, err := auth.NewCache(auth.NewRefreshSource(cfg, nil), auth.SharedIn(store)).TokenContext(ctx); !errors.Is(err, auth.ErrNoSharedKey) {
		t.Fatalf("no user: err = %v, want ErrNoSharedKey", err)
	}
	for _, user := range []string{"alice", "bob"} {
		seed := auth.NewMemoryStore()
		_ = seed.Save(ctx, &oauth2.Token{RefreshToken: "rt-" + user})
		c := auth.NewCache(auth.NewRefreshSource(cfg, nil), auth.WithStore(seed), auth.SharedUserIn(store, user))
		tok, err := c.TokenContext(ctx)
		if err != nil || !strings.HasPrefix(tok.AccessToken, "at-rt-"+user) {
			t.Fatalf("%s: %v %q", user, err, tok.AccessToken)
		}
		if saved, _ := seed.Load(ctx); saved.AccessToken != tok.AccessToken {
			t.Fatalf("%s: the new token was not saved to the user's Store", user)
		}
	}
	if len(store.toks) != 2 {
		t.Fatalf("two users share %d rows, want 2", len(store.toks))
	}
}
