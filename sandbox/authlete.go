// This file holds the emulated Authlete API.

package sandbox

import (
	"fmt"
	"strconv"

	"github.com/idsdk/idsdk-go/sandbox/internal/authlete"
)

// Authlete is the emulated Authlete API v3: services and clients, and the
// authorization, token, introspection and userinfo flows answering
// Authlete's action values. It starts with one service (ServiceID) holding
// one confidential client (ClientID); every call needs Token.
//
// A test builds the client with the base URL and token:
//
//	c, err := authlete.New(authlete.WithBaseURL(sb.Authlete.BaseURL),
//		authlete.WithToken(auth.Bearer(sb.Authlete.Token)))
type Authlete struct {
	// BaseURL is where the API is served (http://127.0.0.1:PORT, no
	// trailing slash; operation paths start with /api).
	BaseURL string
	// Token is the API access token every call must carry as a bearer
	// token.
	Token string
	// ServiceID is the number of the service that exists from the start,
	// as the serviceId path parameter takes it.
	ServiceID string
	// ClientID and ClientSecret are a confidential client of ServiceID
	// allowed the authorization code, refresh token, client credentials
	// and password grants and the code response type.
	ClientID, ClientSecret string
	// RedirectURI is that client's one registered redirect URI.
	RedirectURI string

	ep  *endpoint
	srv *authlete.Server
}

// authleteConfig is what the options set for Authlete.
type authleteConfig struct {
	token     string
	serviceID int64
	scopes    []string
}

// WithAuthleteToken sets the API token the Authlete emulator accepts
// (default "sandbox-authlete-token").
func WithAuthleteToken(token string) Option {
	return func(c *config) { c.authlete.token = token }
}

// WithAuthleteService sets the number of the service the Authlete emulator
// starts with (default 715948317).
func WithAuthleteService(id int64) Option {
	return func(c *config) { c.authlete.serviceID = id }
}

// WithAuthleteScopes sets the scopes the starting service supports besides
// openid and offline_access (default profile and email).
func WithAuthleteScopes(scopes ...string) Option {
	return func(c *config) { c.authlete.scopes = scopes }
}

// startAuthlete starts the Authlete server (port index 1).
func startAuthlete(s *Sandbox) error {
	ep, err := s.listen("authlete", 1)
	if err != nil {
		return err
	}
	cfg := s.cfg.authlete
	if cfg.token == "" {
		cfg.token = "sandbox-authlete-token"
	}
	if cfg.scopes == nil {
		cfg.scopes = []string{"profile", "email"}
	}
	srv, err := authlete.New(authlete.Config{
		Token: cfg.token, ServiceID: cfg.serviceID, Issuer: ep.url, Scopes: cfg.scopes, Now: s.now,
	})
	if err != nil {
		return err
	}
	a := &Authlete{BaseURL: ep.url, Token: cfg.token, RedirectURI: "http://127.0.0.1/callback", ep: ep, srv: srv}
	a.ServiceID = strconv.FormatInt(srv.ServiceID(), 10)
	a.ClientID, a.ClientSecret = a.AddClient(map[string]any{
		"clientName": "sandbox client", "redirectUris": []any{a.RedirectURI},
		"grantTypes": []any{"AUTHORIZATION_CODE", "REFRESH_TOKEN", "CLIENT_CREDENTIALS", "PASSWORD"},
	})
	ep.faults.ErrorBody = authlete.ErrorBody
	ep.start(srv)
	s.Authlete = a
	return nil
}

// AddClient registers a client in ServiceID from a client object's
// members (as the client/create operation takes them: clientName,
// clientType, redirectUris, grantTypes, responseTypes, ...) and returns its
// client ID and secret. Unset members default to a confidential client of
// the authorization code flow.
func (a *Authlete) AddClient(members map[string]any) (clientID, secret string) {
	id, _ := strconv.ParseInt(a.ServiceID, 10, 64)
	c := a.srv.AddClient(id, members)
	secret, _ = c["clientSecret"].(string)
	return fmt.Sprint(c["clientId"]), secret
}

// ExpireToken makes an access token the flows issued expire now:
// introspection and userinfo then answer UNAUTHORIZED.
func (a *Authlete) ExpireToken(accessToken string) { a.srv.Expire(accessToken) }

// Fault makes requests with this method ("" or "*" for any) whose path
// matches pattern ("/api/{serviceId}/auth/token", "/api/{rest...}") fail
// with f; the newest matching fault wins. Injected statuses carry
// Authlete's {"resultCode","resultMessage"} body. An ExpireToken fault
// does nothing here (the API token does not expire): expire an issued
// access token with ExpireToken.
func (a *Authlete) Fault(method, pattern string, f Fault) { a.ep.faults.Add(method, pattern, f) }

// ClearFaults removes every fault of the Authlete API.
func (a *Authlete) ClearFaults() { a.ep.faults.Clear() }
