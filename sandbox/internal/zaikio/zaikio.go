// Package zaikio is the emulated Zaikio Hub: people, organizations and
// their memberships, sites, connections and subscriptions of apps, the
// Hub API under /api/v1, and the OAuth endpoints (/oauth/authorize with a
// login page, /oauth/access_token) served by oauthsrv, with Zaikio's
// comma-separated scopes and the bearer of each token.
package zaikio

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/idsdk/idsdk-go/sandbox/internal/httpx"
	"github.com/idsdk/idsdk-go/sandbox/internal/oauthsrv"
	"github.com/idsdk/idsdk-go/sandbox/internal/random"
)

// APIPath is where the Hub API is served.
const APIPath = "/api/v1"

// Person is a Zaikio account.
type Person struct {
	// ID is the person's UUID; empty makes one.
	ID string
	// Email and Password sign the person in on the login page.
	Email, Password string
	// FirstName and Name (the family name).
	FirstName, Name string
	// Locale ("en", "en-US" or "de"; default "en"), TimeZone (default
	// "UTC") and CountryCode.
	Locale, TimeZone, CountryCode string
}

// Organization is a Zaikio organization.
type Organization struct {
	// ID is the organization's UUID; empty makes one.
	ID string
	// Name, and CountryCode (default "DE").
	Name, CountryCode string
	// Kinds are its kinds (default printer).
	Kinds []string
	// Members are the IDs of its people, with the owner role.
	Members []string
}

// Site is a site of an organization.
type Site struct {
	// ID is the site's UUID; empty makes one.
	ID string
	// Name of the site.
	Name string
	// Headquarter marks the organization's main site.
	Headquarter bool
	// Addressee and Address, when set, make the site's address.
	Addressee, Address string
}

// Config configures a Server.
type Config struct {
	// BaseURL is the Hub host (scheme, host, port; no trailing slash).
	BaseURL string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// AccessTokenTTL is the lifetime of access tokens; 0 means an hour.
	AccessTokenTTL time.Duration
}

// Server is the emulated Hub. Its methods are safe for concurrent use.
type Server struct {
	oauth *oauthsrv.Server
	now   func() time.Time

	mu          sync.Mutex
	apps        map[string]app // by client id
	people      map[string]*person
	orgs        map[string]*org
	sites       map[string]*site
	connections []*connection
	subs        []*subscription
}

type app struct{ name, secret string }

type person struct {
	Person
	created, updated time.Time
}

type org struct {
	Organization
	slug             string
	created, updated time.Time
	members          map[string]membership // by person id
}

type membership struct {
	id               string
	roles            []string
	created, updated time.Time
}

type site struct {
	Site
	org              string
	created, updated time.Time
}

type connection struct {
	app, kind, id    string // app name, Person or Organization, connectable id
	scopes           []string
	created, updated time.Time
}

type subscription struct {
	id, app, kind, subscriber, status, plan string
	usages                                  map[string]int
	created, updated, activated             time.Time
}

// New returns a Server with nobody in it.
func New(cfg Config) (*Server, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{
		now: cfg.Now, apps: map[string]app{}, people: map[string]*person{},
		orgs: map[string]*org{}, sites: map[string]*site{},
	}
	o, err := oauthsrv.New(oauthsrv.Config{
		BaseURL:             cfg.BaseURL,
		Paths:               oauthsrv.Paths{Authorize: "/oauth/authorize", Token: "/oauth/access_token"},
		AccessTokenTTL:      cfg.AccessTokenTTL,
		RotateRefreshTokens: true,
		Now:                 cfg.Now,
		Users:               oauthsrv.PeopleUsers(&s.mu, s.logins),
		TokenResponse:       s.tokenResponse,
		ClientCredentials:   s.checkOrgGrant,
	})
	if err != nil {
		return nil, fmt.Errorf("zaikio: %w", err)
	}
	s.oauth = o
	return s, nil
}

// OAuth is the authorization server behind /oauth.
func (s *Server) OAuth() *oauthsrv.Server { return s.oauth }

// AddApp registers an app (an OAuth client) named name.
func (s *Server) AddApp(name, clientID, secret string, redirectURIs ...string) {
	s.mu.Lock()
	s.apps[clientID] = app{name: name, secret: secret}
	s.mu.Unlock()
	s.oauth.AddClient(oauthsrv.Client{ID: clientID, Secret: secret, RedirectURIs: redirectURIs})
}

// AddPerson adds p and returns its ID.
func (s *Server) AddPerson(p Person) string {
	if p.ID == "" {
		p.ID = random.UUID()
	}
	if p.Locale == "" {
		p.Locale = "en"
	}
	if p.TimeZone == "" {
		p.TimeZone = "UTC"
	}
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.people[p.ID] = &person{Person: p, created: now, updated: now}
	return p.ID
}

// AddOrganization adds o (its members become owners) with a headquarter
// site named after it, and returns its ID.
func (s *Server) AddOrganization(o Organization) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addOrgLocked(o)
}

func (s *Server) addOrgLocked(o Organization) string {
	if o.ID == "" {
		o.ID = random.UUID()
	}
	if o.CountryCode == "" {
		o.CountryCode = "DE"
	}
	if len(o.Kinds) == 0 {
		o.Kinds = []string{"printer"}
	}
	now := s.now()
	x := &org{Organization: o, slug: slugOf(o.Name), created: now, updated: now, members: map[string]membership{}}
	for _, pid := range o.Members {
		x.members[pid] = membership{id: random.UUID(), roles: []string{"owner"}, created: now, updated: now}
	}
	s.orgs[o.ID] = x
	hq := &site{Site: Site{ID: random.UUID(), Name: o.Name, Headquarter: true}, org: o.ID, created: now, updated: now}
	s.sites[hq.ID] = hq
	return o.ID
}

// AddSite adds a site to the organization orgID and returns its ID.
func (s *Server) AddSite(orgID string, st Site) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.orgs[orgID]; !ok {
		return "", fmt.Errorf("zaikio: no organization %s", orgID)
	}
	if st.ID == "" {
		st.ID = random.UUID()
	}
	now := s.now()
	s.sites[st.ID] = &site{Site: st, org: orgID, created: now, updated: now}
	return st.ID, nil
}

// Connect records that the person or organization id (kind "Person" or
// "Organization") installed the app of clientID with scopes, and gives
// it an active subscription to plan (none when plan is empty).
func (s *Server) Connect(clientID, kind, id string, scopes []string, plan string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.connectLocked(clientID, kind, id, scopes)
	if plan == "" {
		return
	}
	now := s.now()
	s.subs = append(s.subs, &subscription{
		id: random.UUID(), app: s.apps[clientID].name, kind: kind, subscriber: id, status: "active", plan: plan,
		usages: map[string]int{}, created: now, updated: now, activated: now,
	})
}

func (s *Server) connectLocked(clientID, kind, id string, scopes []string) {
	name := s.apps[clientID].name
	now := s.now()
	for _, c := range s.connections {
		if c.app == name && c.kind == kind && c.id == id {
			for _, sc := range scopes {
				if !slices.Contains(c.scopes, sc) {
					c.scopes = append(c.scopes, sc)
				}
			}
			c.updated = now
			return
		}
	}
	s.connections = append(s.connections, &connection{app: name, kind: kind, id: id, scopes: slices.Clone(scopes), created: now, updated: now})
}

// SignIn issues tokens of the person personID for the app of clientID
// with scopes (e.g. "Per.directory.person.r"), as a completed sign-in
// would, and connects the app to the person.
func (s *Server) SignIn(clientID, personID string, scopes []string) (*oauthsrv.Tokens, error) {
	t, err := s.oauth.Issue(oauthsrv.Grant{
		ClientID: clientID, Subject: personID, Scope: strings.Join(scopes, ","), GrantType: oauthsrv.GrantAuthorizationCode,
	})
	if err != nil {
		return nil, fmt.Errorf("zaikio: sign-in: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.connectLocked(clientID, "Person", personID, names(scopes))
	return t, nil
}

// Register mounts the Hub API and the OAuth endpoints on mux.
func (s *Server) Register(mux *http.ServeMux) {
	s.oauth.Register(mux)
	s.routes(mux)
}

// WriteError writes the Hub's {"errors": [...]} body for status (the body
// of an injected fault).
func WriteError(w http.ResponseWriter, status int) {
	httpx.WriteJSON(w, status, map[string]any{"errors": []string{strings.ToLower(strings.ReplaceAll(http.StatusText(status), " ", "_"))}})
}

// tokenResponse adds the Hub's members to a token response: the app as
// audience and the bearer (the person signed in, or the organization an
// "Org/<id>." scope names); a person's sign-in also connects the app.
func (s *Server) tokenResponse(g *oauthsrv.Grant, body map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	body["audiences"] = []string{s.apps[g.ClientID].name}
	body["token_type"] = "bearer"
	scopes := splitScopes(g.Scope)
	switch {
	case g.Subject != "":
		body["bearer"] = map[string]any{"id": g.Subject, "type": "Person"}
		s.connectLocked(g.ClientID, "Person", g.Subject, names(scopes))
	default:
		if id := orgOf(scopes); id != "" {
			body["bearer"] = map[string]any{"id": id, "type": "Organization"}
		}
	}
}

// checkOrgGrant refuses a client credentials grant with an
// "Org/<id>.<scope>" the organization has not granted the app (it did not
// install it, or not with that scope): the Hub issues an organization's
// token only within its connection.
func (s *Server) checkOrgGrant(g *oauthsrv.Grant) *oauthsrv.Error {
	s.mu.Lock()
	defer s.mu.Unlock()
	name := s.apps[g.ClientID].name
	for _, sc := range splitScopes(g.Scope) {
		rest, ok := strings.CutPrefix(sc, "Org/")
		if !ok {
			continue
		}
		id, scope, _ := strings.Cut(rest, ".")
		var granted []string
		for _, c := range s.connections {
			if c.app == name && c.kind == "Organization" && c.id == id {
				granted = c.scopes
			}
		}
		if !(&bearer{scopes: granted}).can(scope) {
			return &oauthsrv.Error{Status: http.StatusBadRequest, Code: "invalid_scope",
				Description: fmt.Sprintf("organization %s has not granted %s to this app", id, scope)}
		}
	}
	return nil
}

// bearer is whose data a request's token reaches.
type bearer struct {
	kind, id, clientID string
	scopes             []string // scope names without their bearer prefix
}

// authenticate reads the request's bearer token.
func (s *Server) authenticate(r *http.Request) (*bearer, bool) {
	g, err := s.oauth.Authenticate(r)
	if err != nil {
		return nil, false
	}
	scopes := splitScopes(g.Scope)
	b := &bearer{clientID: g.ClientID, scopes: names(scopes)}
	if g.Subject != "" {
		b.kind, b.id = "Person", g.Subject
	} else if id := orgOf(scopes); id != "" {
		b.kind, b.id = "Organization", id
	}
	return b, true
}

// can reports whether b holds scope name (e.g. "directory.sites.r"); a
// ".rw" scope covers ".r" and ".w".
func (b *bearer) can(name string) bool {
	if slices.Contains(b.scopes, name) {
		return true
	}
	i := strings.LastIndexByte(name, '.')
	return i > 0 && name[i+1:] != "rw" && slices.Contains(b.scopes, name[:i]+".rw")
}

// splitScopes cuts a comma-separated scope list.
func splitScopes(scope string) []string {
	var out []string
	for _, s := range strings.Split(scope, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// names drops the bearer prefix of each scope ("Per.", "Org/<id>.").
func names(scopes []string) []string {
	out := make([]string, 0, len(scopes))
	for _, s := range scopes {
		if pre, rest, ok := strings.Cut(s, "."); ok && (pre == "Per" || pre == "Org" || strings.HasPrefix(pre, "Per/") || strings.HasPrefix(pre, "Org/")) {
			s = rest
		}
		out = append(out, s)
	}
	return out
}

// orgOf returns the organization an "Org/<id>." scope names.
func orgOf(scopes []string) string {
	for _, s := range scopes {
		if rest, ok := strings.CutPrefix(s, "Org/"); ok {
			if id, _, ok := strings.Cut(rest, "."); ok {
				return id
			}
		}
	}
	return ""
}

// logins lists the people of s as oauthsrv's; s.mu is held.
func (s *Server) logins(yield func(oauthsrv.Person) bool) {
	for _, p := range s.people {
		c := map[string]any{"email": p.Email, "name": strings.TrimSpace(p.FirstName + " " + p.Name)}
		if !yield(oauthsrv.Person{Subject: p.ID, Email: p.Email, Password: p.Password, Claims: c}) {
			return
		}
	}
}

// slugOf makes a slug of a name.
func slugOf(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
