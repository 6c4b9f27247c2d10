package tokenstore

// This file reads and writes rows: Save, Lookup, Delete and their SQL.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth"
)

// row is a stored row before decryption.
type row struct {
	id, bearerType, bearerID, audience, tokenType, keyID string
	token, refresh                                       []byte
	expiresAt, createdAt, updatedAt                      int64
	scopes, requested                                    string
}

const columns = `id, bearer_type, bearer_id, audience, token_type, key_id, token, refresh_token, expires_at, scopes, requested_scopes, created_at, updated_at`

// The read queries run on every FindActive and Get, kept prepared.
const (
	selectByID     = `SELECT ` + columns + ` FROM tokenstore_tokens WHERE id = $1`
	selectByBearer = `SELECT ` + columns + ` FROM tokenstore_tokens
WHERE audience = $1 AND bearer_type = $2 AND bearer_id = $3 AND (expires_at > $4 OR (refresh_token IS NOT NULL AND created_at > $5))
ORDER BY expires_at DESC, created_at DESC`
)

type scanner interface{ Scan(dest ...any) error }

func scanRow(sc scanner) (*row, error) {
	r := &row{}
	err := sc.Scan(&r.id, &r.bearerType, &r.bearerID, &r.audience, &r.tokenType, &r.keyID, &r.token, &r.refresh,
		&r.expiresAt, &r.scopes, &r.requested, &r.createdAt, &r.updatedAt)
	if err != nil {
		return nil, err
	}
	return r, nil
}

func (s *Store) validAt(r *row, validFor time.Duration) bool {
	return r.expiresAt > s.now().Add(validFor).UnixMilli()
}

func (s *Store) refreshable(r *row) bool {
	return len(r.refresh) > 0 && r.createdAt > s.now().Add(-s.rtValid).UnixMilli()
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func (s *Store) upsert(ctx context.Context, ex execer, r *row) error {
	var refresh any
	if len(r.refresh) > 0 {
		refresh = r.refresh
	}
	_, err := ex.ExecContext(ctx, s.q(`INSERT INTO tokenstore_tokens (`+columns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
ON CONFLICT (id) DO UPDATE SET bearer_type = excluded.bearer_type, bearer_id = excluded.bearer_id, audience = excluded.audience,
 token_type = excluded.token_type, key_id = excluded.key_id, token = excluded.token, refresh_token = excluded.refresh_token,
 expires_at = excluded.expires_at, scopes = excluded.scopes, requested_scopes = excluded.requested_scopes, updated_at = excluded.updated_at`),
		r.id, r.bearerType, r.bearerID, r.audience, r.tokenType, r.keyID, r.token, refresh, r.expiresAt, r.scopes, r.requested, r.createdAt, r.updatedAt)
	if err != nil {
		return fmt.Errorf("tokenstore: write row %q: %w", r.id, err)
	}
	return nil
}

// replace writes r over the row with its id, created_at included (a
// refreshed row starts a new refresh token's life).
func (s *Store) replace(ctx context.Context, ex execer, r *row) error {
	var refresh any
	if len(r.refresh) > 0 {
		refresh = r.refresh
	}
	_, err := ex.ExecContext(ctx, s.q(`UPDATE tokenstore_tokens SET bearer_type = $2, bearer_id = $3, token_type = $4, key_id = $5,
 token = $6, refresh_token = $7, expires_at = $8, scopes = $9, requested_scopes = $10, created_at = $11, updated_at = $12 WHERE id = $1`),
		r.id, r.bearerType, r.bearerID, r.tokenType, r.keyID, r.token, refresh, r.expiresAt, r.scopes, r.requested, r.createdAt, r.updatedAt)
	if err != nil {
		return fmt.Errorf("tokenstore: write row %q: %w", r.id, err)
	}
	return nil
}

// fromResponse builds a Token from a token response.
func (s *Store) fromResponse(tok *oauth2.Token, audience string, bearer bearerRef, requested []string, keepRefresh bool) (*Token, error) {
	if tok == nil || tok.AccessToken == "" {
		return nil, errors.New("tokenstore: the token response has no access token")
	}
	if b, ok := bearerOf(tok); ok {
		bearer = b
	}
	if bearer.ID == "" {
		if sub := subjectOf(tok); sub != "" {
			bearer = bearerRef{Type: Person, ID: sub}
		}
	}
	if bearer.Type == "" && bearer.ID != "" {
		bearer.Type = Person
	}
	if bearer.ID == "" {
		return nil, errors.New("tokenstore: the token response names no bearer (no \"bearer\" object, no ID token or JWT subject) and none was given")
	}
	now := s.now()
	id := jti(tok.AccessToken)
	if id == "" {
		id = newUUID()
	}
	exp := tok.Expiry
	if exp.IsZero() {
		exp = now.Add(DefaultLifetime)
	}
	scopes := ScopesOf(tok)
	if scopes == nil {
		scopes = requested
	}
	if requested == nil {
		requested = scopes
	}
	t := &Token{ID: id, BearerType: bearer.Type, BearerID: bearer.ID, Audience: audience, TokenType: tok.TokenType,
		AccessToken: auth.Secret(tok.AccessToken), ExpiresAt: exp, Scopes: scopes, RequestedScopes: requested,
		CreatedAt: now, UpdatedAt: now}
	if t.TokenType == "" {
		t.TokenType = "Bearer"
	}
	if keepRefresh {
		t.RefreshToken = auth.Secret(tok.RefreshToken)
	}
	return t, nil
}

// SaveOptions describe a token Save stores.
type SaveOptions struct {
	// Client is the client name (audience); empty means the first client.
	Client string
	// BearerType and BearerID are used when the token response has no
	// "bearer" object (Zaikio's responses have one).
	BearerType, BearerID string
	// RequestedScopes are the scopes that were asked for; nil means the
	// scopes of the response.
	RequestedScopes []string
}

// Save stores a token the caller obtained, e.g. from an authorization code
// exchange, with its refresh token, and returns the stored row. The row id
// is the token's jti, else a random UUID. The bearer comes from the
// response's "bearer" object (Zaikio), else from opts, else it is the
// Person named by the "sub" of the response's ID token or of a JWT access
// token; with none of these Save fails.
func (s *Store) Save(ctx context.Context, tok *oauth2.Token, opts SaveOptions) (*Token, error) {
	name := opts.Client
	if name == "" {
		name = s.first
	}
	if name == "" {
		return nil, fmt.Errorf("tokenstore: save: no client given and none registered: %w", ErrUnknownClient)
	}
	t, err := s.fromResponse(tok, name, bearerRef{Type: opts.BearerType, ID: opts.BearerID}, opts.RequestedScopes, true)
	if err != nil {
		return nil, err
	}
	r, err := s.encrypt(t)
	if err != nil {
		return nil, err
	}
	if err := s.upsert(ctx, s.db, r); err != nil {
		return nil, err
	}
	return t, nil
}

// Delete removes the row id (e.g. on logout). Deleting a missing row is
// not an error.
func (s *Store) Delete(ctx context.Context, id string) error {
	if _, err := s.db.ExecContext(ctx, s.q(`DELETE FROM tokenstore_tokens WHERE id = $1`), id); err != nil {
		return fmt.Errorf("tokenstore: delete %q: %w", id, err)
	}
	return nil
}

// Lookup returns the row id as stored, whatever its expiry, without
// refreshing it. A missing row gives a *Error.
func (s *Store) Lookup(ctx context.Context, id string) (*Token, error) {
	r, err := scanRow(s.db.QueryRowContext(ctx, s.q(`SELECT `+columns+` FROM tokenstore_tokens WHERE id = $1`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(id, "missing")
	}
	if err != nil {
		return nil, fmt.Errorf("tokenstore: read %q: %w", id, err)
	}
	return s.decrypt(r)
}
