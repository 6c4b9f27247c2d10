package tokenstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/auth/tokenstore"
	"github.com/idsdk/idsdk-go/auth/zaikio"
	"github.com/idsdk/idsdk-go/internal/peers"
)

// TestOIDCProviderRoundTrip runs the store against node-oidc-provider with
// its token endpoint at Zaikio's path and client_secret_basic: a real
// client credentials grant (scope qualified for the bearer), a real
// refresh of a stored, expired user token (row replaced), and the real
// invalid_grant of the rotated-away refresh token (row deleted).
func TestOIDCProviderRoundTrip(t *testing.T) {
	const secret = "oidc-app-secret-0123456789abcdef"
	const redirect = "https://client.example/cb"
	p := peers.OIDC(t, peers.OIDCConfig{
		Scopes: []string{"openid", "offline_access", "Per/alice.read"},
		TTL:    map[string]int{"AccessToken": 600, "ClientCredentials": 600, "RefreshToken": 3600},
		Routes: map[string]string{"token": "/oauth/access_token"},
		Clients: []map[string]any{{
			"client_id": "app", "client_secret": secret,
			"token_endpoint_auth_method": "client_secret_basic",
			"grant_types":                []string{"authorization_code", "refresh_token", "client_credentials"},
			"redirect_uris":              []string{redirect},
			"response_types":             []string{"code"},
			"scope":                      "openid offline_access Per/alice.read",
		}},
	})
	forEachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		p.ResetStats(t)
		keys, _ := tokenstore.NewKeyring(newKey(t, "k1"))
		client := &tokenstore.OAuthClient{TokenURL: p.TokenURL, ClientID: "app", ClientSecret: auth.Secret(secret), AuthMethod: auth.ClientSecretBasic}
		s, err := openStore(ctx, dsn, tokenstore.Options{Keys: keys, Clients: []tokenstore.ClientConfig{{Name: "app", Client: client, Scopes: []string{"read"}, QualifyScope: zaikio.QualifyScope}}})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()

		// Client credentials for bearer alice: scope Per/alice.read.
		cc, err := s.Get(ctx, tokenstore.GetOptions{BearerID: "alice"})
		if err != nil {
			t.Fatalf("client credentials: %v", err)
		}
		if cc.BearerID != "alice" || !cc.ValidFor(time.Minute) || len(cc.Scopes) != 1 || cc.Scopes[0] != "Per/alice.read" {
			t.Fatalf("client credentials token %v scopes %v", cc, cc.Scopes)
		}
		if again, err := s.Get(ctx, tokenstore.GetOptions{BearerID: "alice"}); err != nil || again.ID != cc.ID {
			t.Fatalf("warm get: %v", err)
		}

		// A user's token from the code flow, stored expired, is refreshed.
		conf := &oauth2.Config{ClientID: "app", ClientSecret: secret, RedirectURL: redirect, Scopes: []string{"openid", "offline_access"},
			Endpoint: oauth2.Endpoint{AuthURL: p.AuthURL, TokenURL: p.TokenURL, AuthStyle: oauth2.AuthStyleInHeader}}
		user := p.Login(t, conf, "alice")
		if user.RefreshToken == "" {
			t.Fatal("no refresh token from the provider")
		}
		stale := *user
		stale.Expiry = time.Now().Add(-time.Minute)
		// No bearer given: the ID token's sub names the person.
		saved, err := s.Save(ctx, &stale, tokenstore.SaveOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if saved.BearerType != "Person" || saved.BearerID != "alice" {
			t.Fatalf("bearer from the ID token: %s/%s", saved.BearerType, saved.BearerID)
		}
		fresh, err := s.FindActive(ctx, saved.ID, 0)
		if err != nil {
			t.Fatalf("refresh: %v", err)
		}
		if fresh.ID != saved.ID || fresh.AccessToken.Reveal() == user.AccessToken || fresh.RefreshToken.Reveal() == user.RefreshToken || !fresh.ValidFor(time.Minute) {
			t.Fatalf("refresh did not renew the row in place: %v", fresh)
		}
		st := p.Stats(t)
		if st.Success["client_credentials"] != 1 || st.Success["refresh_token"] != 1 {
			t.Fatalf("provider stats %+v", st)
		}

		// The rotated-away refresh token: invalid_grant, row deleted.
		// (an opaque token has no jti: the row gets a new UUID)
		saved, err = s.Save(ctx, &stale, tokenstore.SaveOptions{BearerType: "Person", BearerID: "alice"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.FindActive(ctx, saved.ID, 0)
		var nf *tokenstore.Error
		if !errors.As(err, &nf) || nf.Reason != "invalid_grant" {
			t.Fatalf("rotated-away refresh token: %v", err)
		}
		if _, err := s.Lookup(ctx, saved.ID); !errors.Is(err, tokenstore.ErrNotFound) {
			t.Fatalf("row kept after invalid_grant: %v", err)
		}
	})
}
