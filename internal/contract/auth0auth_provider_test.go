package contract_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/auth/auth0"
	"github.com/idsdk/idsdk-go/auth/idtoken"
	sdkerrors "github.com/idsdk/idsdk-go/errors"
	"github.com/idsdk/idsdk-go/internal/peers"
	"github.com/idsdk/idsdk-go/retry"
)

// The standard OAuth/OIDC flows of auth/auth0 run against node-oidc-provider
// with its endpoints moved to Auth0's paths.

const (
	a0Redirect   = "https://app.example/callback"
	a0WebID      = "a0-web"
	a0WebSecret  = "a0-web-secret-0123456789abcdef0123456789abcdef"
	a0BasicID    = "a0-basic"
	a0JWTID      = "a0-m2m-jwt"
	a0PublicID   = "a0-native"
	a0TestUser   = "auth0|user-42"
	a0TestScopes = "openid offline_access profile email"
)

// a0Routes are Auth0's endpoint paths, as oidc-provider route names.
var a0Routes = map[string]string{
	"token":                        "/oauth/token",
	"authorization":                "/authorize",
	"userinfo":                     "/userinfo",
	"revocation":                   "/oauth/revoke",
	"device_authorization":         "/oauth/device/code",
	"pushed_authorization_request": "/oauth/par",
	"jwks":                         "/.well-known/jwks.json",
	"end_session":                  "/oidc/logout",
}

type a0Provider struct {
	*peers.OIDCProvider
	jwtKey *rsa.PrivateKey
}

func startAuth0Provider(t *testing.T) *a0Provider {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pub := jose.JSONWebKey{Key: &key.PublicKey, KeyID: "m2m-1", Algorithm: "RS256", Use: "sig"}
	code := []string{"authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code"}
	p := peers.OIDC(t, peers.OIDCConfig{
		Scopes: strings.Fields(a0TestScopes),
		TTL:    map[string]int{"AccessToken": 600, "ClientCredentials": 600, "IdToken": 600, "RefreshToken": 3600, "DeviceCode": 600},
		Routes: a0Routes,
		Clients: []map[string]any{
			{
				"client_id": a0WebID, "client_secret": a0WebSecret, "token_endpoint_auth_method": "client_secret_post",
				"grant_types": code, "redirect_uris": []string{a0Redirect}, "response_types": []string{"code"}, "scope": a0TestScopes,
			},
			{
				"client_id": a0BasicID, "client_secret": a0WebSecret, "token_endpoint_auth_method": "client_secret_basic",
				"grant_types": code, "redirect_uris": []string{a0Redirect}, "response_types": []string{"code"}, "scope": a0TestScopes,
			},
			{
				"client_id": a0JWTID, "token_endpoint_auth_method": "private_key_jwt", "token_endpoint_auth_signing_alg": "RS256",
				"jwks":        map[string]any{"keys": []any{pub}},
				"grant_types": append([]string{"client_credentials"}, code...), "redirect_uris": []string{a0Redirect},
				"response_types": []string{"code"}, "scope": a0TestScopes,
			},
			{
				"client_id": a0PublicID, "token_endpoint_auth_method": "none", "application_type": "native",
				"grant_types": code, "redirect_uris": []string{"http://127.0.0.1/callback"}, "response_types": []string{"code"}, "scope": a0TestScopes,
			},
		},
	})
	return &a0Provider{OIDCProvider: p, jwtKey: key}
}

func (p *a0Provider) client(t *testing.T, id string, opts ...auth0.Option) *auth0.Client {
	t.Helper()
	base := []auth0.Option{auth0.WithBaseURL(p.Issuer), auth0.WithIssuer(p.Issuer), auth0.WithRetry(retry.Off())}
	switch id {
	case a0WebID:
		base = append(base, auth0.WithClientSecret(a0WebSecret))
	case a0BasicID:
		base = append(base, auth0.WithClientSecret(a0WebSecret), auth0.WithAuthMethod(auth.ClientSecretBasic))
	case a0JWTID:
		base = append(base, auth0.WithPrivateKey(&auth.PrivateKey{Key: p.jwtKey, KeyID: "m2m-1"}))
	}
	c, err := auth0.New("tenant.example.auth0.com", id, append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// login runs AuthorizeURL, the provider's login pages and ExchangeCode.
func (p *a0Provider) login(t *testing.T, c *auth0.Client, params auth0.AuthorizeParams, opts ...auth0.TokenOption) *auth0.Token {
	t.Helper()
	authURL, state, nonce, verifier, err := c.AuthorizeURL(params)
	if err != nil {
		t.Fatal(err)
	}
	back := p.Authorize(t, authURL, params.RedirectURI, a0TestUser)
	if got := back.Query().Get("state"); got != state {
		t.Fatalf("state: got %q, want %q", got, state)
	}
	code := back.Query().Get("code")
	if code == "" {
		t.Fatalf("no code in %s", back.Redacted())
	}
	tok, err := c.ExchangeCode(context.Background(), code, verifier, params.RedirectURI, append([]auth0.TokenOption{auth0.WithNonce(nonce)}, opts...)...)
	if err != nil {
		t.Fatalf("ExchangeCode: %v", err)
	}
	return tok
}

func TestAuth0AuthProviderFlows(t *testing.T) {
	p := startAuth0Provider(t)
	ctx := context.Background()
	params := auth0.AuthorizeParams{RedirectURI: a0Redirect, Scope: a0TestScopes, Prompt: "consent"}

	t.Run("CodePKCE", func(t *testing.T) {
		c := p.client(t, a0WebID)
		params := params
		params.MaxAge = time.Hour
		tok := p.login(t, c, params, auth0.WithMaxAge(time.Hour))
		if tok.AccessToken == "" || tok.RefreshToken == "" || tok.Claims == nil || tok.Claims.Subject != a0TestUser {
			t.Fatalf("token: %v claims %+v", tok, tok.Claims)
		}
		if tok.Claims.AuthTime.IsZero() {
			t.Error("auth_time missing although max_age was sent")
		}
		// The verifier is required: a code exchanged without it fails.
		u, _, _, _, _ := c.AuthorizeURL(params)
		back := p.Authorize(t, u, a0Redirect, a0TestUser)
		_, err := c.ExchangeCode(ctx, back.Query().Get("code"), "", a0Redirect)
		var ae *sdkerrors.Auth0AuthError
		if !errors.As(err, &ae) || ae.Code != "invalid_grant" || !errors.Is(err, sdkerrors.ErrBadRequest) {
			t.Fatalf("exchange without verifier: %v", err)
		}
	})

	t.Run("PublicClientPKCE", func(t *testing.T) {
		c := p.client(t, a0PublicID)
		tok := p.login(t, c, auth0.AuthorizeParams{RedirectURI: "http://127.0.0.1/callback", Scope: a0TestScopes, Prompt: "consent"})
		if tok.Claims == nil {
			t.Fatal("no ID token claims")
		}
	})

	t.Run("RefreshRotationRevoke", func(t *testing.T) {
		c := p.client(t, a0BasicID)
		first := p.login(t, c, params)
		second, err := c.RefreshToken(ctx, first.RefreshToken)
		if err != nil {
			t.Fatalf("refresh: %v", err)
		}
		if second.RefreshToken == "" || second.RefreshToken == first.RefreshToken || second.AccessToken == first.AccessToken {
			t.Fatal("refresh token was not rotated")
		}
		if second.Claims == nil || second.Claims.Subject != a0TestUser {
			t.Fatalf("refreshed ID token: %+v", second.Claims)
		}
		// Revoke the current one; it stops working.
		third, err := c.RefreshToken(ctx, second.RefreshToken)
		if err != nil {
			t.Fatalf("refresh again: %v", err)
		}
		if err := c.RevokeToken(ctx, third.RefreshToken); err != nil {
			t.Fatalf("revoke: %v", err)
		}
		if _, err := c.RefreshToken(ctx, third.RefreshToken); !a0Code(err, "invalid_grant") || !errors.Is(err, sdkerrors.ErrBadRequest) {
			t.Fatalf("revoked refresh token: %v", err)
		}
		// A rotated-out token no longer works (and the provider's reuse
		// detection ends the grant).
		fresh := p.login(t, c, params)
		next, err := c.RefreshToken(ctx, fresh.RefreshToken)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.RefreshToken(ctx, fresh.RefreshToken); !a0Code(err, "invalid_grant") {
			t.Fatalf("rotated-out refresh token: %v", err)
		}
		if _, err := c.RefreshToken(ctx, next.RefreshToken); !a0Code(err, "invalid_grant") {
			t.Fatalf("refresh token of a replayed grant: %v", err)
		}
	})

	t.Run("UserInfo", func(t *testing.T) {
		c := p.client(t, a0WebID)
		tok := p.login(t, c, params)
		info, err := c.UserInfo(ctx, tok.AccessToken)
		if err != nil {
			t.Fatalf("userinfo: %v", err)
		}
		if info.Sub != a0TestUser {
			t.Fatalf("sub = %q", info.Sub)
		}
		_, err = c.UserInfo(ctx, "not-a-token")
		if !errors.Is(err, sdkerrors.ErrUnauthorized) || !a0Code(err, "invalid_token") {
			t.Fatalf("bad token: %v", err)
		}
	})

	t.Run("PAR", func(t *testing.T) {
		c := p.client(t, a0WebID)
		a, err := c.PushAuthorizationRequest(ctx, params)
		if err != nil {
			t.Fatalf("PAR: %v", err)
		}
		if !strings.Contains(a.URL, "request_uri=") || strings.Contains(a.URL, "code_challenge") {
			t.Fatalf("PAR URL carries the request: %s", a.URL)
		}
		back := p.Authorize(t, a.URL, a0Redirect, a0TestUser)
		if back.Query().Get("state") != a.State {
			t.Fatal("state mismatch")
		}
		tok, err := c.ExchangeCode(ctx, back.Query().Get("code"), a.Verifier, a0Redirect, auth0.WithNonce(a.Nonce))
		if err != nil || tok.Claims == nil {
			t.Fatalf("PAR exchange: %v", err)
		}
	})

	t.Run("ClientCredentialsPrivateKeyJWT", func(t *testing.T) {
		c := p.client(t, a0JWTID)
		p.ResetStats(t)
		for i := 0; i < 2; i++ { // a fresh assertion (jti) each time
			tok, err := c.ClientCredentials(ctx, "")
			if err != nil {
				t.Fatalf("client credentials: %v", err)
			}
			if tok.AccessToken == "" || tok.Claims != nil {
				t.Fatalf("token: %v", tok)
			}
		}
		if s := p.Stats(t); s.Success["client_credentials"] != 2 {
			t.Fatalf("stats: %+v", s)
		}
		// private_key_jwt also authenticates the code flow.
		if tok := p.login(t, c, params); tok.Claims == nil {
			t.Fatal("no claims")
		}
		// A wrong key is refused as invalid_client.
		other, _ := rsa.GenerateKey(rand.Reader, 2048)
		bad := p.client(t, a0JWTID, auth0.WithPrivateKey(&auth.PrivateKey{Key: other, KeyID: "m2m-1"}))
		if _, err := bad.ClientCredentials(ctx, ""); !a0Code(err, "invalid_client") || !errors.Is(err, sdkerrors.ErrUnauthorized) {
			t.Fatalf("wrong key: %v", err)
		}
	})

	t.Run("DeviceFlow", func(t *testing.T) {
		c := p.client(t, a0WebID)
		d, err := c.StartDeviceCode(ctx, "", "openid", "offline_access")
		if err != nil {
			t.Fatalf("device code: %v", err)
		}
		if d.UserCode == "" || d.VerificationURIComplete == "" {
			t.Fatalf("device code: %v", d)
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			approveDevice(t, d.VerificationURIComplete)
		}()
		pctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		tok, err := c.PollDeviceToken(pctx, d)
		<-done
		if err != nil {
			t.Fatalf("poll: %v", err)
		}
		if tok.AccessToken == "" || tok.Claims == nil || tok.Claims.Subject != a0TestUser {
			t.Fatalf("device token: %v", tok)
		}
	})
}

// a0Code reports whether err carries the Auth0 Authentication API error code.
func a0Code(err error, code string) bool {
	var ae *sdkerrors.Auth0AuthError
	return errors.As(err, &ae) && ae.Code == code
}

var (
	a0Form   = regexp.MustCompile(`(?s)<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>`)
	a0Hidden = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)"`)
)

// approveDevice opens the verification URL with a cookie-jar client and
// submits the confirmation, login and consent forms until the provider
// says the sign-in succeeded.
func approveDevice(t *testing.T, verificationURL string) {
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	resp, err := hc.Get(verificationURL)
	for step := 0; ; step++ {
		if err != nil {
			t.Errorf("device approval: %v", err)
			return
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(body), "Sign-in Success") {
			return
		}
		m := a0Form.FindSubmatch(body)
		if m == nil || step > 8 {
			t.Errorf("device approval stuck (status %d): %.300s", resp.StatusCode, body)
			return
		}
		action, perr := resp.Request.URL.Parse(html.UnescapeString(string(m[1])))
		if perr != nil {
			t.Error(perr)
			return
		}
		form := url.Values{}
		for _, h := range a0Hidden.FindAllSubmatch(m[2], -1) {
			form.Set(string(h[1]), html.UnescapeString(string(h[2])))
		}
		if strings.Contains(string(m[2]), `name="login"`) {
			form.Set("login", a0TestUser)
			form.Set("password", "any")
		}
		resp, err = hc.PostForm(action.String(), form)
	}
}

// TestAuth0AuthIDTokenProvider validates real ID tokens of the provider
// with its real JWKS, then variations of them, each rejected with its own
// error.
func TestAuth0AuthIDTokenProvider(t *testing.T) {
	p := startAuth0Provider(t)
	ctx := context.Background()
	c := p.client(t, a0WebID)
	params := auth0.AuthorizeParams{RedirectURI: a0Redirect, Scope: a0TestScopes, Prompt: "consent", Nonce: "the-nonce"}
	tok := p.login(t, c, params)
	raw := tok.IDToken
	parts := strings.Split(raw, ".")

	newV := func(mod func(*idtoken.Config)) *idtoken.Validator {
		cfg := idtoken.Config{Issuer: p.Issuer, ClientID: a0WebID, JWKSURL: p.JWKSURL}
		if mod != nil {
			mod(&cfg)
		}
		v, err := idtoken.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	v := newV(nil)
	if _, err := v.Validate(ctx, raw, idtoken.Expect{Nonce: "the-nonce"}); err != nil {
		t.Fatalf("valid token rejected: %v", err)
	}

	hsSigner, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: []byte(a0WebSecret)}, nil)
	payload, _ := jose.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256})
	hs, _ := hsSigner.Sign(payload.UnsafePayloadWithoutVerification())
	hsRaw, _ := hs.CompactSerialize()
	sig := []byte(parts[2])
	if sig[5] == 'A' {
		sig[5] = 'B'
	} else {
		sig[5] = 'A'
	}
	cases := []struct {
		name string
		v    *idtoken.Validator
		tok  string
		want error
	}{
		{"wrong nonce", v, raw, idtoken.ErrNonce},
		{"wrong audience", newV(func(c *idtoken.Config) { c.ClientID = "someone-else" }), raw, idtoken.ErrAudience},
		{"expired", newV(func(c *idtoken.Config) { c.Now = func() time.Time { return time.Now().Add(24 * time.Hour) } }), raw, idtoken.ErrExpired},
		{"alg none", v, "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0." + parts[1] + ".", idtoken.ErrAlgorithm},
		{"HS256 when RS256", v, hsRaw, idtoken.ErrAlgorithm},
		{"tampered signature", v, parts[0] + "." + parts[1] + "." + string(sig), idtoken.ErrSignature},
		{"wrong issuer", newV(func(c *idtoken.Config) { c.Issuer = "https://tenant.example.auth0.com/" }), raw, idtoken.ErrIssuer},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			want := idtoken.Expect{Nonce: "the-nonce"}
			if tt.name == "wrong nonce" {
				want.Nonce = "another"
			}
			_, err := tt.v.Validate(ctx, tt.tok, want)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
	// ExchangeCode applies the same checks: a wrong nonce fails the login.
	u, _, _, verifier, _ := c.AuthorizeURL(params)
	back := p.Authorize(t, u, a0Redirect, a0TestUser)
	if _, err := c.ExchangeCode(ctx, back.Query().Get("code"), verifier, a0Redirect, auth0.WithNonce("not-it")); !errors.Is(err, idtoken.ErrNonce) {
		t.Fatalf("ExchangeCode with a wrong nonce: %v", err)
	}
	if n := v.KeySet().Fetches(); n != 1 {
		t.Fatalf("JWKS fetched %d times, want 1", n)
	}

	t.Run("unknown kid after key rotation", func(t *testing.T) {
		// A JWKS we control: first the provider's keys, then a rotated set.
		resp, err := http.Get(p.JWKSURL)
		if err != nil {
			t.Fatal(err)
		}
		var set jose.JSONWebKeySet
		if err := json.NewDecoder(resp.Body).Decode(&set); err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		var mu sync.Mutex
		var hits int
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			hits++
			_ = json.NewEncoder(w).Encode(set)
		}))
		defer srv.Close()
		clock := time.Now()
		rv := newV(func(c *idtoken.Config) {
			c.JWKSURL = srv.URL
			c.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
		})
		if _, err := rv.Validate(ctx, raw, idtoken.Expect{}); err != nil {
			t.Fatalf("provider token: %v", err)
		}
		// The tenant rotates to a new key; a token signed with it arrives.
		newKey, _ := rsa.GenerateKey(rand.Reader, 2048)
		signer, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: newKey}, (&jose.SignerOptions{}).WithHeader("kid", "rotated-2"))
		rotatedJWS, _ := signer.Sign(payload.UnsafePayloadWithoutVerification())
		rotated, _ := rotatedJWS.CompactSerialize()
		mu.Lock()
		set.Keys = append(set.Keys, jose.JSONWebKey{Key: &newKey.PublicKey, KeyID: "rotated-2", Algorithm: "RS256", Use: "sig"})
		clock = clock.Add(idtoken.DefaultMinRefresh + time.Second)
		mu.Unlock()
		if _, err := rv.Validate(ctx, rotated, idtoken.Expect{}); err != nil {
			t.Fatalf("token of the rotated key: %v", err)
		}
		// An unknown kid right after that refetch: no new fetch, its own error.
		signer2, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: newKey}, (&jose.SignerOptions{}).WithHeader("kid", "never-published"))
		unknownJWS, _ := signer2.Sign(payload.UnsafePayloadWithoutVerification())
		unknown, _ := unknownJWS.CompactSerialize()
		if _, err := rv.Validate(ctx, unknown, idtoken.Expect{}); !errors.Is(err, idtoken.ErrUnknownKey) {
			t.Fatalf("unknown kid: %v", err)
		}
		for i := 0; i < 3; i++ {
			if _, err := rv.Validate(ctx, rotated, idtoken.Expect{}); err != nil {
				t.Fatal(err)
			}
		}
		mu.Lock()
		defer mu.Unlock()
		if hits != 2 {
			t.Fatalf("JWKS fetched %d times, want 2 (first use, then once for the new kid)", hits)
		}
	})
}
