package contract_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
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
	"github.com/idsdk/idsdk-go/gen/auth0mgmt"
	"github.com/idsdk/idsdk-go/retry"
)

// tenant is a loopback Auth0 tenant: its token endpoint and its
// Management API on one host, as https://{domain} serves both.
type tenant struct {
	srv    *httptest.Server
	domain string // 127.0.0.1:PORT

	mu    sync.Mutex
	forms []url.Values

	apiCalls atomic.Int64
	// status, when set, is what the API answers; delay holds every answer.
	status atomic.Int64
	delay  atomic.Int64
}

const tenantToken = "mgmt-token-1"

func newTenant(t *testing.T) *tenant {
	t.Helper()
	tn := &tenant{}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		tn.mu.Lock()
		tn.forms = append(tn.forms, r.PostForm)
		tn.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"access_token":"`+tenantToken+`","token_type":"Bearer","expires_in":86400}`)
	})
	mux.HandleFunc("GET /api/v2/users/{id}", func(w http.ResponseWriter, r *http.Request) {
		tn.apiCalls.Add(1)
		if d := time.Duration(tn.delay.Load()); d > 0 {
			select {
			case <-time.After(d):
			case <-r.Context().Done():
				return
			}
		}
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("Authorization") != "Bearer "+tenantToken {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"statusCode":401,"error":"Unauthorized","message":"Missing authentication"}`)
			return
		}
		if s := int(tn.status.Load()); s != 0 {
			w.WriteHeader(s)
			_, _ = io.WriteString(w, `{"statusCode":503,"error":"Service Unavailable","message":"try again"}`)
			return
		}
		_, _ = io.WriteString(w, `{"user_id":"`+r.PathValue("id")+`","email":"u1@example.com"}`)
	})
	tn.srv = httptest.NewServer(mux)
	t.Cleanup(tn.srv.Close)
	tn.domain = strings.TrimPrefix(tn.srv.URL, "http://")
	return tn
}

func (tn *tenant) tokenForms() []url.Values {
	tn.mu.Lock()
	defer tn.mu.Unlock()
	return append([]url.Values(nil), tn.forms...)
}

// TestAuth0MgmtOneCallClient builds a Management API client and its
// credentials in one call, from the tenant domain alone: the loopback
// domain gives http:// for the API and the token endpoint alike.
func TestAuth0MgmtOneCallClient(t *testing.T) {
	ctx := context.Background()

	t.Run("client credentials: one token request, default audience", func(t *testing.T) {
		tn := newTenant(t)
		c, err := auth0mgmt.New(tn.domain, auth0mgmt.WithClientCredentials("m2m", auth.Secret("m2m-secret")))
		if err != nil {
			t.Fatal(err)
		}
		if want := "http://" + tn.domain + "/api/v2"; c.BaseURL() != want {
			t.Errorf("BaseURL = %q, want %q", c.BaseURL(), want)
		}
		for i := 0; i < 3; i++ {
			u, err := c.Users.Get(ctx, "auth0|1", nil)
			if err != nil {
				t.Fatalf("call %d: %v", i, err)
			}
			if u.UserID == nil || *u.UserID != "auth0|1" {
				t.Fatalf("user %+v", u)
			}
		}
		forms := tn.tokenForms()
		if len(forms) != 1 || tn.apiCalls.Load() != 3 {
			t.Fatalf("%d token requests for %d calls, want 1 for 3", len(forms), tn.apiCalls.Load())
		}
		f := forms[0]
		want := map[string]string{
			"grant_type": "client_credentials", "client_id": "m2m", "client_secret": "m2m-secret",
			"audience": "http://" + tn.domain + "/api/v2/",
		}
		for k, v := range want {
			if f.Get(k) != v {
				t.Errorf("token request %s = %q, want %q", k, f.Get(k), v)
			}
		}
	})

	t.Run("audience override", func(t *testing.T) {
		tn := newTenant(t)
		c, err := auth0mgmt.New(tn.domain, auth0mgmt.WithAudience("https://api.example.com/"),
			auth0mgmt.WithClientCredentials("m2m", auth.Secret("m2m-secret"), m2m.WithScopes("read:users")))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Users.Get(ctx, "auth0|1", nil); err != nil {
			t.Fatal(err)
		}
		if f := tn.tokenForms(); len(f) != 1 || f[0].Get("audience") != "https://api.example.com/" || f[0].Get("scope") != "read:users" {
			t.Errorf("token requests %v", f)
		}
	})

	t.Run("client assertion", func(t *testing.T) {
		tn := newTenant(t)
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		c, err := auth0mgmt.New(tn.domain, auth0mgmt.WithClientAssertion("m2m-jwt", key, "RS256"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Users.Get(ctx, "auth0|1", nil); err != nil {
			t.Fatal(err)
		}
		f := tn.tokenForms()
		if len(f) != 1 || f[0].Get("client_secret") != "" {
			t.Fatalf("token requests %v", f)
		}
		tok, err := jwt.ParseSigned(f[0].Get("client_assertion"), []jose.SignatureAlgorithm{jose.RS256})
		if err != nil {
			t.Fatal(err)
		}
		var claims jwt.Claims
		if err := tok.Claims(&key.PublicKey, &claims); err != nil {
			t.Fatal(err)
		}
		if claims.Subject != "m2m-jwt" || !claims.Audience.Contains("http://"+tn.domain+"/") {
			t.Errorf("assertion claims %+v", claims)
		}
	})

	t.Run("token func and static token", func(t *testing.T) {
		tn := newTenant(t)
		var fnCalls atomic.Int64
		fn := auth0mgmt.WithTokenFunc(func(context.Context) (*oauth2.Token, error) {
			fnCalls.Add(1)
			return &oauth2.Token{AccessToken: tenantToken, Expiry: time.Now().Add(time.Hour)}, nil
		})
		static := auth0mgmt.WithStaticToken(tenantToken, time.Now().Add(time.Hour))
		for _, opt := range []auth0mgmt.ClientOption{fn, static} {
			c, err := auth0mgmt.New(tn.domain, opt)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 2; i++ {
				if _, err := c.Users.Get(ctx, "auth0|1", nil); err != nil {
					t.Fatal(err)
				}
			}
		}
		if fnCalls.Load() != 1 || len(tn.tokenForms()) != 0 {
			t.Errorf("token func called %d times, %d token requests", fnCalls.Load(), len(tn.tokenForms()))
		}
	})

	t.Run("max retries keeps Auth0's retried statuses", func(t *testing.T) {
		tn := newTenant(t)
		tn.status.Store(522)
		c, err := auth0mgmt.New(tn.domain, auth0mgmt.WithClientCredentials("m2m", auth.Secret("m2m-secret")), auth0mgmt.WithMaxRetries(1))
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Users.Get(ctx, "auth0|1", nil)
		if err == nil || tn.apiCalls.Load() != 2 {
			t.Errorf("%d attempts (err %v), want 2: a 522 retried once", tn.apiCalls.Load(), err)
		}
		if n := len(tn.tokenForms()); n != 1 {
			t.Errorf("%d token requests", n)
		}
	})

	t.Run("timeout bounds each attempt", func(t *testing.T) {
		tn := newTenant(t)
		tn.delay.Store(int64(2 * time.Second))
		c, err := auth0mgmt.New(tn.domain, auth0mgmt.WithClientCredentials("m2m", auth.Secret("m2m-secret")),
			auth0mgmt.WithTimeout(100*time.Millisecond), auth0mgmt.WithMaxRetries(0))
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		_, err = c.Users.Get(ctx, "auth0|1", nil)
		if d := time.Since(start); err == nil || d > time.Second {
			t.Errorf("call took %s (err %v), want a timeout after 100ms", d, err)
		}
		if !errors.Is(err, sdkerrors.ErrTimeout) {
			t.Errorf("err = %v, want ErrTimeout", err)
		}
	})

	t.Run("no credentials", func(t *testing.T) {
		tn := newTenant(t)
		if _, err := auth0mgmt.New(tn.domain); !errors.Is(err, auth.ErrNoCredentials) {
			t.Errorf("New without credentials: %v, want auth.ErrNoCredentials", err)
		}
		c, err := auth0mgmt.New(tn.domain, auth0mgmt.WithoutAuthentication(), auth0mgmt.WithRetry(retry.Off()))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Users.Get(ctx, "auth0|1", nil); !errors.Is(err, sdkerrors.ErrUnauthorized) {
			t.Errorf("opted-out client: %v", err)
		}
		if _, err := auth0mgmt.New(tn.domain, auth0mgmt.WithAudience("https://api.example.com/"), auth0mgmt.WithStaticToken("t", time.Time{}),
			auth0mgmt.WithToken(auth.Bearer("t"))); err == nil {
			t.Error("WithToken and WithStaticToken together: accepted")
		}
	})
}
