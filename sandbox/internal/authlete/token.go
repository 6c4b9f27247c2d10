// This file holds the token flow (/auth/token and its /issue and /fail
// follow-ups for the password grant) and the tokens it mints.

package authlete

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// grant is what an authorization code, access token or refresh token
// stands for.
type grant struct {
	service     int64
	clientID    int64
	subject     string
	scope       string
	grantType   string // Authlete's name, e.g. AUTHORIZATION_CODE
	redirectURI string
	challenge   string
	method      string
	nonce       string
	expires     time.Time
}

// grantTypes maps a grant_type value to Authlete's name for it.
var grantTypes = map[string]string{
	"authorization_code": "AUTHORIZATION_CODE", "refresh_token": "REFRESH_TOKEN",
	"client_credentials": "CLIENT_CREDENTIALS", "password": "PASSWORD",
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func jsonString(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

// accessDuration and refreshDuration are the service's token lifetimes
// in seconds.
func (s *Server) accessDuration(service int64) int64 {
	return s.duration(service, "accessTokenDuration", 86400)
}
func (s *Server) refreshDuration(service int64) int64 {
	return s.duration(service, "refreshTokenDuration", 864000)
}

func (s *Server) duration(service int64, key string, def int64) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d := num(s.services[service][key]); d > 0 {
		return d
	}
	return def
}

// issueAccess mints an access token for g and returns it with its expiry.
func (s *Server) issueAccess(g *grant) (string, time.Time) {
	ng := *g
	ng.expires = s.cfg.Now().Add(time.Duration(s.accessDuration(g.service)) * time.Second)
	tok := random(32)
	s.mu.Lock()
	s.access[tok] = &ng
	s.mu.Unlock()
	return tok, ng.expires
}

// issueTokens mints an access token (and a refresh token when asked) and
// returns the OK answer's members, responseContent included.
func (s *Server) issueTokens(g *grant, withRefresh bool) map[string]any {
	at, exp := s.issueAccess(g)
	dur := s.accessDuration(g.service)
	content := map[string]any{"access_token": at, "token_type": "Bearer", "expires_in": dur, "scope": g.scope}
	out := map[string]any{
		"accessToken": at, "accessTokenExpiresAt": exp.UnixMilli(), "accessTokenDuration": dur,
		"clientId": g.clientID, "subject": g.subject, "scopes": strings.Fields(g.scope), "grantType": g.grantType,
	}
	if withRefresh {
		rt, rdur := random(32), s.refreshDuration(g.service)
		rg := *g
		rg.expires = s.cfg.Now().Add(time.Duration(rdur) * time.Second)
		s.mu.Lock()
		s.refresh[rt] = &rg
		s.mu.Unlock()
		content["refresh_token"] = rt
		out["refreshToken"], out["refreshTokenExpiresAt"], out["refreshTokenDuration"] = rt, rg.expires.UnixMilli(), rdur
	}
	if g.scope == "" {
		delete(content, "scope")
	}
	out["responseContent"], _ = jsonString(content)
	return out
}

// tokenClient is the client a token request authenticates as.
type tokenClient struct {
	id         int64
	public     bool
	grantTypes []string
}

// authenticateClient checks the client of a token request: clientId and
// clientSecret from the API call (what the service read from Basic
// authentication) or client_id and client_secret from the parameters.
func (s *Server) authenticateClient(service int64, q url.Values, id, secret string) (*tokenClient, bool) {
	if id == "" {
		id, secret = q.Get("client_id"), q.Get("client_secret")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.clientLocked(service, id)
	if !ok {
		return nil, false
	}
	tc := &tokenClient{id: num(c["clientId"]), public: c["clientType"] == "PUBLIC", grantTypes: stringList(c["grantTypes"])}
	want, _ := c["clientSecret"].(string)
	if !tc.public && subtle.ConstantTimeCompare([]byte(secret), []byte(want)) != 1 {
		return nil, false
	}
	return tc, true
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	service, ok := s.service(w, r)
	if !ok {
		return
	}
	var body struct {
		Parameters   string `json:"parameters"`
		ClientID     string `json:"clientId"`
		ClientSecret string `json:"clientSecret"`
	}
	q, ok := readParameters(w, r, &body)
	if !ok {
		return
	}
	gt := q.Get("grant_type")
	if gt == "" {
		badRequest(w, "A005101", "invalid_request", "grant_type is missing")
		return
	}
	c, ok := s.authenticateClient(service, q, body.ClientID, body.ClientSecret)
	if !ok {
		answer(w, "INVALID_CLIENT", "A005102", "client authentication failed",
			map[string]any{"responseContent": oauthJSON("invalid_client", "client authentication failed")})
		return
	}
	name, known := grantTypes[gt]
	switch {
	case !known:
		badRequest(w, "A005103", "unsupported_grant_type", "grant_type is not supported")
		return
	case !slices.Contains(c.grantTypes, name):
		badRequest(w, "A005104", "unauthorized_client", "the client may not use this grant_type")
		return
	}
	switch gt {
	case "authorization_code":
		s.tokenCode(w, service, c, q)
	case "refresh_token":
		s.tokenRefresh(w, service, c, q)
	case "client_credentials":
		s.tokenClientCredentials(w, service, c, q)
	case "password":
		s.tokenPassword(w, service, c, q)
	}
}

func (s *Server) tokenCode(w http.ResponseWriter, service int64, c *tokenClient, q url.Values) {
	code := q.Get("code")
	s.mu.Lock()
	g, ok := s.codes[code]
	delete(s.codes, code)
	s.mu.Unlock()
	switch {
	case code == "":
		badRequest(w, "A005201", "invalid_request", "code is missing")
	case !ok || g.service != service || !s.cfg.Now().Before(g.expires):
		badRequest(w, "A005202", "invalid_grant", "the authorization code is unknown, used or expired")
	case g.clientID != c.id:
		badRequest(w, "A005203", "invalid_grant", "the authorization code was issued to another client")
	case q.Get("redirect_uri") != g.redirectURI:
		badRequest(w, "A005204", "invalid_grant", "redirect_uri does not match the authorization request")
	case !pkceOK(g.challenge, g.method, q.Get("code_verifier")):
		badRequest(w, "A005205", "invalid_grant", "code_verifier does not match code_challenge")
	default:
		g.grantType = "AUTHORIZATION_CODE"
		answer(w, "OK", "A050001", "The token request is valid; tokens were issued.",
			s.issueTokens(g, slices.Contains(c.grantTypes, "REFRESH_TOKEN")))
	}
}

// pkceOK checks code_verifier against the request's challenge (none
// asked, none needed).
func pkceOK(challenge, method, verifier string) bool {
	if challenge == "" {
		return verifier == ""
	}
	if method == "plain" {
		return verifier == challenge
	}
	sum := sha256.Sum256([]byte(verifier))
	return subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(challenge)) == 1
}

// tokenRefresh redeems a refresh token; it is rotated (the old one stops
// working), and a narrower scope may be asked for.
func (s *Server) tokenRefresh(w http.ResponseWriter, service int64, c *tokenClient, q url.Values) {
	rt := q.Get("refresh_token")
	s.mu.Lock()
	g, ok := s.refresh[rt]
	if ok && g.clientID == c.id && g.service == service {
		delete(s.refresh, rt)
	}
	s.mu.Unlock()
	switch {
	case rt == "":
		badRequest(w, "A005301", "invalid_request", "refresh_token is missing")
		return
	case !ok || g.service != service || !s.cfg.Now().Before(g.expires):
		badRequest(w, "A005302", "invalid_grant", "the refresh token is unknown, used or expired")
		return
	case g.clientID != c.id:
		badRequest(w, "A005303", "invalid_grant", "the refresh token was issued to another client")
		return
	}
	ng := *g
	if sc := q.Get("scope"); sc != "" {
		for _, x := range strings.Fields(sc) {
			if !hasWord(g.scope, x) {
				s.mu.Lock()
				s.refresh[rt] = g // a refused request does not use the token up
				s.mu.Unlock()
				badRequest(w, "A005304", "invalid_scope", "the scope "+x+" was not granted")
				return
			}
		}
		ng.scope = sc
	}
	ng.grantType = "REFRESH_TOKEN"
	answer(w, "OK", "A050001", "The token request is valid; tokens were issued.", s.issueTokens(&ng, true))
}

func (s *Server) tokenClientCredentials(w http.ResponseWriter, service int64, c *tokenClient, q url.Values) {
	if c.public {
		badRequest(w, "A005401", "unauthorized_client", "a public client cannot use client_credentials")
		return
	}
	if bad := s.unsupportedScope(service, q.Get("scope")); bad != "" {
		badRequest(w, "A005402", "invalid_scope", "the scope "+bad+" is not supported")
		return
	}
	g := &grant{service: service, clientID: c.id, scope: q.Get("scope"), grantType: "CLIENT_CREDENTIALS"}
	answer(w, "OK", "A050001", "The token request is valid; tokens were issued.", s.issueTokens(g, false))
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
// (action PASSWORD) with a ticket for /auth/token/issue or /fail.
func (s *Server) tokenPassword(w http.ResponseWriter, service int64, c *tokenClient, q url.Values) {
	if q.Get("username") == "" || q.Get("password") == "" {
		badRequest(w, "A005501", "invalid_request", "username and password are required")
		return
	}
	if bad := s.unsupportedScope(service, q.Get("scope")); bad != "" {
		badRequest(w, "A005502", "invalid_scope", "the scope "+bad+" is not supported")
		return
	}
	id := random(32)
	s.mu.Lock()
	s.tickets[id] = &ticket{password: true, service: service, clientID: c.id, scope: q.Get("scope"),
		expires: s.cfg.Now().Add(ticketTTL)}
	s.mu.Unlock()
	answer(w, "PASSWORD", "A005002", "The service must check the resource owner's credentials.", map[string]any{
		"ticket": id, "username": q.Get("username"), "password": q.Get("password"),
		"clientId": c.id, "scopes": strings.Fields(q.Get("scope")), "grantType": "PASSWORD",
	})
}

func (s *Server) tokenIssue(w http.ResponseWriter, r *http.Request) {
	service, ok := s.service(w, r)
	if !ok {
		return
	}
	var body struct {
		Ticket  string `json:"ticket"`
		Subject string `json:"subject"`
	}
	if !decode(w, r, &body) {
		return
	}
	t, ok := s.takeTicket(service, body.Ticket, true)
	if !ok || body.Subject == "" {
		writeResult(w, http.StatusBadRequest, "A005601", r.URL.Path+", the ticket is unknown, used or expired, or the subject is empty.")
		return
	}
	g := &grant{service: service, clientID: t.clientID, subject: body.Subject, scope: t.scope, grantType: "PASSWORD"}
	out := s.issueTokens(g, true)
	delete(out, "grantType")
	answer(w, "OK", "A056001", "Tokens were issued for the resource owner.", out)
}

func (s *Server) tokenFail(w http.ResponseWriter, r *http.Request) {
	service, ok := s.service(w, r)
	if !ok {
		return
	}
	var body struct {
		Ticket string `json:"ticket"`
		Reason string `json:"reason"`
	}
	if !decode(w, r, &body) {
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
