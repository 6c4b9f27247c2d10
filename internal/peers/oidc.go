package peers

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// OIDCResource describes a resource server (RFC 8707 resource indicator)
// the provider issues access tokens for.
type OIDCResource struct {
	// Scope is the space-separated list of scopes the resource accepts.
	Scope string `json:"scope,omitempty"`
	// Audience is the aud of its access tokens; empty means the indicator.
	Audience string `json:"audience,omitempty"`
	// AccessTokenFormat is "jwt" (the default) or "opaque".
	AccessTokenFormat string `json:"accessTokenFormat,omitempty"`
	// AccessTokenTTL is the lifetime of its access tokens in seconds; 0
	// means the provider's TTL.
	AccessTokenTTL int `json:"accessTokenTTL,omitempty"`
}

// OIDCConfig configures one node-oidc-provider instance.
type OIDCConfig struct {
	// Clients is the client metadata as oidc-provider takes it (client_id,
	// client_secret, token_endpoint_auth_method, grant_types,
	// redirect_uris, response_types, jwks, ...).
	Clients []map[string]any `json:"clients"`
	// Scopes the provider knows; nil means openid and offline_access.
	Scopes []string `json:"scopes,omitempty"`
	// TTL maps an artifact name (AccessToken, ClientCredentials,
	// RefreshToken, AuthorizationCode, ...) to its lifetime in seconds.
	TTL map[string]int `json:"ttl,omitempty"`
	// Resources maps a resource indicator to its resource server.
	Resources map[string]OIDCResource `json:"resources,omitempty"`
	// The provider is as strict as oidc-provider can be about the code
	// flow by default: PKCE (S256, the only method it takes) is required
	// of every client, public or confidential, and every refresh rotates
	// the refresh token (the old one is refused afterwards). Loosen it
	// only for a flow that legitimately does without, the narrowest way:
	//
	// NoRefreshTokenRotation turns off rotating the refresh token on every use.
	NoRefreshTokenRotation bool `json:"-"`
	// PKCEOptionalClients are the client ids for which PKCE is optional
	// (the others still need it).
	PKCEOptionalClients []string `json:"pkceOptionalClients,omitempty"`
	// NoPKCE makes PKCE optional for every confidential client.
	NoPKCE bool `json:"-"`
	// ClientAuthSigningAlgs limits the private_key_jwt / client_secret_jwt
	// algorithms; nil means HS256, RS256/384/512, PS256/384/512, ES256/384/512.
	ClientAuthSigningAlgs []string `json:"clientAuthSigningAlgs,omitempty"`
	// Routes moves provider endpoints, as oidc-provider's "routes"
	// setting: e.g. {"token": "/oauth/token", "authorization": "/oauth/authorize"}.
	Routes map[string]string `json:"routes,omitempty"`
	// CIBA turns on Client-Initiated Backchannel Authentication in poll
	// mode: login_hint is a user id or Auth0's {"format":"iss_sub","sub":...}
	// JSON, and ApproveCIBA / DenyCIBA act as the user's device. Clients
	// need backchannel_token_delivery_mode "poll" and the grant type
	// urn:openid:params:grant-type:ciba.
	CIBA bool `json:"ciba,omitempty"`
	// CIBAInterval, when positive, is the polling interval in seconds the
	// backchannel authentication endpoint announces (as Auth0 does);
	// oidc-provider itself announces none.
	CIBAInterval int `json:"cibaInterval,omitempty"`
	// Port to listen on (127.0.0.1); 0 picks a free one.
	Port int `json:"port"`
}

// OIDCStats counts the token endpoint's work since start or the last reset.
type OIDCStats struct {
	// Requests is the number of POST /token requests received.
	Requests int `json:"requests"`
	// Success counts successful token responses per grant_type.
	Success map[string]int `json:"success"`
	// Error counts token error responses per grant_type.
	Error map[string]int `json:"error"`
}

// OIDCProvider is a running node-oidc-provider.
type OIDCProvider struct {
	// Issuer is the plain-http issuer, http://127.0.0.1:<port>.
	Issuer string
	// TokenURL is the token endpoint.
	TokenURL string
	// AuthURL is the authorization endpoint.
	AuthURL string
	// IntrospectionURL is the token introspection endpoint.
	IntrospectionURL string
	// RevocationURL is the token revocation endpoint.
	RevocationURL string
	// DeviceAuthURL is the device authorization endpoint.
	DeviceAuthURL string
	// JWKSURL serves the provider's public keys.
	JWKSURL string
	// BackchannelAuthURL is the CIBA backchannel authentication endpoint
	// (served when OIDCConfig.CIBA is set).
	BackchannelAuthURL string
	// Port is the loopback port the provider listens on.
	Port int

	cfgJSON string
	mu      sync.Mutex
	proc    *Process
}

// OIDCServerScript is the path of the node script that runs the provider.
func OIDCServerScript() string { return filepath.Join(NodeDir(), "oidc-server.mjs") }

// OIDC starts node-oidc-provider with cfg on 127.0.0.1 and stops it when the
// test ends. When node or the oidc-provider package is missing the test is
// skipped (failed under CI=true).
func OIDC(tb testing.TB, cfg OIDCConfig) *OIDCProvider {
	tb.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		Unavailable(tb, "node is not on PATH")
	}
	if _, err := os.Stat(filepath.Join(NodeDir(), "node_modules", "oidc-provider", "package.json")); err != nil {
		Unavailable(tb, "npm package oidc-provider is not installed (npm ci in %s)", NodeDir())
	}
	if cfg.Port == 0 {
		cfg.Port = FreePort(tb)
	}
	doc := struct {
		OIDCConfig
		Rotate bool `json:"rotateRefreshToken"`
		PKCE   bool `json:"pkceRequired"`
	}{cfg, !cfg.NoRefreshTokenRotation, !cfg.NoPKCE}
	if doc.Clients == nil {
		doc.Clients = []map[string]any{}
	}
	b, err := json.Marshal(doc)
	if err != nil {
		tb.Fatalf("oidc config: %v", err)
	}
	issuer := fmt.Sprintf("http://127.0.0.1:%d", cfg.Port)
	route := func(name, def string) string {
		if r, ok := cfg.Routes[name]; ok {
			return issuer + r
		}
		return issuer + def
	}
	p := &OIDCProvider{
		Issuer:             issuer,
		TokenURL:           route("token", "/token"),
		AuthURL:            route("authorization", "/auth"),
		IntrospectionURL:   route("introspection", "/token/introspection"),
		RevocationURL:      route("revocation", "/token/revocation"),
		DeviceAuthURL:      route("device_authorization", "/device/auth"),
		JWKSURL:            route("jwks", "/jwks"),
		BackchannelAuthURL: route("backchannel_authentication", "/backchannel"),
		Port:               cfg.Port,
		cfgJSON:            string(b),
	}
	tb.Cleanup(p.Stop)
	if err := p.start(); err != nil {
		tb.Fatalf("starting oidc-provider: %v", err)
	}
	return p
}

func (p *OIDCProvider) start() error {
	proc, err := Start(NodeDir(), "node", []string{"OIDC_CONFIG=" + p.cfgJSON}, OIDCServerScript())
	if err != nil {
		return err
	}
	p.mu.Lock()
	p.proc = proc
	p.mu.Unlock()
	if err := proc.WaitHTTP(context.Background(), p.Issuer+"/.well-known/openid-configuration", 20*time.Second); err != nil {
		proc.Stop()
		return err
	}
	return nil
}

// Stop ends the provider; calling it again does nothing. All its state
// (tokens, grants, sessions) is lost.
func (p *OIDCProvider) Stop() {
	p.mu.Lock()
	proc := p.proc
	p.proc = nil
	p.mu.Unlock()
	if proc != nil {
		proc.Stop()
	}
}

// Restart starts a stopped provider again on the same port with the same
// configuration (its state starts empty).
func (p *OIDCProvider) Restart(tb testing.TB) {
	tb.Helper()
	p.Stop()
	if err := p.start(); err != nil {
		tb.Fatalf("restarting oidc-provider: %v", err)
	}
}

// Output is what the provider printed so far.
func (p *OIDCProvider) Output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.proc == nil {
		return ""
	}
	return p.proc.Output()
}

// Stats reads the token endpoint counters.
func (p *OIDCProvider) Stats(tb testing.TB) OIDCStats {
	tb.Helper()
	resp, err := http.Get(p.Issuer + "/__stats")
	if err != nil {
		tb.Fatalf("oidc stats: %v", err)
	}
	defer resp.Body.Close()
	var s OIDCStats
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		tb.Fatalf("oidc stats: %v", err)
	}
	return s
}

// ResetStats zeroes the token endpoint counters.
func (p *OIDCProvider) ResetStats(tb testing.TB) {
	tb.Helper()
	resp, err := http.Post(p.Issuer+"/__stats/reset", "text/plain", nil)
	if err != nil {
		tb.Fatalf("oidc stats reset: %v", err)
	}
	resp.Body.Close()
}

// ApproveCIBA completes the latest pending CIBA request as its user would:
// the provider grants the requested scope and the next poll gets tokens.
func (p *OIDCProvider) ApproveCIBA(tb testing.TB) { tb.Helper(); p.finishCIBA(tb, "approve") }

// DenyCIBA refuses the latest pending CIBA request: the next poll gets
// access_denied.
func (p *OIDCProvider) DenyCIBA(tb testing.TB) { tb.Helper(); p.finishCIBA(tb, "deny") }

func (p *OIDCProvider) finishCIBA(tb testing.TB, action string) {
	tb.Helper()
	resp, err := http.Post(p.Issuer+"/__ciba/"+action, "text/plain", nil)
	if err != nil {
		tb.Errorf("ciba %s: %v", action, err)
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
		tb.Errorf("ciba %s: status %d (no pending request, or CIBA is off): %s", action, resp.StatusCode, body)
	}
}

// UserInfoAccepts reports whether the provider's userinfo endpoint (GET
// /me) accepts accessToken: the token is one the provider issued, still
// valid and not revoked.
func (p *OIDCProvider) UserInfoAccepts(tb testing.TB, accessToken string) bool {
	tb.Helper()
	req, err := http.NewRequest(http.MethodGet, p.Issuer+"/me", nil)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatalf("userinfo: %v", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	return resp.StatusCode == http.StatusOK
}
