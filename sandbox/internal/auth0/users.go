// This file holds the users of the tenant: the Management API's user
// routes, search, and the Users the authorization server signs in.

package auth0

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/idsdk/idsdk-go/sandbox/internal/httpx"
	"github.com/idsdk/idsdk-go/sandbox/internal/random"
)

// userFields are the top-level members a user create or update may set.
var userFields = []string{
	"email", "email_verified", "username", "phone_number", "phone_verified", "given_name", "family_name",
	"name", "nickname", "picture", "blocked",
}

// registerUsers mounts the user routes.
func (t *Tenant) registerUsers(mux *http.ServeMux) {
	t.route(mux, "GET /api/v2/users", "read:users", t.listUsers)
	t.route(mux, "POST /api/v2/users", "create:users", t.createUser)
	t.route(mux, "GET /api/v2/users-by-email", "read:users", t.usersByEmail)
	t.route(mux, "GET /api/v2/users/{id}", "read:users", t.getUser)
	t.route(mux, "PATCH /api/v2/users/{id}", "update:users", t.updateUser)
	t.route(mux, "DELETE /api/v2/users/{id}", "delete:users", t.deleteUser)
	t.route(mux, "GET /api/v2/users/{id}/roles", "read:roles", t.listUserRoles)
	t.route(mux, "POST /api/v2/users/{id}/roles", "update:users", t.assignUserRoles)
	t.route(mux, "DELETE /api/v2/users/{id}/roles", "update:users", t.removeUserRoles)
	t.route(mux, "GET /api/v2/users/{id}/organizations", "read:organizations", t.listUserOrgs)
}

// CreateUser adds a user as POST /api/v2/users does and returns it.
func (t *Tenant) CreateUser(body map[string]any) (map[string]any, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.createUserLocked(body)
}

func (t *Tenant) createUserLocked(body obj) (obj, error) {
	conn, _ := body["connection"].(string)
	if conn == "" {
		return nil, errorf(http.StatusBadRequest, "invalid_body", "Payload validation error: 'Missing required property: connection'.")
	}
	if t.connectionByName(conn) == nil {
		return nil, errorf(http.StatusBadRequest, "invalid_body", "The connection does not exist.")
	}
	email, _ := body["email"].(string)
	password, _ := body["password"].(string)
	if email == "" || password == "" {
		return nil, errorf(http.StatusBadRequest, "invalid_body", "Payload validation error: 'Missing required property: email' or 'password'.")
	}
	for _, u := range t.users.items {
		if conn == connectionOf(u) && strings.EqualFold(email, str(u["email"])) {
			return nil, errorf(http.StatusConflict, "auth0_idp_error", "The user already exists.")
		}
	}
	if err := checkUserFields(body); err != nil {
		return nil, err
	}
	local, _ := body["user_id"].(string)
	if local == "" {
		local = random.Hex(24)
	}
	id := "auth0|" + local
	if _, ok := t.users.items[id]; ok {
		return nil, errorf(http.StatusConflict, "auth0_idp_error", "The user already exists.")
	}
	now := t.stamp()
	u := obj{
		"user_id": id, "email": email, "email_verified": false, "blocked": false,
		"name": email, "nickname": strings.SplitN(email, "@", 2)[0], "picture": "https://example.com/avatar.png",
		"identities": []any{obj{"connection": conn, "user_id": local, "provider": "auth0", "isSocial": false}},
		"created_at": now, "updated_at": now, "logins_count": 0,
	}
	for _, k := range userFields {
		if v, ok := body[k]; ok && v != nil {
			u[k] = v
		}
	}
	for _, k := range []string{"user_metadata", "app_metadata"} {
		if m, ok := body[k].(obj); ok {
			u[k] = clone(m)
		}
	}
	t.users.put(id, u)
	t.passwords[id] = password
	return clone(u), nil
}

// checkUserFields refuses the values Auth0 refuses: empty names (the
// document's minLength 1) and a phone number not in E.164 form.
func checkUserFields(body obj) error {
	for _, k := range []string{"name", "nickname", "given_name", "family_name", "username", "password", "connection"} {
		if s, ok := body[k].(string); ok && s == "" {
			return errorf(http.StatusBadRequest, "invalid_body", "Payload validation error: 'String is too short (0 chars), minimum 1' on property %s.", k)
		}
	}
	if p, ok := body["phone_number"].(string); ok && (len(p) < 2 || p[0] != '+' || strings.Trim(p[1:], "0123456789") != "") {
		return errorf(http.StatusBadRequest, "invalid_body", "Payload validation error: 'String does not match pattern' on property phone_number.")
	}
	return nil
}

func (t *Tenant) createUser(w http.ResponseWriter, r *http.Request) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	u, err := t.CreateUser(body)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, u)
	return nil
}

func (t *Tenant) getUser(w http.ResponseWriter, r *http.Request) error {
	t.mu.Lock()
	u, ok := t.users.items[r.PathValue("id")]
	if ok {
		u = clone(u)
	}
	t.mu.Unlock()
	if !ok {
		return errNoUser
	}
	httpx.WriteJSON(w, http.StatusOK, project(u, r))
	return nil
}

var errNoUser = errorf(http.StatusNotFound, "inexistent_user", "The user does not exist.")

func (t *Tenant) listUsers(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	match, err := parseQuery(q.Get("q"))
	if err != nil {
		return err
	}
	t.mu.Lock()
	var out []obj
	for _, u := range t.users.list() {
		if match(u) && (q.Get("connection") == "" || connectionOf(u) == q.Get("connection")) {
			out = append(out, project(clone(u), r))
		}
	}
	t.mu.Unlock()
	if err := sortUsers(out, q.Get("sort")); err != nil {
		return err
	}
	return page(w, r, "users", out)
}

func (t *Tenant) usersByEmail(w http.ResponseWriter, r *http.Request) error {
	email := r.URL.Query().Get("email")
	if email == "" {
		return errorf(http.StatusBadRequest, "invalid_query_string", "Query validation error: 'Missing required property: email'.")
	}
	t.mu.Lock()
	out := []obj{}
	for _, u := range t.users.list() {
		if strings.EqualFold(str(u["email"]), email) {
			out = append(out, project(clone(u), r))
		}
	}
	t.mu.Unlock()
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// updateUser applies a PATCH: an absent member is left alone, a zero
// value is stored, null removes the member; user_metadata and
// app_metadata are merged one level deep (null removes a key, an empty
// object clears them).
func (t *Tenant) updateUser(w http.ResponseWriter, r *http.Request) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	if err := checkUserFields(body); err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	id := r.PathValue("id")
	u, ok := t.users.items[id]
	if !ok {
		return errNoUser
	}
	if e, ok := body["email"].(string); ok && !strings.EqualFold(e, str(u["email"])) {
		for oid, o := range t.users.items {
			if oid != id && connectionOf(o) == connectionOf(u) && strings.EqualFold(e, str(o["email"])) {
				return errorf(http.StatusConflict, "auth0_idp_error", "The specified new email already exists")
			}
		}
	}
	for _, k := range userFields {
		v, present := body[k]
		switch {
		case !present:
		case v == nil:
			delete(u, k)
		default:
			u[k] = v
		}
	}
	for _, k := range []string{"user_metadata", "app_metadata"} {
		if v, present := body[k]; present {
			mergeMetadata(u, k, v)
		}
	}
	if p, ok := body["password"].(string); ok {
		t.passwords[id] = p
	}
	u["updated_at"] = t.stamp()
	httpx.WriteJSON(w, http.StatusOK, clone(u))
	return nil
}

// mergeMetadata merges a metadata patch into u[key].
func mergeMetadata(u obj, key string, patch any) {
	m, ok := patch.(obj)
	if !ok || len(m) == 0 {
		delete(u, key)
		return
	}
	cur, _ := u[key].(obj)
	if cur == nil {
		cur = obj{}
	}
	for k, v := range m {
		if v == nil {
			delete(cur, k)
		} else {
			cur[k] = v
		}
	}
	u[key] = cur
}

func (t *Tenant) deleteUser(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	t.mu.Lock()
	t.users.remove(id)
	delete(t.passwords, id)
	delete(t.userRoles, id)
	for org, ids := range t.members {
		t.members[org] = slices.DeleteFunc(ids, func(s string) bool { return s == id })
		delete(t.memberRoles[org], id)
	}
	t.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// Authenticate implements oauthsrv.Users: a user of the connection realm
// (any connection when empty) with this email or username and password,
// not blocked. A sign-in counts as a login.
func (t *Tenant) Authenticate(realm, username, password string) (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, u := range t.users.list() {
		id := str(u["user_id"])
		if realm != "" && connectionOf(u) != realm {
			continue
		}
		if !strings.EqualFold(username, str(u["email"])) && username != str(u["username"]) {
			continue
		}
		if t.passwords[id] != password || u["blocked"] == true {
			return "", false
		}
		n, _ := u["logins_count"].(int)
		if num, ok := u["logins_count"].(json.Number); ok {
			i, _ := num.Int64()
			n = int(i)
		}
		u["logins_count"], u["last_login"], u["last_ip"] = n+1, t.stamp(), "127.0.0.1"
		return id, true
	}
	return "", false
}

// Claims implements oauthsrv.Users: the OpenID Connect profile claims of
// a user.
func (t *Tenant) Claims(subject string) (map[string]any, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	u, ok := t.users.items[subject]
	if !ok {
		return nil, false
	}
	c := obj{}
	for _, k := range []string{"email", "email_verified", "name", "nickname", "picture", "given_name", "family_name", "updated_at", "phone_number"} {
		if v, ok := u[k]; ok {
			c[k] = v
		}
	}
	return c, true
}

// connectionOf is the connection of a user's first identity.
func connectionOf(u obj) string {
	ids, _ := u["identities"].([]any)
	if len(ids) == 0 {
		return ""
	}
	id, _ := ids[0].(obj)
	return str(id["connection"])
}

// str is v as a string, "" when it is not one.
func str(v any) string {
	s, _ := v.(string)
	return s
}

// project keeps the members the request's fields parameter asks for
// (or drops them with include_fields=false).
func project(u obj, r *http.Request) obj {
	fields := r.URL.Query().Get("fields")
	if fields == "" {
		return u
	}
	want := strings.Split(fields, ",")
	include := r.URL.Query().Get("include_fields") != "false"
	for k := range u {
		if slices.Contains(want, k) != include {
			delete(u, k)
		}
	}
	return u
}

// signup is POST /dbconnections/signup: a user of a database connection
// created by an application, with no Management API token.
func (t *Tenant) signup(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	if err != nil {
		httpx.WriteJSON(w, http.StatusBadRequest, obj{"error": "invalid_request", "error_description": "unreadable body"})
		return
	}
	t.mu.Lock()
	_, known := t.clients.items[str(body["client_id"])]
	var u obj
	if known {
		delete(body, "client_id")
		u, err = t.createUserLocked(body)
	}
	t.mu.Unlock()
	if !known || err != nil {
		httpx.WriteJSON(w, http.StatusBadRequest, obj{"error": "invalid_signup", "error_description": "Invalid sign up"})
		return
	}
	out := obj{"_id": strings.TrimPrefix(str(u["user_id"]), "auth0|"), "email": u["email"], "email_verified": u["email_verified"]}
	if v, ok := u["username"]; ok {
		out["username"] = v
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}
