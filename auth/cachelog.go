package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/observe"
)

// WithCacheObserver reports every token request of the Cache to o (its
// Token method): the credential kind, first fetch or refresh, the outcome,
// the new token's expiry and the duration, never the token. Given more
// than once, or with WithCacheLogger, every observer is told.
func WithCacheObserver(o observe.Observer) CacheOption {
	return func(c *cacheConfig) { c.observer = observe.Join(c.observer, o) }
}

// WithCacheLogger writes one debug record per token request of the Cache
// to l ("token fetch" or "token refresh", with kind, outcome, expiry,
// duration_ms and a redacted error): observe.Log(l) as WithCacheObserver.
func WithCacheLogger(l *slog.Logger) CacheOption {
	return WithCacheObserver(observe.Log(l))
}

// fetch asks the source for a new token (a Refresher gets base), counts
// the request, reports it to the observer, if any, and returns the token
// with its expiry settled.
func (c *Cache) fetch(ctx context.Context, base *oauth2.Token) (*oauth2.Token, error) {
	c.fetches.Add(1)
	var start time.Time
	if c.cfg.observer != nil {
		start = time.Now()
	}
	var (
		nt  *oauth2.Token
		err error
	)
	if r, ok := c.src.(Refresher); ok {
		nt, err = r.Refresh(ctx, base)
	} else {
		nt, err = TokenContext(ctx, c.src)
	}
	if err == nil && (nt == nil || nt.AccessToken == "") {
		err = errors.New("auth: source returned an empty token")
	}
	if c.cfg.observer != nil {
		ev := observe.Token{Kind: credentialKind(c.src), Refresh: base != nil, Err: err, Duration: time.Since(start)}
		if err == nil {
			ev.Expiry = normalize(nt, c.now()).Expiry
		}
		c.cfg.observer.Token(ctx, &ev)
	}
	if err != nil {
		return nil, err
	}
	return normalize(nt, c.now()), nil
}

// credentialKind names the kind of credential src is, for observers.
func credentialKind(src oauth2.TokenSource) string {
	switch s := src.(type) {
	case *ClientCredentials:
		if s.PrivateKey != nil {
			return "private_key_jwt"
		}
		return "client_credentials"
	case *RefreshSource, Refresher:
		return "refresh_token"
	case Func:
		return "func"
	case *Static:
		return "static"
	case *Fake:
		return "fake"
	}
	return fmt.Sprintf("%T", src)
}
