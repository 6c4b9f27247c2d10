package retry

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fast is a policy with millisecond waits, for tests.
func fast() *Policy {
	return &Policy{
		MaxRetries:     3,
		MinWait:        time.Millisecond,
		MaxWait:        2 * time.Millisecond,
		MaxRetryAfter:  5 * time.Second,
		AttemptTimeout: 5 * time.Second,
	}
}

// server is a loopback test server that counts the requests it gets.
type server struct {
	*httptest.Server
	n atomic.Int32
}

// newServer starts a server whose handler gets the 1-based number of each
// request.
func newServer(t *testing.T, h func(n int, w http.ResponseWriter, r *http.Request)) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h(int(s.n.Add(1)), w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) count() int { return int(s.n.Load()) }

// statusServer answers each request with the next status of codes, and the
// last one from then on. The body is "answer N".
func statusServer(t *testing.T, codes ...int) *server {
	return newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		code := codes[min(n, len(codes))-1]
		w.WriteHeader(code)
		io.WriteString(w, "answer "+itoa(n))
	})
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// resetConn hijacks the connection of w and resets it.
func resetConn(t *testing.T, w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}

// client returns an http.Client whose transport is p's over a transport of
// its own, closed when the test ends.
func client(t *testing.T, p *Policy) *http.Client {
	t.Helper()
	base := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(base.CloseIdleConnections)
	return &http.Client{Transport: p.Transport(base)}
}

// readBody reads and closes the body of resp.
func readBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading body: %v", err)
	}
	return string(b)
}

// countingTransport counts the attempts that reach the base transport.
type countingTransport struct {
	base http.RoundTripper
	n    atomic.Int32
}

func (c *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.base.RoundTrip(req)
}

// logBuffer collects JSON slog records.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// records decodes the collected records.
func (l *logBuffer) records(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	dec := json.NewDecoder(bytes.NewReader([]byte(l.String())))
	for dec.More() {
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			t.Fatalf("decoding log: %v", err)
		}
		out = append(out, m)
	}
	return out
}

func newLogger(l *logBuffer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
