// Package tokenstore keeps OAuth access tokens of users and organizations
// in a SQL database, encrypted at rest, and hands out a usable one on
// demand: a stored token still valid, a stored one refreshed, or a new one
// from the client credentials grant. It is the Go counterpart of the token
// table Zaikio's Rails engine keeps, and works with any OAuth 2.0 server.
//
// Two backends share one interface and one schema: SQLite (modernc.org/sqlite,
// pure Go, a file path; the default) for one process, and PostgreSQL
// (jackc/pgx/v5, a DSN) for many replicas. The schema is created and
// migrated by Open. Refreshes of a row are coordinated so that exactly one
// refresh request reaches the server: within a process by a per-row single
// flight, across processes by a row lock (SELECT ... FOR UPDATE) on
// PostgreSQL and the database write lock on SQLite; a caller that waited
// reads the row the winner wrote. First fetches through the client
// credentials grant are coordinated the same way per (client, bearer,
// scopes): a single flight in the process, and across processes an
// advisory lock keyed by a hash of that key on PostgreSQL and the write
// lock on SQLite. A refreshed row keeps its id, so an id kept in a session
// finds the token however often it is refreshed.
//
// Access and refresh tokens are sealed with AES-256-GCM under the keyring's
// primary key; each row records its key id, so older keys keep decrypting
// after a rotation. The associated data binds each ciphertext to its row id
// and column.
package tokenstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/sync/singleflight"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/internal/redact"

	// The two database/sql drivers of the backends.
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"
)

// Defaults of the operations.
const (
	// DefaultValidFor is how long a token handed out by Get must stay valid.
	DefaultValidFor = 30 * time.Second
	// DefaultRefreshTokenValidFor is how long after its row was created a
	// refresh token is still used.
	DefaultRefreshTokenValidFor = 7 * 24 * time.Hour
	// DefaultCleanupAge is the olderThan of Cleanup when zero is given.
	DefaultCleanupAge = 7 * 24 * time.Hour
	// DefaultCleanupEvery is how often RunCleanup runs when zero is given.
	DefaultCleanupEvery = 24 * time.Hour
	// DefaultLifetime is the expiry given to a token whose response had no
	// expires_in.
	DefaultLifetime = time.Hour
	// Person and Organization are the bearer types Zaikio uses.
	Person       = "Person"
	Organization = "Organization"
)

const (
	kindSQLite   = "sqlite"
	kindPostgres = "postgres"
)

// ClientConfig is one registered OAuth client; its Name is the audience
// column of the rows it owns.
type ClientConfig struct {
	// Name is the client name (the rows' audience). Required, unique.
	Name string
	// Client gets and refreshes tokens. Required for Get and refreshes.
	Client Client
	// Scopes are what Get asks for a Person bearer when the caller gives
	// none. Get refuses (ErrNoScopes) to ask for a token with no scope.
	Scopes []string
	// OrganizationScopes are what Get asks for an Organization bearer when
	// the caller gives none; Scopes are never used for an Organization.
	OrganizationScopes []string
	// QualifyScope turns a scope into the one the client credentials grant
	// asks for on behalf of a bearer. Nil means Zaikio's rule: "Org/<id>.<scope>"
	// for an Organization, "Per/<id>.<scope>" otherwise.
	QualifyScope func(bearerType, bearerID, scope string) string
}

// ZaikioScope is Zaikio's rule for a scope asked on behalf of a bearer:
// "Org/<id>.<scope>" for an Organization, "Per/<id>.<scope>" otherwise.
func ZaikioScope(bearerType, bearerID, scope string) string {
	prefix := "Per"
	if bearerType == Organization {
		prefix = "Org"
	}
	return prefix + "/" + bearerID + "." + scope
}

// Options configure a Store.
type Options struct {
	// Keys encrypt and decrypt the tokens. Required.
	Keys *Keyring
	// Clients are the OAuth clients whose tokens the store keeps; the
	// first is the default of GetOptions.Client and SaveOptions.Client.
	Clients []ClientConfig
	// RefreshTokenValidFor is how long after creation a row's refresh
	// token is used; 0 means DefaultRefreshTokenValidFor.
	RefreshTokenValidFor time.Duration
	// Revoked, when set, reports token ids revoked elsewhere (e.g. Zaikio's
	// revoked access tokens list); Get skips them. The id asked about is
	// the jti of the row's current access token, else the row id.
	Revoked func(ctx context.Context, id string) bool
	// Logger receives refreshes and cleanup runs (ids, never tokens); nil
	// discards.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// MaxOpenConns limits the database connections; 0 means 10.
	MaxOpenConns int
}

// Store is a token store over SQLite or PostgreSQL. It is safe for
// concurrent use by many goroutines, and (with PostgreSQL, or SQLite on a
// local file) by many processes.
type Store struct {
	db      *sql.DB
	kind    string
	keys    *Keyring
	clients map[string]*ClientConfig
	first   string
	rtValid time.Duration
	revoked func(ctx context.Context, id string) bool
	log     *slog.Logger
	now     func() time.Time
	flight  singleflight.Group
	queries map[string]string
	stmts   map[string]*sql.Stmt
	queryMu sync.RWMutex
}

// GoString is String.
func (s *Store) GoString() string { return s.String() }

// Format prints String for every verb.
func (s *Store) Format(f fmt.State, verb rune) { redact.Format(f, verb, s.String()) }

// LogValue keeps key material out of slog output.
func (s *Store) LogValue() slog.Value { return redact.LogValue(s.String()) }

// MarshalJSON writes String.
func (s *Store) MarshalJSON() ([]byte, error) { return redact.JSON(s.String()) }

// Open opens a store: a DSN starting with postgres:// or postgresql://
// selects PostgreSQL, anything else is a SQLite file path (or a "file:"
// URI). The schema is created or migrated before Open returns.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return OpenPostgres(ctx, dsn, opts)
	}
	return OpenSQLite(ctx, dsn, opts)
}

// OpenSQLite opens (creating if needed) the SQLite database at path.
func OpenSQLite(ctx context.Context, path string, opts Options) (*Store, error) {
	if path == "" {
		return nil, errors.New("tokenstore: empty SQLite path")
	}
	dsn := path
	if !strings.HasPrefix(dsn, "file:") {
		dsn = "file:" + dsn
	}
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	dsn += sep + "_pragma=busy_timeout(20000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("tokenstore: open SQLite: %w", err)
	}
	return newStore(ctx, db, kindSQLite, opts)
}

// OpenPostgres connects to PostgreSQL with a pgx DSN
// (postgres://user:pass@host:port/db?sslmode=...).
func OpenPostgres(ctx context.Context, dsn string, opts Options) (*Store, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		// pgx errors about a DSN may quote it, password included.
		return nil, errors.New("tokenstore: open PostgreSQL: the DSN does not parse")
	}
	return newStore(ctx, db, kindPostgres, opts)
}

func newStore(ctx context.Context, db *sql.DB, kind string, opts Options) (*Store, error) {
	s := &Store{db: db, kind: kind, keys: opts.Keys, clients: map[string]*ClientConfig{},
		rtValid: opts.RefreshTokenValidFor, revoked: opts.Revoked, log: opts.Logger, now: opts.Now,
		queries: map[string]string{}, stmts: map[string]*sql.Stmt{}}
	fail := func(err error) (*Store, error) {
		_ = db.Close()
		return nil, err
	}
	if s.keys == nil {
		return fail(errors.New("tokenstore: Options.Keys is required"))
	}
	for i := range opts.Clients {
		c := opts.Clients[i]
		if c.Name == "" {
			return fail(errors.New("tokenstore: a ClientConfig has no Name"))
		}
		if _, dup := s.clients[c.Name]; dup {
			return fail(fmt.Errorf("tokenstore: client %q is registered twice", c.Name))
		}
		if c.QualifyScope == nil {
			c.QualifyScope = ZaikioScope
		}
		s.clients[c.Name] = &c
		if s.first == "" {
			s.first = c.Name
		}
	}
	if s.rtValid <= 0 {
		s.rtValid = DefaultRefreshTokenValidFor
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	n := opts.MaxOpenConns
	if n <= 0 {
		n = 10
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	if err := db.PingContext(ctx); err != nil {
		return fail(fmt.Errorf("tokenstore: connect %s: %w", kind, redactDSN(err)))
	}
	if err := s.migrate(ctx); err != nil {
		return fail(err)
	}
	return s, nil
}

// redactDSN keeps connection errors but drops any text that could hold a
// password (pgx quotes the DSN in some parse errors).
func redactDSN(err error) error {
	if err == nil {
		return nil
	}
	if strings.Contains(err.Error(), "://") || strings.Contains(err.Error(), "password") {
		return errors.New("cannot connect (details withheld: they may contain the DSN)")
	}
	return err
}

// Close closes the database.
func (s *Store) Close() error {
	s.queryMu.Lock()
	for _, st := range s.stmts {
		_ = st.Close()
	}
	s.stmts = map[string]*sql.Stmt{}
	s.queryMu.Unlock()
	return s.db.Close()
}

// stmt returns the prepared statement of a read query (written with $N
// placeholders), preparing it on first use.
func (s *Store) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	s.queryMu.RLock()
	st := s.stmts[query]
	s.queryMu.RUnlock()
	if st != nil {
		return st, nil
	}
	s.queryMu.Lock()
	defer s.queryMu.Unlock()
	if st := s.stmts[query]; st != nil {
		return st, nil
	}
	q := query
	if s.kind != kindPostgres {
		q = strings.ReplaceAll(query, "$", "?")
	}
	st, err := s.db.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	s.stmts[query] = st
	return st, nil
}

// DB is the underlying database, for tests and administration.
func (s *Store) DB() *sql.DB { return s.db }

// Backend is "sqlite" or "postgres".
func (s *Store) Backend() string { return s.kind }

// String describes the store without secrets.
func (s *Store) String() string {
	if s == nil {
		return "tokenstore.Store(nil)"
	}
	keys := "nil"
	if s.keys != nil {
		keys = s.keys.String()
	}
	return fmt.Sprintf("tokenstore.Store{Backend: %q, Keys: %s}", s.kind, keys)
}

// Token is one stored token. Formatting, logging or JSON-encoding a Token
// (a value or a pointer, nested or not) never shows the access or refresh
// token: persist them with Reveal.
type Token struct {
	// ID is the row id: the jti of the row's first access token when it
	// is a JWT with one, else a random UUID. A refresh keeps it.
	ID string
	// BearerType is "Person" or "Organization".
	BearerType string
	// BearerID is the bearer's id.
	BearerID string
	// Audience is the client name the token belongs to.
	Audience string
	// TokenType is the token type of the response, usually "Bearer".
	TokenType string
	// AccessToken is the token itself.
	AccessToken auth.Secret
	// RefreshToken is empty when there is none.
	RefreshToken auth.Secret
	// ExpiresAt is when the access token expires.
	ExpiresAt time.Time
	// Scopes are the scopes granted.
	Scopes []string
	// RequestedScopes are the scopes asked for (unqualified).
	RequestedScopes []string
	// CreatedAt and UpdatedAt are the row's timestamps.
	CreatedAt, UpdatedAt time.Time
}

// OAuth2 returns the token as an *oauth2.Token.
func (t *Token) OAuth2() *oauth2.Token {
	if t == nil {
		return nil
	}
	typ := t.TokenType
	if typ == "" {
		typ = "Bearer"
	}
	return &oauth2.Token{AccessToken: t.AccessToken.Reveal(), RefreshToken: t.RefreshToken.Reveal(), TokenType: typ, Expiry: t.ExpiresAt}
}

// ValidFor reports whether the access token is still valid d from now.
func (t *Token) ValidFor(d time.Duration) bool {
	return t != nil && t.ExpiresAt.After(time.Now().Add(d))
}

// String describes the token without secrets.
func (t Token) String() string {
	return fmt.Sprintf("tokenstore.Token{ID: %q, Bearer: %s/%s, Audience: %q, ExpiresAt: %s, Scopes: %q, tokens: %s}",
		t.ID, t.BearerType, t.BearerID, t.Audience, t.ExpiresAt.UTC().Format(time.RFC3339), t.Scopes, redact.Placeholder)
}

// GoString is String.
func (t Token) GoString() string { return t.String() }

// Format prints String for every verb.
func (t Token) Format(f fmt.State, verb rune) { redact.Format(f, verb, t.String()) }

// LogValue keeps the tokens out of slog output.
func (t *Token) LogValue() slog.Value { return redact.PointerLogValue(t) }

// MarshalJSON writes String.
func (t Token) MarshalJSON() ([]byte, error) { return redact.JSON(t.String()) }

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

// q rewrites a query written with $N placeholders for the backend
// (SQLite: ?N), caching the result.
func (s *Store) q(query string) string {
	if s.kind == kindPostgres {
		return query
	}
	s.queryMu.RLock()
	out, ok := s.queries[query]
	s.queryMu.RUnlock()
	if ok {
		return out
	}
	out = strings.ReplaceAll(query, "$", "?")
	s.queryMu.Lock()
	s.queries[query] = out
	s.queryMu.Unlock()
	return out
}

func (s *Store) validAt(r *row, validFor time.Duration) bool {
	return r.expiresAt > s.now().Add(validFor).UnixMilli()
}

func (s *Store) refreshable(r *row) bool {
	return len(r.refresh) > 0 && r.createdAt > s.now().Add(-s.rtValid).UnixMilli()
}

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
func (s *Store) fromResponse(tok *oauth2.Token, audience string, bearer Bearer, requested []string, keepRefresh bool) (*Token, error) {
	if tok == nil || tok.AccessToken == "" {
		return nil, errors.New("tokenstore: the token response has no access token")
	}
	if b, ok := BearerOf(tok); ok {
		bearer = b
	}
	if bearer.ID == "" {
		if sub := subjectOf(tok); sub != "" {
			bearer = Bearer{Type: Person, ID: sub}
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
	t, err := s.fromResponse(tok, name, Bearer{Type: opts.BearerType, ID: opts.BearerID}, opts.RequestedScopes, true)
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
// refreshing it. A missing row gives a *NotFoundError.
func (s *Store) Lookup(ctx context.Context, id string) (*Token, error) {
	r, err := scanRow(s.db.QueryRowContext(ctx, s.q(`SELECT `+columns+` FROM tokenstore_tokens WHERE id = $1`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &NotFoundError{ID: id, Reason: "missing"}
	}
	if err != nil {
		return nil, fmt.Errorf("tokenstore: read %q: %w", id, err)
	}
	return s.decrypt(r)
}

// FindActive returns the token id when it is valid for at least validFor
// (0 means valid now). When it is expired, or expires within validFor, and
// it is refreshable (it has a refresh token and was created less than
// RefreshTokenValidFor ago), it is refreshed: the new token replaces the
// one in the row, which keeps its id, and is returned. An id kept in a
// session (webflow's Session.TokenID) therefore finds the person's token
// across any number of refreshes. A refresh the server refuses with
// invalid_grant deletes the row. No usable token gives a *NotFoundError
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
		return nil, &NotFoundError{ID: id, Reason: "missing"}
	case err != nil:
		return nil, fmt.Errorf("tokenstore: read %q: %w", id, err)
	}
	if s.validAt(r, validFor) {
		return s.decrypt(r)
	}
	if !s.refreshable(r) {
		return nil, &NotFoundError{ID: id, Reason: "expired"}
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
		return nil, &NotFoundError{ID: id, Reason: "missing"}
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
	query := `SELECT ` + columns + ` FROM tokenstore_tokens WHERE id = $1`
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
		return nil, "", &NotFoundError{ID: id, Reason: "missing"}
	}
	if err != nil {
		return nil, "", fmt.Errorf("tokenstore: read %q: %w", id, err)
	}
	if s.validAt(r, validFor) {
		t, err := s.decrypt(r)
		return t, "", err
	}
	if !s.refreshable(r) {
		return nil, "", &NotFoundError{ID: id, Reason: "expired"}
	}
	cc := s.clients[r.audience]
	if cc == nil || cc.Client == nil {
		return nil, "", fmt.Errorf("tokenstore: refresh %q: no Client for audience %q: %w", id, r.audience, ErrUnknownClient)
	}
	old, err := s.decrypt(r)
	if err != nil {
		return nil, "", err
	}
	nt, err := cc.Client.Refresh(ctx, old.RefreshToken.Reveal())
	if err != nil {
		if errors.Is(err, auth.ErrInvalidGrant) {
			if _, derr := tx.ExecContext(ctx, s.q(`DELETE FROM tokenstore_tokens WHERE id = $1`), id); derr != nil {
				return nil, "", fmt.Errorf("tokenstore: delete %q after invalid_grant: %w", id, derr)
			}
			if cerr := tx.Commit(); cerr != nil {
				return nil, "", fmt.Errorf("tokenstore: delete %q after invalid_grant: %w", id, cerr)
			}
			s.log.InfoContext(ctx, "tokenstore: refresh refused (invalid_grant), row deleted", "id", id, "audience", r.audience)
			return nil, "", &NotFoundError{ID: id, Reason: "invalid_grant"}
		}
		return nil, "", fmt.Errorf("tokenstore: refresh %q: %w", id, err)
	}
	if nt.RefreshToken == "" {
		nt.RefreshToken = old.RefreshToken.Reveal()
	}
	t, err := s.fromResponse(nt, r.audience, Bearer{Type: r.bearerType, ID: r.bearerID}, old.RequestedScopes, true)
	if err != nil {
		return nil, "", fmt.Errorf("tokenstore: refresh %q: %w", id, err)
	}
	// The row keeps its id: whoever holds it (a session) finds the new
	// token. created_at restarts with the new refresh token.
	t.ID = id
	nr, err := s.encrypt(t)
	if err != nil {
		return nil, "", err
	}
	if err := s.replace(ctx, tx, nr); err != nil {
		return nil, "", err
	}
	if err := tx.Commit(); err != nil {
		return nil, "", fmt.Errorf("tokenstore: refresh %q: %w", id, err)
	}
	s.log.InfoContext(ctx, "tokenstore: token refreshed", "id", id, "audience", r.audience)
	return t, "", nil
}

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
// answer gives a *NoSuchBearerError (errors.Is(err, ErrNoSuchBearer)); no
// scope to ask for (none given, none configured for the bearer type)
// gives an error matching ErrNoScopes, and nothing is requested.
func (s *Store) Get(ctx context.Context, opts GetOptions) (*Token, error) {
	name := opts.Client
	if name == "" {
		name = s.first
	}
	cc := s.clients[name]
	if cc == nil {
		return nil, fmt.Errorf("tokenstore: get: client %q: %w", name, ErrUnknownClient)
	}
	if opts.BearerType == "" {
		opts.BearerType = Person
	}
	if opts.BearerID == "" {
		return nil, errors.New("tokenstore: get: BearerID is required")
	}
	if opts.ValidFor <= 0 {
		opts.ValidFor = DefaultValidFor
	}
	scopes := opts.Scopes
	if scopes == nil {
		scopes = cc.Scopes
		if opts.BearerType == Organization {
			scopes = cc.OrganizationScopes
		}
	}
	if len(scopes) == 0 {
		field := "Scopes"
		if opts.BearerType == Organization {
			field = "OrganizationScopes"
		}
		return nil, fmt.Errorf("tokenstore: get: no scopes given and client %q has no %s for a %s bearer: %w", name, field, opts.BearerType, ErrNoScopes)
	}
	now := s.now()
	st, err := s.stmt(ctx, selectByBearer)
	if err != nil {
		return nil, fmt.Errorf("tokenstore: get: %w", err)
	}
	rows, err := st.QueryContext(ctx, name, opts.BearerType, opts.BearerID, now.Add(opts.ValidFor).UnixMilli(), now.Add(-s.rtValid).UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("tokenstore: get: %w", err)
	}
	var candidates []*row
	for rows.Next() {
		r, err := scanRow(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("tokenstore: get: %w", err)
		}
		if covers(r.requested, scopes) {
			candidates = append(candidates, r)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("tokenstore: get: %w", err)
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

// advisoryKey is the PostgreSQL advisory lock number of a fetch key.
func advisoryKey(key string) int64 {
	sum := sha256.Sum256([]byte("idsdk-go/tokenstore\x00" + key))
	return int64(binary.BigEndian.Uint64(sum[:8]))
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
			return nil, &NoSuchBearerError{BearerType: bearerType, BearerID: bearerID, Err: err}
		}
		return nil, fmt.Errorf("tokenstore: get: client credentials for %s %q: %w", bearerType, bearerID, err)
	}
	t, err := s.fromResponse(tok, cc.Name, Bearer{Type: bearerType, ID: bearerID}, scopes, false)
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

// Cleanup deletes the rows created more than olderThan ago (0 means
// DefaultCleanupAge, 7 days) that have expired, and the refresh
// bookkeeping of the same age. It returns the number of token rows deleted.
func (s *Store) Cleanup(ctx context.Context, olderThan time.Duration) (int64, error) {
	if olderThan <= 0 {
		olderThan = DefaultCleanupAge
	}
	now := s.now()
	cut := now.Add(-olderThan).UnixMilli()
	res, err := s.db.ExecContext(ctx, s.q(`DELETE FROM tokenstore_tokens WHERE created_at < $1 AND expires_at <= $2`), cut, now.UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("tokenstore: cleanup: %w", err)
	}
	n, _ := res.RowsAffected()
	if _, err := s.db.ExecContext(ctx, s.q(`DELETE FROM tokenstore_successors WHERE created_at < $1`), cut); err != nil {
		return n, fmt.Errorf("tokenstore: cleanup: %w", err)
	}
	return n, nil
}

// RunCleanup runs Cleanup(ctx, olderThan) now and then every `every` (0
// means daily) until ctx ends; failures are logged and retried at the next
// run. Start it in its own goroutine.
func (s *Store) RunCleanup(ctx context.Context, every, olderThan time.Duration) {
	if every <= 0 {
		every = DefaultCleanupEvery
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := s.Cleanup(ctx, olderThan)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			s.log.WarnContext(ctx, "tokenstore: cleanup failed", "error", err.Error())
		} else {
			s.log.DebugContext(ctx, "tokenstore: cleanup", "deleted", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
