package retry

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// onlyReader hides every method but Read, so http.NewRequest cannot set
// GetBody.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// closeTracker records whether the caller's body was closed.
type closeTracker struct {
	io.Reader
	mu     sync.Mutex
	closed bool
}

func (c *closeTracker) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	return nil
}

func (c *closeTracker) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

func TestBodyReplayedOnEveryAttempt(t *testing.T) {
	payload := strings.Repeat(`{"name":"x","n":12345}`, 500)
	tests := []struct {
		name   string
		body   func() io.Reader
		length int64 // the Content-Length each attempt should carry; -1 none
	}{
		{"with GetBody", func() io.Reader { return strings.NewReader(payload) }, int64(len(payload))},
		{"bytes.Buffer", func() io.Reader { return bytes.NewBufferString(payload) }, int64(len(payload))},
		{"without GetBody", func() io.Reader { return onlyReader{strings.NewReader(payload)} }, int64(len(payload))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var (
				mu      sync.Mutex
				bodies  []string
				lengths []int64
			)
			srv := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				mu.Lock()
				bodies = append(bodies, string(b))
				lengths = append(lengths, r.ContentLength)
				mu.Unlock()
				if n < 3 {
					w.WriteHeader(500)
				}
			})
			req, _ := http.NewRequest(http.MethodPut, srv.URL, tt.body())
			resp, err := client(t, fast()).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			mu.Lock()
			defer mu.Unlock()
			if diff := cmp.Diff([]string{payload, payload, payload}, bodies); diff != "" {
				t.Errorf("bodies (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]int64{tt.length, tt.length, tt.length}, lengths); diff != "" {
				t.Errorf("content lengths (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCallerRequestUntouched(t *testing.T) {
	srv := statusServer(t, 503, 200)
	body := &closeTracker{Reader: strings.NewReader("data")}
	req, _ := http.NewRequest(http.MethodPost, srv.URL, body)
	req.ContentLength = 4
	resp, err := client(t, fast()).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || srv.count() != 2 {
		t.Errorf("status %d after %d requests, want 200 after 2", resp.StatusCode, srv.count())
	}
	if !body.isClosed() {
		t.Error("the caller's request body was not closed")
	}
	if req.Body != body || req.GetBody != nil || len(req.Header) != 0 {
		t.Error("the caller's request was changed")
	}
}
