package auth

import "errors"

// What a client checks about its credentials when it is built: that an API
// which requires them got some, and that a token source aimed at a token
// endpoint asks the endpoint of the client's own server.

// ErrNoCredentials is matched (errors.Is) by the error New of a generated
// client returns when its API requires credentials and none were given.
// Such a client would only send unauthenticated requests; the generated
// WithoutAuthentication option builds it anyway (for tests against mocks).
var ErrNoCredentials = errors.New("auth: the API requires credentials and none were given")

// ErrEndpointMismatch is matched (errors.Is) by the error New of a
// generated client returns when a token source asks a token endpoint on
// another server than the API's own, such as API calls going to a sandbox
// while the tokens come from production.
var ErrEndpointMismatch = errors.New("auth: the token endpoint is not on the API's server")

// EndpointSource is a token source that tells which token endpoint it asks.
// ClientCredentials, RefreshSource and a Cache in front of either
// implement it (and so do the vendor packages' clients).
type EndpointSource interface {
	// TokenEndpoint is the URL of the token endpoint; "" when unknown.
	TokenEndpoint() string
}

// TokenEndpoint implements EndpointSource.
func (c *ClientCredentials) TokenEndpoint() string { return c.TokenURL }

// TokenEndpoint implements EndpointSource.
func (s *RefreshSource) TokenEndpoint() string { return s.cfg.TokenURL }

// TokenEndpoint implements EndpointSource: the endpoint of the source the
// cache is in front of, or "" when that source does not tell.
func (c *Cache) TokenEndpoint() string {
	if es, ok := c.src.(EndpointSource); ok {
		return es.TokenEndpoint()
	}
	return ""
}
