package tokenstore_test

// Unit tests of the package's exported helpers: reading scopes and
// audiences of token responses, redacting connection errors, the keyring's
// primary key, and the settings of the drivers' OpenDB.

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth/tokenstore"
	"github.com/idsdk/idsdk-go/auth/tokenstore/postgres"
	"github.com/idsdk/idsdk-go/auth/tokenstore/sqlite"
)

func withExtra(m map[string]any) *oauth2.Token {
	return (&oauth2.Token{AccessToken: "t"}).WithExtra(m)
}

// TestScopesAndAudiencesOf reads Zaikio's comma-separated and RFC 6749's
// space-separated scopes, and "audiences" as an array or a string.
func TestScopesAndAudiencesOf(t *testing.T) {
	for _, tt := range []struct {
		name string
		tok  *oauth2.Token
		want []string
	}{
		{"comma", withExtra(map[string]any{"scope": "Org/1.directory.sites.r,Org/1.directory.organization.r"}), []string{"Org/1.directory.sites.r", "Org/1.directory.organization.r"}},
		{"space", withExtra(map[string]any{"scope": "openid profile  email"}), []string{"openid", "profile", "email"}},
		{"both", withExtra(map[string]any{"scope": "a, b ,c"}), []string{"a", "b", "c"}},
		{"tabs and newlines", withExtra(map[string]any{"scope": "a\tb\nc"}), []string{"a", "b", "c"}},
		{"empty", withExtra(map[string]any{"scope": " , "}), nil},
		{"not a string", withExtra(map[string]any{"scope": 7.0}), nil},
		{"absent", &oauth2.Token{AccessToken: "t"}, nil},
		{"nil token", nil, nil},
	} {
		if got := tokenstore.ScopesOf(tt.tok); !slices.Equal(got, tt.want) || (got == nil) != (tt.want == nil) {
			t.Errorf("ScopesOf %s: %q, want %q", tt.name, got, tt.want)
		}
	}
	for _, tt := range []struct {
		name string
		tok  *oauth2.Token
		want []string
	}{
		{"array", withExtra(map[string]any{"audiences": []any{"directory", "", 42.0, "procurement"}}), []string{"directory", "42", "procurement"}},
		{"string", withExtra(map[string]any{"audiences": "directory,procurement"}), []string{"directory", "procurement"}},
		{"string slice", withExtra(map[string]any{"audiences": []string{"directory", "", "procurement"}}), []string{"directory", "procurement"}},
		{"object", withExtra(map[string]any{"audiences": map[string]any{"a": "b"}}), nil},
		{"absent", &oauth2.Token{AccessToken: "t"}, nil},
		{"nil token", nil, nil},
	} {
		if got := tokenstore.AudiencesOf(tt.tok); !slices.Equal(got, tt.want) {
			t.Errorf("AudiencesOf %s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestRedactDSN scrubs the DSN and its password (as written, escaped or
// decoded) from an error's text, keeps an error without them as it is
// (errors.Is still reaches its cause), and unwraps a scrubbed one only to
// the causes that show no secret.
func TestRedactDSN(t *testing.T) {
	if tokenstore.RedactDSN(nil, "postgres://app:pw-SECRET-1@db/tokens") != nil {
		t.Fatal("nil error redacted to non-nil")
	}
	refused := &wrapped{msg: "dial tcp 127.0.0.1:5432: connection refused", err: syscall.ECONNREFUSED}
	if err := tokenstore.RedactDSN(refused, "postgres://app:pw-SECRET-1@db/tokens"); err != refused || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("a harmless error changed: %v", err)
	}
	for _, tt := range []struct{ dsn, text, secret string }{
		{"postgres://app:pw-SECRET-1@db:x/tokens", `parse "postgres://app:pw-SECRET-1@db:x/tokens": invalid port`, "pw-SECRET-1"},
		{"postgres://app:p%40ss-SECRET-2@db/tokens", `password "p@ss-SECRET-2" refused`, "p@ss-SECRET-2"},
		{"postgres://app:p%40ss-SECRET-2@db/tokens", `password "p%40ss-SECRET-2" refused`, "SECRET-2"},
		{"postgres://db/tokens?user=app&password=q-SECRET-3", `bad "q-SECRET-3"`, "q-SECRET-3"},
		{"host=db user=app password='k SECRET 4' dbname=x", `bad password "k SECRET 4"`, "SECRET 4"},
		{"host=db user=app password=k-SECRET-5", "cannot use host=db user=app password=k-SECRET-5", "k-SECRET-5"},
	} {
		inner := &wrapped{msg: "reset", err: syscall.ECONNRESET}
		err := tokenstore.RedactDSN(fmt.Errorf("connect: %w", &wrapped{msg: tt.text + ": reset", err: inner}), tt.dsn)
		if err == nil || strings.Contains(err.Error(), tt.secret) || !strings.HasPrefix(err.Error(), "connect: ") {
			t.Errorf("%q kept as %v", tt.text, err)
		}
		if !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("%q: the cause without a secret is lost: %v", tt.text, err)
		}
		var w *wrapped
		if errors.As(err, &w) && w != inner {
			t.Errorf("%q: the error with the secret is reachable", tt.text)
		}
	}
}

type wrapped struct {
	msg string
	err error
}

func (w *wrapped) Error() string { return w.msg }
func (w *wrapped) Unwrap() error { return w.err }

// TestPostgresErrorsNeverQuoteTheDSN: a DSN that does not parse and a
// server that cannot be reached give errors without the password (the
// DSN is parsed when the first connection is made, by Open).
func TestPostgresErrorsNeverQuoteTheDSN(t *testing.T) {
	const pw = "pw-SECRET-123"
	k, _ := tokenstore.GenerateKey("k1")
	keys, _ := tokenstore.NewKeyring(k)
	for name, dsn := range map[string]string{
		"does not parse": "postgres://app:" + pw + "@db:notaport/tokens",
		"bad option":     "postgres://app:" + pw + "@127.0.0.1:1/tokens?connect_timeout=x",
		"unreachable":    "postgres://app:" + pw + "@127.0.0.1:1/tokens?connect_timeout=5",
		"keyword form":   "host=127.0.0.1 port=1 user=app password=" + pw + " connect_timeout=5",
	} {
		_, err := postgres.Open(context.Background(), dsn, tokenstore.Options{Keys: keys})
		if err == nil || strings.Contains(err.Error(), pw) || !strings.Contains(err.Error(), "tokenstore") {
			t.Errorf("%s: %v", name, err)
		}
		if db, err := postgres.OpenDB(dsn); err != nil {
			if strings.Contains(err.Error(), pw) {
				t.Errorf("%s: OpenDB: %v", name, err)
			}
		} else {
			_ = db.Close()
		}
	}
}

// TestSQLiteOpenDBSettings: OpenDB opens the file in WAL mode with a 20 s
// busy timeout and synchronous=NORMAL, also when the path already has a
// query; an empty path is refused.
func TestSQLiteOpenDBSettings(t *testing.T) {
	if _, err := sqlite.OpenDB(""); err == nil {
		t.Fatal("empty path accepted")
	}
	dir := t.TempDir()
	for _, path := range []string{filepath.Join(dir, "a.db"), "file:" + filepath.Join(dir, "b.db") + "?mode=rwc"} {
		db, err := sqlite.OpenDB(path)
		if err != nil {
			t.Fatal(err)
		}
		var mode string
		var busy, sync int
		ctx := context.Background()
		if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil {
			t.Fatal(err)
		}
		_ = db.Close()
		if mode != "wal" || busy != 20000 || sync != 1 {
			t.Errorf("%s: journal_mode %s, busy_timeout %d, synchronous %d", path, mode, busy, sync)
		}
	}
}

// TestKeyringPrimaryID: new rows are sealed with the first key given, and
// the ids list it first.
func TestKeyringPrimaryID(t *testing.T) {
	k1, _ := tokenstore.GenerateKey("k1")
	k2, _ := tokenstore.GenerateKey("k2")
	r, err := tokenstore.NewKeyring(k2, k1)
	if err != nil {
		t.Fatal(err)
	}
	if r.PrimaryID() != "k2" || !slices.Equal(r.IDs(), []string{"k2", "k1"}) {
		t.Fatalf("primary %q, ids %v", r.PrimaryID(), r.IDs())
	}
}
