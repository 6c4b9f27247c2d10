// This file holds the token flow (/auth/token and its /issue and /fail
// follow-ups for the password grant). Codes, access and refresh tokens
// are minted, rotated and looked up by oauthsrv; this file turns its
// answers into Authlete's actions.

package authlete

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/idsdk/idsdk-go/sandbox/internal/oauthsrv"
	"github.com/idsdk/idsdk-go/sandbox/internal/random"
)

// grantTypes maps a grant_type value to Authlete's name for it.
var grantTypes = map[string]string{
	"authorization_code": "AUTHORIZATION_CODE", "refresh_token": "REFRESH_TOKEN",
	"client_credentials": "CLIENT_CREDENTIALS", "password": "PASSWORD",
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// anySubject is oauthsrv's Users for Authlete: the service authenticates
// its users itself, so every subject it names exists.
type anySubject struct{}

func (anySubject) Authenticate(_, _, _ string) (string, bool)   { return "", false }
func (anySubject) Claims(subject string) (map[string]any, bool) { return map[string]any{}, true }

// registerClient makes oauthsrv know client c (an Authlete client
// object); the lock is held or c is not shared yet.
func (s *Server) registerClient(c object) {
	secret, _ := c["clientSecret"].(string)
	if c["clientType"] == "PUBLIC" {
		secret = ""
	}
	s.oauth.AddClient(oauthsrv.Client{ID: itoa(num(c["clientId"])), Secret: secret, RedirectURIs: stringList(c["redirectUris"])})
}

// tokenAnswer is the OK answer's members for tokens t of grant g,
// responseContent included.
func (s *Server) tokenAnswer(t *oauthsrv.Tokens, g *oauthsrv.Grant, grantType string) map[string]any {
	now := s.cfg.Now()
	content := map[string]any{"access_token": t.AccessToken, "token_type": "Bearer", "expires_in": t.ExpiresIn}
	clientID, _ := strconv.ParseInt(g.ClientID, 10, 64)
	out := map[string]any{
		"accessToken": t.AccessToken, "accessTokenDuration": int64(t.ExpiresIn),
		"accessTokenExpiresAt": now.Add(time.Duration(t.ExpiresIn) * time.Second).UnixMilli(),
		"clientId":             clientID, "subject": g.Subject, "scopes": strings.Fields(g.Scope), "grantType": grantType,
	}
	if g.Scope != "" {
		content["scope"] = g.Scope
	}
	if t.RefreshToken != "" {
		content["refresh_token"] = t.RefreshToken
		out["refreshToken"] = t.RefreshToken
	}
	if t.IDToken != "" {
		content["id_token"] = t.IDToken
		out["idToken"] = t.IDToken
	}
	out["responseContent"], _ = jsonString(content)
	return out
}

// clientGrantTypes returns the grant types a client of service may use,
// or false when there is no such client.
func (s *Server) clientGrantTypes(service int64, id string) (int64, []string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.clientLocked(service, id)
	if !ok {
		return 0, nil, false
	}
	return num(c["clientId"]), stringList(c["grantTypes"]), true
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	var body parametersBody
	service, q, ok := s.readParameters(w, r, &body)
	if !ok {
		return
	}
	if body.ClientID != "" { // what the service read from Basic authentication
		q.Set("client_id", body.ClientID)
		q.Set("client_secret", body.ClientSecret)
	}
	invalidClient := func() {
		answer(w, "INVALID_CLIENT", "A005102", "client authentication failed",
			map[string]any{"responseContent": oauthJSON("invalid_client", "client authentication failed")})
	}
	gt := q.Get("grant_type")
	id, allowed, known := s.clientGrantTypes(service, q.Get("client_id"))
	name, supported := grantTypes[gt]
	switch {
	case gt == "":
		badRequest(w, "A005101", "invalid_request", "grant_type is missing")
		return
	case !known:
		invalidClient()
		return
	case !supported:
		badRequest(w, "A005103", "unsupported_grant_type", "grant_type is not supported")
		return
	case !slices.Contains(allowed, name):
		badRequest(w, "A005104", "unauthorized_client", "the client may not use this grant_type")
		return
	case gt != "refresh_token":
		if bad := s.unsupportedScope(service, q.Get("scope")); bad != "" {
			badRequest(w, "A005105", "invalid_scope", "the scope "+bad+" is not supported")
			return
		}
	}
	q.Set("client_id", itoa(id)) // an alias becomes the ID oauthsrv knows
	if gt == "password" {
		s.tokenPassword(w, service, id, q)
		return
	}
	t, g, err := s.oauth.Exchange(q)
	var oerr *oauthsrv.Error
	switch {
	case errors.As(err, &oerr) && oerr.Code == "invalid_client":
		invalidClient()
	case errors.As(err, &oerr):
		badRequest(w, "A005201", oerr.Code, oerr.Description)
	case err != nil:
		answer(w, "INTERNAL_SERVER_ERROR", "A005901", err.Error(),
			map[string]any{"responseContent": oauthJSON("server_error", "the token could not be issued")})
	default:
		answer(w, "OK", "A050001", "The token request is valid; tokens were issued.", s.tokenAnswer(t, g, name))
	}
}

// unsupportedScope returns the first scope of list the service does not
// support, or "".
func (s *Server) unsupportedScope(service int64, list string) string {
	s.mu.Lock()
	supported := s.scopesLocked(service)
	s.mu.Unlock()
	for _, sc := range strings.Fields(list) {
		if !slices.Contains(supported, sc) {
			return sc
		}
	}
	return ""
}

// tokenPassword hands the resource owner's credentials to the service
// (action PASSWORD) with a ticket for /auth/token/issue or /fail; the
// client must authenticate first.
func (s *Server) tokenPassword(w http.ResponseWriter, service, clientID int64, q url.Values) {
	if !s.clientSecretOK(service, clientID, q.Get("client_secret")) {
		answer(w, "INVALID_CLIENT", "A005102", "client authentication failed",
			map[string]any{"responseContent": oauthJSON("invalid_client", "client authentication failed")})
		return
	}
	if q.Get("username") == "" || q.Get("password") == "" {
		badRequest(w, "A005501", "invalid_request", "username and password are required")
		return
	}
	id := random.Base64URL(32)
	s.mu.Lock()
	s.tickets[id] = &ticket{password: true, service: service, clientID: clientID, scope: q.Get("scope"),
		expires: s.cfg.Now().Add(ticketTTL)}
	s.mu.Unlock()
	answer(w, "PASSWORD", "A005002", "The service must check the resource owner's credentials.", map[string]any{
		"ticket": id, "username": q.Get("username"), "password": q.Get("password"),
		"clientId": clientID, "scopes": strings.Fields(q.Get("scope")), "grantType": "PASSWORD",
	})
}

// clientSecretOK checks a confidential client's secret (a public client
// has none to check).
func (s *Server) clientSecretOK(service, clientID int64, secret string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.clientLocked(service, itoa(clientID))
	if !ok {
		return false
	}
	want, _ := c["clientSecret"].(string)
	return c["clientType"] == "PUBLIC" || subtle.ConstantTimeCompare([]byte(secret), []byte(want)) == 1
}

func (s *Server) tokenIssue(w http.ResponseWriter, r *http.Request) {
	t, subject, ok := s.takeIssue(w, r, true, func() {
		writeResult(w, http.StatusBadRequest, "A005601", r.URL.Path+", the ticket is unknown, used or expired, or the subject is empty.")
	})
	if !ok {
		return
	}
	g := oauthsrv.Grant{ClientID: itoa(t.clientID), Subject: subject, Scope: t.scope, GrantType: oauthsrv.GrantPassword}
	toks, err := s.oauth.Issue(g)
	if err != nil {
		answer(w, "INTERNAL_SERVER_ERROR", "A005602", err.Error(), nil)
		return
	}
	out := s.tokenAnswer(toks, &g, "")
	delete(out, "grantType")
	delete(out, "idToken")
	answer(w, "OK", "A056001", "Tokens were issued for the resource owner.", out)
}

func (s *Server) tokenFail(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Ticket string `json:"ticket"`
		Reason string `json:"reason"`
	}
	service, ok := s.serviceBody(w, r, &body)
	if !ok {
		return
	}
	if _, ok := s.takeTicket(service, body.Ticket, true); !ok {
		writeResult(w, http.StatusBadRequest, "A005701", r.URL.Path+", the ticket is unknown, used or expired.")
		return
	}
	code, desc := "invalid_grant", "the resource owner's credentials are wrong"
	switch body.Reason {
	case "INVALID_TARGET":
		code, desc = "invalid_target", "the resource is not valid"
	case "UNKNOWN", "":
		code, desc = "server_error", "the request failed"
	}
	badRequest(w, "A005702", code, desc)
}
