package oidc

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"

	"golang.org/x/oauth2"
)

// TestMissingEndpointsAreErrNoEndpoint: a provider whose discovery
// document names no userinfo, revocation or introspection endpoint fails
// those calls with ErrNoEndpoint, sending nothing; Revoke (sign-out) then
// does nothing, as documented.
func TestMissingEndpointsAreErrNoEndpoint(t *testing.T) {
	var hits atomic.Int32
	count := func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }
	srv := fakeIssuer(t, func(b string) any {
		d := goodDoc(b)
		delete(d, "userinfo_endpoint")
		delete(d, "revocation_endpoint")
		delete(d, "introspection_endpoint")
		return d
	}, map[string]http.HandlerFunc{"/me": count, "/revoke": count, "/introspect": count})
	ctx := context.Background()
	p, err := Discover(ctx, Config{Issuer: srv.URL, ClientID: "c", ClientSecret: "s"})
	if err != nil {
		t.Fatal(err)
	}
	_, errUser := p.UserInfo(ctx, "AT", "")
	errRevoke := p.RevokeToken(ctx, "AT", HintAccessToken)
	if err := p.Revoke(ctx, &oauth2.Token{AccessToken: "AT"}); err != nil {
		t.Errorf("Revoke without an endpoint: %v", err)
	}
	_, errIntro := p.Introspect(ctx, "AT", "")
	for name, err := range map[string]error{"UserInfo": errUser, "RevokeToken": errRevoke, "Introspect": errIntro} {
		if !errors.Is(err, ErrNoEndpoint) {
			t.Errorf("%s: %v, want ErrNoEndpoint", name, err)
		}
	}
	if hits.Load() != 0 {
		t.Fatalf("%d requests sent", hits.Load())
	}

	full := fakeIssuer(t, func(b string) any { return goodDoc(b) }, nil)
	q, err := Discover(ctx, Config{Issuer: full.URL, ClientID: "c", ClientSecret: "s"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.UserInfo(ctx, "AT", ""); err == nil || errors.Is(err, ErrNoEndpoint) {
		t.Fatalf("with the endpoint: %v", err)
	}
}
