package tokenstore

// This file holds what differs between the SQL dialects: placeholders and locks.

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"strings"
)

// Dialect is the SQL dialect of a Store's database.
type Dialect string

// The dialects a Store speaks.
const (
	// SQLite: ?N placeholders; the write lock (BEGIN IMMEDIATE) serializes
	// the refreshes and fetches of every process on the file.
	SQLite Dialect = "sqlite"
	// PostgreSQL: $N placeholders; row locks (SELECT ... FOR UPDATE) and
	// transaction-scoped advisory locks serialize refreshes and fetches.
	PostgreSQL Dialect = "postgres"
)

const (
	kindSQLite   = string(SQLite)
	kindPostgres = string(PostgreSQL)
)

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

// advisoryKey is the PostgreSQL advisory lock number of a fetch key.
func advisoryKey(key string) int64 {
	sum := sha256.Sum256([]byte("idsdk-go/tokenstore\x00" + key))
	return int64(binary.BigEndian.Uint64(sum[:8]))
}
