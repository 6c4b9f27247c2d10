package webflow

import (
	"errors"
	"fmt"
	"sync"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth/tokenstore"
)

// Registry is where an app registers each of its OAuth clients once: the
// web flow signs people in with it (Config.Registry) and the token store
// refreshes and fetches its tokens (tokenstore.Options{Clients:
// reg.StoreClients()}), under the same name. The presets register both
// sides in one call (zaikio.Register, auth0.Register). It is safe for
// concurrent use; register every client before building the Handler and
// the Store, which take a copy.
type Registry struct {
	mu      sync.Mutex
	entries []Registration
}

// Registration is one client as both sides see it.
type Registration struct {
	// Web is the client of the sign-in flow; its Name names both sides.
	Web Client
	// Store is the token store's view of it; Store.Name is set to
	// Web.Name, and Store.Client is required.
	Store tokenstore.ClientConfig
}

// NewRegistry returns an empty Registry.
func NewRegistry() *Registry { return &Registry{} }

// Register adds a client. A name registered twice, an unnamed client or
// one without a Provider or a token store Client is refused.
func (r *Registry) Register(reg Registration) error {
	if reg.Web.Name == "" || reg.Web.Provider == nil {
		return errors.New("webflow: Register needs a Web client with a Name and a Provider")
	}
	if reg.Store.Client == nil {
		return fmt.Errorf("webflow: Register %q: the token store Client is required", reg.Web.Name)
	}
	reg.Store.Name = reg.Web.Name
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range r.entries {
		if e.Web.Name == reg.Web.Name {
			return fmt.Errorf("webflow: client %q registered twice", reg.Web.Name)
		}
	}
	r.entries = append(r.entries, reg)
	return nil
}

// Clients returns the web flow clients, in registration order.
func (r *Registry) Clients() []Client {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Client, len(r.entries))
	for i, e := range r.entries {
		out[i] = e.Web
	}
	return out
}

// StoreClients returns the token store clients, in registration order
// (the first is the token store's default client).
func (r *Registry) StoreClients() []tokenstore.ClientConfig {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]tokenstore.ClientConfig, len(r.entries))
	for i, e := range r.entries {
		out[i] = e.Store
	}
	return out
}

// Bearer names whose token tok, obtained for client, is, with the
// client's Bearer function; ("", "") when it has none.
func (r *Registry) Bearer(client string, tok *oauth2.Token) (bearerType, bearerID string) {
	r.mu.Lock()
	var f func(*oauth2.Token) (string, string)
	for _, e := range r.entries {
		if e.Web.Name == client {
			f = e.Web.Bearer
		}
	}
	r.mu.Unlock()
	if f == nil {
		return "", ""
	}
	return f(tok)
}
