// This file holds the server's own user list, used when a vendor keeps
// no users of its own.

package oauthsrv

import (
	"maps"
	"strings"
	"sync"
)

// memoryUsers is the Users of AddUser.
type memoryUsers struct {
	mu   sync.Mutex
	byID map[string]*User
}

func (m *memoryUsers) add(u User) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.byID[u.Subject] = &u
}

// Authenticate implements Users; realm is ignored.
func (m *memoryUsers) Authenticate(_, username, password string) (string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, u := range m.byID {
		name := username == u.Username || u.Email != "" && strings.EqualFold(username, u.Email)
		if name && password == u.Password {
			return u.Subject, true
		}
	}
	return "", false
}

// Claims implements Users.
func (m *memoryUsers) Claims(subject string) (map[string]any, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	u, ok := m.byID[subject]
	if !ok {
		return nil, false
	}
	c := maps.Clone(u.Claims)
	if c == nil {
		c = map[string]any{}
	}
	if _, ok := c["email"]; !ok && u.Email != "" {
		c["email"] = u.Email
	}
	return c, true
}
