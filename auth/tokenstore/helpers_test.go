package tokenstore_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth"

	"github.com/idsdk/idsdk-go/auth/tokenstore"
	"github.com/idsdk/idsdk-go/auth/tokenstore/postgres"
	"github.com/idsdk/idsdk-go/auth/tokenstore/sqlite"
	"github.com/idsdk/idsdk-go/auth/zaikio"
	"github.com/idsdk/idsdk-go/internal/peers"
)

func TestMain(m *testing.M) { os.Exit(peers.PostgresMain(m)) }

const (
	clientID     = "app"
	clientSecret = "client-secret-0123456789abcdef"
)

// tokenServer is a Zaikio-like token endpoint (POST /oauth/access_token,
// HTTP Basic client authentication) that counts the grants it serves.
type tokenServer struct {
	*httptest.Server
	clientCredentials atomic.Int64
	refreshes         atomic.Int64
	// refreshDelay (a time.Duration) slows refreshes down so concurrent
	// callers overlap. Atomic: callers in other processes give the race
	// detector no edge between setting it and the handler reading it.
	refreshDelay atomic.Int64
	// grantDelay does the same for client credentials grants.
	grantDelay atomic.Int64
	// noBearer leaves "bearer" out of refresh responses.
	noBearer bool

	mu        sync.Mutex
	dead      map[string]bool   // refresh tokens answered with invalid_grant
	bearers   map[string]string // refresh token -> "Type/ID"
	lastScope string
	issued    []string // every access token handed out
	n         int
}

func newTokenServer(t testing.TB) *tokenServer {
	ts := &tokenServer{dead: map[string]bool{}, bearers: map[string]string{}}
	ts.Server = httptest.NewServer(http.HandlerFunc(ts.serve))
	t.Cleanup(ts.Close)
	return ts
}

func (ts *tokenServer) client() *tokenstore.OAuthClient {
	return hubClient(ts.URL, clientSecret)
}

// hubClient is a client of a Zaikio-like token server at base: HTTP Basic,
// scopes joined with commas.
func hubClient(base string, secret auth.Secret) *tokenstore.OAuthClient {
	return &tokenstore.OAuthClient{TokenURL: base + "/oauth/access_token", ClientID: clientID, ClientSecret: secret, ScopeSeparator: ","}
}

// openStore opens the store of dsn through its driver package: a
// postgres:// DSN through tokenstore/postgres, a path through
// tokenstore/sqlite.
func openStore(ctx context.Context, dsn string, opts tokenstore.Options) (*tokenstore.Store, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return postgres.Open(ctx, dsn, opts)
	}
	return sqlite.Open(ctx, dsn, opts)
}

func oauthError(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"error":%q,"error_description":"test server says %s"}`, code, code)
}

// jwtLike makes an unsigned token shaped like a JWT with a jti.
func jwtLike(jti string) string {
	enc := base64.RawURLEncoding
	h := enc.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
	p := enc.EncodeToString([]byte(fmt.Sprintf(`{"jti":%q,"iat":%d}`, jti, time.Now().Unix())))
	return h + "." + p + ".c2ln"
}

func (ts *tokenServer) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/oauth/access_token" {
		http.NotFound(w, r)
		return
	}
	if id, secret, ok := r.BasicAuth(); !ok || id != clientID || secret != clientSecret {
		oauthError(w, 401, "invalid_client")
		return
	}
	if err := r.ParseForm(); err != nil {
		oauthError(w, 400, "invalid_request")
		return
	}
	ts.mu.Lock()
	ts.n++
	n := ts.n
	ts.mu.Unlock()
	resp := map[string]any{"token_type": "bearer", "expires_in": 3600, "audiences": []string{clientID}}
	jti := fmt.Sprintf("jti-%d-%d", os.Getpid(), n)
	resp["access_token"] = jwtLike(jti)
	switch r.PostForm.Get("grant_type") {
	case "client_credentials":
		ts.clientCredentials.Add(1)
		time.Sleep(time.Duration(ts.grantDelay.Load()))
		scope := r.PostForm.Get("scope")
		ts.mu.Lock()
		ts.lastScope = scope
		ts.mu.Unlock()
		// "Per/<id>.x" or "Org/<id>.x": the bearer is in the scope.
		first, _, _ := strings.Cut(scope, ",")
		pfx, rest, _ := strings.Cut(first, "/")
		id, _, _ := strings.Cut(rest, ".")
		if id == "missing" {
			oauthError(w, 400, "bearer_does_not_exist")
			return
		}
		typ := "Person"
		if pfx == "Org" {
			typ = "Organization"
		}
		resp["scope"] = scope
		resp["bearer"] = map[string]any{"id": id, "type": typ}
	case "refresh_token":
		ts.refreshes.Add(1)
		time.Sleep(time.Duration(ts.refreshDelay.Load()))
		rt := r.PostForm.Get("refresh_token")
		ts.mu.Lock()
		dead := ts.dead[rt]
		bearer := ts.bearers[rt]
		ts.mu.Unlock()
		if dead || rt == "" {
			oauthError(w, 400, "invalid_grant")
			return
		}
		nrt := fmt.Sprintf("rt-%d-%d", os.Getpid(), n)
		ts.mu.Lock()
		ts.dead[rt] = true // rotation: the old refresh token dies
		ts.bearers[nrt] = bearer
		ts.mu.Unlock()
		resp["refresh_token"] = nrt
		resp["scope"] = "directory.person.r"
		if typ, id, ok := strings.Cut(bearer, "/"); ok && !ts.noBearer {
			resp["bearer"] = map[string]any{"id": id, "type": typ}
		}
	default:
		oauthError(w, 400, "unsupported_grant_type")
		return
	}
	ts.mu.Lock()
	ts.issued = append(ts.issued, resp["access_token"].(string))
	ts.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(resp)
}

// userToken makes a token as an authorization code exchange would return
// it, with a refresh token the server knows for bearer "Type/ID".
func (ts *tokenServer) userToken(jti, bearer string, expiry time.Time) *oauth2.Token {
	rt := "rt-initial-" + jti
	ts.mu.Lock()
	ts.bearers[rt] = bearer
	ts.mu.Unlock()
	typ, id, _ := strings.Cut(bearer, "/")
	tok := &oauth2.Token{AccessToken: jwtLike(jti), RefreshToken: rt, TokenType: "bearer", Expiry: expiry}
	return tok.WithExtra(map[string]any{
		"scope":  "directory.person.r",
		"bearer": map[string]any{"id": id, "type": typ},
	})
}

// clock is a settable clock for Options.Now.
type clock struct{ offset atomic.Int64 }

func (c *clock) now() time.Time        { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *clock) shift(d time.Duration) { c.offset.Store(int64(d)) }

func newKey(t testing.TB, id string) tokenstore.Key {
	k, err := tokenstore.GenerateKey(id)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// forEachBackend runs fn on a fresh SQLite file and a fresh PostgreSQL
// database.
func forEachBackend(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Run("sqlite", func(t *testing.T) {
		fn(t, filepath.Join(t.TempDir(), "tokens.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		fn(t, peers.Postgres(t))
	})
}

// env is what most tests use: a store over dsn with one client on ts.
type env struct {
	store *tokenstore.Store
	ts    *tokenServer
	keys  *tokenstore.Keyring
	clock *clock
}

func newEnv(t *testing.T, dsn string, ts *tokenServer, mod ...func(*tokenstore.Options)) *env {
	t.Helper()
	keys, err := tokenstore.NewKeyring(newKey(t, "k1"))
	if err != nil {
		t.Fatal(err)
	}
	if ts == nil {
		ts = newTokenServer(t)
	}
	c := &clock{}
	opts := tokenstore.Options{
		Keys: keys,
		Clients: []tokenstore.ClientConfig{{
			Name: clientID, Client: ts.client(), QualifyScope: zaikio.QualifyScope,
			Scopes:             []string{"directory.person.r"},
			OrganizationScopes: []string{"directory.organization.r"},
		}},
		Now: c.now,
	}
	for _, m := range mod {
		m(&opts)
	}
	s, err := openStore(context.Background(), dsn, opts)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return &env{store: s, ts: ts, keys: keys, clock: c}
}

// rawRows reads every column of every row as bytes.
func rawRows(t *testing.T, s *tokenstore.Store) [][]byte {
	t.Helper()
	rows, err := s.DB().Query(`SELECT id, bearer_type, bearer_id, audience, token_type, key_id, token, refresh_token, expires_at, scopes, requested_scopes, created_at, updated_at FROM tokenstore_tokens`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out [][]byte
	for rows.Next() {
		vals := make([]any, 13)
		ptrs := make([]any, 13)
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var b []byte
		for _, v := range vals {
			switch x := v.(type) {
			case []byte:
				b = append(b, x...)
			default:
				b = append(b, fmt.Sprint(x)...)
			}
			b = append(b, '|')
		}
		out = append(out, b)
	}
	return out
}
