package auth

// This file lets many processes share one credential's token through a
// SharedStore: one token request per expiry for a whole fleet, with reads
// still answered from memory.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/oauth2"
)

// SharedStore keeps the tokens of many credentials where every process of
// a fleet sees them, each under its credential's key, and serializes their
// renewal across processes. auth/tokenstore's Store implements it on
// SQLite and PostgreSQL (tokens encrypted at rest).
type SharedStore interface {
	// Update takes the cross-process lock of key, waiting at most the
	// store's lock timeout, reads the token stored under key (nil when
	// there is none) and calls fn with it. When fn returns a token other
	// than the stored one, it is stored before the lock is released. Update
	// returns what fn returned. A lock holder that dies releases the lock;
	// a lock not obtained within the timeout makes Update call fn without
	// it.
	Update(ctx context.Context, key string, fn func(ctx context.Context, stored *oauth2.Token) (*oauth2.Token, error)) (*oauth2.Token, error)
}

// SharedKeyer is implemented by sources that can name their credential
// for a SharedStore: the same key in every process means the same token.
// ClientCredentials and RefreshSource implement it.
type SharedKeyer interface {
	// SharedKey names the credential. It holds no secret.
	SharedKey() string
}

// ErrNoSharedKey is returned by a Cache configured with SharedIn whose
// source does not implement SharedKeyer, or is a RefreshSource that names
// no user (no RefreshConfig.User, no refresh token, no SharedUserIn).
var ErrNoSharedKey = errors.New("auth: the source cannot name its credential for a shared store (it is no SharedKeyer, or a refresh token credential names no user: use SharedUserIn)")

// SharedIn makes the Cache share its token through store with every
// process that uses the same credential (the key its source's SharedKey
// gives): when the token is due, one process in the fleet asks the server
// and the others take the token it stored. The store is consulted when
// the Cache has no token, around expiry and after Invalidate, never on a
// cache hit. With a refresh-token source, the newest stored refresh token
// is the one spent, so a rotation by one process is never undone by
// another. With WithStore too, that Store seeds the shared token when
// the shared store has none, and every new token is also saved to it.
//
// A user's credential (a refresh token) is named by RefreshConfig.User,
// else the refresh token it was built with; SharedUserIn names the user
// where neither is known when the Cache is built (nexaas.Identity).
func SharedIn(store SharedStore) CacheOption {
	return func(c *cacheConfig) { c.shared = store }
}

// SharedUserIn is SharedIn for one user's refresh-token credential: user
// (an id that is stable across sign-ins, never a token) names it in
// store, e.g. nexaasid.WithIdentity(cfg, userStore, auth.SharedUserIn(store, userID)).
func SharedUserIn(store SharedStore, user string) CacheOption {
	return func(c *cacheConfig) { c.shared, c.sharedUser = store, user }
}

// sharedKey is the store key of the Cache's credential: a hash of what
// names it, so the rows hold no client id or scope in clear.
func (c *Cache) sharedKey() (string, error) {
	k, ok := c.src.(SharedKeyer)
	if !ok {
		return "", ErrNoSharedKey
	}
	name := k.SharedKey()
	if c.cfg.sharedUser != "" {
		name = keyOf("user", name, c.cfg.sharedUser)
	} else if rs, ok := c.src.(*RefreshSource); ok && rs.sharedUser() == "" {
		return "", ErrNoSharedKey
	}
	sum := sha256.Sum256([]byte(name))
	return hex.EncodeToString(sum[:]), nil
}

// keyOf joins the parts of a credential's key unambiguously.
func keyOf(kind string, parts ...string) string {
	return kind + "\x00" + strings.Join(parts, "\x00")
}

// SharedKey names the credential: token endpoint, client id, audience,
// resources and sorted scopes.
func (c *ClientCredentials) SharedKey() string {
	scopes := slices.Clone(c.Scopes)
	slices.Sort(scopes)
	res := slices.Clone(c.Resource)
	slices.Sort(res)
	return keyOf("client_credentials", c.TokenURL, c.ClientID, c.Audience,
		strings.Join(res, " "), strings.Join(scopes, " "))
}

// SharedKey names the credential: token endpoint, client id and
// RefreshConfig.User, else a hash of the refresh token the source was
// built with (processes started with the same refresh token share it).
func (s *RefreshSource) SharedKey() string {
	return keyOf("refresh_token", s.cfg.TokenURL, s.cfg.ClientID, s.sharedUser())
}

// sharedUser is what names the user of the credential, or "".
func (s *RefreshSource) sharedUser() string {
	if s.cfg.User != "" {
		return s.cfg.User
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok == nil || s.tok.RefreshToken == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(s.tok.RefreshToken))
	return "rt:" + hex.EncodeToString(sum[:])
}

// obtainShared is obtain with a SharedStore: under the credential's
// cross-process lock it takes the stored token when it is newer than
// base and still usable, else asks the source (a Refresher gets the
// stored token, whose refresh token is the newest) and stores the answer
// before the lock is released.
func (c *Cache) obtainShared(ctx context.Context, base *oauth2.Token, invalid bool) (*oauth2.Token, error) {
	key, err := c.sharedKey()
	if err != nil {
		return nil, c.fail(err)
	}
	var saveErr error
	update := func(ctx context.Context, stored *oauth2.Token) (*oauth2.Token, error) {
		if stored == nil && c.cfg.store != nil {
			seed, err := c.cfg.store.Load(ctx)
			if err != nil && !errors.Is(err, ErrNotStored) {
				return nil, fmt.Errorf("auth: loading the stored token: %w", err)
			}
			stored = seed
		}
		if c.sharedUsable(stored, base, invalid) {
			return stored, nil
		}
		from := base
		if stored != nil && stored.RefreshToken != "" {
			from = stored
		}
		nt, err := c.fetch(ctx, from)
		if err != nil {
			return nil, err
		}
		// The shared store keeps nt even when the caller's own Store or
		// hook fails: a rotated refresh token is never lost.
		saveErr = c.persist(ctx, from, nt)
		return nt, nil
	}
	tok, err := c.cfg.shared.Update(ctx, key, update)
	if errors.Is(err, ErrInvalidGrant) && base != nil {
		// Another process may have rotated the refresh token since it
		// was read: what it stored is the token, not an error.
		base, invalid = nil, false
		tok, err = c.cfg.shared.Update(ctx, key, update)
	}
	if err != nil {
		return nil, c.fail(err)
	}
	c.mu.Lock()
	c.setLocked(tok, c.now(), false)
	c.mu.Unlock()
	if saveErr != nil {
		return nil, saveErr
	}
	return tok, nil
}

// WithConnectorShared makes the Connector share its token through store
// with every process (and every Cache) using the same token endpoint,
// client id and scopes: one token request per expiry for the fleet. The
// store is consulted only when the Connector needs a new token.
func WithConnectorShared(store SharedStore) ConnectorOption {
	return func(c *Connector) { c.shared = store }
}

// sharedUsable reports whether the stored token serves instead of a new
// one: it exists, is not the token being replaced (base, unless there is
// none and it was not invalidated) and has not reached its hard margin.
func (c *Cache) sharedUsable(stored, base *oauth2.Token, invalid bool) bool {
	if stored == nil || stored.AccessToken == "" {
		return false
	}
	if base != nil && stored.AccessToken == base.AccessToken {
		return false
	}
	if base == nil && invalid {
		return false
	}
	e := c.entryFor(stored, c.now())
	return e.hardAt.IsZero() || c.now().Before(e.hardAt)
}
