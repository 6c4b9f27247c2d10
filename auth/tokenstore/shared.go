package tokenstore

// This file makes a Store the auth.SharedStore of a fleet: one encrypted
// row per credential, renewed under a cross-process lock.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth"
)

// DefaultLockTimeout is how long Update waits for another process's lock
// when Options.LockTimeout is zero.
const DefaultLockTimeout = 10 * time.Second

// sqliteBusyTimeout is the busy timeout the sqlite package opens with,
// restored on a connection after Update changed it.
const sqliteBusyTimeout = 20000

var _ auth.SharedStore = (*Store)(nil)

// sharedToken is the sealed form of a shared token.
type sharedToken struct {
	AccessToken  string `json:"a"`
	RefreshToken string `json:"r,omitempty"`
	TokenType    string `json:"t,omitempty"`
	Expiry       int64  `json:"e,omitempty"` // Unix milliseconds; 0: none
}

// Update implements auth.SharedStore: it takes the lock of key (a
// transaction-scoped advisory lock on PostgreSQL, the database write lock
// on SQLite), waiting at most Options.LockTimeout, reads and decrypts the
// token stored under key, calls fn, and stores what fn returned (sealed
// under the primary key) when it differs, before the lock is released.
// The lock belongs to the database session, so a process that dies while
// holding it releases it at once. When the lock is not obtained in time,
// fn runs without it. A stored token that no key of the keyring decrypts
// is treated as absent and overwritten.
//
// Use it through auth.SharedIn(store), never per request: the Cache calls
// it only when it has no token, around expiry and after an invalidation.
func (s *Store) Update(ctx context.Context, key string, fn func(ctx context.Context, stored *oauth2.Token) (*oauth2.Token, error)) (*oauth2.Token, error) {
	tx, release, err := s.lockShared(ctx, key)
	if err != nil {
		if !isLockTimeout(err) {
			return nil, err
		}
		s.log.WarnContext(ctx, "tokenstore: shared lock not obtained in time, renewing without it", "timeout", s.lockTimeout.String())
		return s.updateWith(ctx, s.db, key, fn)
	}
	defer release()
	tok, err := s.updateWith(ctx, tx, key, fn)
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("tokenstore: shared: commit: %w", err)
	}
	return tok, nil
}

// querier is what updateWith needs of a *sql.DB or *sql.Tx.
type querier interface {
	execer
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// updateWith reads key's token through q, calls fn and writes its answer.
func (s *Store) updateWith(ctx context.Context, q querier, key string, fn func(context.Context, *oauth2.Token) (*oauth2.Token, error)) (*oauth2.Token, error) {
	stored, err := s.readShared(ctx, q, key)
	if err != nil {
		return nil, err
	}
	tok, err := fn(ctx, stored)
	if err != nil || tok == nil {
		return tok, err
	}
	if stored != nil && tok.AccessToken == stored.AccessToken && tok.RefreshToken == stored.RefreshToken {
		return tok, nil
	}
	if err := s.writeShared(ctx, q, key, tok); err != nil {
		return nil, err
	}
	return tok, nil
}

// lockShared begins the transaction that holds key's lock. release ends
// it (rolling back what was not committed) and gives back the connection.
func (s *Store) lockShared(ctx context.Context, key string) (*sql.Tx, func(), error) {
	ms := s.lockTimeout.Milliseconds()
	if s.kind == kindPostgres {
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return nil, nil, fmt.Errorf("tokenstore: shared: begin: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `SELECT set_config('lock_timeout', $1, true)`, fmt.Sprintf("%dms", ms)); err != nil {
			_ = tx.Rollback()
			return nil, nil, fmt.Errorf("tokenstore: shared: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, advisoryKey("shared\x00"+key)); err != nil {
			_ = tx.Rollback()
			return nil, nil, fmt.Errorf("tokenstore: shared: lock: %w", err)
		}
		return tx, func() { _ = tx.Rollback() }, nil
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("tokenstore: shared: %w", err)
	}
	restore := func() {
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf("PRAGMA busy_timeout = %d", sqliteBusyTimeout))
		_ = conn.Close()
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", ms)); err != nil {
		restore()
		return nil, nil, fmt.Errorf("tokenstore: shared: %w", err)
	}
	tx, err := conn.BeginTx(ctx, nil) // BEGIN IMMEDIATE: the write lock
	if err != nil {
		restore()
		return nil, nil, fmt.Errorf("tokenstore: shared: lock: %w", err)
	}
	return tx, func() { _ = tx.Rollback(); restore() }, nil
}

// isLockTimeout reports whether err is a lock wait that timed out:
// PostgreSQL's lock_not_available (55P03) or SQLite's busy database.
func isLockTimeout(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "55P03") || strings.Contains(msg, "lock timeout") ||
		strings.Contains(msg, "database is locked") || strings.Contains(msg, "SQLITE_BUSY")
}

// readShared returns the token stored under key, or nil.
func (s *Store) readShared(ctx context.Context, q querier, key string) (*oauth2.Token, error) {
	var (
		keyID  string
		sealed []byte
	)
	err := q.QueryRowContext(ctx, s.q(`SELECT key_id, token FROM tokenstore_shared WHERE cred_key = $1`), key).Scan(&keyID, &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("tokenstore: shared: read: %w", err)
	}
	plain, err := s.keys.open(keyID, key, "shared_token", sealed)
	if err != nil {
		s.log.WarnContext(ctx, "tokenstore: shared token does not decrypt, renewing it", "key_id", keyID, "error", err.Error())
		return nil, nil
	}
	var st sharedToken
	if err := json.Unmarshal([]byte(plain), &st); err != nil {
		return nil, nil
	}
	tok := &oauth2.Token{AccessToken: st.AccessToken, RefreshToken: st.RefreshToken, TokenType: st.TokenType}
	if st.Expiry != 0 {
		tok.Expiry = time.UnixMilli(st.Expiry)
	}
	return tok, nil
}

// writeShared seals tok under the primary key and stores it under key.
func (s *Store) writeShared(ctx context.Context, ex execer, key string, tok *oauth2.Token) error {
	st := sharedToken{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, TokenType: tok.TokenType}
	exp := int64(0)
	if !tok.Expiry.IsZero() {
		st.Expiry = tok.Expiry.UnixMilli()
		exp = st.Expiry
	}
	plain, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("tokenstore: shared: %w", err)
	}
	sealed, err := s.keys.seal(key, "shared_token", string(plain))
	if err != nil {
		return err
	}
	_, err = ex.ExecContext(ctx, s.q(`INSERT INTO tokenstore_shared (cred_key, key_id, token, expires_at, updated_at) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (cred_key) DO UPDATE SET key_id = excluded.key_id, token = excluded.token, expires_at = excluded.expires_at, updated_at = excluded.updated_at`),
		key, s.keys.PrimaryID(), sealed, exp, s.now().UnixMilli())
	if err != nil {
		return fmt.Errorf("tokenstore: shared: write: %w", err)
	}
	return nil
}
