package webflow

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"
)

// UsedStates records the state of every callback the flow serves, so that
// a callback replayed with its state cookie (captured, or sent twice)
// never reaches the token endpoint a second time. Keys are hashes of the
// states, never the states themselves.
type UsedStates interface {
	// Use records key until the given time and reports whether it was new:
	// false means it was recorded before and has not expired. An error
	// fails the callback.
	Use(ctx context.Context, key string, until time.Time) (bool, error)
}

// MemoryUsedStates is a UsedStates in memory, the default of one process.
// Expired keys are dropped as new ones come in.
type MemoryUsedStates struct {
	mu    sync.Mutex
	until map[string]time.Time
	sweep time.Time
}

// NewMemoryUsedStates returns an empty MemoryUsedStates.
func NewMemoryUsedStates() *MemoryUsedStates {
	return &MemoryUsedStates{until: map[string]time.Time{}}
}

// Use implements UsedStates.
func (m *MemoryUsedStates) Use(_ context.Context, key string, until time.Time) (bool, error) {
	now := time.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	if now.After(m.sweep) {
		for k, u := range m.until {
			if now.After(u) {
				delete(m.until, k)
			}
		}
		m.sweep = now.Add(time.Minute)
	}
	if u, ok := m.until[key]; ok && !now.After(u) {
		return false, nil
	}
	m.until[key] = until
	return true, nil
}

// Len returns how many keys are recorded (expired ones included until the
// next sweep).
func (m *MemoryUsedStates) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.until)
}

// stateKey is the key a state is recorded under.
func stateKey(state string) string {
	sum := sha256.Sum256([]byte("webflow state\x00" + state))
	return hex.EncodeToString(sum[:])
}
