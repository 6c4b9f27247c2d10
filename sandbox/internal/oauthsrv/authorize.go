// This file holds the authorize endpoint (a login page a test submits
// with a plain HTTP client), userinfo, discovery, the JWKS and
// revocation.

package oauthsrv

import (
	"html/template"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/idsdk/idsdk-go/sandbox/internal/random"
)

// codeTTL is the lifetime of an authorization code.
const codeTTL = 5 * time.Minute

// pending is an authorization request waiting for its code to be
// redeemed.
type pending struct {
	clientID, redirectURI, scope, audience, nonce string
	challenge, method, subject, organization      string
	authTime, expires                             time.Time
}

// authParams are the authorization request parameters the login page
// carries through its form.
var authParams = []string{
	"response_type", "client_id", "redirect_uri", "scope", "state", "nonce", "audience",
	"code_challenge", "code_challenge_method", "connection", "organization", "prompt", "response_mode",
}

// loginPage is the login form. Its field names (username, password) and
// form id are stable: tests fill them without a browser.
var loginPage = template.Must(template.New("login").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>Sign in</title></head>
<body>
<h1>Sign in</h1>
{{if .Error}}<p id="error" role="alert">{{.Error}}</p>{{end}}
<form id="login" method="post" action="{{.Action}}">
{{range $k, $v := .Hidden}}<input type="hidden" name="{{$k}}" value="{{$v}}">
{{end}}<label>Username or email <input name="username" autocomplete="username" value="{{.Username}}"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Continue</button>
</form>
</body></html>
`))

// authorize shows the login page (GET) and signs the user in (POST),
// redirecting back with a code.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	q := r.Form
	s.mu.Lock()
	c, ok := s.clients[q.Get("client_id")]
	s.mu.Unlock()
	if !ok {
		http.Error(w, "unknown client_id", http.StatusBadRequest)
		return
	}
	redirect := q.Get("redirect_uri")
	if !redirectOK(c, redirect) {
		http.Error(w, "redirect_uri is not allowed for this client", http.StatusBadRequest)
		return
	}
	back := func(v url.Values) {
		if st := q.Get("state"); st != "" {
			v.Set("state", st)
		}
		u, _ := url.Parse(redirect)
		u.RawQuery = v.Encode()
		http.Redirect(w, r, u.String(), http.StatusFound)
	}
	switch {
	case q.Get("response_type") != "code":
		back(url.Values{"error": {"unsupported_response_type"}, "error_description": {"only response_type=code is supported"}})
		return
	case c.Secret == "" && q.Get("code_challenge") == "":
		back(url.Values{"error": {"invalid_request"}, "error_description": {"a public client must send code_challenge"}})
		return
	case q.Get("code_challenge_method") != "" && q.Get("code_challenge_method") != "S256" && q.Get("code_challenge_method") != "plain":
		back(url.Values{"error": {"invalid_request"}, "error_description": {"unsupported code_challenge_method"}})
		return
	}
	if r.Method != http.MethodPost {
		s.renderLogin(w, http.StatusOK, q, "")
		return
	}
	sub, ok := s.cfg.Users.Authenticate(q.Get("connection"), q.Get("username"), q.Get("password"))
	if !ok {
		s.renderLogin(w, http.StatusUnauthorized, q, "Wrong email or password.")
		return
	}
	code := s.NewCode(CodeRequest{
		ClientID: c.ID, RedirectURI: redirect, Scope: q.Get("scope"), Audience: q.Get("audience"), Subject: sub,
		Nonce: q.Get("nonce"), Challenge: q.Get("code_challenge"), ChallengeMethod: q.Get("code_challenge_method"),
		Organization: q.Get("organization"),
	})
	back(url.Values{"code": {code}})
}

// CodeRequest is an approved authorization request.
type CodeRequest struct {
	// ClientID and RedirectURI are the client's; the code is redeemed
	// only by that client with that redirect URI.
	ClientID, RedirectURI string
	// Scope and Audience are what the tokens get.
	Scope, Audience string
	// Subject is the signed-in user.
	Subject string
	// Nonce goes into the ID token.
	Nonce string
	// Challenge and ChallengeMethod ("S256" or "plain") are PKCE's.
	Challenge, ChallengeMethod string
	// Organization is the organization the request named.
	Organization string
}

// NewCode records an approved authorization request (what the login
// page does when the user signs in) and returns its code, valid for five
// minutes and once.
func (s *Server) NewCode(req CodeRequest) string {
	code := random.Base64URL(24)
	now := s.cfg.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.codes[code] = &pending{
		clientID: req.ClientID, redirectURI: req.RedirectURI, scope: req.Scope,
		audience: first(req.Audience, s.cfg.DefaultAudience), nonce: req.Nonce, challenge: req.Challenge,
		method: req.ChallengeMethod, subject: req.Subject, organization: req.Organization,
		authTime: now, expires: now.Add(codeTTL),
	}
	return code
}

// renderLogin writes the login page carrying the request's parameters.
func (s *Server) renderLogin(w http.ResponseWriter, status int, q url.Values, msg string) {
	hidden := map[string]string{}
	for _, k := range authParams {
		if v := q.Get(k); v != "" {
			hidden[k] = v
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = loginPage.Execute(w, map[string]any{
		"Action": s.cfg.Paths.Authorize, "Hidden": hidden, "Error": msg, "Username": q.Get("username"),
	})
}

// redirectOK reports whether uri may receive c's codes.
func redirectOK(c *Client, uri string) bool {
	if len(c.RedirectURIs) > 0 {
		return slices.Contains(c.RedirectURIs, uri)
	}
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "http" {
		return false
	}
	h := u.Hostname()
	return h == "localhost" || h == "127.0.0.1" || h == "::1"
}

// userinfo answers the claims of the token's user.
func (s *Server) userinfo(w http.ResponseWriter, r *http.Request) {
	unauthorized := func(why string) {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "invalid_token", "error_description": why})
	}
	g, err := s.Authenticate(r)
	if err != nil || g.Subject == "" {
		unauthorized("the access token is missing, expired or not a user's")
		return
	}
	c, ok := s.cfg.Users.Claims(g.Subject)
	if !ok {
		unauthorized("the user is gone")
		return
	}
	c = maps.Clone(c)
	if c == nil {
		c = map[string]any{}
	}
	c["sub"] = g.Subject
	writeJSON(w, http.StatusOK, c)
}

// jwks publishes the signing keys.
func (s *Server) jwks(w http.ResponseWriter, _ *http.Request) {
	keys, err := s.keys.public()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"keys": keys})
}

// discovery is the OpenID configuration document.
func (s *Server) discovery(w http.ResponseWriter, _ *http.Request) {
	p := s.cfg.Paths
	doc := map[string]any{
		"issuer":                                s.cfg.Issuer,
		"response_types_supported":              []string{"code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"code_challenge_methods_supported":      []string{"S256", "plain"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post", "private_key_jwt", "none"},
		"grant_types_supported": []string{
			GrantAuthorizationCode, GrantRefreshToken, GrantClientCredentials, GrantPassword, GrantPasswordRealm,
		},
		"scopes_supported": []string{"openid", "profile", "email", "offline_access"},
		"claims_supported": []string{"aud", "auth_time", "email", "email_verified", "exp", "iat", "iss", "name", "nickname", "picture", "sub"},
	}
	for key, path := range map[string]string{
		"authorization_endpoint": p.Authorize, "token_endpoint": p.Token, "userinfo_endpoint": p.UserInfo,
		"jwks_uri": p.JWKS, "revocation_endpoint": p.Revoke,
	} {
		if path != "" {
			doc[key] = s.URL(path)
		}
	}
	writeJSON(w, http.StatusOK, doc)
}

// revoke revokes a refresh token (and an access token given instead).
func (s *Server) revoke(w http.ResponseWriter, r *http.Request) {
	form, err := params(r)
	if err != nil || form.Get("token") == "" {
		writeError(w, errf(http.StatusBadRequest, "invalid_request", "missing token"))
		return
	}
	c, oerr := s.client(r, form)
	if oerr != nil {
		writeError(w, oerr)
		return
	}
	tok := form.Get("token")
	s.mu.Lock()
	if g, ok := s.refresh[tok]; ok && g.ClientID == c.ID {
		delete(s.refresh, tok)
		s.revoked[tok] = true
	}
	if g, ok := s.access[tok]; ok && g.ClientID == c.ID {
		delete(s.access, tok)
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, "OK")
}

// scopeHas reports whether a space-separated scope holds s.
func scopeHas(scope, s string) bool { return slices.Contains(strings.Fields(scope), s) }

// scopeList splits a scope parameter: space-separated, or comma-separated
// as Zaikio writes it.
func scopeList(scope string) []string {
	return strings.FieldsFunc(scope, func(r rune) bool { return r == ' ' || r == ',' })
}
