package tokenstore

// This file opens a Store over a database a driver package connected.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// New opens a store over db, a database the driver package of dialect
// connected (tokenstore/sqlite or tokenstore/postgres, which most programs
// call instead). The schema is created or migrated before New returns. On
// an error db is closed.
func New(ctx context.Context, db *sql.DB, dialect Dialect, opts Options) (*Store, error) {
	if dialect != SQLite && dialect != PostgreSQL {
		_ = db.Close()
		return nil, fmt.Errorf("tokenstore: unknown dialect %q", string(dialect))
	}
	return newStore(ctx, db, string(dialect), opts)
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
			c.QualifyScope = unqualified
		}
		s.clients[c.Name] = &c
		if s.first == "" {
			s.first = c.Name
		}
	}
	if s.lockTimeout = opts.LockTimeout; s.lockTimeout <= 0 {
		s.lockTimeout = DefaultLockTimeout
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
		return fail(fmt.Errorf("tokenstore: connect %s: %w", kind, RedactDSN(err)))
	}
	if err := s.migrate(ctx); err != nil {
		return fail(err)
	}
	return s, nil
}

// unqualified is the default ClientConfig.QualifyScope: the scope as given.
func unqualified(_, _, scope string) string { return scope }

// RedactDSN keeps connection errors but drops any text that could hold a
// password: an error that quotes a URL ("://") or mentions a password
// (a DSN that does not parse, but also a refused password) is replaced
// by a fixed message. New applies it to the error of the first
// connection, where a driver reports a DSN it cannot use.
func RedactDSN(err error) error {
	if err == nil {
		return nil
	}
	if strings.Contains(err.Error(), "://") || strings.Contains(err.Error(), "password") {
		return errors.New("cannot connect (details withheld: they may contain the DSN)")
	}
	return err
}
