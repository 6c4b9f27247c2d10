package auth

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	sdkerrors "github.com/idsdk/idsdk-go/errors"
)

// tokenServer answers every token request with status and body, and
// records the last request.
type tokenServer struct {
	*httptest.Server
	hits     atomic.Int32
	lastForm url.Values
	lastAuth [2]string
	lastPath string
}

func newTokenServer(t *testing.T, status int, body string) *tokenServer {
	ts := &tokenServer{}
	ts.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ts.hits.Add(1)
		_ = r.ParseForm()
		ts.lastForm = r.PostForm
		u, p, _ := r.BasicAuth()
		// Decoded as RFC 6749 section 2.3.1 asks.
		u, _ = url.QueryUnescape(u)
		p, _ = url.QueryUnescape(p)
		ts.lastAuth = [2]string{u, p}
		ts.lastPath = r.URL.Path
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(ts.Close)
	return ts
}

func TestConnectorRequestShape(t *testing.T) {
	ts := newTokenServer(t, 200, `{"access_token":"at-1","token_type":"bearer","expires_in":3600}`)
	c := NewConnector(ts.URL, "my-id", "my secret", WithScopes("invite", "read"))
	h, err := c.AuthorizationHeader(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if h != "Bearer at-1" {
		t.Fatalf("header %q", h)
	}
	if ts.lastPath != "/oauth/token" {
		t.Fatalf("path %q", ts.lastPath)
	}
	if ts.lastAuth != [2]string{"my-id", "my secret"} {
		t.Fatalf("basic auth %q", ts.lastAuth)
	}
	if ts.lastForm.Get("grant_type") != "client_credentials" || ts.lastForm.Get("scope") != "invite read" {
		t.Fatalf("form %v", ts.lastForm)
	}
	if ts.lastForm.Has("client_secret") {
		t.Fatalf("secret in the body")
	}
}

func TestConnectorNoScopeAndCustomPath(t *testing.T) {
	ts := newTokenServer(t, 200, `{"access_token":"at-1","token_type":"Bearer"}`)
	c := NewConnector(ts.URL+"/", "id", "s", WithAccessTokenPath("/api/token"))
	if _, err := c.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ts.lastPath != "/api/token" || ts.lastForm.Has("scope") {
		t.Fatalf("path %q form %v", ts.lastPath, ts.lastForm)
	}
}

func TestConnectorReusesUntilMargin(t *testing.T) {
	ctx := context.Background()
	long := newTokenServer(t, 200, `{"access_token":"at","token_type":"BEARER","expires_in":120}`)
	c := NewConnector(long.URL, "id", "s")
	for i := 0; i < 5; i++ {
		if _, err := c.Token(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if long.hits.Load() != 1 {
		t.Fatalf("hits %d, want 1 (token valid for 120 s)", long.hits.Load())
	}
	short := newTokenServer(t, 200, `{"access_token":"at","token_type":"bearer","expires_in":30}`)
	c = NewConnector(short.URL, "id", "s")
	for i := 0; i < 3; i++ {
		if _, err := c.Token(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if short.hits.Load() != 3 {
		t.Fatalf("hits %d, want 3 (token within the 60 s margin)", short.hits.Load())
	}
	c = NewConnector(short.URL, "id", "s", WithReuseMargin(10e9))
	_, _ = c.Token(ctx)
	_, _ = c.Token(ctx)
	if short.hits.Load() != 4 {
		t.Fatalf("hits %d, want 4 with a 10 s margin", short.hits.Load())
	}
}

func TestConnectorMissingTokenType(t *testing.T) {
	ts := newTokenServer(t, 200, `{"access_token":"at"}`)
	_, err := NewConnector(ts.URL, "id", "s").Token(context.Background())
	if !errors.Is(err, ErrMissingTokenType) {
		t.Fatalf("err = %v", err)
	}
}

func TestConnectorUnsupportedTokenType(t *testing.T) {
	ts := newTokenServer(t, 200, `{"access_token":"at","token_type":"mac"}`)
	_, err := NewConnector(ts.URL, "id", "s").Token(context.Background())
	var te *TokenError
	if !errors.Is(err, ErrUnsupportedTokenType) || !errors.As(err, &te) || !strings.Contains(err.Error(), `"mac"`) {
		t.Fatalf("err = %v", err)
	}
	if errors.Is(err, ErrMissingTokenType) || errors.Is(err, ErrEmptyAccessToken) {
		t.Fatalf("errors are not distinct")
	}
}

func TestConnectorEmptyAccessToken(t *testing.T) {
	ts := newTokenServer(t, 200, `{"access_token":"","token_type":"bearer"}`)
	_, err := NewConnector(ts.URL, "id", "s").Token(context.Background())
	if !errors.Is(err, ErrEmptyAccessToken) || errors.Is(err, ErrMissingTokenType) {
		t.Fatalf("err = %v", err)
	}
}

func TestConnectorInvalidCredentials(t *testing.T) {
	ts := newTokenServer(t, 401, `{"error":"invalid_client"}`)
	_, err := NewConnector(ts.URL, "id", "wrong-secret").Token(context.Background())
	if !errors.Is(err, ErrInvalidCredentials) || !errors.Is(err, sdkerrors.ErrUnauthorized) {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "wrong-secret") {
		t.Fatalf("secret in error")
	}
}

func TestConnectorOtherStatus(t *testing.T) {
	big := strings.Repeat("x", sdkerrors.MaxBodyBytes+10000)
	ts := newTokenServer(t, 503, "maintenance "+big)
	_, err := NewConnector(ts.URL, "id", "s").Token(context.Background())
	var te *TokenError
	var se *sdkerrors.APIError
	if !errors.As(err, &te) || te.StatusCode != 503 || !errors.As(err, &se) || se.StatusCode != 503 || !strings.HasPrefix(string(se.Body), "maintenance") {
		t.Fatalf("err = %v", err)
	}
	if len(se.Body) > sdkerrors.MaxBodyBytes {
		t.Fatalf("body not bounded: %d bytes", len(se.Body))
	}
	if !errors.Is(err, sdkerrors.ErrUnavailable) || errors.Is(err, ErrInvalidCredentials) {
		t.Fatalf("sentinels wrong for %v", err)
	}
}

func TestConnectorConnectionRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	_, err = NewConnector("http://"+addr, "id", "s").Token(context.Background())
	var te *TokenError
	var op *net.OpError
	if !errors.As(err, &te) || !errors.As(err, &op) || !errors.Is(err, sdkerrors.ErrUnavailable) {
		t.Fatalf("err = %v (%T), want a TokenError wrapping a net error", err, err)
	}
}

func TestConnectorFake(t *testing.T) {
	c := NewConnector("http://127.0.0.1:1", "id", "s", WithFakeToken("fake-token"))
	h, err := c.AuthorizationHeader(context.Background())
	if err != nil || h != "Bearer fake-token" {
		t.Fatalf("%q %v", h, err)
	}
}

func TestConnectorAgainstProvider(t *testing.T) {
	p := startProvider(t, nil)
	c := NewConnector(p.Issuer, "basic-client", basicSecret, WithAccessTokenPath("/token"), WithScopes("read"))
	h, err := c.AuthorizationHeader(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "Bearer ") || len(h) < 20 {
		t.Fatalf("header %q", h)
	}
	bad := NewConnector(p.Issuer, "basic-client", "nope", WithAccessTokenPath("/token"))
	if _, err := bad.Token(context.Background()); !errors.Is(err, ErrInvalidCredentials) {
		t.Fatalf("wrong secret: %v", err)
	}
	if s := p.Stats(t); s.Success["client_credentials"] != 1 || s.Error["client_credentials"] != 1 {
		t.Fatalf("stats %+v", s)
	}
	_ = fmt.Sprint(c)
}

// TestConnectorBasicIsFormEncoded: the Connector form-urlencodes the id
// and secret before HTTP Basic (RFC 6749 section 2.3.1), so secrets with
// "+ / % = &" work against node-oidc-provider, which decodes them; raw
// credentials are refused there and stay available as an option.
func TestConnectorBasicIsFormEncoded(t *testing.T) {
	p := startProvider(t, nil)
	ctx := context.Background()
	for _, c := range []struct {
		id     string
		secret Secret
	}{{"reserved-client", reservedSecret}, {"plus+client", plusSecret}} {
		t.Run(string(c.secret), func(t *testing.T) {
			conn := NewConnector(p.Issuer, c.id, c.secret, WithAccessTokenPath("/token"), WithScopes("read"))
			if _, err := conn.Token(ctx); err != nil {
				t.Fatalf("encoded: %v", err)
			}
			cc := &ClientCredentials{ClientAuth: ClientAuth{TokenURL: p.TokenURL, ClientID: c.id, ClientSecret: c.secret}, Scopes: []string{"read"}}
			if _, err := cc.TokenContext(ctx); err != nil {
				t.Fatalf("ClientCredentials: %v", err)
			}
			raw := NewConnector(p.Issuer, c.id, c.secret, WithAccessTokenPath("/token"), WithScopes("read"), WithRawBasicAuth())
			if _, err := raw.Token(ctx); err == nil {
				t.Fatal("raw Basic credentials accepted by a server that decodes them")
			}
		})
	}
}

// TestConnectorBasicEncoding checks the header on the wire, both ways.
func TestConnectorBasicEncoding(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"access_token":"at","token_type":"bearer"}`)
	}))
	t.Cleanup(srv.Close)
	for _, opt := range []ConnectorOption{WithScopes(), WithRawBasicAuth()} {
		if _, err := NewConnector(srv.URL, "id:1", "p+ss/w%rd=1&x", opt).Token(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	enc := "Basic " + base64.StdEncoding.EncodeToString([]byte("id%3A1:p%2Bss%2Fw%25rd%3D1%26x"))
	raw := "Basic " + base64.StdEncoding.EncodeToString([]byte("id:1:p+ss/w%rd=1&x"))
	if len(got) != 2 || got[0] != enc || got[1] != raw {
		t.Fatalf("headers %q, want %q then %q", got, enc, raw)
	}
}
