// This file holds the emulated Zaikio Hub.

package sandbox

import (
	"fmt"
	"time"

	"github.com/idsdk/idsdk-go/sandbox/internal/random"
	"github.com/idsdk/idsdk-go/sandbox/internal/zaikio"
)

// Zaikio is the emulated Zaikio Hub: /oauth/authorize (a login page a test
// submits without a browser, see SubmitLogin) and /oauth/access_token with
// Zaikio's comma-separated scopes and token bearers, and the Hub API under
// /api/v1: the person, their organizations, sites, and the app's
// connections and subscriptions. It starts with one app (ClientID), one
// person (PersonEmail) who owns one organization (OrganizationID); the
// organization has installed the app with a subscription.
//
// The OAuth client (auth/zaikio) takes Host; the Hub client
// (gen/zaikiohub) takes APIURL.
type Zaikio struct {
	// Host is the Hub host (http://127.0.0.1:PORT, no trailing slash).
	Host string
	// APIURL is the Hub API base, Host + "/api/v1".
	APIURL string
	// AppName, ClientID and ClientSecret are the registered app; any
	// loopback http redirect URI is accepted.
	AppName, ClientID, ClientSecret string
	// PersonID, PersonEmail and PersonPassword are the person the sandbox
	// starts with.
	PersonID, PersonEmail, PersonPassword string
	// OrganizationID is that person's organization.
	OrganizationID string

	ep  *endpoint
	srv *zaikio.Server
}

// ZaikioPerson is a Zaikio account (WithZaikioPerson, AddPerson).
type ZaikioPerson = zaikio.Person

// ZaikioOrganization is a Zaikio organization (AddOrganization).
type ZaikioOrganization = zaikio.Organization

// ZaikioSite is a site of an organization (AddSite).
type ZaikioSite = zaikio.Site

// zaikioConfig is what the options set for Zaikio.
type zaikioConfig struct {
	clientID, clientSecret string
	people                 []ZaikioPerson
	tokenTTL               time.Duration
}

// WithZaikioApp sets the client ID and secret of the Zaikio app (random by
// default).
func WithZaikioApp(id, secret string) Option {
	return func(c *config) { c.zaikio.clientID, c.zaikio.clientSecret = id, secret }
}

// WithZaikioPerson adds a person to the Hub at start, besides the default
// one.
func WithZaikioPerson(p ZaikioPerson) Option {
	return func(c *config) { c.zaikio.people = append(c.zaikio.people, p) }
}

// WithZaikioTokenLifetime sets the lifetime of Hub access tokens (an hour
// by default).
func WithZaikioTokenLifetime(d time.Duration) Option {
	return func(c *config) { c.zaikio.tokenTTL = d }
}

// zaikioOrgScopes are what the starting organization granted the app.
var zaikioOrgScopes = []string{"directory.organization.r", "directory.sites.rw"}

// startZaikio starts the Zaikio server (port index 3).
func startZaikio(s *Sandbox) error {
	ep, err := s.listen("zaikio", 3)
	if err != nil {
		return err
	}
	cfg := s.cfg.zaikio
	srv, err := zaikio.New(zaikio.Config{BaseURL: ep.url, Now: s.now, AccessTokenTTL: cfg.tokenTTL})
	if err != nil {
		return err
	}
	z := &Zaikio{
		Host: ep.url, APIURL: ep.url + zaikio.APIPath, AppName: "sandbox_app",
		ClientID: or(cfg.clientID, random.Alnum(24)), ClientSecret: or(cfg.clientSecret, random.Alnum(32)),
		PersonEmail: "ada@example.com", PersonPassword: "sandbox-password", ep: ep, srv: srv,
	}
	srv.AddApp(z.AppName, z.ClientID, z.ClientSecret)
	z.PersonID = srv.AddPerson(ZaikioPerson{
		Email: z.PersonEmail, Password: z.PersonPassword, FirstName: "Ada", Name: "Lovelace", CountryCode: "GB",
	})
	for _, p := range cfg.people {
		srv.AddPerson(p)
	}
	z.OrganizationID = srv.AddOrganization(ZaikioOrganization{Name: "Sandbox Printing", Members: []string{z.PersonID}})
	srv.Connect(z.ClientID, "Organization", z.OrganizationID, zaikioOrgScopes, "basic")
	ep.serveRoutes(srv.Register, zaikio.WriteError, srv.OAuth().ExpireRequest)
	s.Zaikio = z
	return nil
}

// AddPerson adds a person and returns its ID.
func (z *Zaikio) AddPerson(p ZaikioPerson) string { return z.srv.AddPerson(p) }

// AddOrganization adds an organization (its members become owners, it
// gets a headquarter site) and returns its ID.
func (z *Zaikio) AddOrganization(o ZaikioOrganization) string { return z.srv.AddOrganization(o) }

// AddSite adds a site to an organization and returns its ID.
func (z *Zaikio) AddSite(orgID string, st ZaikioSite) (string, error) {
	return z.srv.AddSite(orgID, st)
}

// Connect records that an organization installed the app with scopes
// (names without a prefix, e.g. "directory.sites.r"), with an active
// subscription to plan when plan is not empty. The app can then get the
// organization's tokens with client credentials ("Org/<id>.<scope>").
func (z *Zaikio) Connect(orgID string, scopes []string, plan string) {
	z.srv.Connect(z.ClientID, "Organization", orgID, scopes, plan)
}

// SignIn returns a token of the person personID for the app with scopes
// (e.g. "Per.directory.person.r"), as a completed sign-in would, with no
// login page (the app is then connected to the person): what a test
// stores to act for a signed-in person.
func (z *Zaikio) SignIn(personID string, scopes ...string) (accessToken, refreshToken string, err error) {
	if len(scopes) == 0 {
		scopes = []string{"Per.directory.person.r"}
	}
	t, err := z.srv.SignIn(z.ClientID, personID, scopes)
	if err != nil {
		return "", "", fmt.Errorf("sandbox: %w", err)
	}
	return t.AccessToken, t.RefreshToken, nil
}

// ExpireTokens makes every Hub access token issued so far expire now
// (refresh tokens keep working).
func (z *Zaikio) ExpireTokens() { z.srv.OAuth().ExpireAll() }

// Fault makes requests with this method ("" or "*" for any) whose path
// matches pattern ("/api/v1/person", "/oauth/access_token") fail with f;
// the newest matching fault wins. Injected statuses carry the Hub's
// {"errors": [...]} body.
func (z *Zaikio) Fault(method, pattern string, f Fault) { z.ep.faults.Add(method, pattern, f) }

// ClearFaults removes every fault of the Hub.
func (z *Zaikio) ClearFaults() { z.ep.faults.Clear() }
