package facade_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/gen/nexaasid"
	"github.com/idsdk/idsdk-go/retry"
)

// countingSource counts how often the transport asks for a token.
type countingSource struct {
	src oauth2.TokenSource
	n   atomic.Int32
}

func (c *countingSource) Token() (*oauth2.Token, error) {
	return c.TokenContext(context.Background())
}

func (c *countingSource) TokenContext(ctx context.Context) (*oauth2.Token, error) {
	c.n.Add(1)
	return auth.TokenContext(ctx, c.src)
}

// A token that cannot be had ends the call at once: one token request, no
// retry of the attempt, nothing sent to the API, and the token error still
// reaches the caller.
func TestTokenFailureIsNotRetried(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
		is     error
	}{
		{"refused credentials", http.StatusUnauthorized, `{"error":"invalid_client"}`, auth.ErrInvalidCredentials},
		{"token endpoint down", http.StatusServiceUnavailable, `{"error":"temporarily_unavailable"}`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var tokenHits, apiHits atomic.Int32
			tokens := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				tokenHits.Add(1)
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tc.status)
				io.WriteString(w, tc.body)
			}))
			defer tokens.Close()
			api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { apiHits.Add(1) }))
			defer api.Close()
			src := &countingSource{src: auth.NewCache(&auth.ClientCredentials{
				ClientAuth: auth.ClientAuth{TokenURL: tokens.URL, ClientID: "app", ClientSecret: auth.Secret("s3cret")},
			})}
			var retries atomic.Int32
			policy := retry.Default() // the default waits, so that a retry would show
			policy.Logger = countRetries(&retries)
			c, err := nexaasid.New(nexaasid.WithBaseURL(api.URL), nexaasid.WithToken(src), nexaasid.WithRetry(policy))
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Profile.Get(context.Background())
			var ae *auth.TokenError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v, want an *auth.TokenError inside", err)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("err = %v, want it to match %v", err, tc.is)
			}
			if got := src.n.Load(); got != 1 {
				t.Errorf("token asked for %d times, want 1", got)
			}
			if got := tokenHits.Load(); got != 1 {
				t.Errorf("token endpoint got %d requests, want 1", got)
			}
			if got := retries.Load(); got != 0 {
				t.Errorf("%d retries of the attempt, want none", got)
			}
			if got := apiHits.Load(); got != 0 {
				t.Errorf("%d requests reached the API without a token", got)
			}
		})
	}
}

// countRetries is a retry logger that counts the retries the policy makes
// (attempt records with a "retry" reason).
func countRetries(n *atomic.Int32) *slog.Logger {
	return slog.New(retryCounter{n})
}

type retryCounter struct{ n *atomic.Int32 }

func (h retryCounter) Enabled(context.Context, slog.Level) bool { return true }
func (h retryCounter) Handle(_ context.Context, r slog.Record) error {
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "retry" {
			h.n.Add(1)
		}
		return true
	})
	return nil
}
func (h retryCounter) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h retryCounter) WithGroup(string) slog.Handler      { return h }

// idleCloser is a base transport that counts CloseIdleConnections calls.
type idleCloser struct{ closed atomic.Int32 }

func (c *idleCloser) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("not used")
}

func (c *idleCloser) CloseIdleConnections() { c.closed.Add(1) }

// client.HTTPClient().CloseIdleConnections() reaches the transport the
// requests finally go through, whatever stands in front of it.
func TestCloseIdleConnectionsReachesBaseTransport(t *testing.T) {
	for name, opts := range map[string][]nexaasid.ClientOption{
		"token and retries": {nexaasid.WithToken(auth.Bearer("tok"))},
		"token, no retries": {nexaasid.WithToken(auth.Bearer("tok")), nexaasid.WithRetry(retry.Off())},
		"no token":          {nexaasid.WithoutAuthentication()},
	} {
		base := &idleCloser{}
		opts = append(opts, nexaasid.WithBaseURL("https://id.example.com"), nexaasid.WithHTTPClient(&http.Client{Transport: base}))
		c, err := nexaasid.New(opts...)
		if err != nil {
			t.Fatal(err)
		}
		c.HTTPClient().CloseIdleConnections()
		if got := base.closed.Load(); got != 1 {
			t.Errorf("%s: base CloseIdleConnections called %d times, want 1", name, got)
		}
	}
}

// connCountingServer is a loopback API server that counts the TCP
// connections clients open to it.
func connCountingServer(t testing.TB) (*httptest.Server, *atomic.Int64) {
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, profileJSON)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, &conns
}

// Without WithHTTPClient a client keeps enough idle connections for many
// callers at once: 64 goroutines making 6,400 calls open about one
// connection each, not one per call, and once every caller has made a few
// calls, next to none.
func TestConcurrentCallersReuseConnections(t *testing.T) {
	const callers, warmup, calls = 64, 10, 100
	srv, conns := connCountingServer(t)
	c, err := nexaasid.New(nexaasid.WithBaseURL(srv.URL), nexaasid.WithToken(auth.Bearer("tok")))
	if err != nil {
		t.Fatal(err)
	}
	defer c.HTTPClient().CloseIdleConnections()
	var wg sync.WaitGroup
	var warm sync.WaitGroup
	warm.Add(callers)
	var afterWarmup atomic.Int64
	for range callers {
		wg.Go(func() {
			for i := range calls {
				if i == warmup {
					warm.Done()
					warm.Wait()
					afterWarmup.CompareAndSwap(0, conns.Load())
				}
				if _, err := c.Profile.Get(context.Background()); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	total, steady := conns.Load(), conns.Load()-afterWarmup.Load()
	t.Logf("%d new connections for %d calls, %d of them after the first %d calls of each caller", total, callers*calls, steady, warmup)
	// While the callers ramp up, net/http dials for a request whose
	// caller's connection is not back in the pool yet and keeps the extra
	// connection: 64 to 135 were seen in all. Then the pool covers every
	// caller (0 to 8 seen); with 2 idle connections per host, 31% of the
	// calls opened a connection.
	if total > 3*callers {
		t.Errorf("%d new connections for %d calls by %d callers, want at most %d", total, callers*calls, callers, 3*callers)
	}
	if steady > callers/4 {
		t.Errorf("%d new connections after the warm-up, want at most %d", steady, callers/4)
	}
}

// A client that is no longer reachable closes the idle connections of the
// transport it built for itself, so building clients over and over leaves
// no connections open behind them.
func TestUnreachableClientClosesItsConnections(t *testing.T) {
	var open atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, profileJSON)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		switch s {
		case http.StateNew:
			open.Add(1)
		case http.StateClosed, http.StateHijacked:
			open.Add(-1)
		}
	}
	srv.Start()
	defer srv.Close()
	func() {
		for range 3 {
			c, err := nexaasid.New(nexaasid.WithBaseURL(srv.URL), nexaasid.WithToken(auth.Bearer("tok")))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.Profile.Get(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
	}()
	if n := open.Load(); n != 3 {
		t.Fatalf("%d connections open after the calls, want 3", n)
	}
	deadline := time.Now().Add(10 * time.Second)
	for open.Load() > 0 && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(20 * time.Millisecond)
	}
	if n := open.Load(); n != 0 {
		t.Errorf("%d connections still open after the clients became unreachable", n)
	}
}
