package facade_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/auth/nexaas"
	"github.com/idsdk/idsdk-go/gen/nexaasid"
	"github.com/idsdk/idsdk-go/regions"
	"github.com/idsdk/idsdk-go/retry"
)

func TestNewRefusesAClientWithoutCredentials(t *testing.T) {
	_, err := nexaasid.New()
	if !errors.Is(err, auth.ErrNoCredentials) {
		t.Fatalf("New without credentials: %v, want auth.ErrNoCredentials", err)
	}
	if !strings.Contains(err.Error(), "WithoutAuthentication") {
		t.Errorf("the error does not say how to opt out: %v", err)
	}
	for name, opts := range map[string][]nexaasid.ClientOption{
		"token":                  {nexaasid.WithToken(auth.Bearer("tok"))},
		"identity":               {nexaasid.WithIdentity(nexaas.Config{ClientID: "id", ClientSecret: "s"}, auth.NewMemoryStore())},
		"application":            {nexaasid.WithApplication(nexaas.Config{ClientID: "id", ClientSecret: "s"})},
		"explicit opt-out":       {nexaasid.WithoutAuthentication()},
		"opt-out and a token":    {nexaasid.WithoutAuthentication(), nexaasid.WithToken(auth.Bearer("tok"))},
		"opt-out before options": {nexaasid.WithoutAuthentication(), nexaasid.WithRegion(regions.NexaasSandbox)},
	} {
		if _, err := nexaasid.New(opts...); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	both := []nexaasid.ClientOption{nexaasid.WithToken(auth.Bearer("tok")), nexaasid.WithApplication(nexaas.Config{ClientID: "id", ClientSecret: "s"})}
	if _, err := nexaasid.New(both...); err == nil {
		t.Error("WithToken and WithApplication together: accepted")
	}
	two := []nexaasid.ClientOption{nexaasid.WithApplication(nexaas.Config{ClientID: "id"}), nexaasid.WithApplication(nexaas.Config{ClientID: "id"})}
	if _, err := nexaasid.New(two...); err == nil {
		t.Error("two credential options: accepted")
	}
}

// hostRecorder answers every request the way a Nexaas ID server would and
// records the host and path each one went to.
type hostRecorder struct {
	mu   sync.Mutex
	seen []string
}

func (h *hostRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	h.mu.Lock()
	h.seen = append(h.seen, r.URL.Host+r.URL.Path)
	h.mu.Unlock()
	body := profileJSON
	if r.URL.Path == "/oauth/token" {
		body = `{"access_token":"new-access","refresh_token":"new-refresh","token_type":"Bearer","expires_in":3600}`
	}
	return &http.Response{
		StatusCode: http.StatusOK,
		Header:     http.Header{"Content-Type": {"application/json"}},
		Body:       io.NopCloser(strings.NewReader(body)),
		Request:    r,
	}, nil
}

func (h *hostRecorder) hosts() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.seen...)
}

// expiredStore holds a user's token that has expired, so the first call
// refreshes it.
func expiredStore() *auth.MemoryStore {
	s := auth.NewMemoryStore()
	_ = s.Save(context.Background(), &oauth2.Token{AccessToken: "old", RefreshToken: "refresh-1", Expiry: time.Now().Add(-time.Hour)})
	return s
}

func TestNexaasOneRegionDrivesAPIAndTokenRefresh(t *testing.T) {
	cfg := nexaas.Config{ClientID: "app", ClientSecret: "app-secret"}
	for _, tc := range []struct {
		name string
		opts []nexaasid.ClientOption
		host string
	}{
		{"sandbox", []nexaasid.ClientOption{nexaasid.WithRegion(regions.NexaasSandbox)}, "sandbox.id.nexaas.com"},
		{"production (default)", nil, "id.nexaas.com"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &hostRecorder{}
			store := expiredStore()
			opts := append(tc.opts, nexaasid.WithHTTPClient(&http.Client{Transport: rec}), nexaasid.WithRetry(retry.Off()),
				nexaasid.WithIdentity(cfg, store))
			c, err := nexaasid.New(opts...)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.Profile.Get(context.Background()); err != nil {
				t.Fatal(err)
			}
			want := []string{tc.host + "/oauth/token", tc.host + "/api/v1/profile"}
			if got := rec.hosts(); strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("requests went to %v, want %v", got, want)
			}
			if tok, _ := store.Load(context.Background()); tok == nil || tok.RefreshToken != "new-refresh" {
				t.Errorf("the rotated token was not saved: %v", tok)
			}
		})
	}
	t.Run("application token from the client's server", func(t *testing.T) {
		rec := &hostRecorder{}
		c, err := nexaasid.New(nexaasid.WithRegion(regions.NexaasSandbox), nexaasid.WithHTTPClient(&http.Client{Transport: rec}),
			nexaasid.WithApplication(cfg, "invite"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Profile.Get(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := rec.hosts(); len(got) != 2 || got[0] != "sandbox.id.nexaas.com/oauth/token" {
			t.Errorf("requests went to %v", got)
		}
	})
}

func TestNexaasRegionMismatchIsAnError(t *testing.T) {
	sandbox := nexaas.Config{BaseURL: regions.NexaasSandbox.URL, ClientID: "app", ClientSecret: "s"}
	production := nexaas.Config{ClientID: "app", ClientSecret: "s"}
	explicitProduction := nexaas.Config{BaseURL: regions.NexaasProduction.URL, ClientID: "app", ClientSecret: "s"}
	idSandbox, err := nexaas.Identity(sandbox, auth.NewMemoryStore())
	if err != nil {
		t.Fatal(err)
	}
	idProduction, err := nexaas.Identity(production, auth.NewMemoryStore())
	if err != nil {
		t.Fatal(err)
	}
	appProduction, err := nexaas.NewApplication(production)
	if err != nil {
		t.Fatal(err)
	}
	for name, opts := range map[string][]nexaasid.ClientOption{
		"API in sandbox, refresh in production":         {nexaasid.WithRegion(regions.NexaasSandbox), nexaasid.WithToken(idProduction)},
		"API in production, refresh in sandbox":         {nexaasid.WithToken(idSandbox)},
		"API in sandbox, application in production":     {nexaasid.WithRegion(regions.NexaasSandbox), nexaasid.WithToken(appProduction.Source("invite"))},
		"API in sandbox, application client itself":     {nexaasid.WithRegion(regions.NexaasSandbox), nexaasid.WithToken(appProduction)},
		"API on a base URL, identity config elsewhere":  {nexaasid.WithBaseURL("http://127.0.0.1:9"), nexaasid.WithIdentity(explicitProduction, auth.NewMemoryStore())},
		"API in production, application config sandbox": {nexaasid.WithApplication(sandbox)},
	} {
		if _, err := nexaasid.New(opts...); !errors.Is(err, auth.ErrEndpointMismatch) {
			t.Errorf("%s: %v, want auth.ErrEndpointMismatch", name, err)
		}
	}
	// The same server given both ways, or a source that names no endpoint,
	// is fine.
	for name, opts := range map[string][]nexaasid.ClientOption{
		"both in sandbox":        {nexaasid.WithRegion(regions.NexaasSandbox), nexaasid.WithToken(idSandbox)},
		"both in production":     {nexaasid.WithToken(idProduction)},
		"a bearer token":         {nexaasid.WithRegion(regions.NexaasSandbox), nexaasid.WithToken(auth.Bearer("t"))},
		"config naming the same": {nexaasid.WithRegion(regions.NexaasSandbox), nexaasid.WithIdentity(sandbox, auth.NewMemoryStore())},
	} {
		if _, err := nexaasid.New(opts...); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestWidgetURLsTakeTheClientToken(t *testing.T) {
	ctx := context.Background()
	c, err := nexaasid.New(nexaasid.WithToken(auth.Bearer("user-token")))
	if err != nil {
		t.Fatal(err)
	}
	u, err := c.Widgets.NavbarURL(ctx, nil)
	if want := "https://id.nexaas.com/api/v1/widgets/navbar?access_token=user-token"; err != nil || u != want {
		t.Errorf("NavbarURL(ctx, nil) = %q, %v; want %q", u, err, want)
	}
	u, err = c.Widgets.UserJSURL(ctx, nil)
	if want := "https://id.nexaas.com/api/v1/widgets/user.js?access_token=user-token"; err != nil || u != want {
		t.Errorf("UserJSURL(ctx, nil) = %q, %v; want %q", u, err, want)
	}
	other := "other-user"
	u, err = c.Widgets.NavbarURL(ctx, &nexaasid.WidgetsNavbarURLParams{AccessToken: &other})
	if q, _ := url.Parse(u); err != nil || q.Query().Get("access_token") != other {
		t.Errorf("an explicit token: %q, %v", u, err)
	}

	bare, err := nexaasid.New(nexaasid.WithoutAuthentication())
	if err != nil {
		t.Fatal(err)
	}
	if u, err := bare.Widgets.NavbarURL(ctx, nil); !errors.Is(err, auth.ErrNoCredentials) {
		t.Errorf("no token source: %q, %v; want auth.ErrNoCredentials", u, err)
	}

	boom := errors.New("token endpoint down")
	failing, err := nexaasid.New(nexaasid.WithToken(auth.Func(func(context.Context) (*oauth2.Token, error) { return nil, boom })))
	if err != nil {
		t.Fatal(err)
	}
	if u, err := failing.Widgets.NavbarURL(ctx, nil); !errors.Is(err, boom) || u != "" {
		t.Errorf("failing source: %q, %v", u, err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	seen := make(chan context.Context, 1)
	ctxSource, err := nexaasid.New(nexaasid.WithToken(auth.Func(func(ctx context.Context) (*oauth2.Token, error) {
		seen <- ctx
		return nil, ctx.Err()
	})))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ctxSource.Widgets.NavbarURL(cancelled, nil); !errors.Is(err, context.Canceled) || <-seen != cancelled {
		t.Errorf("the call's context did not reach the token source: %v", err)
	}
}

func TestTimeoutAndMaxRetriesKeepTheRetryPolicy(t *testing.T) {
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			time.Sleep(300 * time.Millisecond) // the first attempt times out
			return
		}
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	p := fastRetry()
	p.MaxRetries = 5
	before := *p
	c := newClient(t, srv.URL, nexaasid.WithRetry(p), nexaasid.WithTimeout(50*time.Millisecond), nexaasid.WithMaxRetries(2))
	start := time.Now()
	_, err := c.Profile.Get(context.Background())
	if err == nil {
		t.Fatal("no error")
	}
	if n := calls.Load(); n != 3 {
		t.Errorf("%d attempts, want 3 (WithMaxRetries(2), the timed-out attempt retried like a 503)", n)
	}
	if d := time.Since(start); d > 250*time.Millisecond {
		t.Errorf("took %s: the 50ms attempt timeout was not applied", d)
	}
	if p.MaxRetries != before.MaxRetries || p.AttemptTimeout != before.AttemptTimeout {
		t.Errorf("the caller's policy was changed: %+v", p)
	}
	for _, o := range []nexaasid.ClientOption{nexaasid.WithTimeout(0), nexaasid.WithMaxRetries(-1)} {
		if _, err := nexaasid.New(o, nexaasid.WithoutAuthentication()); err == nil {
			t.Error("bad value accepted")
		}
	}
}
