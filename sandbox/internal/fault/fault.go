// Package fault makes the emulator's routes fail on demand: a status, a
// delay, a Retry-After header, a reset connection or an access token that
// expires at once, for the requests whose method and path match.
package fault

import (
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault is a failure a route gives on demand. The zero Fault changes
// nothing; fields combine (a delay then a status, say).
type Fault struct {
	// Status, when not zero, is answered instead of the route's own
	// answer, with Body (or the API's usual error body for that status).
	Status int
	// Body replaces the error body sent with Status.
	Body string
	// Latency delays the answer (the request's context still ends it).
	Latency time.Duration
	// RetryAfter, when positive, is sent as a Retry-After header in
	// whole seconds (rounded up).
	RetryAfter time.Duration
	// Reset closes the connection without an answer (a TCP reset where
	// the platform allows it).
	Reset bool
	// ExpireToken makes the request's access token expire now, then
	// serves the request: the route answers as it does to any expired
	// token (usually 401).
	ExpireToken bool
	// Times is how many matching requests get the fault; 0 means every
	// one until the faults are cleared.
	Times int
}

// rule is one Fault and the requests it applies to.
type rule struct {
	method string
	parts  []string
	f      Fault
	left   int // requests left when f.Times > 0
}

// Set is the faults of one API. Its methods are safe for concurrent use.
type Set struct {
	// ErrorBody writes the API's usual error body for a status; nil
	// means a small JSON object.
	ErrorBody func(w http.ResponseWriter, status int)
	// ExpireToken expires the access token the request carries; nil
	// means ExpireToken faults do nothing.
	ExpireToken func(r *http.Request)

	mu    sync.Mutex
	rules []*rule
}

// NewSet returns an empty Set.
func NewSet() *Set { return &Set{} }

// Add makes requests with this method ("" or "*" for any) and a path
// matching pattern fail with f. In pattern a segment "{name}" or "*"
// matches any one segment and a last segment "{name...}" matches the
// rest of the path. The newest matching fault wins.
func (s *Set) Add(method, pattern string, f Fault) {
	if method == "*" {
		method = ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rules = append(s.rules, &rule{method: strings.ToUpper(method), parts: split(pattern), f: f, left: f.Times})
}

// Clear removes every fault.
func (s *Set) Clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rules = nil
}

// match returns the fault for r, counting it against its Times.
func (s *Set) match(r *http.Request) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	path := split(r.URL.Path)
	for i := len(s.rules) - 1; i >= 0; i-- {
		ru := s.rules[i]
		if ru.method != "" && ru.method != r.Method || !matches(ru.parts, path) {
			continue
		}
		if ru.f.Times > 0 {
			ru.left--
			if ru.left <= 0 {
				s.rules = append(s.rules[:i], s.rules[i+1:]...)
			}
		}
		return ru.f, true
	}
	return Fault{}, false
}

// Wrap serves h behind the faults of s.
func (s *Set) Wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok := s.match(r)
		if !ok {
			h.ServeHTTP(w, r)
			return
		}
		if f.Latency > 0 {
			t := time.NewTimer(f.Latency)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		if f.Reset {
			reset(w)
			return
		}
		if f.RetryAfter > 0 {
			secs := int((f.RetryAfter + time.Second - 1) / time.Second)
			w.Header().Set("Retry-After", strconv.Itoa(secs))
		}
		if f.ExpireToken && s.ExpireToken != nil {
			s.ExpireToken(r)
		}
		if f.Status == 0 {
			h.ServeHTTP(w, r)
			return
		}
		s.writeError(w, f)
	})
}

// writeError answers f.Status with f.Body or the API's error body.
func (s *Set) writeError(w http.ResponseWriter, f Fault) {
	switch {
	case f.Body != "":
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(f.Status)
		_, _ = w.Write([]byte(f.Body))
	case s.ErrorBody != nil:
		s.ErrorBody(w, f.Status)
	default:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(f.Status)
		_, _ = w.Write([]byte(`{"error":"` + strings.ReplaceAll(http.StatusText(f.Status), `"`, "") + `"}`))
	}
}

// reset drops the connection under w with no answer.
func reset(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// split cuts a path into its segments.
func split(p string) []string { return strings.Split(strings.Trim(p, "/"), "/") }

// matches reports whether path fits the pattern segments.
func matches(pattern, path []string) bool {
	for i, seg := range pattern {
		wild := seg == "*" || strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}")
		if wild && strings.HasSuffix(seg, "...}") {
			return len(path) >= i
		}
		if i >= len(path) || !wild && seg != path[i] {
			return false
		}
	}
	return len(pattern) == len(path)
}
