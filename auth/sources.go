package auth

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/internal/redact"
)

// Func adapts a function to a ContextSource: each call runs the function
// with the caller's context. Put a Cache in front of it to reuse tokens.
type Func func(ctx context.Context) (*oauth2.Token, error)

// Token implements oauth2.TokenSource with context.Background.
func (f Func) Token() (*oauth2.Token, error) { return f.TokenContext(context.Background()) }

// TokenContext implements ContextSource.
func (f Func) TokenContext(ctx context.Context) (*oauth2.Token, error) {
	if f == nil {
		return nil, ErrNoToken
	}
	tok, err := f(ctx)
	if err != nil {
		return nil, err
	}
	if tok == nil {
		return nil, ErrNoToken
	}
	return tok, nil
}

// Fake is a source for tests: it hands out a fixed bearer token and never
// touches the network. It counts its calls and implements Invalidate (which
// only counts), so it can stand in wherever a Cache is expected.
type Fake struct {
	token  Secret
	expiry time.Time
	calls  atomic.Int64
	inval  atomic.Int64
}

// NewFake returns a Fake handing out accessToken with no expiry.
func NewFake(accessToken string) *Fake { return &Fake{token: Secret(accessToken)} }

// NewFakeUntil returns a Fake handing out accessToken with the given expiry
// (the expiry is reported on the token, not enforced).
func NewFakeUntil(accessToken string, expiry time.Time) *Fake {
	return &Fake{token: Secret(accessToken), expiry: expiry}
}

// Token implements oauth2.TokenSource.
func (f *Fake) Token() (*oauth2.Token, error) { return f.TokenContext(context.Background()) }

// TokenContext implements ContextSource. It fails only when ctx is done.
func (f *Fake) TokenContext(ctx context.Context) (*oauth2.Token, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f.calls.Add(1)
	if f.token == "" {
		return nil, ErrNoToken
	}
	return &oauth2.Token{AccessToken: f.token.Reveal(), TokenType: "Bearer", Expiry: f.expiry}, nil
}

// Invalidate records the call; the token stays the same.
func (f *Fake) Invalidate(*oauth2.Token) { f.inval.Add(1) }

// Calls is how many tokens were handed out.
func (f *Fake) Calls() int { return int(f.calls.Load()) }

// Invalidations is how many times Invalidate was called.
func (f *Fake) Invalidations() int { return int(f.inval.Load()) }

// String describes the fake without its token.
func (f *Fake) String() string {
	if f == nil {
		return "auth.Fake(nil)"
	}
	return "auth.Fake{token: " + redacted + "}"
}

// GoString is String.
func (f *Fake) GoString() string { return f.String() }

// Format prints String for every verb.
func (f *Fake) Format(s fmt.State, verb rune) { redact.Format(s, verb, f.String()) }

// LogValue keeps the token out of slog output.
func (f *Fake) LogValue() slog.Value { return redact.LogValue(f.String()) }
