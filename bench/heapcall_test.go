package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	management "github.com/auth0/go-auth0/management"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/gen/auth0mgmt"
)

// The heap one Auth0 Management client holds once it has made one call to
// a loopback tenant, ours beside go-auth0 v1.45.0, both with their
// default transports: context for the budget on a fresh client, not a
// budget itself. A client of ours has a pooled transport of its own, and
// so an idle connection of its own after a call; go-auth0 v1's clients
// share http.DefaultTransport. The tenant runs in a child process, so
// that its side of the connections stays out of the heap measured.

// loopbackTenantEnv, when set to 1, makes the test binary serve the
// loopback tenant instead of running tests (see startLoopbackTenant).
const loopbackTenantEnv = "BENCH_LOOPBACK_TENANT"

func TestMain(m *testing.M) {
	if os.Getenv(loopbackTenantEnv) == "1" {
		serveLoopbackTenant()
		return
	}
	os.Exit(m.Run())
}

// serveLoopbackTenant answers token requests and user lists on a loopback
// port, writes the port's address to stdout and serves until stdin
// closes.
func serveLoopbackTenant() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"access_token":"loopback-token","token_type":"Bearer","expires_in":86400}`)
	})
	mux.HandleFunc("GET /api/v2/users", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"users":[],"start":0,"limit":50,"length":0,"total":0}`)
	})
	fmt.Println(ln.Addr())
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	_ = http.Serve(ln, mux)
}

// startLoopbackTenant starts the tenant in a child process and returns
// its host:port; the child ends with the test.
func startLoopbackTenant(t *testing.T) string {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), loopbackTenantEnv+"=1")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		_ = cmd.Wait()
	})
	addr, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("loopback tenant: %v", err)
	}
	return strings.TrimSpace(addr)
}

// calledClients are the clients measured after one call, by name: build
// makes a client for the tenant at host, call lists users once.
var calledClients = []struct {
	name  string
	build func(host string) (any, error)
	call  func(ctx context.Context, c any) error
}{
	{"ours", func(host string) (any, error) {
		return auth0mgmt.New(host, auth0mgmt.WithStaticToken("loopback-token", time.Now().Add(time.Hour)))
	}, listOurs},
	{"ours-m2m", func(host string) (any, error) {
		return auth0mgmt.New(host, auth0mgmt.WithClientCredentials("client-id", auth.Secret("client-secret")))
	}, listOurs},
	{"goauth0v1", func(host string) (any, error) {
		// WithInsecure: plain http and a static token, go-auth0 v1's only
		// way to a loopback tenant.
		return management.New(host, management.WithInsecure())
	}, func(ctx context.Context, c any) error {
		_, err := c.(*management.Management).User.List(ctx)
		return err
	}},
}

// listOurs lists users once with a client of ours.
func listOurs(ctx context.Context, c any) error {
	_, err := c.(*auth0mgmt.Client).Users.List(ctx, nil)
	return err
}

// TestClientHeapAfterOneCall logs the heap of one client of each SDK as
// built and once it has listed users on a loopback tenant ("ours-m2m"
// also fetched its token there); "ours" and go-auth0 v1 both use a static
// token.
func TestClientHeapAfterOneCall(t *testing.T) {
	host := startLoopbackTenant(t)
	ctx := context.Background()
	after := map[string]float64{}
	for _, c := range calledClients {
		built, err := heapPerClient(heapClients, 1, func() (any, error) { return c.build(host) })
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		called, err := heapPerClient(heapClients, 1, func() (any, error) {
			client, err := c.build(host)
			if err == nil {
				err = c.call(ctx, client)
			}
			return client, err
		})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		after[c.name] = called
		t.Logf("%-10s %6.0f B/client built, %6.0f B/client after one call", c.name, built, called)
	}
	t.Logf("ours/goauth0v1 after one call %.2fx (not a budget)", after["ours"]/after["goauth0v1"])
}
