// This file holds the Management API resources other than users: roles,
// organizations with their members and member roles, clients,
// connections and resource servers.

package auth0

import (
	"cmp"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/idsdk/idsdk-go/sandbox/internal/httpx"
	"github.com/idsdk/idsdk-go/sandbox/internal/oauthsrv"
	"github.com/idsdk/idsdk-go/sandbox/internal/random"
)

// kind describes one resource for the generic create, get, list, update
// and delete routes.
type kind struct {
	path     string // under /api/v2/, e.g. "roles"
	scope    string // "roles" -> read:roles, create:roles, ...
	listKey  string // member holding a page's items
	idKey    string // "id" or "client_id"
	newID    func() string
	unique   string // a member no two resources share ("" for none)
	created  int    // status of a create
	deleted  int    // status of a delete (204 when 0)
	notFound string
	coll     func(*Tenant) *collection
	// check refuses a create (or update, with old set) body.
	check func(t *Tenant, body, old obj) error
	// fill completes a new resource (defaults, secrets).
	fill func(t *Tenant, o obj)
	// changed runs after a create, update or delete (o nil).
	changed func(t *Tenant, id string, o obj)
	// filter keeps the listed resources the query asks for.
	filter func(r *http.Request, o obj) bool
}

// registerResources mounts the routes of every kind and the relations.
func (t *Tenant) registerResources(mux *http.ServeMux) {
	for _, k := range t.kinds() {
		t.registerKind(mux, k)
	}
	t.route(mux, "GET /api/v2/roles/{id}/users", "read:users", t.listRoleUsers)
	t.route(mux, "POST /api/v2/roles/{id}/users", "update:users", t.assignRoleUsers)
	// GET /organizations/name/{name} and /organizations/{id}/members
	// overlap as patterns: one route tells them apart.
	t.route(mux, "GET /api/v2/organizations/{id}/{sub}", "", func(w http.ResponseWriter, r *http.Request) error {
		switch {
		case r.PathValue("id") == "name":
			return t.scoped(r, "read:organizations", func() error { return t.orgByName(w, r, r.PathValue("sub")) })
		case r.PathValue("sub") == "members":
			return t.scoped(r, "read:organization_members", func() error { return t.listMembers(w, r) })
		}
		return errorf(http.StatusNotFound, "", "Not Found")
	})
	t.route(mux, "POST /api/v2/organizations/{id}/members", "create:organization_members", t.addMembers)
	t.route(mux, "DELETE /api/v2/organizations/{id}/members", "delete:organization_members", t.removeMembers)
	t.route(mux, "GET /api/v2/organizations/{id}/members/{user_id}/roles", "read:organization_member_roles", t.listMemberRoles)
	t.route(mux, "POST /api/v2/organizations/{id}/members/{user_id}/roles", "create:organization_member_roles", t.assignMemberRoles)
	t.route(mux, "DELETE /api/v2/organizations/{id}/members/{user_id}/roles", "delete:organization_member_roles", t.removeMemberRoles)
	t.route(mux, "POST /api/v2/clients/{id}/rotate-secret", "update:client_keys", t.rotateSecret)
}

// kinds are the generic resources.
func (t *Tenant) kinds() []kind {
	return []kind{
		{
			path: "roles", scope: "roles", listKey: "roles", idKey: "id", unique: "name", created: http.StatusOK,
			deleted: http.StatusOK,
			newID:   func() string { return "rol_" + random.Alnum(16) }, notFound: "The role does not exist.",
			coll: func(t *Tenant) *collection { return t.roles }, changed: (*Tenant).roleChanged,
			filter: func(r *http.Request, o obj) bool {
				f := strings.ToLower(r.URL.Query().Get("name_filter"))
				return strings.Contains(strings.ToLower(str(o["name"])), f)
			},
		},
		{
			path: "organizations", scope: "organizations", listKey: "organizations", idKey: "id", unique: "name",
			created: http.StatusCreated, newID: func() string { return "org_" + random.Alnum(16) },
			notFound: "No organization found by that id", coll: func(t *Tenant) *collection { return t.orgs },
			check: checkOrg, changed: (*Tenant).orgChanged,
		},
		{
			path: "clients", scope: "clients", listKey: "clients", idKey: "client_id", created: http.StatusCreated,
			newID: func() string { return random.Alnum(32) }, notFound: "The client does not exist",
			coll: func(t *Tenant) *collection { return t.clients }, fill: fillClient, changed: (*Tenant).clientChanged,
		},
		{
			path: "connections", scope: "connections", listKey: "connections", idKey: "id", unique: "name",
			created: http.StatusCreated, deleted: http.StatusAccepted, newID: func() string { return "con_" + random.Alnum(16) },
			notFound: "The connection does not exist", coll: func(t *Tenant) *collection { return t.connections },
			fill: func(_ *Tenant, o obj) {
				if _, ok := o["realms"]; !ok {
					o["realms"] = []any{o["name"]}
				}
			},
			filter: func(r *http.Request, o obj) bool {
				q := r.URL.Query()
				return (q.Get("strategy") == "" || q.Get("strategy") == str(o["strategy"])) &&
					(q.Get("name") == "" || q.Get("name") == str(o["name"]))
			},
		},
		{
			path: "resource-servers", scope: "resource_servers", listKey: "resource_servers", idKey: "id",
			unique: "identifier", created: http.StatusCreated, newID: func() string { return random.Hex(24) },
			notFound: "The resource server does not exist", coll: func(t *Tenant) *collection { return t.apis },
			check: checkAPI,
			fill: func(t *Tenant, o obj) {
				if _, ok := o["name"]; !ok {
					o["name"] = o["identifier"]
				}
				o["is_system"] = false
				if _, ok := o["signing_alg"]; !ok {
					o["signing_alg"] = "RS256"
				}
			},
			filter: func(r *http.Request, o obj) bool {
				ids := r.URL.Query()["identifiers"]
				return len(ids) == 0 || slices.Contains(ids, str(o["identifier"]))
			},
		},
	}
}

// registerKind mounts the five routes of k.
func (t *Tenant) registerKind(mux *http.ServeMux, k kind) {
	base := "/api/v2/" + k.path
	t.route(mux, "GET "+base, "read:"+k.scope, func(w http.ResponseWriter, r *http.Request) error {
		t.mu.Lock()
		var out []obj
		for _, o := range k.coll(t).list() {
			if k.filter == nil || k.filter(r, o) {
				out = append(out, project(clone(o), r))
			}
		}
		t.mu.Unlock()
		return page(w, r, k.listKey, out)
	})
	t.route(mux, "POST "+base, "create:"+k.scope, func(w http.ResponseWriter, r *http.Request) error {
		body, err := readBody(r)
		if err != nil {
			return err
		}
		o, err := t.create(k, body)
		if err != nil {
			return err
		}
		httpx.WriteJSON(w, k.created, o)
		return nil
	})
	t.route(mux, "GET "+base+"/{id}", "read:"+k.scope, func(w http.ResponseWriter, r *http.Request) error {
		t.mu.Lock()
		o, ok := t.find(k, r.PathValue("id"))
		if ok {
			o = clone(o)
		}
		t.mu.Unlock()
		if !ok {
			return errorf(http.StatusNotFound, "inexistent_"+strings.TrimSuffix(k.scope, "s"), "%s", k.notFound)
		}
		httpx.WriteJSON(w, http.StatusOK, project(o, r))
		return nil
	})
	t.route(mux, "PATCH "+base+"/{id}", "update:"+k.scope, func(w http.ResponseWriter, r *http.Request) error {
		body, err := readBody(r)
		if err != nil {
			return err
		}
		o, err := t.update(k, r.PathValue("id"), body)
		if err != nil {
			return err
		}
		httpx.WriteJSON(w, http.StatusOK, o)
		return nil
	})
	t.route(mux, "DELETE "+base+"/{id}", "delete:"+k.scope, func(w http.ResponseWriter, r *http.Request) error {
		t.mu.Lock()
		defer t.mu.Unlock()
		o, ok := t.find(k, r.PathValue("id"))
		if ok && o["is_system"] == true {
			return errorf(http.StatusForbidden, "operation_not_supported", "You cannot delete a system resource.")
		}
		if ok {
			id := str(o[k.idKey])
			k.coll(t).remove(id)
			if k.changed != nil {
				k.changed(t, id, nil)
			}
		}
		w.WriteHeader(cmp.Or(k.deleted, http.StatusNoContent))
		return nil
	})
}

// find returns the resource with this id (or, for resource servers,
// this identifier).
func (t *Tenant) find(k kind, id string) (obj, bool) {
	c := k.coll(t)
	if o, ok := c.items[id]; ok {
		return o, true
	}
	if k.unique == "identifier" {
		for _, o := range c.items {
			if o["identifier"] == id {
				return o, true
			}
		}
	}
	return nil, false
}

// create stores a new resource of kind k.
func (t *Tenant) create(k kind, body obj) (obj, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if k.check != nil {
		if err := k.check(t, body, nil); err != nil {
			return nil, err
		}
	}
	if err := t.checkUnique(k, "", body); err != nil {
		return nil, err
	}
	o := clone(body)
	id := k.newID()
	o[k.idKey] = id
	if k.fill != nil {
		k.fill(t, o)
	}
	k.coll(t).put(id, o)
	if k.changed != nil {
		k.changed(t, id, o)
	}
	return clone(o), nil
}

// update merges body into a resource: absent members stay, null removes.
func (t *Tenant) update(k kind, id string, body obj) (obj, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	o, ok := t.find(k, id)
	if !ok {
		return nil, errorf(http.StatusNotFound, "inexistent_"+strings.TrimSuffix(k.scope, "s"), "%s", k.notFound)
	}
	if o["is_system"] == true {
		return nil, errorf(http.StatusForbidden, "operation_not_supported", "You cannot update a system resource.")
	}
	if k.check != nil {
		if err := k.check(t, body, o); err != nil {
			return nil, err
		}
	}
	if err := t.checkUnique(k, str(o[k.idKey]), body); err != nil {
		return nil, err
	}
	for key, v := range body {
		if key == k.idKey {
			continue
		}
		if v == nil {
			delete(o, key)
		} else {
			o[key] = v
		}
	}
	if k.changed != nil {
		k.changed(t, str(o[k.idKey]), o)
	}
	return clone(o), nil
}

// checkUnique refuses a body whose unique member another resource has.
func (t *Tenant) checkUnique(k kind, self string, body obj) error {
	if k.unique == "" {
		return nil
	}
	v, ok := body[k.unique].(string)
	if !ok {
		if self == "" {
			return errorf(http.StatusBadRequest, "invalid_body", "Payload validation error: 'Missing required property: %s'.", k.unique)
		}
		return nil
	}
	for id, o := range k.coll(t).items {
		if id != self && o[k.unique] == v {
			return errorf(http.StatusConflict, "already_exists", "A resource with this %s already exists.", k.unique)
		}
	}
	return nil
}

// orgName is the form Auth0 allows for an organization's name.
var orgName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,49}$`)

func checkOrg(_ *Tenant, body, _ obj) error {
	if n, ok := body["name"].(string); ok && !orgName.MatchString(n) {
		return errorf(http.StatusBadRequest, "invalid_body", "Payload validation error: 'String does not match pattern' on property name.")
	}
	delete(body, "enabled_connections")
	return nil
}

func checkAPI(_ *Tenant, body, old obj) error {
	if old != nil {
		if _, ok := body["identifier"]; ok {
			return errorf(http.StatusBadRequest, "invalid_body", "Payload validation error: 'Additional properties not allowed: identifier'.")
		}
	}
	return nil
}

// fillClient gives a new client its secret and defaults.
func fillClient(_ *Tenant, o obj) {
	if o["token_endpoint_auth_method"] != "none" {
		o["client_secret"] = random.Alnum(64)
	}
	if _, ok := o["app_type"]; !ok {
		o["app_type"] = "regular_web"
	}
	o["tenant"] = "sandbox"
	o["is_first_party"] = true
	o["oidc_conformant"] = true
	o["global"] = false
}

// clientChanged keeps the authorization server's clients in step.
func (t *Tenant) clientChanged(id string, o obj) {
	if o == nil {
		t.oauth.RemoveClient(id)
		return
	}
	// An update keeps what the Management API does not show (a seeded
	// client's audience, scopes and public key).
	c, _ := t.oauth.Client(id)
	c.ID, c.Secret, c.RedirectURIs = id, str(o["client_secret"]), nil
	if cb, ok := o["callbacks"].([]any); ok {
		for _, u := range cb {
			c.RedirectURIs = append(c.RedirectURIs, str(u))
		}
	}
	t.oauth.AddClient(c)
}

// AddClient stores a client with a chosen id and secret or public key
// (seed data) and registers it with the authorization server; its
// Audience and Scopes are what its client credentials grants get.
func (t *Tenant) AddClient(c oauthsrv.Client, name, appType string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	o := obj{
		"client_id": c.ID, "client_secret": c.Secret, "name": name, "app_type": appType, "tenant": "sandbox",
		"is_first_party": true, "oidc_conformant": true, "global": false,
		"grant_types": []any{"authorization_code", "refresh_token", "client_credentials", "password", "http://auth0.com/oauth/grant-type/password-realm"},
	}
	switch {
	case c.PublicKey != nil:
		o["token_endpoint_auth_method"] = "private_key_jwt"
		delete(o, "client_secret")
	case c.Secret == "":
		o["token_endpoint_auth_method"] = "none"
		delete(o, "client_secret")
	}
	t.clients.put(c.ID, o)
	t.oauth.AddClient(c)
}

func (t *Tenant) rotateSecret(w http.ResponseWriter, r *http.Request) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	id := r.PathValue("id")
	o, ok := t.clients.items[id]
	if !ok {
		return errorf(http.StatusNotFound, "inexistent_client", "The client does not exist")
	}
	o["client_secret"] = random.Alnum(64)
	t.oauth.UpdateSecret(id, str(o["client_secret"]))
	httpx.WriteJSON(w, http.StatusOK, clone(o))
	return nil
}

// roleChanged forgets a deleted role's assignments.
func (t *Tenant) roleChanged(id string, o obj) {
	if o != nil {
		return
	}
	drop := func(ids []string) []string { return slices.DeleteFunc(ids, func(s string) bool { return s == id }) }
	for u, ids := range t.userRoles {
		t.userRoles[u] = drop(ids)
	}
	for _, m := range t.memberRoles {
		for u, ids := range m {
			m[u] = drop(ids)
		}
	}
}

// orgChanged forgets a deleted organization's members.
func (t *Tenant) orgChanged(id string, o obj) {
	if o == nil {
		delete(t.members, id)
		delete(t.memberRoles, id)
	}
}

// connectionByName returns the connection called name, or nil.
func (t *Tenant) connectionByName(name string) obj {
	for _, c := range t.connections.items {
		if c["name"] == name {
			return c
		}
	}
	return nil
}
