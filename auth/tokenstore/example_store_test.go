package tokenstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth/tokenstore"
	"github.com/idsdk/idsdk-go/auth/tokenstore/sqlite"
)

// Keep a person's token encrypted in SQLite and read it back by the id a
// session keeps: FindActive refreshes an expired token in place (here at
// a loopback token endpoint), and the id stays the same.
func ExampleStore_FindActive() {
	idp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "AT-2", "refresh_token": "RT-2", "token_type": "bearer", "expires_in": 3600})
	}))
	defer idp.Close()
	dir, err := os.MkdirTemp("", "tokenstore-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)

	key, err := tokenstore.GenerateKey("k1") // keep keys in a secret store in real life
	if err != nil {
		fmt.Println(err)
		return
	}
	keys, err := tokenstore.NewKeyring(key)
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(dir, "tokens.db"), tokenstore.Options{
		Keys:    keys,
		Clients: []tokenstore.ClientConfig{{Name: "warehouse", Client: &tokenstore.OAuthClient{TokenURL: idp.URL, ClientID: "warehouse", ClientSecret: "a-client-secret"}}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer store.Close()

	// A token from a sign-in, already expired.
	saved, err := store.Save(ctx, &oauth2.Token{AccessToken: "AT-1", RefreshToken: "RT-1", Expiry: time.Now().Add(-time.Minute)},
		tokenstore.SaveOptions{Client: "warehouse", BearerType: tokenstore.Person, BearerID: "person-7"})
	if err != nil {
		fmt.Println(err)
		return
	}
	tok, err := store.FindActive(ctx, saved.ID, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(tok.ID == saved.ID, tok.BearerType, tok.BearerID, tok.AccessToken.Reveal(), tok.ValidFor(time.Minute))
	// Output:
	// true Person person-7 AT-2 true
}
