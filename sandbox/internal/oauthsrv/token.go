// This file holds the token endpoint and the minting of tokens.

package oauthsrv

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/idsdk/idsdk-go/sandbox/internal/httpx"
	"github.com/idsdk/idsdk-go/sandbox/internal/random"
)

// idTokenTTL is the lifetime of ID tokens (Auth0's default, 10 hours).
const idTokenTTL = 10 * time.Hour

// Error is an RFC 6749 error answer of the token endpoint.
type Error struct {
	// Status is the HTTP status it is answered with.
	Status int
	// Code is the "error" member (invalid_grant, invalid_client, ...).
	Code string
	// Description is the "error_description" member.
	Description string
}

// Error implements error.
func (e *Error) Error() string { return e.Code + ": " + e.Description }

func errf(status int, code, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Description: fmt.Sprintf(format, args...)}
}

// writeError writes e as JSON.
func writeError(w http.ResponseWriter, e *Error) {
	if e.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="token"`)
	}
	writeJSON(w, e.Status, map[string]any{"error": e.Code, "error_description": e.Description})
}

// writeJSON writes v with status; a token answer is never cached.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Cache-Control", "no-store")
	httpx.WriteJSON(w, status, v)
}

func jsonMarshal(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("oauthsrv: encode: %w", err)
	}
	return b, nil
}

// params reads a form or JSON body (Auth0 takes both) as url.Values.
func params(r *http.Request) (url.Values, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/json" {
		if err := r.ParseForm(); err != nil {
			return nil, err
		}
		return r.PostForm, nil
	}
	var m map[string]any
	if err := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20)).Decode(&m); err != nil {
		return nil, err
	}
	v := url.Values{}
	for k, x := range m {
		switch x := x.(type) {
		case string:
			v.Set(k, x)
		case nil:
		default:
			b, _ := json.Marshal(x)
			v.Set(k, string(b))
		}
	}
	return v, nil
}

// token is the token endpoint.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeError(w, errf(http.StatusMethodNotAllowed, "invalid_request", "use POST"))
		return
	}
	form, err := params(r)
	if err != nil {
		writeError(w, errf(http.StatusBadRequest, "invalid_request", "unreadable body"))
		return
	}
	toks, g, oerr := s.exchange(r, form)
	if oerr != nil {
		writeError(w, oerr)
		return
	}
	body := map[string]any{"access_token": toks.AccessToken, "token_type": "Bearer", "expires_in": toks.ExpiresIn}
	if toks.Scope != "" {
		body["scope"] = toks.Scope
	}
	if toks.RefreshToken != "" {
		body["refresh_token"] = toks.RefreshToken
	}
	if toks.IDToken != "" {
		body["id_token"] = toks.IDToken
	}
	if s.cfg.TokenResponse != nil {
		s.cfg.TokenResponse(g, body)
	}
	writeJSON(w, http.StatusOK, body)
}

// Exchange runs the token endpoint's grants on form (grant_type,
// client_id, client_secret, code, redirect_uri, code_verifier,
// refresh_token, scope, username, password, realm, audience) with no
// HTTP request. A failure is an *Error.
func (s *Server) Exchange(form url.Values) (*Tokens, *Grant, error) {
	toks, g, err := s.exchange(nil, form)
	if err != nil {
		return nil, nil, err
	}
	return toks, g, nil
}

// exchange authenticates the client (from r's Basic header when r is
// set, else the form) and runs the grant.
func (s *Server) exchange(r *http.Request, form url.Values) (*Tokens, *Grant, *Error) {
	c, oerr := s.client(r, form)
	if oerr != nil {
		return nil, nil, oerr
	}
	var g *Grant
	refresh := true
	switch gt := form.Get("grant_type"); gt {
	case GrantClientCredentials:
		g, oerr = s.clientCredentials(c, form)
		if oerr == nil && s.cfg.ClientCredentials != nil {
			oerr = s.cfg.ClientCredentials(g)
		}
		refresh = false
	case GrantPassword, GrantPasswordRealm:
		g, oerr = s.password(c, form, gt)
	case GrantAuthorizationCode:
		g, oerr = s.exchangeCode(c, form)
	case GrantRefreshToken:
		g, refresh, oerr = s.useRefresh(c, form)
	case "":
		oerr = errf(http.StatusBadRequest, "invalid_request", "missing grant_type")
	default:
		oerr = errf(http.StatusBadRequest, "unsupported_grant_type", "grant type %q is not supported", gt)
	}
	if oerr != nil {
		return nil, nil, oerr
	}
	toks, err := s.issue(g, refresh)
	if err != nil {
		return nil, nil, errf(http.StatusInternalServerError, "server_error", "%v", err)
	}
	return toks, g, nil
}

// client authenticates the client of a token or revocation request:
// client_secret_basic, client_secret_post, or none for public clients.
func (s *Server) client(r *http.Request, form url.Values) (*Client, *Error) {
	if form.Get("client_assertion") != "" {
		return s.assertedClient(form)
	}
	var id, secret string
	basic := false
	if r != nil {
		id, secret, basic = r.BasicAuth()
	}
	if basic {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = form.Get("client_id"), form.Get("client_secret")
	}
	s.mu.Lock()
	c, ok := s.clients[id]
	s.mu.Unlock()
	if !ok {
		return nil, errf(http.StatusUnauthorized, "invalid_client", "unknown client")
	}
	if c.PublicKey != nil && c.Secret == "" {
		return nil, errf(http.StatusUnauthorized, "invalid_client", "this client authenticates with a client assertion")
	}
	if c.Secret == "" {
		return c, nil
	}
	if subtle.ConstantTimeCompare([]byte(secret), []byte(c.Secret)) != 1 {
		return nil, errf(http.StatusUnauthorized, "invalid_client", "client authentication failed")
	}
	return c, nil
}

// clientCredentials grants a machine-to-machine token.
func (s *Server) clientCredentials(c *Client, form url.Values) (*Grant, *Error) {
	if c.Secret == "" && c.PublicKey == nil {
		return nil, errf(http.StatusUnauthorized, "unauthorized_client", "a public client cannot use client credentials")
	}
	aud := first(form.Get("audience"), c.Audience, s.cfg.DefaultAudience)
	if aud == "" && s.cfg.JWTAccessTokens {
		return nil, errf(http.StatusForbidden, "access_denied", "no audience parameter was provided and no default audience is set")
	}
	scope := form.Get("scope")
	if len(c.Scopes) > 0 {
		if scope == "" {
			scope = strings.Join(c.Scopes, " ")
		}
		for _, sc := range strings.Fields(scope) {
			if !slices.Contains(c.Scopes, sc) {
				return nil, errf(http.StatusForbidden, "access_denied", "scope %q is not granted to this client", sc)
			}
		}
	}
	return &Grant{ClientID: c.ID, Scope: scope, Audience: aud, GrantType: GrantClientCredentials}, nil
}

// password grants a token for a username and password (and Auth0's
// realm).
func (s *Server) password(c *Client, form url.Values, gt string) (*Grant, *Error) {
	realm := form.Get("realm")
	if gt == GrantPasswordRealm && realm == "" {
		return nil, errf(http.StatusBadRequest, "invalid_request", "missing realm")
	}
	user, pass := form.Get("username"), form.Get("password")
	if user == "" || pass == "" {
		return nil, errf(http.StatusBadRequest, "invalid_request", "missing username or password")
	}
	sub, ok := s.cfg.Users.Authenticate(realm, user, pass)
	if !ok {
		return nil, errf(s.cfg.GrantErrorStatus, "invalid_grant", "wrong email or password")
	}
	return &Grant{
		ClientID: c.ID, Subject: sub, Scope: form.Get("scope"), GrantType: gt,
		Audience: first(form.Get("audience"), s.cfg.DefaultAudience), AuthTime: s.cfg.Now(),
	}, nil
}

// exchangeCode redeems an authorization code, checking redirect_uri and
// the PKCE verifier.
func (s *Server) exchangeCode(c *Client, form url.Values) (*Grant, *Error) {
	code := form.Get("code")
	s.mu.Lock()
	p, ok := s.codes[code]
	delete(s.codes, code)
	s.mu.Unlock()
	bad := func(why string) (*Grant, *Error) {
		return nil, errf(s.cfg.GrantErrorStatus, "invalid_grant", "%s", why)
	}
	switch {
	case !ok || !s.cfg.Now().Before(p.expires):
		return bad("invalid or used authorization code")
	case p.clientID != c.ID:
		return bad("the code was issued to another client")
	case p.redirectURI != "" && form.Get("redirect_uri") != p.redirectURI:
		return bad("redirect_uri does not match the authorization request")
	case !pkceOK(p.challenge, p.method, form.Get("code_verifier")):
		return bad("failed to verify code verifier")
	}
	return &Grant{
		ClientID: c.ID, Subject: p.subject, Scope: p.scope, Audience: p.audience,
		GrantType: GrantAuthorizationCode, Nonce: p.nonce, AuthTime: p.authTime, Organization: p.organization,
	}, nil
}

// pkceOK checks a code verifier against the request's challenge (none
// asked means none needed).
func pkceOK(challenge, method, verifier string) bool {
	if challenge == "" {
		return verifier == ""
	}
	if method == "plain" {
		return verifier == challenge
	}
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:]) == challenge
}

// useRefresh redeems a refresh token, rotating it when configured; the
// bool reports whether a new refresh token is to be issued.
func (s *Server) useRefresh(c *Client, form url.Values) (*Grant, bool, *Error) {
	rt := form.Get("refresh_token")
	s.mu.Lock()
	g, ok := s.refresh[rt]
	s.mu.Unlock()
	if !ok || g.ClientID != c.ID {
		return nil, false, errf(s.cfg.GrantErrorStatus, "invalid_grant", "unknown or revoked refresh token")
	}
	// The user store is asked with no lock of ours held.
	if _, ok := s.cfg.Users.Claims(g.Subject); !ok && g.Subject != "" {
		return nil, false, errf(s.cfg.GrantErrorStatus, "invalid_grant", "the user is gone")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refresh[rt] != g {
		return nil, false, errf(s.cfg.GrantErrorStatus, "invalid_grant", "unknown or revoked refresh token")
	}
	ng := *g
	ng.Nonce = ""
	if sc := form.Get("scope"); sc != "" {
		// A refresh may narrow the granted scope, never widen it
		// (RFC 6749, section 6).
		granted := scopeList(g.Scope)
		for _, want := range scopeList(sc) {
			if !slices.Contains(granted, want) {
				return nil, false, errf(http.StatusBadRequest, "invalid_scope", "scope %s was not granted", want)
			}
		}
		ng.Scope = sc
	}
	if s.cfg.RotateRefreshTokens {
		delete(s.refresh, rt)
		s.revoked[rt] = true
		return &ng, true, nil
	}
	return &ng, false, nil
}

// issue mints the tokens of g (and records them).
func (s *Server) issue(g *Grant, withRefresh bool) (*Tokens, error) {
	now := s.cfg.Now()
	if g.ExpiresAt.IsZero() {
		g.ExpiresAt = now.Add(s.cfg.AccessTokenTTL)
	}
	t := &Tokens{Scope: g.Scope, ExpiresIn: int(g.ExpiresAt.Sub(now).Round(time.Second) / time.Second)}
	var err error
	if s.cfg.JWTAccessTokens {
		t.AccessToken, err = s.keys.sign(s.accessClaims(g, now))
	} else {
		t.AccessToken = random.Base64URL(32)
	}
	if err != nil {
		return nil, err
	}
	if g.Subject != "" && g.HasScope("openid") {
		if t.IDToken, err = s.idToken(g, now); err != nil {
			return nil, err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.access[t.AccessToken] = g
	if withRefresh && g.Subject != "" && (!s.cfg.RefreshNeedsOfflineAccess || g.HasScope("offline_access")) {
		t.RefreshToken = random.Base64URL(32)
		rg := *g
		s.refresh[t.RefreshToken] = &rg
	}
	return t, nil
}

// accessClaims are the claims of a JWT access token.
func (s *Server) accessClaims(g *Grant, now time.Time) map[string]any {
	sub, gty := g.Subject, gtyName(g.GrantType)
	if sub == "" {
		sub = g.ClientID + "@clients"
	}
	var aud any = g.Audience
	if g.Subject != "" && g.HasScope("openid") && s.cfg.Paths.UserInfo != "" {
		aud = []string{g.Audience, s.URL(s.cfg.Paths.UserInfo)}
		if g.Audience == "" {
			aud = s.URL(s.cfg.Paths.UserInfo)
		}
	}
	c := map[string]any{
		"iss": s.cfg.Issuer, "sub": sub, "aud": aud, "iat": now.Unix(), "exp": g.ExpiresAt.Unix(),
		"azp": g.ClientID, "gty": gty, "jti": random.Base64URL(12),
	}
	if g.Scope != "" {
		c["scope"] = g.Scope
	}
	return c
}

// gtyName is Auth0's "gty" claim for a grant type.
func gtyName(gt string) string {
	switch gt {
	case GrantClientCredentials:
		return "client-credentials"
	case GrantPasswordRealm, GrantPassword:
		return "password"
	case GrantRefreshToken:
		return "refresh_token"
	}
	return "authorization_code"
}

// idToken mints the ID token of a user grant.
func (s *Server) idToken(g *Grant, now time.Time) (string, error) {
	c, _ := s.cfg.Users.Claims(g.Subject)
	if c == nil {
		c = map[string]any{}
	}
	c["iss"], c["sub"], c["aud"] = s.cfg.Issuer, g.Subject, g.ClientID
	c["iat"], c["exp"] = now.Unix(), now.Add(idTokenTTL).Unix()
	c["sid"] = random.Base64URL(12)
	if !g.AuthTime.IsZero() {
		c["auth_time"] = g.AuthTime.Unix()
	}
	if g.Nonce != "" {
		c["nonce"] = g.Nonce
	}
	if s.cfg.IDTokenClaims != nil {
		s.cfg.IDTokenClaims(g, c)
	}
	return s.keys.sign(c)
}

// first returns the first non-empty string.
func first(v ...string) string {
	for _, s := range v {
		if s != "" {
			return s
		}
	}
	return ""
}
