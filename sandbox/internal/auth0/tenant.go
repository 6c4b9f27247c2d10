// Package auth0 emulates an Auth0 tenant: the Management API v2 (users,
// roles, organizations, clients, connections, resource servers) over one
// in-memory store, and the Authentication API through oauthsrv, whose
// users are the tenant's users.
package auth0

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/idsdk/idsdk-go/sandbox/internal/httpx"
	"github.com/idsdk/idsdk-go/sandbox/internal/oauthsrv"
	"github.com/idsdk/idsdk-go/sandbox/internal/random"
)

// DefaultConnection is the database connection every tenant starts with.
const DefaultConnection = "Username-Password-Authentication"

// ManagementScopes are the scopes the Management API routes ask for; the
// seeded machine-to-machine client is granted all of them.
var ManagementScopes = []string{
	"read:users", "create:users", "update:users", "delete:users",
	"read:roles", "create:roles", "update:roles", "delete:roles",
	"read:organizations", "create:organizations", "update:organizations", "delete:organizations",
	"read:organization_members", "create:organization_members", "delete:organization_members",
	"read:organization_member_roles", "create:organization_member_roles", "delete:organization_member_roles",
	"read:clients", "create:clients", "update:clients", "delete:clients",
	"read:client_keys", "update:client_keys",
	"read:connections", "create:connections", "update:connections", "delete:connections",
	"read:resource_servers", "create:resource_servers", "update:resource_servers", "delete:resource_servers",
}

// Config configures a Tenant.
type Config struct {
	// BaseURL is the tenant's origin, http://127.0.0.1:PORT.
	BaseURL string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// AccessTokenTTL is the lifetime of access tokens; 0 means a day
	// (Auth0's default for APIs).
	AccessTokenTTL time.Duration
}

// obj is one stored resource, kept as the JSON members it is answered
// with.
type obj = map[string]any

// collection is one kind of resource in creation order.
type collection struct {
	order []string
	items map[string]obj
}

func newCollection() *collection { return &collection{items: map[string]obj{}} }

func (c *collection) put(id string, o obj) {
	if _, ok := c.items[id]; !ok {
		c.order = append(c.order, id)
	}
	c.items[id] = o
}

func (c *collection) remove(id string) bool {
	if _, ok := c.items[id]; !ok {
		return false
	}
	delete(c.items, id)
	c.order = slices.DeleteFunc(c.order, func(s string) bool { return s == id })
	return true
}

// list returns the items in creation order.
func (c *collection) list() []obj {
	out := make([]obj, 0, len(c.order))
	for _, id := range c.order {
		out = append(out, c.items[id])
	}
	return out
}

// Tenant is an emulated Auth0 tenant. Its methods are safe for
// concurrent use.
type Tenant struct {
	cfg      Config
	audience string
	oauth    *oauthsrv.Server

	mu          sync.Mutex
	users       *collection
	passwords   map[string]string // user_id -> password
	roles       *collection
	orgs        *collection
	clients     *collection
	connections *collection
	apis        *collection                    // resource servers
	userRoles   map[string][]string            // user_id -> role ids
	members     map[string][]string            // org id -> user ids
	memberRoles map[string]map[string][]string // org id -> user_id -> role ids
}

// New returns a Tenant with its database connection and the Management
// API as a resource server.
func New(cfg Config) (*Tenant, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.AccessTokenTTL == 0 {
		cfg.AccessTokenTTL = 24 * time.Hour
	}
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	t := &Tenant{
		cfg: cfg, audience: cfg.BaseURL + "/api/v2/",
		users: newCollection(), passwords: map[string]string{}, roles: newCollection(), orgs: newCollection(),
		clients: newCollection(), connections: newCollection(), apis: newCollection(),
		userRoles: map[string][]string{}, members: map[string][]string{}, memberRoles: map[string]map[string][]string{},
	}
	srv, err := oauthsrv.New(oauthsrv.Config{
		BaseURL: cfg.BaseURL,
		Paths: oauthsrv.Paths{
			Authorize: "/authorize", Token: "/oauth/token", UserInfo: "/userinfo", Revoke: "/oauth/revoke",
			JWKS: "/.well-known/jwks.json", Discovery: "/.well-known/openid-configuration",
		},
		AccessTokenTTL:            cfg.AccessTokenTTL,
		JWTAccessTokens:           true,
		RotateRefreshTokens:       true,
		RefreshNeedsOfflineAccess: true,
		GrantErrorStatus:          http.StatusForbidden,
		Now:                       cfg.Now,
		Users:                     t,
		IDTokenClaims:             t.orgClaims,
	})
	if err != nil {
		return nil, err
	}
	t.oauth = srv
	t.seed()
	return t, nil
}

// seed adds what every tenant has: its database connection and the
// Management API.
func (t *Tenant) seed() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.connections.put("con_"+random.Alnum(16), obj{
		"id": "", "name": DefaultConnection, "display_name": DefaultConnection, "strategy": "auth0",
		"realms": []any{DefaultConnection}, "is_domain_connection": false, "enabled_clients": []any{},
		"options": obj{"brute_force_protection": true},
	})
	for id, c := range t.connections.items {
		c["id"] = id
	}
	scopes := make([]any, 0, len(ManagementScopes))
	for _, s := range ManagementScopes {
		scopes = append(scopes, obj{"value": s, "description": s})
	}
	id := random.Hex(24)
	t.apis.put(id, obj{
		"id": id, "name": "Auth0 Management API", "identifier": t.audience, "is_system": true,
		"scopes": scopes, "signing_alg": "RS256", "token_lifetime": int(t.cfg.AccessTokenTTL / time.Second),
		"allow_offline_access": false, "skip_consent_for_verifiable_first_party_clients": false,
		"token_dialect": "access_token",
	})
}

// orgClaims adds org_id and org_name to the ID token of a sign-in that
// named an organization the user is a member of.
func (t *Tenant) orgClaims(g *oauthsrv.Grant, claims map[string]any) {
	if g.Organization == "" {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, o := range t.orgs.list() {
		id := str(o["id"])
		if (id == g.Organization || o["name"] == g.Organization) && slices.Contains(t.members[id], g.Subject) {
			claims["org_id"], claims["org_name"] = id, o["name"]
		}
	}
}

// OAuth is the tenant's authorization server.
func (t *Tenant) OAuth() *oauthsrv.Server { return t.oauth }

// Audience is the Management API's identifier, BaseURL + "/api/v2/".
func (t *Tenant) Audience() string { return t.audience }

// Register mounts the Management API, the Authentication API and the
// database sign-up on mux.
func (t *Tenant) Register(mux *http.ServeMux) {
	t.oauth.Register(mux)
	mux.HandleFunc("POST /dbconnections/signup", t.signup)
	t.registerUsers(mux)
	t.registerResources(mux)
	mux.HandleFunc("/api/v2/", func(w http.ResponseWriter, r *http.Request) {
		writeErr(w, http.StatusNotFound, "Not Found", "not emulated: "+r.Method+" "+r.URL.Path)
	})
}

// apiError is a Management API error answer.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.message }

func errorf(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

// writeErr writes Auth0's error object.
func writeErr(w http.ResponseWriter, status int, code, message string) {
	body := obj{"statusCode": status, "error": http.StatusText(status), "message": message}
	if code != "" {
		body["errorCode"] = code
	}
	httpx.WriteJSON(w, status, body)
}

// WriteError writes Auth0's error object for a status (the body of a
// fault that names none).
func WriteError(w http.ResponseWriter, status int) {
	writeErr(w, status, "", http.StatusText(status))
}

// fail writes err (an *apiError, or a 500).
func fail(w http.ResponseWriter, err error) {
	var ae *apiError
	if errors.As(err, &ae) {
		writeErr(w, ae.status, ae.code, ae.message)
		return
	}
	writeErr(w, http.StatusInternalServerError, "", err.Error())
}

// readBody decodes a JSON object body.
func readBody(r *http.Request) (obj, error) {
	var o obj
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20))
	dec.UseNumber()
	if err := dec.Decode(&o); err != nil || o == nil {
		return nil, errorf(http.StatusBadRequest, "invalid_body", "Payload validation error: 'Invalid JSON'")
	}
	return o, nil
}

// route mounts h at pattern behind a bearer token for the Management
// API that carries scope.
func (t *Tenant) route(mux *http.ServeMux, pattern, scope string, h func(http.ResponseWriter, *http.Request) error) {
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		g, err := t.oauth.Authenticate(r)
		switch {
		case err != nil:
			writeErr(w, http.StatusUnauthorized, "", "Invalid token")
			return
		case g.Audience != t.audience:
			writeErr(w, http.StatusUnauthorized, "", "Bad audience: "+g.Audience)
			return
		case scope != "" && !g.HasScope(scope):
			writeErr(w, http.StatusForbidden, "insufficient_scope", "Insufficient scope, expected any of: "+scope)
			return
		}
		if err := h(w, r); err != nil {
			fail(w, err)
		}
	})
}

// scoped runs h if the request's token (already checked by route)
// carries scope.
func (t *Tenant) scoped(r *http.Request, scope string, h func() error) error {
	g, err := t.oauth.Authenticate(r)
	if err != nil || !g.HasScope(scope) {
		return errorf(http.StatusForbidden, "insufficient_scope", "Insufficient scope, expected any of: %s", scope)
	}
	return h()
}

// clone copies an object one level deep (nested maps are copied too, so
// a caller never holds the store's maps).
func clone(o obj) obj {
	c := maps.Clone(o)
	for k, v := range c {
		if m, ok := v.(obj); ok {
			c[k] = clone(m)
		}
	}
	return c
}

// stamp is the clock as Auth0 writes it.
func (t *Tenant) stamp() string { return t.cfg.Now().UTC().Format("2006-01-02T15:04:05.000Z") }
