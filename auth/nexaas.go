package auth

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/internal/redact"
	"github.com/idsdk/idsdk-go/regions"
)

// NexaasConfig is the OAuth client of an application registered with
// Nexaas ID. Nexaas ID authenticates clients with the id and secret in the
// form body (client_secret_post) at /oauth/token, and sends users to
// /oauth/authorize, both on the API's own host.
type NexaasConfig struct {
	// BaseURL is the Nexaas ID server; empty means regions.NexaasProduction.
	BaseURL string
	// ClientID and ClientSecret identify the application.
	ClientID     string
	ClientSecret Secret
	// HTTPClient sends the token requests; nil means http.DefaultClient.
	HTTPClient *http.Client
}

// NexaasDefaultScope is the scope application clients ask for when none is
// given: the one POST /api/v1/sign_up needs.
const NexaasDefaultScope = "invite"

func (c NexaasConfig) base() (string, error) {
	if c.BaseURL == "" {
		return regions.NexaasProduction.URL, nil
	}
	return regions.ValidateBaseURL(c.BaseURL)
}

// TokenURL is the token endpoint of the configured server.
func (c NexaasConfig) TokenURL() (string, error) {
	b, err := c.base()
	if err != nil {
		return "", err
	}
	return b + "/oauth/token", nil
}

// OAuth2 returns the x/oauth2 configuration of the client for the
// authorization code flow (authorize URL, code exchange), with scopes and
// redirectURL filled in.
func (c NexaasConfig) OAuth2(redirectURL string, scopes ...string) (*oauth2.Config, error) {
	b, err := c.base()
	if err != nil {
		return nil, err
	}
	return &oauth2.Config{
		ClientID:     c.ClientID,
		ClientSecret: c.ClientSecret.Reveal(),
		Endpoint: oauth2.Endpoint{
			AuthURL:   b + "/oauth/authorize",
			TokenURL:  b + "/oauth/token",
			AuthStyle: oauth2.AuthStyleInParams,
		},
		RedirectURL: redirectURL,
		Scopes:      scopes,
	}, nil
}

// NexaasIdentity returns the token source of an identity client: a user's
// access and refresh token, refreshed when they expire. store holds the
// user's tokens (StoreFuncs adapts a user record): it is read when the
// cache starts and before every refresh, and every new token is saved to it
// before any call uses it, so a rotated refresh token is never lost. A
// failing Save fails the call with a *SaveError.
//
// Give the result to nexaasid.WithToken.
func NexaasIdentity(cfg NexaasConfig, store Store, opts ...CacheOption) (*Cache, error) {
	tokenURL, err := cfg.TokenURL()
	if err != nil {
		return nil, fmt.Errorf("auth: nexaas identity client: %w", err)
	}
	if store == nil {
		return nil, fmt.Errorf("auth: nexaas identity client: a Store with the user's tokens is required")
	}
	src := NewRefreshSource(RefreshConfig{
		TokenURL:     tokenURL,
		ClientID:     cfg.ClientID,
		ClientSecret: cfg.ClientSecret,
		AuthMethod:   ClientSecretPost,
		HTTPClient:   cfg.HTTPClient,
	}, nil)
	return NewCache(src, append([]CacheOption{WithStore(store)}, opts...)...), nil
}

// NexaasApplication is an application client of Nexaas ID: tokens from the
// client credentials grant, one cached token per set of scopes. It is safe
// for concurrent use; create one per registered application and share it.
type NexaasApplication struct {
	cfg      NexaasConfig
	tokenURL string
	opts     []CacheOption

	mu     sync.Mutex
	caches map[string]*Cache
}

// NewNexaasApplication returns the application client of cfg.
func NewNexaasApplication(cfg NexaasConfig, opts ...CacheOption) (*NexaasApplication, error) {
	tokenURL, err := cfg.TokenURL()
	if err != nil {
		return nil, fmt.Errorf("auth: nexaas application client: %w", err)
	}
	return &NexaasApplication{cfg: cfg, tokenURL: tokenURL, opts: opts, caches: map[string]*Cache{}}, nil
}

// Source returns the cached token source for scopes (NexaasDefaultScope
// when none are given). The same scopes, in any order, share one cache.
// Give the result to nexaasid.WithToken.
func (a *NexaasApplication) Source(scopes ...string) *Cache {
	if len(scopes) == 0 {
		scopes = []string{NexaasDefaultScope}
	}
	scopes = slices.Clone(scopes)
	slices.Sort(scopes)
	scopes = slices.Compact(scopes)
	key := strings.Join(scopes, " ")
	a.mu.Lock()
	defer a.mu.Unlock()
	if c, ok := a.caches[key]; ok {
		return c
	}
	c := NewCache(&ClientCredentials{
		TokenURL:     a.tokenURL,
		ClientID:     a.cfg.ClientID,
		ClientSecret: a.cfg.ClientSecret,
		AuthMethod:   ClientSecretPost,
		Scopes:       scopes,
		HTTPClient:   a.cfg.HTTPClient,
	}, a.opts...)
	a.caches[key] = c
	return c
}

// TokenContext returns a token with the default scope.
func (a *NexaasApplication) TokenContext(ctx context.Context) (*oauth2.Token, error) {
	return a.Source().TokenContext(ctx)
}

// Token implements oauth2.TokenSource with the default scope.
func (a *NexaasApplication) Token() (*oauth2.Token, error) {
	return a.TokenContext(context.Background())
}

// String describes the client without its secret.
func (a *NexaasApplication) String() string {
	if a == nil {
		return "auth.NexaasApplication(nil)"
	}
	return fmt.Sprintf("auth.NexaasApplication{client_id: %q, token_url: %q, secret: [redacted]}", a.cfg.ClientID, a.tokenURL)
}

// GoString is String.
func (a *NexaasApplication) GoString() string { return a.String() }

// Format prints String for every verb.
func (a *NexaasApplication) Format(f fmt.State, verb rune) { redact.Format(f, verb, a.String()) }

// LogValue keeps the secret out of slog output.
func (a *NexaasApplication) LogValue() slog.Value { return redact.LogValue(a.String()) }
