package oauthsrv

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

var paths = Paths{
	Authorize: "/oauth/authorize", Token: "/oauth/token", UserInfo: "/me", JWKS: "/jwks",
	Discovery: "/.well-known/openid-configuration", Revoke: "/oauth/revoke",
}

// start serves a Server on httptest with a confidential client "app", a
// public client "spa" and the user ada.
func start(t *testing.T, cfg Config) (*Server, *httptest.Server) {
	t.Helper()
	mux := http.NewServeMux()
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	cfg.BaseURL, cfg.Paths = hs.URL, paths
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.Register(mux)
	s.AddClient(Client{ID: "app", Secret: "app-secret"})
	s.AddClient(Client{ID: "spa"})
	s.AddUser(User{Subject: "u1", Username: "ada", Email: "ada@example.com", Password: "pw", Claims: map[string]any{"name": "Ada"}})
	return s, hs
}

func oauthConfig(hs *httptest.Server, id, secret string, style oauth2.AuthStyle) *oauth2.Config {
	return &oauth2.Config{
		ClientID: id, ClientSecret: secret, RedirectURL: "http://127.0.0.1:1/cb", Scopes: []string{"openid", "profile"},
		Endpoint: oauth2.Endpoint{AuthURL: hs.URL + paths.Authorize, TokenURL: hs.URL + paths.Token, AuthStyle: style},
	}
}

// signIn submits the login form for an authorization URL and returns the
// redirect's query.
func signIn(t *testing.T, authURL, user, pass string) (int, url.Values) {
	t.Helper()
	u, _ := url.Parse(authURL)
	form := u.Query()
	form.Set("username", user)
	form.Set("password", pass)
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.PostForm(u.Scheme+"://"+u.Host+u.Path, form)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	return resp.StatusCode, loc.Query()
}

func TestClientCredentialsBasicAndPost(t *testing.T) {
	_, hs := start(t, Config{})
	for _, style := range []oauth2.AuthStyle{oauth2.AuthStyleInHeader, oauth2.AuthStyleInParams} {
		cc := clientcredentials.Config{ClientID: "app", ClientSecret: "app-secret", TokenURL: hs.URL + paths.Token, AuthStyle: style}
		if _, err := cc.Token(t.Context()); err != nil {
			t.Errorf("style %d: %v", style, err)
		}
		cc.ClientSecret = "wrong"
		var re *oauth2.RetrieveError
		if _, err := cc.Token(t.Context()); !errors.As(err, &re) || re.Response.StatusCode != 401 || re.ErrorCode != "invalid_client" {
			t.Errorf("wrong secret, style %d: %v", style, err)
		}
	}
}

func TestCodeFlowPKCEAndRefresh(t *testing.T) {
	s, hs := start(t, Config{RotateRefreshTokens: true})
	cfg := oauthConfig(hs, "spa", "", oauth2.AuthStyleInParams)
	verifier := oauth2.GenerateVerifier()
	status, q := signIn(t, cfg.AuthCodeURL("st", oauth2.S256ChallengeOption(verifier)), "ada@example.com", "pw")
	if status != http.StatusFound || q.Get("state") != "st" || q.Get("code") == "" {
		t.Fatalf("sign-in: %d %v", status, q)
	}
	if _, err := cfg.Exchange(t.Context(), q.Get("code"), oauth2.VerifierOption("not-the-verifier")); err == nil {
		t.Error("a wrong verifier was accepted")
	}
	_, q = signIn(t, cfg.AuthCodeURL("st", oauth2.S256ChallengeOption(verifier)), "ada", "pw")
	tok, err := cfg.Exchange(t.Context(), q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	if tok.Extra("id_token") == nil || tok.RefreshToken == "" {
		t.Fatalf("tokens: id_token %v, refresh %q", tok.Extra("id_token"), tok.RefreshToken)
	}
	g, ok := s.Lookup(tok.AccessToken)
	if !ok || g.Subject != "u1" || !g.HasScope("profile") {
		t.Errorf("grant: %+v", g)
	}
	tok.Expiry = tok.Expiry.Add(-24 * 3600e9)
	next, err := cfg.TokenSource(t.Context(), tok).Token()
	if err != nil || next.RefreshToken == tok.RefreshToken {
		t.Fatalf("refresh: %v", err)
	}
	if _, err := cfg.TokenSource(t.Context(), tok).Token(); err == nil {
		t.Error("a rotated-out refresh token was accepted")
	}

	// A refresh may narrow the scope, never widen it (RFC 6749, 6).
	refresh := func(rt, scope string) (*Tokens, error) {
		toks, _, err := s.Exchange(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {"spa"}, "scope": {scope}})
		return toks, err
	}
	var oe *Error
	if _, err := refresh(next.RefreshToken, "openid profile admin"); !errors.As(err, &oe) || oe.Code != "invalid_scope" {
		t.Errorf("widened scope on refresh: %v, want invalid_scope", err)
	}
	narrowed, err := refresh(next.RefreshToken, "openid")
	if err != nil || narrowed.Scope != "openid" {
		t.Errorf("narrowed scope on refresh: %+v %v", narrowed, err)
	}
}

func TestLoginFailuresAndBadRequests(t *testing.T) {
	_, hs := start(t, Config{})
	cfg := oauthConfig(hs, "spa", "", oauth2.AuthStyleInParams)
	if status, _ := signIn(t, cfg.AuthCodeURL("st", oauth2.S256ChallengeOption("v")), "ada", "nope"); status != http.StatusUnauthorized {
		t.Errorf("wrong password: %d, want the page again with 401", status)
	}
	// A public client without PKCE goes back with invalid_request.
	status, q := signIn(t, cfg.AuthCodeURL("st"), "ada", "pw")
	if status != http.StatusFound || q.Get("error") != "invalid_request" {
		t.Errorf("no PKCE: %d %v", status, q)
	}
	resp, err := http.Get(hs.URL + paths.Authorize + "?client_id=spa&response_type=code&redirect_uri=https://evil.example/cb")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("foreign redirect_uri: %d, want 400 with no redirect", resp.StatusCode)
	}
}

func TestExchangeNewCodeUserinfoExpiry(t *testing.T) {
	s, hs := start(t, Config{})
	code := s.NewCode(CodeRequest{ClientID: "app", RedirectURI: "http://127.0.0.1/cb", Scope: "openid", Subject: "u1"})
	toks, g, err := s.Exchange(url.Values{
		"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {"http://127.0.0.1/cb"},
		"client_id": {"app"}, "client_secret": {"app-secret"},
	})
	if err != nil || g.Subject != "u1" || toks.IDToken == "" {
		t.Fatalf("Exchange: %+v %v", g, err)
	}
	_, _, err = s.Exchange(url.Values{"grant_type": {"password"}, "username": {"ada"}, "password": {"x"}, "client_id": {"app"}, "client_secret": {"app-secret"}})
	var oe *Error
	if !errors.As(err, &oe) || oe.Code != "invalid_grant" || oe.Status != 400 {
		t.Errorf("wrong password: %v", err)
	}

	get := func(path, token string) (int, map[string]any) {
		req, _ := http.NewRequestWithContext(context.Background(), "GET", hs.URL+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, m
	}
	if st, m := get(paths.UserInfo, toks.AccessToken); st != 200 || m["sub"] != "u1" || m["name"] != "Ada" {
		t.Errorf("userinfo: %d %v", st, m)
	}
	s.ExpireAll()
	if st, _ := get(paths.UserInfo, toks.AccessToken); st != 401 {
		t.Errorf("userinfo with an expired token: %d", st)
	}
	if st, m := get(paths.Discovery, ""); st != 200 || m["token_endpoint"] != hs.URL+paths.Token || !strings.HasSuffix(m["issuer"].(string), "/") {
		t.Errorf("discovery: %d %v", st, m)
	}
	if st, m := get(paths.JWKS, ""); st != 200 || len(m["keys"].([]any)) != 1 {
		t.Errorf("jwks: %d %v", st, m)
	}
}
