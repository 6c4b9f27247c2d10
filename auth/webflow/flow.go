package webflow

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth"
	sdkerrors "github.com/idsdk/idsdk-go/errors"
	"github.com/idsdk/idsdk-go/internal/redact"
)

// passThrough are the query parameters of a /new route handed on to the
// authorization server; every other parameter is dropped.
var passThrough = []string{
	"show_signup", "prompt", "prompt_email_confirmation", "force_login", "lang",
	"person[first_name]", "person[name]", "person[email]",
	"organization[name]", "organization[country_code]", "organization[kinds][]",
}

// FilterParams returns the parameters of q that may be passed on to the
// authorization server (see the package documentation).
func FilterParams(q url.Values) url.Values { return filterParams(q, nil) }

// filterParams is FilterParams with the names in more (a Client's Params)
// allowed too.
func filterParams(q url.Values, more []string) url.Values {
	out := url.Values{}
	for _, k := range append(passThrough[:len(passThrough):len(passThrough)], more...) {
		if vs, ok := q[k]; ok {
			for _, v := range vs {
				if len(v) <= 512 {
					out.Add(k, v)
				}
			}
		}
	}
	return out
}

// flowState is the content of the sealed state cookie.
type flowState struct {
	State    string     `json:"s"`
	Client   string     `json:"c"`
	Kind     Kind       `json:"k"`
	Origin   string     `json:"o"`
	AppState string     `json:"a,omitempty"`
	Restarts int        `json:"r,omitempty"`
	Scopes   []string   `json:"sc,omitempty"`
	Extra    url.Values `json:"x,omitempty"`
	// Verifier is the PKCE code verifier of this round trip; Nonce its
	// OpenID Connect nonce (openid scopes only).
	Verifier string `json:"v"`
	Nonce    string `json:"n,omitempty"`
}

// Session is the signed-in person of a request, from the session cookie.
type Session struct {
	// Client is the client the person signed in with.
	Client string `json:"c"`
	// TokenID is the id of the person's token in the Store.
	TokenID string `json:"t"`
	// BearerType and BearerID name the person, when the server said.
	BearerType string `json:"bt,omitempty"`
	BearerID   string `json:"bi,omitempty"`
}

func (h *Handler) start(kind Kind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, ok := h.client(r)
		if !ok {
			h.unknownClient(w, r, kind)
			return
		}
		h.Start(w, r, c.Name, kind)
	}
}

// unknownClient answers a route whose {client} segment names no client
// of the handler: an "unknown_client" Error for OnError, by default 404.
func (h *Handler) unknownClient(w http.ResponseWriter, r *http.Request, kind Kind) {
	h.fail(w, r, &Error{Client: r.PathValue("client"), Kind: kind, Code: "unknown_client"})
}

// Start begins a flow of kind for the named client, explicitly (the
// routes call it with the client of their {client} segment). It reads
// origin, state and the pass-through parameters from r's query.
func (h *Handler) Start(w http.ResponseWriter, r *http.Request, client string, kind Kind) {
	c, ok := h.clients[client]
	if !ok {
		h.fail(w, r, &Error{Client: client, Kind: kind, Code: "unknown_client"})
		return
	}
	q := r.URL.Query()
	origin, ok := SafeOrigin(q.Get("origin"))
	if !ok {
		origin = h.cfg.DefaultOrigin
	}
	scopes := c.Scopes
	if kind != KindSession {
		scopes = c.ConnectionScopes
	}
	scopes = append([]string(nil), scopes...)
	if c.ScopesFor != nil {
		var err error
		if scopes, err = c.ScopesFor(kind, q, scopes); err != nil {
			h.fail(w, r, &Error{Client: client, Kind: kind, Code: "invalid_scope", Description: err.Error(), Err: err})
			return
		}
	}
	appState := q.Get("state")
	if len(appState) > 512 {
		appState = ""
	}
	st := &flowState{Client: client, Kind: kind, Origin: origin, AppState: appState, Scopes: scopes, Extra: filterParams(q, c.Params)}
	h.redirectToServer(w, r, c, st)
}

// redirectToServer sets a fresh state, PKCE verifier and nonce, and sends
// the browser to the authorization server.
func (h *Handler) redirectToServer(w http.ResponseWriter, r *http.Request, c *Client, st *flowState) {
	s, err := randomState()
	if err == nil {
		err = st.newSecrets()
	}
	if err != nil {
		h.fail(w, r, &Error{Client: c.Name, Kind: st.Kind, Code: "server_error", Err: err})
		return
	}
	st.State = s
	val, err := h.seal.seal(purposeSt, st, stateTTL, h.cfg.Now())
	if err != nil {
		h.fail(w, r, &Error{Client: c.Name, Kind: st.Kind, Code: "server_error", Err: err})
		return
	}
	http.SetCookie(w, h.cookie(purposeSt, val, int(stateTTL.Seconds())))
	target := c.Provider.AuthCodeURL(h.redirectURI(c.Name, st.Kind), s, st.Scopes, st.authParams())
	http.Redirect(w, r, target, http.StatusFound)
}

func (h *Handler) cookie(purpose, value string, maxAge int) *http.Cookie {
	path := h.cfg.Prefix
	if path == "" {
		path = "/"
	}
	if purpose == purposeSe {
		path = "/" // the app reads the session on every page
	}
	return &http.Cookie{
		Name: h.cookieName(purpose), Value: value, Path: path, MaxAge: maxAge,
		HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode,
	}
}

func (h *Handler) clearCookie(w http.ResponseWriter, purpose string) {
	http.SetCookie(w, h.cookie(purposeSt, "", -1))
	if purpose == purposeSe {
		http.SetCookie(w, h.cookie(purposeSe, "", -1))
	}
}

// openState reads the state cookie of a callback for client c and checks
// it: sealed by us, for c, holding a verifier, its state the one of the
// query and not used before (then it is recorded as used). It clears the
// cookie and, on failure, answers the request.
func (h *Handler) openState(w http.ResponseWriter, r *http.Request, c *Client) (*flowState, bool) {
	var st flowState
	ck, err := r.Cookie(h.cookieName(purposeSt))
	h.clearCookie(w, purposeSt)
	if err != nil || h.seal.open(purposeSt, ck.Value, &st, h.cfg.Now()) != nil ||
		st.Client != c.Name || st.State == "" || st.Verifier == "" ||
		subtle.ConstantTimeCompare([]byte(st.State), []byte(r.URL.Query().Get("state"))) != 1 {
		h.fail(w, r, &Error{Client: c.Name, Code: "invalid_state", Description: "the state parameter does not match this browser's sign-in"})
		return nil, false
	}
	first, err := h.used.Use(r.Context(), stateKey(st.State), h.cfg.Now().Add(stateTTL))
	if err != nil {
		h.fail(w, r, &Error{Client: c.Name, Kind: st.Kind, Code: "server_error", Description: "recording the state failed", Err: err})
		return nil, false
	}
	if !first {
		h.fail(w, r, &Error{Client: c.Name, Kind: st.Kind, Code: "invalid_state", Description: "this sign-in's callback was already served (replayed)"})
		return nil, false
	}
	if (st.Kind == KindSession) != strings.HasSuffix(r.URL.Path, "/sessions/approve") {
		h.fail(w, r, &Error{Client: c.Name, Kind: st.Kind, Code: "invalid_state", Description: "the flow came back to the wrong route"})
		return nil, false
	}
	return &st, true
}

func (h *Handler) approve(w http.ResponseWriter, r *http.Request) {
	c, ok := h.client(r)
	if !ok {
		h.unknownClient(w, r, "") // the flow is in the state, not opened
		return
	}
	pst, ok := h.openState(w, r, c)
	if !ok {
		return
	}
	st := *pst
	tok, ok := h.exchange(w, r, c, &st)
	if !ok {
		return
	}
	h.finish(w, r, c, &st, tok)
}

// exchange trades the callback's authorization code for a token and
// checks its ID token. When it returns false it has answered: a refusal
// by the user goes back to the origin, a stale code restarts the flow (at
// most MaxRestarts times), anything else fails.
func (h *Handler) exchange(w http.ResponseWriter, r *http.Request, c *Client, st *flowState) (*oauth2.Token, bool) {
	q := r.URL.Query()
	if code := q.Get("error"); code != "" {
		if code == "access_denied" {
			http.Redirect(w, r, st.Origin, http.StatusFound)
			return nil, false
		}
		h.fail(w, r, &Error{Client: c.Name, Kind: st.Kind, Code: redact.Clip(code, 64), Description: redact.Clip(q.Get("error_description"), 300)})
		return nil, false
	}
	code := q.Get("code")
	if code == "" {
		h.fail(w, r, &Error{Client: c.Name, Kind: st.Kind, Code: "invalid_request", Description: "no authorization code"})
		return nil, false
	}
	tok, err := c.Provider.Exchange(r.Context(), code, h.redirectURI(c.Name, st.Kind), st.Verifier)
	if err != nil {
		oc := oauthCode(err)
		if (oc == "invalid_grant" || oc == "invalid_request") && st.Restarts < h.cfg.MaxRestarts {
			st.Restarts++
			h.redirectToServer(w, r, c, st)
			return nil, false
		}
		if oc == "" {
			oc = "exchange_failed"
		}
		h.fail(w, r, &Error{Client: c.Name, Kind: st.Kind, Code: oc, Description: "exchanging the authorization code failed", Err: redact.ScrubError(err, code, st.Verifier)})
		return nil, false
	}
	if err := checkIDToken(r.Context(), c, st, tok); err != nil {
		h.fail(w, r, &Error{Client: c.Name, Kind: st.Kind, Code: "invalid_id_token", Description: "the ID token of the token response was refused", Err: err})
		return nil, false
	}
	return tok, true
}

// finish saves the new token, opens the session of a sign-in, hands the
// Approval to AfterApprove and redirects where it says (the origin by
// default; "-" means it answered itself).
func (h *Handler) finish(w http.ResponseWriter, r *http.Request, c *Client, st *flowState, tok *oauth2.Token) {
	id, err := h.cfg.Store.Save(r.Context(), c.Name, tok)
	if err != nil {
		h.fail(w, r, &Error{Client: c.Name, Kind: st.Kind, Code: "store_failed", Err: err})
		return
	}
	a := &Approval{Client: c.Name, Kind: st.Kind, Token: tok, TokenID: id, Origin: st.Origin, AppState: st.AppState}
	if c.Bearer != nil {
		a.BearerType, a.BearerID = c.Bearer(tok)
	}
	if st.Kind == KindSession {
		if err := h.setSession(w, &Session{Client: c.Name, TokenID: id, BearerType: a.BearerType, BearerID: a.BearerID}); err != nil {
			h.fail(w, r, &Error{Client: c.Name, Kind: st.Kind, Code: "server_error", Err: err})
			return
		}
	}
	target := ""
	if h.cfg.AfterApprove != nil {
		target = h.cfg.AfterApprove(w, r, a)
	}
	if target == "-" {
		return
	}
	if target == "" {
		target = st.Origin
	}
	http.Redirect(w, r, target, http.StatusFound)
}

// oauthCode finds the OAuth error code in an exchange error.
func oauthCode(err error) string {
	var te *auth.TokenError
	if errors.As(err, &te) && te.Code != "" {
		return te.Code
	}
	var oe *sdkerrors.OAuthError
	if errors.As(err, &oe) {
		return oe.Code
	}
	var ae *sdkerrors.Auth0AuthError
	if errors.As(err, &ae) {
		return ae.Code
	}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		return re.ErrorCode
	}
	return ""
}

func (h *Handler) setSession(w http.ResponseWriter, s *Session) error {
	val, err := h.seal.seal(purposeSe, s, h.cfg.SessionTTL, h.cfg.Now())
	if err != nil {
		return err
	}
	http.SetCookie(w, h.cookie(purposeSe, val, int(h.cfg.SessionTTL.Seconds())))
	return nil
}

func (h *Handler) logout(w http.ResponseWriter, r *http.Request) {
	c, ok := h.client(r)
	if !ok {
		h.unknownClient(w, r, "") // a sign-out is no flow
		return
	}
	// A sign-out posted from another site is refused (the session cookie
	// is SameSite=Lax, but its removal would still go through), and so is
	// one from an opaque origin ("null": a sandboxed frame, a data: URL, a
	// cross-origin redirect), which no page of the app sends.
	if o := r.Header.Get("Origin"); o != "" && !strings.EqualFold(o, h.origin) {
		http.Error(w, "cross-site sign-out refused", http.StatusForbidden)
		return
	}
	if s, ok := h.Session(r); ok && s.Client == c.Name {
		ctx := r.Context()
		if tok, err := h.cfg.Store.Find(ctx, s.TokenID); err == nil && tok != nil {
			// A failed revocation does not keep the person signed in:
			// the local token goes anyway.
			_ = c.Provider.Revoke(ctx, tok)
		}
		_ = h.cfg.Store.Delete(ctx, s.TokenID)
	}
	h.clearCookie(w, purposeSe)
	target := ""
	if h.cfg.AfterLogout != nil {
		target = h.cfg.AfterLogout(w, r, c.Name)
	}
	if target == "-" {
		return
	}
	if target == "" {
		target = h.cfg.DefaultOrigin
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// Session returns the signed-in person of r, from the session cookie.
func (h *Handler) Session(r *http.Request) (*Session, bool) {
	ck, err := r.Cookie(h.cookieName(purposeSe))
	if err != nil {
		return nil, false
	}
	var s Session
	if h.seal.open(purposeSe, ck.Value, &s, h.cfg.Now()) != nil || s.TokenID == "" {
		return nil, false
	}
	return &s, true
}

// Token returns the stored token of r's session. It matches
// ErrTokenNotFound when there is no session or no such token.
func (h *Handler) Token(ctx context.Context, r *http.Request) (*oauth2.Token, *Session, error) {
	s, ok := h.Session(r)
	if !ok {
		return nil, nil, ErrTokenNotFound
	}
	tok, err := h.cfg.Store.Find(ctx, s.TokenID)
	if err != nil {
		return nil, s, err
	}
	return tok, s, nil
}

// LogIn stores tok for client and returns a session cookie for it,
// without any OAuth round trip: for tests of the app's handlers, and for
// apps that obtained a token some other way.
func (h *Handler) LogIn(ctx context.Context, client string, tok *oauth2.Token) (*http.Cookie, *Session, error) {
	c, ok := h.clients[client]
	if !ok {
		return nil, nil, &Error{Client: client, Code: "unknown_client"}
	}
	id, err := h.cfg.Store.Save(ctx, client, tok)
	if err != nil {
		return nil, nil, err
	}
	s := &Session{Client: client, TokenID: id}
	if c.Bearer != nil {
		s.BearerType, s.BearerID = c.Bearer(tok)
	}
	val, err := h.seal.seal(purposeSe, s, h.cfg.SessionTTL, h.cfg.Now())
	if err != nil {
		return nil, nil, err
	}
	return h.cookie(purposeSe, val, int(h.cfg.SessionTTL.Seconds())), s, nil
}
