package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/idsdk/idsdk-go/internal/redact"
)

// Refresher is implemented by sources that make a new token out of the
// previous one (the refresh token grant). A Cache in front of a Refresher
// hands it the token it holds, which may have come from a Store, instead of
// asking for TokenContext.
type Refresher interface {
	// Refresh exchanges old for a new token. A nil old means: start from
	// whatever the source was built with.
	Refresh(ctx context.Context, old *oauth2.Token) (*oauth2.Token, error)
}

// ErrNoRefreshToken is returned when a token must be refreshed but there is
// no refresh token to do it with.
var ErrNoRefreshToken = errors.New("auth: token has expired and there is no refresh token")

// DefaultRefreshMargin is how long before its expiry a RefreshSource
// refreshes a token when RefreshConfig.Margin is zero.
const DefaultRefreshMargin = 10 * time.Second

// RefreshConfig is how a RefreshSource reaches the token endpoint.
type RefreshConfig struct {
	// ClientAuth is the token endpoint, the client and how it
	// authenticates there (its HTTPClient sends the token request).
	ClientAuth
	// Scopes, when set, are sent with the refresh request to narrow it.
	Scopes []string
	// Params are extra form parameters for the refresh request.
	Params url.Values
	// Margin is how long before expiry TokenContext refreshes; 0 means
	// DefaultRefreshMargin.
	Margin time.Duration
	// User names whose token this is, for a SharedStore (see SharedIn):
	// processes with the same TokenURL, ClientID and User share one token.
	// Empty means the refresh token the source was built with names it.
	User string
}

// RefreshSource hands out a user's access token and refreshes it with the
// refresh token grant when it has expired or is about to. When the server
// answers without a new refresh token, the old one is kept.
//
// A RefreshSource keeps the latest token in memory only. To persist
// rotated refresh tokens, put a Cache with a Store or an OnTokenChange hook
// in front of it (see NewCache). It is safe for concurrent use; concurrent
// callers share one refresh.
type RefreshSource struct {
	cfg RefreshConfig

	mu  sync.Mutex
	tok *oauth2.Token
}

// NewRefreshSource starts from tok (access token, refresh token, expiry;
// the access token may be empty to force a refresh on first use).
func NewRefreshSource(cfg RefreshConfig, tok *oauth2.Token) *RefreshSource {
	var t *oauth2.Token
	if tok != nil {
		c := *tok
		t = &c
	}
	return &RefreshSource{cfg: cfg, tok: t}
}

// Token implements oauth2.TokenSource with context.Background. Prefer
// TokenContext.
func (s *RefreshSource) Token() (*oauth2.Token, error) { return s.TokenContext(context.Background()) }

// TokenContext returns the current token, refreshing it first with ctx when
// it expires within the margin.
func (s *RefreshSource) TokenContext(ctx context.Context) (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	margin := s.cfg.Margin
	if margin <= 0 {
		margin = DefaultRefreshMargin
	}
	if s.tok != nil && s.tok.AccessToken != "" && (s.tok.Expiry.IsZero() || time.Until(s.tok.Expiry) > margin) {
		return s.tok, nil
	}
	nt, err := s.refresh(ctx, s.tok)
	if err != nil {
		return nil, err
	}
	s.tok = nt
	return nt, nil
}

// Refresh implements Refresher: it exchanges old's refresh token (or, for a
// nil old, the latest one this source holds) for a new token, whatever the
// expiry of old. The result also becomes this source's current token.
func (s *RefreshSource) Refresh(ctx context.Context, old *oauth2.Token) (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old == nil {
		old = s.tok
	}
	nt, err := s.refresh(ctx, old)
	if err != nil {
		return nil, err
	}
	s.tok = nt
	return nt, nil
}

// refresh makes the refresh request. Basic and post use x/oauth2's own
// refresh (oauth2.Config.TokenSource built for this call); private_key_jwt
// and extra parameters go through the client credentials request with its
// grant_type replaced, the one x/oauth2 request that takes extra parameters.
func (s *RefreshSource) refresh(ctx context.Context, old *oauth2.Token) (*oauth2.Token, error) {
	const grant = "refresh_token"
	if old == nil || old.RefreshToken == "" {
		return nil, &TokenError{Grant: grant, Err: ErrNoRefreshToken}
	}
	c := s.cfg
	a := c.ClientAuth
	style, secret, authParams, err := a.prepare(time.Now())
	if err != nil {
		return nil, &TokenError{Grant: grant, Err: err}
	}
	ctx = withHTTPClient(ctx, c.HTTPClient)
	start := time.Now()
	var tok *oauth2.Token
	if len(authParams) == 0 && len(c.Params) == 0 && len(c.Scopes) == 0 {
		conf := &oauth2.Config{
			ClientID:     c.ClientID,
			ClientSecret: secret,
			Endpoint:     oauth2.Endpoint{TokenURL: c.TokenURL, AuthStyle: style},
		}
		// An empty access token makes the source refresh at once.
		tok, err = conf.TokenSource(ctx, &oauth2.Token{RefreshToken: old.RefreshToken}).Token()
	} else {
		params := url.Values{}
		for k, v := range c.Params {
			params[k] = append([]string(nil), v...)
		}
		for k, v := range authParams {
			params[k] = v
		}
		params.Set("grant_type", grant)
		params.Set("refresh_token", old.RefreshToken)
		cc := clientcredentials.Config{
			ClientID: c.ClientID, ClientSecret: secret, TokenURL: c.TokenURL,
			Scopes: c.Scopes, EndpointParams: params, AuthStyle: style,
		}
		tok, err = cc.Token(ctx)
	}
	if err != nil {
		return nil, NewTokenError(grant, err, append(a.secrets(c.Params), old.RefreshToken, authParams.Get("client_assertion"))...)
	}
	if tok.RefreshToken == "" {
		tok.RefreshToken = old.RefreshToken
	}
	return fromResponse(tok, start), nil
}

// String describes the source without tokens or secrets.
func (s *RefreshSource) String() string {
	if s == nil {
		return "auth.RefreshSource(nil)"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "auth.RefreshSource{TokenURL: %q, ClientID: %q, AuthMethod: %q",
		s.cfg.TokenURL, s.cfg.ClientID, string(resolveMethod(s.cfg.AuthMethod, s.cfg.PrivateKey)))
	s.mu.Lock()
	if s.tok != nil && !s.tok.Expiry.IsZero() {
		fmt.Fprintf(&b, ", Expiry: %s", s.tok.Expiry.Format(time.RFC3339))
	}
	s.mu.Unlock()
	b.WriteString(", tokens: " + redacted + "}")
	return b.String()
}

// GoString is String, so %#v does not print tokens either.
func (s *RefreshSource) GoString() string { return s.String() }

// Format prints String for every verb.
func (s *RefreshSource) Format(f fmt.State, verb rune) { redact.Format(f, verb, s.String()) }

// LogValue keeps tokens out of slog output.
func (s *RefreshSource) LogValue() slog.Value { return redact.LogValue(s.String()) }

// String describes the configuration without secrets.
func (c RefreshConfig) String() string {
	return fmt.Sprintf("auth.RefreshConfig{TokenURL: %q, ClientID: %q, AuthMethod: %q, ClientSecret: %s}",
		c.TokenURL, c.ClientID, string(resolveMethod(c.AuthMethod, c.PrivateKey)), redacted)
}

// GoString is String.
func (c RefreshConfig) GoString() string { return c.String() }

// Format prints String for every verb.
func (c RefreshConfig) Format(f fmt.State, verb rune) { redact.Format(f, verb, c.String()) }

// LogValue keeps secrets out of slog output.
func (c *RefreshConfig) LogValue() slog.Value { return redact.PointerLogValue(c) }

// MarshalJSON writes String: Params may hold secrets.
func (c RefreshConfig) MarshalJSON() ([]byte, error) { return redact.JSON(c.String()) }
