// This file holds the services and clients CRUD operations.

package authlete

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/idsdk/idsdk-go/sandbox/internal/random"
)

// Members Authlete sets itself and a request cannot change.
var (
	serviceOwned = []string{"number", "apiKey", "apiSecret", "serviceOwnerNumber", "createdAt", "modifiedAt"}
	clientOwned  = []string{"number", "serviceNumber", "clientId", "clientSecret", "createdAt", "modifiedAt", "dynamicallyRegistered"}
)

// merge copies the members of body into o, except the owned ones.
func merge(o, body object, owned []string) {
	for k, v := range body {
		if !slices.Contains(owned, k) {
			o[k] = v
		}
	}
}

// page cuts a list to Authlete's start/end query parameters (end
// exclusive; the default range is 0 to 5).
func page(r *http.Request) (start, end int, ok bool) {
	start, end = 0, 5
	var err error
	if v := r.URL.Query().Get("start"); v != "" {
		if start, err = strconv.Atoi(v); err != nil || start < 0 {
			return 0, 0, false
		}
	}
	if v := r.URL.Query().Get("end"); v != "" {
		if end, err = strconv.Atoi(v); err != nil || end < start {
			return 0, 0, false
		}
	}
	return start, end, true
}

// writePage answers a list request with the page of all that its start
// and end ask for, under member, or with a 400 when they are not a range.
func writePage(w http.ResponseWriter, r *http.Request, member string, all []object) {
	start, end, ok := page(r)
	if !ok {
		writeResult(w, http.StatusBadRequest, "A001302", "start and end must be integers with 0 <= start <= end.")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"start": start, "end": end, "totalCount": len(all), member: window(all, start, end),
	})
}

// window returns the part of xs from start to end.
func window[T any](xs []T, start, end int) []T {
	end = min(end, len(xs))
	if start >= end {
		return []T{}
	}
	return xs[start:end]
}

func (s *Server) serviceGet(w http.ResponseWriter, r *http.Request) {
	id, ok := s.service(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	o := maps.Clone(s.services[id])
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, o)
}

func (s *Server) serviceList(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	ids := slices.Sorted(maps.Keys(s.services))
	all := make([]object, len(ids))
	for i, id := range ids {
		all[i] = maps.Clone(s.services[id])
	}
	s.mu.Unlock()
	writePage(w, r, "services", all)
}

func (s *Server) serviceCreate(w http.ResponseWriter, r *http.Request) {
	var body object
	if !decode(w, r, &body) {
		return
	}
	s.mu.Lock()
	id := s.nextService
	s.nextService++
	now := s.millis()
	o := object{"accessTokenDuration": int64(86400), "refreshTokenDuration": int64(864000)}
	merge(o, body, serviceOwned)
	o["number"], o["apiKey"], o["createdAt"], o["modifiedAt"] = id, id, now, now
	s.services[id] = o
	out := maps.Clone(o)
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, out)
}

func (s *Server) serviceUpdate(w http.ResponseWriter, r *http.Request) {
	var body object
	id, ok := s.serviceBody(w, r, &body)
	if !ok {
		return
	}
	s.mu.Lock()
	o := s.services[id]
	merge(o, body, serviceOwned)
	o["modifiedAt"] = s.millis()
	out := maps.Clone(o)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) serviceDelete(w http.ResponseWriter, r *http.Request) {
	id, ok := s.service(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	delete(s.services, id)
	for cid, c := range s.clients {
		if num(c["serviceNumber"]) == id {
			delete(s.clients, cid)
			s.oauth.RemoveClient(itoa(cid))
		}
	}
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// num reads a stored integer member.
func num(v any) int64 {
	switch v := v.(type) {
	case int64:
		return v
	case json.Number:
		n, _ := v.Int64()
		return n
	case float64:
		return int64(v)
	}
	return 0
}

// client finds a client of service by its ID or alias; the lock is held.
func (s *Server) clientLocked(service int64, idOrAlias string) (object, bool) {
	if id, err := strconv.ParseInt(idOrAlias, 10, 64); err == nil {
		if c, ok := s.clients[id]; ok && num(c["serviceNumber"]) == service {
			return c, true
		}
	}
	for _, c := range s.clients {
		if num(c["serviceNumber"]) == service && c["clientIdAliasEnabled"] == true && c["clientIdAlias"] == idOrAlias {
			return c, true
		}
	}
	return nil, false
}

// withClient runs f on the client the path names, holding the lock; a
// missing client is answered with notFound (Authlete documents 404 on
// some operations and 400 on others).
func (s *Server) withClient(w http.ResponseWriter, r *http.Request, notFound int, f func(service int64, c object)) {
	service, ok := s.service(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	c, ok := s.clientLocked(service, r.PathValue("clientId"))
	if ok {
		f(service, c)
	}
	s.mu.Unlock()
	if !ok {
		writeResult(w, notFound, "A023301", r.URL.Path+", the client does not exist.")
	}
}

func (s *Server) clientGet(w http.ResponseWriter, r *http.Request) {
	var out object
	s.withClient(w, r, http.StatusBadRequest, func(_ int64, c object) { out = maps.Clone(c) })
	if out != nil {
		writeJSON(w, http.StatusOK, out)
	}
}

func (s *Server) clientList(w http.ResponseWriter, r *http.Request) {
	service, ok := s.service(w, r)
	if !ok {
		return
	}
	dev := r.URL.Query().Get("developer")
	s.mu.Lock()
	var all []object
	for _, id := range slices.Sorted(maps.Keys(s.clients)) {
		c := s.clients[id]
		if num(c["serviceNumber"]) == service && (dev == "" || c["developer"] == dev) {
			all = append(all, maps.Clone(c))
		}
	}
	s.mu.Unlock()
	writePage(w, r, "clients", all)
}

func (s *Server) clientCreate(w http.ResponseWriter, r *http.Request) {
	var body object
	service, ok := s.serviceBody(w, r, &body)
	if !ok {
		return
	}
	out := s.AddClient(service, body)
	writeJSON(w, http.StatusCreated, out)
}

// AddClient registers a client in service from the members of body (a
// client object as the client/create operation takes it) and returns it as
// stored, with its clientId and clientSecret. A confidential client using
// the authorization code flow is the default.
func (s *Server) AddClient(service int64, body map[string]any) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.nextClient
	s.nextClient++
	now := s.millis()
	o := object{
		"clientType": "CONFIDENTIAL", "applicationType": "WEB", "tokenAuthMethod": "CLIENT_SECRET_BASIC",
		"grantTypes": []any{"AUTHORIZATION_CODE", "REFRESH_TOKEN"}, "responseTypes": []any{"CODE"},
		"redirectUris": []any{}, "clientIdAliasEnabled": false,
	}
	merge(o, body, clientOwned)
	o["number"], o["serviceNumber"], o["clientId"] = id-999999999, service, id
	o["clientSecret"], o["createdAt"], o["modifiedAt"] = random.Base64URL(48), now, now
	s.clients[id] = o
	s.registerClient(o)
	return maps.Clone(o)
}

func (s *Server) clientUpdate(w http.ResponseWriter, r *http.Request) {
	var body object
	if !decode(w, r, &body) {
		return
	}
	var out object
	s.withClient(w, r, http.StatusNotFound, func(_ int64, c object) {
		merge(c, body, clientOwned)
		c["modifiedAt"] = s.millis()
		s.registerClient(c)
		out = maps.Clone(c)
	})
	if out != nil {
		writeJSON(w, http.StatusOK, out)
	}
}

func (s *Server) clientDelete(w http.ResponseWriter, r *http.Request) {
	done := false
	s.withClient(w, r, http.StatusNotFound, func(_ int64, c object) {
		delete(s.clients, num(c["clientId"]))
		s.oauth.RemoveClient(itoa(num(c["clientId"])))
		done = true
	})
	if done {
		w.WriteHeader(http.StatusNoContent)
	}
}

// stringList reads a stored list of strings.
func stringList(v any) []string {
	var out []string
	if xs, ok := v.([]any); ok {
		for _, x := range xs {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
	}
	if xs, ok := v.([]string); ok {
		out = append(out, xs...)
	}
	return out
}

// hasWord reports whether the space-separated list holds w.
func hasWord(list, w string) bool { return slices.Contains(strings.Fields(list), w) }
