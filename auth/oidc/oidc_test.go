package oidc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/auth/webflow"
	sdkerrors "github.com/idsdk/idsdk-go/errors"
)

// A Provider is usable as the provider of an auth/webflow client.
var _ webflow.Provider = (*Provider)(nil)

// fakeIssuer serves a discovery document built by doc (given the server's
// own URL) and the handlers in routes.
func fakeIssuer(t *testing.T, doc func(base string) any, routes map[string]http.HandlerFunc) *httptest.Server {
	t.Helper()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == DiscoveryPath {
			switch d := doc(srv.URL).(type) {
			case string:
				w.Header().Set("Content-Type", "text/html")
				_, _ = w.Write([]byte(d))
			default:
				w.Header().Set("Content-Type", "application/json")
				_ = json.NewEncoder(w).Encode(d)
			}
			return
		}
		if h, ok := routes[r.URL.Path]; ok {
			h(w, r)
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// goodDoc is a complete discovery document for base.
func goodDoc(base string) map[string]any {
	return map[string]any{
		"issuer":                 base,
		"authorization_endpoint": base + "/auth",
		"token_endpoint":         base + "/token",
		"jwks_uri":               base + "/jwks",
		"userinfo_endpoint":      base + "/me",
		"revocation_endpoint":    base + "/revoke",
		"introspection_endpoint": base + "/introspect",
		"x_vendor_member":        map[string]any{"kept": true},
	}
}

func TestDiscoverReadsTheDocument(t *testing.T) {
	srv := fakeIssuer(t, func(b string) any { return goodDoc(b) }, nil)
	p, err := Discover(context.Background(), Config{Issuer: srv.URL, ClientID: "c"})
	if err != nil {
		t.Fatal(err)
	}
	m := p.Metadata()
	if m.TokenEndpoint != srv.URL+"/token" || m.JWKSURI != srv.URL+"/jwks" || m.IntrospectionEndpoint != srv.URL+"/introspect" {
		t.Fatalf("metadata: %+v", m)
	}
	if string(m.Raw["x_vendor_member"]) != `{"kept":true}` {
		t.Fatalf("unknown member not kept: %s", m.Raw["x_vendor_member"])
	}
	if got := p.IDTokenConfig(); got.Issuer != srv.URL || got.JWKSURL != srv.URL+"/jwks" || got.ClientID != "c" {
		t.Fatalf("idtoken config: %+v", got)
	}
}

func TestDiscoverRefuses(t *testing.T) {
	huge := `{"x":"` + strings.Repeat("a", MaxResponseBytes) + `"}`
	cases := []struct {
		name string
		doc  func(base string) any
		want string
	}{
		{"issuer mismatch", func(b string) any { d := goodDoc(b); d["issuer"] = b + "/"; return d }, "does not equal the requested issuer"},
		{"issuer of another host", func(b string) any { d := goodDoc(b); d["issuer"] = "https://evil.example"; return d }, "does not equal"},
		{"http endpoint off loopback", func(b string) any { d := goodDoc(b); d["token_endpoint"] = "http://idp.example/token"; return d }, "token_endpoint \"http://idp.example/token\" must be https"},
		{"http userinfo off loopback", func(b string) any { d := goodDoc(b); d["userinfo_endpoint"] = "http://idp.example/me"; return d }, "userinfo_endpoint"},
		{"relative endpoint", func(b string) any { d := goodDoc(b); d["jwks_uri"] = "/jwks"; return d }, "not an absolute URL"},
		{"missing token endpoint", func(b string) any { d := goodDoc(b); delete(d, "token_endpoint"); return d }, "token_endpoint is missing"},
		{"HTML answer", func(string) any { return "<html><body>Welcome</body></html>" }, "text/html body"},
		{"bad JSON", func(string) any { return json.RawMessage(`{"issuer": 5}`) }, "cannot decode"},
		{"huge body", func(string) any { return json.RawMessage(huge) }, "larger than"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := fakeIssuer(t, tc.doc, nil)
			_, err := Discover(context.Background(), Config{Issuer: srv.URL, ClientID: "c"})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
	t.Run("HTML and bad JSON are DecodeErrors", func(t *testing.T) {
		srv := fakeIssuer(t, func(string) any { return "<!doctype html><p>login</p>" }, nil)
		_, err := Discover(context.Background(), Config{Issuer: srv.URL, ClientID: "c"})
		var de *sdkerrors.DecodeError
		if !errors.As(err, &de) {
			t.Fatalf("err = %#v, want a *errors.DecodeError", err)
		}
	})
	t.Run("404 is an APIError", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		defer srv.Close()
		_, err := Discover(context.Background(), Config{Issuer: srv.URL, ClientID: "c"})
		if !errors.Is(err, sdkerrors.ErrNotFound) {
			t.Fatalf("err = %v, want ErrNotFound", err)
		}
	})
	t.Run("plain http issuer off loopback", func(t *testing.T) {
		_, err := Discover(context.Background(), Config{Issuer: "http://idp.example", ClientID: "c"})
		if err == nil || !strings.Contains(err.Error(), "https") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestUserInfoClaims(t *testing.T) {
	cases := []struct {
		name    string
		updated string
		want    time.Time
	}{
		{"number", `1700000000`, time.Unix(1700000000, 0)},
		{"fraction", `1700000000.5`, time.Unix(1700000000, 5e8)},
		{"numeric string", `"1700000000"`, time.Unix(1700000000, 0)},
		{"RFC 3339 string", `"2023-11-14T22:13:20Z"`, time.Unix(1700000000, 0)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body := `{"sub":"u1","name":"Ana Lima","given_name":"Ana","email":"ana@example.test","email_verified":true,
				"phone_number_verified":"true","address":{"street_address":"Rua 1","locality":"Recife","country":"BR"},
				"updated_at":` + tc.updated + `,"https://example.test/roles":["admin"]}`
			var u UserInfo
			if err := json.Unmarshal([]byte(body), &u); err != nil {
				t.Fatal(err)
			}
			if !u.UpdatedAt.Equal(tc.want) {
				t.Fatalf("updated_at = %v, want %v", u.UpdatedAt, tc.want)
			}
			want := Address{StreetAddress: "Rua 1", Locality: "Recife", Country: "BR"}
			if u.Subject != "u1" || u.Name != "Ana Lima" || u.GivenName != "Ana" || !u.EmailVerified || !u.PhoneNumberVerified || u.Address == nil || *u.Address != want {
				t.Fatalf("claims: %+v", u)
			}
			var roles []string
			if ok, err := u.Claim("https://example.test/roles", &roles); !ok || err != nil || !cmp.Equal(roles, []string{"admin"}) {
				t.Fatalf("custom claim: %v %v %v", ok, err, roles)
			}
		})
	}
	for _, bad := range []string{`{"sub":"u","updated_at":"yesterday"}`, `{"sub":"u","email_verified":"maybe"}`, `{"sub":"u","address":"Rua 1"}`} {
		var u UserInfo
		if err := json.Unmarshal([]byte(bad), &u); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

func TestUserInfoEndpoint(t *testing.T) {
	var gotAuth string
	srv := fakeIssuer(t, func(b string) any { return goodDoc(b) }, map[string]http.HandlerFunc{
		"/me": func(w http.ResponseWriter, r *http.Request) {
			gotAuth = r.Header.Get("Authorization")
			if gotAuth != "Bearer good" {
				w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="expired"`)
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"sub":"u1","updated_at":1700000000}`))
		},
	})
	p, err := Discover(context.Background(), Config{Issuer: srv.URL, ClientID: "c"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	u, err := p.UserInfo(ctx, "good", "u1")
	if err != nil || u.Subject != "u1" || u.UpdatedAt.Unix() != 1700000000 {
		t.Fatalf("userinfo: %+v, %v", u, err)
	}
	if _, err := p.UserInfo(ctx, "good", "someone-else"); !errors.Is(err, ErrSubjectMismatch) {
		t.Fatalf("sub mismatch: err = %v", err)
	}
	_, err = p.UserInfo(ctx, "bad", "")
	var oe *sdkerrors.OAuthError
	if !errors.Is(err, sdkerrors.ErrUnauthorized) || !errors.As(err, &oe) || oe.Code != "invalid_token" {
		t.Fatalf("refused token: err = %#v", err)
	}
}

func TestIntrospectionAnswer(t *testing.T) {
	cases := []struct {
		name, aud string
		want      []string
	}{
		{"aud string", `"api"`, []string{"api"}},
		{"aud array", `["api","other"]`, []string{"api", "other"}},
		{"aud absent", ``, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			aud := ""
			if tc.aud != "" {
				aud = `,"aud":` + tc.aud
			}
			body := `{"active":true,"scope":"read write","client_id":"c","username":"ana","token_type":"Bearer",
				"exp":1700000600,"iat":1700000000,"nbf":1700000000,"sub":"u1","iss":"https://idp.example","jti":"j1","ext":{"k":1}` + aud + `}`
			var in Introspection
			if err := json.Unmarshal([]byte(body), &in); err != nil {
				t.Fatal(err)
			}
			if !cmp.Equal(in.Audience, tc.want) {
				t.Fatalf("aud = %q, want %q", in.Audience, tc.want)
			}
			if !in.Active || in.ClientID != "c" || in.Username != "ana" || in.TokenType != "Bearer" || in.Subject != "u1" ||
				in.Issuer != "https://idp.example" || in.JWTID != "j1" || in.Expiry.Unix() != 1700000600 ||
				in.IssuedAt.Unix() != 1700000000 || in.NotBefore.Unix() != 1700000000 || !cmp.Equal(in.Scopes(), []string{"read", "write"}) {
				t.Fatalf("introspection: %+v", in)
			}
			if string(in.Raw["ext"]) != `{"k":1}` {
				t.Fatalf("other members not kept: %s", in.Raw["ext"])
			}
		})
	}
	var in Introspection
	if err := json.Unmarshal([]byte(`{"active":true,"aud":5}`), &in); err == nil {
		t.Fatal("aud 5 accepted")
	}
}

// TestClientAuthenticationAtEndpoints checks what revocation and
// introspection send for each client authentication method, with a secret
// that needs form-encoding before Basic (RFC 6749 2.3.1).
func TestClientAuthenticationAtEndpoints(t *testing.T) {
	const secret = "p+ss/w%rd=1&x"
	type seen struct{ user, pass, form string }
	var got seen
	srv := fakeIssuer(t, func(b string) any { return goodDoc(b) }, map[string]http.HandlerFunc{
		"/revoke": func(w http.ResponseWriter, r *http.Request) {
			u, p, _ := r.BasicAuth()
			_ = r.ParseForm()
			got = seen{u, p, r.PostForm.Encode()}
		},
	})
	ctx := context.Background()
	for _, m := range []auth.AuthMethod{auth.ClientSecretBasic, auth.ClientSecretPost} {
		p, err := Discover(ctx, Config{Issuer: srv.URL, ClientID: "my app", ClientSecret: secret, AuthMethod: m})
		if err != nil {
			t.Fatal(err)
		}
		if err := p.RevokeToken(ctx, "tok", HintAccessToken); err != nil {
			t.Fatal(err)
		}
		want := seen{"my+app", "p%2Bss%2Fw%25rd%3D1%26x", "token=tok&token_type_hint=access_token"}
		if m == auth.ClientSecretPost {
			want = seen{"", "", "client_id=my+app&client_secret=p%2Bss%2Fw%25rd%3D1%26x&token=tok&token_type_hint=access_token"}
		}
		if got != want {
			t.Errorf("%s: sent %+v, want %+v", m, got, want)
		}
	}
}

func TestRevokeFailureIsAnAPIError(t *testing.T) {
	srv := fakeIssuer(t, func(b string) any { return goodDoc(b) }, map[string]http.HandlerFunc{
		"/revoke": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"error":"unsupported_token_type"}`))
		},
	})
	p, err := Discover(context.Background(), Config{Issuer: srv.URL, ClientID: "c", ClientSecret: "s"})
	if err != nil {
		t.Fatal(err)
	}
	err = p.RevokeToken(context.Background(), "t", "")
	var oe *sdkerrors.OAuthError
	if !errors.Is(err, sdkerrors.ErrBadRequest) || !errors.As(err, &oe) || oe.Code != "unsupported_token_type" {
		t.Fatalf("err = %v", err)
	}
}

func TestTokenEndpointFailuresAreTokenErrors(t *testing.T) {
	srv := fakeIssuer(t, func(b string) any { return goodDoc(b) }, map[string]http.HandlerFunc{
		"/token": func(w http.ResponseWriter, r *http.Request) {
			_ = r.ParseForm()
			w.Header().Set("Content-Type", "application/json")
			code, status := "invalid_grant", http.StatusBadRequest
			if r.PostForm.Get("grant_type") == "client_credentials" {
				code, status = "invalid_client", http.StatusUnauthorized
			}
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"error":%q}`, code)
		},
	})
	ctx := context.Background()
	p, err := Discover(ctx, Config{Issuer: srv.URL, ClientID: "c", ClientSecret: "s"})
	if err != nil {
		t.Fatal(err)
	}
	var te *auth.TokenError
	if _, err := p.Exchange(ctx, "code", "https://app/cb", "v"); !errors.Is(err, auth.ErrInvalidGrant) || !errors.As(err, &te) || te.Grant != "authorization_code" {
		t.Fatalf("exchange: %v", err)
	}
	if _, err := p.Refresh(ctx, &oauth2.Token{RefreshToken: "r"}); !errors.Is(err, auth.ErrInvalidGrant) {
		t.Fatalf("refresh: %v", err)
	}
	if _, err := p.TokenSource(nil).TokenContext(ctx); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Fatalf("client credentials: %v", err)
	}
}

func TestNothingSecretIsPrinted(t *testing.T) {
	const leak = "LEAK-secret-9f8e7d"
	srv := fakeIssuer(t, func(b string) any { return goodDoc(b) }, nil)
	p, err := Discover(context.Background(), Config{Issuer: srv.URL, ClientID: "c", ClientSecret: leak})
	if err != nil {
		t.Fatal(err)
	}
	l := NewLogin()
	l.Verifier = leak
	l.Nonce = leak
	cfg := Config{Issuer: srv.URL, ClientSecret: leak}
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	text := slog.New(slog.NewTextHandler(&buf, nil))
	for _, v := range []any{p, cfg, &cfg, l, p.ClientAuth(), p.ClientCredentials()} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
			if s := fmt.Sprintf(verb, v); strings.Contains(s, leak) {
				t.Errorf("%T with %s: %s", v, verb, s)
			}
		}
		logger.Info("x", "v", v)
		text.Info("x", "v", v)
	}
	if strings.Contains(buf.String(), leak) {
		t.Errorf("slog output leaks: %s", buf.String())
	}
}
