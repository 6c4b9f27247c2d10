package idtoken_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/idsdk/idsdk-go/auth/idtoken"
)

// Validate an ID token against the issuer's key set, here served by a
// loopback server with a key made on the spot: signature, issuer,
// audience, expiry, nonce and organization are checked.
func ExampleValidator_Validate() {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		fmt.Println(err)
		return
	}
	jwks := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	}))
	defer jwks.Close()

	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, (&jose.SignerOptions{}).WithHeader("kid", "k1"))
	if err != nil {
		fmt.Println(err)
		return
	}
	now := time.Now()
	raw, err := jwt.Signed(signer).Claims(map[string]any{
		"iss": "https://tenant.example.auth0.com/", "sub": "auth0|42", "aud": "app-1",
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(), "nonce": "n-123", "org_id": "org_acme",
	}).Serialize()
	if err != nil {
		fmt.Println(err)
		return
	}

	v, err := idtoken.New(idtoken.Config{Issuer: "https://tenant.example.auth0.com/", ClientID: "app-1", JWKSURL: jwks.URL})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	claims, err := v.Validate(ctx, raw, idtoken.Expect{Nonce: "n-123", Organization: "org_acme"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(claims.Subject, claims.OrgID)

	_, err = v.Validate(ctx, raw, idtoken.Expect{Nonce: "another-sign-in"})
	fmt.Println(errors.Is(err, idtoken.ErrNonce))
	_, err = v.Validate(ctx, raw, idtoken.Expect{Nonce: "n-123", Organization: "org_other"})
	fmt.Println(errors.Is(err, idtoken.ErrOrganization))
	// Output:
	// auth0|42 org_acme
	// true
	// true
}
