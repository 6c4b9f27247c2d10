// Package tokenstore keeps OAuth access tokens of users and organizations
// in a SQL database, encrypted at rest, and hands out a usable one on
// demand: a stored token still valid, a stored one refreshed, or a new one
// from the client credentials grant. It works with any OAuth 2.0 server;
// auth/zaikio configures it for the Zaikio Hub.
//
// This package names no SQL driver. Two backends share one interface and
// one schema, each in its own package so a program links only the driver
// it imports: tokenstore/sqlite (modernc.org/sqlite, pure Go, a file path;
// the default) for one machine, and tokenstore/postgres (jackc/pgx/v5, a
// DSN) for many replicas. The schema is created and migrated when the
// store is opened. Refreshes of a row are coordinated so that exactly one
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
	"database/sql"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/sync/singleflight"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/internal/redact"
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
	// Person and Organization are the two kinds of bearer a token is
	// issued for: a person (the default) or an organization, which has
	// its own default scopes (ClientConfig.OrganizationScopes).
	Person       = "Person"
	Organization = "Organization"
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
	// asks for on behalf of a bearer (zaikio.QualifyScope prefixes
	// "Org/<id>." or "Per/<id>."). Nil asks for the scope as given.
	QualifyScope func(bearerType, bearerID, scope string) string
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
	// LockTimeout bounds how long Update (the shared token of a fleet,
	// see auth.SharedIn) waits for the lock another process holds; 0
	// means DefaultLockTimeout.
	LockTimeout time.Duration
}

// Store is a token store over SQLite or PostgreSQL, opened by
// sqlite.Open or postgres.Open (or New). It is safe for
// concurrent use by many goroutines, and (with PostgreSQL, or SQLite on a
// local file) by many processes.
type Store struct {
	db      *sql.DB
	kind    string
	keys    *Keyring
	clients map[string]*ClientConfig
	first   string
	rtValid time.Duration
	// lockTimeout bounds the wait for a shared token's lock.
	lockTimeout time.Duration
	revoked     func(ctx context.Context, id string) bool
	log         *slog.Logger
	now         func() time.Time
	flight      singleflight.Group
	queries     map[string]string
	stmts       map[string]*sql.Stmt
	queryMu     sync.RWMutex
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

// GoString is String.
func (s *Store) GoString() string { return s.String() }

// Format prints String for every verb.
func (s *Store) Format(f fmt.State, verb rune) { redact.Format(f, verb, s.String()) }

// LogValue keeps key material out of slog output.
func (s *Store) LogValue() slog.Value { return redact.LogValue(s.String()) }

// MarshalJSON writes String.
func (s *Store) MarshalJSON() ([]byte, error) { return redact.JSON(s.String()) }

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
