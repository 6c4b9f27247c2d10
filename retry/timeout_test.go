package retry

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"
)

func TestAttemptTimeoutThenSuccess(t *testing.T) {
	srv := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		}
		w.Write([]byte("fast"))
	})
	p := fast()
	p.AttemptTimeout = 200 * time.Millisecond
	start := time.Now()
	resp, err := client(t, p).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if got := readBody(t, resp); got != "fast" {
		t.Errorf("body = %q", got)
	}
	if got := srv.count(); got != 2 {
		t.Errorf("requests = %d, want 2", got)
	}
	if elapsed := time.Since(start); elapsed > 4*time.Second {
		t.Errorf("took %v", elapsed)
	}
}

func TestAttemptTimeoutCutsStalledBody(t *testing.T) {
	srv := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("partial"))
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	p := fast()
	p.AttemptTimeout = 300 * time.Millisecond
	start := time.Now()
	resp, err := client(t, p).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err == nil {
		t.Fatalf("read %q without error", b)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("read error %v, want context.DeadlineExceeded", err)
	}
	if string(b) != "partial" {
		t.Errorf("read %q before the error, want %q", b, "partial")
	}
	if elapsed := time.Since(start); elapsed > 4*time.Second {
		t.Errorf("took %v", elapsed)
	}
	if got := srv.count(); got != 1 {
		t.Errorf("requests = %d, want 1", got)
	}
}

func TestAttemptTimeoutOutlivesRoundTrip(t *testing.T) {
	// The body arrives after RoundTrip has returned, well within the timeout.
	srv := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("head "))
		w.(http.Flusher).Flush()
		time.Sleep(100 * time.Millisecond)
		w.Write([]byte("tail"))
	})
	for _, p := range []*Policy{fast(), Off()} {
		p.AttemptTimeout = 3 * time.Second
		resp, err := client(t, p).Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		if got := readBody(t, resp); got != "head tail" {
			t.Errorf("body = %q", got)
		}
	}
}

func TestOffKeepsAttemptTimeout(t *testing.T) {
	srv := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	p := Off()
	p.AttemptTimeout = 100 * time.Millisecond
	_, err := client(t, p).Get(srv.URL)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v, want context.DeadlineExceeded", err)
	}
	if got := srv.count(); got != 1 {
		t.Errorf("requests = %d, want 1", got)
	}
}
