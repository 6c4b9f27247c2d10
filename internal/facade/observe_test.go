package facade_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/auth/nexaas"
	"github.com/idsdk/idsdk-go/gen/nexaasid"
	"github.com/idsdk/idsdk-go/observe"
)

const (
	obsSecret     = "SECRET-client-71c0"
	obsOldRefresh = "TOKEN-refresh-old-93ab"
	obsAccess     = "TOKEN-access-new-4e21"
	obsRefresh    = "TOKEN-refresh-new-c5d8"
	obsQuery      = "SECRET-query-0a9f"
)

// observedServer is a Nexaas ID server whose first profile answer is a
// 503; its token endpoint rotates the user's tokens.
func observedServer(t *testing.T) *httptest.Server {
	var profiles atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path == "/oauth/token":
			fmt.Fprintf(w, `{"access_token":%q,"refresh_token":%q,"token_type":"Bearer","expires_in":3600}`, obsAccess, obsRefresh)
		case r.URL.Path == "/api/v1/profile" && profiles.Add(1) == 1:
			w.WriteHeader(http.StatusServiceUnavailable)
		default:
			io.WriteString(w, profileJSON)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func observedStore() *auth.MemoryStore {
	s := auth.NewMemoryStore()
	_ = s.Save(context.Background(), &oauth2.Token{AccessToken: "TOKEN-access-old", RefreshToken: obsOldRefresh, Expiry: time.Now().Add(-time.Hour)})
	return s
}

// TestLoggerOneRecordPerAttemptAndToken: WithLogger (JSON) and a retry
// policy's Logger (text) each get one record per attempt, naming the API
// and operation, and one per token refresh, and neither holds a secret.
func TestLoggerOneRecordPerAttemptAndToken(t *testing.T) {
	srv := observedServer(t)
	var jsonBuf, textBuf bytes.Buffer
	debug := &slog.HandlerOptions{Level: slog.LevelDebug}
	policy := fastRetry()
	policy.Logger = slog.New(slog.NewTextHandler(&textBuf, debug))
	c, err := nexaasid.New(nexaasid.WithBaseURL(srv.URL), nexaasid.WithRetry(policy),
		nexaasid.WithLogger(slog.New(slog.NewJSONHandler(&jsonBuf, debug))),
		nexaasid.WithIdentity(nexaas.Config{ClientID: "app", ClientSecret: obsSecret}, observedStore()))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.Profile.Get(ctx); err != nil {
		t.Fatal(err)
	}
	// A request of the raw HTTP client: its attempt is logged too,
	// without the query.
	resp, err := c.HTTPClient().Get(srv.URL + "/api/v1/profile/emails?access_token=" + obsQuery)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	type rec struct {
		Msg, API, Operation, Method, URL, Retry, Kind, Outcome string
		Attempt, Status                                        float64
		HasDuration, HasExpiry, HasWait                        bool
	}
	var got []rec
	for _, line := range strings.Split(strings.TrimSpace(jsonBuf.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		var r rec
		r.Msg, _ = m["msg"].(string)
		r.API, _ = m["api"].(string)
		r.Operation, _ = m["operation"].(string)
		r.Method, _ = m["method"].(string)
		r.URL, _ = m["url"].(string)
		r.Retry, _ = m["retry"].(string)
		r.Kind, _ = m["kind"].(string)
		r.Outcome, _ = m["outcome"].(string)
		r.Attempt, _ = m["attempt"].(float64)
		r.Status, _ = m["status"].(float64)
		_, r.HasDuration = m["duration_ms"]
		_, r.HasExpiry = m["expiry"]
		_, r.HasWait = m["wait"]
		got = append(got, r)
	}
	profile := srv.URL + "/api/v1/profile"
	want := []rec{
		{Msg: "token refresh", Kind: "refresh_token", Outcome: "ok", HasDuration: true, HasExpiry: true},
		{Msg: "http attempt", API: "nexaasid", Operation: "GetProfile", Method: "GET", URL: profile, Retry: "status 503", Attempt: 1, Status: 503, HasDuration: true, HasWait: true},
		{Msg: "http attempt", API: "nexaasid", Operation: "GetProfile", Method: "GET", URL: profile, Attempt: 2, Status: 200, HasDuration: true},
		{Msg: "http attempt", Method: "GET", URL: profile + "/emails", Attempt: 1, Status: 200, HasDuration: true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("JSON records (-want +got):\n%s\n%s", diff, jsonBuf.String())
	}
	text := textBuf.String()
	if n := strings.Count(text, `msg="http attempt"`); n != 3 {
		t.Errorf("text handler: %d attempt records, want 3:\n%s", n, text)
	}
	for _, s := range []string{`api=nexaasid operation=GetProfile`, `msg="token refresh" kind=refresh_token outcome=ok`} {
		if !strings.Contains(text, s) {
			t.Errorf("text records lack %q:\n%s", s, text)
		}
	}
	for _, out := range []string{jsonBuf.String(), text} {
		for _, s := range []string{obsSecret, obsOldRefresh, obsAccess, obsRefresh, obsQuery, "access_token", "Bearer", "Authorization"} {
			if strings.Contains(out, s) {
				t.Errorf("log holds %q:\n%s", s, out)
			}
		}
	}
}

// TestObserverSeesCallsAttemptsAndTokens: WithObserver gets StartCall and
// EndCall around each call, with the operation, URL template, attempts
// and final status, its attempts tied to the call, and the token refresh
// of the credential option.
func TestObserverSeesCallsAttemptsAndTokens(t *testing.T) {
	srv := observedServer(t)
	rec := &recorder{}
	c, err := nexaasid.New(nexaasid.WithBaseURL(srv.URL), nexaasid.WithRetry(fastRetry()), nexaasid.WithObserver(rec),
		nexaasid.WithIdentity(nexaas.Config{ClientID: "app", ClientSecret: obsSecret}, observedStore()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Profile.Get(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"start nexaasid GetProfile GET " + srv.URL + "/api/v1/profile /api/v1/profile",
		"token refresh_token refresh=true ok",
		"attempt GetProfile 1 503 retry=true status 503",
		"attempt GetProfile 2 200 retry=false ",
		"end GetProfile attempts=2 status=200 err=<nil>",
	}
	if diff := cmp.Diff(want, rec.events()); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if rec.lastCall.Duration <= 0 || rec.lastCall.Start.IsZero() {
		t.Errorf("call timing not set: %+v", rec.lastCall)
	}
}

// TestObserverOptionsRefuseNil: WithLogger(nil) and WithObserver(nil) are
// mistakes, not silent no-ops.
func TestObserverOptionsRefuseNil(t *testing.T) {
	for name, o := range map[string]nexaasid.ClientOption{"logger": nexaasid.WithLogger(nil), "observer": nexaasid.WithObserver(nil)} {
		if _, err := nexaasid.New(nexaasid.WithoutAuthentication(), o); err == nil {
			t.Errorf("%s: nil accepted", name)
		}
	}
}

type recorder struct {
	mu       sync.Mutex
	ev       []string
	lastCall observe.Call
}

func (r *recorder) add(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ev = append(r.ev, fmt.Sprintf(format, args...))
}

func (r *recorder) events() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.ev...)
}

func (r *recorder) StartCall(ctx context.Context, c *observe.Call) context.Context {
	r.add("start %s %s %s %s %s", c.API, c.Operation, c.Method, c.URL, c.Template)
	return ctx
}

func (r *recorder) Attempt(ctx context.Context, a *observe.Attempt) {
	op := "<none>"
	if a.Call != nil && a.Call == observe.CallFrom(ctx) {
		op = a.Call.Operation
	}
	r.add("attempt %s %d %d retry=%v %s", op, a.N, a.Status, a.Retry, a.Reason)
}

func (r *recorder) EndCall(_ context.Context, c *observe.Call, err error) {
	r.add("end %s attempts=%d status=%d err=%v", c.Operation, c.Attempts, c.Status, err)
	r.mu.Lock()
	r.lastCall = *c
	r.mu.Unlock()
}

func (r *recorder) Token(_ context.Context, t *observe.Token) {
	r.add("token %s refresh=%v %s", t.Kind, t.Refresh, t.Outcome())
}

// BenchmarkProfileGetObserved is BenchmarkProfileGet's facade call with a
// logger: one whose handler drops debug records, and one that writes
// them (JSON, discarded).
func BenchmarkProfileGetObserved(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, profileJSON)
	}))
	defer srv.Close()
	for name, level := range map[string]slog.Level{"info": slog.LevelInfo, "debug": slog.LevelDebug} {
		b.Run(name, func(b *testing.B) {
			l := slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: level}))
			c, err := nexaasid.New(nexaasid.WithBaseURL(srv.URL), nexaasid.WithToken(auth.Bearer("tok-123")), nexaasid.WithLogger(l))
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Profile.Get(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
