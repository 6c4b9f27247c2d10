package zaikio

// This file configures the generic token store (auth/tokenstore) for the
// Hub: its client credentials and refresh grants, and its scope rule.

import (
	"context"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth/tokenstore"
)

// QualifyScope is the Hub's rule for a scope asked on behalf of a bearer,
// for tokenstore.ClientConfig.QualifyScope: "Org/<id>.<scope>" for an
// Organization, "Per/<id>.<scope>" otherwise.
func QualifyScope(bearerType, bearerID, scope string) string {
	prefix := Per
	if bearerType == BearerOrganization {
		prefix = Org
	}
	return prefix + "/" + bearerID + "." + scope
}

// StoreConfig registers this app with a token store under name: the Hub's
// grants through c (HTTP Basic, comma-joined scopes), QualifyScope, and
// the default scopes of a Person bearer and of an Organization bearer.
func (c *Client) StoreConfig(name string, personScopes, organizationScopes []string) tokenstore.ClientConfig {
	return tokenstore.ClientConfig{
		Name: name, Client: storeClient{c}, QualifyScope: QualifyScope,
		Scopes: personScopes, OrganizationScopes: organizationScopes,
	}
}

// storeClient is c as a tokenstore.Client: the one client credentials and
// refresh path of the Hub, Client.ClientCredentials and Client.Refresh.
type storeClient struct{ c *Client }

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

// String describes the client without its secret.
func (s storeClient) String() string { return s.c.String() }
