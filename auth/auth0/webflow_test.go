package auth0

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/auth/webflow"
)

func TestWebflowPresetAuthorizationRequest(t *testing.T) {
	f := newFake(t)
	c := newTest(t, f)
	wc := WebflowClient("tenant", c, "https://api.example", "profile")
	if !slices.Equal(wc.Scopes, []string{"openid", "profile"}) {
		t.Fatalf("scopes %v: openid must be added", wc.Scopes)
	}
	if got := WebflowClient("t", c, "").Scopes; !slices.Equal(got, []string{"openid", "profile", "email"}) {
		t.Fatalf("default scopes %v", got)
	}
	h, err := webflow.New(webflow.Config{BaseURL: "https://app.example", Prefix: "/auth0", Clients: []webflow.Client{wc},
		Store: webflow.NewMemoryStore(), CookieSecret: []byte("0123456789abcdef0123456789abcdef")})
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/auth0/sessions/new?organization=org_1&invitation=inv_2&screen_hint=signup&client_id=evil&audience=https%3A%2F%2Fother", nil))
	u, err := url.Parse(w.Header().Get("Location"))
	if err != nil || w.Code != http.StatusFound || u.Path != "/authorize" {
		t.Fatalf("%d to %q", w.Code, w.Header().Get("Location"))
	}
	q := u.Query()
	want := map[string]string{
		"client_id": testID, "response_type": "code", "scope": "openid profile", "audience": "https://api.example",
		"organization": "org_1", "invitation": "inv_2", "screen_hint": "signup", "code_challenge_method": "S256",
		"redirect_uri": "https://app.example/auth0/sessions/approve",
	}
	for k, v := range want {
		if q.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, q.Get(k), v)
		}
	}
	if len(q.Get("nonce")) < 40 || len(q.Get("state")) < 40 || len(q.Get("code_challenge")) != 43 || len(q["audience"]) != 1 {
		t.Errorf("nonce, state, challenge or audience: %v", q)
	}
	if e := wc.ExpectIDToken(url.Values{"organization": {"org_1"}}); e.Organization != "org_1" {
		t.Errorf("expectation %+v", e)
	}
}

func TestWebflowProviderRevokesRefreshTokenOnly(t *testing.T) {
	f := newFake(t)
	f.on("/oauth/revoke", answer{status: 200, body: map[string]any{}})
	p := newTest(t, f).Provider("")
	ctx := context.Background()
	if err := p.Revoke(ctx, &oauth2.Token{AccessToken: "AT"}); err != nil || len(f.requests("/oauth/revoke")) != 0 {
		t.Fatalf("access token only: %v, %d requests", err, len(f.requests("/oauth/revoke")))
	}
	if err := p.Revoke(ctx, &oauth2.Token{AccessToken: "AT", RefreshToken: "RT-1"}); err != nil {
		t.Fatal(err)
	}
	if r := f.requests("/oauth/revoke"); len(r) != 1 || r[0].form.Get("token") != "RT-1" {
		t.Fatalf("revoke requests %v", r)
	}
}

func TestStoreClientRefreshInvalidGrant(t *testing.T) {
	f := newFake(t)
	f.on("/oauth/token", answer{status: 200, body: tokenBody(map[string]any{"refresh_token": "RT-2"})}, oauthErr(403, "invalid_grant"))
	sc := newTest(t, f).StoreClient("")
	tok, err := sc.Refresh(context.Background(), "RT-1")
	if err != nil || tok.AccessToken != "AT-1" || tok.RefreshToken != "RT-2" {
		t.Fatalf("refresh: %v %v", tok, err)
	}
	if _, err := sc.Refresh(context.Background(), "RT-2"); !errors.Is(err, auth.ErrInvalidGrant) {
		t.Fatalf("refused refresh: %v does not match auth.ErrInvalidGrant", err)
	}
}

func TestBearerOfReadsSubject(t *testing.T) {
	signer, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: []byte(testSecret)}, nil)
	raw, _ := jwt.Signed(signer).Claims(map[string]any{"sub": "auth0|u1", "iss": "x"}).Serialize()
	if bt, id := bearerOf((&oauth2.Token{}).WithExtra(map[string]any{"id_token": raw})); bt != BearerUser || id != "auth0|u1" {
		t.Fatalf("bearer %q %q", bt, id)
	}
	if bt, id := bearerOf(&oauth2.Token{}); bt != "" || id != "" {
		t.Fatalf("no ID token: %q %q", bt, id)
	}
}
