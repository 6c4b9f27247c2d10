package tokenstore

// This file opens a Store over a database a driver package connected.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/idsdk/idsdk-go/internal/redact"
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
		return fail(fmt.Errorf("tokenstore: connect %s: %w", kind, err))
	}
	if err := s.migrate(ctx); err != nil {
		return fail(err)
	}
	return s, nil
}

// unqualified is the default ClientConfig.QualifyScope: the scope as given.
func unqualified(_, _, scope string) string { return scope }

// RedactDSN removes dsn's secrets from err, an error of a connection made
// with dsn: the whole DSN and its password (in the user information of a
// URL, as a password or sslpassword query value, or as a keyword value),
// as written and URL-decoded, in the spellings internal scrubbing knows
// (raw, URL-escaped, JSON-escaped; passwords shorter than 8 characters
// cannot be told from other words and stay). When no error in err's chain
// holds a secret, in its text or in an exported field (pgx keeps the DSN
// or its parsed configuration in some), err is returned as it is.
// Otherwise the result has err's text, scrubbed, and unwraps to the
// outermost errors of the chain that hold none, so that errors.Is and
// errors.As still find, say, a *pgconn.PgError or a syscall error, while
// no error reachable through Unwrap shows the password. postgres.Open
// applies it to every error; call it when you open a store with New over
// a database you connected yourself.
func RedactDSN(err error, dsn string) error {
	if err == nil {
		return nil
	}
	secrets := dsnSecrets(dsn)
	if !chainHolds(err, secrets) {
		return err
	}
	return &dsnError{msg: redact.Scrub(err.Error(), secrets...), causes: safeCauses(err, secrets)}
}

// dsnError is an error whose text had a secret of a DSN scrubbed; it
// unwraps only to the errors of the original chain that hold no secret.
type dsnError struct {
	msg    string
	causes []error
}

func (e *dsnError) Error() string   { return e.msg }
func (e *dsnError) Unwrap() []error { return e.causes }

// wrapped returns the errors e wraps.
func wrapped(e error) []error {
	switch u := e.(type) {
	case interface{ Unwrap() error }:
		if c := u.Unwrap(); c != nil {
			return []error{c}
		}
	case interface{ Unwrap() []error }:
		return u.Unwrap()
	}
	return nil
}

// chainHolds reports whether e or an error it wraps holds a secret.
func chainHolds(e error, secrets []string) bool {
	if e == nil {
		return false
	}
	if redact.Holds(e, secrets...) {
		return true
	}
	return slices.ContainsFunc(wrapped(e), func(c error) bool { return chainHolds(c, secrets) })
}

// safeCauses returns the outermost errors of e's chain that hold no
// secret, nor do the errors they wrap.
func safeCauses(e error, secrets []string) []error {
	if !chainHolds(e, secrets) {
		return []error{e}
	}
	var out []error
	for _, c := range wrapped(e) {
		out = append(out, safeCauses(c, secrets)...)
	}
	return out
}

// dsnSecrets returns the DSN and its passwords, as written and decoded.
// It reads a DSN that does not parse too: that is when a driver quotes it.
func dsnSecrets(dsn string) []string {
	out := []string{dsn}
	add := func(raw string) {
		out = append(out, raw)
		if dec, err := url.PathUnescape(raw); err == nil && dec != raw {
			out = append(out, dec)
		}
	}
	if _, rest, ok := strings.Cut(dsn, "://"); ok {
		if at := strings.LastIndex(rest, "@"); at >= 0 {
			if _, pw, ok := strings.Cut(rest[:at], ":"); ok {
				add(pw)
			}
		}
		if _, query, ok := strings.Cut(rest, "?"); ok {
			for _, kv := range strings.Split(query, "&") {
				if k, v, _ := strings.Cut(kv, "="); k == "password" || k == "sslpassword" {
					add(v)
				}
			}
		}
		return out
	}
	for _, m := range keywordPassword.FindAllStringSubmatch(dsn, -1) {
		out = append(out, strings.Trim(m[1], "'"))
	}
	return out
}

// keywordPassword finds the password values of a keyword/value DSN
// ("host=db password='a b' sslpassword=c").
var keywordPassword = regexp.MustCompile(`(?:^|\s)(?:ssl)?password\s*=\s*('(?:[^'\\]|\\.)*'|\S+)`)
