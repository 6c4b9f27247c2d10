package webflow

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"sync"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/internal/redact"
)

// MemoryStore is a Store in memory, for tests and development.
type MemoryStore struct {
	mu     sync.Mutex
	tokens map[string]memEntry
}

type memEntry struct {
	client string
	tok    *oauth2.Token
}

// String tells how many tokens the store holds, never their ids or values.
func (m *MemoryStore) String() string {
	if m == nil {
		return "webflow.MemoryStore(nil)"
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return fmt.Sprintf("webflow.MemoryStore{tokens: %d}", len(m.tokens))
}

// GoString is String.
func (m *MemoryStore) GoString() string { return m.String() }

// Format prints String for every verb.
func (m *MemoryStore) Format(f fmt.State, verb rune) { redact.Format(f, verb, m.String()) }

// LogValue keeps the tokens out of slog output.
func (m *MemoryStore) LogValue() slog.Value { return redact.LogValue(m.String()) }

// MarshalJSON writes String.
func (m *MemoryStore) MarshalJSON() ([]byte, error) { return redact.JSON(m.String()) }

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore { return &MemoryStore{tokens: map[string]memEntry{}} }

// Save stores a copy of tok under a new random id.
func (m *MemoryStore) Save(_ context.Context, client string, tok *oauth2.Token) (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	id := hex.EncodeToString(b)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tokens[id] = memEntry{client: client, tok: tok}
	return id, nil
}

// Find returns the token stored under id.
func (m *MemoryStore) Find(_ context.Context, id string) (*oauth2.Token, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.tokens[id]
	if !ok {
		return nil, ErrTokenNotFound
	}
	return e.tok, nil
}

// Delete removes the token stored under id.
func (m *MemoryStore) Delete(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.tokens, id)
	return nil
}

// Len returns how many tokens are stored.
func (m *MemoryStore) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.tokens)
}
