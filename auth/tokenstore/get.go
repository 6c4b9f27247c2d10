package tokenstore

// This file hands out a token for a bearer: Get, WithAuth, TokenSource.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth"
)

// GetOptions select the token Get returns.
type GetOptions struct {
	// Client is the client name (audience); empty means the first client.
	Client string
	// BearerType is "Person" (the default) or "Organization".
	BearerType string
	// BearerID is the person's or organization's id. Required.
	BearerID string
	// Scopes the token must have been requested with; nil means the
	// client's Scopes (OrganizationScopes for an Organization).
	Scopes []string
	// ValidFor is how long the token must stay valid; 0 means
	// DefaultValidFor (30 s).
	ValidFor time.Duration
}

// Get returns a token for the bearer: the newest stored one of this client
// whose requested scopes cover opts.Scopes, valid past opts.ValidFor and not
// revoked (one that expired but is refreshable is refreshed); else a new one
// from the client credentials grant (scopes qualified for the bearer by
// ClientConfig.QualifyScope), which is stored. Callers that ask for the
// same (client, bearer, scopes) at once share one grant request, in the
// process and across processes on one database. A bearer_does_not_exist
// answer gives a *Error (errors.Is(err, ErrNoSuchBearer)); no
// scope to ask for (none given, none configured for the bearer type)
// gives an error matching ErrNoScopes, and nothing is requested.
func (s *Store) Get(ctx context.Context, opts GetOptions) (*Token, error) {
	cc, scopes, err := s.resolve(&opts)
	if err != nil {
		return nil, err
	}
	candidates, err := s.candidates(ctx, cc.Name, opts, scopes)
	if err != nil {
		return nil, err
	}
	for _, r := range candidates {
		if s.isRevoked(ctx, r) {
			continue
		}
		if s.validAt(r, opts.ValidFor) {
			return s.decrypt(r)
		}
		t, err := s.refresh(ctx, r.id, opts.ValidFor)
		if err == nil && t.BearerType == opts.BearerType && t.BearerID == opts.BearerID {
			return t, nil
		}
		if err != nil && !errors.Is(err, ErrNotFound) {
			return nil, err
		}
	}
	return s.fetchOnce(ctx, cc, opts.BearerType, opts.BearerID, scopes, opts.ValidFor)
}

// resolve fills the defaults of opts and returns its client and the
// scopes to ask for.
func (s *Store) resolve(opts *GetOptions) (*ClientConfig, []string, error) {
	name := opts.Client
	if name == "" {
		name = s.first
	}
	cc := s.clients[name]
	if cc == nil {
		return nil, nil, fmt.Errorf("tokenstore: get: client %q: %w", name, ErrUnknownClient)
	}
	if opts.BearerType == "" {
		opts.BearerType = Person
	}
	if opts.BearerID == "" {
		return nil, nil, errors.New("tokenstore: get: BearerID is required")
	}
	if opts.ValidFor <= 0 {
		opts.ValidFor = DefaultValidFor
	}
	scopes, field := opts.Scopes, "Scopes"
	if scopes == nil {
		scopes = cc.Scopes
		if opts.BearerType == Organization {
			scopes, field = cc.OrganizationScopes, "OrganizationScopes"
		}
	}
	if len(scopes) == 0 {
		return nil, nil, fmt.Errorf("tokenstore: get: no scopes given and client %q has no %s for a %s bearer: %w", name, field, opts.BearerType, ErrNoScopes)
	}
	return cc, scopes, nil
}

// candidates reads the bearer's rows of client whose requested scopes
// cover scopes and that are valid past opts.ValidFor or refreshable,
// newest first.
func (s *Store) candidates(ctx context.Context, client string, opts GetOptions, scopes []string) ([]*row, error) {
	now := s.now()
	st, err := s.stmt(ctx, selectByBearer)
	if err != nil {
		return nil, fmt.Errorf("tokenstore: get: %w", err)
	}
	rows, err := st.QueryContext(ctx, client, opts.BearerType, opts.BearerID, now.Add(opts.ValidFor).UnixMilli(), now.Add(-s.rtValid).UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("tokenstore: get: %w", err)
	}
	defer rows.Close()
	var out []*row
	for rows.Next() {
		r, err := scanRow(rows)
		if err != nil {
			return nil, fmt.Errorf("tokenstore: get: %w", err)
		}
		if covers(r.requested, scopes) {
			out = append(out, r)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("tokenstore: get: %w", err)
	}
	return out, nil
}

// isRevoked asks Options.Revoked about the row's current access token:
// its jti, else the row id.
func (s *Store) isRevoked(ctx context.Context, r *row) bool {
	if s.revoked == nil {
		return false
	}
	id := r.id
	if at, err := s.keys.open(r.keyID, r.id, "token", r.token); err == nil {
		if j := jti(at); j != "" {
			id = j
		}
	}
	return s.revoked(ctx, id)
}

// covers reports whether the space-separated have holds every scope of want.
func covers(have string, want []string) bool {
	for _, w := range want {
		found := false
		rest := have
		for rest != "" {
			var f string
			f, rest, _ = strings.Cut(rest, " ")
			if f == w {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// fetchOnce gets a new token for the bearer through the client
// credentials grant, once however many callers ask for the same (client,
// bearer, scopes) at the same time: one single flight per key in the
// process, and under a database lock per key across processes
// (pg_advisory_xact_lock of a hash of the key on PostgreSQL, the write lock
// of BEGIN IMMEDIATE on SQLite). A caller that waited for the lock takes
// the token the winner stored.
func (s *Store) fetchOnce(ctx context.Context, cc *ClientConfig, bearerType, bearerID string, scopes []string, validFor time.Duration) (*Token, error) {
	if cc.Client == nil {
		return nil, fmt.Errorf("tokenstore: get: client %q has no Client: %w", cc.Name, ErrUnknownClient)
	}
	key := fetchKey(cc.Name, bearerType, bearerID, scopes)
	v, err, _ := s.flight.Do(key, func() (any, error) {
		return s.fetchLocked(ctx, cc, key, bearerType, bearerID, scopes, validFor)
	})
	if err != nil {
		return nil, err
	}
	t := *v.(*Token)
	return &t, nil
}

// fetchKey names one first fetch: the client, the bearer and the sorted
// scopes. Its "fetch" prefix keeps it apart from the row ids the refresh
// single flight uses.
func fetchKey(client, bearerType, bearerID string, scopes []string) string {
	sorted := slices.Clone(scopes)
	slices.Sort(sorted)
	return strings.Join(append([]string{"fetch", client, bearerType, bearerID}, slices.Compact(sorted)...), "\x00")
}

// fetchLocked takes the database lock of key, takes a covering token
// another process stored meanwhile, or else asks the server and stores the
// answer before the lock is released.
func (s *Store) fetchLocked(ctx context.Context, cc *ClientConfig, key, bearerType, bearerID string, scopes []string, validFor time.Duration) (*Token, error) {
	start := s.now()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("tokenstore: get: begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	if s.kind == kindPostgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, advisoryKey(key)); err != nil {
			return nil, fmt.Errorf("tokenstore: get: lock: %w", err)
		}
	}
	if t, err := s.storedWhileWaiting(ctx, tx, cc.Name, bearerType, bearerID, scopes, validFor, start); t != nil || err != nil {
		return t, err
	}
	t, err := s.fetch(ctx, tx, cc, bearerType, bearerID, scopes)
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("tokenstore: get: %w", err)
	}
	return t, nil
}

// storedWhileWaiting returns a stored token of the bearer covering scopes
// that is valid past validFor, or was stored since start and is valid now
// (the one a caller that held the lock fetched), or nil.
func (s *Store) storedWhileWaiting(ctx context.Context, tx *sql.Tx, client, bearerType, bearerID string, scopes []string, validFor time.Duration, start time.Time) (*Token, error) {
	now := s.now()
	rows, err := tx.QueryContext(ctx, s.q(selectByBearer), client, bearerType, bearerID, now.UnixMilli(), now.Add(-s.rtValid).UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("tokenstore: get: %w", err)
	}
	var found *row
	for rows.Next() {
		r, err := scanRow(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("tokenstore: get: %w", err)
		}
		fresh := r.createdAt >= start.UnixMilli() && s.validAt(r, 0)
		if found == nil && covers(r.requested, scopes) && (s.validAt(r, validFor) || fresh) {
			found = r
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("tokenstore: get: %w", err)
	}
	if found == nil || s.isRevoked(ctx, found) {
		return nil, nil
	}
	return s.decrypt(found)
}

// fetch gets a new token through the client credentials grant and writes
// it with ex. Like Zaikio's engine, the row keeps no refresh token: the
// grant is asked again instead.
func (s *Store) fetch(ctx context.Context, ex execer, cc *ClientConfig, bearerType, bearerID string, scopes []string) (*Token, error) {
	q := make([]string, len(scopes))
	for i, sc := range scopes {
		q[i] = cc.QualifyScope(bearerType, bearerID, sc)
	}
	tok, err := cc.Client.ClientCredentials(ctx, q)
	if err != nil {
		var te *auth.TokenError
		if errors.As(err, &te) && te.Code == "bearer_does_not_exist" {
			return nil, &Error{Err: ErrNoSuchBearer, BearerType: bearerType, BearerID: bearerID, Cause: err}
		}
		return nil, fmt.Errorf("tokenstore: get: client credentials for %s %q: %w", bearerType, bearerID, err)
	}
	t, err := s.fromResponse(tok, cc.Name, bearerRef{Type: bearerType, ID: bearerID}, scopes, false)
	if err != nil {
		return nil, fmt.Errorf("tokenstore: get: %w", err)
	}
	r, err := s.encrypt(t)
	if err != nil {
		return nil, err
	}
	if err := s.upsert(ctx, ex, r); err != nil {
		return nil, err
	}
	return t, nil
}

// WithAuth gets a token as Get does and calls fn with it, for a block of
// calls made on the bearer's behalf.
func (s *Store) WithAuth(ctx context.Context, opts GetOptions, fn func(ctx context.Context, tok *oauth2.Token) error) error {
	t, err := s.Get(ctx, opts)
	if err != nil {
		return err
	}
	return fn(ctx, t.OAuth2())
}

// TokenSource is an oauth2.TokenSource over Get with opts and ctx, for
// http clients built with oauth2.NewClient or auth.Transport.
func (s *Store) TokenSource(ctx context.Context, opts GetOptions) oauth2.TokenSource {
	return tokenSource{ctx: ctx, s: s, opts: opts}
}

type tokenSource struct {
	ctx  context.Context
	s    *Store
	opts GetOptions
}

func (ts tokenSource) Token() (*oauth2.Token, error) {
	t, err := ts.s.Get(ts.ctx, ts.opts)
	if err != nil {
		return nil, err
	}
	return t.OAuth2(), nil
}
