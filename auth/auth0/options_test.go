package auth0

// Tests that each option of New and each TokenOption changes what it says
// it changes: the request sent, or which ID tokens are accepted.

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/idsdk/idsdk-go/auth/idtoken"
	"github.com/idsdk/idsdk-go/gen/auth0auth"
)

// optionsNow is the fixed clock of the ID token tests.
var optionsNow = time.Unix(1_800_000_000, 0)

// hsIDToken signs claims (over a valid base for the fake's issuer) with
// the test client secret, as a tenant with HS256 ID tokens does.
func hsIDToken(t *testing.T, f *fakeAuth0, claims map[string]any) string {
	t.Helper()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: []byte(testSecret)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	base := map[string]any{"iss": f.URL + "/", "sub": "auth0|1", "aud": testID,
		"exp": optionsNow.Add(time.Hour).Unix(), "iat": optionsNow.Add(-time.Hour).Unix()}
	for k, v := range claims {
		if v == nil {
			delete(base, k)
		} else {
			base[k] = v
		}
	}
	raw, err := jwt.Signed(signer).Claims(base).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// exchangeWith answers the next code exchange with idt and makes it.
func exchangeWith(f *fakeAuth0, c *Client, idt string, opts ...TokenOption) error {
	f.on("/oauth/token", answer{status: 200, body: tokenBody(map[string]any{"id_token": idt})})
	_, err := c.ExchangeCode(context.Background(), "CODE", "", "", opts...)
	return err
}

// TestWithLeewayAcceptsAndRefusesAtTheEdge: an ID token that expired two
// minutes ago passes with WithLeeway(2m) and fails one second later; the
// default leeway (60 s) refuses it.
func TestWithLeewayAcceptsAndRefusesAtTheEdge(t *testing.T) {
	for _, tt := range []struct {
		name    string
		leeway  time.Duration // 0: the option is not given
		expired time.Duration
		wantErr error
	}{
		{"inside the leeway", 2 * time.Minute, 2 * time.Minute, nil},
		{"one second past it", 2 * time.Minute, 2*time.Minute + time.Second, idtoken.ErrExpired},
		{"default leeway", 0, 2 * time.Minute, idtoken.ErrExpired},
		{"short leeway", 10 * time.Second, 11 * time.Second, idtoken.ErrExpired},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			opts := []Option{WithIDTokenAlgorithm(idtoken.HS256), WithClock(func() time.Time { return optionsNow })}
			if tt.leeway != 0 {
				opts = append(opts, WithLeeway(tt.leeway))
			}
			c := newTest(t, f, opts...)
			idt := hsIDToken(t, f, map[string]any{"exp": optionsNow.Add(-tt.expired).Unix()})
			if err := exchangeWith(f, c, idt); !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("got %v, want %v", err, tt.wantErr)
			}
		})
	}
}

// TestWithMaxAgeChecksAuthTime: WithMaxAge makes auth_time required and
// no older than the max age (plus the leeway); without it an old or
// missing auth_time is accepted.
func TestWithMaxAgeChecksAuthTime(t *testing.T) {
	leeway := idtoken.DefaultLeeway
	for _, tt := range []struct {
		name     string
		maxAge   time.Duration // 0: the option is not given
		authTime any           // seconds before now, or nil for none
		wantErr  bool
	}{
		{"fresh enough", time.Hour, time.Hour + leeway, false},
		{"one second too old", time.Hour, time.Hour + leeway + time.Second, true},
		{"missing", time.Hour, nil, true},
		{"old without max_age", 0, 30 * 24 * time.Hour, false},
		{"missing without max_age", 0, nil, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			c := newTest(t, f, WithIDTokenAlgorithm(idtoken.HS256), WithClock(func() time.Time { return optionsNow }))
			claims := map[string]any{"auth_time": nil}
			if d, ok := tt.authTime.(time.Duration); ok {
				claims["auth_time"] = optionsNow.Add(-d).Unix()
			}
			var opts []TokenOption
			if tt.maxAge != 0 {
				opts = append(opts, WithMaxAge(tt.maxAge))
			}
			err := exchangeWith(f, c, hsIDToken(t, f, claims), opts...)
			if tt.wantErr != errors.Is(err, idtoken.ErrAuthTime) || (!tt.wantErr && err != nil) {
				t.Fatalf("got %v, want ErrAuthTime: %v", err, tt.wantErr)
			}
		})
	}
}

// TestWithJWKSURLFetchesThatURL: RS256 ID tokens are verified with the
// keys at the WithJWKSURL address, fetched once; the tenant's default
// address is not asked. Without the option the default address is used
// (here it has no keys, so the token is refused).
func TestWithJWKSURLFetchesThatURL(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	var hits atomic.Int32
	keys := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/keys/tenant.json" {
			http.NotFound(w, r)
			return
		}
		hits.Add(1)
		set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(set)
	}))
	defer keys.Close()

	f := newFake(t)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, (&jose.SignerOptions{}).WithHeader("kid", "k1"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	idt, err := jwt.Signed(signer).Claims(map[string]any{"iss": f.URL + "/", "sub": "auth0|1", "aud": testID,
		"exp": now.Add(time.Hour).Unix(), "iat": now.Unix()}).Serialize()
	if err != nil {
		t.Fatal(err)
	}

	c := newTest(t, f, WithJWKSURL(keys.URL+"/keys/tenant.json"))
	for range 2 {
		if err := exchangeWith(f, c, idt); err != nil {
			t.Fatalf("with WithJWKSURL: %v", err)
		}
	}
	if hits.Load() != 1 || len(f.requests("/.well-known/jwks.json")) != 0 {
		t.Fatalf("JWKS fetched %d times from the option's URL, %d from the default", hits.Load(), len(f.requests("/.well-known/jwks.json")))
	}

	plain := newTest(t, f)
	if err := exchangeWith(f, plain, idt); !errors.Is(err, idtoken.ErrKeySet) {
		t.Fatalf("without WithJWKSURL: %v, want ErrKeySet", err)
	}
	if len(f.requests("/.well-known/jwks.json")) == 0 {
		t.Fatal("the default JWKS URL was not asked")
	}
}

// TestWithParamIsSent: WithParam adds its parameters (every value of a
// repeated one) to the form grants and to the JSON grants.
func TestWithParamIsSent(t *testing.T) {
	ctx := context.Background()
	f := newFake(t)
	c := newTest(t, f)
	f.on("/oauth/token", answer{status: 200, body: tokenBody(nil)})
	if _, err := c.ExchangeCode(ctx, "CODE", "", "https://app/cb",
		WithParam("resource", "https://api.one"), WithParam("resource", "https://api.two"), WithParam("acr_values", "mfa")); err != nil {
		t.Fatal(err)
	}
	form := f.requests("/oauth/token")[0].form
	if got := form["resource"]; len(got) != 2 || got[0] != "https://api.one" || got[1] != "https://api.two" || form.Get("acr_values") != "mfa" {
		t.Fatalf("form %v", form)
	}
	if form.Get("code") != "CODE" || form.Get("grant_type") != "authorization_code" {
		t.Fatalf("form lost its own parameters: %v", form)
	}

	if _, err := c.Login(ctx, "ada@example.com", "pw", LoginParams{Realm: "db"}, WithParam("acr_values", "mfa")); err != nil {
		t.Fatal(err)
	}
	body := f.requests("/oauth/token")[1].json
	if body["acr_values"] != "mfa" || body["grant_type"] != GrantPasswordRealm {
		t.Fatalf("JSON body %v", body)
	}
}

// TestWithAPIOptionsReachTheGeneratedClient: options given through
// WithAPIOptions (a header, the user agent) are on the requests the
// Client sends through gen/auth0auth.
func TestWithAPIOptionsReachTheGeneratedClient(t *testing.T) {
	f := newFake(t)
	f.on("/dbconnections/signup", answer{status: 200, body: map[string]any{"_id": "u-1", "email": "a@b.example"}})
	f.on("/oauth/token", answer{status: 200, body: tokenBody(nil)})
	c := newTest(t, f, WithAPIOptions(auth0auth.WithHeader("X-Tenant-Tag", "blue"), auth0auth.WithUserAgent("optests/1.0")))
	ctx := context.Background()
	if _, err := c.Signup(ctx, SignupParams{Email: "a@b.example", Password: "pw", Connection: "db"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Login(ctx, "a@b.example", "pw", LoginParams{}); err != nil {
		t.Fatal(err)
	}
	for _, r := range append(f.requests("/dbconnections/signup"), f.requests("/oauth/token")...) {
		if r.header.Get("X-Tenant-Tag") != "blue" || r.header.Get("User-Agent") != "optests/1.0" {
			t.Errorf("%s: headers %v", r.path, r.header)
		}
	}

	plain := newTest(t, f)
	if _, err := plain.Signup(ctx, SignupParams{Email: "a@b.example", Password: "pw", Connection: "db"}); err != nil {
		t.Fatal(err)
	}
	if r := f.requests("/dbconnections/signup")[1]; r.header.Get("X-Tenant-Tag") != "" {
		t.Fatalf("a client without the option sent %v", r.header)
	}
}

// TestWithOrganizationChecksTheClaims: an org_... id is compared with
// org_id, a name with org_name case-insensitively; a mismatch or a token
// without the claim is refused, and without the option any is accepted.
func TestWithOrganizationChecksTheClaims(t *testing.T) {
	for _, tt := range []struct {
		name    string
		org     string // "": the option is not given
		claims  map[string]any
		wantErr bool
	}{
		{"id matches", "org_abc", map[string]any{"org_id": "org_abc", "org_name": "acme"}, false},
		{"name matches in another case", "ACME", map[string]any{"org_id": "org_abc", "org_name": "acme"}, false},
		{"other id", "org_xyz", map[string]any{"org_id": "org_abc", "org_name": "acme"}, true},
		{"other name", "umbrella", map[string]any{"org_id": "org_abc", "org_name": "acme"}, true},
		{"no claim", "org_abc", nil, true},
		{"no option", "", map[string]any{"org_id": "org_abc"}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			c := newTest(t, f, WithIDTokenAlgorithm(idtoken.HS256), WithClock(func() time.Time { return optionsNow }))
			var opts []TokenOption
			if tt.org != "" {
				opts = append(opts, WithOrganization(tt.org))
			}
			err := exchangeWith(f, c, hsIDToken(t, f, tt.claims), opts...)
			if tt.wantErr != errors.Is(err, idtoken.ErrOrganization) || (!tt.wantErr && err != nil) {
				t.Fatalf("got %v, want ErrOrganization: %v", err, tt.wantErr)
			}
		})
	}
}

// TestPollWithoutIntervalWaitsTheDefault: a device code whose answer gave
// no interval is polled every DefaultPollInterval.
func TestPollWithoutIntervalWaitsTheDefault(t *testing.T) {
	f := newFake(t)
	c := newTest(t, f)
	waits := recordWaits(c)
	f.on("/oauth/token", oauthErr(400, "authorization_pending"), answer{status: 200, body: tokenBody(nil)})
	if _, err := c.PollDeviceToken(context.Background(), &DeviceCode{DeviceCode: "DC"}); err != nil {
		t.Fatal(err)
	}
	if w := *waits; len(w) != 2 || w[0] != DefaultPollInterval || w[1] != DefaultPollInterval {
		t.Fatalf("waits %v, want two of %v", *waits, DefaultPollInterval)
	}
}
