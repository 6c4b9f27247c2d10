package zaikio

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth/idtoken"
	"github.com/idsdk/idsdk-go/auth/webflow"
)

// provider adapts a Client to webflow.Provider.
type provider struct{ c *Client }

// Provider returns c as the authorization server of a webflow client.
func (c *Client) Provider() webflow.Provider { return provider{c} }

// AuthCodeURL is Client.AuthCodeURL.
func (p provider) AuthCodeURL(redirectURI, state string, scopes []string, extra url.Values) string {
	return p.c.AuthCodeURL(redirectURI, state, scopes, extra)
}

// Exchange is Client.Exchange with the PKCE verifier, as an *oauth2.Token.
func (p provider) Exchange(ctx context.Context, code, redirectURI, verifier string) (*oauth2.Token, error) {
	var opts []oauth2.AuthCodeOption
	if verifier != "" {
		opts = append(opts, oauth2.VerifierOption(verifier))
	}
	t, err := p.c.Exchange(ctx, code, redirectURI, opts...)
	if err != nil {
		return nil, err
	}
	return t.OAuth2(), nil
}

// IDTokenValidator is Client.IDTokenValidator (webflow.IDTokenProvider).
func (p provider) IDTokenValidator() *idtoken.Validator { return p.c.IDTokenValidator() }

// Revoke revokes the access token at the Hub.
func (p provider) Revoke(ctx context.Context, tok *oauth2.Token) error {
	if tok == nil {
		return nil
	}
	return p.c.Revoke(ctx, tok.AccessToken)
}

// WebflowClient is the Zaikio preset of a webflow client named name:
// person scopes for sign-in, organization scopes for connections (an
// organization_id query parameter turns "Org.x" into "Org/<id>.x"), the
// subscription scope for subscriptions/new (query parameters plan and
// organization_id), and the bearer read from the token response.
func WebflowClient(name string, c *Client, scopes, connectionScopes []string) webflow.Client {
	return webflow.Client{
		Name:             name,
		Provider:         c.Provider(),
		Scopes:           scopes,
		ConnectionScopes: connectionScopes,
		ScopesFor:        scopesFor,
		Bearer:           BearerOf,
	}
}

// BearerOf returns the bearer type and id of a Hub token response.
func BearerOf(tok *oauth2.Token) (bearerType, bearerID string) {
	t := FromOAuth2(tok)
	if t == nil {
		return "", ""
	}
	return t.BearerType, t.BearerID
}

func scopesFor(kind webflow.Kind, q url.Values, configured []string) ([]string, error) {
	if kind == webflow.KindSession {
		return configured, nil
	}
	org := q.Get("organization_id")
	if org != "" && !plainID(org) {
		return nil, fmt.Errorf("zaikio: malformed organization_id")
	}
	out := make([]string, 0, len(configured)+1)
	for _, s := range configured {
		if org != "" {
			if sc, err := ParseScope(s); err == nil && sc.Bearer == Org && sc.ID == "" {
				sc.ID = org
				s = sc.String()
			}
		}
		out = append(out, s)
	}
	if kind == webflow.KindSubscription {
		plan := q.Get("plan")
		if plan != "" && !plainID(plan) {
			return nil, fmt.Errorf("zaikio: malformed plan")
		}
		out = append(out, SubscriptionScope{OrgID: org, Plan: plan}.String())
	}
	return out, nil
}

// plainID reports whether s can sit inside a scope: letters, digits, "-"
// and "_" only.
func plainID(s string) bool {
	if len(s) > 100 {
		return false
	}
	return strings.IndexFunc(s, func(r rune) bool {
		return !(r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0
}
