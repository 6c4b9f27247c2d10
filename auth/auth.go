// Package auth holds the credentials idsdk-go clients authenticate with:
// token sources, the token cache, stores, and the transport that adds the
// Authorization header.
//
// Every source is an oauth2.TokenSource. Sources that can honour a context
// also implement ContextSource; the clients of this module always call
// TokenContext with the context of the request being made, never a stored one.
//
// Sources: Static (Bearer, BearerUntil), ClientCredentials (client_secret_basic,
// client_secret_post, private_key_jwt), RefreshSource, Func and Fake. Put a
// Cache in front of a source that goes to the network: it makes one request
// however many callers wait, refreshes early in the background, backs off
// after failures, and with a Store (or an OnTokenChange hook) saves every new
// token before anyone uses it. Connector is the small client-credentials
// helper of the Ruby access_token_agent gem. Transport sends the token only
// to the API's own origin and retries once after a 401.
//
// Secrets, tokens and keys held by the types of this package never appear
// when they are formatted (any fmt verb), logged with log/slog (text or
// JSON handler, nested in slices, maps and structs too), encoded with
// encoding/json, or returned in errors, also when a server echoes them
// back; Secret is the string type that makes that easy for your own types.
package auth

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/internal/redact"
)

// ContextSource is an oauth2.TokenSource that takes the caller's context.
type ContextSource interface {
	oauth2.TokenSource
	// TokenContext returns a valid token, using ctx for any network call.
	TokenContext(ctx context.Context) (*oauth2.Token, error)
}

// TokenContext asks ts for a token with ctx when ts is a ContextSource, and
// through its plain Token method otherwise.
func TokenContext(ctx context.Context, ts oauth2.TokenSource) (*oauth2.Token, error) {
	if cs, ok := ts.(ContextSource); ok {
		return cs.TokenContext(ctx)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return ts.Token()
}

// Static is a fixed bearer token, optionally with an expiry. Its value never
// appears when the Static is formatted or logged.
type Static struct {
	token  string
	expiry time.Time
	tok    *oauth2.Token
}

// Bearer returns a source that always hands out token as a bearer token.
func Bearer(token string) *Static { return BearerUntil(token, time.Time{}) }

// BearerUntil returns a source that hands out token until expiry and then
// fails with ErrTokenExpired.
func BearerUntil(token string, expiry time.Time) *Static {
	return &Static{token: token, expiry: expiry, tok: &oauth2.Token{AccessToken: token, TokenType: "Bearer", Expiry: expiry}}
}

// ErrTokenExpired is returned by a static source whose expiry has passed.
var ErrTokenExpired = fmt.Errorf("auth: static token has expired")

// ErrNoToken is returned by a static source built from an empty token.
var ErrNoToken = fmt.Errorf("auth: no token configured")

// Token implements oauth2.TokenSource.
func (s *Static) Token() (*oauth2.Token, error) { return s.TokenContext(context.Background()) }

// TokenContext implements ContextSource.
func (s *Static) TokenContext(ctx context.Context) (*oauth2.Token, error) {
	if s == nil || s.token == "" {
		return nil, ErrNoToken
	}
	if !s.expiry.IsZero() && !time.Now().Before(s.expiry) {
		return nil, ErrTokenExpired
	}
	// The same token every time, as oauth2.ReuseTokenSource does: callers
	// must not modify it.
	return s.tok, nil
}

// String describes the source without its token.
func (s Static) String() string {
	if s.expiry.IsZero() {
		return "auth.Static{token: " + redacted + "}"
	}
	return fmt.Sprintf("auth.Static{token: %s, expiry: %s}", redacted, s.expiry.Format(time.RFC3339))
}

// GoString is String, so %#v does not print the token either.
func (s Static) GoString() string { return s.String() }

// LogValue keeps the token out of slog output.
func (s *Static) LogValue() slog.Value { return redact.PointerLogValue(s) }

// Format prints String for every verb, so no verb reaches the token.
func (s Static) Format(f fmt.State, verb rune) { redact.Format(f, verb, s.String()) }

// MarshalJSON writes String.
func (s Static) MarshalJSON() ([]byte, error) { return redact.JSON(s.String()) }
