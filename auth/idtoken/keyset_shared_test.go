package idtoken_test

import (
	"context"
	"crypto/rsa"
	"net/http"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/idsdk/idsdk-go/auth/idtoken"
)

// TestNewKeySetSharedAndLazy: a KeySet from NewKeySet fetches nothing
// until a token needs a key, fetches through the HTTP client it was given,
// and serves every validator it is shared with from one fetch.
func TestNewKeySetSharedAndLazy(t *testing.T) {
	a, _ := keys(t)
	srv := newJWKS(t, map[string]*rsa.PrivateKey{"a": a})
	target, _ := url.Parse(srv.URL)
	var routed atomic.Int32
	hc := &http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
		routed.Add(1)
		r = r.Clone(r.Context())
		r.URL.Scheme, r.URL.Host = target.Scheme, target.Host
		return http.DefaultTransport.RoundTrip(r)
	})}
	ks := idtoken.NewKeySet("https://keys.example.invalid/jwks.json", hc)
	clock := func() time.Time { return now }
	web, err := idtoken.New(idtoken.Config{Issuer: issuer, ClientID: clientID, KeySet: ks, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	native, err := idtoken.New(idtoken.Config{Issuer: issuer, ClientID: "native-app", KeySet: ks, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	if ks.Fetches() != 0 || srv.hits.Load() != 0 {
		t.Fatal("the key set was fetched before any token")
	}
	ctx := context.Background()
	if _, err := web.Validate(ctx, sign(t, jose.RS256, a, "a", baseClaims()), idtoken.Expect{}); err != nil {
		t.Fatal(err)
	}
	if _, err := native.Validate(ctx, sign(t, jose.RS256, a, "a", with(baseClaims(), "aud", "native-app")), idtoken.Expect{}); err != nil {
		t.Fatal(err)
	}
	if ks.Fetches() != 1 || srv.hits.Load() != 1 || routed.Load() != 1 || web.KeySet() != ks || native.KeySet() != ks {
		t.Fatalf("fetches %d, hits %d, through the client %d", ks.Fetches(), srv.hits.Load(), routed.Load())
	}
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
