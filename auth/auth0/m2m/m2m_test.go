package m2m_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/auth/auth0/m2m"
	sdkerrors "github.com/idsdk/idsdk-go/errors"
)

// auth0Tenant is a loopback stand-in for an Auth0 tenant: /oauth/token
// answers with tokens (or the configured failure) and /api/v2/* answers
// only requests that carry the last token issued.
type auth0Tenant struct {
	srv       *httptest.Server
	domain    string
	tokenReqs atomic.Int64
	apiReqs   atomic.Int64
	fail      atomic.Bool

	mu     sync.Mutex
	forms  []url.Values
	auths  []string
	issued []string
	check  func(form url.Values) error
}

func newAuth0Tenant(t *testing.T) *auth0Tenant {
	t.Helper()
	a := &auth0Tenant{}
	a.srv = httptest.NewServer(http.HandlerFunc(a.serve))
	t.Cleanup(a.srv.Close)
	a.domain = strings.TrimPrefix(a.srv.URL, "http://")
	return a
}

func (a *auth0Tenant) serve(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/oauth/token" && r.Method == http.MethodPost:
		n := a.tokenReqs.Add(1)
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		a.mu.Lock()
		a.forms = append(a.forms, r.PostForm)
		a.auths = append(a.auths, r.Header.Get("Authorization"))
		check := a.check
		a.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if a.fail.Load() {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"error":"access_denied","error_description":"Unauthorized"}`)
			return
		}
		if check != nil {
			if err := check(r.PostForm); err != nil {
				w.WriteHeader(http.StatusUnauthorized)
				_ = json.NewEncoder(w).Encode(map[string]string{"error": "invalid_client", "error_description": err.Error()})
				return
			}
		}
		tok := fmt.Sprintf("mgmt-token-%d", n)
		a.mu.Lock()
		a.issued = append(a.issued, tok)
		a.mu.Unlock()
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": 86400, "scope": "read:users"})
	case strings.HasPrefix(r.URL.Path, "/api/v2/"):
		a.apiReqs.Add(1)
		a.mu.Lock()
		ok := len(a.issued) > 0 && r.Header.Get("Authorization") == "Bearer "+a.issued[len(a.issued)-1]
		a.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if !ok {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"statusCode":401,"error":"Unauthorized","message":"Missing authentication"}`)
			return
		}
		_, _ = io.WriteString(w, `[]`)
	default:
		http.NotFound(w, r)
	}
}

func (a *auth0Tenant) lastForm(t *testing.T) (url.Values, string) {
	t.Helper()
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.forms) == 0 {
		t.Fatal("no token request")
	}
	return a.forms[len(a.forms)-1], a.auths[len(a.auths)-1]
}

// get calls the tenant's API through auth.Transport with ts.
func (a *auth0Tenant) get(ts oauth2.TokenSource) error {
	hc := auth.HTTPClient(ts, a.srv.URL, nil)
	resp, err := hc.Get(a.srv.URL + "/api/v2/users")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("API answered %s", resp.Status)
	}
	return nil
}

func TestClientCredentials(t *testing.T) {
	a := newAuth0Tenant(t)
	src, err := m2m.ClientCredentials(a.domain, "m2m-client", auth.Secret("s3cr3t-value"))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if err := a.get(src); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if n := a.tokenReqs.Load(); n != 1 {
		t.Errorf("%d token requests for 3 calls, want 1 (cached)", n)
	}
	form, authz := a.lastForm(t)
	want := map[string]string{
		"grant_type":    "client_credentials",
		"client_id":     "m2m-client",
		"client_secret": "s3cr3t-value",
		"audience":      a.srv.URL + "/api/v2/",
	}
	for k, v := range want {
		if got := form.Get(k); got != v {
			t.Errorf("token request %s = %q, want %q", k, got, v)
		}
	}
	if authz != "" {
		t.Errorf("client_secret_post sent an Authorization header too")
	}
	if form.Has("scope") || form.Has("organization") {
		t.Errorf("unasked parameters in %v", form)
	}
	for _, s := range []string{fmt.Sprint(src), fmt.Sprintf("%+v", src), fmt.Sprintf("%#v", src)} {
		if strings.Contains(s, "s3cr3t") || strings.Contains(s, "mgmt-token") {
			t.Errorf("source printed a secret: %s", s)
		}
	}
}

func TestClientCredentialsOptions(t *testing.T) {
	a := newAuth0Tenant(t)
	var hcUsed atomic.Bool
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		hcUsed.Store(true)
		return http.DefaultTransport.RoundTrip(r)
	})}
	src, err := m2m.ClientCredentials(a.domain, "m2m-client", "secret",
		m2m.WithAudience("https://api.example.com/"),
		m2m.WithScopes("read:users", "update:users"),
		m2m.WithOrganization("org_123"),
		m2m.WithParam("resource", "urn:x"),
		m2m.WithHTTPClient(hc),
		m2m.WithCacheOptions(auth.WithMargin(time.Second)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.TokenContext(context.Background()); err != nil {
		t.Fatal(err)
	}
	form, _ := a.lastForm(t)
	for k, v := range map[string]string{"audience": "https://api.example.com/", "scope": "read:users update:users", "organization": "org_123", "resource": "urn:x"} {
		if got := form.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if !hcUsed.Load() {
		t.Error("WithHTTPClient was not used")
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestBadArguments(t *testing.T) {
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	cases := map[string]func() error{
		"scheme in domain": func() error {
			_, err := m2m.ClientCredentials("https://t.auth0.com", "id", "s")
			return err
		},
		"empty client id": func() error { _, err := m2m.ClientCredentials("t.auth0.com", " ", "s"); return err },
		"empty secret":    func() error { _, err := m2m.ClientCredentials("t.auth0.com", "id", ""); return err },
		"empty audience": func() error {
			_, err := m2m.ClientCredentials("t.auth0.com", "id", "s", m2m.WithAudience(""))
			return err
		},
		"reserved param": func() error {
			_, err := m2m.ClientCredentials("t.auth0.com", "id", "s", m2m.WithParam("client_secret", "x"))
			return err
		},
		"nil http client": func() error {
			_, err := m2m.ClientCredentials("t.auth0.com", "id", "s", m2m.WithHTTPClient(nil))
			return err
		},
		"nil key":     func() error { _, err := m2m.PrivateKeyJWT("t.auth0.com", "id", nil, ""); return err },
		"alg for RSA": func() error { _, err := m2m.PrivateKeyJWT("t.auth0.com", "id", key, "ES256"); return err },
		"alg for EC":  func() error { _, err := m2m.PrivateKeyJWT("t.auth0.com", "id", ec, "RS256"); return err },
		"nil func":    func() error { _, err := m2m.TokenFunc(nil); return err },
		"empty aud jwt": func() error {
			_, err := m2m.PrivateKeyJWT("t.auth0.com", "id", key, "", m2m.WithAssertionAudience(" "))
			return err
		},
	}
	for name, f := range cases {
		err := f()
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if !strings.HasPrefix(err.Error(), "auth0 m2m: ") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestFailedFetchSendsNothing proves that when the token cannot be
// had, the call fails with the token error and the API never sees a
// request, with or without a token.
func TestFailedFetchSendsNothing(t *testing.T) {
	a := newAuth0Tenant(t)
	a.fail.Store(true)
	src, err := m2m.ClientCredentials(a.domain, "m2m-client", "wrong-secret")
	if err != nil {
		t.Fatal(err)
	}
	err = a.get(src)
	var te *auth.TokenError
	if !errors.As(err, &te) || te.Code != "access_denied" || te.StatusCode != 401 {
		t.Fatalf("call error = %v, want the token error", err)
	}
	if strings.Contains(err.Error(), "wrong-secret") {
		t.Errorf("error shows the secret: %v", err)
	}
	if n := a.apiReqs.Load(); n != 0 {
		t.Fatalf("the API received %d requests without a token", n)
	}
	// Once the tenant answers again, a later call gets a token (failures
	// are not cached forever).
	a.fail.Store(false)
	var lastErr error
	for i := 0; i < 50; i++ {
		if lastErr = a.get(src); lastErr == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if lastErr != nil {
		t.Fatalf("after recovery: %v", lastErr)
	}
}

func TestPrivateKeyJWT(t *testing.T) {
	for _, tc := range []struct {
		name string
		key  func() (crypto.Signer, any)
		alg  string
		want jose.SignatureAlgorithm
	}{
		{"RS256 default", func() (crypto.Signer, any) { k, _ := rsa.GenerateKey(rand.Reader, 2048); return k, &k.PublicKey }, "", jose.RS256},
		{"PS384", func() (crypto.Signer, any) { k, _ := rsa.GenerateKey(rand.Reader, 2048); return k, &k.PublicKey }, "PS384", jose.PS384},
		{"ES256", func() (crypto.Signer, any) {
			k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
			return k, &k.PublicKey
		}, "", jose.ES256},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newAuth0Tenant(t)
			priv, pub := tc.key()
			jtis := map[string]bool{}
			a.check = func(form url.Values) error {
				if form.Get("client_assertion_type") != auth.ClientAssertionType || form.Has("client_secret") {
					return errors.New("not a private_key_jwt request")
				}
				tok, err := jwt.ParseSigned(form.Get("client_assertion"), []jose.SignatureAlgorithm{tc.want})
				if err != nil {
					return err
				}
				if kid := tok.Headers[0].KeyID; kid != "cred-1" {
					return fmt.Errorf("kid %q", kid)
				}
				var c jwt.Claims
				if err := tok.Claims(pub, &c); err != nil {
					return err
				}
				if err := c.Validate(jwt.Expected{Issuer: "jwt-client", Subject: "jwt-client", AnyAudience: jwt.Audience{a.srv.URL + "/"}, Time: time.Now()}); err != nil {
					return err
				}
				if c.ID == "" || jtis[c.ID] {
					return errors.New("jti missing or reused")
				}
				jtis[c.ID] = true
				return nil
			}
			src, err := m2m.PrivateKeyJWT(a.domain, "jwt-client", priv, tc.alg, m2m.WithKeyID("cred-1"))
			if err != nil {
				t.Fatal(err)
			}
			if err := a.get(src); err != nil {
				t.Fatal(err)
			}
			form, _ := a.lastForm(t)
			if form.Get("audience") != a.srv.URL+"/api/v2/" || form.Get("client_id") != "jwt-client" {
				t.Errorf("form = %v", form)
			}
			// A second source makes a second assertion with a new jti.
			src2, _ := m2m.PrivateKeyJWT(a.domain, "jwt-client", priv, tc.alg, m2m.WithKeyID("cred-1"))
			if _, err := src2.TokenContext(context.Background()); err != nil {
				t.Fatal(err)
			}
			if len(jtis) != 2 {
				t.Errorf("%d distinct jti for 2 assertions", len(jtis))
			}
			if s := fmt.Sprintf("%v %+v %#v", src, src, src); strings.Contains(s, "PRIVATE") || strings.Contains(s, "D:") {
				t.Errorf("key printed: %s", s)
			}
		})
	}
}

func TestStaticToken(t *testing.T) {
	a := newAuth0Tenant(t)
	a.issued = []string{"dashboard-token"}
	src := m2m.StaticToken("dashboard-token", time.Time{})
	tok, err := src.TokenContext(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(tok.Expiry); d <= 59*time.Minute || d > time.Hour {
		t.Errorf("default expiry in %v, want one hour", d)
	}
	if err := a.get(src); err != nil {
		t.Fatal(err)
	}

	// A JWT's own exp is used when no expiry is given.
	exp := time.Now().Add(24 * time.Hour).Truncate(time.Second)
	payload, _ := json.Marshal(map[string]any{"exp": exp.Unix(), "aud": "x"})
	jwtTok := "eyJhbGciOiJSUzI1NiJ9." + base64.RawURLEncoding.EncodeToString(payload) + ".c2ln"
	tok, err = m2m.StaticToken(jwtTok, time.Time{}).TokenContext(context.Background())
	if err != nil || !tok.Expiry.Equal(exp) {
		t.Errorf("JWT expiry = %v, %v; want %v", tok.Expiry, err, exp)
	}
	explicit := time.Now().Add(10 * time.Minute)
	tok, err = m2m.StaticToken(jwtTok, explicit).TokenContext(context.Background())
	if err != nil || !tok.Expiry.Equal(explicit) {
		t.Errorf("explicit expiry = %v, %v", tok.Expiry, err)
	}

	// An expired token fails the call and sends nothing.
	before := a.apiReqs.Load()
	err = a.get(m2m.StaticToken("dashboard-token", time.Now().Add(-time.Minute)))
	if !errors.Is(err, auth.ErrTokenExpired) {
		t.Fatalf("expired token: %v", err)
	}
	if a.apiReqs.Load() != before {
		t.Fatal("a request went out with an expired static token")
	}
	if s := fmt.Sprintf("%v %#v", src, src); strings.Contains(s, "dashboard-token") {
		t.Errorf("token printed: %s", s)
	}
}

func TestTokenFunc(t *testing.T) {
	a := newAuth0Tenant(t)
	a.issued = []string{"from-vault"}
	var calls atomic.Int64
	var fail atomic.Bool
	src, err := m2m.TokenFunc(func(ctx context.Context) (*oauth2.Token, error) {
		calls.Add(1)
		if fail.Load() {
			return nil, errors.New("vault sealed")
		}
		return &oauth2.Token{AccessToken: "from-vault", TokenType: "Bearer", Expiry: time.Now().Add(time.Hour)}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if err := a.get(src); err != nil {
			t.Fatal(err)
		}
	}
	if calls.Load() != 1 {
		t.Errorf("func called %d times for 3 calls", calls.Load())
	}
	fail.Store(true)
	src2, _ := m2m.TokenFunc(func(ctx context.Context) (*oauth2.Token, error) { return nil, errors.New("vault sealed") })
	before := a.apiReqs.Load()
	if err := a.get(src2); err == nil || !strings.Contains(err.Error(), "vault sealed") {
		t.Fatalf("err = %v", err)
	}
	if a.apiReqs.Load() != before {
		t.Fatal("a request went out without a token")
	}
}

// oneLockStore is an auth.SharedStore in memory behind one mutex: what two
// Caches of one process see of a fleet's store.
type oneLockStore struct {
	mu   sync.Mutex
	toks map[string]*oauth2.Token
}

func (s *oneLockStore) Update(ctx context.Context, key string, fn func(context.Context, *oauth2.Token) (*oauth2.Token, error)) (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := fn(ctx, s.toks[key])
	if err == nil && t != nil {
		s.toks[key] = t
	}
	return t, err
}

// TestSharedInThroughWithCacheOptions: auth.SharedIn goes in through
// WithCacheOptions (and so into auth0mgmt.WithClientCredentials): two
// caches of one client make one token request.
func TestSharedInThroughWithCacheOptions(t *testing.T) {
	a := newAuth0Tenant(t)
	store := &oneLockStore{toks: map[string]*oauth2.Token{}}
	ctx := context.Background()
	var got []string
	for range 2 {
		c, err := m2m.ClientCredentials(a.domain, "m2m-client", "secret", m2m.WithCacheOptions(auth.SharedIn(store)), m2m.WithScopes("read:users"))
		if err != nil {
			t.Fatal(err)
		}
		tok, err := c.TokenContext(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, tok.AccessToken)
	}
	if a.tokenReqs.Load() != 1 || got[0] != got[1] {
		t.Fatalf("two caches sharing a store: %d token requests, tokens equal %v", a.tokenReqs.Load(), got[0] == got[1])
	}
}

// TestRefusedSecretIsInvalidCredentials: Auth0's answers to a wrong secret
// or a client without the grant are auth.ErrInvalidCredentials and
// sdkerrors.ErrUnauthorized; a user's refusal is neither.
func TestRefusedSecretIsInvalidCredentials(t *testing.T) {
	for _, r := range []struct {
		name   string
		status int
		body   string
		want   bool
	}{
		{"wrong client secret", 401, `{"error":"access_denied","error_description":"Unauthorized"}`, true},
		{"grant not allowed", 403, `{"error":"unauthorized_client","error_description":"Grant type 'client_credentials' not allowed for the client."}`, true},
		{"user denied the device", 403, `{"error":"access_denied","error_description":"User denied access"}`, false},
		{"server error", 500, `{"error":"server_error"}`, false},
	} {
		t.Run(r.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(r.status)
				_, _ = io.WriteString(w, r.body)
			}))
			defer srv.Close()
			src, err := m2m.ClientCredentials(strings.TrimPrefix(srv.URL, "http://"), "id", "wrong")
			if err != nil {
				t.Fatal(err)
			}
			_, err = src.TokenContext(context.Background())
			if err == nil {
				t.Fatal("no error")
			}
			if got := errors.Is(err, auth.ErrInvalidCredentials); got != r.want {
				t.Errorf("errors.Is(%v, ErrInvalidCredentials) = %v, want %v", err, got, r.want)
			}
			if r.want && !errors.Is(err, sdkerrors.ErrUnauthorized) {
				t.Errorf("%v does not match ErrUnauthorized", err)
			}
		})
	}
}
