// Package peers starts the real test peers idsdk-go is tested against:
// Stoplight Prism serving an OpenAPI document, and node-oidc-provider as an
// OAuth 2.0 / OpenID Connect server. The node packages are pinned in
// internal/peers/node/package.json and its lockfile; the test command
// installs them with `npm ci`.
//
// When a peer cannot be started (node or the packages are missing) the
// test is skipped with a message saying how to install them, except under
// CI=true, where it fails.
package peers

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// NodeDir is the folder that holds package.json and node_modules.
func NodeDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "node")
}

// RepoRoot is the root of the module checkout.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Unavailable skips the test, or fails it under CI=true, because a peer is missing.
func Unavailable(tb testing.TB, format string, args ...any) {
	tb.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") == "true" {
		tb.Fatalf("test peer unavailable under CI=true: %s", msg)
	}
	tb.Skipf("test peer unavailable: %s (run ./scripts/test, which installs the peers)", msg)
}

// NodeBin returns the path of a binary installed under node_modules/.bin,
// or marks the test unavailable.
func NodeBin(tb testing.TB, name string) string {
	tb.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		Unavailable(tb, "node is not on PATH")
	}
	p := filepath.Join(NodeDir(), "node_modules", ".bin", name)
	if _, err := os.Stat(p); err != nil {
		Unavailable(tb, "%s is not installed (npm ci in %s)", name, NodeDir())
	}
	return p
}

// FreePort returns a loopback TCP port that was free a moment ago.
func FreePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("listen: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Process is a peer started for one test (or one test binary).
type Process struct {
	cmd    *exec.Cmd
	mu     sync.Mutex
	output strings.Builder
	done   chan struct{}
}

// Output is what the process printed so far (stdout and stderr).
func (p *Process) Output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.output.String()
}

// Stop ends the process and waits for it.
func (p *Process) Stop() {
	if p.cmd.Process != nil {
		_ = p.cmd.Process.Signal(os.Interrupt)
		select {
		case <-p.done:
		case <-time.After(3 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	}
}

// Start runs name with args in dir and captures its output. The process is
// killed when Stop is called.
func Start(dir, name string, env []string, args ...string) (*Process, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	pr, pw := io.Pipe()
	cmd.Stdout = pw
	cmd.Stderr = pw
	p := &Process{cmd: cmd, done: make(chan struct{})}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		s := bufio.NewScanner(pr)
		s.Buffer(make([]byte, 64<<10), 1<<20)
		for s.Scan() {
			p.mu.Lock()
			p.output.WriteString(s.Text())
			p.output.WriteByte('\n')
			p.mu.Unlock()
		}
	}()
	go func() {
		_ = cmd.Wait()
		pw.Close()
		close(p.done)
	}()
	return p, nil
}

// Exited reports whether the process has ended.
func (p *Process) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// WaitHTTP polls url until it answers with any HTTP status, the process
// exits, or the timeout passes.
func (p *Process) WaitHTTP(ctx context.Context, url string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	client := &http.Client{Timeout: time.Second}
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := client.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return nil
		}
		if p.Exited() {
			return fmt.Errorf("peer exited before answering %s:\n%s", url, p.Output())
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("peer did not answer %s in %s:\n%s", url, timeout, p.Output())
		case <-time.After(100 * time.Millisecond):
		}
	}
}
