package idtoken_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/auth/idtoken"
)

const (
	issuer   = "https://tenant.example.auth0.com/"
	clientID = "client-123"
	secret   = "0123456789abcdef0123456789abcdef-client-secret"
)

var (
	keyOnce sync.Once
	keyA    *rsa.PrivateKey
	keyB    *rsa.PrivateKey
)

func keys(t testing.TB) (*rsa.PrivateKey, *rsa.PrivateKey) {
	keyOnce.Do(func() {
		var err error
		if keyA, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if keyB, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
	return keyA, keyB
}

// jwksServer serves the public halves of the keys it holds, counting
// requests; set swaps the keys (a rotation).
type jwksServer struct {
	*httptest.Server
	mu   sync.Mutex
	set  jose.JSONWebKeySet
	hits atomic.Int32
}

func newJWKS(t *testing.T, ks map[string]*rsa.PrivateKey) *jwksServer {
	s := newJWKSServer(ks)
	t.Cleanup(s.Close)
	return s
}

func newJWKSServer(ks map[string]*rsa.PrivateKey) *jwksServer {
	s := &jwksServer{}
	s.rotate(ks)
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		s.mu.Lock()
		defer s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(s.set)
	}))
	return s
}

func (s *jwksServer) rotate(ks map[string]*rsa.PrivateKey) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.set = jose.JSONWebKeySet{}
	for kid, k := range ks {
		s.set.Keys = append(s.set.Keys, jose.JSONWebKey{Key: &k.PublicKey, KeyID: kid, Algorithm: "RS256", Use: "sig"})
	}
}

func sign(t testing.TB, alg jose.SignatureAlgorithm, key any, kid string, claims map[string]any) string {
	t.Helper()
	opts := (&jose.SignerOptions{}).WithType("JWT")
	if kid != "" {
		opts = opts.WithHeader("kid", kid)
	}
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, opts)
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(claims)
	jws, err := s.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var now = time.Unix(1_800_000_000, 0)

func baseClaims() map[string]any {
	return map[string]any{
		"iss": issuer, "sub": "auth0|42", "aud": clientID,
		"exp": now.Add(time.Hour).Unix(), "iat": now.Unix(),
		"nonce": "n-1", "auth_time": now.Add(-time.Minute).Unix(),
		"org_id": "org_abc", "org_name": "acme",
	}
}

func with(m map[string]any, kv ...any) map[string]any {
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(m, kv[i].(string))
		} else {
			m[kv[i].(string)] = kv[i+1]
		}
	}
	return m
}

func newRS(t *testing.T, srv *jwksServer) *idtoken.Validator {
	v, err := idtoken.New(idtoken.Config{Issuer: issuer, ClientID: clientID, JWKSURL: srv.URL, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestValidateClaims(t *testing.T) {
	a, _ := keys(t)
	srv := newJWKS(t, map[string]*rsa.PrivateKey{"a": a})
	v := newRS(t, srv)
	ctx := context.Background()
	full := idtoken.Expect{Nonce: "n-1", MaxAge: 5 * time.Minute, Organization: "org_abc"}

	c, err := v.Validate(ctx, sign(t, jose.RS256, a, "a", baseClaims()), full)
	if err != nil {
		t.Fatalf("valid token rejected: %v", err)
	}
	if c.Subject != "auth0|42" || c.OrgID != "org_abc" || c.AuthTime.IsZero() {
		t.Fatalf("claims: %+v", c)
	}
	var all map[string]any
	if err := c.Decode(&all); err != nil || all["org_name"] != "acme" {
		t.Fatalf("Decode: %v %v", all, err)
	}
	// Organization by name, case-insensitively.
	if _, err := v.Validate(ctx, sign(t, jose.RS256, a, "a", baseClaims()), idtoken.Expect{Organization: "ACME"}); err != nil {
		t.Fatalf("org name: %v", err)
	}
	// Within the leeway.
	if _, err := v.Validate(ctx, sign(t, jose.RS256, a, "a", with(baseClaims(), "exp", now.Add(-30*time.Second).Unix())), idtoken.Expect{}); err != nil {
		t.Fatalf("leeway: %v", err)
	}
	// nbf in the past, and in the future within the leeway (as iat).
	for _, nbf := range []time.Time{now.Add(-time.Hour), now.Add(30 * time.Second)} {
		if _, err := v.Validate(ctx, sign(t, jose.RS256, a, "a", with(baseClaims(), "nbf", nbf.Unix())), idtoken.Expect{}); err != nil {
			t.Fatalf("nbf %v: %v", nbf, err)
		}
	}
	// Several audiences with the right azp.
	if _, err := v.Validate(ctx, sign(t, jose.RS256, a, "a", with(baseClaims(), "aud", []string{clientID, "https://api"}, "azp", clientID)), idtoken.Expect{}); err != nil {
		t.Fatalf("azp: %v", err)
	}

	cases := []struct {
		name    string
		claims  map[string]any
		want    error
		missing bool
		expect  idtoken.Expect
	}{
		{"no iss", with(baseClaims(), "iss", nil), idtoken.ErrIssuer, true, full},
		{"wrong iss", with(baseClaims(), "iss", "https://evil/"), idtoken.ErrIssuer, false, full},
		{"no sub", with(baseClaims(), "sub", nil), idtoken.ErrSubject, true, full},
		{"no aud", with(baseClaims(), "aud", nil), idtoken.ErrAudience, true, full},
		{"wrong aud", with(baseClaims(), "aud", "other"), idtoken.ErrAudience, false, full},
		{"no exp", with(baseClaims(), "exp", nil), idtoken.ErrExpired, true, full},
		{"expired", with(baseClaims(), "exp", now.Add(-2*time.Minute).Unix()), idtoken.ErrExpired, false, full},
		{"no iat", with(baseClaims(), "iat", nil), idtoken.ErrIssuedAt, true, full},
		{"future iat", with(baseClaims(), "iat", now.Add(5*time.Minute).Unix()), idtoken.ErrIssuedAt, false, full},
		{"nbf a day ahead", with(baseClaims(), "nbf", now.Add(24*time.Hour).Unix()), idtoken.ErrNotBefore, false, full},
		{"nbf past the leeway", with(baseClaims(), "nbf", now.Add(2*time.Minute).Unix()), idtoken.ErrNotBefore, false, full},
		{"no nonce", with(baseClaims(), "nonce", nil), idtoken.ErrNonce, true, full},
		{"wrong nonce", with(baseClaims(), "nonce", "other"), idtoken.ErrNonce, false, full},
		{"no azp", with(baseClaims(), "aud", []string{clientID, "x"}), idtoken.ErrAuthorizedParty, true, full},
		{"wrong azp", with(baseClaims(), "aud", []string{clientID, "x"}, "azp", "x"), idtoken.ErrAuthorizedParty, false, full},
		{"no auth_time", with(baseClaims(), "auth_time", nil), idtoken.ErrAuthTime, true, full},
		{"old auth_time", with(baseClaims(), "auth_time", now.Add(-time.Hour).Unix()), idtoken.ErrAuthTime, false, full},
		{"no org_id", with(baseClaims(), "org_id", nil), idtoken.ErrOrganization, true, full},
		{"wrong org_id", with(baseClaims(), "org_id", "org_other"), idtoken.ErrOrganization, false, full},
		{"wrong org_name", baseClaims(), idtoken.ErrOrganization, false, idtoken.Expect{Organization: "other"}},
		{"no org_name", with(baseClaims(), "org_name", nil), idtoken.ErrOrganization, true, idtoken.Expect{Organization: "acme"}},
	}
	sentinels := []error{idtoken.ErrIssuer, idtoken.ErrSubject, idtoken.ErrAudience, idtoken.ErrExpired, idtoken.ErrIssuedAt,
		idtoken.ErrNotBefore, idtoken.ErrTooLarge, idtoken.ErrNonce, idtoken.ErrAuthorizedParty, idtoken.ErrAuthTime, idtoken.ErrOrganization, idtoken.ErrSignature,
		idtoken.ErrAlgorithm, idtoken.ErrMalformed, idtoken.ErrUnknownKey, idtoken.ErrKeySet}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v.Validate(ctx, sign(t, jose.RS256, a, "a", tt.claims), tt.expect)
			var ve *idtoken.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("got %v, want a *ValidationError", err)
			}
			for _, s := range sentinels {
				if errors.Is(err, s) != (s == tt.want) {
					t.Errorf("errors.Is(%v, %v) = %v", err, s, !(s == tt.want))
				}
			}
			if errors.Is(err, idtoken.ErrMissingClaim) != tt.missing {
				t.Errorf("missing = %v: %v", !tt.missing, err)
			}
		})
	}
	if n := srv.hits.Load(); n != 1 {
		t.Errorf("JWKS fetched %d times, want 1", n)
	}
}

func TestValidateSignatureAndAlgorithm(t *testing.T) {
	a, b := keys(t)
	srv := newJWKS(t, map[string]*rsa.PrivateKey{"a": a})
	v := newRS(t, srv)
	ctx := context.Background()
	good := sign(t, jose.RS256, a, "a", baseClaims())

	parts := strings.Split(good, ".")
	noneHeader := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
	sig := []byte(parts[2])
	if sig[10] == 'A' { // still base64url, different bytes
		sig[10] = 'B'
	} else {
		sig[10] = 'A'
	}
	cases := []struct {
		name string
		tok  string
		want error
	}{
		{"alg none", noneHeader + "." + parts[1] + ".", idtoken.ErrAlgorithm},
		{"HS256 when RS256", sign(t, jose.HS256, []byte(secret), "a", baseClaims()), idtoken.ErrAlgorithm},
		{"tampered signature", parts[0] + "." + parts[1] + "." + string(sig), idtoken.ErrSignature},
		{"tampered payload", parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"admin"}`)) + "." + parts[2], idtoken.ErrSignature},
		{"wrong key same kid", sign(t, jose.RS256, b, "a", baseClaims()), idtoken.ErrSignature},
		{"two parts", parts[0] + "." + parts[1], idtoken.ErrMalformed},
		{"bad header", "!!." + parts[1] + "." + parts[2], idtoken.ErrMalformed},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v.Validate(ctx, tt.tok, idtoken.Expect{})
			var te *idtoken.ValidationError
			if !errors.Is(err, tt.want) || !errors.As(err, &te) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if strings.Contains(err.Error(), parts[1]) {
				t.Errorf("error prints the token: %v", err)
			}
		})
	}
	if n := srv.hits.Load(); n != 1 {
		t.Errorf("JWKS fetched %d times, want 1 (a bad signature must not refetch)", n)
	}
}

func TestKeyRotationRefetchesOnce(t *testing.T) {
	a, b := keys(t)
	srv := newJWKS(t, map[string]*rsa.PrivateKey{"a": a})
	clock := now
	v, err := idtoken.New(idtoken.Config{Issuer: issuer, ClientID: clientID, JWKSURL: srv.URL, Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := v.Validate(ctx, sign(t, jose.RS256, a, "a", baseClaims()), idtoken.Expect{}); err != nil {
		t.Fatal(err)
	}
	// A made-up kid right after a fetch: no new fetch, a typed error.
	if _, err := v.Validate(ctx, sign(t, jose.RS256, b, "zzz", baseClaims()), idtoken.Expect{}); !errors.Is(err, idtoken.ErrUnknownKey) {
		t.Fatalf("unknown kid: %v", err)
	}
	if n := srv.hits.Load(); n != 1 {
		t.Fatalf("fetches = %d, want 1", n)
	}
	// The tenant rotates to key b; later a token signed with b arrives.
	srv.rotate(map[string]*rsa.PrivateKey{"b": b})
	clock = clock.Add(idtoken.DefaultMinRefresh + time.Second)
	if _, err := v.Validate(ctx, sign(t, jose.RS256, b, "b", baseClaims()), idtoken.Expect{}); err != nil {
		t.Fatalf("rotated key: %v", err)
	}
	if n := srv.hits.Load(); n != 2 {
		t.Fatalf("fetches = %d, want 2", n)
	}
	for i := 0; i < 5; i++ {
		if _, err := v.Validate(ctx, sign(t, jose.RS256, b, "b", baseClaims()), idtoken.Expect{}); err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.hits.Load(); n != 2 || v.KeySet().Fetches() != 2 {
		t.Fatalf("fetches = %d, want 2 (never per token)", n)
	}
}

func TestConcurrentFirstFetch(t *testing.T) {
	a, _ := keys(t)
	srv := newJWKS(t, map[string]*rsa.PrivateKey{"a": a})
	v := newRS(t, srv)
	tok := sign(t, jose.RS256, a, "a", baseClaims())
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := v.Validate(context.Background(), tok, idtoken.Expect{}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := srv.hits.Load(); n != 1 {
		t.Fatalf("fetches = %d, want 1", n)
	}
}

func TestKeySetUnavailable(t *testing.T) {
	a, _ := keys(t)
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1); http.Error(w, "down", 503) }))
	defer srv.Close()
	clock := now
	v, _ := idtoken.New(idtoken.Config{Issuer: issuer, ClientID: clientID, JWKSURL: srv.URL, Now: func() time.Time { return clock }})
	tok := sign(t, jose.RS256, a, "a", baseClaims())
	for i := 0; i < 3; i++ {
		if _, err := v.Validate(context.Background(), tok, idtoken.Expect{}); !errors.Is(err, idtoken.ErrKeySet) {
			t.Fatalf("got %v", err)
		}
	}
	if n := hits.Load(); n != 1 {
		t.Fatalf("%d fetches during the outage, want 1", n)
	}
	clock = clock.Add(2 * time.Second) // after the backoff, the next token tries again
	if _, err := v.Validate(context.Background(), tok, idtoken.Expect{}); !errors.Is(err, idtoken.ErrKeySet) || hits.Load() != 2 {
		t.Fatalf("got %v after %d fetches", err, hits.Load())
	}
}

func TestHS256(t *testing.T) {
	a, _ := keys(t)
	v, err := idtoken.New(idtoken.Config{Issuer: issuer, ClientID: clientID, Algorithm: idtoken.HS256, ClientSecret: auth.Secret(secret), Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := v.Validate(ctx, sign(t, jose.HS256, []byte(secret), "", baseClaims()), idtoken.Expect{Nonce: "n-1"}); err != nil {
		t.Fatalf("valid HS256: %v", err)
	}
	if _, err := v.Validate(ctx, sign(t, jose.HS256, []byte(strings.Repeat("x", 40)), "", baseClaims()), idtoken.Expect{}); !errors.Is(err, idtoken.ErrSignature) {
		t.Fatalf("wrong secret: %v", err)
	}
	if _, err := v.Validate(ctx, sign(t, jose.RS256, a, "a", baseClaims()), idtoken.Expect{}); !errors.Is(err, idtoken.ErrAlgorithm) {
		t.Fatalf("RS256 when HS256: %v", err)
	}
	if _, err := idtoken.New(idtoken.Config{Issuer: issuer, ClientID: clientID, Algorithm: idtoken.HS256, ClientSecret: "short"}); err == nil {
		t.Fatal("short secret accepted")
	}
	if _, err := idtoken.New(idtoken.Config{Issuer: issuer, ClientID: clientID, Algorithm: "none"}); err == nil {
		t.Fatal("alg none accepted")
	}
}

// TestOversizedTokenRefusedBeforeFetch: a correctly signed token over
// MaxTokenBytes is refused with ErrTooLarge, and the JWKS endpoint is
// never asked for a key.
func TestOversizedTokenRefusedBeforeFetch(t *testing.T) {
	a, _ := keys(t)
	srv := newJWKS(t, map[string]*rsa.PrivateKey{"a": a})
	v := newRS(t, srv)
	big := sign(t, jose.RS256, a, "a", with(baseClaims(), "padding", strings.Repeat("x", 1400<<10)))
	_, err := v.Validate(context.Background(), big, idtoken.Expect{})
	if !errors.Is(err, idtoken.ErrTooLarge) {
		t.Fatalf("got %v, want ErrTooLarge", err)
	}
	var te *idtoken.ValidationError
	if !errors.As(err, &te) || errors.Is(err, idtoken.ErrMalformed) {
		t.Fatalf("want a *ValidationError matching only ErrTooLarge: %v", err)
	}
	// The KeySet used on its own refuses it as well.
	if _, err := v.KeySet().VerifySignature(context.Background(), big); !errors.Is(err, idtoken.ErrTooLarge) {
		t.Fatalf("KeySet: got %v, want ErrTooLarge", err)
	}
	if n := srv.hits.Load(); n != 0 {
		t.Fatalf("JWKS fetched %d times for an oversized token, want 0", n)
	}
	// Just under the cap still validates.
	claims := baseClaims()
	base := len(sign(t, jose.RS256, a, "a", with(claims, "padding", "")))
	pad := (idtoken.MaxTokenBytes-base)*3/4 - 8
	ok := sign(t, jose.RS256, a, "a", with(baseClaims(), "padding", strings.Repeat("y", pad)))
	if len(ok) > idtoken.MaxTokenBytes {
		t.Fatalf("test token is %d bytes", len(ok))
	}
	if _, err := v.Validate(context.Background(), ok, idtoken.Expect{}); err != nil {
		t.Fatalf("token of %d bytes refused: %v", len(ok), err)
	}
}
