package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/idsdk/idsdk-go/internal/lifetime"
	"github.com/idsdk/idsdk-go/observe"
	"golang.org/x/oauth2"
)

// marginShare caps the hard margin at 1/marginShare of a token's
// lifetime. The early window is at least twice the margin, so even a token
// of a few seconds is refreshed in the background, once per lifetime,
// before any caller has to wait.
const marginShare = 20

// Defaults of a Cache.
const (
	// DefaultEarlyFraction is the share of a token's lifetime, at its end,
	// in which the Cache refreshes in the background. A token is used for
	// 85% of its life: about one token request per lifetime (1.18).
	DefaultEarlyFraction = 0.15
	// DefaultEarlyMax caps the early-refresh window.
	DefaultEarlyMax = 5 * time.Minute
	// DefaultMargin is how long before expiry callers stop getting the old
	// token and wait for the new one. It is capped at 1/20 of the token's
	// lifetime (see WithMargin).
	DefaultMargin = 10 * time.Second
	// DefaultBackoffMin is the wait after a first failed refresh.
	DefaultBackoffMin = time.Second
	// DefaultBackoffMax caps the wait between failed refreshes.
	DefaultBackoffMax = time.Minute
	// DefaultRefreshTimeout bounds one refresh (token request plus Store
	// calls).
	DefaultRefreshTimeout = 30 * time.Second
)

// CacheOption configures a Cache.
type CacheOption func(*cacheConfig)

type cacheConfig struct {
	earlyFraction  float64
	earlyMax       time.Duration
	margin         time.Duration
	exactMargin    bool // margin is not capped at a share of the lifetime (Connector)
	backoffMin     time.Duration
	backoffMax     time.Duration
	refreshTimeout time.Duration
	store          Store
	shared         SharedStore // see SharedIn (shared.go)
	sharedUser     string
	onChange       func(ctx context.Context, old, new *oauth2.Token) error
	observer       observe.Observer // see cachelog.go
}

// WithEarlyRefresh sets the early-refresh window: the last fraction of a
// token's lifetime, at most max (0: no cap), and at least twice the hard
// margin. In it, callers get the still-valid token while one background
// refresh runs. fraction 0 turns early refresh off.
func WithEarlyRefresh(fraction float64, max time.Duration) CacheOption {
	return func(c *cacheConfig) {
		if fraction < 0 {
			fraction = 0
		}
		if fraction > 1 {
			fraction = 1
		}
		c.earlyFraction, c.earlyMax = fraction, max
	}
}

// WithMargin sets the hard margin: from this long before expiry on, callers
// wait for a new token. It is capped at 1/20 of the token's lifetime, so a
// short-lived token is used for most of its life and still refreshed in
// the background before the margin.
func WithMargin(d time.Duration) CacheOption {
	return func(c *cacheConfig) {
		if d >= 0 {
			c.margin = d
		}
	}
}

// WithBackoff sets the bounds of the exponential backoff after failed
// refreshes: min after the first failure, doubling up to max.
func WithBackoff(min, max time.Duration) CacheOption {
	return func(c *cacheConfig) {
		if min > 0 {
			c.backoffMin = min
		}
		if max >= c.backoffMin {
			c.backoffMax = max
		}
	}
}

// WithRefreshTimeout bounds each refresh. Refreshes do not use the
// cancellation of the caller's context (one caller giving up must not fail
// the others, nor lose a rotated token half-way), only this timeout.
func WithRefreshTimeout(d time.Duration) CacheOption {
	return func(c *cacheConfig) {
		if d > 0 {
			c.refreshTimeout = d
		}
	}
}

// WithStore makes the Cache load its token from s and save every new token
// to s before handing it out.
func WithStore(s Store) CacheOption { return func(c *cacheConfig) { c.store = s } }

// OnTokenChange sets a hook called with the previous and the new token
// after every refresh (after Store.Save, when there is a Store), before any
// caller receives the new token. An error from fn is handled like a failed
// Save: see SaveError.
func OnTokenChange(fn func(ctx context.Context, old, new *oauth2.Token) error) CacheOption {
	return func(c *cacheConfig) { c.onChange = fn }
}

// Cache hands out the token of a source and gets a new one only when
// needed. It is safe for concurrent use, and it is meant to be shared: one
// Cache per credential.
//
//   - However many callers need a new token at once, the source is asked
//     once (single flight).
//   - In the early-refresh window (by default the last 15% of a token's
//     lifetime, at most 5 minutes) callers keep getting the current token at
//     once while one background refresh runs.
//   - Inside the hard margin (by default 10 s before expiry, at most 1/20
//     of the lifetime) callers wait for the refresh; a caller whose context
//     ends stops waiting, the refresh goes on for the others. Both windows
//     scale with the lifetime: a 3 s token is refreshed in the background
//     from 0.45 s before its expiry, callers wait only from 0.15 s before.
//   - A failed refresh is retried after an exponential backoff (1 s doubling
//     to 1 min by default). Meanwhile callers get the current token while it
//     has not expired (also the callers that waited for the failed
//     refresh), and the last error at once otherwise.
//   - A token without expiry is kept until Invalidate.
//   - With a Store or an OnTokenChange hook, a new token is saved before
//     any caller receives it; see SaveError for a failing save.
//
// When the source is a Refresher (such as *RefreshSource), the Cache hands
// it the token it holds, so the refresh token loaded from the Store is the
// one used.
//
// The tokens returned are shared: do not modify them.
type Cache struct {
	src oauth2.TokenSource
	// cfg is never written once NewCache returns: the Caches built
	// without options share defaultCacheConfig.
	cfg *cacheConfig
	now func() time.Time // time.Now; the tests' clocks replace it

	// cur is the fast path: a settled token and the start of its early
	// window. nil when the slow path must decide.
	cur atomic.Pointer[entry]

	mu       sync.Mutex
	ent      *entry        // current token, settled or not
	pending  *oauth2.Token // a new token whose save failed (also ent.tok)
	oldOfNew *oauth2.Token // the token pending replaced
	lastErr  error
	retryAt  time.Time
	flight   *call
	failures int32
	invalid  bool // ent was invalidated
	// fetches counts the token requests, and blocked the callers that
	// waited for a refresh while a token was held (an invalidated or
	// expiring one): the tests' measures of requests made and of callers
	// blocked by refreshes.
	fetches atomic.Int32
	blocked atomic.Int32
}

type entry struct {
	tok       *oauth2.Token
	refreshAt time.Time // early window starts; zero: never
	hardAt    time.Time // callers wait from here; zero: never
}

type call struct {
	done chan struct{}
	tok  *oauth2.Token
	err  error
}

// NewCache puts a Cache in front of src.
func NewCache(src oauth2.TokenSource, opts ...CacheOption) *Cache {
	c := &Cache{src: src, cfg: &defaultCacheConfig, now: time.Now}
	if len(opts) > 0 {
		cfg := defaultCacheConfig
		for _, o := range opts {
			o(&cfg)
		}
		c.cfg = &cfg
	}
	return c
}

// defaultCacheConfig is the configuration of a Cache built without
// options, shared by all of them: never written.
var defaultCacheConfig = cacheConfig{
	earlyFraction:  DefaultEarlyFraction,
	earlyMax:       DefaultEarlyMax,
	margin:         DefaultMargin,
	backoffMin:     DefaultBackoffMin,
	backoffMax:     DefaultBackoffMax,
	refreshTimeout: DefaultRefreshTimeout,
}

// Token implements oauth2.TokenSource with context.Background. Prefer
// TokenContext.
func (c *Cache) Token() (*oauth2.Token, error) { return c.TokenContext(context.Background()) }

// TokenContext returns a valid token. ctx bounds only this caller's wait;
// see Cache for what happens around expiry.
func (c *Cache) TokenContext(ctx context.Context) (*oauth2.Token, error) {
	if e := c.cur.Load(); e != nil && (e.refreshAt.IsZero() || c.now().Before(e.refreshAt)) {
		return e.tok, nil
	}
	return c.slow(ctx)
}

func (c *Cache) slow(ctx context.Context) (*oauth2.Token, error) {
	now := c.now()
	c.mu.Lock()
	if c.pending == nil && c.ent != nil && !c.invalid {
		e := c.ent
		if e.hardAt.IsZero() || now.Before(e.hardAt) {
			if !e.refreshAt.IsZero() && !now.Before(e.refreshAt) && c.flight == nil && !now.Before(c.retryAt) {
				c.startLocked(ctx)
			}
			c.mu.Unlock()
			return e.tok, nil
		}
	}
	if c.pending == nil && c.lastErr != nil && now.Before(c.retryAt) {
		if c.ent != nil && !c.invalid && (c.ent.tok.Expiry.IsZero() || now.Before(c.ent.tok.Expiry)) {
			tok := c.ent.tok
			c.mu.Unlock()
			return tok, nil
		}
		err := c.lastErr
		c.mu.Unlock()
		return nil, err
	}
	f := c.flight
	if f == nil {
		f = c.startLocked(ctx)
	}
	if c.ent != nil {
		c.blocked.Add(1)
	}
	c.mu.Unlock()
	select {
	case <-f.done:
		if f.err != nil {
			if tok := c.stillValid(); tok != nil {
				return tok, nil
			}
		}
		return f.tok, f.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// stillValid returns the current token when a failed refresh leaves it in
// place and it has not expired: callers use it until it does.
func (c *Cache) stillValid() *oauth2.Token {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pending != nil || c.ent == nil || c.invalid {
		return nil
	}
	if t := c.ent.tok; t.Expiry.IsZero() || c.now().Before(t.Expiry) {
		return t
	}
	return nil
}

// startLocked starts a refresh in its own goroutine, with ctx's values but
// not its cancellation, under the refresh timeout.
func (c *Cache) startLocked(ctx context.Context) *call {
	f := &call{done: make(chan struct{})}
	c.flight = f
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.cfg.refreshTimeout)
	go func() {
		defer cancel()
		tok, err := c.obtain(rctx)
		c.mu.Lock()
		f.tok, f.err = tok, err
		c.flight = nil
		c.mu.Unlock()
		close(f.done)
	}()
	return f
}

// obtain settles a pending save, picks up a newer stored token, or asks the
// source for a new token, in that order.
func (c *Cache) obtain(ctx context.Context) (*oauth2.Token, error) {
	c.mu.Lock()
	var base *oauth2.Token
	if c.ent != nil {
		base = c.ent.tok
	}
	pending, oldOfNew, invalid := c.pending, c.oldOfNew, c.invalid
	c.mu.Unlock()
	if c.cfg.shared != nil { // a fleet's token: shared.go
		return c.obtainShared(ctx, base, invalid)
	}

	if pending != nil {
		if tok, done, err := c.settle(ctx, pending, oldOfNew, invalid); done {
			return tok, err
		}
	}
	if c.cfg.store != nil {
		stored, newBase, err := c.loadStored(ctx, base)
		if stored != nil || err != nil {
			return stored, err
		}
		base = newBase
	}

	nt, err := c.fetch(ctx, base)
	if err != nil {
		return nil, c.fail(err)
	}
	obtained := c.now()
	nt = normalize(nt, obtained)
	if err := c.persist(ctx, base, nt); err != nil {
		c.mu.Lock()
		c.pending, c.oldOfNew = nt, base
		c.setLocked(nt, obtained, false)
		c.cur.Store(nil)
		c.mu.Unlock()
		return nil, err
	}
	c.mu.Lock()
	c.setLocked(nt, obtained, false)
	c.mu.Unlock()
	return nt, nil
}

// settle saves a new token whose save failed before. done reports that
// the answer is final: the save failed again (err), or the token is
// usable (tok); otherwise the caller goes on to a new token.
func (c *Cache) settle(ctx context.Context, pending, oldOfNew *oauth2.Token, invalid bool) (tok *oauth2.Token, done bool, err error) {
	if err := c.persist(ctx, oldOfNew, pending); err != nil {
		return nil, true, err
	}
	c.mu.Lock()
	c.pending, c.oldOfNew = nil, nil
	e := c.setLocked(pending, c.now(), invalid)
	c.mu.Unlock()
	if !invalid && (e.hardAt.IsZero() || c.now().Before(e.hardAt)) {
		return pending, true, nil
	}
	return nil, false, nil
}

// loadStored picks up a token the Store holds that differs from base: it
// becomes the current token, and is returned when it is still usable.
// Otherwise base is returned as the token to refresh from (the stored
// one when base is nil: a refresh token without an access token).
func (c *Cache) loadStored(ctx context.Context, base *oauth2.Token) (usable, newBase *oauth2.Token, err error) {
	stored, err := c.cfg.store.Load(ctx)
	if err != nil && !errors.Is(err, ErrNotStored) {
		return nil, nil, c.fail(fmt.Errorf("auth: loading the stored token: %w", err))
	}
	switch {
	case stored != nil && stored.AccessToken != "" && (base == nil || stored.AccessToken != base.AccessToken || stored.RefreshToken != base.RefreshToken):
		c.mu.Lock()
		e := c.setLocked(normalize(stored, c.now()), c.now(), false)
		c.mu.Unlock()
		if e.hardAt.IsZero() || c.now().Before(e.hardAt) {
			return stored, nil, nil
		}
		return nil, stored, nil
	case stored != nil && base == nil:
		return nil, stored, nil
	}
	return nil, base, nil
}

// setLocked makes tok the current token. Unless it is pending or
// invalidated it also becomes the fast path, and the backoff is reset.
func (c *Cache) setLocked(tok *oauth2.Token, obtained time.Time, invalid bool) *entry {
	e := c.entryFor(tok, obtained)
	c.ent = e
	c.invalid = invalid
	if c.pending == nil && !invalid {
		c.lastErr, c.failures, c.retryAt = nil, 0, time.Time{}
		c.cur.Store(e)
	} else {
		c.cur.Store(nil)
	}
	return e
}

// entryFor computes the early window and the hard margin of tok.
func (c *Cache) entryFor(tok *oauth2.Token, obtained time.Time) *entry {
	e := &entry{tok: tok}
	if tok.Expiry.IsZero() {
		return e
	}
	life := tok.Expiry.Sub(obtained)
	if tok.ExpiresIn > 0 {
		life = lifetime.SecondsInt(tok.ExpiresIn)
	}
	if life < 0 {
		life = 0
	}
	margin := min(c.cfg.margin, life/marginShare)
	if c.cfg.exactMargin {
		margin = c.cfg.margin
	}
	early := margin
	if c.cfg.earlyFraction > 0 {
		early = time.Duration(float64(life) * c.cfg.earlyFraction)
		if c.cfg.earlyMax > 0 {
			early = min(early, c.cfg.earlyMax)
		}
		early = max(early, 2*margin)
	}
	e.hardAt = tok.Expiry.Add(-margin)
	e.refreshAt = tok.Expiry.Add(-early)
	return e
}

// fail records a failed refresh and sets the next retry time.
func (c *Cache) fail(err error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.failures = min(c.failures+1, 64) // past 64 doublings, the wait is backoffMax
	d := c.cfg.backoffMin
	for i := int32(1); i < c.failures && d < c.cfg.backoffMax; i++ {
		d *= 2
	}
	d = min(d, c.cfg.backoffMax)
	c.retryAt = c.now().Add(d)
	c.lastErr = err
	return err
}

// persist saves new and calls the hook.
func (c *Cache) persist(ctx context.Context, old, new *oauth2.Token) error {
	if c.cfg.store != nil {
		if err := c.cfg.store.Save(ctx, new); err != nil {
			return &SaveError{Err: err}
		}
	}
	if c.cfg.onChange != nil {
		if err := c.cfg.onChange(ctx, old, new); err != nil {
			return &SaveError{Hook: true, Err: err}
		}
	}
	return nil
}

// Invalidate drops tok if it is still the current token (for example after
// the API answered 401 to it): the next caller waits for a new one. The
// refresh token it carries is kept for that refresh. Invalidating a token
// that was already replaced does nothing.
func (c *Cache) Invalidate(tok *oauth2.Token) {
	if tok == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ent != nil && c.pending == nil && c.ent.tok.AccessToken == tok.AccessToken {
		c.invalid = true
		c.cur.Store(nil)
	}
}

// String describes the cache without its token.
func (c *Cache) String() string {
	if c == nil {
		return "auth.Cache(nil)"
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	s := fmt.Sprintf("auth.Cache{source: %T", c.src)
	if c.ent != nil {
		s += ", token: " + redacted
		if !c.ent.tok.Expiry.IsZero() {
			s += ", expiry: " + c.ent.tok.Expiry.Format(time.RFC3339)
		}
	}
	if c.cfg.store != nil {
		s += fmt.Sprintf(", store: %T", c.cfg.store)
	}
	return s + "}"
}

// GoString is String.
func (c *Cache) GoString() string { return c.String() }

// Format prints String for every verb.
func (c *Cache) Format(f fmt.State, verb rune) { formatRedacted(f, verb, c.String()) }

// LogValue keeps the token out of slog output.
func (c *Cache) LogValue() slog.Value { return slog.StringValue(c.String()) }
