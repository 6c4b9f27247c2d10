package tokenstore

// This file refreshes a row in place, once across goroutines and processes.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/idsdk/idsdk-go/auth"
)

// FindActive returns the token id when it is valid for at least validFor
// (0 means valid now). When it is expired, or expires within validFor, and
// it is refreshable (it has a refresh token and was created less than
// RefreshTokenValidFor ago), it is refreshed: the new token replaces the
// one in the row, which keeps its id, and is returned. An id kept in a
// session (webflow's Session.TokenID) therefore finds the person's token
// across any number of refreshes. A refresh the server refuses with
// invalid_grant deletes the row. No usable token gives a *Error
// (errors.Is(err, ErrNotFound)).
func (s *Store) FindActive(ctx context.Context, id string, validFor time.Duration) (*Token, error) {
	if validFor < 0 {
		validFor = 0
	}
	st, err := s.stmt(ctx, selectByID)
	if err != nil {
		return nil, fmt.Errorf("tokenstore: read %q: %w", id, err)
	}
	r, err := scanRow(st.QueryRowContext(ctx, id))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		// A row replaced by an earlier version of this package (which
		// gave a refreshed row a new id) is found through its successor.
		if next, err := s.successor(ctx, id); err != nil {
			return nil, err
		} else if next != "" {
			return s.refresh(ctx, next, validFor)
		}
		return nil, notFound(id, "missing")
	case err != nil:
		return nil, fmt.Errorf("tokenstore: read %q: %w", id, err)
	}
	if s.validAt(r, validFor) {
		return s.decrypt(r)
	}
	if !s.refreshable(r) {
		return nil, notFound(id, "expired")
	}
	return s.refresh(ctx, id, validFor)
}

// successor returns the id of the row that replaced id, or "".
func (s *Store) successor(ctx context.Context, id string) (string, error) {
	var next string
	err := s.db.QueryRowContext(ctx, s.q(`SELECT successor_id FROM tokenstore_successors WHERE id = $1`), id).Scan(&next)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("tokenstore: read successor of %q: %w", id, err)
	}
	return next, nil
}

// refresh refreshes row id if it still needs it, once per process at a
// time (single flight) and once across processes (row lock / write lock).
func (s *Store) refresh(ctx context.Context, id string, validFor time.Duration) (*Token, error) {
	v, err, _ := s.flight.Do(id, func() (any, error) {
		for hop := 0; hop < 10; hop++ {
			t, next, err := s.refreshLocked(ctx, id, validFor)
			if next == "" {
				return t, err
			}
			id = next
		}
		return nil, notFound(id, "missing")
	})
	if err != nil {
		return nil, err
	}
	t := *v.(*Token)
	return &t, nil
}

// refreshLocked does one locked step: it re-reads the row under the lock
// and returns it when it is valid (someone refreshed it meanwhile), the id
// of its successor when an earlier version replaced it, or refreshes it in
// place: the row keeps its id.
func (s *Store) refreshLocked(ctx context.Context, id string, validFor time.Duration) (*Token, string, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, "", fmt.Errorf("tokenstore: begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	r, next, err := s.readLocked(ctx, tx, id)
	if r == nil {
		return nil, next, err
	}
	if s.validAt(r, validFor) {
		t, err := s.decrypt(r)
		return t, "", err
	}
	if !s.refreshable(r) {
		return nil, "", notFound(id, "expired")
	}
	t, err := s.refreshRow(ctx, tx, r)
	return t, "", err
}

// readLocked reads row id under the transaction's lock (FOR UPDATE on
// PostgreSQL; SQLite's transaction holds the write lock already). A
// missing row gives the id of its successor, when an earlier version of
// this package recorded one, else a *Error.
func (s *Store) readLocked(ctx context.Context, tx *sql.Tx, id string) (*row, string, error) {
	query := selectByID
	if s.kind == kindPostgres {
		query += ` FOR UPDATE`
	}
	r, err := scanRow(tx.QueryRowContext(ctx, s.q(query), id))
	if errors.Is(err, sql.ErrNoRows) {
		var next string
		err := tx.QueryRowContext(ctx, s.q(`SELECT successor_id FROM tokenstore_successors WHERE id = $1`), id).Scan(&next)
		if err == nil && next != "" && next != id {
			return nil, next, nil
		}
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, "", fmt.Errorf("tokenstore: read successor of %q: %w", id, err)
		}
		return nil, "", notFound(id, "missing")
	}
	if err != nil {
		return nil, "", fmt.Errorf("tokenstore: read %q: %w", id, err)
	}
	return r, "", nil
}

// refreshRow spends the refresh token of r, locked in tx, and writes the
// answer over r before tx commits; a refusal (invalid_grant) deletes r.
func (s *Store) refreshRow(ctx context.Context, tx *sql.Tx, r *row) (*Token, error) {
	cc := s.clients[r.audience]
	if cc == nil || cc.Client == nil {
		return nil, fmt.Errorf("tokenstore: refresh %q: no Client for audience %q: %w", r.id, r.audience, ErrUnknownClient)
	}
	old, err := s.decrypt(r)
	if err != nil {
		return nil, err
	}
	nt, err := cc.Client.Refresh(ctx, old.RefreshToken.Reveal())
	if errors.Is(err, auth.ErrInvalidGrant) {
		return nil, s.dropRefused(ctx, tx, r)
	}
	if err != nil {
		return nil, fmt.Errorf("tokenstore: refresh %q: %w", r.id, err)
	}
	if nt.RefreshToken == "" {
		nt.RefreshToken = old.RefreshToken.Reveal()
	}
	t, err := s.fromResponse(nt, r.audience, bearerRef{Type: r.bearerType, ID: r.bearerID}, old.RequestedScopes, true)
	if err != nil {
		return nil, fmt.Errorf("tokenstore: refresh %q: %w", r.id, err)
	}
	// The row keeps its id: whoever holds it (a session) finds the new
	// token. created_at restarts with the new refresh token.
	t.ID = r.id
	nr, err := s.encrypt(t)
	if err != nil {
		return nil, err
	}
	if err := s.replace(ctx, tx, nr); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("tokenstore: refresh %q: %w", r.id, err)
	}
	s.log.InfoContext(ctx, "tokenstore: token refreshed", "id", r.id, "audience", r.audience)
	return t, nil
}

// dropRefused deletes r, whose refresh the server refused with
// invalid_grant, and returns the *Error the caller gets.
func (s *Store) dropRefused(ctx context.Context, tx *sql.Tx, r *row) error {
	if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM tokenstore_tokens WHERE id = $1`), r.id); err != nil {
		return fmt.Errorf("tokenstore: delete %q after invalid_grant: %w", r.id, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("tokenstore: delete %q after invalid_grant: %w", r.id, err)
	}
	s.log.InfoContext(ctx, "tokenstore: refresh refused (invalid_grant), row deleted", "id", r.id, "audience", r.audience)
	return notFound(r.id, "invalid_grant")
}
