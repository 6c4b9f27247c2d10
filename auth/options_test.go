package auth

// Tests of exported helpers, options and sentinels that have an effect of
// their own: each would fail if the name did nothing or the wrong thing.

import (
	"context"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	sdkerrors "github.com/idsdk/idsdk-go/errors"
	"github.com/idsdk/idsdk-go/retry"
)

// TestClientBasicAuthEncodesIDAndSecret: the header is HTTP Basic of the
// form-urlencoded id and secret (RFC 6749 section 2.3.1), so a secret
// with reserved characters decodes back intact.
func TestClientBasicAuthEncodesIDAndSecret(t *testing.T) {
	for _, tt := range []struct{ id, secret, wantPair string }{
		{"plain", "s3cret", "plain:s3cret"},
		{"app id", "p+%&=/:é", "app+id:p%2B%25%26%3D%2F%3A%C3%A9"},
	} {
		h := ClientBasicAuth(tt.id, Secret(tt.secret))
		raw, ok := strings.CutPrefix(h, "Basic ")
		if !ok {
			t.Fatalf("%q: no Basic scheme", h)
		}
		pair, err := base64.StdEncoding.DecodeString(raw)
		if err != nil || string(pair) != tt.wantPair {
			t.Fatalf("%s/%s: pair %q (%v), want %q", tt.id, tt.secret, pair, err, tt.wantPair)
		}
		user, pass, _ := strings.Cut(string(pair), ":")
		if u, _ := url.QueryUnescape(user); u != tt.id {
			t.Errorf("id decodes to %q", u)
		}
		if p, _ := url.QueryUnescape(pass); p != tt.secret {
			t.Errorf("secret decodes to %q", p)
		}
	}
}

// TestNewTokenErrorConversions: each kind of x/oauth2 failure becomes the
// *TokenError the package documents, with the secrets scrubbed.
func TestNewTokenErrorConversions(t *testing.T) {
	const secret = "rt-SECRET-value"
	resp := func(code int) *http.Response {
		return &http.Response{StatusCode: code, Header: http.Header{"Content-Type": {"application/json"}}}
	}
	if NewTokenError("refresh_token", nil) != nil {
		t.Fatal("nil error converted to non-nil")
	}

	// An OAuth error code: an *sdkerrors.OAuthError cause, sentinels matched.
	err := NewTokenError("refresh_token", &oauth2.RetrieveError{Response: resp(400), ErrorCode: "invalid_grant",
		ErrorDescription: "refresh token " + secret + " was revoked"}, secret)
	var te *TokenError
	var oe *sdkerrors.OAuthError
	if !errors.As(err, &te) || te.Grant != "refresh_token" || te.StatusCode != 400 || te.Code != "invalid_grant" ||
		!errors.As(err, &oe) || !errors.Is(err, ErrInvalidGrant) || !errors.Is(err, sdkerrors.ErrBadRequest) {
		t.Fatalf("OAuth error: %#v", err)
	}
	if strings.Contains(err.Error(), secret) || strings.Contains(te.Description, secret) || strings.Contains(oe.Description, secret) {
		t.Fatalf("secret kept: %v / %q", err, te.Description)
	}

	// No code: an *sdkerrors.APIError cause with the status.
	err = NewTokenError("client_credentials", &oauth2.RetrieveError{Response: resp(503), Body: []byte("<html>down " + secret + "</html>")}, secret)
	var ae *sdkerrors.APIError
	if !errors.As(err, &te) || te.StatusCode != 503 || te.Code != "" || !errors.As(err, &ae) || ae.StatusCode != 503 || !errors.Is(err, sdkerrors.ErrUnavailable) {
		t.Fatalf("status error: %#v", err)
	}
	if strings.Contains(err.Error(), secret) || strings.Contains(string(ae.Body), secret) {
		t.Fatalf("secret kept in %v / %q", err, ae.Body)
	}

	// Any other error is the cause; a *TokenError is kept as it is.
	dial := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	err = NewTokenError("client_credentials", dial)
	if !errors.As(err, &te) || te.Err != dial || !errors.Is(err, sdkerrors.ErrUnavailable) {
		t.Fatalf("transport error: %#v", err)
	}
	kept := &TokenError{Grant: "password", Code: "access_denied", StatusCode: 403}
	if err := NewTokenError("other", kept); !errors.As(err, &te) || te.Grant != "password" {
		t.Fatalf("TokenError not kept: %#v", err)
	}
}

// TestSentinelsOfEmptySources: ErrNoToken, ErrNoRefreshToken and
// ErrNotStored come from the sources and stores that have nothing.
func TestSentinelsOfEmptySources(t *testing.T) {
	ctx := context.Background()
	for name, src := range map[string]oauth2.TokenSource{
		"Bearer(\"\")":      Bearer(""),
		"NewFake(\"\")":     NewFake(""),
		"Func nil token":    Func(func(context.Context) (*oauth2.Token, error) { return nil, nil }),
		"nil Func":          Func(nil),
		"BearerUntil(\"\")": BearerUntil("", time.Now().Add(time.Hour)),
	} {
		if _, err := TokenContext(ctx, src); !errors.Is(err, ErrNoToken) {
			t.Errorf("%s: %v, want ErrNoToken", name, err)
		}
	}

	// A refresh with no refresh token fails before any request, as a
	// *TokenError matching ErrNoRefreshToken.
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	defer srv.Close()
	rs := NewRefreshSource(RefreshConfig{ClientAuth: ClientAuth{TokenURL: srv.URL, ClientID: "c", ClientSecret: "s"}},
		&oauth2.Token{AccessToken: "old", Expiry: time.Now().Add(-time.Minute)})
	_, err := rs.TokenContext(ctx)
	var te *TokenError
	if !errors.Is(err, ErrNoRefreshToken) || !errors.As(err, &te) || te.Grant != "refresh_token" || hits.Load() != 0 {
		t.Fatalf("refresh without refresh token: %v (%d requests)", err, hits.Load())
	}

	// An empty MemoryStore says ErrNotStored; a Cache in front of it then
	// asks its source and saves the answer.
	store := NewMemoryStore()
	if _, err := store.Load(ctx); !errors.Is(err, ErrNotStored) {
		t.Fatalf("empty store: %v", err)
	}
	fake := NewFakeUntil("fresh", time.Now().Add(time.Hour))
	if tok, err := NewCache(fake, WithStore(store)).TokenContext(ctx); err != nil || tok.AccessToken != "fresh" {
		t.Fatalf("cache over an empty store: %v %v", tok, err)
	}
	if saved, err := store.Load(ctx); err != nil || saved.AccessToken != "fresh" || fake.Calls() != 1 {
		t.Fatalf("saved %v %v, source calls %d", saved, err, fake.Calls())
	}
}

// TestWithRefreshTimeoutBoundsTheRefresh: a source that never answers is
// given up after the refresh timeout, and the source sees that deadline
// on its context; without the option it is DefaultRefreshTimeout.
func TestWithRefreshTimeoutBoundsTheRefresh(t *testing.T) {
	left := make(chan time.Duration, 2) // time left at each call
	hang := Func(func(ctx context.Context) (*oauth2.Token, error) {
		d, ok := ctx.Deadline()
		if !ok {
			left <- 0
		} else {
			left <- time.Until(d)
		}
		<-ctx.Done()
		return nil, ctx.Err()
	})
	start := time.Now()
	_, err := NewCache(hang, WithRefreshTimeout(100*time.Millisecond)).TokenContext(context.Background())
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 10*time.Second {
		t.Fatalf("got %v after %v", err, time.Since(start))
	}
	if l := <-left; l <= 0 || l > 100*time.Millisecond {
		t.Fatalf("source saw %v left, want at most 100ms", l)
	}

	// Without the option: DefaultRefreshTimeout. The caller gives up at
	// once; the refresh goes on for others until that timeout.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _ = NewCache(hang).TokenContext(ctx)
	if l := <-left; l < DefaultRefreshTimeout-5*time.Second || l > DefaultRefreshTimeout {
		t.Fatalf("default: source saw %v left, want about %v", l, DefaultRefreshTimeout)
	}
}

// TestWithMarginMovesTheWait: with early refresh off, a token is used
// until WithMargin before its expiry (capped at 1/20 of its lifetime) and
// fetched again from there on.
func TestWithMarginMovesTheWait(t *testing.T) {
	for _, tt := range []struct {
		name      string
		margin    time.Duration // 0: the option is not given
		at        time.Duration // before expiry
		wantFetch bool
	}{
		{"before the margin", 2 * time.Minute, 2*time.Minute + time.Second, false},
		{"inside the margin", 2 * time.Minute, 2*time.Minute - time.Second, true},
		{"default margin is shorter", 0, 2*time.Minute - time.Second, false},
		{"default margin", 0, DefaultMargin - time.Second, true},
		{"capped at a twentieth of the lifetime", 10 * time.Minute, 4 * time.Minute, false},
		{"the cap itself", 10 * time.Minute, 3*time.Minute - time.Second, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			clk := &clock{}
			var calls atomic.Int32
			src := Func(func(context.Context) (*oauth2.Token, error) {
				calls.Add(1)
				return &oauth2.Token{AccessToken: "t", Expiry: clk.now().Add(time.Hour)}, nil
			})
			opts := []CacheOption{WithEarlyRefresh(0, 0)}
			if tt.margin != 0 {
				opts = append(opts, WithMargin(tt.margin))
			}
			c := NewCache(src, opts...)
			c.now = clk.now
			ctx := context.Background()
			if _, err := c.TokenContext(ctx); err != nil {
				t.Fatal(err)
			}
			clk.advance(time.Hour - tt.at)
			if _, err := c.TokenContext(ctx); err != nil {
				t.Fatal(err)
			}
			if got := calls.Load() == 2; got != tt.wantFetch {
				t.Fatalf("%d source calls, want a second fetch: %v", calls.Load(), tt.wantFetch)
			}
		})
	}
}

// TestWithConnectorHTTPClientIsUsed: the Connector's token requests go
// through the given client (here one that reaches a host no resolver
// knows); without it they fail.
func TestWithConnectorHTTPClientIsUsed(t *testing.T) {
	srv, hits := lifetimeServer(t, "application/json", `{"access_token":"AT","token_type":"bearer","expires_in":3600}`)
	target, _ := url.Parse(srv.URL)
	var routed atomic.Int32
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		routed.Add(1)
		r = r.Clone(r.Context())
		r.URL.Scheme, r.URL.Host = target.Scheme, target.Host
		return http.DefaultTransport.RoundTrip(r)
	})}
	const host = "https://id.example.invalid"
	ctx := context.Background()
	tok, err := NewConnector(host, "app", "secret", WithConnectorHTTPClient(hc)).Token(ctx)
	if err != nil || tok.AccessToken != "AT" || routed.Load() != 1 || hits.Load() != 1 {
		t.Fatalf("token %v, err %v, routed %d, hits %d", tok, err, routed.Load(), hits.Load())
	}
	if _, err := NewConnector(host, "app", "secret").Token(ctx); err == nil || hits.Load() != 1 {
		t.Fatalf("without the client: %v, hits %d", err, hits.Load())
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestFakeCountsAndExpiry: NewFakeUntil's token carries the expiry (a
// Cache in front asks again once it nears), Calls counts the tokens
// handed out and Invalidations the 401s Transport reported.
func TestFakeCountsAndExpiry(t *testing.T) {
	ctx := context.Background()
	exp := time.Now().Add(time.Hour).Truncate(time.Second)
	f := NewFakeUntil("fake-token", exp)
	tok, err := f.TokenContext(ctx)
	if err != nil || tok.AccessToken != "fake-token" || !tok.Expiry.Equal(exp) || f.Calls() != 1 {
		t.Fatalf("token %v %v, calls %d", tok, err, f.Calls())
	}
	if tok, _ := NewFake("x").TokenContext(ctx); !tok.Expiry.IsZero() {
		t.Fatal("NewFake's token has an expiry")
	}

	clk := &clock{}
	c := NewCache(f)
	c.now = clk.now
	_, _ = c.TokenContext(ctx)
	_, _ = c.TokenContext(ctx)
	if f.Calls() != 2 {
		t.Fatalf("calls %d after two cached reads, want 2", f.Calls())
	}
	clk.advance(time.Hour - time.Second) // inside the hard margin: the Cache asks again
	_, _ = c.TokenContext(ctx)
	if f.Calls() != 3 {
		t.Fatalf("calls %d near expiry, want 3", f.Calls())
	}

	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer srv.Close()
	g := NewFake("refused")
	hc := &http.Client{Transport: &Transport{Source: g, Origin: srv.URL}}
	resp, err := hc.Get(srv.URL + "/x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// Invalidated once; the Fake hands out the same token, so the request
	// is not sent again.
	if resp.StatusCode != 401 || g.Invalidations() != 1 || g.Calls() != 2 || hits.Load() != 1 {
		t.Fatalf("status %d, invalidations %d, calls %d, hits %d", resp.StatusCode, g.Invalidations(), g.Calls(), hits.Load())
	}
}

// TestSecretMarshalTextRedacts: encoders that use encoding.TextMarshaler
// (XML elements and attributes, slog's text handler on a nested value)
// write the redacted form. (JSON map keys of a string type bypass it; the
// Secret doc says so.)
func TestSecretMarshalTextRedacts(t *testing.T) {
	const value = "hunter2-secret-value"
	x, err := xml.Marshal(struct {
		XMLName xml.Name `xml:"c"`
		S       Secret   `xml:"s,attr"`
		T       Secret   `xml:"t"`
	}{S: value, T: value})
	if err != nil {
		t.Fatal(err)
	}
	var logged strings.Builder
	slog.New(slog.NewTextHandler(&logged, nil)).Info("cfg", "secret", Secret(value))
	b, _ := Secret(value).MarshalText()
	for _, out := range []string{string(x), logged.String(), string(b)} {
		if strings.Contains(out, value) || !strings.Contains(out, Secret(value).String()) {
			t.Errorf("MarshalText output %s", out)
		}
	}
	if b, _ := Secret("").MarshalText(); len(b) != 0 {
		t.Errorf("empty secret marshals to %q", b)
	}
}

// TestTokenErrorEndsTheRetries: a token source failing with a transport
// error, which the retry policy would otherwise repeat for a GET, is asked
// once: Transport returns a *TokenError whose RetryableError is false.
func TestTokenErrorEndsTheRetries(t *testing.T) {
	var calls atomic.Int32
	dial := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	src := Func(func(context.Context) (*oauth2.Token, error) { calls.Add(1); return nil, dial })
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	defer srv.Close()
	p := retry.Default()
	p.MinWait, p.MaxWait = time.Millisecond, time.Millisecond
	hc := &http.Client{Transport: p.Transport(&Transport{Source: src, Origin: srv.URL})}
	_, err := hc.Get(srv.URL)
	var te *TokenError
	if !errors.As(err, &te) || te.RetryableError() || calls.Load() != 1 || hits.Load() != 0 {
		t.Fatalf("err %v, source calls %d, hits %d", err, calls.Load(), hits.Load())
	}
}

// TestSharedKeysNameTheCredential: the key of a client credential does
// not depend on the order of its scopes or resources and changes with
// anything that makes it another credential; a refresh-token credential
// is named by its user (or a hash of its refresh token, never the token).
func TestSharedKeysNameTheCredential(t *testing.T) {
	cc := func(mod func(*ClientCredentials)) string {
		c := &ClientCredentials{ClientAuth: ClientAuth{TokenURL: "https://id/token", ClientID: "app", ClientSecret: "s"},
			Scopes: []string{"b", "a"}, Resource: []string{"r2", "r1"}, Audience: "https://api"}
		if mod != nil {
			mod(c)
		}
		return c.SharedKey()
	}
	base := cc(nil)
	if got := cc(func(c *ClientCredentials) { c.Scopes = []string{"a", "b"}; c.Resource = []string{"r1", "r2"} }); got != base {
		t.Error("scope or resource order changes the key")
	}
	if got := cc(func(c *ClientCredentials) { c.ClientSecret = "rotated" }); got != base {
		t.Error("a new secret makes another credential")
	}
	for name, mod := range map[string]func(*ClientCredentials){
		"token URL": func(c *ClientCredentials) { c.TokenURL = "https://id/other" },
		"client id": func(c *ClientCredentials) { c.ClientID = "app2" },
		"audience":  func(c *ClientCredentials) { c.Audience = "https://api2" },
		"scopes":    func(c *ClientCredentials) { c.Scopes = []string{"a"} },
		"resources": func(c *ClientCredentials) { c.Resource = []string{"r1"} },
	} {
		if cc(mod) == base {
			t.Errorf("another %s gives the same key", name)
		}
	}
	if strings.Contains(base, "\"s\"") || strings.Contains(base, "rotated") {
		t.Errorf("key %q holds the secret", base)
	}

	const rt = "refresh-token-VALUE"
	cfg := RefreshConfig{ClientAuth: ClientAuth{TokenURL: "https://id/token", ClientID: "app"}}
	byToken := NewRefreshSource(cfg, &oauth2.Token{RefreshToken: rt}).SharedKey()
	if strings.Contains(byToken, rt) || byToken == NewRefreshSource(cfg, &oauth2.Token{RefreshToken: "other"}).SharedKey() {
		t.Errorf("refresh token key %q", byToken)
	}
	cfg.User = "user-42"
	a := NewRefreshSource(cfg, &oauth2.Token{RefreshToken: rt}).SharedKey()
	if a != NewRefreshSource(cfg, &oauth2.Token{RefreshToken: "other"}).SharedKey() || !strings.Contains(a, "user-42") {
		t.Errorf("user key %q depends on the refresh token", a)
	}
}

// TestIsGrantParam: the keys every grant sets itself, and only those.
func TestIsGrantParam(t *testing.T) {
	for _, k := range []string{"grant_type", "client_id", "client_secret", "client_assertion", "client_assertion_type"} {
		if !IsGrantParam(k) {
			t.Errorf("IsGrantParam(%q) = false", k)
		}
	}
	for _, k := range []string{"", "audience", "scope", "resource", "organization", "Client_ID", "client_secret "} {
		if IsGrantParam(k) {
			t.Errorf("IsGrantParam(%q) = true", k)
		}
	}
}

// TestClientCredentialsParamsCannotReplaceTheGrant: a Params key the grant
// sets itself fails the request before anything is sent.
func TestClientCredentialsParamsCannotReplaceTheGrant(t *testing.T) {
	srv, hits := lifetimeServer(t, "application/json", `{"access_token":"AT","token_type":"bearer","expires_in":3600}`)
	for _, k := range []string{"grant_type", "scope", "client_id", "client_secret", "client_assertion", "client_assertion_type"} {
		cc := &ClientCredentials{
			ClientAuth: ClientAuth{TokenURL: srv.URL, ClientID: "app", ClientSecret: "app-secret-value"},
			Params:     url.Values{k: {"other-value-1234"}},
		}
		_, err := cc.TokenContext(context.Background())
		if err == nil || !strings.Contains(err.Error(), k) || strings.Contains(err.Error(), "other-value-1234") {
			t.Errorf("Params[%q]: err = %v, want a refusal naming the key and not its value", k, err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("%d token requests sent, want 0", n)
	}
	cc := &ClientCredentials{
		ClientAuth: ClientAuth{TokenURL: srv.URL, ClientID: "app", ClientSecret: "app-secret-value"},
		Params:     url.Values{"organization": {"org_1"}},
	}
	if _, err := cc.TokenContext(context.Background()); err != nil {
		t.Fatalf("Params[organization]: %v", err)
	}
}
