package auth

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/rsa"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

const (
	leakSecret  = "SECRET-client-5f2b9c"
	leakAccess  = "TOKEN-access-8d1e4a"
	leakRefresh = "TOKEN-refresh-3c7f0b"
)

func TestRedaction(t *testing.T) {
	ctx := context.Background()
	keys := testKeys()
	rsaKey := keys["rsa"].(*rsa.PrivateKey)
	ecKey := keys["p256"].(*ecdsa.PrivateKey)
	needles := []string{leakSecret, leakAccess, leakRefresh,
		rsaKey.D.String(), rsaKey.N.String()[:40], fmt.Sprintf("%x", rsaKey.D.Bytes())[:40],
		ecKey.D.String(), fmt.Sprintf("%x", ecKey.D.Bytes())[:40]}

	leakTok := &oauth2.Token{AccessToken: leakAccess, RefreshToken: leakRefresh, TokenType: "Bearer", Expiry: time.Now().Add(time.Hour)}
	store := NewMemoryStore()
	_ = store.Save(ctx, leakTok)
	cache := NewCache(Func(func(context.Context) (*oauth2.Token, error) { return leakTok, nil }), WithStore(store))
	if _, err := cache.TokenContext(ctx); err != nil {
		t.Fatal(err)
	}
	fakeConn := NewConnector("http://127.0.0.1:1", "id", leakSecret, WithFakeToken(leakAccess))
	conn := NewConnector("http://127.0.0.1:1", "id", leakSecret)
	cc := ClientCredentials{ClientAuth: ClientAuth{TokenURL: "http://127.0.0.1:1/token", ClientID: "id", ClientSecret: leakSecret, PrivateKey: &PrivateKey{Key: rsaKey, KeyID: "k"}},
		Params: map[string][]string{"x": {leakSecret}}}
	rcfg := RefreshConfig{ClientAuth: ClientAuth{TokenURL: "http://127.0.0.1:1/token", ClientID: "id", ClientSecret: leakSecret, PrivateKey: &PrivateKey{Key: ecKey}}}
	rs := NewRefreshSource(rcfg, leakTok)

	// Errors from servers that echo secrets in their bodies.
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/json" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(400)
			fmt.Fprintf(w, `{"error":"invalid_request","echo":%q}`, leakSecret)
			return
		}
		w.WriteHeader(500)
		fmt.Fprintf(w, "crash dump: %s %s", leakAccess, leakSecret)
	}))
	defer echo.Close()
	_, jsonErr := (&ClientCredentials{ClientAuth: ClientAuth{TokenURL: echo.URL + "/json", ClientID: "id", ClientSecret: leakSecret}}).TokenContext(ctx)
	_, htmlErr := (&ClientCredentials{ClientAuth: ClientAuth{TokenURL: echo.URL + "/html", ClientID: "id", ClientSecret: leakSecret, AuthMethod: ClientSecretPost}}).TokenContext(ctx)
	_, refreshErr := NewRefreshSource(RefreshConfig{ClientAuth: ClientAuth{TokenURL: echo.URL + "/json", ClientID: "id", ClientSecret: leakSecret}}, leakTok).Refresh(ctx, nil)
	if jsonErr == nil || htmlErr == nil || refreshErr == nil {
		t.Fatal("expected errors")
	}
	saveErr := &SaveError{Err: errors.New("disk full")}

	values := map[string]any{
		"Secret":             Secret(leakSecret),
		"*Secret":            func() *Secret { s := Secret(leakSecret); return &s }(),
		"Static":             Bearer(leakAccess),
		"StaticUntil":        BearerUntil(leakAccess, time.Now().Add(time.Hour)),
		"Fake":               NewFake(leakAccess),
		"ClientCredentials":  cc,
		"*ClientCredentials": &cc,
		"PrivateKey":         &PrivateKey{Key: rsaKey, KeyID: "k"},
		"RefreshConfig":      rcfg,
		"RefreshSource":      rs,
		"Cache":              cache,
		"MemoryStore":        store,
		"Connector":          conn,
		"FakeConnector":      fakeConn,
		"ConnectorSource":    conn.TokenSource(),
		"Transport":          &Transport{Source: cache, Origin: "https://api.example"},
		"TransportValue":     Transport{Source: rs},
		"TokenError json":    jsonErr,
		"TokenError html":    htmlErr,
		"TokenError refr":    refreshErr,
		"SaveError":          saveErr,
	}
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"}
	for name, v := range values {
		var outs []string
		for _, verb := range verbs {
			outs = append(outs, fmt.Sprintf(verb, v))
		}
		if err, ok := v.(error); ok {
			outs = append(outs, err.Error())
			outs = append(outs, fmt.Sprintf("%v", fmt.Errorf("wrapped: %w", err)))
		}
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "v", v)
		slog.New(slog.NewTextHandler(&buf, nil)).Info("x", slog.Any("v", v))
		outs = append(outs, buf.String())
		for i, out := range outs {
			for _, n := range needles {
				if strings.Contains(out, n) {
					t.Errorf("%s: output %d leaks %.12s...: %s", name, i, n, out)
				}
			}
		}
	}
	t.Logf("e.g. %v", jsonErr)
	t.Logf("e.g. %+v", cc)
}
