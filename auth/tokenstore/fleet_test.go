package tokenstore_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/auth/tokenstore"
	"github.com/idsdk/idsdk-go/internal/peers"
)

// Environment of the fleet member processes.
const (
	envFleet      = "IDSDK_FLEET_MEMBER" // "cc" or "rotate"
	envFleetDSN   = "IDSDK_FLEET_DSN"
	envFleetURL   = "IDSDK_FLEET_URL"
	envFleetKey   = "IDSDK_FLEET_KEY"
	envFleetStart = "IDSDK_FLEET_START"
	envFleetWant  = "IDSDK_FLEET_WANT"   // distinct tokens to see before stopping
	envFleetSeed  = "IDSDK_FLEET_SECRET" // client secret
)

const (
	fleetGoroutines = 50
	fleetLockWait   = 5 * time.Second
	// fleetDeadline bounds a member process however the test goes.
	fleetDeadline = 90 * time.Second
)

// fleetResult is what a member process prints as its last line.
type fleetResult struct {
	Tokens    map[string]int   `json:"tokens"` // access token -> calls that got it
	FirstSeen map[string]int64 `json:"first"`  // access token -> Unix ms it was first seen
	Errors    []string         `json:"errors"`
	// Slow counts calls begun after the member's first token that took over
	// 100 ms: callers that waited for a renewal instead of getting the
	// still-valid token.
	Slow int `json:"slow"`
}

// pidTransport names the process in every token request, so the token
// server knows whom to kill.
type pidTransport struct{}

func (pidTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Fleet-Pid", strconv.Itoa(os.Getpid()))
	return http.DefaultTransport.RoundTrip(r)
}

// TestFleetMember is not a test: it is the body of one process of a fleet
// started by the TestFleet tests. fleetGoroutines goroutines ask one
// auth.Cache, shared through the store, for a token (about once a
// millisecond each) until the process has seen IDSDK_FLEET_WANT distinct
// tokens or fleetDeadline passed.
func TestFleetMember(t *testing.T) {
	mode := os.Getenv(envFleet)
	if mode == "" {
		t.Skip("member process of the TestFleet tests")
	}
	ctx, cancel := context.WithTimeout(context.Background(), fleetDeadline)
	defer cancel()
	secret, _ := base64.StdEncoding.DecodeString(os.Getenv(envFleetKey))
	keys, err := tokenstore.NewKeyring(tokenstore.Key{ID: "k1", Secret: secret})
	if err != nil {
		t.Fatal(err)
	}
	s, err := openStore(ctx, os.Getenv(envFleetDSN), tokenstore.Options{Keys: keys, LockTimeout: fleetLockWait})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	hc := &http.Client{Transport: pidTransport{}, Timeout: 60 * time.Second}
	var src oauth2.TokenSource = &auth.ClientCredentials{ClientAuth: auth.ClientAuth{TokenURL: os.Getenv(envFleetURL), ClientID: "fleet-app", ClientSecret: auth.Secret(os.Getenv(envFleetSeed)), HTTPClient: hc},
		Scopes: []string{"read"}}
	if mode == "rotate" {
		src = auth.NewRefreshSource(auth.RefreshConfig{ClientAuth: auth.ClientAuth{TokenURL: os.Getenv(envFleetURL), ClientID: "fleet-app", ClientSecret: auth.Secret(os.Getenv(envFleetSeed)), HTTPClient: hc},
			User: "alice"}, nil)
	}
	cache := auth.NewCache(src, auth.SharedIn(s))
	want, _ := strconv.Atoi(os.Getenv(envFleetWant))
	start, _ := strconv.ParseInt(os.Getenv(envFleetStart), 10, 64)
	time.Sleep(time.Until(time.UnixMilli(start)))

	res := fleetResult{Tokens: map[string]int{}, FirstSeen: map[string]int64{}}
	var mu sync.Mutex
	var done, haveToken atomic.Bool
	var wg sync.WaitGroup
	for range fleetGoroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !done.Load() && ctx.Err() == nil {
				began, warm := time.Now(), haveToken.Load()
				tok, err := cache.TokenContext(ctx)
				took := time.Since(began)
				mu.Lock()
				if warm && took > 100*time.Millisecond {
					res.Slow++
				}
				if err != nil {
					if len(res.Errors) < 20 {
						res.Errors = append(res.Errors, err.Error())
					}
				} else {
					if _, seen := res.FirstSeen[tok.AccessToken]; !seen {
						res.FirstSeen[tok.AccessToken] = time.Now().UnixMilli()
					}
					res.Tokens[tok.AccessToken]++
					haveToken.Store(true)
					if len(res.Tokens) >= want {
						done.Store(true)
					}
				}
				mu.Unlock()
				time.Sleep(time.Millisecond)
			}
		}()
	}
	wg.Wait()
	b, _ := json.Marshal(res)
	fmt.Printf("\nRESULT %s\n", b)
}

// fleet starts n member processes in mode on dsn and the token endpoint
// url. Each member's goroutines start at the same moment.
type fleet struct {
	cmds []*exec.Cmd
	outs []strings.Builder
	errs []error
	wg   sync.WaitGroup
}

func startFleet(t *testing.T, n int, mode, dsn, url, secret string, key []byte, want int) *fleet {
	t.Helper()
	f := &fleet{cmds: make([]*exec.Cmd, n), outs: make([]strings.Builder, n), errs: make([]error, n)}
	start := time.Now().Add(4 * time.Second).UnixMilli()
	for p := range n {
		cmd := exec.Command(os.Args[0], "-test.run=^TestFleetMember$", "-test.count=1", "-test.timeout=2m")
		cmd.Env = append(os.Environ(), envFleet+"="+mode, envFleetDSN+"="+dsn, envFleetURL+"="+url, envFleetSeed+"="+secret,
			envFleetKey+"="+base64.StdEncoding.EncodeToString(key), envFleetStart+"="+strconv.FormatInt(start, 10),
			envFleetWant+"="+strconv.Itoa(want))
		cmd.Stdout, cmd.Stderr = &f.outs[p], &f.outs[p]
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		f.cmds[p] = cmd
		f.wg.Add(1)
		go func() { defer f.wg.Done(); f.errs[p] = cmd.Wait() }()
	}
	t.Cleanup(func() {
		for _, c := range f.cmds {
			_ = c.Process.Kill()
		}
		f.wg.Wait()
	})
	return f
}

// results waits for the members and reads their results; the member
// whose pid is killed is skipped.
func (f *fleet) results(t *testing.T, killed int) []fleetResult {
	t.Helper()
	f.wg.Wait()
	var out []fleetResult
	for p, cmd := range f.cmds {
		if cmd.Process.Pid == killed {
			continue
		}
		text := f.outs[p].String()
		if f.errs[p] != nil {
			t.Fatalf("member %d: %v\n%s", p, f.errs[p], text)
		}
		_, line, ok := strings.Cut(text, "\nRESULT ")
		if !ok {
			t.Fatalf("member %d printed no result:\n%s", p, text)
		}
		line, _, _ = strings.Cut(line, "\n")
		var res fleetResult
		if err := json.Unmarshal([]byte(line), &res); err != nil {
			t.Fatalf("member %d: %v", p, err)
		}
		if len(res.Errors) > 0 {
			t.Fatalf("member %d: %d calls failed, first: %s", p, len(res.Errors), res.Errors[0])
		}
		out = append(out, res)
	}
	return out
}

// ccServer is a client credentials token endpoint that counts the
// requests it receives and the tokens it hands out; hang, when set, may
// hold a request until its client goes away (the token is then not
// handed out).
type ccServer struct {
	*httptest.Server
	secret   string
	lifetime int // expires_in, seconds
	received atomic.Int64
	issued   atomic.Int64
	hang     func(n int64, pid string) bool

	mu     sync.Mutex
	tokens []string
}

func newCCServer(t *testing.T, lifetime int) *ccServer {
	s := &ccServer{secret: "fleet-secret-0123456789", lifetime: lifetime}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := s.received.Add(1)
		if id, sec, ok := r.BasicAuth(); !ok || id != "fleet-app" || sec != s.secret {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if s.hang != nil && s.hang(n, r.Header.Get("X-Fleet-Pid")) {
			// With the body read, the server notices the client going
			// away and ends the request's context.
			_, _ = io.Copy(io.Discard, r.Body)
			select {
			case <-r.Context().Done():
			case <-time.After(30 * time.Second):
			}
			return
		}
		tok := fmt.Sprintf("fleet-at-%d-%d", n, time.Now().UnixNano())
		s.mu.Lock()
		s.tokens = append(s.tokens, tok)
		s.mu.Unlock()
		s.issued.Add(1)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"access_token":%q,"token_type":"Bearer","expires_in":%d}`, tok, s.lifetime)
	}))
	t.Cleanup(s.Close)
	return s
}

// TestFleetClientCredentialsOneRequestPerExpiry: 8 processes x 50
// goroutines share one client credentials token through the store, for
// three token lifetimes: the token server hands out exactly 3 tokens, and
// the stored rows hold none of them in clear.
func TestFleetClientCredentialsOneRequestPerExpiry(t *testing.T) {
	if os.Getenv(envFleet) != "" {
		t.Skip("inside a member process")
	}
	forEachBackend(t, func(t *testing.T, dsn string) {
		srv := newCCServer(t, 3)
		key := newKey(t, "k1")
		s := openShared(t, dsn, key)
		f := startFleet(t, 8, "cc", dsn, srv.URL, srv.secret, key.Secret, 3)
		res := f.results(t, 0)
		calls, slow, distinct := 0, 0, map[string]bool{}
		for _, r := range res {
			slow += r.Slow
			for tok, n := range r.Tokens {
				calls += n
				distinct[tok] = true
			}
		}
		t.Logf("%s: 8 processes x %d goroutines, 3 lifetimes: %d token requests, %d tokens handed out, %d calls (%d begun after the first token took over 100 ms), %d distinct tokens",
			t.Name(), fleetGoroutines, srv.received.Load(), srv.issued.Load(), calls, slow, len(distinct))
		if srv.received.Load() != 3 || srv.issued.Load() != 3 || len(distinct) != 3 {
			t.Fatalf("want exactly 3 token requests for 3 lifetimes; got %d requests, %d distinct tokens", srv.received.Load(), len(distinct))
		}
		assertNoTokenInClear(t, s, srv.tokens)
	})
}

// TestFleetLockHolderKilled: the process that holds the lock and waits
// for the token server is killed (SIGKILL) mid-refresh. The others get
// the next token within the lock timeout, and each lifetime still gets one
// token: the killed holder's request is never answered.
func TestFleetLockHolderKilled(t *testing.T) {
	if os.Getenv(envFleet) != "" {
		t.Skip("inside a member process")
	}
	forEachBackend(t, func(t *testing.T, dsn string) {
		srv := newCCServer(t, 4)
		victim := make(chan int, 1)
		srv.hang = func(n int64, pid string) bool {
			if n != 2 {
				return false
			}
			p, _ := strconv.Atoi(pid)
			victim <- p
			return true
		}
		key := newKey(t, "k1")
		openShared(t, dsn, key)
		f := startFleet(t, 4, "cc", dsn, srv.URL, srv.secret, key.Secret, 2)
		var pid int
		select {
		case pid = <-victim:
		case <-time.After(60 * time.Second):
			t.Fatal("no second token request within 60 s")
		}
		killedAt := time.Now()
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		res := f.results(t, pid)
		var latest int64
		for _, r := range res {
			for tok, at := range r.FirstSeen {
				if strings.HasPrefix(tok, "fleet-at-3-") && at > latest {
					latest = at
				}
			}
		}
		wait := time.UnixMilli(latest).Sub(killedAt)
		t.Logf("%s: holder killed mid-refresh: %d survivors got the next token %v after the kill (lock timeout %v); %d requests, %d tokens handed out",
			t.Name(), len(res), wait.Round(time.Millisecond), fleetLockWait, srv.received.Load(), srv.issued.Load())
		if len(res) != 3 || latest == 0 {
			t.Fatalf("want 3 survivors with the third request's token; got %d survivors", len(res))
		}
		if wait > fleetLockWait {
			t.Fatalf("survivors waited %v after the kill, more than the lock timeout %v", wait, fleetLockWait)
		}
		if srv.issued.Load() != 2 || srv.received.Load() != 3 {
			t.Fatalf("want 2 tokens handed out (one per lifetime) and 3 requests (one abandoned by the killed holder); got %d and %d",
				srv.issued.Load(), srv.received.Load())
		}
	})
}

// TestFleetRotatingRefreshToken: 4 processes share one user's rotating
// refresh token (node-oidc-provider, rotation on, 3 s access tokens)
// through 5 refreshes: no caller ever gets an error (invalid_grant
// included), and the provider sees exactly one refresh per lifetime.
func TestFleetRotatingRefreshToken(t *testing.T) {
	if os.Getenv(envFleet) != "" {
		t.Skip("inside a member process")
	}
	const secret = "fleet-secret-0123456789"
	const redirect = "https://client.example/cb"
	p := peers.OIDC(t, peers.OIDCConfig{
		TTL: map[string]int{"AccessToken": 3, "RefreshToken": 3600},
		Clients: []map[string]any{{
			"client_id": "fleet-app", "client_secret": secret,
			"token_endpoint_auth_method": "client_secret_basic",
			"grant_types":                []string{"authorization_code", "refresh_token"},
			"redirect_uris":              []string{redirect},
			"response_types":             []string{"code"},
		}},
	})
	forEachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		conf := &oauth2.Config{ClientID: "fleet-app", ClientSecret: secret, RedirectURL: redirect, Scopes: []string{"openid", "offline_access"},
			Endpoint: oauth2.Endpoint{AuthURL: p.AuthURL, TokenURL: p.TokenURL, AuthStyle: oauth2.AuthStyleInHeader}}
		user := p.Login(t, conf, "alice")
		if user.RefreshToken == "" {
			t.Fatal("no refresh token from the provider")
		}
		key := newKey(t, "k1")
		s := openShared(t, dsn, key)
		// The signed-in user's token becomes the fleet's: one refresh
		// through a Cache stores it.
		seed := auth.NewRefreshSource(auth.RefreshConfig{ClientAuth: auth.ClientAuth{TokenURL: p.TokenURL, ClientID: "fleet-app", ClientSecret: secret}, User: "alice"}, user)
		if _, err := auth.NewCache(seed, auth.SharedIn(s)).TokenContext(ctx); err != nil {
			t.Fatal(err)
		}
		p.ResetStats(t)
		// The members start when the stored token has expired: their
		// first token is the first refresh's, the fifth the fifth's.
		f := startFleet(t, 4, "rotate", dsn, p.TokenURL, secret, key.Secret, 5)
		res := f.results(t, 0)
		st := p.Stats(t)
		t.Logf("%s: 4 processes x %d goroutines, 5 refreshes: provider refresh successes %d, errors %v", t.Name(), fleetGoroutines,
			st.Success["refresh_token"], st.Error)
		if st.Success["refresh_token"] != 5 || st.Error["refresh_token"] != 0 || len(res) != 4 {
			t.Fatalf("want 5 refreshes and no refused one; got %d refreshes, errors %v", st.Success["refresh_token"], st.Error)
		}
	})
}

// openShared opens the store the fleet shares, created before the members
// start.
func openShared(t *testing.T, dsn string, key tokenstore.Key) *tokenstore.Store {
	t.Helper()
	ring, err := tokenstore.NewKeyring(key)
	if err != nil {
		t.Fatal(err)
	}
	s, err := openStore(context.Background(), dsn, tokenstore.Options{Keys: ring, LockTimeout: fleetLockWait})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// assertNoTokenInClear reads every shared row as bytes and looks for the
// tokens.
func assertNoTokenInClear(t *testing.T, s *tokenstore.Store, tokens []string) {
	t.Helper()
	rows, err := s.DB().Query(`SELECT cred_key, key_id, token, expires_at, updated_at FROM tokenstore_shared`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var k, id string
		var sealed []byte
		var exp, upd int64
		if err := rows.Scan(&k, &id, &sealed, &exp, &upd); err != nil {
			t.Fatal(err)
		}
		raw := k + "|" + id + "|" + string(sealed)
		for _, tok := range tokens {
			if strings.Contains(raw, tok) {
				t.Fatalf("a shared row holds a token in clear")
			}
		}
		if strings.Contains(raw, "fleet-app") {
			t.Fatalf("a shared row names the client in clear")
		}
		n++
	}
	if n != 1 {
		t.Fatalf("want 1 shared row, got %d", n)
	}
}

// TestFleetKeyRotationAndCleanup: a process whose keyring has a new
// primary key and the old one reads the token stored under the old key
// (no request) and stores the next one under the new key; a process that
// has only the old key treats that row as absent and renews it instead of
// failing; Cleanup removes shared rows that expired long ago.
func TestFleetKeyRotationAndCleanup(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		srv := newCCServer(t, 3600)
		k1, k2 := newKey(t, "k1"), newKey(t, "k2")
		cc := &auth.ClientCredentials{ClientAuth: auth.ClientAuth{TokenURL: srv.URL, ClientID: "fleet-app", ClientSecret: auth.Secret(srv.secret)}, Scopes: []string{"read"}}
		s1 := openShared(t, dsn, k1)
		t1, err := auth.NewCache(cc, auth.SharedIn(s1)).TokenContext(ctx)
		if err != nil {
			t.Fatal(err)
		}
		ring2, _ := tokenstore.NewKeyring(k2, k1)
		s2, err := openStore(ctx, dsn, tokenstore.Options{Keys: ring2})
		if err != nil {
			t.Fatal(err)
		}
		defer s2.Close()
		c2 := auth.NewCache(cc, auth.SharedIn(s2))
		if got, err := c2.TokenContext(ctx); err != nil || got.AccessToken != t1.AccessToken || srv.received.Load() != 1 {
			t.Fatalf("rotated keyring: want the stored token without a request; err %v, requests %d", err, srv.received.Load())
		}
		c2.Invalidate(t1)
		t2, err := c2.TokenContext(ctx)
		if err != nil || t2.AccessToken == t1.AccessToken {
			t.Fatalf("after Invalidate: %v", err)
		}
		var keyID string
		if err := s2.DB().QueryRow(`SELECT key_id FROM tokenstore_shared`).Scan(&keyID); err != nil || keyID != "k2" {
			t.Fatalf("the renewed row's key id is %q (%v), want k2", keyID, err)
		}
		// A process still on the old keyring renews rather than fails.
		if t3, err := auth.NewCache(cc, auth.SharedIn(s1)).TokenContext(ctx); err != nil || t3.AccessToken == t2.AccessToken {
			t.Fatalf("old keyring: %v", err)
		}
		later := func() time.Time { return time.Now().Add(8 * 24 * time.Hour) }
		ring1, _ := tokenstore.NewKeyring(k1)
		s3, err := openStore(ctx, dsn, tokenstore.Options{Keys: ring1, Now: later})
		if err != nil {
			t.Fatal(err)
		}
		defer s3.Close()
		if _, err := s3.Cleanup(ctx, 0); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := s3.DB().QueryRow(`SELECT COUNT(*) FROM tokenstore_shared`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("after Cleanup %d shared rows remain (%v)", n, err)
		}
	})
}

// BenchmarkFleetCacheHit compares a cache hit with and without a shared
// store: the store is never consulted on a hit, so the two cost the same.
func BenchmarkFleetCacheHit(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"access_token":"bench-token","token_type":"Bearer","expires_in":3600}`)
	}))
	defer srv.Close()
	cc := &auth.ClientCredentials{ClientAuth: auth.ClientAuth{TokenURL: srv.URL, ClientID: "fleet-app", ClientSecret: "s"}}
	keys, _ := tokenstore.NewKeyring(newKey(b, "k1"))
	s, err := openStore(context.Background(), b.TempDir()+"/bench.db", tokenstore.Options{Keys: keys})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for _, bc := range []struct {
		name string
		opts []auth.CacheOption
	}{{"memory", nil}, {"shared", []auth.CacheOption{auth.SharedIn(s)}}} {
		b.Run(bc.name, func(b *testing.B) {
			c := auth.NewCache(cc, bc.opts...)
			ctx := context.Background()
			if _, err := c.TokenContext(ctx); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := c.TokenContext(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestFleetLockTimeoutGoesOn: while another process holds a credential's
// lock (a hung holder), Update waits Options.LockTimeout and then renews
// without the lock instead of blocking its callers.
func TestFleetLockTimeoutGoesOn(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		key := newKey(t, "k1")
		holder := openShared(t, dsn, key)
		ring, _ := tokenstore.NewKeyring(key)
		const wait = 300 * time.Millisecond
		other, err := openStore(ctx, dsn, tokenstore.Options{Keys: ring, LockTimeout: wait})
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		locked, release := make(chan struct{}), make(chan struct{})
		held := make(chan error, 1)
		go func() {
			_, err := holder.Update(ctx, "cred", func(ctx context.Context, _ *oauth2.Token) (*oauth2.Token, error) {
				close(locked)
				<-release
				return nil, nil
			})
			held <- err
		}()
		<-locked
		start := time.Now()
		var calledAfter time.Duration
		tok, err := other.Update(ctx, "cred", func(ctx context.Context, _ *oauth2.Token) (*oauth2.Token, error) {
			calledAfter = time.Since(start)
			close(release) // the hung holder goes away; the write can land
			return &oauth2.Token{AccessToken: "renewed", Expiry: time.Now().Add(time.Hour)}, nil
		})
		if err != nil || tok.AccessToken != "renewed" {
			t.Fatalf("Update past a held lock: %v", err)
		}
		if calledAfter < wait || calledAfter > wait+10*time.Second {
			t.Fatalf("fn ran %v after the call, want about the lock timeout %v", calledAfter, wait)
		}
		if err := <-held; err != nil {
			t.Fatal(err)
		}
	})
}
