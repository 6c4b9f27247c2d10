package tokenstore

// This file seals and opens the tokens of a row with the keyring.

import (
	"strings"
	"time"

	"github.com/idsdk/idsdk-go/auth"
)

// decrypt turns a row into a Token.
func (s *Store) decrypt(r *row) (*Token, error) {
	at, err := s.keys.open(r.keyID, r.id, "token", r.token)
	if err != nil {
		return nil, err
	}
	var rt string
	if len(r.refresh) > 0 {
		if rt, err = s.keys.open(r.keyID, r.id, "refresh_token", r.refresh); err != nil {
			return nil, err
		}
	}
	return &Token{
		ID: r.id, BearerType: r.bearerType, BearerID: r.bearerID, Audience: r.audience, TokenType: r.tokenType,
		AccessToken: auth.Secret(at), RefreshToken: auth.Secret(rt),
		ExpiresAt: time.UnixMilli(r.expiresAt), Scopes: splitScopes(r.scopes), RequestedScopes: splitScopes(r.requested),
		CreatedAt: time.UnixMilli(r.createdAt), UpdatedAt: time.UnixMilli(r.updatedAt),
	}, nil
}

// encrypt builds the row of t (its ID set) under the primary key.
func (s *Store) encrypt(t *Token) (*row, error) {
	sealed, err := s.keys.seal(t.ID, "token", t.AccessToken.Reveal())
	if err != nil {
		return nil, err
	}
	var rsealed []byte
	if t.RefreshToken != "" {
		if rsealed, err = s.keys.seal(t.ID, "refresh_token", t.RefreshToken.Reveal()); err != nil {
			return nil, err
		}
	}
	return &row{
		id: t.ID, bearerType: t.BearerType, bearerID: t.BearerID, audience: t.Audience, tokenType: t.TokenType,
		keyID: s.keys.PrimaryID(), token: sealed, refresh: rsealed,
		expiresAt: t.ExpiresAt.UnixMilli(), createdAt: t.CreatedAt.UnixMilli(), updatedAt: t.UpdatedAt.UnixMilli(),
		scopes: strings.Join(t.Scopes, " "), requested: strings.Join(t.RequestedScopes, " "),
	}, nil
}
