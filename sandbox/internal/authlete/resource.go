// This file holds the calls a resource server makes with an access token:
// introspection, userinfo and userinfo issue.

package authlete

import (
	"encoding/json"
	"net/http"
	"strings"
)

// claimsOfScope are the userinfo claims each standard scope asks for.
var claimsOfScope = map[string][]string{
	"profile": {"name", "family_name", "given_name", "preferred_username", "updated_at"},
	"email":   {"email", "email_verified"},
	"phone":   {"phone_number", "phone_number_verified"},
	"address": {"address"},
}

// bearerError is the WWW-Authenticate value Authlete puts in
// responseContent for a resource server to send.
func bearerError(code, desc string) string {
	return `Bearer error="` + code + `",error_description="` + desc + `"`
}

// lookup returns a copy of the grant of a live access token of service;
// known reports whether the token exists at all (even expired).
func (s *Server) lookup(service int64, token string) (g *grant, known, live bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	x, ok := s.access[token]
	if !ok || x.service != service {
		return nil, false, false
	}
	c := *x
	return &c, true, s.cfg.Now().Before(x.expires)
}

func (s *Server) introspection(w http.ResponseWriter, r *http.Request) {
	service, ok := s.service(w, r)
	if !ok {
		return
	}
	var body struct {
		Token   string   `json:"token"`
		Scopes  []string `json:"scopes"`
		Subject string   `json:"subject"`
	}
	if !decode(w, r, &body) {
		return
	}
	if body.Token == "" {
		answer(w, "BAD_REQUEST", "A006101", "the access token is missing",
			map[string]any{"responseContent": bearerError("invalid_request", "the access token is missing")})
		return
	}
	g, known, live := s.lookup(service, body.Token)
	if !live {
		desc := "the access token does not exist"
		if known {
			desc = "the access token has expired"
		}
		answer(w, "UNAUTHORIZED", "A006102", desc, map[string]any{
			"responseContent": bearerError("invalid_token", desc), "existent": known, "usable": false,
		})
		return
	}
	info := map[string]any{
		"clientId": g.clientID, "subject": g.subject, "scopes": strings.Fields(g.scope),
		"expiresAt": g.expires.UnixMilli(), "existent": true, "usable": true, "refreshable": s.refreshable(body.Token),
	}
	for _, sc := range body.Scopes {
		if !hasWord(g.scope, sc) {
			info["sufficient"] = false
			info["responseContent"] = bearerError("insufficient_scope", "the access token does not cover the scope "+sc)
			answer(w, "FORBIDDEN", "A006103", "the access token does not cover the required scopes", info)
			return
		}
	}
	if body.Subject != "" && body.Subject != g.subject {
		info["sufficient"] = false
		info["responseContent"] = bearerError("invalid_token", "the access token was issued to another subject")
		answer(w, "FORBIDDEN", "A006104", "the access token was issued to another subject", info)
		return
	}
	info["sufficient"] = true
	answer(w, "OK", "A056001", "The access token is valid.", info)
}

// refreshable reports whether a refresh token of the same grant exists
// (approximated by a live refresh token for the same client and subject).
func (s *Server) refreshable(access string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.access[access]
	for _, g := range s.refresh {
		if a != nil && g.clientID == a.clientID && g.subject == a.subject && g.subject != "" {
			return true
		}
	}
	return false
}

// userinfoGrant checks the token of a userinfo call; it answers the error
// itself and returns false when the token does not allow the call.
func (s *Server) userinfoGrant(w http.ResponseWriter, service int64, token string) (*grant, bool) {
	if token == "" {
		answer(w, "BAD_REQUEST", "A007101", "the access token is missing",
			map[string]any{"responseContent": bearerError("invalid_request", "the access token is missing")})
		return nil, false
	}
	g, known, live := s.lookup(service, token)
	if !live {
		desc := "the access token does not exist"
		if known {
			desc = "the access token has expired"
		}
		answer(w, "UNAUTHORIZED", "A007102", desc, map[string]any{"responseContent": bearerError("invalid_token", desc)})
		return nil, false
	}
	if g.subject == "" || !hasWord(g.scope, "openid") {
		desc := "the access token was not issued with the openid scope to a user"
		answer(w, "FORBIDDEN", "A007103", desc, map[string]any{"responseContent": bearerError("insufficient_scope", desc)})
		return nil, false
	}
	return g, true
}

func (s *Server) userinfo(w http.ResponseWriter, r *http.Request) {
	service, ok := s.service(w, r)
	if !ok {
		return
	}
	var body struct {
		Token string `json:"token"`
	}
	if !decode(w, r, &body) {
		return
	}
	g, ok := s.userinfoGrant(w, service, body.Token)
	if !ok {
		return
	}
	claims := []string{}
	for _, sc := range strings.Fields(g.scope) {
		claims = append(claims, claimsOfScope[sc]...)
	}
	answer(w, "OK", "A091001", "The userinfo request is valid.", map[string]any{
		"clientId": g.clientID, "subject": g.subject, "scopes": strings.Fields(g.scope),
		"claims": claims, "token": body.Token, "clientIdAliasUsed": false,
	})
}

func (s *Server) userinfoIssue(w http.ResponseWriter, r *http.Request) {
	service, ok := s.service(w, r)
	if !ok {
		return
	}
	var body struct {
		Token  string `json:"token"`
		Claims string `json:"claims"`
		Sub    string `json:"sub"`
	}
	if !decode(w, r, &body) {
		return
	}
	g, ok := s.userinfoGrant(w, service, body.Token)
	if !ok {
		return
	}
	out := map[string]any{}
	if body.Claims != "" {
		if err := json.Unmarshal([]byte(body.Claims), &out); err != nil {
			writeResult(w, http.StatusBadRequest, "A007201", r.URL.Path+", claims is not a JSON object.")
			return
		}
	}
	out["sub"] = g.subject
	if body.Sub != "" {
		out["sub"] = body.Sub
	}
	content, _ := jsonString(out)
	answer(w, "JSON", "A092001", "The userinfo response is JSON.", map[string]any{"responseContent": content})
}
