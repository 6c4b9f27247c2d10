package tokenstore_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth/tokenstore"
)

func TestMigrationsIdempotent(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		e := newEnv(t, dsn, nil)
		v, err := e.store.SchemaVersion(ctx)
		if err != nil || v != 2 {
			t.Fatalf("schema version = %d, %v", v, err)
		}
		// Opening again applies nothing and keeps the data.
		if _, err := e.store.Save(ctx, e.ts.userToken("m1", "Person/p1", time.Now().Add(time.Hour)), tokenstore.SaveOptions{}); err != nil {
			t.Fatal(err)
		}
		s2, err := openStore(ctx, dsn, tokenstore.Options{Keys: e.keys})
		if err != nil {
			t.Fatal(err)
		}
		defer s2.Close()
		var n int
		if err := s2.DB().QueryRow(`SELECT COUNT(*) FROM tokenstore_migrations`).Scan(&n); err != nil || n != 2 {
			t.Fatalf("migrations recorded = %d, %v", n, err)
		}
		if _, err := s2.Lookup(ctx, "m1"); err != nil {
			t.Fatalf("row lost on reopen: %v", err)
		}
	})
}

func TestSaveFindActiveDelete(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		e := newEnv(t, dsn, nil)
		tok := e.ts.userToken("jti-save", "Person/p1", time.Now().Add(time.Hour))
		saved, err := e.store.Save(ctx, tok, tokenstore.SaveOptions{RequestedScopes: []string{"directory.person.r"}})
		if err != nil {
			t.Fatal(err)
		}
		if saved.ID != "jti-save" || saved.BearerType != "Person" || saved.BearerID != "p1" || saved.Audience != clientID {
			t.Fatalf("saved %v", saved)
		}
		got, err := e.store.FindActive(ctx, "jti-save", 30*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if got.AccessToken.Reveal() != tok.AccessToken || got.RefreshToken.Reveal() != tok.RefreshToken {
			t.Fatalf("FindActive returned other tokens")
		}
		if got.ExpiresAt.Unix() != tok.Expiry.Unix() || strings.Join(got.RequestedScopes, ",") != "directory.person.r" {
			t.Fatalf("row fields: %v %v", got.ExpiresAt, got.RequestedScopes)
		}
		if e.ts.refreshes.Load() != 0 {
			t.Fatalf("a valid token was refreshed")
		}
		// A token without a jti gets a UUID.
		opaque, err := e.store.Save(ctx, &oauth2.Token{AccessToken: "opaque-token-value", Expiry: time.Now().Add(time.Hour)},
			tokenstore.SaveOptions{BearerType: "Person", BearerID: "p2"})
		if err != nil {
			t.Fatal(err)
		}
		if len(opaque.ID) != 36 || opaque.ID[14] != '4' {
			t.Fatalf("id %q is not a UUID v4", opaque.ID)
		}
		// A JWT access token's sub names the person when nothing else does.
		enc := base64.RawURLEncoding
		withSub := enc.EncodeToString([]byte(`{"alg":"none"}`)) + "." + enc.EncodeToString([]byte(`{"sub":"p3","jti":"jti-sub"}`)) + ".x"
		if bySub, err := e.store.Save(ctx, &oauth2.Token{AccessToken: withSub}, tokenstore.SaveOptions{}); err != nil || bySub.BearerID != "p3" || bySub.BearerType != "Person" || bySub.ID != "jti-sub" {
			t.Fatalf("bearer from sub: %v %v", bySub, err)
		}
		// No bearer at all is a clear error.
		if _, err := e.store.Save(ctx, &oauth2.Token{AccessToken: "x"}, tokenstore.SaveOptions{}); err == nil || !strings.Contains(err.Error(), "bearer") {
			t.Fatalf("save without bearer: %v", err)
		}
		if err := e.store.Delete(ctx, "jti-save"); err != nil {
			t.Fatal(err)
		}
		_, err = e.store.FindActive(ctx, "jti-save", 0)
		var nf *tokenstore.Error
		if !errors.Is(err, tokenstore.ErrNotFound) || !errors.As(err, &nf) || nf.Reason != "missing" {
			t.Fatalf("after delete: %v", err)
		}
	})
}

func TestRawRowsHoldNoClearToken(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		e := newEnv(t, dsn, nil)
		tok := e.ts.userToken("jti-raw", "Person/p1", time.Now().Add(time.Hour))
		if _, err := e.store.Save(ctx, tok, tokenstore.SaveOptions{}); err != nil {
			t.Fatal(err)
		}
		got, err := e.store.Get(ctx, tokenstore.GetOptions{BearerID: "p9"})
		if err != nil {
			t.Fatal(err)
		}
		secrets := []string{tok.AccessToken, tok.RefreshToken, got.AccessToken.Reveal()}
		// The JWT parts too: a payload in clear would leak claims.
		for _, s := range []string{tok.AccessToken, got.AccessToken.Reveal()} {
			secrets = append(secrets, strings.Split(s, ".")...)
		}
		rows := rawRows(t, e.store)
		if len(rows) != 2 {
			t.Fatalf("%d rows", len(rows))
		}
		for _, r := range rows {
			for _, s := range secrets {
				if len(s) > 4 && bytes.Contains(r, []byte(s)) {
					t.Fatalf("raw row holds a token in clear: %q", s)
				}
			}
			if !bytes.Contains(r, []byte("|k1|")) {
				t.Fatalf("raw row has no key id k1")
			}
		}
	})
}

func TestKeyRotation(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		k1, k2 := newKey(t, "k1"), newKey(t, "k2")
		ring1, _ := tokenstore.NewKeyring(k1)
		s1, err := openStore(ctx, dsn, tokenstore.Options{Keys: ring1, Clients: []tokenstore.ClientConfig{{Name: clientID}}})
		if err != nil {
			t.Fatal(err)
		}
		old := &oauth2.Token{AccessToken: "old-access-token-value", RefreshToken: "old-refresh", Expiry: time.Now().Add(time.Hour)}
		if _, err := s1.Save(ctx, old, tokenstore.SaveOptions{BearerType: "Person", BearerID: "p1"}); err != nil {
			t.Fatal(err)
		}
		rows := rawRows(t, s1)
		oldID := strings.SplitN(string(rows[0]), "|", 2)[0]
		s1.Close()

		// k2 becomes primary; k1 still decrypts.
		ring2, err := tokenstore.NewKeyring(k2, k1)
		if err != nil {
			t.Fatal(err)
		}
		s2, err := openStore(ctx, dsn, tokenstore.Options{Keys: ring2, Clients: []tokenstore.ClientConfig{{Name: clientID}}})
		if err != nil {
			t.Fatal(err)
		}
		defer s2.Close()
		got, err := s2.FindActive(ctx, oldID, 0)
		if err != nil {
			t.Fatalf("old row after rotation: %v", err)
		}
		if got.AccessToken.Reveal() != old.AccessToken || got.RefreshToken.Reveal() != old.RefreshToken {
			t.Fatal("old row decrypted to other values")
		}
		newer, err := s2.Save(ctx, &oauth2.Token{AccessToken: "new-access-token-value", Expiry: time.Now().Add(time.Hour)}, tokenstore.SaveOptions{BearerType: "Person", BearerID: "p2"})
		if err != nil {
			t.Fatal(err)
		}
		var keyID string
		if err := s2.DB().QueryRow(`SELECT key_id FROM tokenstore_tokens WHERE id = '` + newer.ID + `'`).Scan(&keyID); err != nil || keyID != "k2" {
			t.Fatalf("new row key id = %q, %v", keyID, err)
		}

		// Without k1 the old row gives a clear, typed error.
		ring3, _ := tokenstore.NewKeyring(k2)
		s3, err := openStore(ctx, dsn, tokenstore.Options{Keys: ring3})
		if err != nil {
			t.Fatal(err)
		}
		defer s3.Close()
		_, err = s3.FindActive(ctx, oldID, 0)
		var ke *tokenstore.Error
		if !errors.Is(err, tokenstore.ErrUnknownKey) || !errors.As(err, &ke) || ke.KeyID != "k1" || !strings.Contains(err.Error(), `"k1"`) {
			t.Fatalf("missing key: %v", err)
		}
		if strings.Contains(err.Error(), old.AccessToken) {
			t.Fatal("error shows the token")
		}

		// A ciphertext moved to another row does not decrypt.
		if _, err := s2.DB().Exec(`UPDATE tokenstore_tokens SET token = (SELECT token FROM tokenstore_tokens WHERE id = '` + oldID + `'), key_id = 'k1' WHERE id = '` + newer.ID + `'`); err != nil {
			t.Fatal(err)
		}
		if _, err := s2.FindActive(ctx, newer.ID, 0); !errors.Is(err, tokenstore.ErrDecrypt) {
			t.Fatalf("moved ciphertext: %v", err)
		}
	})
}

func TestExpiredRefreshReplacesRow(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		e := newEnv(t, dsn, nil)
		tok := e.ts.userToken("jti-exp", "Person/p1", time.Now().Add(-time.Minute))
		if _, err := e.store.Save(ctx, tok, tokenstore.SaveOptions{RequestedScopes: []string{"directory.person.r", "x"}}); err != nil {
			t.Fatal(err)
		}
		got, err := e.store.FindActive(ctx, "jti-exp", 30*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if e.ts.refreshes.Load() != 1 {
			t.Fatalf("refreshes = %d", e.ts.refreshes.Load())
		}
		if got.ID != "jti-exp" || got.AccessToken.Reveal() == tok.AccessToken || got.RefreshToken.Reveal() == tok.RefreshToken {
			t.Fatalf("row not refreshed in place: %v", got)
		}
		if !got.ValidFor(time.Minute) || got.BearerID != "p1" || strings.Join(got.RequestedScopes, " ") != "directory.person.r x" {
			t.Fatalf("replacement %v, requested %v", got, got.RequestedScopes)
		}
		stored, err := e.store.Lookup(ctx, "jti-exp")
		if err != nil || stored.AccessToken != got.AccessToken {
			t.Fatalf("refreshed row: %v", err)
		}
		if rows := rawRows(t, e.store); len(rows) != 1 {
			t.Fatalf("%d rows, want the one refreshed in place", len(rows))
		}
		// Asking for the id again gives the refreshed token, no new refresh.
		again, err := e.store.FindActive(ctx, "jti-exp", 0)
		if err != nil || again.AccessToken != got.AccessToken || e.ts.refreshes.Load() != 1 {
			t.Fatalf("id after refresh: %v, %v, refreshes %d", again, err, e.ts.refreshes.Load())
		}
		// A response without "bearer" keeps the row's bearer.
		e.ts.noBearer = true
		if _, err := e.store.Save(ctx, e.ts.userToken("jti-nb", "Organization/o1", time.Now().Add(-time.Minute)), tokenstore.SaveOptions{}); err != nil {
			t.Fatal(err)
		}
		nb, err := e.store.FindActive(ctx, "jti-nb", 0)
		if err != nil || nb.BearerType != "Organization" || nb.BearerID != "o1" {
			t.Fatalf("bearer kept: %v %v", nb, err)
		}
	})
}

func TestValidForTriggersRefresh(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		e := newEnv(t, dsn, nil)
		if _, err := e.store.Save(ctx, e.ts.userToken("jti-soon", "Person/p1", time.Now().Add(20*time.Second)), tokenstore.SaveOptions{}); err != nil {
			t.Fatal(err)
		}
		if got, err := e.store.FindActive(ctx, "jti-soon", 0); err != nil || got.ID != "jti-soon" || e.ts.refreshes.Load() != 0 {
			t.Fatalf("valid now: %v %v", got, err)
		}
		got, err := e.store.FindActive(ctx, "jti-soon", time.Minute)
		if err != nil || got.ID != "jti-soon" || !got.ValidFor(time.Minute) || e.ts.refreshes.Load() != 1 {
			t.Fatalf("expiring within validFor: %v %v, refreshes %d", got, err, e.ts.refreshes.Load())
		}
	})
}

func TestInvalidGrantDeletesRow(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		e := newEnv(t, dsn, nil)
		tok := e.ts.userToken("jti-dead", "Person/p1", time.Now().Add(-time.Minute))
		e.ts.dead[tok.RefreshToken] = true
		if _, err := e.store.Save(ctx, tok, tokenstore.SaveOptions{}); err != nil {
			t.Fatal(err)
		}
		_, err := e.store.FindActive(ctx, "jti-dead", 0)
		var nf *tokenstore.Error
		if !errors.Is(err, tokenstore.ErrNotFound) || !errors.As(err, &nf) || nf.Reason != "invalid_grant" {
			t.Fatalf("invalid_grant: %v", err)
		}
		if rows := rawRows(t, e.store); len(rows) != 0 {
			t.Fatalf("row not deleted")
		}
		if strings.Contains(err.Error(), tok.RefreshToken) {
			t.Fatal("error shows the refresh token")
		}
	})
}

func TestNotRefreshable(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		e := newEnv(t, dsn, nil)
		// Created 8 days ago: the refresh token is no longer used.
		e.clock.shift(-8 * 24 * time.Hour)
		if _, err := e.store.Save(ctx, e.ts.userToken("jti-old", "Person/p1", time.Now().Add(-8*24*time.Hour+time.Hour)), tokenstore.SaveOptions{}); err != nil {
			t.Fatal(err)
		}
		e.clock.shift(0)
		// Expired without a refresh token.
		if _, err := e.store.Save(ctx, &oauth2.Token{AccessToken: jwtLike("jti-norefresh"), Expiry: time.Now().Add(-time.Second)},
			tokenstore.SaveOptions{BearerType: "Person", BearerID: "p1"}); err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"jti-old", "jti-norefresh"} {
			_, err := e.store.FindActive(ctx, id, 0)
			var nf *tokenstore.Error
			if !errors.As(err, &nf) || nf.Reason != "expired" {
				t.Fatalf("%s: %v", id, err)
			}
		}
		if e.ts.refreshes.Load() != 0 {
			t.Fatal("an unrefreshable token was refreshed")
		}
	})
}

func TestGet(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		revoked := map[string]bool{}
		var revMu sync.Mutex
		e := newEnv(t, dsn, nil, func(o *tokenstore.Options) {
			o.Revoked = func(_ context.Context, id string) bool {
				revMu.Lock()
				defer revMu.Unlock()
				return revoked[id]
			}
		})
		// Nothing stored: client credentials with the bearer's scope.
		t1, err := e.store.Get(ctx, tokenstore.GetOptions{BearerID: "42"})
		if err != nil {
			t.Fatal(err)
		}
		if e.ts.lastScope != "Per/42.directory.person.r" || t1.BearerType != "Person" || t1.BearerID != "42" {
			t.Fatalf("scope %q, token %v", e.ts.lastScope, t1)
		}
		if t1.RefreshToken != "" {
			t.Fatal("client credentials row keeps a refresh token")
		}
		// Warm: the stored token, no request.
		t2, err := e.store.Get(ctx, tokenstore.GetOptions{BearerID: "42", BearerType: "Person"})
		if err != nil || t2.ID != t1.ID || e.ts.clientCredentials.Load() != 1 {
			t.Fatalf("warm get: %v %v (%d requests)", t2, err, e.ts.clientCredentials.Load())
		}
		// Scopes not covered: a new token, asked with comma-joined scopes.
		t3, err := e.store.Get(ctx, tokenstore.GetOptions{BearerID: "42", Scopes: []string{"directory.person.r", "directory.person.w"}})
		if err != nil || t3.ID == t1.ID || e.ts.lastScope != "Per/42.directory.person.r,Per/42.directory.person.w" {
			t.Fatalf("wider scopes: %v %v scope %q", t3, err, e.ts.lastScope)
		}
		// A subset is covered by the newest token (t3 expires last).
		t4, err := e.store.Get(ctx, tokenstore.GetOptions{BearerID: "42", Scopes: []string{"directory.person.w"}})
		if err != nil || t4.ID != t3.ID || e.ts.clientCredentials.Load() != 2 {
			t.Fatalf("subset: %v %v", t4, err)
		}
		// Organization: its own default scopes and prefix.
		o1, err := e.store.Get(ctx, tokenstore.GetOptions{BearerType: "Organization", BearerID: "7"})
		if err != nil || e.ts.lastScope != "Org/7.directory.organization.r" || o1.BearerType != "Organization" {
			t.Fatalf("organization: %v %v %q", o1, err, e.ts.lastScope)
		}
		// Revoked tokens are skipped.
		revMu.Lock()
		revoked[t3.ID] = true
		revMu.Unlock()
		t5, err := e.store.Get(ctx, tokenstore.GetOptions{BearerID: "42", Scopes: []string{"directory.person.w"}})
		if err != nil || t5.ID == t3.ID {
			t.Fatalf("revoked: %v %v", t5, err)
		}
		// A token expiring within ValidFor is not handed out.
		n := e.ts.clientCredentials.Load()
		t6, err := e.store.Get(ctx, tokenstore.GetOptions{BearerID: "42", ValidFor: 2 * time.Hour})
		if err != nil || e.ts.clientCredentials.Load() != n+1 || t6.ID == t1.ID {
			t.Fatalf("validFor: %v %v", t6, err)
		}
		// bearer_does_not_exist is typed.
		_, err = e.store.Get(ctx, tokenstore.GetOptions{BearerID: "missing"})
		var nb *tokenstore.Error
		if !errors.Is(err, tokenstore.ErrNoSuchBearer) || !errors.As(err, &nb) || nb.BearerID != "missing" {
			t.Fatalf("no such bearer: %v", err)
		}
		if _, err := e.store.Get(ctx, tokenstore.GetOptions{}); err == nil {
			t.Fatal("no bearer id accepted")
		}
		if _, err := e.store.Get(ctx, tokenstore.GetOptions{Client: "other", BearerID: "1"}); !errors.Is(err, tokenstore.ErrUnknownClient) {
			t.Fatalf("unknown client: %v", err)
		}
	})
}

func TestGetRefreshesStoredUserToken(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		e := newEnv(t, dsn, nil)
		if _, err := e.store.Save(ctx, e.ts.userToken("jti-user", "Person/p1", time.Now().Add(-time.Minute)), tokenstore.SaveOptions{}); err != nil {
			t.Fatal(err)
		}
		got, err := e.store.Get(ctx, tokenstore.GetOptions{BearerID: "p1"})
		if err != nil {
			t.Fatal(err)
		}
		if e.ts.refreshes.Load() != 1 || e.ts.clientCredentials.Load() != 0 || got.RefreshToken == "" {
			t.Fatalf("refreshes %d, client credentials %d", e.ts.refreshes.Load(), e.ts.clientCredentials.Load())
		}
	})
}

func TestWithAuth(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		e := newEnv(t, dsn, nil)
		var seen string
		err := e.store.WithAuth(ctx, tokenstore.GetOptions{BearerID: "42"}, func(ctx context.Context, tok *oauth2.Token) error {
			seen = tok.AccessToken
			return nil
		})
		if err != nil || seen == "" {
			t.Fatalf("WithAuth: %v", err)
		}
		want := errors.New("inner")
		if err := e.store.WithAuth(ctx, tokenstore.GetOptions{BearerID: "42"}, func(context.Context, *oauth2.Token) error { return want }); err != want {
			t.Fatalf("inner error: %v", err)
		}
		if err := e.store.WithAuth(ctx, tokenstore.GetOptions{BearerID: "missing"}, func(context.Context, *oauth2.Token) error {
			t.Fatal("called without a token")
			return nil
		}); !errors.Is(err, tokenstore.ErrNoSuchBearer) {
			t.Fatalf("WithAuth error: %v", err)
		}
		ts := e.store.TokenSource(ctx, tokenstore.GetOptions{BearerID: "42"})
		if tok, err := ts.Token(); err != nil || tok.AccessToken != seen {
			t.Fatalf("TokenSource: %v", err)
		}
	})
}

func TestCleanup(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		e := newEnv(t, dsn, nil)
		save := func(id string, created time.Duration, expiry time.Time) {
			e.clock.shift(created)
			defer e.clock.shift(0)
			if _, err := e.store.Save(ctx, e.ts.userToken(id, "Person/p1", expiry), tokenstore.SaveOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		now := time.Now()
		save("old-expired", -8*24*time.Hour, now.Add(-7*24*time.Hour))
		save("old-valid", -8*24*time.Hour, now.Add(time.Hour))
		save("new-expired", -time.Hour, now.Add(-time.Minute))
		save("new-valid", 0, now.Add(time.Hour))
		n, err := e.store.Cleanup(ctx, 0)
		if err != nil || n != 1 {
			t.Fatalf("cleanup deleted %d, %v", n, err)
		}
		if _, err := e.store.Lookup(ctx, "old-expired"); !errors.Is(err, tokenstore.ErrNotFound) {
			t.Fatal("old expired row kept")
		}
		for _, id := range []string{"old-valid", "new-expired", "new-valid"} {
			if _, err := e.store.Lookup(ctx, id); err != nil {
				t.Fatalf("%s: %v", id, err)
			}
		}
		// RunCleanup with a short age removes new-expired, then stops with ctx.
		rctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { e.store.RunCleanup(rctx, 10*time.Millisecond, 30*time.Minute); close(done) }()
		deadline := time.Now().Add(10 * time.Second)
		for {
			if _, err := e.store.Lookup(ctx, "new-expired"); errors.Is(err, tokenstore.ErrNotFound) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("RunCleanup did not delete the row")
			}
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
		<-done
		if _, err := e.store.Lookup(ctx, "new-valid"); err != nil {
			t.Fatalf("valid row deleted: %v", err)
		}
	})
}

func TestConcurrentRefreshInProcess(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		ts := newTokenServer(t)
		ts.refreshDelay.Store(int64(100 * time.Millisecond))
		e := newEnv(t, dsn, ts)
		// A second Store on the same database: separate single flights,
		// so only the database lock keeps the refresh single.
		e2 := newEnv(t, dsn, ts, func(o *tokenstore.Options) { o.Keys = e.keys })
		if _, err := e.store.Save(ctx, ts.userToken("jti-conc", "Person/p1", time.Now().Add(-time.Minute)), tokenstore.SaveOptions{}); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		results := make(chan string, 100)
		errs := make(chan error, 100)
		for i := 0; i < 100; i++ {
			s := e.store
			if i%2 == 1 {
				s = e2.store
			}
			wg.Add(1)
			go func(i int, s *tokenstore.Store) {
				defer wg.Done()
				var tok *tokenstore.Token
				var err error
				if i%4 < 2 {
					tok, err = s.FindActive(ctx, "jti-conc", 0)
				} else {
					tok, err = s.Get(ctx, tokenstore.GetOptions{BearerID: "p1"})
				}
				if err != nil {
					errs <- err
					return
				}
				results <- tok.AccessToken.Reveal()
			}(i, s)
		}
		wg.Wait()
		close(results)
		close(errs)
		for err := range errs {
			t.Fatalf("caller: %v", err)
		}
		distinct := map[string]bool{}
		for r := range results {
			distinct[r] = true
		}
		if ts.refreshes.Load() != 1 || ts.clientCredentials.Load() != 0 || len(distinct) != 1 {
			t.Fatalf("refreshes %d, client credentials %d, distinct tokens %d", ts.refreshes.Load(), ts.clientCredentials.Load(), len(distinct))
		}
	})
}

func TestNothingSecretFormatted(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, t.TempDir()+"/t.db", nil)
	tok := e.ts.userToken("jti-fmt", "Person/p1", time.Now().Add(time.Hour))
	saved, err := e.store.Save(ctx, tok, tokenstore.SaveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	key := newKey(t, "kf")
	ring, _ := tokenstore.NewKeyring(key)
	client := e.ts.client()
	secrets := []string{tok.AccessToken, tok.RefreshToken, clientSecret, string(key.Secret), fmt.Sprintf("%x", key.Secret)}
	for _, v := range []any{saved, *saved, key, ring, client, e.store} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
			out := fmt.Sprintf(verb, v)
			for _, s := range secrets {
				if strings.Contains(out, s) {
					t.Fatalf("%s of %T shows a secret: %s", verb, v, out)
				}
			}
		}
	}
	// Wrong key sizes and bad key strings are clear errors.
	if _, err := tokenstore.NewKeyring(tokenstore.Key{ID: "short", Secret: []byte("abc")}); err == nil || !strings.Contains(err.Error(), "32") {
		t.Fatalf("short key: %v", err)
	}
	if _, err := tokenstore.ParseKeyring("nocolon"); err == nil {
		t.Fatal("bad keyring string accepted")
	}
	if _, err := openStore(ctx, t.TempDir()+"/x.db", tokenstore.Options{}); err == nil {
		t.Fatal("store without keys opened")
	}
	// A refresh rejected by the client authentication does not print secrets.
	bad := hubClient(e.ts.URL, "wrong-secret-value")
	_, err = bad.Refresh(ctx, tok.RefreshToken)
	if err == nil {
		t.Fatal("wrong secret accepted")
	}
	for _, s := range append(secrets, "wrong-secret-value") {
		if strings.Contains(fmt.Sprintf("%v %+v %#v", err, err, err), s) {
			t.Fatalf("error shows a secret: %v", err)
		}
	}
}
