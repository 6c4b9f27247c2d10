package auth_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth"
	sdkerrors "github.com/idsdk/idsdk-go/errors"
)

// refusals are token endpoint answers seen from each vendor, and whether
// they say the client's own credentials were refused.
var refusals = []struct {
	name   string
	status int
	ct     string
	body   string
	want   bool
}{
	{"auth0 wrong client secret", 401, "application/json", `{"error":"access_denied","error_description":"Unauthorized"}`, true},
	{"auth0 grant not allowed", 403, "application/json", `{"error":"unauthorized_client","error_description":"Grant type 'client_credentials' not allowed for the client."}`, true},
	{"rfc 6749 invalid_client", 400, "application/json", `{"error":"invalid_client"}`, true},
	{"zaikio and nexaas (doorkeeper) invalid_client", 401, "application/json", `{"error":"invalid_client","error_description":"Client authentication failed due to unknown client."}`, true},
	{"401 html page", 401, "text/html", `<html>401</html>`, true},
	{"auth0 user denied the device", 403, "application/json", `{"error":"access_denied","error_description":"User denied access"}`, false},
	{"auth0 mfa rejected", 400, "application/json", `{"error":"access_denied","error_description":"MFA Authorization rejected."}`, false},
	{"invalid_grant", 400, "application/json", `{"error":"invalid_grant","error_description":"Invalid authorization code"}`, false},
	{"server error", 500, "application/json", `{"error":"server_error"}`, false},
}

// TestInvalidCredentialsEachVendor: every public path to a token endpoint
// in this package (ClientCredentials behind a Cache, RefreshSource,
// Connector; the vendor packages test their own) reports a vendor's refusal of the client credentials
// as auth.ErrInvalidCredentials and sdkerrors.ErrUnauthorized, and nothing
// else as such.
func TestInvalidCredentialsEachVendor(t *testing.T) {
	for _, r := range refusals {
		t.Run(r.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", r.ct)
				w.WriteHeader(r.status)
				_, _ = io.WriteString(w, r.body)
			}))
			defer srv.Close()
			ctx := context.Background()
			tokenURL := srv.URL + "/oauth/token"
			paths := map[string]func() error{
				"ClientCredentials+Cache": func() error {
					_, err := auth.NewCache(&auth.ClientCredentials{ClientAuth: auth.ClientAuth{TokenURL: tokenURL, ClientID: "id", ClientSecret: "wrong"}}).TokenContext(ctx)
					return err
				},
				"RefreshSource": func() error {
					_, err := auth.NewRefreshSource(auth.RefreshConfig{ClientAuth: auth.ClientAuth{TokenURL: tokenURL, ClientID: "id", ClientSecret: "wrong"}},
						&oauth2.Token{RefreshToken: "rt"}).TokenContext(ctx)
					return err
				},
				"Connector": func() error {
					_, err := auth.NewConnector(srv.URL, "id", "wrong").Token(ctx)
					return err
				},
			}
			for name, call := range paths {
				err := call()
				if err == nil {
					t.Fatalf("%s: no error", name)
				}
				if got := errors.Is(err, auth.ErrInvalidCredentials); got != r.want {
					t.Errorf("%s: errors.Is(%v, ErrInvalidCredentials) = %v, want %v", name, err, got, r.want)
				}
				if r.want && !errors.Is(err, sdkerrors.ErrUnauthorized) {
					t.Errorf("%s: %v does not match ErrUnauthorized", name, err)
				}
			}
		})
	}
}
