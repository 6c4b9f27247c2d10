package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/oauth2"
)

// Transport adds "Authorization: <type> <token>" to requests whose scheme
// and host equal Origin (or the origin put on the request's context with
// ContextWithOrigin). Requests to any other origin, such as a redirect to
// another host, are sent without it.
type Transport struct {
	// Source hands out the token. TokenContext is used when it has it.
	Source oauth2.TokenSource
	// Origin is "scheme://host[:port]" of the API. Empty means: only the
	// origin set on each request's context.
	Origin string
	// Base sends the requests; nil means http.DefaultTransport.
	Base http.RoundTripper
}

type originKey struct{}

// ContextWithOrigin returns a context under which Transport sends the token
// to origin ("scheme://host[:port]", or any URL whose origin is meant) in
// place of its configured Origin.
func ContextWithOrigin(ctx context.Context, origin string) context.Context {
	return context.WithValue(ctx, originKey{}, OriginOf(origin))
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

// Error is returned by Transport when no token could be had: the request is
// not sent.
type Error struct {
	Err error
}

func (e *Error) Error() string { return fmt.Sprintf("auth: getting a token: %v", e.Err) }

// Unwrap returns the source's error.
func (e *Error) Unwrap() error { return e.Err }

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	want := t.Origin
	if o, ok := req.Context().Value(originKey{}).(string); ok && o != "" {
		want = o
	}
	if t.Source == nil || want == "" || origin(req.URL) != strings.ToLower(want) {
		return base.RoundTrip(req)
	}
	tok, err := TokenContext(req.Context(), t.Source)
	if err != nil {
		closeBody(req)
		return nil, &Error{Err: err}
	}
	if tok == nil || tok.AccessToken == "" {
		closeBody(req)
		return nil, &Error{Err: errors.New("source returned an empty token")}
	}
	r2 := req.Clone(req.Context())
	r2.Header.Set("Authorization", tok.Type()+" "+tok.AccessToken)
	return base.RoundTrip(r2)
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}
