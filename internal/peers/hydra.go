package peers

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Ory Hydra is built from the nested module internal/peers/hydra (its
// go.mod pins the version and carries the replace Hydra's own go.mod
// needs) into ToolsDir()/hydra-<version> by the test command:
//
//	cd internal/peers/hydra && go build -tags sqlite,sqlite_omit_load_extension \
//	    -o "$(ToolsDir)/hydra-<version>" github.com/ory/hydra/v2
//
// and run with an in-memory database (DSN=memory serve all --dev) on
// loopback ports. The login and consent app is a Go handler of this
// package that accepts every challenge through the admin API.

// HydraUser is the subject the login app signs in when the authorization
// request has no login_hint.
const HydraUser = "hydra-user"

// HydraUpdatedAt is the updated_at (seconds) the consent app puts in the
// ID token and userinfo claims.
const HydraUpdatedAt = 1700000000

var hydraVersionRE = regexp.MustCompile(`(?m)^\s*github\.com/ory/hydra/v2 (v\S+)`)

// HydraVersion is the Hydra version pinned in internal/peers/hydra/go.mod.
func HydraVersion() (string, error) {
	b, err := os.ReadFile(filepath.Join(RepoRoot(), "internal", "peers", "hydra", "go.mod"))
	if err != nil {
		return "", err
	}
	m := hydraVersionRE.FindSubmatch(b)
	if m == nil {
		return "", fmt.Errorf("internal/peers/hydra/go.mod requires no github.com/ory/hydra/v2")
	}
	return string(m[1]), nil
}

// HydraBinary is where the test command puts the Hydra binary of the
// pinned version.
func HydraBinary() (string, error) {
	v, err := HydraVersion()
	if err != nil {
		return "", err
	}
	return filepath.Join(ToolsDir(), "hydra-"+v), nil
}

// ToolsDir is where the test command keeps the tools it builds, shared by
// every clone of the repository on the machine: $IDSDK_TOOLS, else
// idsdk-go/bin under the user's cache directory, else .cache/bin.
func ToolsDir() string {
	if d := os.Getenv("IDSDK_TOOLS"); d != "" {
		return d
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "idsdk-go", "bin")
	}
	return filepath.Join(RepoRoot(), ".cache", "bin")
}

// Hydra is a running Ory Hydra with its login and consent app.
type Hydra struct {
	// Issuer is the issuer, http://127.0.0.1:<public port>, as configured
	// (URLS_SELF_ISSUER).
	Issuer string
	// PublicURL and AdminURL are the base URLs of the public and admin APIs.
	PublicURL string
	AdminURL  string
	// IntrospectionURL is the admin API's introspection endpoint, which
	// Hydra does not advertise in its discovery document.
	IntrospectionURL string

	proc *Process
	app  *httptest.Server
}

var (
	hydraShared atomic.Bool
	hydraMu     sync.Mutex
	hydraServer *Hydra
	hydraErr    error
)

// HydraMain runs the tests of a package with one Hydra shared by every
// StartHydra call of the test binary, and stops it after the tests:
//
//	func TestMain(m *testing.M) { os.Exit(peers.HydraMain(m)) }
//
// Without it each StartHydra call starts its own Hydra, stopped when its
// test ends.
func HydraMain(m *testing.M) int {
	hydraShared.Store(true)
	code := m.Run()
	hydraMu.Lock()
	if hydraServer != nil {
		hydraServer.Stop()
		hydraServer = nil
	}
	hydraMu.Unlock()
	return code
}

// StartHydra returns a running Hydra. When its binary is missing the test
// is skipped (failed under CI=true); ./scripts/test builds it.
func StartHydra(tb testing.TB) *Hydra {
	tb.Helper()
	bin, err := HydraBinary()
	if err != nil {
		tb.Fatalf("hydra: %v", err)
	}
	if _, err := os.Stat(bin); err != nil {
		Unavailable(tb, "the Hydra binary %s is missing (built from the module internal/peers/hydra)", filepath.Base(bin))
	}
	if !hydraShared.Load() {
		h, err := startHydra(bin)
		if err != nil {
			tb.Fatalf("starting hydra: %v", err)
		}
		tb.Cleanup(h.Stop)
		return h
	}
	hydraMu.Lock()
	defer hydraMu.Unlock()
	if hydraServer == nil && hydraErr == nil {
		hydraServer, hydraErr = startHydra(bin)
	}
	if hydraErr != nil {
		tb.Fatalf("starting hydra: %v", hydraErr)
	}
	return hydraServer
}

func startHydra(bin string) (*Hydra, error) {
	pub, adm := freePortOrZero(), freePortOrZero()
	if pub == 0 || adm == 0 {
		return nil, fmt.Errorf("no free port")
	}
	h := &Hydra{
		Issuer:    fmt.Sprintf("http://127.0.0.1:%d", pub),
		PublicURL: fmt.Sprintf("http://127.0.0.1:%d", pub),
		AdminURL:  fmt.Sprintf("http://127.0.0.1:%d", adm),
	}
	h.IntrospectionURL = h.AdminURL + "/admin/oauth2/introspect"
	h.app = httptest.NewServer(http.HandlerFunc(h.serveApp))
	env := []string{
		"DSN=memory",
		"URLS_SELF_ISSUER=" + h.Issuer,
		"URLS_LOGIN=" + h.app.URL + "/login",
		"URLS_CONSENT=" + h.app.URL + "/consent",
		"SERVE_PUBLIC_HOST=127.0.0.1", fmt.Sprintf("SERVE_PUBLIC_PORT=%d", pub),
		"SERVE_ADMIN_HOST=127.0.0.1", fmt.Sprintf("SERVE_ADMIN_PORT=%d", adm),
		"SECRETS_SYSTEM=idsdk-go-test-peer-system-secret-0123456789",
		"OAUTH2_PKCE_ENFORCED=true",
		"LOG_LEVEL=warn",
		"SQA_OPT_OUT=true",
	}
	proc, err := Start(RepoRoot(), bin, env, "serve", "all", "--dev", "--sqa-opt-out")
	if err != nil {
		h.app.Close()
		return nil, err
	}
	h.proc = proc
	// Wait on the health endpoints, then fetch the JWKS once without a
	// short timeout: Hydra makes its ID token key pair (RSA 4096) on the
	// first request that needs it, and a polling client that gives up
	// after a second makes it start over.
	ctx := context.Background()
	for _, u := range []string{h.AdminURL + "/health/ready", h.PublicURL + "/health/alive"} {
		if err := proc.WaitHTTP(ctx, u, 60*time.Second); err != nil {
			h.Stop()
			return nil, err
		}
	}
	if err := h.warmKeys(); err != nil {
		h.Stop()
		return nil, err
	}
	return h, nil
}

// warmKeys has Hydra make its signing keys before the first test needs them.
func (h *Hydra) warmKeys() error {
	resp, err := (&http.Client{Timeout: 3 * time.Minute}).Get(h.PublicURL + "/.well-known/jwks.json")
	if err != nil {
		return fmt.Errorf("hydra keys: %w\n%s", err, h.proc.Output())
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("hydra keys: status %d\n%s", resp.StatusCode, h.proc.Output())
	}
	return nil
}

func freePortOrZero() int {
	p, err := freePort()
	if err != nil {
		return 0
	}
	return p
}

// Stop ends Hydra and its app; calling it again does nothing.
func (h *Hydra) Stop() {
	if h.proc != nil {
		h.proc.Stop()
		h.proc = nil
	}
	if h.app != nil {
		h.app.Close()
		h.app = nil
	}
}

// Output is what Hydra printed so far.
func (h *Hydra) Output() string {
	if h.proc == nil {
		return ""
	}
	return h.proc.Output()
}

// CreateClient registers an OAuth 2.0 client through the admin API
// (POST /admin/clients) and returns the stored client as Hydra answers it
// (with the client_secret it generated when none was given).
func (h *Hydra) CreateClient(tb testing.TB, client map[string]any) map[string]any {
	tb.Helper()
	var out map[string]any
	if err := h.admin(http.MethodPost, "/admin/clients", client, &out); err != nil {
		tb.Fatalf("hydra create client: %v", err)
	}
	return out
}

// admin calls the admin API with a JSON body and decodes the JSON answer.
func (h *Hydra) admin(method, path string, body, out any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequest(method, h.AdminURL+path, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if body == nil {
		req.Body, req.ContentLength = nil, 0
	}
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: status %d: %.500s", method, path, resp.StatusCode, data)
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

// serveApp is the login and consent app: it accepts every login (as the
// login_hint, or HydraUser) and grants every requested scope and audience,
// with profile claims in the ID token session.
func (h *Hydra) serveApp(w http.ResponseWriter, r *http.Request) {
	var redirect struct {
		RedirectTo string `json:"redirect_to"`
	}
	var err error
	switch r.URL.Path {
	case "/login":
		ch := r.URL.Query().Get("login_challenge")
		var lr struct {
			OIDCContext struct {
				LoginHint string `json:"login_hint"`
			} `json:"oidc_context"`
		}
		if err = h.admin(http.MethodGet, "/admin/oauth2/auth/requests/login?login_challenge="+url.QueryEscape(ch), nil, &lr); err == nil {
			user := lr.OIDCContext.LoginHint
			if user == "" {
				user = HydraUser
			}
			err = h.admin(http.MethodPut, "/admin/oauth2/auth/requests/login/accept?login_challenge="+url.QueryEscape(ch),
				map[string]any{"subject": user}, &redirect)
		}
	case "/consent":
		ch := r.URL.Query().Get("consent_challenge")
		var cr struct {
			Subject   string   `json:"subject"`
			Scope     []string `json:"requested_scope"`
			Audiences []string `json:"requested_access_token_audience"`
		}
		if err = h.admin(http.MethodGet, "/admin/oauth2/auth/requests/consent?consent_challenge="+url.QueryEscape(ch), nil, &cr); err == nil {
			claims := map[string]any{
				"email": cr.Subject + "@example.test", "email_verified": true,
				"name": "Test " + cr.Subject, "updated_at": HydraUpdatedAt,
			}
			err = h.admin(http.MethodPut, "/admin/oauth2/auth/requests/consent/accept?consent_challenge="+url.QueryEscape(ch),
				map[string]any{
					"grant_scope": cr.Scope, "grant_access_token_audience": cr.Audiences,
					"session": map[string]any{"id_token": claims},
				}, &redirect)
		}
	default:
		http.NotFound(w, r)
		return
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	http.Redirect(w, r, redirect.RedirectTo, http.StatusFound)
}

// Authorize follows authURL through Hydra and its login and consent app
// with a cookie-jar client and returns the redirect to redirectURL that
// ends the flow (with code and state, or an error).
func (h *Hydra) Authorize(tb testing.TB, authURL, redirectURL string) *url.URL {
	tb.Helper()
	jar, _ := cookiejar.New(nil)
	var final *url.URL
	hc := &http.Client{Jar: jar, Timeout: 20 * time.Second, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), redirectURL) {
			final = req.URL
			return http.ErrUseLastResponse
		}
		if len(via) > 15 {
			return fmt.Errorf("too many redirects")
		}
		return nil
	}}
	resp, err := hc.Get(authURL)
	if err != nil {
		tb.Fatalf("hydra authorize: %v", err)
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	resp.Body.Close()
	if final == nil {
		tb.Fatalf("hydra authorize ended at %s with status %d: %s", resp.Request.URL.Redacted(), resp.StatusCode, body)
	}
	return final
}
