package auth

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// TestFailedRefreshInsideMarginKeepsValidToken: when the refresh that
// callers wait for inside the hard margin fails, they get the current
// token, still valid for a few seconds, not the error; once it has
// expired they get the error.
func TestFailedRefreshInsideMarginKeepsValidToken(t *testing.T) {
	var fail atomic.Bool
	boom := errors.New("boom")
	var calls atomic.Int32
	clk := &clock{}
	src := Func(func(context.Context) (*oauth2.Token, error) {
		calls.Add(1)
		if fail.Load() {
			return nil, boom
		}
		return &oauth2.Token{AccessToken: "t1", Expiry: clk.now().Add(time.Hour)}, nil
	})
	c := NewCache(src, WithBackoff(time.Second, time.Second))
	c.now = clk.now
	ctx := context.Background()
	tok1, err := c.TokenContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fail.Store(true)
	clk.advance(time.Hour - 5*time.Second) // inside the 10 s margin, 5 s left
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok, err := c.TokenContext(ctx)
			if err != nil || tok != tok1 {
				t.Errorf("caller waiting on the failed refresh got %v, %v; want the still-valid token", tok, err)
			}
		}()
	}
	wg.Wait()
	if n := calls.Load(); n < 2 {
		t.Fatalf("no refresh was attempted (%d calls)", n)
	}
	// After the backoff, the next refresh fails too: still the valid token.
	clk.advance(2 * time.Second)
	if tok, err := c.TokenContext(ctx); err != nil || tok != tok1 {
		t.Fatalf("after the backoff: %v, %v", tok, err)
	}
	// Expired: the error.
	clk.advance(5 * time.Second)
	if _, err := c.TokenContext(ctx); !errors.Is(err, boom) {
		t.Fatalf("expired token: err = %v, want boom", err)
	}
}

// TestShortTokensRefreshedInBackground: with 3 s tokens and 64 callers for
// about 10 s, the Cache asks for about one token per lifetime (at most
// 1.2), every refresh runs in the background (no caller waits for one),
// and no caller gets an expired token.
func TestShortTokensRefreshedInBackground(t *testing.T) {
	if testing.Short() {
		t.Skip("runs for 10 s")
	}
	const life = 3 * time.Second
	var mu sync.Mutex
	var at []time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		at = append(at, time.Now())
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"access_token":"t`+time.Now().Format("150405.000")+`","token_type":"bearer","expires_in":3}`)
	}))
	defer srv.Close()
	c := NewCache(&ClientCredentials{ClientAuth: ClientAuth{TokenURL: srv.URL, ClientID: "id", ClientSecret: "secret"}})
	ctx := context.Background()
	deadline := time.Now().Add(10 * time.Second)
	var calls, expired atomic.Int64
	var wg sync.WaitGroup
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				tok, err := c.TokenContext(ctx)
				if err != nil {
					t.Errorf("caller: %v", err)
					return
				}
				calls.Add(1)
				if !time.Now().Before(tok.Expiry) {
					expired.Add(1)
				}
				time.Sleep(time.Millisecond) // callers, not spinners
			}
		}()
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if len(at) < 3 {
		t.Fatalf("%d token requests in 10 s of 3 s tokens", len(at))
	}
	interval := at[len(at)-1].Sub(at[0]) / time.Duration(len(at)-1)
	perLife := float64(life) / float64(interval)
	t.Logf("%d calls, %d token requests, one every %s: %.2f per lifetime; %d blocked waits",
		calls.Load(), len(at), interval, perLife, c.blocked.Load())
	if perLife > 1.2 {
		t.Errorf("%.2f token requests per lifetime, want at most 1.2", perLife)
	}
	if n := c.blocked.Load(); n != 0 {
		t.Errorf("%d callers waited for a refresh, want 0 (all refreshes in the background)", n)
	}
	if n := expired.Load(); n != 0 {
		t.Errorf("%d calls got an expired token", n)
	}
}
