// Package nexaas is the emulated Nexaas ID: people with a profile,
// professional information, phone numbers and e-mail addresses, sign-up
// invitations, and the OAuth endpoints (/oauth/authorize, /oauth/token
// with refresh token rotation) served by oauthsrv.
package nexaas

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/mail"
	"strings"
	"sync"
	"time"

	"github.com/idsdk/idsdk-go/sandbox/internal/httpx"
	"github.com/idsdk/idsdk-go/sandbox/internal/oauthsrv"
	"github.com/idsdk/idsdk-go/sandbox/internal/random"
)

// Person is a Nexaas ID account.
type Person struct {
	// ID is the person's UUID; empty makes one.
	ID string
	// Email and Password sign the person in (the login page, the password
	// grant).
	Email, Password string
	// The profile.
	Name, Nickname, FirstName, LastName string
	Birth, Gender, Language, Timezone   string
	Country, City, Bio, Picture         string
	// The professional information.
	Profession, Company, Position string
	// Phones are the person's phone numbers.
	Phones []string
	// Emails are the person's addresses; Email is added when missing.
	Emails []string
}

// Invitation is a sign-up invitation sent through POST /api/v1/sign_up.
type Invitation struct {
	// ID is the invitation's UUID.
	ID string
	// Email is the invited address.
	Email string
	// Requester is the person who invited, empty for an application token.
	Requester string
}

// Config configures a Server.
type Config struct {
	// BaseURL is where the server is reached (no trailing slash).
	BaseURL string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// AccessTokenTTL is the lifetime of access tokens; 0 means two hours,
	// as Nexaas ID gives.
	AccessTokenTTL time.Duration
}

// Server is the emulated Nexaas ID. Its methods are safe for concurrent
// use.
type Server struct {
	oauth *oauthsrv.Server
	now   func() time.Time

	mu          sync.Mutex
	people      map[string]*Person
	invitations []Invitation
}

// New returns a Server with no person and no client.
func New(cfg Config) (*Server, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.AccessTokenTTL == 0 {
		cfg.AccessTokenTTL = 2 * time.Hour
	}
	s := &Server{now: cfg.Now, people: map[string]*Person{}}
	o, err := oauthsrv.New(oauthsrv.Config{
		BaseURL:             cfg.BaseURL,
		Paths:               oauthsrv.Paths{Authorize: "/oauth/authorize", Token: "/oauth/token", Revoke: "/oauth/revoke"},
		AccessTokenTTL:      cfg.AccessTokenTTL,
		RotateRefreshTokens: true,
		Now:                 cfg.Now,
		Users:               oauthsrv.PeopleUsers(&s.mu, s.logins),
		TokenResponse: func(_ *oauthsrv.Grant, body map[string]any) {
			body["created_at"] = cfg.Now().Unix()
		},
	})
	if err != nil {
		return nil, fmt.Errorf("nexaas: %w", err)
	}
	s.oauth = o
	return s, nil
}

// OAuth is the authorization server behind the token endpoint.
func (s *Server) OAuth() *oauthsrv.Server { return s.oauth }

// AddClient registers an OAuth client (client_secret_post at /oauth/token).
func (s *Server) AddClient(id, secret string, redirectURIs ...string) {
	s.oauth.AddClient(oauthsrv.Client{ID: id, Secret: secret, RedirectURIs: redirectURIs, Scopes: []string{"invite"}})
}

// AddPerson adds p and returns its ID.
func (s *Server) AddPerson(p Person) string {
	if p.ID == "" {
		p.ID = random.UUID()
	}
	if p.Email != "" && !containsFold(p.Emails, p.Email) {
		p.Emails = append([]string{p.Email}, p.Emails...)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.people[p.ID] = &p
	return p.ID
}

// Invitations lists the sign-up invitations sent so far, oldest first.
func (s *Server) Invitations() []Invitation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Invitation(nil), s.invitations...)
}

// Register mounts the API and the OAuth endpoints on mux.
func (s *Server) Register(mux *http.ServeMux) {
	s.oauth.Register(mux)
	mux.HandleFunc("GET /api/v1/profile", s.person(profile))
	mux.HandleFunc("GET /api/v1/profile/professional_info", s.person(professional))
	mux.HandleFunc("GET /api/v1/profile/contacts", s.person(contacts))
	mux.HandleFunc("GET /api/v1/profile/emails", s.person(emails))
	mux.HandleFunc("POST /api/v1/sign_up", s.signUp)
	mux.HandleFunc("GET /api/v1/widgets/navbar", s.navbar)
	mux.HandleFunc("GET /api/v1/widgets/user.js", s.userJS)
}

// WriteError writes Nexaas ID's OAuth-style error body for status (the
// body of an injected fault).
func WriteError(w http.ResponseWriter, status int) {
	httpx.WriteJSON(w, status, map[string]any{"error": strings.ToLower(strings.ReplaceAll(http.StatusText(status), " ", "_"))})
}

// person serves one view of the signed-in person: the token must belong
// to a user and hold the profile scope.
func (s *Server) person(view func(*Person) map[string]any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		g, err := s.oauth.Authenticate(r)
		if err != nil {
			unauthorized(w, http.StatusUnauthorized, "invalid_token", "The access token is invalid")
			return
		}
		if g.Subject == "" || !g.HasScope("profile") {
			unauthorized(w, http.StatusUnauthorized, "insufficient_scope", "The access token needs the profile scope of a signed-in user")
			return
		}
		s.mu.Lock()
		p, ok := s.people[g.Subject]
		var body map[string]any
		if ok {
			body = view(p)
		}
		s.mu.Unlock()
		if !ok {
			unauthorized(w, http.StatusUnauthorized, "invalid_token", "The user no longer exists")
			return
		}
		httpx.WriteJSON(w, http.StatusOK, body)
	}
}

// null is a profile member: JSON null when empty, as Nexaas ID sends.
func null(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func profile(p *Person) map[string]any {
	full := strings.TrimSpace(p.FirstName + " " + p.LastName)
	return map[string]any{
		"id": p.ID, "name": null(p.Name), "nickname": null(p.Nickname), "email": p.Email,
		"birth": null(p.Birth), "gender": null(p.Gender), "language": null(p.Language),
		"picture": null(p.Picture), "timezone": null(p.Timezone), "country": null(p.Country),
		"city": p.City, "bio": p.Bio, "full_name": null(full),
		"first_name": null(p.FirstName), "last_name": null(p.LastName),
	}
}

func professional(p *Person) map[string]any {
	return map[string]any{"id": p.ID, "profession": null(p.Profession), "company": null(p.Company), "position": null(p.Position)}
}

func contacts(p *Person) map[string]any {
	return map[string]any{"id": p.ID, "phone_numbers": nonNil(p.Phones)}
}

func emails(p *Person) map[string]any {
	return map[string]any{"id": p.ID, "emails": nonNil(p.Emails)}
}

func nonNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return append([]string(nil), xs...)
}

// signUp invites an address: the token needs the invite scope (an
// application's client credentials token, or a user's).
func (s *Server) signUp(w http.ResponseWriter, r *http.Request) {
	g, err := s.oauth.Authenticate(r)
	if err != nil {
		unauthorized(w, http.StatusUnauthorized, "invalid_token", "The access token is invalid")
		return
	}
	if !g.HasScope("invite") {
		unauthorized(w, http.StatusForbidden, "insufficient_scope", "The access token needs the invite scope")
		return
	}
	var body struct {
		Invited string `json:"invited"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&body); err != nil {
		httpx.WriteJSON(w, http.StatusUnprocessableEntity, map[string]any{"errors": []string{"the body is not a JSON object"}})
		return
	}
	if a, err := mail.ParseAddress(body.Invited); err != nil || a.Address != body.Invited {
		httpx.WriteJSON(w, http.StatusUnprocessableEntity, map[string]any{"errors": map[string][]string{"invited": {"is invalid"}}})
		return
	}
	s.mu.Lock()
	for _, p := range s.people {
		if containsFold(p.Emails, body.Invited) {
			s.mu.Unlock()
			httpx.WriteJSON(w, http.StatusUnprocessableEntity, map[string]any{"errors": map[string][]string{"invited": {"has already been taken"}}})
			return
		}
	}
	inv := Invitation{ID: random.UUID(), Email: body.Invited, Requester: g.Subject}
	s.invitations = append(s.invitations, inv)
	s.mu.Unlock()
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"id": inv.ID, "email": inv.Email, "requester": null(inv.Requester)})
}

// navbar serves a small navigation bar; it names the person when the
// access_token parameter is a live user token.
func (s *Server) navbar(w http.ResponseWriter, r *http.Request) {
	name := "Nexaas ID"
	if g, ok := s.oauth.Lookup(r.URL.Query().Get("access_token")); ok {
		s.mu.Lock()
		if p, ok := s.people[g.Subject]; ok && p.Name != "" {
			name = p.Name
		}
		s.mu.Unlock()
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = fmt.Fprintf(w, "<nav id=\"nexaas-navbar\">%s</nav>\n", html.EscapeString(name))
}

// userJS serves the user widget script for a live access_token.
func (s *Server) userJS(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.oauth.Lookup(r.URL.Query().Get("access_token")); !ok {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	cb := r.URL.Query().Get("callback")
	if cb == "" {
		cb = "initWidget"
	}
	w.Header().Set("Content-Type", "application/javascript; charset=utf-8")
	_, _ = fmt.Fprintf(w, "var NexaasID = {createUserWidget: function (c) { c.textContent = 'Nexaas ID'; }};\nif (typeof %s === 'function') { %s(); }\n",
		jsIdent(cb), jsIdent(cb))
}

// logins lists the people of s as oauthsrv's; s.mu is held.
func (s *Server) logins(yield func(oauthsrv.Person) bool) {
	for _, p := range s.people {
		c := map[string]any{"email": p.Email, "name": p.Name}
		if !yield(oauthsrv.Person{Subject: p.ID, Email: p.Email, Password: p.Password, Claims: c}) {
			return
		}
	}
}

func unauthorized(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="Nexaas ID", error="`+code+`"`)
	httpx.WriteJSON(w, status, map[string]any{"error": code, "error_description": desc})
}

func containsFold(xs []string, x string) bool {
	for _, y := range xs {
		if strings.EqualFold(x, y) {
			return true
		}
	}
	return false
}

// jsIdent keeps only the characters of a JavaScript identifier.
func jsIdent(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r == '$' || r == '.' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}
