// Package nexaas holds the credentials of Nexaas ID clients: the identity
// client, which acts for a signed-in user with the user's own access and
// refresh tokens, and the application client, which holds tokens of its
// own from the client credentials grant. Both return a *auth.Cache for
// nexaasid.WithToken; the generated nexaasid.WithIdentity and
// nexaasid.WithApplication build them from the client's own server.
package nexaas

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/internal/redact"
	"github.com/idsdk/idsdk-go/regions"
)

// Config is the OAuth client of an application registered with
// Nexaas ID. Nexaas ID authenticates clients with the id and secret in the
// form body (client_secret_post) at /oauth/token, and sends users to
// /oauth/authorize, both on the API's own host.
type Config struct {
	// BaseURL is the Nexaas ID server; empty means regions.NexaasProduction.
	BaseURL string
	// ClientID and ClientSecret identify the application.
	ClientID     string
	ClientSecret auth.Secret
	// HTTPClient sends the token requests; nil means http.DefaultClient.
	HTTPClient *http.Client
}

// DefaultScope is the scope application clients ask for when none is
// given: the one POST /api/v1/sign_up needs.
const DefaultScope = "invite"

func (c Config) base() (string, error) {
	if c.BaseURL == "" {
		return regions.NexaasProduction.URL, nil
	}
	return regions.ValidateBaseURL(c.BaseURL)
}

// TokenURL is the token endpoint of the configured server.
func (c Config) TokenURL() (string, error) {
	b, err := c.base()
	if err != nil {
		return "", err
	}
	return b + "/oauth/token", nil
}

// OAuth2 returns the x/oauth2 configuration of the client for the
// authorization code flow (authorize URL, code exchange), with scopes and
// redirectURL filled in.
func (c Config) OAuth2(redirectURL string, scopes ...string) (*oauth2.Config, error) {
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

// Identity returns the token source of an identity client: a user's
// access and refresh token, refreshed when they expire. store holds the
// user's tokens (auth.StoreFuncs adapts a user record): it is read when the
// cache starts and before every refresh, and every new token is saved to it
// before any call uses it, so a rotated refresh token is never lost. A
// failing Save fails the call with a *auth.SaveError.
//
// Give the result to nexaasid.WithToken.
func Identity(cfg Config, store auth.Store, opts ...auth.CacheOption) (*auth.Cache, error) {
	tokenURL, err := cfg.TokenURL()
	if err != nil {
		return nil, fmt.Errorf("nexaas identity client: %w", err)
	}
	if store == nil {
		return nil, fmt.Errorf("nexaas identity client: a Store with the user's tokens is required")
	}
	src := auth.NewRefreshSource(auth.RefreshConfig{
		ClientAuth: auth.ClientAuth{TokenURL: tokenURL, ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, AuthMethod: auth.ClientSecretPost, HTTPClient: cfg.HTTPClient},
	}, nil)
	return auth.NewCache(src, append([]auth.CacheOption{auth.WithStore(store)}, opts...)...), nil
}

// Application is an application client of Nexaas ID: tokens from the
// client credentials grant, one cached token per set of scopes. It is safe
// for concurrent use; create one per registered application and share it.
type Application struct {
	cfg      Config
	tokenURL string
	opts     []auth.CacheOption

	mu     sync.Mutex
	caches map[string]*auth.Cache
}

// NewApplication returns the application client of cfg.
func NewApplication(cfg Config, opts ...auth.CacheOption) (*Application, error) {
	tokenURL, err := cfg.TokenURL()
	if err != nil {
		return nil, fmt.Errorf("nexaas application client: %w", err)
	}
	return &Application{cfg: cfg, tokenURL: tokenURL, opts: opts, caches: map[string]*auth.Cache{}}, nil
}

// Source returns the cached token source for scopes (DefaultScope
// when none are given). The same scopes, in any order, share one cache.
// Give the result to nexaasid.WithToken.
func (a *Application) Source(scopes ...string) *auth.Cache {
	if len(scopes) == 0 {
		scopes = []string{DefaultScope}
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
	c := auth.NewCache(&auth.ClientCredentials{
		ClientAuth: auth.ClientAuth{TokenURL: a.tokenURL, ClientID: a.cfg.ClientID, ClientSecret: a.cfg.ClientSecret, AuthMethod: auth.ClientSecretPost, HTTPClient: a.cfg.HTTPClient},
		Scopes:     scopes,
	}, a.opts...)
	a.caches[key] = c
	return c
}

// TokenContext returns a token with the default scope.
func (a *Application) TokenContext(ctx context.Context) (*oauth2.Token, error) {
	return a.Source().TokenContext(ctx)
}

// Token implements oauth2.TokenSource with the default scope.
func (a *Application) Token() (*oauth2.Token, error) {
	return a.TokenContext(context.Background())
}

// String describes the client without its secret.
func (a *Application) String() string {
	if a == nil {
		return "nexaas.Application(nil)"
	}
	return fmt.Sprintf("nexaas.Application{client_id: %q, token_url: %q, secret: [redacted]}", a.cfg.ClientID, a.tokenURL)
}

// GoString is String.
func (a *Application) GoString() string { return a.String() }

// Format prints String for every verb.
func (a *Application) Format(f fmt.State, verb rune) { redact.Format(f, verb, a.String()) }

// LogValue keeps the secret out of slog output.
func (a *Application) LogValue() slog.Value { return redact.LogValue(a.String()) }

// TokenEndpoint implements auth.EndpointSource.
func (a *Application) TokenEndpoint() string { return a.tokenURL }
