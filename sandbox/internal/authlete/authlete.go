// Package authlete is the emulated Authlete API v3: services and clients
// kept in memory, and the authorization, token, introspection and userinfo
// flows answering Authlete's documented action values. Every call needs
// the bearer API token the Config names.
package authlete

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/idsdk/idsdk-go/sandbox/internal/httpx"
	"github.com/idsdk/idsdk-go/sandbox/internal/oauthsrv"
)

// Config configures a Server.
type Config struct {
	// Token is the API token every request must carry as a bearer token.
	Token string
	// ServiceID is the number of the service that exists from the start.
	ServiceID int64
	// ServiceName is that service's name.
	ServiceName string
	// Issuer is that service's issuer identifier.
	Issuer string
	// Scopes are the scopes that service supports (openid and
	// offline_access are always supported).
	Scopes []string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Server is the emulated Authlete API. Its methods are safe for concurrent
// use.
type Server struct {
	cfg Config
	mux *http.ServeMux

	mu          sync.Mutex
	services    map[int64]object // by service number
	clients     map[int64]object // by client ID
	nextService int64
	nextClient  int64
	tickets     map[string]*ticket
	oauth       *oauthsrv.Server // codes, access and refresh tokens
}

// object is a stored service or client: the JSON object as last written,
// with the members Authlete sets itself.
type object = map[string]any

// New returns a Server holding one service (cfg.ServiceID) and no client.
func New(cfg Config) (*Server, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.ServiceID == 0 {
		cfg.ServiceID = 715948317
	}
	if cfg.ServiceName == "" {
		cfg.ServiceName = "sandbox"
	}
	s := &Server{
		cfg:         cfg,
		services:    map[int64]object{},
		clients:     map[int64]object{},
		nextService: cfg.ServiceID + 1,
		nextClient:  1000000000,
		tickets:     map[string]*ticket{},
	}
	base := cfg.Issuer
	if base == "" {
		base = "http://authlete.invalid"
	}
	o, err := oauthsrv.New(oauthsrv.Config{
		BaseURL: base, AccessTokenTTL: 24 * time.Hour, RotateRefreshTokens: true, Now: cfg.Now, Users: anySubject{},
	})
	if err != nil {
		return nil, fmt.Errorf("authlete: %w", err)
	}
	s.oauth = o
	scopes := []any{map[string]any{"name": "openid"}, map[string]any{"name": "offline_access"}}
	for _, sc := range cfg.Scopes {
		scopes = append(scopes, map[string]any{"name": sc})
	}
	now := s.millis()
	s.services[cfg.ServiceID] = object{
		"number": cfg.ServiceID, "serviceName": cfg.ServiceName, "issuer": cfg.Issuer,
		"apiKey": cfg.ServiceID, "supportedScopes": scopes, "createdAt": now, "modifiedAt": now,
		"accessTokenDuration": int64(86400), "refreshTokenDuration": int64(864000),
	}
	s.routes()
	return s, nil
}

// ServeHTTP serves the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	switch {
	case !ok:
		writeResult(w, http.StatusUnauthorized, "A001202", r.URL.Path+", Authorization header is missing or not Bearer.")
	case subtle.ConstantTimeCompare([]byte(got), []byte(s.cfg.Token)) != 1:
		writeResult(w, http.StatusUnauthorized, "A001215", r.URL.Path+", the access token is invalid.")
	default:
		s.mux.ServeHTTP(w, r)
	}
}

// routes mounts every operation the emulator serves.
func (s *Server) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /api/{serviceId}/service/get", s.serviceGet)
	m.HandleFunc("GET /api/service/get/list", s.serviceList)
	m.HandleFunc("POST /api/service/create", s.serviceCreate)
	m.HandleFunc("POST /api/{serviceId}/service/update", s.serviceUpdate)
	m.HandleFunc("DELETE /api/{serviceId}/service/delete", s.serviceDelete)
	m.HandleFunc("GET /api/{serviceId}/client/get/{clientId}", s.clientGet)
	m.HandleFunc("GET /api/{serviceId}/client/get/list", s.clientList)
	m.HandleFunc("POST /api/{serviceId}/client/create", s.clientCreate)
	m.HandleFunc("POST /api/{serviceId}/client/update/{clientId}", s.clientUpdate)
	m.HandleFunc("DELETE /api/{serviceId}/client/delete/{clientId}", s.clientDelete)
	m.HandleFunc("POST /api/{serviceId}/auth/authorization", s.authorization)
	m.HandleFunc("POST /api/{serviceId}/auth/authorization/issue", s.authorizationIssue)
	m.HandleFunc("POST /api/{serviceId}/auth/authorization/fail", s.authorizationFail)
	m.HandleFunc("POST /api/{serviceId}/auth/token", s.token)
	m.HandleFunc("POST /api/{serviceId}/auth/token/issue", s.tokenIssue)
	m.HandleFunc("POST /api/{serviceId}/auth/token/fail", s.tokenFail)
	m.HandleFunc("POST /api/{serviceId}/auth/introspection", s.introspection)
	m.HandleFunc("POST /api/{serviceId}/auth/userinfo", s.userinfo)
	m.HandleFunc("POST /api/{serviceId}/auth/userinfo/issue", s.userinfoIssue)
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeResult(w, http.StatusNotFound, "A000404", r.Method+" "+r.URL.Path+" is not emulated.")
	})
	s.mux = m
}

// Expire makes an access token issued by the flows expire now.
func (s *Server) Expire(accessToken string) { s.oauth.Expire(accessToken) }

// ErrorBody writes Authlete's result body for status (the body of an
// injected fault).
func ErrorBody(w http.ResponseWriter, status int) {
	writeResult(w, status, fmt.Sprintf("A%03d000", status), http.StatusText(status))
}

// millis is the clock in Unix milliseconds, as Authlete writes times.
func (s *Server) millis() int64 { return s.cfg.Now().UnixMilli() }

// service returns the service the path's serviceId names, answering the
// error itself when there is none.
func (s *Server) service(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("serviceId"), 10, 64)
	s.mu.Lock()
	_, ok := s.services[id]
	s.mu.Unlock()
	if err != nil || !ok {
		writeResult(w, http.StatusBadRequest, "A001101", r.URL.Path+", the service does not exist.")
		return 0, false
	}
	return id, true
}

// serviceBody is service, then decode of the body into v: the start of
// every call that names a service and sends a JSON body.
func (s *Server) serviceBody(w http.ResponseWriter, r *http.Request, v any) (int64, bool) {
	id, ok := s.service(w, r)
	return id, ok && decode(w, r, v)
}

// decode reads a JSON request body into v, answering 400 when it cannot.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		writeResult(w, http.StatusBadRequest, "A001301", r.URL.Path+", the request body is not valid JSON.")
		return false
	}
	return true
}

// writeJSON writes v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	httpx.WriteJSONAs(w, status, "application/json;charset=UTF-8", v)
}

// writeResult writes Authlete's {"resultCode","resultMessage"} body.
func writeResult(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"resultCode": code, "resultMessage": "[" + code + "] " + msg})
}

// jsonString is v encoded as JSON text.
func jsonString(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

// ServiceID is the number of the service the server started with.
func (s *Server) ServiceID() int64 { return s.cfg.ServiceID }
