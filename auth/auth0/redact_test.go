package auth0

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth"
	sdkerrors "github.com/idsdk/idsdk-go/errors"
	"github.com/idsdk/idsdk-go/internal/redact/redacttest"
	"github.com/idsdk/idsdk-go/retry"
)

// TestTokenNeverShowsTokens covers what Login, ExchangeCode and
// RefreshToken return: no fmt verb and no slog handler (the JSON one
// included) shows the access, refresh or ID token, for a value or a pointer.
func TestTokenNeverShowsTokens(t *testing.T) {
	tok := &Token{
		Token:   &oauth2.Token{AccessToken: "AT-access-1f2e3d", RefreshToken: "RT-refresh-4c5b6a", TokenType: "Bearer", Expiry: time.Now().Add(time.Hour)},
		IDToken: "IDT-idtoken-7a8b9c",
		Scope:   "openid",
	}
	redacttest.CheckValueAndPointer(t, "auth0.Token", tok, "AT-access-1f2e3d", "RT-refresh-4c5b6a", "IDT-idtoken-7a8b9c")
}

// echoServer answers every request with a 400 whose error_description and
// body repeat every credential the request carried (form, JSON body and
// Authorization header), raw and form-encoded.
func echoServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		echo := string(b) + " " + r.Header.Get("Authorization")
		_, p, _ := r.BasicAuth()
		echo += " " + p + " " + url.QueryEscape(p)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": "access_denied", "error_description": "you sent " + echo})
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestErrorsScrubEchoedCredentials: whatever an Auth0 endpoint repeats of
// the client secret, a password, a code or a token, no error shows it.
func TestErrorsScrubEchoedCredentials(t *testing.T) {
	ctx := context.Background()
	srv := echoServer(t)
	const (
		secret   = "SECRET-a0+echo/9=&x"
		password = "PASSWORD-a0-echo-55"
		code     = "CODE-a0-echo-66"
		refresh  = "REFRESH-a0-echo-77"
		access   = "ACCESS-a0-echo-88"
	)
	needles := []string{secret, url.QueryEscape(secret), password, code, refresh, access}
	for _, m := range []auth.AuthMethod{auth.ClientSecretPost, auth.ClientSecretBasic} {
		c, err := New("tenant.example.auth0.com", testID, WithBaseURL(srv.URL), WithClientSecret(secret), WithAuthMethod(m), WithRetry(retry.Off()))
		if err != nil {
			t.Fatal(err)
		}
		calls := map[string]error{}
		_, calls["Login"] = c.Login(ctx, "user", password, LoginParams{})
		_, calls["ExchangeCode"] = c.ExchangeCode(ctx, code, "verifier-a0-echo", "https://app/cb")
		_, calls["RefreshToken"] = c.RefreshToken(ctx, refresh)
		calls["RevokeToken"] = c.RevokeToken(ctx, refresh)
		_, calls["UserInfo"] = c.UserInfo(ctx, access)
		_, calls["Signup"] = c.Signup(ctx, SignupParams{Email: "a@b.example", Password: password, Connection: "db"})
		for name, err := range calls {
			if err == nil {
				t.Fatalf("%s: no error", name)
			}
			redacttest.Check(t, string(m)+" "+name, err, needles...)
			var ae *sdkerrors.APIError
			if errors.As(err, &ae) {
				redacttest.Check(t, string(m)+" "+name+" body", string(ae.Body), needles...)
			}
		}
	}
}
