// This file holds the authorization flow: /auth/authorization and its
// /issue and /fail follow-ups.

package authlete

import (
	"html"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/idsdk/idsdk-go/sandbox/internal/oauthsrv"
	"github.com/idsdk/idsdk-go/sandbox/internal/random"
)

// ticketTTL is how long a ticket waits for its issue or fail call.
const ticketTTL = 10 * time.Minute

// ticket is an authorization request (or a password grant) waiting for
// the service's decision.
type ticket struct {
	password     bool // a resource owner password grant (/auth/token/issue)
	service      int64
	clientID     int64
	redirectURI  string
	redirectSent string // the redirect_uri parameter, empty when left out
	responseType string // as requested, e.g. "code"
	scope        string
	state        string
	nonce        string
	challenge    string
	method       string
	formPost     bool
	expires      time.Time
}

// responseTypes maps a response_type value to Authlete's name for it.
var responseTypes = map[string]string{
	"code": "CODE", "token": "TOKEN", "id_token": "ID_TOKEN", "code token": "CODE_TOKEN",
	"code id_token": "CODE_ID_TOKEN", "id_token token": "ID_TOKEN_TOKEN", "code id_token token": "CODE_ID_TOKEN_TOKEN",
}

// failErrors maps an /authorization/fail reason to the error the client is
// redirected with.
var failErrors = map[string]string{
	"UNKNOWN": "server_error", "NOT_LOGGED_IN": "login_required", "MAX_AGE_NOT_SUPPORTED": "login_required",
	"EXCEEDS_MAX_AGE": "login_required", "DIFFERENT_SUBJECT": "login_required", "ACR_NOT_SATISFIED": "login_required",
	"DENIED": "access_denied", "SERVER_ERROR": "server_error", "NOT_AUTHENTICATED": "access_denied",
	"ACCOUNT_SELECTION_REQUIRED": "account_selection_required", "CONSENT_REQUIRED": "consent_required",
	"INTERACTION_REQUIRED": "interaction_required", "INVALID_TARGET": "invalid_target",
	"INVALID_SCOPE": "invalid_scope", "UNAUTHORIZED_CLIENT": "unauthorized_client",
	"TEMPORARILY_UNAVAILABLE": "temporarily_unavailable",
}

// answer writes a 200 answer carrying an action.
func answer(w http.ResponseWriter, action, code, msg string, extra map[string]any) {
	body := map[string]any{"resultCode": code, "resultMessage": "[" + code + "] " + msg, "action": action}
	for k, v := range extra {
		body[k] = v
	}
	writeJSON(w, http.StatusOK, body)
}

// oauthJSON is an RFC 6749 error body, as Authlete puts it in
// responseContent.
func oauthJSON(code, desc string) string {
	b, _ := jsonString(map[string]string{"error": code, "error_description": desc})
	return b
}

// badRequest answers action BAD_REQUEST with an invalid_request (or code)
// error for the client.
func badRequest(w http.ResponseWriter, rc, code, desc string) {
	answer(w, "BAD_REQUEST", rc, desc, map[string]any{"responseContent": oauthJSON(code, desc)})
}

// parametersBody is the body of the authorization and token calls: the
// client's request as a query string, and the client credentials the
// service read from Basic authentication.
type parametersBody struct {
	Parameters   string `json:"parameters"`
	ClientID     string `json:"clientId"`
	ClientSecret string `json:"clientSecret"`
}

// readParameters reads the service and a {"parameters": "..."} request
// body into v; a body without parameters is a malformed API call (400).
func (s *Server) readParameters(w http.ResponseWriter, r *http.Request, v *parametersBody) (int64, url.Values, bool) {
	service, ok := s.serviceBody(w, r, v)
	if !ok {
		return 0, nil, false
	}
	if v.Parameters == "" {
		writeResult(w, http.StatusBadRequest, "A001304", r.URL.Path+", 'parameters' is missing.")
		return 0, nil, false
	}
	q, err := url.ParseQuery(v.Parameters)
	if err != nil {
		badRequest(w, "A004201", "invalid_request", "the parameters are not a valid query string")
		return 0, nil, false
	}
	for k, vs := range q {
		if len(vs) > 1 {
			badRequest(w, "A004202", "invalid_request", "the parameter "+k+" appears more than once")
			return 0, nil, false
		}
	}
	return service, q, true
}

func (s *Server) authorization(w http.ResponseWriter, r *http.Request) {
	var body parametersBody
	service, q, ok := s.readParameters(w, r, &body)
	if !ok {
		return
	}
	s.mu.Lock()
	c, found := s.clientLocked(service, q.Get("client_id"))
	var redirects, allowed []string
	var clientView map[string]any
	if found {
		redirects, allowed = stringList(c["redirectUris"]), stringList(c["responseTypes"])
		clientView = map[string]any{"clientId": c["clientId"], "clientName": c["clientName"], "clientType": c["clientType"]}
	}
	supported := s.scopesLocked(service)
	svc := s.services[service]
	serviceView := map[string]any{"number": svc["number"], "serviceName": svc["serviceName"]}
	pkceRequired := svc["pkceRequired"] == true
	s.mu.Unlock()

	redirect := q.Get("redirect_uri")
	switch {
	case q.Get("client_id") == "":
		badRequest(w, "A004204", "invalid_request", "client_id is missing")
		return
	case !found:
		badRequest(w, "A004205", "invalid_request", "the client does not exist")
		return
	case redirect == "" && len(redirects) == 1:
		redirect = redirects[0]
	case !slices.Contains(redirects, redirect):
		badRequest(w, "A004206", "invalid_request", "redirect_uri is not registered for the client")
		return
	}
	t := &ticket{
		service: service, clientID: num(clientView["clientId"]), redirectURI: redirect, redirectSent: q.Get("redirect_uri"),
		responseType: q.Get("response_type"), scope: q.Get("scope"), state: q.Get("state"),
		nonce: q.Get("nonce"), challenge: q.Get("code_challenge"), method: q.Get("code_challenge_method"),
		formPost: q.Get("response_mode") == "form_post", expires: s.cfg.Now().Add(ticketTTL),
	}
	if code, desc := checkAuthorization(q, t, allowed, supported, pkceRequired); code != "" {
		s.redirectError(w, "A004301", t, code, desc)
		return
	}
	id := random.Base64URL(32)
	s.mu.Lock()
	s.tickets[id] = t
	s.mu.Unlock()
	scopes := []any{}
	for _, sc := range strings.Fields(t.scope) {
		scopes = append(scopes, map[string]any{"name": sc})
	}
	extra := map[string]any{
		"ticket": id, "client": clientView, "service": serviceView, "scopes": scopes,
		"display": "PAGE", "clientIdAliasUsed": false, "loginHint": q.Get("login_hint"),
	}
	prompts := promptList(q.Get("prompt"))
	if len(prompts) > 0 {
		extra["prompts"], extra["lowestPrompt"] = prompts, prompts[0]
	}
	if slices.Contains(prompts, "NONE") {
		answer(w, "NO_INTERACTION", "A004002", "The authorization request is valid; no user interaction is allowed.", extra)
		return
	}
	answer(w, "INTERACTION", "A004001", "The authorization request is valid; the user must be asked.", extra)
}

// checkAuthorization validates what is reported back to the redirect URI;
// it returns an OAuth error code and description, or "".
func checkAuthorization(q url.Values, t *ticket, allowed, supported []string, pkceRequired bool) (string, string) {
	rt, known := responseTypes[normalize(t.responseType)]
	switch {
	case t.responseType == "":
		return "invalid_request", "response_type is missing"
	case !known:
		return "unsupported_response_type", "response_type is not supported"
	case !slices.Contains(allowed, rt):
		return "unauthorized_client", "the client may not use this response_type"
	case t.method != "" && t.method != "S256" && t.method != "plain":
		return "invalid_request", "code_challenge_method must be S256 or plain"
	case pkceRequired && t.challenge == "" && strings.Contains(t.responseType, "code"):
		return "invalid_request", "code_challenge is required"
	case strings.Contains(t.responseType, "id_token") && t.nonce == "":
		return "invalid_request", "nonce is required with id_token"
	}
	for _, sc := range strings.Fields(t.scope) {
		if !slices.Contains(supported, sc) {
			return "invalid_scope", "the scope " + sc + " is not supported"
		}
	}
	if p := promptList(q.Get("prompt")); slices.Contains(p, "NONE") && len(p) > 1 {
		return "invalid_request", "prompt=none cannot be combined"
	}
	return "", ""
}

// normalize sorts the words of a response_type ("token code" = "code token").
func normalize(rt string) string {
	f := strings.Fields(rt)
	order := map[string]int{"code": 0, "id_token": 1, "token": 2}
	sort.SliceStable(f, func(i, j int) bool { return order[f[i]] < order[f[j]] })
	return strings.Join(f, " ")
}

// promptList maps a prompt parameter to Authlete's prompt names.
func promptList(p string) []string {
	var out []string
	for _, w := range strings.Fields(p) {
		switch w {
		case "none", "login", "consent", "create":
			out = append(out, strings.ToUpper(w))
		case "select_account":
			out = append(out, "SELECT_ACCOUNT")
		}
	}
	return out
}

// scopesLocked lists the scope names service supports; the lock is held.
func (s *Server) scopesLocked(service int64) []string {
	var out []string
	if xs, ok := s.services[service]["supportedScopes"].([]any); ok {
		for _, x := range xs {
			if m, ok := x.(map[string]any); ok {
				if n, ok := m["name"].(string); ok {
					out = append(out, n)
				}
			}
		}
	}
	return out
}

// takeTicket removes and returns a live authorization ticket of service.
func (s *Server) takeTicket(service int64, id string, password bool) (*ticket, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tickets[id]
	if !ok || t.service != service || t.password != password {
		return nil, false
	}
	delete(s.tickets, id)
	return t, s.cfg.Now().Before(t.expires)
}

// redirectError answers action LOCATION (or FORM) carrying an error for
// the client's redirect URI.
func (s *Server) redirectError(w http.ResponseWriter, rc string, t *ticket, code, desc string) {
	v := url.Values{"error": {code}, "error_description": {desc}}
	if t.state != "" {
		v.Set("state", t.state)
	}
	s.redirect(w, rc, t, v, nil)
}

// redirect answers the response for t's redirect URI: action FORM with an
// auto-submitting page for response_mode=form_post, otherwise LOCATION
// with the URI (query for the code flow, fragment when a token is in it).
func (s *Server) redirect(w http.ResponseWriter, rc string, t *ticket, v url.Values, extra map[string]any) {
	if extra == nil {
		extra = map[string]any{}
	}
	if t.formPost {
		extra["responseContent"] = formPage(t.redirectURI, v)
		answer(w, "FORM", rc, "The response is an HTML form to post to the client.", extra)
		return
	}
	sep := "?"
	if strings.Contains(t.responseType, "token") {
		sep = "#"
	} else if strings.Contains(t.redirectURI, "?") {
		sep = "&"
	}
	extra["responseContent"] = t.redirectURI + sep + v.Encode()
	answer(w, "LOCATION", rc, "The response is a redirect to the client.", extra)
}

// takeIssue reads the service and an issue call's {"ticket", "subject"}
// body and takes the ticket (a password grant's when password); refuse
// answers when the ticket is not live or the subject is empty.
func (s *Server) takeIssue(w http.ResponseWriter, r *http.Request, password bool, refuse func()) (*ticket, string, bool) {
	var body struct {
		Ticket  string `json:"ticket"`
		Subject string `json:"subject"`
	}
	service, ok := s.serviceBody(w, r, &body)
	if !ok {
		return nil, "", false
	}
	t, ok := s.takeTicket(service, body.Ticket, password)
	if !ok || body.Subject == "" {
		refuse()
		return nil, "", false
	}
	return t, body.Subject, true
}

func (s *Server) authorizationIssue(w http.ResponseWriter, r *http.Request) {
	t, subject, ok := s.takeIssue(w, r, false, func() {
		badRequest(w, "A004401", "invalid_request", "the ticket is unknown, used or expired, or the subject is empty")
	})
	if !ok {
		return
	}
	v, extra := url.Values{}, map[string]any{}
	if t.state != "" {
		v.Set("state", t.state)
	}
	if strings.Contains(t.responseType, "code") {
		code := s.oauth.NewCode(oauthsrv.CodeRequest{
			ClientID: itoa(t.clientID), RedirectURI: t.redirectSent, Scope: t.scope, Subject: subject,
			Nonce: t.nonce, Challenge: t.challenge, ChallengeMethod: t.method,
		})
		v.Set("code", code)
		extra["authorizationCode"] = code
	}
	if hasWord(t.responseType, "token") {
		toks, err := s.oauth.Issue(oauthsrv.Grant{ClientID: itoa(t.clientID), Subject: subject, Scope: t.scope, GrantType: "implicit"})
		if err != nil {
			answer(w, "INTERNAL_SERVER_ERROR", "A004402", err.Error(), nil)
			return
		}
		v.Set("access_token", toks.AccessToken)
		v.Set("token_type", "Bearer")
		v.Set("expires_in", strconv.Itoa(toks.ExpiresIn))
		extra["accessToken"], extra["accessTokenDuration"] = toks.AccessToken, int64(toks.ExpiresIn)
		extra["accessTokenExpiresAt"] = s.cfg.Now().Add(time.Duration(toks.ExpiresIn) * time.Second).UnixMilli()
	}
	s.redirect(w, "A040001", t, v, extra)
}

func (s *Server) authorizationFail(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Ticket      string `json:"ticket"`
		Reason      string `json:"reason"`
		Description string `json:"description"`
	}
	service, ok := s.serviceBody(w, r, &body)
	if !ok {
		return
	}
	code, known := failErrors[body.Reason]
	t, ok := s.takeTicket(service, body.Ticket, false)
	if !ok || !known {
		badRequest(w, "A004501", "invalid_request", "the ticket is unknown, used or expired, or the reason is unknown")
		return
	}
	desc := body.Description
	if desc == "" {
		desc = "the authorization request was refused (" + body.Reason + ")"
	}
	s.redirectError(w, "A004502", t, code, desc)
}

// formPage is the auto-submitting HTML form of response_mode=form_post.
func formPage(action string, v url.Values) string {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html><head><title>Submit</title></head><body onload="document.forms[0].submit()"><form method="post" action="`)
	b.WriteString(html.EscapeString(action))
	b.WriteString(`">`)
	for _, k := range slices.Sorted(maps.Keys(v)) {
		b.WriteString(`<input type="hidden" name="` + html.EscapeString(k) + `" value="` + html.EscapeString(v.Get(k)) + `">`)
	}
	b.WriteString(`</form></body></html>`)
	return b.String()
}
