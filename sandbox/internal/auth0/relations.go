// This file holds the relations between resources: the roles of a user,
// the users of a role, the members of an organization and their roles.

package auth0

import (
	"net/http"
	"slices"

	"github.com/idsdk/idsdk-go/sandbox/internal/httpx"
)

// idList reads the list of ids a relation body carries under key.
func idList(r *http.Request, key string) ([]string, error) {
	body, err := readBody(r)
	if err != nil {
		return nil, err
	}
	raw, ok := body[key].([]any)
	if !ok || len(raw) == 0 {
		return nil, errorf(http.StatusBadRequest, "invalid_body", "Payload validation error: 'Missing required property: %s'.", key)
	}
	ids := make([]string, 0, len(raw))
	for _, v := range raw {
		s, ok := v.(string)
		if !ok || s == "" {
			return nil, errorf(http.StatusBadRequest, "invalid_body", "Payload validation error: '%s' must hold strings.", key)
		}
		ids = append(ids, s)
	}
	return ids, nil
}

// addIDs appends the ids not yet in list.
func addIDs(list, ids []string) []string {
	for _, id := range ids {
		if !slices.Contains(list, id) {
			list = append(list, id)
		}
	}
	return list
}

// dropIDs removes ids from list.
func dropIDs(list, ids []string) []string {
	return slices.DeleteFunc(list, func(s string) bool { return slices.Contains(ids, s) })
}

// rolesOf returns the role objects of ids, in their order.
func (t *Tenant) rolesOf(ids []string) []obj {
	out := []obj{}
	for _, id := range ids {
		if r, ok := t.roles.items[id]; ok {
			out = append(out, clone(r))
		}
	}
	return out
}

// memberView is the short user object of member and role-user lists.
func memberView(u obj) obj {
	m := obj{"user_id": u["user_id"]}
	for _, k := range []string{"email", "picture", "name"} {
		if v, ok := u[k]; ok {
			m[k] = v
		}
	}
	return m
}

// checkIDs refuses ids missing from c.
func checkIDs(c *collection, ids []string, what string) error {
	for _, id := range ids {
		if _, ok := c.items[id]; !ok {
			return errorf(http.StatusNotFound, "inexistent_"+what, "The %s %s does not exist.", what, id)
		}
	}
	return nil
}

func (t *Tenant) listUserRoles(w http.ResponseWriter, r *http.Request) error {
	t.mu.Lock()
	id := r.PathValue("id")
	_, ok := t.users.items[id]
	roles := t.rolesOf(t.userRoles[id])
	t.mu.Unlock()
	if !ok {
		return errNoUser
	}
	return page(w, r, "roles", roles)
}

// editUserRoles adds or removes the body's roles of a user.
func (t *Tenant) editUserRoles(w http.ResponseWriter, r *http.Request, add bool) error {
	ids, err := idList(r, "roles")
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	id := r.PathValue("id")
	if _, ok := t.users.items[id]; !ok {
		return errNoUser
	}
	if err := checkIDs(t.roles, ids, "role"); err != nil {
		return err
	}
	if add {
		t.userRoles[id] = addIDs(t.userRoles[id], ids)
	} else {
		t.userRoles[id] = dropIDs(t.userRoles[id], ids)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (t *Tenant) assignUserRoles(w http.ResponseWriter, r *http.Request) error {
	return t.editUserRoles(w, r, true)
}

func (t *Tenant) removeUserRoles(w http.ResponseWriter, r *http.Request) error {
	return t.editUserRoles(w, r, false)
}

func (t *Tenant) listRoleUsers(w http.ResponseWriter, r *http.Request) error {
	t.mu.Lock()
	role := r.PathValue("id")
	_, ok := t.roles.items[role]
	var out []obj
	for _, u := range t.users.list() {
		if slices.Contains(t.userRoles[str(u["user_id"])], role) {
			out = append(out, memberView(u))
		}
	}
	t.mu.Unlock()
	if !ok {
		return errorf(http.StatusNotFound, "inexistent_role", "The role does not exist.")
	}
	return page(w, r, "users", out)
}

func (t *Tenant) assignRoleUsers(w http.ResponseWriter, r *http.Request) error {
	ids, err := idList(r, "users")
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	role := r.PathValue("id")
	if _, ok := t.roles.items[role]; !ok {
		return errorf(http.StatusNotFound, "inexistent_role", "The role does not exist.")
	}
	if err := checkIDs(t.users, ids, "user"); err != nil {
		return err
	}
	for _, u := range ids {
		t.userRoles[u] = addIDs(t.userRoles[u], []string{role})
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

func (t *Tenant) listUserOrgs(w http.ResponseWriter, r *http.Request) error {
	t.mu.Lock()
	id := r.PathValue("id")
	_, ok := t.users.items[id]
	out := []obj{}
	for _, o := range t.orgs.list() {
		if slices.Contains(t.members[str(o["id"])], id) {
			out = append(out, clone(o))
		}
	}
	t.mu.Unlock()
	if !ok {
		return errNoUser
	}
	return page(w, r, "organizations", out)
}

func (t *Tenant) orgByName(w http.ResponseWriter, _ *http.Request, name string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, o := range t.orgs.items {
		if o["name"] == name {
			httpx.WriteJSON(w, http.StatusOK, clone(o))
			return nil
		}
	}
	return errorf(http.StatusNotFound, "inexistent_organization", "No organization found by that name")
}

// org returns the organization of the request's {id}.
func (t *Tenant) org(r *http.Request) (string, error) {
	id := r.PathValue("id")
	if _, ok := t.orgs.items[id]; !ok {
		return "", errorf(http.StatusNotFound, "inexistent_organization", "No organization found by that id")
	}
	return id, nil
}

func (t *Tenant) listMembers(w http.ResponseWriter, r *http.Request) error {
	t.mu.Lock()
	org, err := t.org(r)
	var out []obj
	for _, id := range t.members[org] {
		if u, ok := t.users.items[id]; ok {
			out = append(out, memberView(u))
		}
	}
	t.mu.Unlock()
	if err != nil {
		return err
	}
	return page(w, r, "members", out)
}

// editMembers adds or removes the body's members of an organization.
func (t *Tenant) editMembers(w http.ResponseWriter, r *http.Request, add bool) error {
	ids, err := idList(r, "members")
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	org, err := t.org(r)
	if err != nil {
		return err
	}
	if add {
		if err := checkIDs(t.users, ids, "user"); err != nil {
			return err
		}
		t.members[org] = addIDs(t.members[org], ids)
	} else {
		t.members[org] = dropIDs(t.members[org], ids)
		for _, id := range ids {
			delete(t.memberRoles[org], id)
		}
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (t *Tenant) addMembers(w http.ResponseWriter, r *http.Request) error {
	return t.editMembers(w, r, true)
}

func (t *Tenant) removeMembers(w http.ResponseWriter, r *http.Request) error {
	return t.editMembers(w, r, false)
}

// member returns the organization and member of the request.
func (t *Tenant) member(r *http.Request) (string, string, error) {
	org, err := t.org(r)
	if err != nil {
		return "", "", err
	}
	user := r.PathValue("user_id")
	if !slices.Contains(t.members[org], user) {
		return "", "", errorf(http.StatusNotFound, "inexistent_member", "The user is not a member of the organization.")
	}
	return org, user, nil
}

func (t *Tenant) listMemberRoles(w http.ResponseWriter, r *http.Request) error {
	t.mu.Lock()
	org, user, err := t.member(r)
	var roles []obj
	if err == nil {
		roles = t.rolesOf(t.memberRoles[org][user])
	}
	t.mu.Unlock()
	if err != nil {
		return err
	}
	return page(w, r, "roles", roles)
}

// editMemberRoles adds or removes the body's roles of a member.
func (t *Tenant) editMemberRoles(w http.ResponseWriter, r *http.Request, add bool) error {
	ids, err := idList(r, "roles")
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	org, user, err := t.member(r)
	if err != nil {
		return err
	}
	if err := checkIDs(t.roles, ids, "role"); err != nil {
		return err
	}
	if t.memberRoles[org] == nil {
		t.memberRoles[org] = map[string][]string{}
	}
	if add {
		t.memberRoles[org][user] = addIDs(t.memberRoles[org][user], ids)
	} else {
		t.memberRoles[org][user] = dropIDs(t.memberRoles[org][user], ids)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (t *Tenant) assignMemberRoles(w http.ResponseWriter, r *http.Request) error {
	return t.editMemberRoles(w, r, true)
}

func (t *Tenant) removeMemberRoles(w http.ResponseWriter, r *http.Request) error {
	return t.editMemberRoles(w, r, false)
}
