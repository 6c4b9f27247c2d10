// Package sqlite opens a tokenstore.Store on a SQLite file through
// modernc.org/sqlite (pure Go): the embedded default, for the processes of
// one machine. Importing it links that driver and no other.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/idsdk/idsdk-go/auth/tokenstore"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// Open opens (creating if needed) the token store in the SQLite database
// at path, a file path or a "file:" URI, and creates or migrates its
// schema. The database runs in WAL mode and waits up to 20 s for a lock
// another process holds; every transaction takes the write lock at once,
// which is what serializes refreshes across processes.
func Open(ctx context.Context, path string, opts tokenstore.Options) (*tokenstore.Store, error) {
	db, err := OpenDB(path)
	if err != nil {
		return nil, err
	}
	return tokenstore.New(ctx, db, tokenstore.SQLite, opts)
}

// OpenDB opens the database at path with the settings Open uses, without
// a store: for a second user of the same file (the shared token cache).
func OpenDB(path string) (*sql.DB, error) {
	if path == "" {
		return nil, errors.New("tokenstore/sqlite: empty path")
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
		return nil, fmt.Errorf("tokenstore/sqlite: open: %w", err)
	}
	return db, nil
}
