package auth_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"os"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth"
)

// Client credentials with a shared Cache, sent by the Transport only to the
// API's own origin.
func ExampleNewCache() {
	src := &auth.ClientCredentials{
		ClientAuth: auth.ClientAuth{TokenURL: "https://id.example.com/oauth/token", ClientID: "my-client", ClientSecret: auth.Secret(os.Getenv("CLIENT_SECRET")), AuthMethod: auth.ClientSecretBasic},
		Scopes:     []string{"read"},
	}
	cache := auth.NewCache(src) // one per credential, shared by all callers
	client := &http.Client{Transport: &auth.Transport{
		Source: cache,
		Origin: "https://api.example.com",
	}}
	resp, err := client.Get("https://api.example.com/v1/things")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
}

// The client-credentials connector: one value per client, shared.
func ExampleNewConnector() {
	conn := auth.NewConnector("https://id.example.com", "my-client", auth.Secret(os.Getenv("CLIENT_SECRET")),
		auth.WithScopes("invite"))
	header, err := conn.AuthorizationHeader(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, "https://id.example.com/api/v1/profile", nil)
	req.Header.Set("Authorization", header)
}

// A user's tokens refreshed with rotation written back to the user's own
// record before the new token is used.
func ExampleNewRefreshSource() {
	type user struct {
		AccessToken, RefreshToken string
		ExpiresAt                 int64
	}
	u := &user{AccessToken: "...", RefreshToken: "...", ExpiresAt: 0}
	store := auth.StoreFuncs{
		LoadFunc: func(ctx context.Context) (*oauth2.Token, error) {
			return &oauth2.Token{AccessToken: u.AccessToken, RefreshToken: u.RefreshToken}, nil
		},
		SaveFunc: func(ctx context.Context, tok *oauth2.Token) error {
			u.AccessToken, u.RefreshToken, u.ExpiresAt = tok.AccessToken, tok.RefreshToken, tok.Expiry.Unix()
			return nil // e.g. UPDATE users SET ... ; an error here is returned to the caller
		},
	}
	src := auth.NewRefreshSource(auth.RefreshConfig{
		ClientAuth: auth.ClientAuth{TokenURL: "https://id.example.com/oauth/token", ClientID: "my-client", ClientSecret: auth.Secret(os.Getenv("CLIENT_SECRET")), AuthMethod: auth.ClientSecretPost},
	}, nil)
	cache := auth.NewCache(src, auth.WithStore(store))
	tok, err := cache.TokenContext(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	_ = tok
}

// The fake source in a test: no network, and nothing secret is printed.
func ExampleNewFake() {
	fake := auth.NewFake("test-token")
	cache := auth.NewCache(fake)
	tok, _ := cache.TokenContext(context.Background())
	fmt.Println(tok.Type(), tok.AccessToken)
	fmt.Println(fake)
	fmt.Printf("%v\n", auth.Secret("hunter2"))
	// Output:
	// Bearer test-token
	// auth.Fake{token: [redacted]}
	// [redacted]
}

// Connector in fake mode, for tests.
func ExampleWithFakeToken() {
	conn := auth.NewConnector("https://id.example.com", "id", "secret", auth.WithFakeToken("fixed"))
	h, _ := conn.AuthorizationHeader(context.Background())
	fmt.Println(h)
	// Output: Bearer fixed
}
