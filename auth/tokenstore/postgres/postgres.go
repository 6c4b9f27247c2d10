// Package postgres opens a tokenstore.Store on PostgreSQL through
// jackc/pgx/v5, for many replicas on many machines. Importing it links
// that driver and no other.
package postgres

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/idsdk/idsdk-go/auth/tokenstore"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

// Open connects to PostgreSQL with a pgx DSN
// (postgres://user:pass@host:port/db?sslmode=...) and creates or migrates
// the token store's schema. Refreshes are serialized across processes by
// row locks and advisory locks. The DSN is parsed when the first
// connection is made. Errors say what went wrong (a DSN that does not
// parse, a refused password: errors.As finds pgx's *pgconn.PgError) but
// never show the DSN or its password (see tokenstore.RedactDSN).
func Open(ctx context.Context, dsn string, opts tokenstore.Options) (*tokenstore.Store, error) {
	db, err := OpenDB(dsn)
	if err != nil {
		return nil, err
	}
	s, err := tokenstore.New(ctx, db, tokenstore.PostgreSQL, opts)
	if err != nil {
		return nil, tokenstore.RedactDSN(err, dsn)
	}
	return s, nil
}

// OpenDB opens the database of dsn without a store. Errors never show
// the DSN or its password; pgx reports a DSN that does not parse at the
// first connection.
func OpenDB(dsn string) (*sql.DB, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, tokenstore.RedactDSN(fmt.Errorf("tokenstore/postgres: open: %w", err), dsn)
	}
	return db, nil
}
