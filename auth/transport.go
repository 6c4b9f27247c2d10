package auth

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/internal/redact"
)

// Transport adds "Authorization: <type> <token>" (or the HTTP Basic
// credentials ForRequest gives) to requests whose scheme, host and port
// equal Origin (or the origin ForRequest gives for the request). Requests
// to any other origin, such as a redirect to another host or to another
// port of the same host, are sent without it.
type Transport struct {
	// Source hands out the token. TokenContext is used when it has it.
	Source oauth2.TokenSource
	// Origin is "scheme://host[:port]" of the API. Empty means: only the
	// origin ForRequest gives for each request.
	Origin string
	// Base sends the requests; nil means http.DefaultTransport.
	Base http.RoundTripper
	// ForRequest, when set, says how one request authenticates (see
	// RequestAuth), from what whoever built the transport knows about the
	// request: the runtime of the generated clients answers from the call
	// being made. nil means the token under Origin for every request.
	ForRequest func(*http.Request) RequestAuth

	last atomic.Pointer[authHeader]
}

// RequestAuth is how Transport authenticates one request, as its
// ForRequest function says. The zero value means the token, under the
// transport's Origin.
type RequestAuth struct {
	// Origin, when set, replaces the transport's Origin for this request:
	// "scheme://host[:port]" as OriginOf returns it.
	Origin string
	// BasicID and BasicSecret, when BasicID is set, are sent as HTTP Basic
	// credentials (RFC 7617) instead of the token: for operations secured
	// by HTTP Basic. They go only where a token would.
	BasicID     string
	BasicSecret Secret
	// NoCredentials sends the request with neither the token nor Basic
	// credentials: for operations that authenticate otherwise or not at
	// all.
	NoCredentials bool
}

// OriginOf returns "scheme://host[:port]" of raw, lower-cased, or "" when
// raw is not an absolute URL.
func OriginOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	return origin(u)
}

func origin(u *url.URL) string {
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host)
}

// Invalidator is implemented by sources that can drop a token the server
// refused (Cache, Fake). Transport uses it to retry once after a 401.
type Invalidator interface {
	Invalidate(tok *oauth2.Token)
}

// RoundTrip implements http.RoundTripper.
//
// An error answer (status 400 or more) never repeats the credentials the
// request carried: they are replaced by "[redacted]" in its headers and
// body before the caller reads them.
//
// A request for which ForRequest gives Basic credentials carries those
// instead of the token, and one for which it says NoCredentials carries
// neither; both only under the origin rule above.
//
// When the answer is 401 and the Source is an Invalidator, the token is
// invalidated and the request is sent once more with a fresh token, provided
// its body can be sent again (no body, or GetBody set) and the source hands
// out a different token. Otherwise the 401 response is returned as is.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	var ra RequestAuth
	if t.ForRequest != nil {
		ra = t.ForRequest(req)
	}
	if !t.ownOrigin(req, ra.Origin) {
		return base.RoundTrip(req)
	}
	switch {
	case ra.NoCredentials:
		return base.RoundTrip(req)
	case ra.BasicID != "":
		v := basicAuth(ra.BasicID, ra.BasicSecret.Reveal())
		resp, err := base.RoundTrip(withAuthorization(req, []string{v}))
		redact.ScrubResponse(resp, redact.AuthorizationSecrets(v)...)
		return resp, err
	}
	if t.Source == nil {
		return base.RoundTrip(req)
	}
	tok, err := t.token(req)
	if err != nil {
		closeBody(req)
		return nil, err
	}
	resp, err := base.RoundTrip(t.authorized(req, tok))
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		redact.ScrubResponse(resp, tok.AccessToken)
		return resp, err
	}
	inv, ok := t.Source.(Invalidator)
	if !ok || !replayable(req) {
		redact.ScrubResponse(resp, tok.AccessToken)
		return resp, nil
	}
	inv.Invalidate(tok)
	tok2, err := t.token(req)
	if err != nil || tok2.AccessToken == tok.AccessToken {
		redact.ScrubResponse(resp, tok.AccessToken)
		return resp, nil
	}
	r2 := t.authorized(req, tok2)
	if req.GetBody != nil && req.Body != nil && req.Body != http.NoBody {
		body, err := req.GetBody()
		if err != nil {
			redact.ScrubResponse(resp, tok.AccessToken)
			return resp, nil
		}
		r2.Body = body
	}
	redact.Drain(resp.Body)
	resp, err = base.RoundTrip(r2)
	redact.ScrubResponse(resp, tok.AccessToken, tok2.AccessToken)
	return resp, err
}

// ownOrigin reports whether req goes to the origin credentials may be sent
// to: Origin, or the one ForRequest gave for the request (perCall). It is
// the one origin check for tokens and Basic credentials alike.
func (t *Transport) ownOrigin(req *http.Request, perCall string) bool {
	want := t.Origin
	if perCall != "" {
		want = perCall
	}
	return want != "" && sameOrigin(req.URL, want)
}

// CloseIdleConnections closes the idle connections of Base (of
// http.DefaultTransport when Base is nil), so that
// http.Client.CloseIdleConnections reaches the transport that holds them.
func (t *Transport) CloseIdleConnections() {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	if c, ok := base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// token asks the source for a token with the request's context. A
// failure is a *TokenError: the source's own, or one wrapping what the
// source returned.
func (t *Transport) token(req *http.Request) (*oauth2.Token, error) {
	tok, err := TokenContext(req.Context(), t.Source)
	if err == nil && (tok == nil || tok.AccessToken == "") {
		err = errors.New("auth: source returned an empty token")
	}
	if err == nil {
		return tok, nil
	}
	if te, ok := err.(*TokenError); ok {
		return nil, te
	}
	return nil, &TokenError{Err: err}
}

// authorized is a shallow copy of req with its own header map carrying tok.
// The caller's request is left as it was, as a RoundTripper must.
func (t *Transport) authorized(req *http.Request, tok *oauth2.Token) *http.Request {
	return withAuthorization(req, t.headerValue(tok))
}

// withAuthorization is a shallow copy of req with its own header map
// carrying the Authorization value v.
func withAuthorization(req *http.Request, v []string) *http.Request {
	r2 := new(http.Request)
	*r2 = *req
	h := make(http.Header, len(req.Header)+1)
	for k, v := range req.Header {
		h[k] = v
	}
	h["Authorization"] = v
	r2.Header = h
	return r2
}

// authHeader is the Authorization value last built, kept so that a token
// used for many requests is formatted once.
type authHeader struct {
	access, typ string
	value       []string
}

// headerValue returns the Authorization header value for tok.
func (t *Transport) headerValue(tok *oauth2.Token) []string {
	if c := t.last.Load(); c != nil && c.access == tok.AccessToken && c.typ == tok.TokenType {
		return c.value
	}
	// One element with no spare capacity: appending to it copies.
	v := []string{tok.Type() + " " + tok.AccessToken}
	t.last.Store(&authHeader{access: tok.AccessToken, typ: tok.TokenType, value: v[:1:1]})
	return v
}

// sameOrigin reports whether u has the scheme and host of want
// ("scheme://host[:port]"), ignoring case.
func sameOrigin(u *url.URL, want string) bool {
	scheme, host, ok := strings.Cut(want, "://")
	return ok && strings.EqualFold(u.Scheme, scheme) && strings.EqualFold(u.Host, host)
}

// replayable reports whether req's body can be sent a second time.
func replayable(req *http.Request) bool {
	return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}

// HTTPClient returns an *http.Client whose Transport adds ts's token to
// requests for origin ("scheme://host[:port]"), sending them through base
// (nil means http.DefaultTransport). Redirects to any other origin are
// followed without the token.
func HTTPClient(ts oauth2.TokenSource, origin string, base http.RoundTripper) *http.Client {
	return &http.Client{Transport: &Transport{Source: ts, Origin: OriginOf(origin), Base: base}}
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}
