package zaikio

import (
	"github.com/idsdk/idsdk-go/auth/tokenstore"
	"github.com/idsdk/idsdk-go/auth/webflow"
)

// StoreClient returns c as the token store's client: client credentials
// for a bearer's qualified scopes, and refreshes.
func (c *Client) StoreClient() tokenstore.Client { return storeClient{c} }

// Register registers c once in reg under name, for both the web flow
// (WebflowClient with scopes and connectionScopes) and the token store
// (Person tokens with scopes, Organization tokens with
// connectionScopes, qualified by Zaikio's rule).
func Register(reg *webflow.Registry, name string, c *Client, scopes, connectionScopes []string) error {
	return reg.Register(webflow.Registration{
		Web:   WebflowClient(name, c, scopes, connectionScopes),
		Store: c.StoreConfig(name, scopes, connectionScopes),
	})
}
