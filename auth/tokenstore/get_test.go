package tokenstore_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/idsdk/idsdk-go/auth/tokenstore"
)

// TestFirstFetchSingleFlight: 20 callers ask an empty store for the same
// bearer at once, through two Stores on one database (separate single
// flights, so the database lock is what keeps the second Store from
// asking): one client credentials request, one row, one token for all.
func TestFirstFetchSingleFlight(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		ts := newTokenServer(t)
		ts.grantDelay.Store(int64(150 * time.Millisecond))
		e := newEnv(t, dsn, ts)
		e2 := newEnv(t, dsn, ts, func(o *tokenstore.Options) { o.Keys = e.keys })
		const callers = 20
		var wg sync.WaitGroup
		tokens := make([]string, callers)
		errs := make([]error, callers)
		start := make(chan struct{})
		for i := 0; i < callers; i++ {
			s := e.store
			if i%4 == 3 {
				s = e2.store
			}
			wg.Add(1)
			go func(i int, s *tokenstore.Store) {
				defer wg.Done()
				<-start
				// The same scopes in another order are the same key.
				scopes := []string{"directory.person.r", "directory.person.w"}
				if i%2 == 1 {
					scopes = []string{"directory.person.w", "directory.person.r"}
				}
				tok, err := s.Get(ctx, tokenstore.GetOptions{BearerID: "p20", Scopes: scopes})
				if err == nil {
					tokens[i] = tok.AccessToken.Reveal()
				}
				errs[i] = err
			}(i, s)
		}
		close(start)
		wg.Wait()
		distinct := map[string]bool{}
		for i := range tokens {
			if errs[i] != nil {
				t.Fatalf("caller %d: %v", i, errs[i])
			}
			distinct[tokens[i]] = true
		}
		rows := len(rawRows(t, e.store))
		t.Logf("%d callers on an empty store: %d client credentials requests, %d rows, %d distinct tokens", callers, ts.clientCredentials.Load(), rows, len(distinct))
		if ts.clientCredentials.Load() != 1 || rows != 1 || len(distinct) != 1 {
			t.Fatalf("want 1 request, 1 row, 1 token; got %d requests, %d rows, %d tokens", ts.clientCredentials.Load(), rows, len(distinct))
		}
		// Another bearer is another key: its own request.
		if _, err := e.store.Get(ctx, tokenstore.GetOptions{BearerID: "p21"}); err != nil || ts.clientCredentials.Load() != 2 {
			t.Fatalf("other bearer: %v, %d requests", err, ts.clientCredentials.Load())
		}
	})
}

// TestSessionIDSurvivesRefreshes: the id a session keeps finds the
// person's token after each of many refreshes (more than any chain of
// replaced rows could be followed), and the store holds one row.
func TestSessionIDSurvivesRefreshes(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		e := newEnv(t, dsn, nil)
		saved, err := e.store.Save(ctx, e.ts.userToken("jti-session", "Person/p1", time.Now().Add(time.Hour)), tokenstore.SaveOptions{})
		if err != nil {
			t.Fatal(err)
		}
		id := saved.ID // what the session cookie keeps
		seen := map[string]bool{saved.AccessToken.Reveal(): true}
		const rounds = 12
		for i := 1; i <= rounds; i++ {
			// The store's clock moves past the token's expiry.
			e.clock.shift(time.Duration(i) * 2 * time.Hour)
			got, err := e.store.FindActive(ctx, id, 0)
			if err != nil {
				t.Fatalf("round %d: %v", i, err)
			}
			if got.ID != id || seen[got.AccessToken.Reveal()] || got.BearerID != "p1" {
				t.Fatalf("round %d: id %q (want %q), token new: %v", i, got.ID, id, !seen[got.AccessToken.Reveal()])
			}
			seen[got.AccessToken.Reveal()] = true
			if n := e.ts.refreshes.Load(); n != int64(i) {
				t.Fatalf("round %d: %d refreshes", i, n)
			}
			// Found again without a refresh while it is valid.
			if again, err := e.store.Lookup(ctx, id); err != nil || again.AccessToken != got.AccessToken {
				t.Fatalf("round %d: lookup %v", i, err)
			}
		}
		if rows := len(rawRows(t, e.store)); rows != 1 {
			t.Fatalf("%d rows after %d refreshes, want 1", rows, rounds)
		}
	})
}

// TestGetWithoutScopes: an Organization token asked of a client with only
// person scopes, or any token asked with an empty scope list, is an error
// matching ErrNoScopes, and nothing is requested or stored.
func TestGetWithoutScopes(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, t.TempDir()+"/t.db", nil, func(o *tokenstore.Options) { o.Clients[0].OrganizationScopes = nil })
	for name, opts := range map[string]tokenstore.GetOptions{
		"organization, person scopes only": {BearerType: tokenstore.Organization, BearerID: "org-1"},
		"empty scope list":                 {BearerID: "p1", Scopes: []string{}},
	} {
		_, err := e.store.Get(ctx, opts)
		if !errors.Is(err, tokenstore.ErrNoScopes) {
			t.Errorf("%s: %v, want ErrNoScopes", name, err)
		}
	}
	if n := e.ts.clientCredentials.Load(); n != 0 {
		t.Errorf("%d client credentials requests, want 0", n)
	}
	if rows := len(rawRows(t, e.store)); rows != 0 {
		t.Errorf("%d rows stored, want 0", rows)
	}
	// The configured person scopes still work.
	if _, err := e.store.Get(ctx, tokenstore.GetOptions{BearerID: "p1"}); err != nil {
		t.Fatal(err)
	}
}

// TestReplacedRowFollowed: a row an earlier version replaced on refresh
// (recorded in tokenstore_successors) is still found by its old id.
func TestReplacedRowFollowed(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		e := newEnv(t, dsn, nil)
		if _, err := e.store.Save(ctx, e.ts.userToken("jti-new", "Person/p1", time.Now().Add(time.Hour)), tokenstore.SaveOptions{}); err != nil {
			t.Fatal(err)
		}
		q := `INSERT INTO tokenstore_successors (id, successor_id, created_at) VALUES ($1, $2, $3)`
		if e.store.Backend() == "sqlite" {
			q = `INSERT INTO tokenstore_successors (id, successor_id, created_at) VALUES (?, ?, ?)`
		}
		if _, err := e.store.DB().ExecContext(ctx, q, "jti-old", "jti-new", time.Now().UnixMilli()); err != nil {
			t.Fatal(err)
		}
		got, err := e.store.FindActive(ctx, "jti-old", 0)
		if err != nil || got.ID != "jti-new" || e.ts.refreshes.Load() != 0 {
			t.Fatalf("old id: %v, %v, refreshes %d", got, err, e.ts.refreshes.Load())
		}
	})
}
