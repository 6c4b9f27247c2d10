package idtoken_test

import (
	"context"
	"crypto/rsa"
	"errors"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/idsdk/idsdk-go/auth/idtoken"
)

// FuzzValidate feeds arbitrary strings to Validate: it must never panic
// and every failure must match one of the package's sentinels.
func FuzzValidate(f *testing.F) {
	a, _ := keys(f)
	f.Add(sign(f, jose.RS256, a, "a", baseClaims()))
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Add("a.b.c")
	f.Add("")
	f.Add("eyJhbGciOiJSUzI1NiIsImtpZCI6ImEifQ.eyJhdWQiOjF9.AAAA")
	srv := newJWKSForFuzz(f, a)
	v, err := idtoken.New(idtoken.Config{Issuer: issuer, ClientID: clientID, JWKSURL: srv, Now: func() time.Time { return now }})
	if err != nil {
		f.Fatal(err)
	}
	sentinels := []error{idtoken.ErrMalformed, idtoken.ErrAlgorithm, idtoken.ErrUnknownKey, idtoken.ErrSignature, idtoken.ErrKeySet,
		idtoken.ErrIssuer, idtoken.ErrSubject, idtoken.ErrAudience, idtoken.ErrAuthorizedParty, idtoken.ErrExpired,
		idtoken.ErrIssuedAt, idtoken.ErrNonce, idtoken.ErrAuthTime, idtoken.ErrOrganization}
	f.Fuzz(func(t *testing.T, raw string) {
		_, err := v.Validate(context.Background(), raw, idtoken.Expect{Nonce: "n-1", MaxAge: time.Hour, Organization: "acme"})
		if err == nil {
			return
		}
		for _, s := range sentinels {
			if errors.Is(err, s) {
				return
			}
		}
		t.Fatalf("error matches no sentinel: %v", err)
	})
}

func newJWKSForFuzz(f *testing.F, k *rsa.PrivateKey) string {
	s := newJWKSServer(map[string]*rsa.PrivateKey{"a": k})
	f.Cleanup(s.Close)
	return s.URL
}
