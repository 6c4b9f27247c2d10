package auth

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// clock is a settable time for Cache tests.
type clock struct{ off atomic.Int64 }

func (c *clock) now() time.Time          { return time.Now().Add(time.Duration(c.off.Load())) }
func (c *clock) advance(d time.Duration) { c.off.Add(int64(d)) }

func TestCacheNoExpiryKeptUntilInvalidated(t *testing.T) {
	var n atomic.Int32
	c := NewCache(rotatingSource(&n))
	ctx := context.Background()
	t1, _ := c.TokenContext(ctx)
	for i := 0; i < 10; i++ {
		if t2, _ := c.TokenContext(ctx); t2 != t1 {
			t.Fatal("token without expiry was replaced")
		}
	}
	c.Invalidate(&oauth2.Token{AccessToken: "not-current"})
	if t2, _ := c.TokenContext(ctx); t2 != t1 {
		t.Fatal("invalidating another token dropped the current one")
	}
	c.Invalidate(t1)
	if t2, _ := c.TokenContext(ctx); t2 == t1 || n.Load() != 2 {
		t.Fatal("Invalidate did not drop the token")
	}
}

func TestCacheBackoff(t *testing.T) {
	var calls atomic.Int32
	var fail atomic.Bool
	fail.Store(true)
	boom := errors.New("boom")
	src := Func(func(context.Context) (*oauth2.Token, error) {
		calls.Add(1)
		if fail.Load() {
			return nil, boom
		}
		return &oauth2.Token{AccessToken: "ok", Expiry: time.Now().Add(time.Hour)}, nil
	})
	clk := &clock{}
	c := NewCache(src, WithBackoff(time.Second, 4*time.Second))
	c.now = clk.now
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		if _, err := c.TokenContext(ctx); !errors.Is(err, boom) {
			t.Fatalf("err = %v", err)
		}
	}
	if calls.Load() != 1 {
		t.Fatalf("calls during backoff = %d, want 1", calls.Load())
	}
	clk.advance(1100 * time.Millisecond)
	_, _ = c.TokenContext(ctx)
	if calls.Load() != 2 {
		t.Fatalf("calls after 1st backoff = %d", calls.Load())
	}
	clk.advance(1100 * time.Millisecond) // 2nd backoff is 2 s
	_, _ = c.TokenContext(ctx)
	if calls.Load() != 2 {
		t.Fatalf("backoff did not grow")
	}
	clk.advance(time.Minute) // capped at 4 s
	fail.Store(false)
	if tok, err := c.TokenContext(ctx); err != nil || tok.AccessToken != "ok" {
		t.Fatalf("no recovery: %v", err)
	}
}

func TestCacheWaiterCancelDoesNotCancelRefresh(t *testing.T) {
	release := make(chan struct{})
	var sawCancel atomic.Bool
	src := Func(func(ctx context.Context) (*oauth2.Token, error) {
		<-release
		if ctx.Err() != nil {
			sawCancel.Store(true)
		}
		return &oauth2.Token{AccessToken: "t"}, nil
	})
	c := NewCache(src)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { _, err := c.TokenContext(ctx); done <- err }()
	time.Sleep(20 * time.Millisecond)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("waiter: %v", err)
	}
	close(release)
	tok, err := c.TokenContext(context.Background())
	if err != nil || tok.AccessToken != "t" || sawCancel.Load() {
		t.Fatalf("refresh was cancelled with the caller: %v", err)
	}
}

func TestCacheHookRunsBeforeCallers(t *testing.T) {
	var n atomic.Int32
	var seen atomic.Value
	c := NewCache(rotatingSource(&n), OnTokenChange(func(ctx context.Context, old, new *oauth2.Token) error {
		seen.Store(new.AccessToken)
		return nil
	}))
	tok, err := c.TokenContext(context.Background())
	if err != nil || seen.Load() != tok.AccessToken {
		t.Fatalf("hook saw %v, caller got %v", seen.Load(), tok)
	}
	// A failing hook: error, then the same token once the hook succeeds.
	var failHook atomic.Bool
	failHook.Store(true)
	c = NewCache(rotatingSource(&n), OnTokenChange(func(ctx context.Context, old, new *oauth2.Token) error {
		if failHook.Load() {
			return errors.New("hook down")
		}
		return nil
	}))
	_, err = c.TokenContext(context.Background())
	var se *SaveError
	if !errors.As(err, &se) || !se.Hook {
		t.Fatalf("err = %v", err)
	}
	before := n.Load()
	failHook.Store(false)
	if _, err := c.TokenContext(context.Background()); err != nil || n.Load() != before {
		t.Fatalf("pending token not handed out after the hook recovered: %v", err)
	}
}

func TestExpiresAtHonoured(t *testing.T) {
	at := time.Now().Add(90 * time.Second).Unix()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"access_token":"a","token_type":"bearer","expires_at":` + strconv.FormatInt(at, 10) + `}`))
	}))
	defer srv.Close()
	tok, err := (&ClientCredentials{ClientAuth: ClientAuth{TokenURL: srv.URL, ClientID: "i", ClientSecret: "s"}}).TokenContext(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if tok.Expiry.Unix() != at {
		t.Fatalf("expiry %v, want %v", tok.Expiry.Unix(), at)
	}
}

func TestEntryWindows(t *testing.T) {
	c := NewCache(NewFake("x"))
	now := time.Now()
	e := c.entryFor(&oauth2.Token{AccessToken: "a", Expiry: now.Add(time.Hour)}, now)
	if got := e.refreshAt.Sub(now); got != 55*time.Minute {
		t.Fatalf("early window of a 1 h token starts after %s, want 55m (capped at 5m)", got)
	}
	if got := e.hardAt.Sub(now); got != time.Hour-10*time.Second {
		t.Fatalf("hard margin at %s", got)
	}
	e = c.entryFor(&oauth2.Token{AccessToken: "a", Expiry: now.Add(100 * time.Second)}, now)
	if got := e.refreshAt.Sub(now); got != 85*time.Second {
		t.Fatalf("early window of a 100 s token starts after %s, want 85s", got)
	}
	if got := e.hardAt.Sub(now); got != 95*time.Second {
		t.Fatalf("margin of a 100 s token: hard at %s, want 95s (1/20 of the lifetime)", got)
	}
	// A short token: both windows scale with its lifetime, leaving a
	// background window before the hard margin.
	e = c.entryFor(&oauth2.Token{AccessToken: "a", Expiry: now.Add(3 * time.Second)}, now)
	if got, want := e.refreshAt.Sub(now), 2550*time.Millisecond; got != want {
		t.Fatalf("early window of a 3 s token starts after %s, want %s", got, want)
	}
	if got, want := e.hardAt.Sub(now), 2850*time.Millisecond; got != want {
		t.Fatalf("margin of a 3 s token: hard at %s, want %s", got, want)
	}
	// Early refresh off: callers wait from the margin on.
	off := NewCache(NewFake("x"), WithEarlyRefresh(0, 0))
	e = off.entryFor(&oauth2.Token{AccessToken: "a", Expiry: now.Add(time.Hour)}, now)
	if !e.refreshAt.Equal(e.hardAt) || e.hardAt.Sub(now) != time.Hour-10*time.Second {
		t.Fatalf("early refresh off: refresh at %s, hard at %s", e.refreshAt.Sub(now), e.hardAt.Sub(now))
	}
}

// Caches built without options share one configuration, which the
// options of other Caches never change.
func TestCacheDefaultConfigShared(t *testing.T) {
	src := Func(func(context.Context) (*oauth2.Token, error) { return &oauth2.Token{AccessToken: "t"}, nil })
	a, b := NewCache(src), NewCache(src)
	if a.cfg != b.cfg {
		t.Error("two Caches without options do not share their configuration")
	}
	before := *a.cfg
	c := NewCache(src, WithEarlyRefresh(0.5, time.Hour), WithMargin(time.Minute), WithBackoff(time.Hour, 2*time.Hour),
		WithRefreshTimeout(time.Hour), WithStore(NewMemoryStore()), OnTokenChange(func(context.Context, *oauth2.Token, *oauth2.Token) error { return nil }))
	if c.cfg == a.cfg {
		t.Fatal("a Cache with options shares the default configuration")
	}
	after := *a.cfg
	if after.earlyFraction != before.earlyFraction || after.earlyMax != before.earlyMax || after.margin != before.margin ||
		after.backoffMin != before.backoffMin || after.backoffMax != before.backoffMax || after.refreshTimeout != before.refreshTimeout ||
		after.store != nil || after.onChange != nil {
		t.Errorf("the options of one Cache changed the default configuration: %+v", after)
	}
}
