package tokenstore_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/idsdk/idsdk-go/auth/tokenstore"
	"github.com/idsdk/idsdk-go/internal/redact/redacttest"
)

// TestTokenValueHidesTokens: a Token copied by value (as a range loop or a
// struct field holds it) shows no token through any fmt verb or slog
// handler, and neither does a pointer.
func TestTokenValueHidesTokens(t *testing.T) {
	tok := &tokenstore.Token{ID: "row-1", BearerType: "Person", BearerID: "p1", Audience: "hub",
		TokenType: "bearer", AccessToken: "AT-store-3e3e3e", RefreshToken: "RT-store-4f4f4f", ExpiresAt: time.Now()}
	redacttest.CheckValueAndPointer(t, "tokenstore.Token", tok, "AT-store-3e3e3e", "RT-store-4f4f4f")
	redacttest.Check(t, "[]tokenstore.Token", []tokenstore.Token{*tok}, "AT-store-3e3e3e", "RT-store-4f4f4f")
}

// TestRefreshErrorScrubsEchoedSecrets: a token endpoint that repeats the
// client secret and the refresh token in its error does not get them into
// the error the store's client returns.
func TestRefreshErrorScrubsEchoedSecrets(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		_, p, _ := r.BasicAuth()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"error":"invalid_grant","error_description":"no %s for %s"}`, r.PostForm.Get("refresh_token"), p)
	}))
	defer srv.Close()
	c := &tokenstore.OAuthClient{TokenURL: srv.URL + "/oauth/access_token", ClientID: "app", ClientSecret: "SECRET-store-echo-1"}
	_, err := c.Refresh(context.Background(), "RT-store-echo-2")
	if err == nil {
		t.Fatal("no error")
	}
	redacttest.Check(t, "refresh error", err, "SECRET-store-echo-1", "RT-store-echo-2")
	redacttest.CheckValueAndPointer(t, "OAuthClient", c, "SECRET-store-echo-1")
}
