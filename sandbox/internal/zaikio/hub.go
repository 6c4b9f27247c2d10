// This file holds the Hub API routes and the JSON of its objects.

package zaikio

import (
	"crypto/subtle"
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/idsdk/idsdk-go/sandbox/internal/httpx"
	"github.com/idsdk/idsdk-go/sandbox/internal/random"
)

// routes mounts the Hub API.
func (s *Server) routes(m *http.ServeMux) {
	p := APIPath
	m.HandleFunc("GET "+p+"/person", s.withPerson("directory.person.r", s.getPerson))
	m.HandleFunc("PATCH "+p+"/person", s.withPerson("directory.person.w", s.patchPerson))
	m.HandleFunc("GET "+p+"/person/organization_memberships", s.withPerson("directory.person.r", s.listMemberships))
	m.HandleFunc("POST "+p+"/person/organizations", s.withPerson("directory.organizations.w", s.createOrganization))
	m.HandleFunc("GET "+p+"/person/organizations/{org}/sites", s.withPerson("directory.sites.r", s.memberSites(s.listSites)))
	m.HandleFunc("POST "+p+"/person/organizations/{org}/sites", s.withPerson("directory.sites.w", s.memberSites(s.createSite)))
	m.HandleFunc("GET "+p+"/person/organizations/{org}/sites/{site}", s.withPerson("directory.sites.r", s.memberSites(s.getSite)))
	m.HandleFunc("PATCH "+p+"/person/organizations/{org}/sites/{site}", s.withPerson("directory.sites.w", s.memberSites(s.updateSite)))
	m.HandleFunc("GET "+p+"/organization", s.withOrg("directory.organization.r", s.getOrganization))
	m.HandleFunc("GET "+p+"/sites", s.withOrg("directory.sites.r", s.listSites))
	m.HandleFunc("POST "+p+"/sites", s.withOrg("directory.sites.w", s.createSite))
	m.HandleFunc("GET "+p+"/sites/{site}", s.withOrg("directory.sites.r", s.getSite))
	m.HandleFunc("PATCH "+p+"/sites/{site}", s.withOrg("directory.sites.w", s.updateSite))
	m.HandleFunc("GET "+p+"/connections", s.withApp(s.listConnections))
	m.HandleFunc("GET "+p+"/connections/{id}", s.withApp(s.getConnection))
	m.HandleFunc("GET "+p+"/subscriptions", s.withApp(s.listSubscriptions))
	m.HandleFunc("GET "+p+"/subscriptions/{id}", s.withApp(s.subscription(s.getSubscription)))
	m.HandleFunc("PATCH "+p+"/subscriptions/{id}", s.withApp(s.subscription(s.patchSubscription)))
	m.HandleFunc("DELETE "+p+"/subscriptions/{id}", s.withApp(s.subscription(s.deleteSubscription)))
	m.HandleFunc("POST "+p+"/revoked_access_tokens", s.revoke)
}

// errorsJSON writes {"errors": [msg]} with status.
func errorsJSON(w http.ResponseWriter, status int, msg string) {
	httpx.WriteJSON(w, status, map[string]any{"errors": []string{msg}})
}

// invalid writes a 422 {"errors": {field: [msg]}}.
func invalid(w http.ResponseWriter, field, msg string) {
	httpx.WriteJSON(w, http.StatusUnprocessableEntity, map[string]any{"errors": map[string][]string{field: {msg}}})
}

// decode reads a JSON body, answering 400 when it cannot.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(v); err != nil {
		httpx.WriteJSON(w, http.StatusBadRequest, map[string]any{"errors": map[string][]string{"base": {"the body is not valid JSON"}}})
		return false
	}
	return true
}

// handler serves a request for a bearer; the Server lock is held.
type handler func(w http.ResponseWriter, r *http.Request, b *bearer)

// withBearer checks the token, its kind ("Person" or "Organization") and
// scope, then runs h under the lock.
func (s *Server) withBearer(kind, scope string, h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		b, ok := s.authenticate(r)
		switch {
		case !ok:
			errorsJSON(w, http.StatusUnauthorized, "invalid_access_token")
			return
		case b.kind != kind:
			errorsJSON(w, http.StatusForbidden, "the access token's bearer is not a "+strings.ToLower(kind))
			return
		case !b.can(scope):
			errorsJSON(w, http.StatusForbidden, "the access token lacks the scope "+scope)
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		h(w, r, b)
	}
}

func (s *Server) withPerson(scope string, h handler) http.HandlerFunc {
	return s.withBearer("Person", scope, h)
}

func (s *Server) withOrg(scope string, h handler) http.HandlerFunc {
	return s.withBearer("Organization", scope, h)
}

// memberSites runs h for the organization of the path, which the person
// must belong to, as if the organization were the bearer.
func (s *Server) memberSites(h handler) handler {
	return func(w http.ResponseWriter, r *http.Request, b *bearer) {
		o, ok := s.orgs[r.PathValue("org")]
		if !ok {
			errorsJSON(w, http.StatusNotFound, "not_found")
			return
		}
		if _, member := o.members[b.id]; !member {
			errorsJSON(w, http.StatusForbidden, "the person is not a member of the organization")
			return
		}
		h(w, r, &bearer{kind: "Organization", id: o.ID, clientID: b.clientID, scopes: b.scopes})
	}
}

// withApp authenticates an app (HTTP Basic with its client id and secret)
// or a bearer token of one of its users.
func (s *Server) withApp(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var b *bearer
		if id, secret, ok := r.BasicAuth(); ok {
			s.mu.Lock()
			a, known := s.apps[id]
			s.mu.Unlock()
			if !known || subtle.ConstantTimeCompare([]byte(a.secret), []byte(secret)) != 1 {
				errorsJSON(w, http.StatusUnauthorized, "invalid_client")
				return
			}
			b = &bearer{clientID: id}
		} else if b, ok = s.authenticate(r); !ok {
			errorsJSON(w, http.StatusUnauthorized, "invalid_access_token")
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		h(w, r, b)
	}
}

// ts writes a time as the Hub does.
func ts(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// connected reports whether the app of clientID is connected to id.
func (s *Server) connected(clientID, id string) bool {
	_, ok := recordOf(s, clientID, s.connections, id)
	return ok
}

// subscriptionOf is the subscription member of a person or organization.
func (s *Server) subscriptionOf(clientID, id string) any {
	x, ok := recordOf(s, clientID, s.subs, id)
	if !ok {
		return nil
	}
	return map[string]any{"status": x.status, "plan": x.plan}
}

func (s *Server) orgJSON(o *org, clientID string) map[string]any {
	return map[string]any{
		"id": o.ID, "name": o.Name, "slug": o.slug, "logo_url": nil, "connected": s.connected(clientID, o.ID),
		"kinds": o.Kinds, "kind": o.Kinds[0], "sections": map[string]any{}, "country_code": nullable(o.CountryCode),
		"currency": "EUR", "subscription": s.subscriptionOf(clientID, o.ID), "brand_color": nil,
		"test_account_owner_id": nil, "created_at": ts(o.created), "updated_at": ts(o.updated),
	}
}

func (s *Server) memberships(personID, clientID string) []any {
	out := []any{}
	for _, id := range slices.Sorted(maps.Keys(s.orgs)) {
		o := s.orgs[id]
		if m, ok := o.members[personID]; ok {
			out = append(out, map[string]any{
				"id": m.id, "roles": m.roles, "created_at": ts(m.created), "updated_at": ts(m.updated),
				"organization": s.orgJSON(o, clientID),
			})
		}
	}
	return out
}

func (s *Server) personJSON(p *person, clientID string) map[string]any {
	return map[string]any{
		"id": p.ID, "first_name": nullable(p.FirstName), "name": p.Name,
		"full_name": strings.TrimSpace(p.FirstName + " " + p.Name), "email": p.Email, "email_confirmed": true,
		"pronoun": nil, "locale": p.Locale, "unit_system": "metric", "country_code": nullable(p.CountryCode),
		"currency": "EUR", "time_zone": p.TimeZone, "avatar_url": nil, "connected": s.connected(clientID, p.ID),
		"subscription": s.subscriptionOf(clientID, p.ID), "created_at": ts(p.created), "updated_at": ts(p.updated),
		"organization_memberships": s.memberships(p.ID, clientID), "accessible_apps": []any{},
		"two_factor_authentication_enabled": false, "test_account_owner_id": nil,
	}
}

func (s *Server) siteJSON(st *site, clientID string) map[string]any {
	var addr any
	if st.Address != "" {
		addr = map[string]any{
			"id": st.ID, "addressee": st.Addressee, "street": st.Address, "number": nil, "zip_code": "",
			"town": "", "country_code": nullable(s.orgs[st.org].CountryCode), "state": nil, "addition": nil,
			"location": []any{nil, nil}, "created_at": ts(st.created), "updated_at": ts(st.updated),
		}
	}
	return map[string]any{
		"id": st.ID, "name": st.Name, "headquarter": st.Headquarter, "address": addr,
		"created_at": ts(st.created), "updated_at": ts(st.updated), "organization": s.orgJSON(s.orgs[st.org], clientID),
	}
}

func (s *Server) getPerson(w http.ResponseWriter, _ *http.Request, b *bearer) {
	p, ok := s.people[b.id]
	if !ok {
		errorsJSON(w, http.StatusUnauthorized, "invalid_access_token")
		return
	}
	httpx.WriteJSON(w, http.StatusOK, s.personJSON(p, b.clientID))
}

func (s *Server) patchPerson(w http.ResponseWriter, r *http.Request, b *bearer) {
	var body struct {
		Person map[string]*string `json:"person"`
	}
	if !decode(w, r, &body) {
		return
	}
	p, ok := s.people[b.id]
	if !ok {
		errorsJSON(w, http.StatusUnauthorized, "invalid_access_token")
		return
	}
	for k, v := range body.Person {
		val := ""
		if v != nil {
			val = *v
		}
		switch k {
		case "first_name":
			p.FirstName = val
		case "name":
			p.Name = val
		case "locale":
			p.Locale = val
		case "country_code":
			p.CountryCode = val
		}
	}
	p.updated = s.now()
	httpx.WriteJSON(w, http.StatusOK, s.personJSON(p, b.clientID))
}

func (s *Server) listMemberships(w http.ResponseWriter, _ *http.Request, b *bearer) {
	httpx.WriteJSON(w, http.StatusOK, s.memberships(b.id, b.clientID))
}

func (s *Server) createOrganization(w http.ResponseWriter, r *http.Request, b *bearer) {
	var body struct {
		Organization struct {
			Name        string   `json:"name"`
			CountryCode *string  `json:"country_code"`
			Kind        string   `json:"kind"`
			Kinds       []string `json:"kinds"`
		} `json:"organization"`
	}
	if !decode(w, r, &body) {
		return
	}
	o := body.Organization
	if strings.TrimSpace(o.Name) == "" {
		invalid(w, "name", "can't be blank")
		return
	}
	kinds := o.Kinds
	if len(kinds) == 0 && o.Kind != "" {
		kinds = []string{o.Kind}
	}
	cc := ""
	if o.CountryCode != nil {
		cc = *o.CountryCode
	}
	id := s.addOrgLocked(Organization{Name: o.Name, CountryCode: cc, Kinds: kinds, Members: []string{b.id}})
	httpx.WriteJSON(w, http.StatusCreated, s.orgJSON(s.orgs[id], b.clientID))
}

func (s *Server) getOrganization(w http.ResponseWriter, _ *http.Request, b *bearer) {
	o, ok := s.orgs[b.id]
	if !ok {
		errorsJSON(w, http.StatusNotFound, "not_found")
		return
	}
	httpx.WriteJSON(w, http.StatusOK, s.orgJSON(o, b.clientID))
}

// page cuts a list to the page and per_page parameters and sets the
// paging headers.
func page[T any](w http.ResponseWriter, r *http.Request, all []T) []T {
	n, size := 1, 25
	if v, err := strconv.Atoi(r.URL.Query().Get("page")); err == nil && v > 0 {
		n = v
	}
	if v, err := strconv.Atoi(r.URL.Query().Get("per_page")); err == nil && v > 0 {
		size = min(v, 100)
	}
	pages := max(1, (len(all)+size-1)/size)
	h := w.Header()
	h.Set("Current-Page", strconv.Itoa(n))
	h.Set("Per-Page", strconv.Itoa(size))
	h.Set("Total-Count", strconv.Itoa(len(all)))
	h.Set("Total-Pages", strconv.Itoa(pages))
	start := min((n-1)*size, len(all))
	out := all[start:min(start+size, len(all))]
	if out == nil {
		out = []T{}
	}
	return out
}

func (s *Server) orgSites(orgID string) []*site {
	var out []*site
	for _, id := range slices.Sorted(maps.Keys(s.sites)) {
		if st := s.sites[id]; st.org == orgID {
			out = append(out, st)
		}
	}
	slices.SortStableFunc(out, func(a, b *site) int { return a.created.Compare(b.created) })
	return out
}

func (s *Server) listSites(w http.ResponseWriter, r *http.Request, b *bearer) {
	out := []any{}
	for _, st := range page(w, r, s.orgSites(b.id)) {
		out = append(out, s.siteJSON(st, b.clientID))
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

// siteBody is the body of a site create or update.
type siteBody struct {
	Site struct {
		Name    *string `json:"name"`
		Address *struct {
			Addressee string `json:"addressee"`
			Text      string `json:"text"`
		} `json:"address_attributes"`
	} `json:"site"`
}

func (s *Server) createSite(w http.ResponseWriter, r *http.Request, b *bearer) {
	var body siteBody
	if !decode(w, r, &body) {
		return
	}
	if body.Site.Name == nil || strings.TrimSpace(*body.Site.Name) == "" {
		invalid(w, "name", "can't be blank")
		return
	}
	now := s.now()
	st := &site{Site: Site{ID: random.UUID(), Name: *body.Site.Name}, org: b.id, created: now, updated: now}
	if a := body.Site.Address; a != nil {
		st.Addressee, st.Address = a.Addressee, a.Text
	}
	s.sites[st.ID] = st
	httpx.WriteJSON(w, http.StatusCreated, s.siteJSON(st, b.clientID))
}

// siteOf finds the path's site of the bearer's organization.
func (s *Server) siteOf(w http.ResponseWriter, r *http.Request, b *bearer) (*site, bool) {
	st, ok := s.sites[r.PathValue("site")]
	if !ok || st.org != b.id {
		errorsJSON(w, http.StatusNotFound, "not_found")
		return nil, false
	}
	return st, true
}

func (s *Server) getSite(w http.ResponseWriter, r *http.Request, b *bearer) {
	if st, ok := s.siteOf(w, r, b); ok {
		httpx.WriteJSON(w, http.StatusOK, s.siteJSON(st, b.clientID))
	}
}

func (s *Server) updateSite(w http.ResponseWriter, r *http.Request, b *bearer) {
	var body siteBody
	if !decode(w, r, &body) {
		return
	}
	st, ok := s.siteOf(w, r, b)
	if !ok {
		return
	}
	if n := body.Site.Name; n != nil {
		if strings.TrimSpace(*n) == "" {
			invalid(w, "name", "can't be blank")
			return
		}
		st.Name = *n
	}
	if a := body.Site.Address; a != nil {
		st.Addressee, st.Address = a.Addressee, a.Text
	}
	st.updated = s.now()
	httpx.WriteJSON(w, http.StatusOK, s.siteJSON(st, b.clientID))
}

// visible reports whether b sees the data of the person or organization
// id: an app sees all of its own, a bearer token only its bearer's.
func (b *bearer) visible(id string) bool { return b.kind == "" || b.id == id }

// connectionJSON is a connection; the list answer also carries the
// requested scopes (the single one's document leaves them out).
func (s *Server) connectionJSON(c *connection, inList bool) map[string]any {
	out := map[string]any{
		"app_name": c.app, "connectable_type": c.kind, "connectable_id": c.id,
		"created_at": ts(c.created), "updated_at": ts(c.updated), "granted_oauth_scopes": c.scopes,
	}
	if inList {
		out["requested_oauth_scopes"], out["requested_oauth_scopes_waiting_for_approval"] = []string{}, []string{}
	}
	return out
}

// appRecord is what an app keeps of a person or organization: a
// connection or a subscription.
type appRecord interface {
	appName() string
	ownerID() string
}

func (c *connection) appName() string   { return c.app }
func (c *connection) ownerID() string   { return c.id }
func (x *subscription) appName() string { return x.app }
func (x *subscription) ownerID() string { return x.subscriber }

// ofApp lists the records of all that belong to b's app and that b sees.
func ofApp[T appRecord](s *Server, b *bearer, all []T) []T {
	name := s.apps[b.clientID].name
	var out []T
	for _, x := range all {
		if x.appName() == name && b.visible(x.ownerID()) {
			out = append(out, x)
		}
	}
	return out
}

// recordOf returns the record of all that the app of clientID keeps of
// the person or organization id.
func recordOf[T appRecord](s *Server, clientID string, all []T, id string) (T, bool) {
	name := s.apps[clientID].name
	for _, x := range all {
		if x.appName() == name && x.ownerID() == id {
			return x, true
		}
	}
	var none T
	return none, false
}

// writeRecords answers a list call with the records whose owner the
// query parameter filter names (all of them without it), one page, each
// as render makes it.
func writeRecords[T appRecord](w http.ResponseWriter, r *http.Request, list []T, filter string, render func(T) map[string]any) {
	id := r.URL.Query().Get(filter)
	out := []any{}
	for _, x := range page(w, r, slices.DeleteFunc(list, func(x T) bool { return id != "" && x.ownerID() != id })) {
		out = append(out, render(x))
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

func (s *Server) listConnections(w http.ResponseWriter, r *http.Request, b *bearer) {
	writeRecords(w, r, ofApp(s, b, s.connections), "filters[connectable_id]", func(c *connection) map[string]any {
		return s.connectionJSON(c, true)
	})
}

func (s *Server) getConnection(w http.ResponseWriter, r *http.Request, b *bearer) {
	for _, c := range ofApp(s, b, s.connections) {
		if c.id == r.PathValue("id") {
			httpx.WriteJSON(w, http.StatusOK, s.connectionJSON(c, false))
			return
		}
	}
	errorsJSON(w, http.StatusNotFound, "not_found")
}

func (s *Server) subscriptionJSON(x *subscription) map[string]any {
	usages := x.usages
	if usages == nil {
		usages = map[string]int{}
	}
	return map[string]any{
		"id": x.id, "app_name": x.app, "subscriber_type": x.kind, "subscriber_id": x.subscriber,
		"status": x.status, "plan": x.plan, "preceding_plan": nil, "changed_plan_at": nil,
		"activated_at": ts(x.activated), "last_billed_at": nil, "last_paid_at": nil,
		"usages_in_current_billing_period": usages, "trial_ended_at": nil,
		"created_at": ts(x.created), "updated_at": ts(x.updated),
	}
}

func (s *Server) listSubscriptions(w http.ResponseWriter, r *http.Request, b *bearer) {
	writeRecords(w, r, ofApp(s, b, s.subs), "filters[subscriber_id]", s.subscriptionJSON)
}

// subscription runs h with the path's subscription (by its id or its
// subscriber's id).
func (s *Server) subscription(h func(http.ResponseWriter, *http.Request, *subscription)) handler {
	return func(w http.ResponseWriter, r *http.Request, b *bearer) {
		id := r.PathValue("id")
		for _, x := range ofApp(s, b, s.subs) {
			if x.id == id || x.subscriber == id {
				h(w, r, x)
				return
			}
		}
		errorsJSON(w, http.StatusNotFound, "not_found")
	}
}

func (s *Server) getSubscription(w http.ResponseWriter, _ *http.Request, x *subscription) {
	httpx.WriteJSON(w, http.StatusOK, s.subscriptionJSON(x))
}

func (s *Server) patchSubscription(w http.ResponseWriter, r *http.Request, x *subscription) {
	var body struct {
		Subscription struct {
			Status     string         `json:"status"`
			Increments map[string]int `json:"increment_usages_in_current_billing_period"`
		} `json:"subscription"`
	}
	if !decode(w, r, &body) {
		return
	}
	if st := body.Subscription.Status; st != "" {
		if st != "active" {
			invalid(w, "status", "is not included in the list")
			return
		}
		x.status = st
	}
	if x.usages == nil {
		x.usages = map[string]int{}
	}
	for k, n := range body.Subscription.Increments {
		x.usages[k] += n
	}
	x.updated = s.now()
	httpx.WriteJSON(w, http.StatusOK, s.subscriptionJSON(x))
}

func (s *Server) deleteSubscription(w http.ResponseWriter, _ *http.Request, x *subscription) {
	s.subs = slices.DeleteFunc(s.subs, func(y *subscription) bool { return y == x })
	w.WriteHeader(http.StatusNoContent)
}

// revoke ends the bearer token of the request.
func (s *Server) revoke(w http.ResponseWriter, r *http.Request) {
	if _, err := s.oauth.Authenticate(r); err != nil {
		errorsJSON(w, http.StatusUnauthorized, "invalid_access_token")
		return
	}
	s.oauth.ExpireRequest(r)
	httpx.WriteJSON(w, http.StatusCreated, map[string]any{"access_token_id": random.UUID()})
}
