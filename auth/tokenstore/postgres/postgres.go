// Package postgres opens a tokenstore.Store on PostgreSQL through
// jackc/pgx/v5, for many replicas on many machines. Importing it links
// that driver and no other.
package postgres

import (
	"context"
	"database/sql"
	"errors"

	"github.com/idsdk/idsdk-go/auth/tokenstore"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

// Open connects to PostgreSQL with a pgx DSN
// (postgres://user:pass@host:port/db?sslmode=...) and creates or migrates
// the token store's schema. Refreshes are serialized across processes by
// row locks and advisory locks. Errors never quote the DSN.
func Open(ctx context.Context, dsn string, opts tokenstore.Options) (*tokenstore.Store, error) {
	db, err := OpenDB(dsn)
	if err != nil {
		return nil, err
	}
	return tokenstore.New(ctx, db, tokenstore.PostgreSQL, opts)
}

// OpenDB opens the database of dsn without a store. Errors never quote
// the DSN.
func OpenDB(dsn string) (*sql.DB, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		// pgx errors about a DSN may quote it, password included.
		return nil, errors.New("tokenstore/postgres: open: the DSN does not parse")
	}
	return db, nil
}
