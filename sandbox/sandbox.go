// Package sandbox runs a local emulator of every API this module covers
// (Auth0 Management and Authentication, Authlete, Nexaas ID, Zaikio) so a
// test, an example or a non-Go tool can use the SDK with no vendor account,
// no credentials and no network: each API is served on its own loopback
// listener, keeps state (a user created by one call is found by the next),
// and can be told to fail on demand.
//
// In a test:
//
//	sb := sandbox.Start(t)
//	// point a client at sb.Auth0.Domain with sb.Auth0.ClientID/ClientSecret
//
// The package imports no generated client: a test that imports it compiles
// only the clients it builds itself.
package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/idsdk/idsdk-go/sandbox/internal/fault"
)

// Sandbox is a running emulator: one loopback server per API. Its fields
// are set by New and never change; Close stops every server.
type Sandbox struct {
	// Auth0 is the Auth0 tenant (Management API v2 and Authentication API).
	Auth0 *Auth0
	// Authlete is the Authlete API v3 server.
	Authlete *Authlete
	// Nexaas is the Nexaas ID server.
	Nexaas *Nexaas
	// Zaikio is the Zaikio Hub and its OAuth server.
	Zaikio *Zaikio

	cfg config

	mu      sync.Mutex
	servers []*endpoint
	closed  bool
}

// Option configures a Sandbox.
type Option func(*config)

// config is what the options set; each API keeps its own part.
type config struct {
	host     string
	basePort int
	now      func() time.Time

	auth0    auth0Config
	authlete authleteConfig
	nexaas   nexaasConfig
	zaikio   zaikioConfig
}

// WithClock makes the emulator read the time from now (token expiry,
// issued-at claims, timestamps of created objects). The default is
// time.Now.
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithPorts serves the APIs on fixed ports of the loopback interface:
// Auth0 on base, Authlete on base+1, Nexaas on base+2 and Zaikio on
// base+3. The default (0) picks free ports.
func WithPorts(base int) Option { return func(c *config) { c.basePort = base } }

// Fault is a failure a route gives on demand (see each API's Fault
// method). Its fields combine; the zero Fault changes nothing:
//
//	Status      int            // answered instead of the route's answer, with the API's error body
//	Body        string         // replaces that error body
//	Latency     time.Duration  // delays the answer (the request's context still ends it)
//	RetryAfter  time.Duration  // sent as Retry-After, in whole seconds
//	Reset       bool           // closes the connection with no answer
//	ExpireToken bool           // the request's access token expires now, then the route answers
//	Times       int            // how many matching requests get it; 0 means until ClearFaults
type Fault = fault.Fault

// New starts every emulated API on the loopback interface. The caller
// must Close the Sandbox.
func New(opts ...Option) (*Sandbox, error) {
	s := &Sandbox{cfg: config{host: "127.0.0.1", now: time.Now}}
	for _, o := range opts {
		o(&s.cfg)
	}
	starts := []func(*Sandbox) error{startAuth0, startAuthlete, startNexaas, startZaikio}
	for _, start := range starts {
		if err := start(s); err != nil {
			_ = s.Close()
			return nil, err
		}
	}
	return s, nil
}

// Start is New for a test: it fails the test at once if the emulator
// cannot start and closes it when the test ends.
func Start(tb testing.TB, opts ...Option) *Sandbox {
	tb.Helper()
	s, err := New(opts...)
	if err != nil {
		tb.Fatalf("sandbox: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("sandbox: %v", err)
		}
	})
	return s
}

// Close stops every server and drops their state. A second Close does
// nothing.
func (s *Sandbox) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	servers := s.servers
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var errs []error
	for _, e := range servers {
		if e.srv.Handler == nil {
			_ = e.ln.Close()
			continue
		}
		if err := e.srv.Shutdown(ctx); err != nil {
			_ = e.srv.Close()
			errs = append(errs, fmt.Errorf("sandbox: stop %s: %w", e.name, err))
		}
	}
	return errors.Join(errs...)
}

// now is the sandbox clock.
func (s *Sandbox) now() time.Time { return s.cfg.now() }

// endpoint is one API's loopback server and its faults.
type endpoint struct {
	name   string
	url    string // http://127.0.0.1:PORT, no trailing slash
	ln     net.Listener
	srv    *http.Server
	faults *fault.Set
}

// listen opens the loopback listener of the API name (port index i of
// WithPorts) so its URL is known before its handler is built; start
// serves the handler.
func (s *Sandbox) listen(name string, i int) (*endpoint, error) {
	port := 0
	if s.cfg.basePort != 0 {
		port = s.cfg.basePort + i
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(s.cfg.host, fmt.Sprint(port)))
	if err != nil {
		return nil, fmt.Errorf("sandbox: listen for %s: %w", name, err)
	}
	e := &endpoint{name: name, url: "http://" + ln.Addr().String(), ln: ln, faults: fault.NewSet()}
	e.srv = &http.Server{ReadHeaderTimeout: 10 * time.Second}
	s.mu.Lock()
	s.servers = append(s.servers, e)
	s.mu.Unlock()
	return e, nil
}

// start serves h on e, behind e's faults.
func (e *endpoint) start(h http.Handler) {
	e.srv.Handler = e.faults.Wrap(h)
	go func() { _ = e.srv.Serve(e.ln) }()
}

// serveRoutes serves the routes register mounts: a fault answers with
// the API's usual error body (errorBody), and an ExpireToken fault ends
// the request's token with expire.
func (e *endpoint) serveRoutes(register func(*http.ServeMux), errorBody func(http.ResponseWriter, int), expire func(*http.Request)) {
	e.faults.ErrorBody, e.faults.ExpireToken = errorBody, expire
	mux := http.NewServeMux()
	register(mux)
	e.start(mux)
}

// or returns s, or def when s is empty.
func or(s, def string) string {
	if s != "" {
		return s
	}
	return def
}
