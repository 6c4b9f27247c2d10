// This file holds the emulated Nexaas ID.

package sandbox

import (
	"fmt"
	"time"

	"github.com/idsdk/idsdk-go/sandbox/internal/nexaas"
	"github.com/idsdk/idsdk-go/sandbox/internal/oauthsrv"
	"github.com/idsdk/idsdk-go/sandbox/internal/random"
)

// Nexaas is the emulated Nexaas ID: the signed-in person's profile,
// professional information, contacts and e-mails, sign-up invitations,
// and /oauth/authorize and /oauth/token (client_secret_post; each refresh
// returns a new refresh token and revokes the one used). It starts with
// one client (ClientID) and one person (UserEmail).
//
// A test points the generated client at BaseURL and signs in with
// SignIn's tokens (nexaasid.WithIdentity) or the client's own
// (nexaasid.WithApplication).
type Nexaas struct {
	// BaseURL is where the API and the OAuth endpoints are served
	// (http://127.0.0.1:PORT, no trailing slash).
	BaseURL string
	// ClientID and ClientSecret are the registered application.
	ClientID, ClientSecret string
	// RedirectURI is the application's registered redirect URI.
	RedirectURI string
	// UserID, UserEmail and UserPassword are the person the sandbox
	// starts with.
	UserID, UserEmail, UserPassword string

	ep  *endpoint
	srv *nexaas.Server
}

// NexaasPerson is a Nexaas ID account (WithNexaasPerson, AddPerson).
type NexaasPerson = nexaas.Person

// NexaasInvitation is a sign-up invitation the API received.
type NexaasInvitation = nexaas.Invitation

// nexaasConfig is what the options set for Nexaas.
type nexaasConfig struct {
	clientID, clientSecret string
	people                 []NexaasPerson
	tokenTTL               time.Duration
}

// WithNexaasClient sets the Nexaas application's client ID and secret
// (random by default).
func WithNexaasClient(id, secret string) Option {
	return func(c *config) { c.nexaas.clientID, c.nexaas.clientSecret = id, secret }
}

// WithNexaasPerson adds a person to Nexaas ID at start, besides the
// default one.
func WithNexaasPerson(p NexaasPerson) Option {
	return func(c *config) { c.nexaas.people = append(c.nexaas.people, p) }
}

// WithNexaasTokenLifetime sets the lifetime of Nexaas access tokens (two
// hours by default).
func WithNexaasTokenLifetime(d time.Duration) Option {
	return func(c *config) { c.nexaas.tokenTTL = d }
}

// startNexaas starts the Nexaas server (port index 2).
func startNexaas(s *Sandbox) error {
	ep, err := s.listen("nexaas", 2)
	if err != nil {
		return err
	}
	cfg := s.cfg.nexaas
	srv, err := nexaas.New(nexaas.Config{BaseURL: ep.url, Now: s.now, AccessTokenTTL: cfg.tokenTTL})
	if err != nil {
		return err
	}
	n := &Nexaas{
		BaseURL: ep.url, ClientID: or(cfg.clientID, random.Alnum(26)), ClientSecret: or(cfg.clientSecret, random.Alnum(26)),
		RedirectURI: "http://127.0.0.1/callback", UserEmail: "ada@example.com", UserPassword: "sandbox-password",
		ep: ep, srv: srv,
	}
	srv.AddClient(n.ClientID, n.ClientSecret, n.RedirectURI)
	n.UserID = srv.AddPerson(NexaasPerson{
		Email: n.UserEmail, Password: n.UserPassword, Name: "Ada Lovelace", Nickname: "ada",
		FirstName: "Ada", LastName: "Lovelace", Language: "en", Timezone: "Europe/London", Country: "GB",
		Profession: "Mathematician", Company: "Analytical Engines", Position: "Programmer",
		Phones: []string{"+44-20-0000-0000"},
	})
	for _, p := range cfg.people {
		srv.AddPerson(p)
	}
	ep.serveRoutes(srv.Register, nexaas.WriteError, srv.OAuth().ExpireRequest)
	s.Nexaas = n
	return nil
}

// AddPerson adds a person and returns its ID.
func (n *Nexaas) AddPerson(p NexaasPerson) string { return n.srv.AddPerson(p) }

// SignIn returns tokens of the person userID for the application, as a
// completed authorization code flow would, with scope (default "profile
// invite"): what a test stores for nexaasid.WithIdentity.
func (n *Nexaas) SignIn(userID, scope string) (accessToken, refreshToken string, expiry time.Time, err error) {
	if scope == "" {
		scope = "profile invite"
	}
	t, err := n.srv.OAuth().Issue(oauthsrv.Grant{ClientID: n.ClientID, Subject: userID, Scope: scope, GrantType: oauthsrv.GrantAuthorizationCode})
	if err != nil {
		return "", "", time.Time{}, fmt.Errorf("sandbox: Nexaas sign-in: %w", err)
	}
	return t.AccessToken, t.RefreshToken, time.Now().Add(time.Duration(t.ExpiresIn) * time.Second), nil
}

// ExpireTokens makes every Nexaas access token issued so far expire now
// (refresh tokens keep working).
func (n *Nexaas) ExpireTokens() { n.srv.OAuth().ExpireAll() }

// Invitations lists the sign-up invitations received, oldest first.
func (n *Nexaas) Invitations() []NexaasInvitation { return n.srv.Invitations() }

// Fault makes requests with this method ("" or "*" for any) whose path
// matches pattern ("/api/v1/profile", "/oauth/token") fail with f; the
// newest matching fault wins.
func (n *Nexaas) Fault(method, pattern string, f Fault) { n.ep.faults.Add(method, pattern, f) }

// ClearFaults removes every fault of Nexaas ID.
func (n *Nexaas) ClearFaults() { n.ep.faults.Clear() }
