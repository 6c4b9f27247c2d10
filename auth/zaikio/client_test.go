package zaikio_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"golang.org/x/oauth2"
	"time"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/auth/zaikio"
)

// fakeHub records token requests and answers like the Hub.
type fakeHub struct {
	mu       sync.Mutex
	requests []tokenRequest
	revoked  []string
	fail     string // an OAuth error code to answer with
}

type tokenRequest struct {
	Form       url.Values
	BasicID    string
	BasicOK    bool
	HasBasic   bool
	AuthHeader string
}

func (f *fakeHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/oauth/access_token":
		_ = r.ParseForm()
		id, secret, ok := r.BasicAuth()
		f.mu.Lock()
		f.requests = append(f.requests, tokenRequest{Form: r.PostForm, BasicID: id, BasicOK: ok && secret == "s3cret", HasBasic: ok, AuthHeader: r.Header.Get("Authorization")})
		fail := f.fail
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if fail != "" {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"error":%q,"error_description":"nope"}`, fail)
			return
		}
		bearer := map[string]string{"id": "person-1", "type": "Person"}
		if r.PostForm.Get("grant_type") == "client_credentials" {
			bearer = map[string]string{"id": "org-9", "type": "Organization"}
		}
		_ = json.NewEncoder(w).Encode(map[string]any{
			"access_token": "AT-" + r.PostForm.Get("grant_type"), "refresh_token": "RT-1", "token_type": "bearer",
			"scope": "Per.directory.person.r,Org.directory.sites.rw", "audiences": []string{"my_app", "other"},
			"expires_in": 3600, "bearer": bearer,
		})
	case "/api/v1/revoked_access_tokens":
		f.mu.Lock()
		f.revoked = append(f.revoked, r.Method+" "+r.Header.Get("Authorization"))
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{}`))
	default:
		http.NotFound(w, r)
	}
}

func newClient(t *testing.T) (*zaikio.Client, *fakeHub) {
	t.Helper()
	hub := &fakeHub{}
	srv := httptest.NewServer(hub)
	t.Cleanup(srv.Close)
	c, err := zaikio.NewClient(zaikio.Config{Host: srv.URL, ClientID: "my_app", ClientSecret: "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	return c, hub
}

func TestExchangeSendsSecretInBody(t *testing.T) {
	c, hub := newClient(t)
	tok, err := c.Exchange(context.Background(), "the-code", "https://app.example/zaikio/sessions/approve")
	if err != nil {
		t.Fatal(err)
	}
	req := hub.requests[0]
	if req.HasBasic || req.Form.Get("client_id") != "my_app" || req.Form.Get("client_secret") != "s3cret" ||
		req.Form.Get("code") != "the-code" || req.Form.Get("grant_type") != "authorization_code" {
		t.Errorf("request = %+v", req)
	}
	if tok.AccessToken != "AT-authorization_code" || tok.RefreshToken != "RT-1" {
		t.Errorf("tokens not read")
	}
	if fmt.Sprint(tok.Scopes) != "[Per.directory.person.r Org.directory.sites.rw]" || fmt.Sprint(tok.Audiences) != "[my_app other]" {
		t.Errorf("scopes %v audiences %v", tok.Scopes, tok.Audiences)
	}
	if tok.BearerType != zaikio.BearerPerson || tok.BearerID != "person-1" || !tok.Valid() {
		t.Errorf("bearer %s %s valid %v", tok.BearerType, tok.BearerID, tok.Valid())
	}
	// Round trip through *oauth2.Token keeps the Hub's fields.
	back := zaikio.FromOAuth2(tok.OAuth2())
	if back.BearerID != "person-1" || len(back.Audiences) != 2 || len(back.Scopes) != 2 {
		t.Errorf("round trip = %v", back)
	}
	for _, s := range []string{fmt.Sprint(tok), fmt.Sprintf("%+v", tok), fmt.Sprintf("%#v", tok), fmt.Sprint(c), fmt.Sprintf("%#v", c)} {
		if strings.Contains(s, "AT-") || strings.Contains(s, "RT-1") || strings.Contains(s, "s3cret") {
			t.Errorf("secret printed: %s", s)
		}
	}
}

func TestClientCredentialsAndRefreshUseBasic(t *testing.T) {
	c, hub := newClient(t)
	tok, err := c.ClientCredentials(context.Background(), "Org/org-9.directory.sites.r", "Org/org-9.directory.machines.r")
	if err != nil {
		t.Fatal(err)
	}
	if tok.BearerType != zaikio.BearerOrganization || tok.BearerID != "org-9" {
		t.Errorf("bearer = %s %s", tok.BearerType, tok.BearerID)
	}
	if _, err := c.Refresh(context.Background(), "RT-1"); err != nil {
		t.Fatal(err)
	}
	for i, req := range hub.requests {
		if !req.BasicOK || req.BasicID != "my_app" || req.Form.Get("client_secret") != "" {
			t.Errorf("request %d: basic %v id %q, secret in body %q", i, req.BasicOK, req.BasicID, req.Form.Get("client_secret"))
		}
	}
	if got := hub.requests[0].Form.Get("scope"); got != "Org/org-9.directory.sites.r,Org/org-9.directory.machines.r" {
		t.Errorf("scope = %q, want comma-joined", got)
	}
	if got := hub.requests[1].Form; got.Get("grant_type") != "refresh_token" || got.Get("refresh_token") != "RT-1" {
		t.Errorf("refresh form = %v", got)
	}
	if _, err := c.Refresh(context.Background(), ""); err == nil {
		t.Error("empty refresh token accepted")
	}
}

func TestTokenErrors(t *testing.T) {
	c, hub := newClient(t)
	hub.fail = "invalid_grant"
	_, err := c.Exchange(context.Background(), "old-code", "https://app.example/cb")
	if !errors.Is(err, auth.ErrInvalidGrant) {
		t.Fatalf("err = %v; want ErrInvalidGrant", err)
	}
	var te *auth.TokenError
	if !errors.As(err, &te) || te.StatusCode != 400 || te.Code != "invalid_grant" {
		t.Errorf("TokenError = %#v", te)
	}
	if strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "old-code") {
		t.Errorf("error leaks: %v", err)
	}
	hub.fail = "invalid_client"
	if _, err := c.ClientCredentials(context.Background()); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Errorf("err = %v; want ErrInvalidCredentials", err)
	}
}

func TestRevokeAndURLs(t *testing.T) {
	c, hub := newClient(t)
	if err := c.Revoke(context.Background(), "AT-x"); err != nil {
		t.Fatal(err)
	}
	if len(hub.revoked) != 1 || hub.revoked[0] != "POST Bearer AT-x" {
		t.Errorf("revoked = %v", hub.revoked)
	}
	u, err := url.Parse(c.AuthCodeURL("https://app.example/cb", "st", []string{"Per.directory.person.r", "Org.directory.sites.r"}, url.Values{"lang": {"de"}, "client_id": {"evil"}}))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Path != "/oauth/authorize" || q.Get("client_id") != "my_app" || q.Get("response_type") != "code" ||
		q.Get("scope") != "Per.directory.person.r,Org.directory.sites.r" || q.Get("state") != "st" || q.Get("lang") != "de" ||
		q.Get("redirect_uri") != "https://app.example/cb" {
		t.Errorf("AuthCodeURL = %s", u)
	}
	if _, err := zaikio.NewClient(zaikio.Config{ClientID: "x", Host: "http://hub.zaikio.com"}); err == nil {
		t.Error("plain http production host accepted")
	}
	if _, err := zaikio.NewClient(zaikio.Config{}); err == nil {
		t.Error("missing client id accepted")
	}
	d, err := zaikio.NewClient(zaikio.Config{ClientID: "x"})
	if err != nil || d.TokenURL() != "https://hub.zaikio.com/oauth/access_token" || d.RevokeURL() != "https://hub.zaikio.com/api/v1/revoked_access_tokens" {
		t.Errorf("defaults: %v %v", d, err)
	}
}

func TestStandInTokens(t *testing.T) {
	s := zaikio.StandInToken("warehouse", "person-7")
	if s != "AT:warehouse:person-7" {
		t.Errorf("StandInToken = %q", s)
	}
	c, p, ok := zaikio.ParseStandInToken(s)
	if !ok || c != "warehouse" || p != "person-7" {
		t.Errorf("ParseStandInToken = %q %q %v", c, p, ok)
	}
	for _, bad := range []string{"", "AT:", "AT:x", "AT::p", "AT:x:", "BT:x:y", "AT:x:y:z"} {
		if _, _, ok := zaikio.ParseStandInToken(bad); ok {
			t.Errorf("ParseStandInToken(%q) accepted", bad)
		}
	}
	tok := zaikio.StandInOAuth2Token("warehouse", "person-7", "Per.directory.person.r")
	if bt, bi := zaikio.BearerOf(tok); bt != "Person" || bi != "person-7" || tok.AccessToken != s || !tok.Valid() {
		t.Errorf("stand-in token %v %v", bt, bi)
	}
}

// TestHugeExpiresInClamped: a form-encoded token answer whose expires_in
// overflows time.Duration (x/oauth2 computes an expiry in the past for it)
// gives an expiry about 100 years ahead on every grant.
func TestHugeExpiresInClamped(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-www-form-urlencoded")
		fmt.Fprint(w, "access_token=AT&token_type=bearer&refresh_token=RT&expires_in=10000000000")
	}))
	t.Cleanup(srv.Close)
	c, err := zaikio.NewClient(zaikio.Config{ClientID: "my_app", ClientSecret: "s3cret", Host: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	grants := map[string]func() (*zaikio.Token, error){
		"exchange":           func() (*zaikio.Token, error) { return c.Exchange(ctx, "code", "https://app/cb") },
		"client credentials": func() (*zaikio.Token, error) { return c.ClientCredentials(ctx) },
		"refresh":            func() (*zaikio.Token, error) { return c.Refresh(ctx, "RT") },
	}
	for name, grant := range grants {
		tok, err := grant()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if left := time.Until(tok.Expiry); left < 50*365*24*time.Hour || left > 101*365*24*time.Hour {
			t.Fatalf("%s: expiry %v, want about 100 years ahead", name, tok.Expiry)
		}
	}
}

// TestTokenOAuth2KeepsTheAnswer: a Token read from an answer hands back
// that answer, every field included (an id_token, which the web flow
// validates), not a copy built from the Hub's fields.
func TestTokenOAuth2KeepsTheAnswer(t *testing.T) {
	answer := (&oauth2.Token{AccessToken: "at"}).WithExtra(map[string]any{"id_token": "header.claims.sig", "scope": "a,b"})
	back := zaikio.FromOAuth2(answer).OAuth2()
	if back != answer || back.Extra("id_token") != "header.claims.sig" {
		t.Fatalf("OAuth2() lost the answer: %v", back.Extra("id_token"))
	}
	built := (&zaikio.Token{Token: &oauth2.Token{AccessToken: "at"}, BearerType: zaikio.BearerPerson, BearerID: "p1"}).OAuth2()
	if bt, id := zaikio.BearerOf(built); bt != zaikio.BearerPerson || id != "p1" {
		t.Fatalf("a built Token's bearer: %q %q", bt, id)
	}
}
