// This file holds the calls a resource server makes with an access token:
// introspection, userinfo and userinfo issue.

package authlete

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/idsdk/idsdk-go/sandbox/internal/oauthsrv"
)

// clientIDOf is the numeric client ID of a grant.
func clientIDOf(g *oauthsrv.Grant) int64 {
	id, _ := strconv.ParseInt(g.ClientID, 10, 64)
	return id
}

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

// lookup returns the grant of a live access token issued to a client of
// service.
func (s *Server) lookup(service int64, token string) (*oauthsrv.Grant, bool) {
	g, ok := s.oauth.Lookup(token)
	if !ok {
		return nil, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, mine := s.clientLocked(service, g.ClientID)
	return g, mine
}

func (s *Server) introspection(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Token   string   `json:"token"`
		Scopes  []string `json:"scopes"`
		Subject string   `json:"subject"`
	}
	service, ok := s.serviceBody(w, r, &body)
	if !ok {
		return
	}
	if body.Token == "" {
		answer(w, "BAD_REQUEST", "A006101", "the access token is missing",
			map[string]any{"responseContent": bearerError("invalid_request", "the access token is missing")})
		return
	}
	g, live := s.lookup(service, body.Token)
	if !live {
		desc := "the access token does not exist or has expired"
		answer(w, "UNAUTHORIZED", "A006102", desc, map[string]any{
			"responseContent": bearerError("invalid_token", desc), "existent": false, "usable": false,
		})
		return
	}
	info := map[string]any{
		"clientId": clientIDOf(g), "subject": g.Subject, "scopes": strings.Fields(g.Scope),
		"expiresAt": g.ExpiresAt.UnixMilli(), "existent": true, "usable": true, "refreshable": g.Subject != "",
	}
	for _, sc := range body.Scopes {
		if !g.HasScope(sc) {
			info["sufficient"] = false
			info["responseContent"] = bearerError("insufficient_scope", "the access token does not cover the scope "+sc)
			answer(w, "FORBIDDEN", "A006103", "the access token does not cover the required scopes", info)
			return
		}
	}
	if body.Subject != "" && body.Subject != g.Subject {
		info["sufficient"] = false
		info["responseContent"] = bearerError("invalid_token", "the access token was issued to another subject")
		answer(w, "FORBIDDEN", "A006104", "the access token was issued to another subject", info)
		return
	}
	info["sufficient"] = true
	answer(w, "OK", "A056001", "The access token is valid.", info)
}

// userinfoGrant reads the service and a userinfo call's body into body,
// then checks the token the body holds at tokenField; it answers the
// error itself and returns false when the call is not allowed.
func (s *Server) userinfoGrant(w http.ResponseWriter, r *http.Request, body any, tokenField *string) (*oauthsrv.Grant, bool) {
	service, ok := s.serviceBody(w, r, body)
	if !ok {
		return nil, false
	}
	token := *tokenField
	if token == "" {
		answer(w, "BAD_REQUEST", "A007101", "the access token is missing",
			map[string]any{"responseContent": bearerError("invalid_request", "the access token is missing")})
		return nil, false
	}
	g, live := s.lookup(service, token)
	if !live {
		desc := "the access token does not exist or has expired"
		answer(w, "UNAUTHORIZED", "A007102", desc, map[string]any{"responseContent": bearerError("invalid_token", desc)})
		return nil, false
	}
	if g.Subject == "" || !g.HasScope("openid") {
		desc := "the access token was not issued with the openid scope to a user"
		answer(w, "FORBIDDEN", "A007103", desc, map[string]any{"responseContent": bearerError("insufficient_scope", desc)})
		return nil, false
	}
	return g, true
}

func (s *Server) userinfo(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Token string `json:"token"`
	}
	g, ok := s.userinfoGrant(w, r, &body, &body.Token)
	if !ok {
		return
	}
	claims := []string{}
	for _, sc := range strings.Fields(g.Scope) {
		claims = append(claims, claimsOfScope[sc]...)
	}
	answer(w, "OK", "A091001", "The userinfo request is valid.", map[string]any{
		"clientId": clientIDOf(g), "subject": g.Subject, "scopes": strings.Fields(g.Scope),
		"claims": claims, "token": body.Token, "clientIdAliasUsed": false,
	})
}

func (s *Server) userinfoIssue(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Token  string `json:"token"`
		Claims string `json:"claims"`
		Sub    string `json:"sub"`
	}
	g, ok := s.userinfoGrant(w, r, &body, &body.Token)
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
	out["sub"] = g.Subject
	if body.Sub != "" {
		out["sub"] = body.Sub
	}
	content, _ := jsonString(out)
	answer(w, "JSON", "A092001", "The userinfo response is JSON.", map[string]any{"responseContent": content})
}
