package retry

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
)

// resetServer resets the connection for the first `resets` requests and
// answers 200 after that.
func resetServer(t *testing.T, resets int) *server {
	return newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n <= resets {
			resetConn(t, w)
			return
		}
		w.Write([]byte("ok"))
	})
}

func TestResetConnection(t *testing.T) {
	post := func(ctx context.Context, url string) *http.Request {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(`{"a":1}`))
		return req
	}
	withKey := func(ctx context.Context, url string) *http.Request {
		req := post(ctx, url)
		req.Header.Set(IdempotencyKeyHeader, "key-1")
		return req
	}
	tests := []struct {
		name     string
		policy   func() *Policy
		req      func(ctx context.Context, url string) *http.Request
		ctx      context.Context
		requests int
		ok       bool
	}{
		{"GET", fast, func(ctx context.Context, url string) *http.Request {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			return req
		}, context.Background(), 3, true},
		{"PUT", fast, func(ctx context.Context, url string) *http.Request {
			req, _ := http.NewRequestWithContext(ctx, http.MethodPut, url, strings.NewReader("x"))
			return req
		}, context.Background(), 3, true},
		{"POST", fast, post, context.Background(), 1, false},
		{"PATCH", fast, func(ctx context.Context, url string) *http.Request {
			req, _ := http.NewRequestWithContext(ctx, http.MethodPatch, url, strings.NewReader("x"))
			return req
		}, context.Background(), 1, false},
		{"POST with Idempotency-Key", fast, withKey, context.Background(), 3, true},
		{"POST with X-Idempotency-Key", fast, func(ctx context.Context, url string) *http.Request {
			req := post(ctx, url)
			req.Header.Set("X-Idempotency-Key", "key-1")
			return req
		}, context.Background(), 3, true},
		{"POST WithIdempotent", fast, post, WithIdempotent(context.Background()), 3, true},
		{"POST Policy.Idempotent", func() *Policy {
			p := fast()
			p.Idempotent = func(r *http.Request) bool { return r.URL.Path == "/search" }
			return p
		}, func(ctx context.Context, url string) *http.Request { return post(ctx, url+"/search") },
			context.Background(), 3, true},
		{"POST Policy.Idempotent says no", func() *Policy {
			p := fast()
			p.Idempotent = func(r *http.Request) bool { return r.URL.Path == "/search" }
			return p
		}, post, context.Background(), 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := resetServer(t, 2)
			resp, err := client(t, tt.policy()).Do(tt.req(tt.ctx, srv.URL))
			if tt.ok {
				if err != nil {
					t.Fatalf("error %v, want success", err)
				}
				if got := readBody(t, resp); got != "ok" {
					t.Errorf("body = %q", got)
				}
			} else if err == nil {
				resp.Body.Close()
				t.Fatalf("status %d, want an error", resp.StatusCode)
			}
			if got := srv.count(); got != tt.requests {
				t.Errorf("requests = %d, want %d", got, tt.requests)
			}
		})
	}
}

func TestResetOnEveryAttemptReturnsError(t *testing.T) {
	srv := resetServer(t, 100)
	p := fast()
	_, err := client(t, p).Get(srv.URL)
	if err == nil {
		t.Fatal("want an error")
	}
	if got, want := srv.count(), p.MaxRetries+1; got != want {
		t.Errorf("requests = %d, want %d", got, want)
	}
	if !strings.Contains(err.Error(), "4 attempts") {
		t.Errorf("error %q does not tell the attempts", err)
	}
}

func TestPOSTStatuses(t *testing.T) {
	tests := []struct {
		codes    []int
		requests int
		status   int
	}{
		{[]int{500, 200}, 1, 500},
		{[]int{502, 200}, 1, 502},
		{[]int{504, 200}, 1, 504},
		{[]int{408, 200}, 1, 408},
		{[]int{503, 503, 200}, 3, 200},
		{[]int{429, 200}, 2, 200},
		{[]int{429, 503, 429, 503}, 4, 503},
	}
	for _, tt := range tests {
		t.Run(itoa(tt.codes[0]), func(t *testing.T) {
			t.Parallel()
			srv := statusServer(t, tt.codes...)
			resp, err := client(t, fast()).Post(srv.URL, "application/json", strings.NewReader(`{}`))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.status)
			}
			if got := srv.count(); got != tt.requests {
				t.Errorf("requests = %d, want %d", got, tt.requests)
			}
		})
	}
}

func TestPOSTConnectionRefusedIsRetried(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	var logs logBuffer
	p := fast()
	p.MaxRetries = 2
	p.Logger = newLogger(&logs)
	base := &countingTransport{base: http.DefaultTransport.(*http.Transport).Clone()}
	c := &http.Client{Transport: p.Transport(base)}
	_, err = c.Post("http://"+addr+"/things", "text/plain", strings.NewReader("payload"))
	if err == nil {
		t.Fatal("want an error")
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("error %v does not wrap ECONNREFUSED", err)
	}
	var op *net.OpError
	if !errors.As(err, &op) || op.Op != "dial" {
		t.Errorf("error %v is not a dial *net.OpError", err)
	}
	if got := base.n.Load(); got != 3 {
		t.Errorf("attempts = %d, want 3", got)
	}
	var classes []string
	for _, rec := range logs.records(t) {
		if rec["msg"] == "retry" {
			classes = append(classes, rec["error_class"].(string))
		}
	}
	if len(classes) != 2 || classes[0] != classDial || classes[1] != classDial {
		t.Errorf("logged retry classes %v, want two %q", classes, classDial)
	}
}

func TestPermanentErrorsAreNotRetried(t *testing.T) {
	base := &countingTransport{base: http.DefaultTransport}
	c := &http.Client{Transport: fast().Transport(base)}
	req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:1/", nil)
	req.Header.Set("Bad Header", "x")
	if _, err := c.Do(req); err == nil {
		t.Fatal("want an error")
	}
	if got := base.n.Load(); got != 1 {
		t.Errorf("attempts = %d, want 1", got)
	}
}

// noRetryError is an error that says another attempt is of no use.
type noRetryError struct{ retryable bool }

func (e *noRetryError) Error() string        { return "no token" }
func (e *noRetryError) RetryableError() bool { return e.retryable }

// failingTransport fails every attempt with err and counts them.
type failingTransport struct {
	err error
	n   atomic.Int32
}

func (f *failingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	f.n.Add(1)
	return nil, f.err
}

// An error whose RetryableError method says no ends the call after one
// attempt, also under the other wrappers of the error chain; one that says
// yes is retried as any transport error.
func TestErrorThatSaysNotRetryableIsNotRetried(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want int32
	}{
		{fmt.Errorf("wrapped: %w", &noRetryError{}), 1},
		{&noRetryError{retryable: true}, 4},
	} {
		base := &failingTransport{err: tc.err}
		c := &http.Client{Transport: fast().Transport(base)}
		_, err := c.Get("http://127.0.0.1:1/")
		var nr *noRetryError
		if !errors.As(err, &nr) {
			t.Errorf("err = %v, want the transport's error", err)
		}
		if got := base.n.Load(); got != tc.want {
			t.Errorf("%v: attempts = %d, want %d", tc.err, got, tc.want)
		}
	}
}
