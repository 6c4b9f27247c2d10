package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

func TestClientAuthAuthenticate(t *testing.T) {
	const secret = "p+ss/w%rd=1&x"
	key := &PrivateKey{Key: testKeys()["rsa"], KeyID: "rsa"}
	t.Run("basic form-encodes id and secret first", func(t *testing.T) {
		h, form := http.Header{}, url.Values{"token": {"t"}}
		if err := (ClientAuth{ClientID: "my app", ClientSecret: secret}).Authenticate(h, form); err != nil {
			t.Fatal(err)
		}
		r := &http.Request{Header: h}
		id, pw, ok := r.BasicAuth()
		if !ok || id != "my+app" || pw != "p%2Bss%2Fw%25rd%3D1%26x" || form.Encode() != "token=t" {
			t.Fatalf("basic: %q %q %v, form %s", id, pw, ok, form.Encode())
		}
	})
	t.Run("post puts them in the form", func(t *testing.T) {
		h, form := http.Header{}, url.Values{}
		if err := (ClientAuth{ClientID: "c", ClientSecret: secret, AuthMethod: ClientSecretPost}).Authenticate(h, form); err != nil {
			t.Fatal(err)
		}
		if h.Get("Authorization") != "" || form.Get("client_id") != "c" || form.Get("client_secret") != secret {
			t.Fatalf("post: %v %v", h, form)
		}
	})
	t.Run("private_key_jwt sends a fresh assertion for the token endpoint", func(t *testing.T) {
		a := ClientAuth{TokenURL: "https://idp.example/token", ClientID: "c", PrivateKey: key}
		seen := map[string]bool{}
		for range 2 {
			form := url.Values{}
			if err := a.Authenticate(http.Header{}, form); err != nil {
				t.Fatal(err)
			}
			if form.Get("client_assertion_type") != ClientAssertionType || form.Get("client_id") != "c" {
				t.Fatalf("form: %v", form)
			}
			tok, err := jwt.ParseSigned(form.Get("client_assertion"), []jose.SignatureAlgorithm{jose.RS256})
			if err != nil {
				t.Fatal(err)
			}
			var c jwt.Claims
			if err := tok.Claims(key.Key.Public(), &c); err != nil {
				t.Fatal(err)
			}
			if c.Issuer != "c" || c.Subject != "c" || !c.Audience.Contains(a.TokenURL) || seen[c.ID] {
				t.Fatalf("claims: %+v", c)
			}
			seen[c.ID] = true
		}
	})
}

func TestClientAuthExchange(t *testing.T) {
	var got url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		got = r.PostForm
		w.Header().Set("Content-Type", "application/json")
		if r.PostForm.Get("code") == "bad" {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"error":"invalid_grant","error_description":"code used"}`))
			return
		}
		_, _ = w.Write([]byte(`{"access_token":"at","token_type":"Bearer","expires_in":60,"id_token":"x.y.z"}`))
	}))
	defer srv.Close()
	a := ClientAuth{TokenURL: srv.URL, ClientID: "c", ClientSecret: "s", AuthMethod: ClientSecretPost}
	tok, err := a.Exchange(context.Background(), "authorization_code", url.Values{"code": {"good"}, "code_verifier": {"v"}})
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != "at" || tok.Extra("id_token") != "x.y.z" || got.Get("grant_type") != "authorization_code" || got.Get("code_verifier") != "v" || got.Get("client_secret") != "s" {
		t.Fatalf("token %+v, sent %v", tok, got)
	}
	_, err = a.Exchange(context.Background(), "authorization_code", url.Values{"code": {"bad"}})
	var te *TokenError
	if !errors.Is(err, ErrInvalidGrant) || !errors.As(err, &te) || te.Grant != "authorization_code" {
		t.Fatalf("err = %v", err)
	}
}

func TestClientAuthIsRedacted(t *testing.T) {
	a := ClientAuth{ClientID: "c", ClientSecret: leakSecret, PrivateKey: &PrivateKey{Key: testKeys()["p256"]}}
	var b strings.Builder
	slog.New(slog.NewJSONHandler(&b, nil)).Info("x", "a", a, "p", &a)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		b.WriteString(fmt.Sprintf(verb, a))
	}
	if strings.Contains(b.String(), leakSecret) {
		t.Fatalf("leak: %s", b.String())
	}
}
