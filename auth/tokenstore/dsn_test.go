package tokenstore_test

// Tests that connection errors keep what they say and their cause but
// never the DSN's password, against a real PostgreSQL.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/idsdk/idsdk-go/auth/tokenstore"
	"github.com/idsdk/idsdk-go/auth/tokenstore/postgres"
	"github.com/idsdk/idsdk-go/internal/peers"
)

// passwordRole creates a login role with password pw on the server of dsn
// and returns the DSN of dsn's database for that role and pw.
func passwordRole(t *testing.T, dsn, pw string) (roleDSN func(pw string) string) {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	role := "app_" + strings.TrimPrefix(u.Path, "/")
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, fmt.Sprintf("CREATE ROLE %s LOGIN PASSWORD '%s'", role, pw)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, fmt.Sprintf("GRANT ALL ON DATABASE %s TO %s; ALTER DATABASE %s OWNER TO %s",
		strings.TrimPrefix(u.Path, "/"), role, strings.TrimPrefix(u.Path, "/"), role)); err != nil {
		t.Fatal(err)
	}
	return func(pw string) string {
		v := *u
		v.User = url.UserPassword(role, pw)
		return v.String()
	}
}

// TestPostgresWrongPasswordSaysSo: a refused password gives an error that
// says so and that errors.As takes to pgx's *pgconn.PgError (SQLSTATE
// 28P01), and neither its text nor any error it unwraps to shows the
// password, as typed or URL-escaped; the right password opens the store.
func TestPostgresWrongPasswordSaysSo(t *testing.T) {
	const right = "right-pw-0123456789"
	const wrong = "wr0ng/p@ss:w%rd-SECRET"
	roleDSN := passwordRole(t, peers.Postgres(t), right)
	keys, err := tokenstore.NewKeyring(newKey(t, "k1"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	_, err = postgres.Open(ctx, roleDSN(wrong), tokenstore.Options{Keys: keys})
	if err == nil {
		t.Fatal("a wrong password was accepted")
	}
	t.Logf("wrong password: %v", err)
	if !strings.Contains(err.Error(), "password authentication failed") || !strings.Contains(err.Error(), "tokenstore") {
		t.Errorf("error does not say the password was refused: %v", err)
	}
	for e := range chain(err) {
		for _, s := range []string{wrong, url.QueryEscape(wrong), url.PathEscape(wrong), url.UserPassword("x", wrong).String()[2:]} {
			if strings.Contains(e.Error(), s) || strings.Contains(fmt.Sprintf("%+v %#v", e, e), s) {
				t.Errorf("%T shows the password: %v", e, e)
			}
		}
		var ce *pgconn.ConnectError
		if errors.As(e, &ce) && ce.Config.Password == wrong {
			t.Errorf("the password is reachable through %T", e)
		}
	}
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "28P01" {
		t.Errorf("errors.As *pgconn.PgError: %v (%T)", pe, err)
	}
	s, err := postgres.Open(ctx, roleDSN(right), tokenstore.Options{Keys: keys})
	if err != nil {
		t.Fatalf("the right password: %v", err)
	}
	_ = s.Close()
}

// TestPostgresDSNThatDoesNotParse: the error says why the DSN does not
// parse and never shows the password, in its text or through Unwrap
// (pgx's ParseConfigError keeps the whole DSN in a field).
func TestPostgresDSNThatDoesNotParse(t *testing.T) {
	const pw = "pw-SECRET-4567"
	keys, err := tokenstore.NewKeyring(newKey(t, "k1"))
	if err != nil {
		t.Fatal(err)
	}
	for name, tt := range map[string]struct{ dsn, says string }{
		"bad port":     {"postgres://app:" + pw + "@db:notaport/tokens", "port"},
		"bad option":   {"postgres://app:" + pw + "@127.0.0.1:1/tokens?connect_timeout=x", "connect_timeout"},
		"keyword form": {"host=127.0.0.1 port=x user=app password=" + pw, "port"},
	} {
		_, err := postgres.Open(context.Background(), tt.dsn, tokenstore.Options{Keys: keys})
		t.Logf("%s: %v", name, err)
		if err == nil || !strings.Contains(err.Error(), tt.says) {
			t.Errorf("%s: %v, want it to say %q", name, err, tt.says)
		}
		for e := range chain(err) {
			var pce *pgconn.ParseConfigError
			if strings.Contains(e.Error(), pw) || errors.As(e, &pce) && strings.Contains(pce.ConnString, pw) {
				t.Errorf("%s: %T shows the password: %v", name, e, e)
			}
		}
	}
}

// chain yields err and every error it wraps, depth first.
func chain(err error) func(func(error) bool) {
	return func(yield func(error) bool) {
		var walk func(e error) bool
		walk = func(e error) bool {
			if e == nil {
				return true
			}
			if !yield(e) {
				return false
			}
			switch u := e.(type) {
			case interface{ Unwrap() error }:
				return walk(u.Unwrap())
			case interface{ Unwrap() []error }:
				for _, c := range u.Unwrap() {
					if !walk(c) {
						return false
					}
				}
			}
			return true
		}
		walk(err)
	}
}
