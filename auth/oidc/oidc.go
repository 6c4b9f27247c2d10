// Package oidc is a client of any OpenID Connect provider, built from the
// issuer URL alone: Discover reads {issuer}/.well-known/openid-configuration
// (OpenID Connect Discovery 1.0) and the Provider it returns speaks to the
// endpoints found there.
//
//   - sign-in: AuthCodeURL and NewLogin (state, nonce, PKCE S256), Exchange
//     or FinishLogin for the authorization code, the ID token validated by
//     auth/idtoken against the discovered jwks_uri and issuer;
//   - tokens: Refresh, and ClientCredentials / TokenSource through
//     auth.ClientCredentials and auth.Cache;
//   - UserInfo with the standard claims of OpenID Connect Core 5.1;
//   - Revoke (RFC 7009) and Introspect (RFC 7662).
//
// The client authenticates with client_secret_basic, client_secret_post or
// private_key_jwt (auth.ClientAuth). A Provider satisfies the Provider
// interface of auth/webflow.
//
// The discovered issuer must equal the requested one exactly, and every
// endpoint must be https unless its host is a loopback address. Token
// endpoint failures are *auth.TokenError (errors.Is matches
// auth.ErrInvalidGrant and auth.ErrInvalidCredentials); other non-2xx
// answers are *errors.APIError carrying an *errors.OAuthError when the
// server sent one; a 2xx answer that is not the expected JSON is an
// *errors.DecodeError. Response bodies are read with a size cap.
package oidc

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/auth/idtoken"
	"github.com/idsdk/idsdk-go/internal/redact"
	"github.com/idsdk/idsdk-go/regions"
)

// DiscoveryPath is appended to the issuer to find its configuration.
const DiscoveryPath = "/.well-known/openid-configuration"

// MaxResponseBytes caps the body of every successful response this package
// reads (discovery, userinfo, introspection): 1 MiB.
const MaxResponseBytes = 1 << 20

// Config is what Discover needs: the issuer and the client.
type Config struct {
	// Issuer is the issuer URL, exactly as the provider names itself in
	// its discovery document and its ID tokens.
	Issuer string
	// ClientID is the client's id.
	ClientID string
	// ClientSecret is used by client_secret_basic and client_secret_post.
	ClientSecret auth.Secret
	// AuthMethod is the client authentication method at the token,
	// revocation and introspection endpoints. Empty means private_key_jwt
	// when PrivateKey is set, client_secret_basic otherwise.
	AuthMethod auth.AuthMethod
	// PrivateKey signs the client assertions of private_key_jwt.
	PrivateKey *auth.PrivateKey
	// IntrospectionURL, when set, replaces the discovered
	// introspection_endpoint (Ory Hydra serves it on its admin port and
	// does not advertise it).
	IntrospectionURL string
	// HTTPClient makes every request; nil means http.DefaultClient.
	HTTPClient *http.Client
	// Leeway is the clock skew allowed when validating ID tokens (see
	// idtoken.Config.Leeway).
	Leeway time.Duration
}

// String describes the configuration without secrets.
func (c Config) String() string {
	s := fmt.Sprintf("oidc.Config{Issuer: %q, ClientID: %q, AuthMethod: %q", c.Issuer, c.ClientID, string(c.AuthMethod))
	if !c.ClientSecret.IsZero() {
		s += ", ClientSecret: " + redact.Placeholder
	}
	if c.PrivateKey != nil {
		s += ", PrivateKey: " + c.PrivateKey.String()
	}
	return s + "}"
}

// GoString is String, so %#v does not print secrets either.
func (c Config) GoString() string { return c.String() }

// Format prints String for every verb.
func (c Config) Format(f fmt.State, verb rune) { redact.Format(f, verb, c.String()) }

// LogValue keeps secrets out of slog output.
func (c *Config) LogValue() slog.Value { return redact.PointerLogValue(c) }

// MarshalJSON writes String.
func (c Config) MarshalJSON() ([]byte, error) { return redact.JSON(c.String()) }

// Metadata is the provider's discovery document (OpenID Connect Discovery
// 1.0 section 3, with the revocation and introspection endpoints of RFC
// 8414). Raw keeps every member, the ones named here included.
type Metadata struct {
	Issuer                            string   `json:"issuer"`
	AuthorizationEndpoint             string   `json:"authorization_endpoint"`
	TokenEndpoint                     string   `json:"token_endpoint"`
	UserinfoEndpoint                  string   `json:"userinfo_endpoint,omitempty"`
	JWKSURI                           string   `json:"jwks_uri"`
	RevocationEndpoint                string   `json:"revocation_endpoint,omitempty"`
	IntrospectionEndpoint             string   `json:"introspection_endpoint,omitempty"`
	EndSessionEndpoint                string   `json:"end_session_endpoint,omitempty"`
	ScopesSupported                   []string `json:"scopes_supported,omitempty"`
	ResponseTypesSupported            []string `json:"response_types_supported,omitempty"`
	GrantTypesSupported               []string `json:"grant_types_supported,omitempty"`
	CodeChallengeMethodsSupported     []string `json:"code_challenge_methods_supported,omitempty"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported,omitempty"`
	IDTokenSigningAlgValuesSupported  []string `json:"id_token_signing_alg_values_supported,omitempty"`
	ClaimsSupported                   []string `json:"claims_supported,omitempty"`

	// Raw holds every member of the document as sent.
	Raw map[string]json.RawMessage `json:"-"`
}

// Provider is one client at one OpenID Connect provider. It is safe for
// concurrent use; build one per client and share it (its JWKS is fetched
// once and cached).
type Provider struct {
	cfg       Config
	meta      Metadata
	client    auth.ClientAuth
	validator *idtoken.Validator
}

// Discover fetches the issuer's discovery document with ctx, checks it
// and returns the Provider. The document's issuer must equal cfg.Issuer
// exactly (Discovery 1.0 section 4.3); the authorization, token and JWKS
// endpoints are required and every endpoint must be https unless its host
// is loopback.
func Discover(ctx context.Context, cfg Config) (*Provider, error) {
	if cfg.ClientID == "" {
		return nil, fmt.Errorf("oidc: Config.ClientID is required")
	}
	if _, err := regions.ValidateBaseURL(cfg.Issuer); err != nil {
		return nil, fmt.Errorf("oidc: issuer: %w", err)
	}
	docURL := strings.TrimSuffix(cfg.Issuer, "/") + DiscoveryPath
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, docURL, nil)
	if err != nil {
		return nil, fmt.Errorf("oidc: discovery: %w", err)
	}
	var meta Metadata
	body, err := doJSON(cfg.HTTPClient, req, "discovery", &meta)
	if err != nil {
		return nil, err
	}
	_ = json.Unmarshal(body, &meta.Raw) // it decoded into meta: an object
	if err := meta.check(cfg.Issuer); err != nil {
		return nil, err
	}
	if cfg.IntrospectionURL != "" {
		if err := checkEndpoint("IntrospectionURL", cfg.IntrospectionURL); err != nil {
			return nil, err
		}
		meta.IntrospectionEndpoint = cfg.IntrospectionURL
	}
	return newProvider(cfg, meta)
}

func newProvider(cfg Config, meta Metadata) (*Provider, error) {
	p := &Provider{cfg: cfg, meta: meta}
	p.client = auth.ClientAuth{
		TokenURL: meta.TokenEndpoint, ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret,
		AuthMethod: cfg.AuthMethod, PrivateKey: cfg.PrivateKey, HTTPClient: cfg.HTTPClient,
	}
	v, err := idtoken.New(idtoken.Config{
		Issuer: meta.Issuer, ClientID: cfg.ClientID, JWKSURL: meta.JWKSURI,
		HTTPClient: cfg.HTTPClient, Leeway: cfg.Leeway,
	})
	if err != nil {
		return nil, fmt.Errorf("oidc: %w", err)
	}
	p.validator = v
	return p, nil
}

// check validates the document for the requested issuer.
func (m *Metadata) check(issuer string) error {
	if m.Issuer != issuer {
		return fmt.Errorf("oidc: discovery: issuer %.200q does not equal the requested issuer %q", m.Issuer, issuer)
	}
	required := []struct{ name, url string }{
		{"authorization_endpoint", m.AuthorizationEndpoint},
		{"token_endpoint", m.TokenEndpoint},
		{"jwks_uri", m.JWKSURI},
	}
	for _, r := range required {
		if r.url == "" {
			return fmt.Errorf("oidc: discovery: %s is missing", r.name)
		}
	}
	optional := []struct{ name, url string }{
		{"userinfo_endpoint", m.UserinfoEndpoint},
		{"revocation_endpoint", m.RevocationEndpoint},
		{"introspection_endpoint", m.IntrospectionEndpoint},
		{"end_session_endpoint", m.EndSessionEndpoint},
	}
	for _, e := range append(required, optional...) {
		if e.url == "" {
			continue
		}
		if err := checkEndpoint(e.name, e.url); err != nil {
			return err
		}
	}
	return nil
}

// checkEndpoint refuses an endpoint URL that is not absolute, carries
// userinfo or a fragment, or is plain http on a host that is not loopback.
func checkEndpoint(name, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil || u.Fragment != "" {
		return fmt.Errorf("oidc: discovery: %s %.200q is not an absolute URL", name, raw)
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && regions.IsLoopback(u.Hostname()):
	default:
		return fmt.Errorf("oidc: discovery: %s %.200q must be https (plain http only on loopback)", name, raw)
	}
	return nil
}

// Metadata returns the discovery document (Raw shared, not copied).
func (p *Provider) Metadata() Metadata { return p.meta }

// Issuer is the provider's issuer.
func (p *Provider) Issuer() string { return p.meta.Issuer }

// ClientAuth is the client's authentication at the provider's endpoints,
// for requests this package does not make.
func (p *Provider) ClientAuth() auth.ClientAuth { return p.client }

// IDTokenValidator validates this client's ID tokens against the
// discovered issuer and jwks_uri (RS256). Share it: it caches the keys.
func (p *Provider) IDTokenValidator() *idtoken.Validator { return p.validator }

// IDTokenConfig is the idtoken configuration for this client, for callers
// that want their own Validator (another Leeway or clock).
func (p *Provider) IDTokenConfig() idtoken.Config {
	return idtoken.Config{Issuer: p.meta.Issuer, ClientID: p.cfg.ClientID, JWKSURL: p.meta.JWKSURI, HTTPClient: p.cfg.HTTPClient, Leeway: p.cfg.Leeway}
}

// String describes the provider without secrets.
func (p Provider) String() string {
	return fmt.Sprintf("oidc.Provider{Issuer: %q, Client: %s}", p.meta.Issuer, p.client.String())
}

// GoString is String, so %#v does not print secrets either.
func (p Provider) GoString() string { return p.String() }

// Format prints String for every verb.
func (p Provider) Format(f fmt.State, verb rune) { redact.Format(f, verb, p.String()) }

// LogValue keeps secrets out of slog output.
func (p *Provider) LogValue() slog.Value { return redact.PointerLogValue(p) }

// MarshalJSON writes String.
func (p Provider) MarshalJSON() ([]byte, error) { return redact.JSON(p.String()) }
