package zaikio_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth/zaikio"
	"github.com/idsdk/idsdk-go/internal/redact/redacttest"
)

// TestErrorsScrubEchoedSecrets: whatever the Hub's token or revocation
// endpoint repeats of the client secret, a code or a token, no error shows
// it; neither does a Token or a Client, as a value or a pointer.
func TestErrorsScrubEchoedSecrets(t *testing.T) {
	const (
		secret  = "SECRET-zk+echo/1=&"
		code    = "CODE-zk-echo-2"
		refresh = "RT-zk-echo-3"
		access  = "AT-zk-echo-4"
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		_, p, _ := r.BasicAuth()
		echo := fmt.Sprintf("%s %s %s %s %s %s", r.PostForm.Get("client_secret"), p, url.QueryEscape(p),
			r.PostForm.Get("code"), r.PostForm.Get("refresh_token"), r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"error":"invalid_request","error_description":%q,"errors":[%q]}`, echo, echo)
	}))
	defer srv.Close()
	c, err := zaikio.NewClient(zaikio.Config{Host: srv.URL, ClientID: "app", ClientSecret: secret,
		TokenURL: srv.URL + "/oauth/access_token", RevokeURL: srv.URL + "/revoke"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	errs := map[string]error{}
	_, errs["Exchange"] = c.Exchange(ctx, code, "https://app/cb")
	_, errs["ClientCredentials"] = c.ClientCredentials(ctx, "zaikio.person.r")
	_, errs["Refresh"] = c.Refresh(ctx, refresh)
	errs["Revoke"] = c.Revoke(ctx, access)
	needles := []string{secret, url.QueryEscape(secret), code, refresh, access}
	for name, err := range errs {
		if err == nil {
			t.Fatalf("%s: no error", name)
		}
		redacttest.Check(t, name, err, needles...)
	}
	redacttest.CheckValueAndPointer(t, "Client", c, secret)
	tok := &zaikio.Token{Token: &oauth2.Token{AccessToken: access, RefreshToken: refresh}}
	redacttest.CheckValueAndPointer(t, "Token", tok, access, refresh)
}
