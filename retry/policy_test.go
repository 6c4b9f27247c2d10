package retry

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestDefaults(t *testing.T) {
	want := &Policy{
		MaxRetries:     3,
		MinWait:        250 * time.Millisecond,
		MaxWait:        5 * time.Second,
		MaxRetryAfter:  30 * time.Second,
		AttemptTimeout: 30 * time.Second,
	}
	opts := cmp.Comparer(func(a, b *slog.Logger) bool { return a == b })
	if diff := cmp.Diff(want, Default(), opts); diff != "" {
		t.Errorf("Default() (-want +got):\n%s", diff)
	}
	want.MaxRetries = 0
	if diff := cmp.Diff(want, Off(), opts); diff != "" {
		t.Errorf("Off() (-want +got):\n%s", diff)
	}
	if Default() == Default() {
		t.Error("Default returns a shared value")
	}
}

func TestZeroFieldsTakeDefaults(t *testing.T) {
	got := (&Policy{}).settings()
	if got.maxRetries != 0 || got.minWait != DefaultMinWait || got.maxWait != DefaultMaxWait ||
		got.maxRetryAfter != DefaultMaxRetryAfter || got.attemptTimeout != 0 {
		t.Errorf("zero Policy settings = %+v", got)
	}
	var nilPolicy *Policy
	if got := nilPolicy.settings(); got.maxRetries != DefaultMaxRetries {
		t.Errorf("nil Policy settings = %+v", got)
	}
	neg := (&Policy{MaxRetries: -2, AttemptTimeout: -time.Second, MinWait: time.Second, MaxWait: time.Millisecond}).settings()
	if neg.maxRetries != 0 || neg.attemptTimeout != 0 || neg.maxWait != time.Second {
		t.Errorf("negative Policy settings = %+v", neg)
	}
}

func TestString(t *testing.T) {
	got := Default().String()
	want := "retry.Policy{MaxRetries: 3, MinWait: 250ms, MaxWait: 5s, MaxRetryAfter: 30s, AttemptTimeout: 30s, RetryStatuses: [], Idempotent: none, Logger: none, Observer: none}"
	if got != want {
		t.Errorf("String() =\n%s\nwant\n%s", got, want)
	}
	p := &Policy{RetryStatuses: []int{524, 521, 522, 521, 404}, Idempotent: func(*http.Request) bool { return true }, Logger: slog.Default()}
	got = p.String()
	for _, part := range []string{"MaxRetries: 0", "AttemptTimeout: none", "RetryStatuses: [521 522 524]", "Idempotent: set", "Logger: set"} {
		if !strings.Contains(got, part) {
			t.Errorf("String() = %s, missing %q", got, part)
		}
	}
}

func TestPolicyCopiedByTransport(t *testing.T) {
	srv := statusServer(t, 500, 500, 200)
	p := fast()
	c := client(t, p)
	p.MaxRetries = 0 // after Transport: no effect
	resp, err := c.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || srv.count() != 3 {
		t.Errorf("status %d after %d requests, want 200 after 3", resp.StatusCode, srv.count())
	}
}

func TestWithIdempotent(t *testing.T) {
	if markedIdempotent(context.Background()) {
		t.Error("background context is marked")
	}
	if !markedIdempotent(WithIdempotent(context.Background())) {
		t.Error("WithIdempotent context is not marked")
	}
}

func TestConcurrentUse(t *testing.T) {
	srv := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n%3 != 0 {
			w.WriteHeader(503)
		}
		w.Write([]byte(r.URL.Path))
	})
	p := fast()
	p.MaxRetries = 10
	c := client(t, p)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			path := "/" + itoa(i)
			resp, err := c.Post(srv.URL+path, "text/plain", strings.NewReader(path))
			if err != nil {
				t.Error(err)
				return
			}
			if got := readBody(t, resp); resp.StatusCode != 200 || got != path {
				t.Errorf("got %d %q, want 200 %q", resp.StatusCode, got, path)
			}
		}()
	}
	wg.Wait()
}

// Extra retry statuses are kept for 5xx codes only (501 never), across
// the whole 500-599 range.
func TestExtraStatusesRange(t *testing.T) {
	s := (&Policy{RetryStatuses: []int{-1, 0, 499, 501, 563, 564, 599, 600, 1000}}).settings()
	for code, want := range map[int]bool{499: false, 501: false, 505: false, 563: true, 564: true, 599: true, 600: false, 1000: false, 0: false} {
		if got := s.retryStatus(code); got != want {
			t.Errorf("retryStatus(%d) = %t, want %t", code, got, want)
		}
	}
	if got, want := fmt.Sprint(s.extraStatuses.list()), "[563 564 599]"; got != want {
		t.Errorf("extra statuses %s, want %s", got, want)
	}
}
