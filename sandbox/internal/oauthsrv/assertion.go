// This file holds private_key_jwt client authentication (RFC 7523): a
// client assertion signed with the client's key.

package oauthsrv

import (
	"net/http"
	"net/url"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// assertionType is the client_assertion_type of a JWT client assertion.
const assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// assertionAlgs are the signing algorithms a client assertion may use.
var assertionAlgs = []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512, jose.ES256, jose.ES384, jose.ES512}

// assertedClient authenticates the client of a request that carries a
// client assertion: signed by the client's PublicKey, iss and sub its id,
// aud the issuer or the token endpoint, not expired.
func (s *Server) assertedClient(form url.Values) (*Client, *Error) {
	bad := func(why string) (*Client, *Error) {
		return nil, errf(http.StatusUnauthorized, "invalid_client", "client assertion: %s", why)
	}
	if form.Get("client_assertion_type") != assertionType {
		return bad("unsupported client_assertion_type")
	}
	tok, err := jwt.ParseSigned(form.Get("client_assertion"), assertionAlgs)
	if err != nil {
		return bad("not a signed JWT")
	}
	var unverified jwt.Claims
	if err := tok.UnsafeClaimsWithoutVerification(&unverified); err != nil {
		return bad("unreadable claims")
	}
	s.mu.Lock()
	c, ok := s.clients[unverified.Subject]
	s.mu.Unlock()
	if !ok || c.PublicKey == nil {
		return bad("unknown client or no key registered")
	}
	var claims jwt.Claims
	if err := tok.Claims(c.PublicKey, &claims); err != nil {
		return bad("bad signature")
	}
	want := jwt.Expected{
		Issuer: c.ID, Subject: c.ID, Time: s.cfg.Now(),
		AnyAudience: jwt.Audience{s.cfg.Issuer, s.cfg.BaseURL, s.URL(s.cfg.Paths.Token)},
	}
	if err := claims.ValidateWithLeeway(want, time.Minute); err != nil {
		return bad(err.Error())
	}
	if id := form.Get("client_id"); id != "" && id != c.ID {
		return bad("client_id is not the assertion's subject")
	}
	return c, nil
}
