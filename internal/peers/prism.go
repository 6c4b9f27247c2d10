package peers

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Prism is a Stoplight Prism mock server serving one OpenAPI document. It
// validates every request against the document and reports violations in
// the sl-violations response header.
type Prism struct {
	// URL is the base URL of the mock, without a trailing slash.
	URL  string
	proc *Process
}

// PrismStartTimeout bounds how long StartPrism waits for Prism to listen.
const PrismStartTimeout = 4 * time.Minute

// StartPrism serves doc (a path relative to the repository root, like
// "api/nexaasid/openapi.yaml") with dynamic responses generated from the
// schemas. Stop it with Stop.
func StartPrism(tb testing.TB, doc string) *Prism {
	tb.Helper()
	bin := NodeBin(tb, "prism")
	port := FreePort(tb)
	path := filepath.Join(RepoRoot(), doc)
	proc, err := Start(RepoRoot(), bin, nil, "mock", "--dynamic", "--seed", "idsdk-go", "--host", "127.0.0.1", "--port", strconv.Itoa(port), path)
	if err != nil {
		Unavailable(tb, "starting prism: %v", err)
	}
	p := &Prism{URL: fmt.Sprintf("http://127.0.0.1:%d", port), proc: proc}
	// Prism parses the whole document before it listens: Auth0's takes
	// tens of seconds on a busy 2-core machine.
	if err := proc.WaitHTTP(context.Background(), p.URL+"/", PrismStartTimeout); err != nil {
		proc.Stop()
		tb.Fatalf("prism did not start: %v", err)
	}
	return p
}

// Stop ends the mock server.
func (p *Prism) Stop() { p.proc.Stop() }

// Output is what Prism logged.
func (p *Prism) Output() string { return p.proc.Output() }

// ViolationRecorder is an http.RoundTripper that remembers every
// sl-violations header Prism answers with.
type ViolationRecorder struct {
	Base http.RoundTripper

	mu         sync.Mutex
	requests   int
	violations []string
}

// CloseIdleConnections closes the idle connections of Base (of
// http.DefaultTransport when Base is nil).
func (v *ViolationRecorder) CloseIdleConnections() {
	base := v.Base
	if base == nil {
		base = http.DefaultTransport
	}
	if c, ok := base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// RoundTrip implements http.RoundTripper.
func (v *ViolationRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	base := v.Base
	if base == nil {
		base = http.DefaultTransport
	}
	resp, err := base.RoundTrip(req)
	v.mu.Lock()
	defer v.mu.Unlock()
	v.requests++
	if resp != nil {
		if h := resp.Header.Get("sl-violations"); h != "" && requestViolations(h) {
			v.violations = append(v.violations, req.Method+" "+req.URL.Path+": "+h)
		}
		// When the document has no answer for an invalid request, Prism
		// answers with its own problem document instead of the header.
		if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
			body, rerr := io.ReadAll(resp.Body)
			resp.Body.Close()
			resp.Body = io.NopCloser(bytes.NewReader(body))
			if rerr == nil && bytes.Contains(body, []byte("stoplight.io/prism/errors")) && !bytes.Contains(body, []byte("NO_COMPLEX_OBJECT_TEXT")) {
				v.violations = append(v.violations, req.Method+" "+req.URL.Path+": "+string(body))
			}
		}
	}
	return resp, err
}

// Requests is how many requests went through.
func (v *ViolationRecorder) Requests() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.requests
}

// Violations are the sl-violations headers seen so far.
func (v *ViolationRecorder) Violations() []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]string(nil), v.violations...)
}

// requestViolations reports whether an sl-violations header lists a
// problem with the request. Prism also reports the responses it made up
// itself when they miss their schema; those say nothing of the client.
func requestViolations(header string) bool {
	// A long list comes as "Too many violations! [...]", possibly cut.
	if i := strings.IndexByte(header, '['); i > 0 {
		header = header[i:]
	}
	var list []struct {
		Location []any `json:"location"`
	}
	if err := json.Unmarshal([]byte(header), &list); err != nil {
		return !strings.HasPrefix(header, "[") || strings.Contains(header, `"location":["request"`)
	}
	for _, v := range list {
		if len(v.Location) == 0 || v.Location[0] != "response" {
			return true
		}
	}
	return false
}
