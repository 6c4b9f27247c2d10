package webflow

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth/tokenstore"
)

// TokenStoreBackend is the part of auth/tokenstore's Store the session
// adapter uses (a *tokenstore.Store satisfies it).
type TokenStoreBackend interface {
	Save(ctx context.Context, tok *oauth2.Token, opts tokenstore.SaveOptions) (*tokenstore.Token, error)
	FindActive(ctx context.Context, id string, validFor time.Duration) (*tokenstore.Token, error)
	Delete(ctx context.Context, id string) error
}

// TokenStore is a Store over auth/tokenstore: sessions name a row of the
// token store, and Find reads it with FindActive, which refreshes an
// expired token in place (the row keeps its id), so a session outlives
// any number of refreshes. A token the store can no longer refresh gives
// ErrTokenNotFound (and the tokenstore error), which sends the person to
// sign in again.
type TokenStore struct {
	// Tokens is the token store.
	Tokens TokenStoreBackend
	// ValidFor is how long a found token must still be valid; shorter
	// ones are refreshed first. Zero means valid now.
	ValidFor time.Duration
	// Bearer names whose token a saved one is (Registry.Bearer does it
	// with each client's Bearer). Nil, or an empty answer, leaves it to
	// the token store: the response's Zaikio "bearer", else the Person
	// named by the ID token's sub.
	Bearer func(client string, tok *oauth2.Token) (bearerType, bearerID string)
}

// NewTokenStore returns the adapter over ts, naming bearers with the
// clients registered in reg (nil: none).
func NewTokenStore(ts TokenStoreBackend, reg *Registry) *TokenStore {
	s := &TokenStore{Tokens: ts}
	if reg != nil {
		s.Bearer = reg.Bearer
	}
	return s
}

// Save stores tok as a row of client and returns the row id.
func (s *TokenStore) Save(ctx context.Context, client string, tok *oauth2.Token) (string, error) {
	opts := tokenstore.SaveOptions{Client: client}
	if s.Bearer != nil {
		opts.BearerType, opts.BearerID = s.Bearer(client, tok)
	}
	t, err := s.Tokens.Save(ctx, tok, opts)
	if err != nil {
		return "", err
	}
	return t.ID, nil
}

// Find returns the token of row id, refreshed when it expired.
func (s *TokenStore) Find(ctx context.Context, id string) (*oauth2.Token, error) {
	t, err := s.Tokens.FindActive(ctx, id, s.ValidFor)
	if errors.Is(err, tokenstore.ErrNotFound) {
		return nil, fmt.Errorf("%w: %w", ErrTokenNotFound, err)
	}
	if err != nil {
		return nil, err
	}
	return t.OAuth2(), nil
}

// Delete removes row id.
func (s *TokenStore) Delete(ctx context.Context, id string) error { return s.Tokens.Delete(ctx, id) }
