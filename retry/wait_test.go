package retry

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// rateLimitServer answers the first request 429 with the header set by
// first, and 200 after that.
func rateLimitServer(t *testing.T, first func(h http.Header)) *server {
	return newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			first(w.Header())
			w.WriteHeader(http.StatusTooManyRequests)
			w.Write([]byte("slow down"))
			return
		}
		w.Write([]byte("ok"))
	})
}

func TestServerRequestedWaitIsHonoured(t *testing.T) {
	tests := []struct {
		name    string
		header  func(h http.Header)
		atLeast time.Duration
	}{
		{"Retry-After seconds", func(h http.Header) { h.Set("Retry-After", "1") }, 900 * time.Millisecond},
		{"Retry-After date", func(h http.Header) {
			// HTTP dates have whole seconds: this is between 0.5 and 1.5 s ahead.
			h.Set("Retry-After", time.Now().Add(1500*time.Millisecond).UTC().Format(http.TimeFormat))
		}, 300 * time.Millisecond},
		{"X-RateLimit-Reset epoch", func(h http.Header) {
			h.Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(2*time.Second).Unix(), 10))
		}, 300 * time.Millisecond},
		{"X-RateLimit-Reset seconds", func(h http.Header) { h.Set("X-RateLimit-Reset", "1") }, 900 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := rateLimitServer(t, tt.header)
			start := time.Now()
			resp, err := client(t, fast()).Get(srv.URL)
			elapsed := time.Since(start)
			if err != nil {
				t.Fatal(err)
			}
			if got := readBody(t, resp); resp.StatusCode != 200 || got != "ok" {
				t.Errorf("got %d %q, want 200 ok", resp.StatusCode, got)
			}
			if got := srv.count(); got != 2 {
				t.Errorf("requests = %d, want 2", got)
			}
			if elapsed < tt.atLeast || elapsed > 5*time.Second {
				t.Errorf("took %v, want between %v and 5s", elapsed, tt.atLeast)
			}
		})
	}
}

func TestRateLimitResetIgnoredOutside429(t *testing.T) {
	// A 500 carrying a far X-RateLimit-Reset is retried with backoff.
	srv := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10))
		if n == 1 {
			w.WriteHeader(500)
		}
	})
	resp, err := client(t, fast()).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || srv.count() != 2 {
		t.Errorf("status %d after %d requests, want 200 after 2", resp.StatusCode, srv.count())
	}
}

func TestServerWaitAboveCapReturnsAtOnce(t *testing.T) {
	for _, header := range []string{"Retry-After", "X-RateLimit-Reset"} {
		t.Run(header, func(t *testing.T) {
			t.Parallel()
			srv := rateLimitServer(t, func(h http.Header) { h.Set(header, "120") })
			var logs logBuffer
			p := fast()
			p.MaxRetryAfter = time.Second
			p.Logger = newLogger(&logs)
			start := time.Now()
			resp, err := client(t, p).Get(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			if elapsed := time.Since(start); elapsed > 5*time.Second {
				t.Errorf("took %v", elapsed)
			}
			if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get(header) != "120" {
				t.Errorf("got %d with %s %q, want the 429", resp.StatusCode, header, resp.Header.Get(header))
			}
			if got := readBody(t, resp); got != "slow down" {
				t.Errorf("body = %q", got)
			}
			if got := srv.count(); got != 1 {
				t.Errorf("requests = %d, want 1", got)
			}
			var warned bool
			for _, rec := range logs.records(t) {
				if rec["level"] == "WARN" && rec["wait"] == float64(120*time.Second) {
					warned = true
				}
			}
			if !warned {
				t.Errorf("no Warn record with the wait in:\n%s", logs.String())
			}
		})
	}
}

func TestPOST503WithRetryAfterAboveCap(t *testing.T) {
	srv := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(503)
	})
	resp, err := client(t, fast()).Post(srv.URL, "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 || srv.count() != 1 {
		t.Errorf("status %d after %d requests, want 503 after 1", resp.StatusCode, srv.count())
	}
}

func TestCancelDuringWait(t *testing.T) {
	srv := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "10")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	p := fast()
	p.MaxRetryAfter = time.Minute
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(100*time.Millisecond, cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	start := time.Now()
	resp, err := client(t, p).Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("status %d, want an error", resp.StatusCode)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("took %v", elapsed)
	}
	if got := srv.count(); got != 1 {
		t.Errorf("requests = %d, want 1", got)
	}
}

func TestWaitPastDeadlineReturnsLastResponse(t *testing.T) {
	srv := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "5")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	p := fast()
	p.MaxRetryAfter = time.Minute
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	start := time.Now()
	resp, err := client(t, p).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || srv.count() != 1 {
		t.Errorf("status %d after %d requests, want 429 after 1", resp.StatusCode, srv.count())
	}
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Errorf("took %v, want no wait", elapsed)
	}
}

func TestBackoff(t *testing.T) {
	s := (&Policy{MinWait: 100 * time.Millisecond, MaxWait: time.Second}).settings()
	for i, step := range []time.Duration{100, 200, 400, 800, 1000, 1000, 1000} {
		step *= time.Millisecond
		for range 50 {
			if got := s.backoff(i); got < step/2 || got > step {
				t.Fatalf("backoff(%d) = %v, want within [%v, %v]", i, got, step/2, step)
			}
		}
	}
	if got := s.backoff(1000); got > time.Second {
		t.Errorf("backoff(1000) = %v", got)
	}
}
