package auth

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"golang.org/x/oauth2"

	sdkerrors "github.com/idsdk/idsdk-go/errors"
)

func TestClientCredentialsAgainstProvider(t *testing.T) {
	p := startProvider(t, nil)
	ctx := context.Background()
	keys := testKeys()
	cases := []struct {
		name string
		src  *ClientCredentials
	}{
		{"client_secret_basic", &ClientCredentials{ClientAuth: ClientAuth{TokenURL: p.TokenURL, ClientID: "basic-client", ClientSecret: basicSecret, AuthMethod: ClientSecretBasic}, Scopes: []string{"read"}}},
		{"client_secret_post", &ClientCredentials{ClientAuth: ClientAuth{TokenURL: p.TokenURL, ClientID: "post-client", ClientSecret: postSecret, AuthMethod: ClientSecretPost}}},
		{"private_key_jwt RS256", &ClientCredentials{ClientAuth: ClientAuth{TokenURL: p.TokenURL, ClientID: "jwt-client", PrivateKey: &PrivateKey{Key: keys["rsa"], KeyID: "rsa"}}}},
		{"private_key_jwt PS384", &ClientCredentials{ClientAuth: ClientAuth{TokenURL: p.TokenURL, ClientID: "jwt-client", AuthMethod: PrivateKeyJWT, PrivateKey: &PrivateKey{Key: keys["rsa"], KeyID: "rsa", Algorithm: "PS384"}}}},
		{"private_key_jwt RS512", &ClientCredentials{ClientAuth: ClientAuth{TokenURL: p.TokenURL, ClientID: "jwt-client", PrivateKey: &PrivateKey{Key: keys["rsa"], KeyID: "rsa", Algorithm: "RS512"}}}},
		{"private_key_jwt ES256", &ClientCredentials{ClientAuth: ClientAuth{TokenURL: p.TokenURL, ClientID: "jwt-client", PrivateKey: &PrivateKey{Key: keys["p256"], KeyID: "p256"}}}},
		{"private_key_jwt ES384 aud=issuer", &ClientCredentials{ClientAuth: ClientAuth{TokenURL: p.TokenURL, ClientID: "jwt-client", AssertionAudience: p.Issuer, PrivateKey: &PrivateKey{Key: keys["p384"], KeyID: "p384"}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := tc.src.TokenContext(ctx)
			if err != nil {
				t.Fatalf("token: %v", err)
			}
			if tok.AccessToken == "" || !strings.EqualFold(tok.TokenType, "bearer") {
				t.Fatalf("bad token: type %q", tok.TokenType)
			}
			if d := time.Until(tok.Expiry); d < 9*time.Minute || d > 11*time.Minute {
				t.Fatalf("expiry in %s, want about 10m", d)
			}
		})
	}

	t.Run("resource gives a JWT with that audience", func(t *testing.T) {
		src := &ClientCredentials{ClientAuth: ClientAuth{TokenURL: p.TokenURL, ClientID: "basic-client", ClientSecret: basicSecret}, Scopes: []string{"read", "write"}, Resource: []string{apiResource}}
		tok, err := src.TokenContext(ctx)
		if err != nil {
			t.Fatal(err)
		}
		parsed, err := jwt.ParseSigned(tok.AccessToken, []jose.SignatureAlgorithm{jose.RS256})
		if err != nil {
			t.Fatalf("access token is not a JWT: %v", err)
		}
		var claims jwt.Claims
		var extra struct {
			Scope string `json:"scope"`
		}
		if err := parsed.UnsafeClaimsWithoutVerification(&claims, &extra); err != nil {
			t.Fatal(err)
		}
		if !claims.Audience.Contains(apiResource) || claims.Subject != "basic-client" || extra.Scope != "read write" {
			t.Fatalf("claims aud=%v sub=%q scope=%q", claims.Audience, claims.Subject, extra.Scope)
		}
	})

	t.Run("assertions are fresh per request", func(t *testing.T) {
		src := &ClientCredentials{ClientAuth: ClientAuth{TokenURL: p.TokenURL, ClientID: "jwt-client", PrivateKey: &PrivateKey{Key: keys["p256"], KeyID: "p256"}}}
		for i := 0; i < 3; i++ { // the provider rejects a replayed jti
			if _, err := src.TokenContext(ctx); err != nil {
				t.Fatalf("request %d: %v", i, err)
			}
		}
	})

	t.Run("wrong secret", func(t *testing.T) {
		src := &ClientCredentials{ClientAuth: ClientAuth{TokenURL: p.TokenURL, ClientID: "basic-client", ClientSecret: "wrong", AuthMethod: ClientSecretBasic}}
		_, err := src.TokenContext(ctx)
		var te *TokenError
		if !errors.As(err, &te) || te.Code != "invalid_client" || te.StatusCode != http.StatusUnauthorized {
			t.Fatalf("err = %v, want a TokenError with invalid_client", err)
		}
		var oe *sdkerrors.OAuthError
		if !errors.As(err, &oe) || oe.Code != "invalid_client" {
			t.Fatalf("no *sdkerrors.OAuthError in %v", err)
		}
		if !errors.Is(err, sdkerrors.ErrUnauthorized) || !errors.Is(err, ErrInvalidCredentials) {
			t.Fatalf("%v does not match ErrUnauthorized and ErrInvalidCredentials", err)
		}
		if strings.Contains(err.Error(), "wrong") {
			t.Fatalf("error shows the secret: %v", err)
		}
	})

	t.Run("wrong key", func(t *testing.T) {
		other := testKeys()["p384"]
		src := &ClientCredentials{ClientAuth: ClientAuth{TokenURL: p.TokenURL, ClientID: "jwt-client", PrivateKey: &PrivateKey{Key: other, KeyID: "p256"}}}
		_, err := src.TokenContext(ctx)
		if !errors.Is(err, ErrInvalidCredentials) {
			t.Fatalf("err = %v, want invalid client", err)
		}
	})

	t.Run("unknown resource", func(t *testing.T) {
		src := &ClientCredentials{ClientAuth: ClientAuth{TokenURL: p.TokenURL, ClientID: "basic-client", ClientSecret: basicSecret}, Resource: []string{"https://unknown.example.test"}}
		_, err := src.TokenContext(ctx)
		var te *TokenError
		if !errors.As(err, &te) || te.Code != "invalid_target" {
			t.Fatalf("err = %v, want invalid_target", err)
		}
		if !errors.Is(err, sdkerrors.ErrBadRequest) {
			t.Fatalf("%v does not match ErrBadRequest", err)
		}
	})

	t.Run("scope not allowed for the client", func(t *testing.T) {
		src := &ClientCredentials{ClientAuth: ClientAuth{TokenURL: p.TokenURL, ClientID: "post-client", ClientSecret: postSecret, AuthMethod: ClientSecretPost}, Scopes: []string{"write"}}
		_, err := src.TokenContext(ctx)
		var oe *sdkerrors.OAuthError
		if !errors.As(err, &oe) || oe.Code != "invalid_scope" {
			t.Fatalf("err = %v, want invalid_scope", err)
		}
	})
}

func TestRefreshRotationAgainstProvider(t *testing.T) {
	p := startProvider(t, nil)
	ctx := context.Background()
	tok0 := login(t, p, "alice")

	store := NewMemoryStore()
	if err := store.Save(ctx, expired(tok0)); err != nil {
		t.Fatal(err)
	}
	var changes atomic.Int32
	cache := NewCache(NewRefreshSource(appRefreshConfig(p), nil), WithStore(store),
		OnTokenChange(func(ctx context.Context, old, new *oauth2.Token) error {
			stored, err := store.Load(ctx)
			if err != nil || stored.RefreshToken != new.RefreshToken {
				t.Errorf("hook ran before the store was written")
			}
			if old.RefreshToken != tok0.RefreshToken {
				t.Errorf("hook old token is not the previous one")
			}
			changes.Add(1)
			return nil
		}))
	p.ResetStats(t)
	tok1, err := cache.TokenContext(ctx)
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if tok1.AccessToken == tok0.AccessToken || tok1.RefreshToken == "" || tok1.RefreshToken == tok0.RefreshToken {
		t.Fatalf("refresh did not rotate the tokens")
	}
	stored, _ := store.Load(ctx)
	if stored.RefreshToken != tok1.RefreshToken || stored.AccessToken != tok1.AccessToken {
		t.Fatalf("store does not hold the new tokens")
	}
	if changes.Load() != 1 {
		t.Fatalf("OnTokenChange called %d times", changes.Load())
	}
	if s := p.Stats(t); s.Success["refresh_token"] != 1 {
		t.Fatalf("stats %+v", s)
	}
	// The cached token is reused.
	if again, _ := cache.TokenContext(ctx); again != tok1 {
		t.Fatalf("cache did not reuse the token")
	}

	// The rotated-away refresh token is dead.
	_, err = NewRefreshSource(appRefreshConfig(p), nil).Refresh(ctx, tok0)
	var te *TokenError
	if !errors.As(err, &te) || te.Code != "invalid_grant" || !errors.Is(err, ErrInvalidGrant) {
		t.Fatalf("old refresh token: err = %v, want invalid_grant", err)
	}
}

func TestRefreshWithUserRecordStore(t *testing.T) {
	p := startProvider(t, nil)
	ctx := context.Background()
	tok0 := login(t, p, "bob")

	// A user record as an application keeps it (the Nexaas ID case).
	type userRecord struct {
		mu           sync.Mutex
		AccessToken  string
		RefreshToken string
		ExpiresIn    int64
		ExpiresAt    int64
	}
	rec := &userRecord{AccessToken: tok0.AccessToken, RefreshToken: tok0.RefreshToken, ExpiresIn: 600, ExpiresAt: time.Now().Add(-time.Second).Unix()}
	store := StoreFuncs{
		LoadFunc: func(ctx context.Context) (*oauth2.Token, error) {
			rec.mu.Lock()
			defer rec.mu.Unlock()
			return &oauth2.Token{AccessToken: rec.AccessToken, RefreshToken: rec.RefreshToken, TokenType: "Bearer", Expiry: time.Unix(rec.ExpiresAt, 0)}, nil
		},
		SaveFunc: func(ctx context.Context, tok *oauth2.Token) error {
			rec.mu.Lock()
			defer rec.mu.Unlock()
			rec.AccessToken, rec.RefreshToken = tok.AccessToken, tok.RefreshToken
			rec.ExpiresAt = tok.Expiry.Unix()
			rec.ExpiresIn = int64(time.Until(tok.Expiry).Round(time.Second) / time.Second)
			return nil
		},
	}
	cache := NewCache(NewRefreshSource(appRefreshConfig(p), nil), WithStore(store))
	tok1, err := cache.TokenContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if rec.AccessToken != tok1.AccessToken || rec.RefreshToken != tok1.RefreshToken || rec.RefreshToken == tok0.RefreshToken {
		t.Fatalf("record not updated with the rotated tokens")
	}
	if d := time.Until(time.Unix(rec.ExpiresAt, 0)); d < 9*time.Minute || rec.ExpiresIn < 590 {
		t.Fatalf("record expiry not updated: expires_at in %s, expires_in %d", d, rec.ExpiresIn)
	}
}

func TestThousandCallersOneRequest(t *testing.T) {
	p := startProvider(t, nil)
	ctx := context.Background()
	tok0 := login(t, p, "carol")
	store := NewMemoryStore()
	_ = store.Save(ctx, expired(tok0))
	cache := NewCache(NewRefreshSource(appRefreshConfig(p), nil), WithStore(store))
	p.ResetStats(t)

	const n = 1000
	var wg sync.WaitGroup
	start := make(chan struct{})
	toks := make([]*oauth2.Token, n)
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			toks[i], errs[i] = cache.TokenContext(ctx)
		}()
	}
	close(start)
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("caller %d: %v", i, errs[i])
		}
		if toks[i].AccessToken != toks[0].AccessToken || toks[i].AccessToken == tok0.AccessToken {
			t.Fatalf("caller %d got another token", i)
		}
	}
	s := p.Stats(t)
	t.Logf("1000 callers on an expired token: %d token request(s) reached the provider (%v)", s.Requests, s.Success)
	if s.Requests != 1 || s.Success["refresh_token"] != 1 {
		t.Fatalf("token requests = %d (%v), want exactly 1", s.Requests, s.Success)
	}
}

// slowTransport delays token requests, so an early refresh takes a while.
type slowTransport struct{ delay time.Duration }

func (s slowTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	time.Sleep(s.delay)
	return http.DefaultTransport.RoundTrip(r)
}

func TestEarlyRefreshDoesNotBlock(t *testing.T) {
	p := startProvider(t, nil)
	ctx := context.Background()
	tok0 := login(t, p, "dave")
	// 60 s left of a 600 s lifetime: inside the early window (last 120 s),
	// far from the 10 s hard margin.
	old := *tok0
	old.Expiry = time.Now().Add(60 * time.Second)
	old.ExpiresIn = 600
	store := NewMemoryStore()
	_ = store.Save(ctx, &old)
	cfg := appRefreshConfig(p)
	cfg.HTTPClient = &http.Client{Transport: slowTransport{300 * time.Millisecond}}
	cache := NewCache(NewRefreshSource(cfg, nil), WithStore(store))
	first, err := cache.TokenContext(ctx) // loads the stored token
	if err != nil || first.AccessToken != old.AccessToken {
		t.Fatalf("first call: %v", err)
	}
	p.ResetStats(t)

	var maxWait atomic.Int64
	var calls, gotOld atomic.Int64
	var wg sync.WaitGroup
	deadline := time.Now().Add(250 * time.Millisecond)
	for g := 0; g < 50; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				t0 := time.Now()
				tok, err := cache.TokenContext(ctx)
				d := time.Since(t0)
				if err != nil {
					t.Errorf("caller: %v", err)
					return
				}
				calls.Add(1)
				if tok.AccessToken == old.AccessToken {
					gotOld.Add(1)
				}
				for {
					m := maxWait.Load()
					if int64(d) <= m || maxWait.CompareAndSwap(m, int64(d)) {
						break
					}
				}
				time.Sleep(time.Millisecond) // callers, not spinners
			}
		}()
	}
	wg.Wait()
	t.Logf("early refresh: %d calls by 50 callers during the refresh, max wait %s, %d got the old token",
		calls.Load(), time.Duration(maxWait.Load()), gotOld.Load())
	if gotOld.Load() != calls.Load() {
		t.Fatalf("%d of %d calls did not get the still-valid token", calls.Load()-gotOld.Load(), calls.Load())
	}
	// Generous bound: the refresh itself takes >= 300 ms.
	if time.Duration(maxWait.Load()) >= 250*time.Millisecond {
		t.Fatalf("a caller waited %s: it was blocked by the refresh", time.Duration(maxWait.Load()))
	}
	// The background refresh lands.
	waitFor(t, 5*time.Second, func() bool {
		tok, _ := cache.TokenContext(ctx)
		return tok != nil && tok.AccessToken != old.AccessToken
	})
	if s := p.Stats(t); s.Requests != 1 {
		t.Fatalf("token requests = %d, want 1", s.Requests)
	}
	stored, _ := store.Load(ctx)
	if stored.RefreshToken == old.RefreshToken {
		t.Fatalf("store still holds the old refresh token")
	}
}

func waitFor(t *testing.T, d time.Duration, cond func() bool) {
	t.Helper()
	end := time.Now().Add(d)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("condition not met in %s", d)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestOutageDuringRefresh(t *testing.T) {
	p := startProvider(t, map[string]int{"ClientCredentials": 120})
	ctx := context.Background()
	var offset atomic.Int64
	cache := NewCache(&ClientCredentials{ClientAuth: ClientAuth{TokenURL: p.TokenURL, ClientID: "basic-client", ClientSecret: basicSecret}},
		WithBackoff(50*time.Millisecond, time.Second))
	cache.now = func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }

	tok1, err := cache.TokenContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p.Stop()

	// In the early window (last 18 s of 120 s): the background refresh
	// fails, callers keep the valid token.
	offset.Store(int64(105 * time.Second))
	for i := 0; i < 3; i++ {
		tok, err := cache.TokenContext(ctx)
		if err != nil || tok != tok1 {
			t.Fatalf("early window during outage: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}

	// Expired: callers get a typed error.
	offset.Store(int64(3 * time.Minute))
	time.Sleep(60 * time.Millisecond) // past the backoff
	_, err = cache.TokenContext(ctx)
	var te *TokenError
	if !errors.As(err, &te) || te.StatusCode != 0 || !errors.Is(err, sdkerrors.ErrUnavailable) {
		t.Fatalf("err = %v, want a TokenError matching ErrUnavailable", err)
	}
	// Inside the backoff the error comes back at once, without a request.
	before := cache.fetches.Load()
	t0 := time.Now()
	_, err2 := cache.TokenContext(ctx)
	if err2 == nil || cache.fetches.Load() != before {
		t.Fatalf("backoff not honoured: err %v, fetches %d -> %d", err2, before, cache.fetches.Load())
	}
	t.Logf("error during backoff returned in %s", time.Since(t0))

	p.Restart(t)
	waitFor(t, 5*time.Second, func() bool {
		tok, err := cache.TokenContext(ctx)
		return err == nil && tok.AccessToken != tok1.AccessToken
	})
}

// failingStore fails the first n saves.
type failingStore struct {
	*MemoryStore
	fail atomic.Int32
}

var errDiskFull = errors.New("disk full")

func (f *failingStore) Save(ctx context.Context, tok *oauth2.Token) error {
	if f.fail.Add(-1) >= 0 {
		return errDiskFull
	}
	return f.MemoryStore.Save(ctx, tok)
}

func TestFailingSaveLosesNothing(t *testing.T) {
	p := startProvider(t, nil)
	ctx := context.Background()
	tok0 := login(t, p, "erin")
	store := &failingStore{MemoryStore: NewMemoryStore()}
	_ = store.MemoryStore.Save(ctx, expired(tok0))
	store.fail.Store(1)
	cache := NewCache(NewRefreshSource(appRefreshConfig(p), nil), WithStore(store))
	p.ResetStats(t)

	_, err := cache.TokenContext(ctx)
	var se *SaveError
	if !errors.As(err, &se) || !errors.Is(err, errDiskFull) {
		t.Fatalf("err = %v, want a SaveError wrapping the store's error", err)
	}
	if s := p.Stats(t); s.Success["refresh_token"] != 1 {
		t.Fatalf("stats %+v", s)
	}
	// The old refresh token is dead now; the new one is only in memory.
	// The next call saves it and hands it out, with no new token request.
	tok1, err := cache.TokenContext(ctx)
	if err != nil {
		t.Fatalf("second call: %v", err)
	}
	stored, _ := store.Load(ctx)
	if stored.RefreshToken != tok1.RefreshToken || tok1.RefreshToken == tok0.RefreshToken {
		t.Fatalf("store does not hold the rotated refresh token")
	}
	if s := p.Stats(t); s.Requests != 1 {
		t.Fatalf("token requests = %d, want 1", s.Requests)
	}
	// And the rotated refresh token works.
	cache.Invalidate(tok1)
	tok2, err := cache.TokenContext(ctx)
	if err != nil || tok2.AccessToken == tok1.AccessToken {
		t.Fatalf("refresh with the rotated token: %v", err)
	}
}
