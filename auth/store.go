package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/internal/redact"
)

// Store keeps a credential's latest token outside the Cache, so a rotated
// refresh token survives a restart. A Cache with a Store loads the token
// before each refresh (so a token saved by someone else is picked up) and
// saves every new token before any caller receives it.
type Store interface {
	// Load returns the stored token. When nothing is stored it returns an
	// error matching ErrNotStored, or a nil token and a nil error.
	Load(ctx context.Context) (*oauth2.Token, error)
	// Save stores tok, replacing what was stored. An error means tok was
	// not stored.
	Save(ctx context.Context, tok *oauth2.Token) error
}

// ErrNotStored says a Store holds no token yet.
var ErrNotStored = errors.New("auth: no token stored")

// SaveError is returned to callers of a Cache when a new token could not be
// saved (Store.Save) or announced (the OnTokenChange hook). The new token is
// not lost: the Cache keeps it in memory, uses its refresh token for any
// later refresh, and tries the save again on the next call; no caller
// receives the token until the save has succeeded.
type SaveError struct {
	// Hook is true when the OnTokenChange hook failed, false when
	// Store.Save did.
	Hook bool
	// Err is what Save or the hook returned.
	Err error
}

// Error says what failed; it never holds the token.
func (e *SaveError) Error() string {
	what := "saving the new token"
	if e.Hook {
		what = "OnTokenChange"
	}
	return fmt.Sprintf("auth: %s failed (the token is kept in memory and the save is retried on the next call): %v", what, e.Err)
}

// Unwrap returns the store's or the hook's error.
func (e *SaveError) Unwrap() error { return e.Err }

// MemoryStore is a Store in memory, safe for concurrent use. It keeps its
// own copy of the token.
type MemoryStore struct {
	mu  sync.Mutex
	tok *oauth2.Token
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore { return &MemoryStore{} }

// Load returns a copy of the stored token, or ErrNotStored.
func (m *MemoryStore) Load(ctx context.Context) (*oauth2.Token, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.tok == nil {
		return nil, ErrNotStored
	}
	return copyToken(m.tok), nil
}

// Save stores a copy of tok.
func (m *MemoryStore) Save(ctx context.Context, tok *oauth2.Token) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tok = copyToken(tok)
	return nil
}

// String describes the store without its token.
func (m *MemoryStore) String() string {
	if m == nil {
		return "auth.MemoryStore(nil)"
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.tok == nil {
		return "auth.MemoryStore{empty}"
	}
	return "auth.MemoryStore{token: " + redacted + "}"
}

// GoString is String.
func (m *MemoryStore) GoString() string { return m.String() }

// Format prints String for every verb.
func (m *MemoryStore) Format(f fmt.State, verb rune) { redact.Format(f, verb, m.String()) }

// LogValue keeps the token out of slog output.
func (m *MemoryStore) LogValue() slog.Value { return redact.LogValue(m.String()) }

// StoreFuncs adapts two functions to a Store, so callers can keep tokens in
// their own records (a user row with access_token, refresh_token,
// expires_in and expires_at columns, say): LoadFunc builds an oauth2.Token
// from the record, SaveFunc writes the token's fields back.
type StoreFuncs struct {
	// LoadFunc returns the stored token; nil means nothing is ever stored.
	LoadFunc func(ctx context.Context) (*oauth2.Token, error)
	// SaveFunc stores a new token. It must be set: a Store that cannot save
	// would lose rotated refresh tokens.
	SaveFunc func(ctx context.Context, tok *oauth2.Token) error
}

// Load calls LoadFunc.
func (s StoreFuncs) Load(ctx context.Context) (*oauth2.Token, error) {
	if s.LoadFunc == nil {
		return nil, ErrNotStored
	}
	return s.LoadFunc(ctx)
}

// Save calls SaveFunc.
func (s StoreFuncs) Save(ctx context.Context, tok *oauth2.Token) error {
	if s.SaveFunc == nil {
		return errors.New("auth: StoreFuncs has no SaveFunc")
	}
	return s.SaveFunc(ctx, tok)
}

func copyToken(t *oauth2.Token) *oauth2.Token {
	if t == nil {
		return nil
	}
	c := *t
	return &c
}
