// Command login is a small web app that signs users in with Auth0
// Universal Login: /login sends the browser to /authorize with a fresh
// state, nonce and PKCE S256 challenge kept in the server-side session;
// /callback checks the state, exchanges the code with the verifier and
// validates the ID token (nonce included); /logout clears the session and
// sends the browser to Auth0's logout URL.
//
//	AUTH0_DOMAIN=tenant.us.auth0.com AUTH0_CLIENT_ID=... AUTH0_CLIENT_SECRET=... \
//	    go run ./examples/auth0auth/login -addr localhost:3000
//
// Register http://localhost:3000/callback as an allowed callback URL and
// http://localhost:3000/ as an allowed logout URL of the application.
package main

import (
	"crypto/rand"
	"encoding/base64"
	"flag"
	"fmt"
	"html"
	"log"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/auth/auth0"
)

func main() {
	addr := flag.String("addr", "localhost:3000", "listen address")
	flag.Parse()
	var opts []auth0.Option
	if s := os.Getenv("AUTH0_CLIENT_SECRET"); s != "" {
		opts = append(opts, auth0.WithClientSecret(auth.Secret(s)))
	}
	c, err := auth0.New(os.Getenv("AUTH0_DOMAIN"), os.Getenv("AUTH0_CLIENT_ID"), opts...)
	if err != nil {
		log.Fatal(err)
	}
	base := "http://" + *addr
	srv := &http.Server{Addr: *addr, Handler: newApp(c, base+"/callback", base+"/"), ReadHeaderTimeout: 10 * time.Second}
	log.Printf("open %s/login", base)
	log.Fatal(srv.ListenAndServe())
}

// session is what the app remembers about one browser.
type session struct {
	// Values of the authorization request in flight.
	state, nonce, verifier string
	// The signed-in user, after the callback.
	user string
}

type app struct {
	c        *auth0.Client
	callback string
	home     string
	mu       sync.Mutex
	sessions map[string]*session
}

func newApp(c *auth0.Client, callback, home string) http.Handler {
	a := &app{c: c, callback: callback, home: home, sessions: map[string]*session{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", a.index)
	mux.HandleFunc("GET /login", a.login)
	mux.HandleFunc("GET /callback", a.handleCallback)
	mux.HandleFunc("GET /logout", a.logout)
	return mux
}

// session returns the browser's session, creating it (and its cookie).
func (a *app) session(w http.ResponseWriter, r *http.Request) *session {
	a.mu.Lock()
	defer a.mu.Unlock()
	if ck, err := r.Cookie("sid"); err == nil {
		if s, ok := a.sessions[ck.Value]; ok {
			return s
		}
	}
	var b [24]byte
	_, _ = rand.Read(b[:])
	id := base64.RawURLEncoding.EncodeToString(b[:])
	s := &session{}
	a.sessions[id] = s
	http.SetCookie(w, &http.Cookie{Name: "sid", Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	return s
}

func (a *app) index(w http.ResponseWriter, r *http.Request) {
	s := a.session(w, r)
	a.mu.Lock()
	user := s.user
	a.mu.Unlock()
	if user == "" {
		fmt.Fprint(w, `<a href="/login">Sign in</a>`)
		return
	}
	fmt.Fprintf(w, `Signed in as %s. <a href="/logout">Sign out</a>`, html.EscapeString(user))
}

func (a *app) login(w http.ResponseWriter, r *http.Request) {
	s := a.session(w, r)
	u, state, nonce, verifier, err := a.c.AuthorizeURL(auth0.AuthorizeParams{RedirectURI: a.callback, Scope: "openid profile email offline_access"})
	if err != nil {
		http.Error(w, "cannot start the login", http.StatusInternalServerError)
		return
	}
	a.mu.Lock()
	s.state, s.nonce, s.verifier = state, nonce, verifier
	a.mu.Unlock()
	http.Redirect(w, r, u, http.StatusFound)
}

func (a *app) handleCallback(w http.ResponseWriter, r *http.Request) {
	s := a.session(w, r)
	q := r.URL.Query()
	a.mu.Lock()
	state, nonce, verifier := s.state, s.nonce, s.verifier
	s.state, s.nonce, s.verifier = "", "", "" // one use only
	a.mu.Unlock()
	if state == "" || q.Get("state") != state {
		http.Error(w, "unexpected state: start again at /login", http.StatusBadRequest)
		return
	}
	if e := q.Get("error"); e != "" {
		http.Error(w, "login failed: "+e, http.StatusUnauthorized)
		return
	}
	tok, err := a.c.ExchangeCode(r.Context(), q.Get("code"), verifier, a.callback, auth0.WithNonce(nonce))
	if err != nil {
		log.Printf("code exchange: %v", err)
		http.Error(w, "login failed", http.StatusUnauthorized)
		return
	}
	a.mu.Lock()
	s.user = tok.Claims.Subject
	a.mu.Unlock()
	http.Redirect(w, r, "/", http.StatusFound)
}

func (a *app) logout(w http.ResponseWriter, r *http.Request) {
	s := a.session(w, r)
	a.mu.Lock()
	s.user = ""
	a.mu.Unlock()
	u, err := a.c.LogoutURL(a.home, "", false)
	if err != nil {
		http.Error(w, "cannot build the logout URL", http.StatusInternalServerError)
		return
	}
	http.Redirect(w, r, u, http.StatusFound)
}
