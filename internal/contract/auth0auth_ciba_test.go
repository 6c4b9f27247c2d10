package contract_test

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/idsdk/idsdk-go/auth/auth0"
	sdkerrors "github.com/idsdk/idsdk-go/errors"
	"github.com/idsdk/idsdk-go/internal/peers"
)

// CIBA (StartBackchannel, PollBackchannelToken) runs against
// node-oidc-provider with its backchannel endpoint at Auth0's /bc-authorize;
// the harness plays the user's authentication device.

const a0CIBAGrant = "urn:openid:params:grant-type:ciba"

func startAuth0CIBAProvider(t *testing.T) *a0Provider {
	t.Helper()
	routes := maps.Clone(a0Routes)
	routes["backchannel_authentication"] = "/bc-authorize"
	p := peers.OIDC(t, peers.OIDCConfig{
		Scopes: strings.Fields(a0TestScopes),
		TTL:    map[string]int{"AccessToken": 600, "IdToken": 600, "RefreshToken": 3600, "BackchannelAuthenticationRequest": 600},
		Routes: routes,
		CIBA:   true,
		// oidc-provider announces no interval (clients then wait the
		// spec's 5 s); announce 1 s, as Auth0 announces its own.
		CIBAInterval: 1,
		Clients: []map[string]any{{
			"client_id": a0WebID, "client_secret": a0WebSecret, "token_endpoint_auth_method": "client_secret_post",
			"grant_types":                     []string{a0CIBAGrant, "refresh_token"},
			"backchannel_token_delivery_mode": "poll",
			"redirect_uris":                   []string{a0Redirect}, "response_types": []string{}, "scope": a0TestScopes,
		}},
	})
	if !strings.HasSuffix(p.BackchannelAuthURL, "/bc-authorize") {
		t.Fatalf("backchannel endpoint at %s", p.BackchannelAuthURL)
	}
	return &a0Provider{OIDCProvider: p}
}

func TestAuth0AuthCIBAProvider(t *testing.T) {
	p := startAuth0CIBAProvider(t)
	ctx := context.Background()
	c := p.client(t, a0WebID)
	hint, err := json.Marshal(map[string]string{"format": "iss_sub", "iss": p.Issuer + "/", "sub": a0TestUser})
	if err != nil {
		t.Fatal(err)
	}
	params := auth0.BackchannelParams{LoginHint: string(hint), Scope: "openid offline_access profile", BindingMessage: "Order 1234: approve?"}

	// poll starts a request, lets finish act as the user once the first
	// poll is under way, and returns what polling gave.
	poll := func(t *testing.T, finish func(testing.TB)) (*auth0.Token, error) {
		t.Helper()
		b, err := c.StartBackchannel(ctx, params)
		if err != nil {
			t.Fatalf("StartBackchannel: %v", err)
		}
		if b.AuthReqID == "" || b.ExpiresIn <= 0 || b.Interval != 1 || b.Expiry.IsZero() {
			t.Fatalf("backchannel: %v", b)
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			// Not a timing assertion: the outcome is the same whether the
			// first poll sees authorization_pending or not.
			time.Sleep(1500 * time.Millisecond)
			finish(t)
		}()
		pctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		tok, err := c.PollBackchannelToken(pctx, b)
		<-done
		return tok, err
	}

	t.Run("Approved", func(t *testing.T) {
		p.ResetStats(t)
		tok, err := poll(t, p.ApproveCIBA)
		if err != nil {
			t.Fatalf("PollBackchannelToken: %v", err)
		}
		if tok.AccessToken == "" || tok.RefreshToken == "" || tok.IDToken == "" {
			t.Fatalf("token: %v", tok)
		}
		// finish validated the ID token (signature with the provider's
		// JWKS, issuer, audience, expiry).
		if tok.Claims == nil || tok.Claims.Subject != a0TestUser {
			t.Fatalf("ID token claims: %+v", tok.Claims)
		}
		s := p.Stats(t)
		if s.Success[a0CIBAGrant] != 1 || s.Error[a0CIBAGrant] < 1 {
			t.Fatalf("stats: %+v (want one success after at least one authorization_pending)", s)
		}
		// The CIBA grant's refresh token works like any other.
		if _, err := c.RefreshToken(ctx, tok.RefreshToken); err != nil {
			t.Fatalf("refresh: %v", err)
		}
	})

	t.Run("Denied", func(t *testing.T) {
		tok, err := poll(t, p.DenyCIBA)
		if err == nil {
			t.Fatalf("denied request gave a token: %v", tok)
		}
		if !errors.Is(err, auth0.ErrAccessDenied) || errors.Is(err, auth0.ErrExpiredToken) {
			t.Fatalf("denied: %v", err)
		}
		var ae *sdkerrors.Auth0AuthError
		if !errors.As(err, &ae) || ae.Code != "access_denied" {
			t.Fatalf("denied: server error not kept: %v", err)
		}
	})

	t.Run("UnknownAuthReqID", func(t *testing.T) {
		_, err := c.PollBackchannelToken(ctx, &auth0.Backchannel{AuthReqID: "not-a-request", Interval: 1})
		if !a0Code(err, "invalid_grant") {
			t.Fatalf("unknown auth_req_id: %v", err)
		}
	})
}
