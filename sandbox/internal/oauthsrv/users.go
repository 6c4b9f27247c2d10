// This file holds the server's own user list, used when a vendor keeps
// no users of its own.

package oauthsrv

import (
	"iter"
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

// Person is one sign-in of a vendor server that keeps its own people:
// who it is, how it signs in, and the claims it shows.
type Person struct {
	// Subject is the "sub" claim.
	Subject string
	// Email (any case) and Password sign the person in; an empty
	// Password never does.
	Email, Password string
	// Claims are the profile claims.
	Claims map[string]any
}

// PeopleUsers is Users over the people a vendor server keeps: people
// lists them while mu is held, so a change to a person is seen by the
// next sign-in and the next ID token.
func PeopleUsers(mu sync.Locker, people iter.Seq[Person]) Users {
	return &peopleUsers{mu: mu, people: people}
}

type peopleUsers struct {
	mu     sync.Locker
	people iter.Seq[Person]
}

// Authenticate implements Users; realm is ignored.
func (p *peopleUsers) Authenticate(_, username, password string) (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for u := range p.people {
		if strings.EqualFold(u.Email, username) && u.Password == password && password != "" {
			return u.Subject, true
		}
	}
	return "", false
}

// Claims implements Users.
func (p *peopleUsers) Claims(subject string) (map[string]any, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for u := range p.people {
		if u.Subject == subject {
			return u.Claims, true
		}
	}
	return nil, false
}
