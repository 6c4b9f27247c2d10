package webflow

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/oauth2"
)

// sessionKey is the context key of the signed-in session RequireSession
// puts in a request's context.
type sessionKey struct{}

// sessionValue is what RequireSession stores in the context.
type sessionValue struct {
	session *Session
	token   *oauth2.Token
}

// RequireSession is middleware that lets a request through to next only
// when it carries a session (of any registered client) whose token the
// Store still finds valid; next reads them with SessionFromContext and
// TokenFromContext. Otherwise a page request (GET or HEAD asking for
// HTML) is redirected to the default client's sessions/new with the
// request's path as origin, and any other request (an API call: JSON,
// fetch, a POST) is answered 401 Unauthorized. A Store that refreshes
// (the token store adapter) keeps the session alive across refreshes.
func (h *Handler) RequireSession(next http.Handler) http.Handler {
	return h.require("", next)
}

// RequireClientSession is RequireSession for a session of the named
// client only; the redirect goes to that client's sessions/new.
func (h *Handler) RequireClientSession(client string, next http.Handler) http.Handler {
	return h.require(client, next)
}

func (h *Handler) require(client string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, tok, err := h.activeSession(r)
		if err == nil && (client == "" || s.Client == client) {
			ctx := context.WithValue(r.Context(), sessionKey{}, &sessionValue{session: s, token: tok})
			next.ServeHTTP(w, r.WithContext(ctx))
			return
		}
		if err != nil && !errors.Is(err, ErrTokenNotFound) {
			// The Store failed: the person may well be signed in, so do
			// not send them through sign-in again.
			http.Error(w, "session store unavailable", http.StatusServiceUnavailable)
			return
		}
		if !wantsPage(r) {
			w.Header().Set("Cache-Control", "no-store")
			http.Error(w, "sign-in required", http.StatusUnauthorized)
			return
		}
		if client == "" {
			client = h.def
		}
		http.Redirect(w, r, h.SignInURL(client, r.URL.RequestURI()), http.StatusFound)
	})
}

// activeSession returns r's session and its token, valid now; an error
// matching ErrTokenNotFound means there is none.
func (h *Handler) activeSession(r *http.Request) (*Session, *oauth2.Token, error) {
	tok, s, err := h.Token(r.Context(), r)
	if err != nil {
		return nil, nil, err
	}
	if _, ok := h.clients[s.Client]; !ok || !tok.Valid() {
		return nil, nil, ErrTokenNotFound
	}
	return s, tok, nil
}

// SignInURL is the path of client's sessions/new route that returns to
// origin (a relative path; an unsafe one is dropped) after sign-in. It
// does not check client: the route of a name the handler does not know
// fails the flow with an "unknown_client" Error (OnError sees it; without
// OnError the answer is 404 "sign-in failed: unknown_client").
func (h *Handler) SignInURL(client, origin string) string {
	seg := ""
	if client != h.def {
		seg = "/" + url.PathEscape(client)
	}
	u := h.cfg.Prefix + seg + "/sessions/new"
	if o, ok := SafeOrigin(origin); ok {
		u += "?" + url.Values{"origin": {o}}.Encode()
	}
	return u
}

// wantsPage reports whether r is a browser asking for a page, which can
// follow a redirect to sign-in, rather than an API call.
func wantsPage(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	if m := r.Header.Get("Sec-Fetch-Mode"); m != "" {
		return m == "navigate"
	}
	return strings.Contains(r.Header.Get("Accept"), "text/html")
}

// SessionFromContext returns the session RequireSession let through.
func SessionFromContext(ctx context.Context) (*Session, bool) {
	v, ok := ctx.Value(sessionKey{}).(*sessionValue)
	if !ok {
		return nil, false
	}
	return v.session, true
}

// TokenFromContext returns the token of the session RequireSession let
// through, as the Store gave it (refreshed if the Store refreshes).
func TokenFromContext(ctx context.Context) (*oauth2.Token, bool) {
	v, ok := ctx.Value(sessionKey{}).(*sessionValue)
	if !ok || v.token == nil {
		return nil, false
	}
	return v.token, true
}
