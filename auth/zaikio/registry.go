package zaikio

import (
	"context"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth/tokenstore"
	"github.com/idsdk/idsdk-go/auth/webflow"
)

// storeClient adapts a Client to tokenstore.Client.
type storeClient struct{ c *Client }

// StoreClient returns c as the token store's client: client credentials
// for a bearer's qualified scopes, and refreshes.
func (c *Client) StoreClient() tokenstore.Client { return storeClient{c} }

// ClientCredentials implements tokenstore.Client.
func (s storeClient) ClientCredentials(ctx context.Context, scopes []string) (*oauth2.Token, error) {
	t, err := s.c.ClientCredentials(ctx, scopes...)
	if err != nil {
		return nil, err
	}
	return t.OAuth2(), nil
}

// Refresh implements tokenstore.Client.
func (s storeClient) Refresh(ctx context.Context, refreshToken string) (*oauth2.Token, error) {
	t, err := s.c.Refresh(ctx, refreshToken)
	if err != nil {
		return nil, err
	}
	return t.OAuth2(), nil
}

// Register registers c once in reg under name, for both the web flow
// (WebflowClient with scopes and connectionScopes) and the token store
// (Person tokens with scopes, Organization tokens with
// connectionScopes, qualified by Zaikio's rule).
func Register(reg *webflow.Registry, name string, c *Client, scopes, connectionScopes []string) error {
	return reg.Register(webflow.Registration{
		Web: WebflowClient(name, c, scopes, connectionScopes),
		Store: tokenstore.ClientConfig{
			Client: c.StoreClient(), Scopes: scopes, OrganizationScopes: connectionScopes,
		},
	})
}
