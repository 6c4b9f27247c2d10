package facade_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth"
	sdkerrors "github.com/idsdk/idsdk-go/errors"
	"github.com/idsdk/idsdk-go/gen/nexaasid"
	"github.com/idsdk/idsdk-go/internal/facade"
	"github.com/idsdk/idsdk-go/internal/redact/redacttest"
	"github.com/idsdk/idsdk-go/regions"
	"github.com/idsdk/idsdk-go/retry"
)

const profileJSON = `{"id":"1f0c7a8e-9c57-4b0e-8f5b-2f4a8d3c6b71","name":"Ana","email":"ana@example.com","full_name":"Ana Souza","birth":"1990-04-01","language":"pt-BR"}`

// fastRetry retries quickly, so that fault tests stay short.
func fastRetry() *retry.Policy {
	p := retry.Default()
	p.MinWait, p.MaxWait = time.Millisecond, 2*time.Millisecond
	return p
}

func newClient(t *testing.T, url string, opts ...nexaasid.ClientOption) *nexaasid.Client {
	t.Helper()
	base := []nexaasid.ClientOption{nexaasid.WithBaseURL(url), nexaasid.WithToken(auth.Bearer("tok-123")), nexaasid.WithRetry(fastRetry())}
	c, err := nexaasid.New(append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestGetProfileSendsAndDecodes(t *testing.T) {
	var got *http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Clone(context.Background())
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		io.WriteString(w, profileJSON)
	}))
	defer srv.Close()
	c := newClient(t, srv.URL+"/", nexaasid.WithHeader("X-Tenant", "acme"), nexaasid.WithUserAgent("app/1.0"))
	p, err := c.Profile.Get(context.Background(), nexaasid.WithRequestHeader("X-Trace", "t1"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("Ana Souza", *p.FullName); diff != "" {
		t.Errorf("full_name: %s", diff)
	}
	if p.ID != "1f0c7a8e-9c57-4b0e-8f5b-2f4a8d3c6b71" || p.Birth.String() != "1990-04-01" {
		t.Errorf("decoded %+v", p)
	}
	want := map[string]string{
		"Authorization": "Bearer tok-123",
		"Accept":        "application/json",
		"User-Agent":    "app/1.0",
		"X-Tenant":      "acme",
		"X-Trace":       "t1",
	}
	for k, v := range want {
		if g := got.Header.Get(k); g != v {
			t.Errorf("header %s = %q, want %q", k, g, v)
		}
	}
	if got.Method != http.MethodGet || got.URL.Path != "/api/v1/profile" {
		t.Errorf("request %s %s", got.Method, got.URL.Path)
	}
}

func TestDefaultsAndOptionErrors(t *testing.T) {
	c, err := nexaasid.New(nexaasid.WithoutAuthentication())
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL() != "https://id.nexaas.com" {
		t.Errorf("default base URL %q", c.BaseURL())
	}
	c, err = nexaasid.New(nexaasid.WithRegion(regions.NexaasSandbox), nexaasid.WithoutAuthentication())
	if err != nil || c.BaseURL() != "https://sandbox.id.nexaas.com" {
		t.Errorf("sandbox: %v %v", c, err)
	}
	bad := map[string]nexaasid.ClientOption{
		"other API region": nexaasid.WithRegion(regions.Server{API: "authlete", Name: "us", URL: "https://us.authlete.com"}),
		"plain http":       nexaasid.WithBaseURL("http://id.nexaas.com"),
		"query":            nexaasid.WithBaseURL("https://id.nexaas.com/?access_token=secret"),
		"nil token":        nexaasid.WithToken(nil),
		"nil retry":        nexaasid.WithRetry(nil),
		"nil client":       nexaasid.WithHTTPClient(nil),
		"header CRLF":      nexaasid.WithHeader("X-A", "b\r\nX-Evil: 1"),
	}
	for name, opt := range bad {
		if _, err := nexaasid.New(opt, nexaasid.WithoutAuthentication()); err == nil {
			t.Errorf("%s: accepted", name)
		} else if strings.Contains(err.Error(), "secret") {
			t.Errorf("%s: error leaks the query: %v", name, err)
		}
	}
}

func TestErrorMapping(t *testing.T) {
	big := strings.Repeat("x", sdkerrors.MaxBodyBytes*2)
	cases := []struct {
		name     string
		status   int
		ctype    string
		body     string
		header   map[string]string
		sentinel error
		check    func(t *testing.T, err error)
	}{
		{name: "doorkeeper 401", status: 401, ctype: "application/json", body: `{"error":"invalid_token","error_description":"The access token expired"}`, sentinel: sdkerrors.ErrUnauthorized,
			check: func(t *testing.T, err error) {
				var oe *sdkerrors.OAuthError
				if !errors.As(err, &oe) || oe.Code != "invalid_token" {
					t.Errorf("want OAuthError invalid_token, got %#v", err)
				}
				var nx *sdkerrors.NexaasError
				if !errors.As(err, &nx) || nx.StatusCode != 401 || !strings.Contains(string(nx.Body), "invalid_token") {
					t.Errorf("want NexaasError with status and body, got %#v", err)
				}
			}},
		{name: "401 challenge only", status: 401, header: map[string]string{"WWW-Authenticate": `Bearer realm="Doorkeeper", error="invalid_token", error_description="The access token was revoked"`}, sentinel: sdkerrors.ErrUnauthorized,
			check: func(t *testing.T, err error) {
				var oe *sdkerrors.OAuthError
				if !errors.As(err, &oe) || !strings.Contains(oe.Description, "revoked") {
					t.Errorf("want revoked OAuthError from the challenge, got %#v", err)
				}
			}},
		{name: "404", status: 404, ctype: "application/json", body: `{"error":"not_found"}`, sentinel: sdkerrors.ErrNotFound},
		{name: "403", status: 403, ctype: "application/json", body: `{"error":"insufficient_scope"}`, sentinel: sdkerrors.ErrForbidden},
		{name: "html 502", status: 502, ctype: "text/html", body: `<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>`, sentinel: sdkerrors.ErrServer,
			check: func(t *testing.T, err error) {
				if !strings.Contains(err.Error(), "502") {
					t.Errorf("message does not name the status: %v", err)
				}
			}},
		{name: "empty 500", status: 500, sentinel: sdkerrors.ErrServer,
			check: func(t *testing.T, err error) {
				if !strings.Contains(err.Error(), "500") {
					t.Errorf("message does not name the status: %v", err)
				}
			}},
		{name: "huge 500 body", status: 500, ctype: "text/plain", body: big, sentinel: sdkerrors.ErrServer,
			check: func(t *testing.T, err error) {
				var ae *sdkerrors.APIError
				if !errors.As(err, &ae) || len(ae.Body) != sdkerrors.MaxBodyBytes || !ae.Truncated {
					t.Errorf("body not capped: len=%d truncated=%v", len(ae.Body), ae.Truncated)
				}
			}},
		{name: "429", status: 429, header: map[string]string{"Retry-After": "3600"}, sentinel: sdkerrors.ErrRateLimited,
			check: func(t *testing.T, err error) {
				var rl *sdkerrors.RateLimitError
				if !errors.As(err, &rl) || rl.RetryAfter != time.Hour {
					t.Errorf("want RateLimitError with RetryAfter 1h, got %#v", err)
				}
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var n atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n.Add(1)
				for k, v := range tc.header {
					w.Header().Set(k, v)
				}
				if tc.ctype != "" {
					w.Header().Set("Content-Type", tc.ctype)
				}
				w.WriteHeader(tc.status)
				io.WriteString(w, tc.body)
			}))
			defer srv.Close()
			c := newClient(t, srv.URL, nexaasid.WithRetry(retry.Off()))
			_, err := c.Profile.Get(context.Background())
			if !errors.Is(err, tc.sentinel) {
				t.Fatalf("err = %v, want %v", err, tc.sentinel)
			}
			var ae *sdkerrors.APIError
			if !errors.As(err, &ae) || ae.Operation != "GetProfile" || ae.API != "nexaasid" || ae.StatusCode != tc.status {
				t.Errorf("APIError = %#v", ae)
			}
			if tc.check != nil {
				tc.check(t, err)
			}
		})
	}
}

func TestBadSuccessBodies(t *testing.T) {
	for name, h := range map[string]http.HandlerFunc{
		"bad json": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"id": "1f0c7a8e-`)
		},
		"html": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, "<html>captive portal</html>")
		},
		"empty": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
		},
		"too large": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"id":"1f0c7a8e-9c57-4b0e-8f5b-2f4a8d3c6b71","bio":"`)
			chunk := strings.Repeat("a", 1<<20)
			for i := 0; i <= facade.MaxResponseBytes>>20; i++ {
				io.WriteString(w, chunk)
			}
			io.WriteString(w, `"}`)
		},
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(h)
			defer srv.Close()
			_, err := newClient(t, srv.URL).Profile.Get(context.Background())
			var de *sdkerrors.DecodeError
			if !errors.As(err, &de) || de.StatusCode != 200 || de.Operation != "GetProfile" {
				t.Fatalf("err = %v, want a *DecodeError for a 200", err)
			}
		})
	}
}

// A member that does not fit its Go type names itself in the error, and the
// rest of the answer, the body and unknown members stay reachable.
func TestDecodeErrorNamesTheMemberAndKeepsTheRest(t *testing.T) {
	body := `{"id":"1f0c7a8e-9c57-4b0e-8f5b-2f4a8d3c6b71","full_name":"Ana Souza","birth":"the first of April","pronouns":"she/her"}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, body)
	}))
	defer srv.Close()
	_, err := newClient(t, srv.URL).Profile.Get(context.Background())
	var de *sdkerrors.DecodeError
	if !errors.As(err, &de) || de.Path != "birth" || !strings.Contains(err.Error(), "birth") {
		t.Fatalf("err = %v, want a *DecodeError naming birth", err)
	}
	if string(de.Body) != body {
		t.Errorf("body %q", de.Body)
	}
	p, ok := de.Value.(*nexaasid.Profile)
	if !ok || p.FullName == nil || *p.FullName != "Ana Souza" || p.Birth != nil || string(p.Unknown) != `{"pronouns":"she/her"}` {
		t.Errorf("rest of the answer: %#v", de.Value)
	}
}

// Members the document does not declare come back from a call and are
// sent again when the value is written.
func TestUnknownMembersSurviveACall(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"1f0c7a8e-9c57-4b0e-8f5b-2f4a8d3c6b71","full_name":"Ana Souza","pronouns":"she/her","links":{"site":"https://ana.example"}}`)
	}))
	defer srv.Close()
	p, err := newClient(t, srv.URL).Profile.Get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"full_name":"Ana Souza","id":"1f0c7a8e-9c57-4b0e-8f5b-2f4a8d3c6b71","pronouns":"she/her","links":{"site":"https://ana.example"}}`; string(out) != want {
		t.Errorf("re-encoded\n got %s\nwant %s", out, want)
	}
}

func TestTokenFailureSendsNothing(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { n.Add(1) }))
	defer srv.Close()
	boom := errors.New("token endpoint down")
	failing := oauth2.TokenSource(tokenFunc(func() (*oauth2.Token, error) { return nil, boom }))
	c := newClient(t, srv.URL, nexaasid.WithToken(failing))
	_, err := c.Profile.Get(context.Background())
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the token source's error", err)
	}
	var ae *auth.TokenError
	if !errors.As(err, &ae) {
		t.Errorf("err = %v, want an *auth.TokenError inside", err)
	}
	if n.Load() != 0 {
		t.Errorf("%d requests reached the API without a token", n.Load())
	}
}

type tokenFunc func() (*oauth2.Token, error)

func (f tokenFunc) Token() (*oauth2.Token, error) { return f() }

func TestRedirectToAnotherHostDropsToken(t *testing.T) {
	var leaked atomic.Value
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked.Store(r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, profileJSON)
	}))
	defer other.Close()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok-123" {
			t.Errorf("API host did not get the token")
		}
		http.Redirect(w, r, other.URL+"/elsewhere", http.StatusFound)
	}))
	defer api.Close()
	// Both servers are on 127.0.0.1; "localhost" makes the API's origin differ.
	apiURL := strings.Replace(api.URL, "127.0.0.1", "localhost", 1)
	if _, err := newClient(t, apiURL).Profile.Get(context.Background()); err != nil {
		t.Fatal(err)
	}
	if v, _ := leaked.Load().(string); v != "" {
		t.Errorf("redirect target received Authorization %q", v)
	}
}

func TestPerCallOptions(t *testing.T) {
	var hits atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.Header.Get("Authorization") != "Bearer tok-123" {
			t.Errorf("per-call base URL did not get the token")
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, profileJSON)
	}))
	defer other.Close()
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	defer slow.Close()
	c := newClient(t, strings.Replace(slow.URL, "127.0.0.1", "localhost", 1))

	if _, err := c.Profile.Get(context.Background(), nexaasid.WithRequestBaseURL(other.URL)); err != nil || hits.Load() != 1 {
		t.Errorf("per-call base URL: %v, hits %d", err, hits.Load())
	}
	if _, err := c.Profile.Get(context.Background(), nexaasid.WithRequestBaseURL("http://example.com")); err == nil {
		t.Errorf("per-call base URL over plain http to a remote host accepted")
	}
	_, err := c.Profile.Get(context.Background(), nexaasid.WithRequestTimeout(50*time.Millisecond))
	if !errors.Is(err, sdkerrors.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("timeout: err = %v", err)
	}
	var re *sdkerrors.RequestError
	if !errors.As(err, &re) || re.Operation != "GetProfile" {
		t.Errorf("timeout: want *RequestError, got %#v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Profile.Get(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled ctx: err = %v", err)
	}
	if _, err := c.Profile.Get(context.Background(), nexaasid.WithRequestTimeout(-1)); err == nil {
		t.Errorf("negative timeout accepted")
	}
}

func TestRetriesAndIdempotency(t *testing.T) {
	var gets, posts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.Method {
		case http.MethodGet:
			if gets.Add(1) < 3 {
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			io.WriteString(w, profileJSON)
		case http.MethodPost:
			if posts.Add(1) == 1 {
				w.WriteHeader(http.StatusInternalServerError)
				io.WriteString(w, `{"error":"server_error"}`)
				return
			}
			io.WriteString(w, `{"id":"1f0c7a8e-9c57-4b0e-8f5b-2f4a8d3c6b71","email":"b@example.com","requester":null}`)
		}
	}))
	defer srv.Close()
	c := newClient(t, srv.URL)
	if _, err := c.Profile.Get(context.Background()); err != nil || gets.Load() != 3 {
		t.Errorf("GET after two 503s: %v after %d requests", err, gets.Load())
	}
	body := nexaasid.SignUpRequest{Invited: "b@example.com"}
	_, err := c.SignUps.Create(context.Background(), body)
	if !errors.Is(err, sdkerrors.ErrServer) || posts.Load() != 1 {
		t.Errorf("POST with 500: err %v after %d requests; a POST must not be repeated", err, posts.Load())
	}
	posts.Store(0)
	su, err := c.SignUps.Create(context.Background(), body, nexaasid.WithIdempotencyKey("invite-b"))
	if err != nil || posts.Load() != 2 {
		t.Errorf("POST with an idempotency key: %v after %d requests", err, posts.Load())
	}
	if err == nil && su.Requester != nil {
		t.Errorf("requester = %v, want null for an application", su.Requester)
	}
}

func TestURLBuilders(t *testing.T) {
	c, err := nexaasid.New(nexaasid.WithRegion(regions.NexaasSandbox), nexaasid.WithoutAuthentication())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	tok := "user-token"
	u, err := c.Widgets.NavbarURL(ctx, &nexaasid.WidgetsNavbarURLParams{AccessToken: &tok})
	if want := "https://sandbox.id.nexaas.com/api/v1/widgets/navbar?access_token=user-token"; err != nil || u != want {
		t.Errorf("NavbarURL = %q, %v; want %q", u, err, want)
	}
	cb := "start"
	u, err = c.Widgets.UserJSURL(ctx, &nexaasid.WidgetsUserJSURLParams{AccessToken: tok, Callback: &cb})
	if want := "https://sandbox.id.nexaas.com/api/v1/widgets/user.js?access_token=user-token&callback=start"; err != nil || u != want {
		t.Errorf("UserJSURL = %q, %v; want %q", u, err, want)
	}
}

// TestDoSendsWhatNoMethodCovers: the escape hatch sends any request with
// the client's token, default headers and error decoding; a body value is
// JSON, a reader is sent as is with the caller's content type, *[]byte
// receives the raw answer, and a non-2xx answer is an *errors.APIError.
func TestDoSendsWhatNoMethodCovers(t *testing.T) {
	type seen struct{ method, uri, auth, ua, ctype, body string }
	var got []seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = append(got, seen{r.Method, r.URL.RequestURI(), r.Header.Get("Authorization"), r.Header.Get("User-Agent"), r.Header.Get("Content-Type"), string(b)})
		switch r.URL.Path {
		case "/api/v1/missing":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"error":"not_found"}`)
		case "/api/v1/raw":
			io.WriteString(w, "plain text")
		default:
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"id":"e-1","echo":true}`)
		}
	}))
	defer srv.Close()
	c := newClient(t, srv.URL)
	ctx := context.Background()
	var out struct {
		ID   string `json:"id"`
		Echo bool   `json:"echo"`
	}
	if err := c.Do(ctx, http.MethodPost, "/api/v1/emails?notify=1", map[string]string{"email": "a@b.example"}, &out); err != nil || out.ID != "e-1" || !out.Echo {
		t.Fatalf("Do POST = %+v, %v", out, err)
	}
	if err := c.Do(ctx, http.MethodPut, "/api/v1/upload", strings.NewReader("a,b"), nil, nexaasid.WithRequestHeader("Content-Type", "text/csv")); err != nil {
		t.Fatal(err)
	}
	var raw []byte
	if err := c.Do(ctx, http.MethodGet, "/api/v1/raw", nil, &raw); err != nil || string(raw) != "plain text" {
		t.Fatalf("Do GET raw = %q, %v", raw, err)
	}
	err := c.Do(ctx, http.MethodGet, "/api/v1/missing", nil, nil)
	var ae *sdkerrors.APIError
	if !errors.Is(err, sdkerrors.ErrNotFound) || !errors.As(err, &ae) || ae.StatusCode != http.StatusNotFound {
		t.Fatalf("Do GET missing = %v, want an APIError matching ErrNotFound", err)
	}
	want := []seen{
		{"POST", "/api/v1/emails?notify=1", "Bearer tok-123", got[0].ua, "application/json", `{"email":"a@b.example"}`},
		{"PUT", "/api/v1/upload", "Bearer tok-123", got[0].ua, "text/csv", "a,b"},
		{"GET", "/api/v1/raw", "Bearer tok-123", got[0].ua, "", ""},
		{"GET", "/api/v1/missing", "Bearer tok-123", got[0].ua, "", ""},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(seen{})); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(got[0].ua, "idsdk-go/") {
		t.Errorf("User-Agent %q, want the client's", got[0].ua)
	}
	for _, bad := range []string{"api/v1/x", "//evil.example/x", "https://evil.example/x"} {
		if err := c.Do(ctx, http.MethodGet, bad, nil, nil); err == nil {
			t.Errorf("Do accepted the path %q", bad)
		}
	}
	if len(got) != 4 {
		t.Errorf("%d requests, want 4 (a bad path sends nothing)", len(got))
	}
}

func TestFormattingLeaksNothing(t *testing.T) {
	c := newClient(t, "https://id.nexaas.com")
	for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
		if s := fmt.Sprintf(f, c); strings.Contains(s, "tok-123") {
			t.Errorf("%s of a client shows the token: %s", f, s)
		}
		if s := fmt.Sprintf(f, auth.Bearer("tok-123")); strings.Contains(s, "tok-123") {
			t.Errorf("%s of auth.Bearer shows the token: %s", f, s)
		}
	}
}

// TestErrorScrubsEchoedToken: an API that repeats the bearer token it was
// sent (in its message and body) does not get it into the error.
func TestErrorScrubsEchoedToken(t *testing.T) {
	const token = "TOKEN-facade-echo-3d3d3d"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"error":"invalid_token","error_description":"bad token %s (%s)"}`, strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "), r.Header.Get("Authorization"))
	}))
	defer srv.Close()
	c := newClient(t, srv.URL+"/", nexaasid.WithToken(auth.Bearer(token)))
	_, err := c.Profile.Get(context.Background())
	if err == nil {
		t.Fatal("no error")
	}
	redacttest.Check(t, "error", err, token)
	var ae *sdkerrors.APIError
	if !errors.As(err, &ae) || strings.Contains(string(ae.Body), token) || !strings.Contains(ae.Message, "[redacted]") {
		t.Errorf("the APIError keeps the token: %+v / %s", ae, ae.Body)
	}
}
