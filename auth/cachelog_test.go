package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/idsdk/idsdk-go/observe"
)

// TestCacheLoggerRecordsFetchAndRefresh: one record per token request,
// with kind, outcome and expiry, and no secret in either slog handler's
// output, even when the server echoes the client secret.
func TestCacheLoggerRecordsFetchAndRefresh(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if n.Add(1) == 1 {
			fmt.Fprintf(w, `{"access_token":%q,"refresh_token":%q,"token_type":"Bearer","expires_in":3600}`, leakAccess, leakRefresh)
			return
		}
		w.WriteHeader(400)
		fmt.Fprintf(w, `{"error":"invalid_client","error_description":"client_secret=%s is wrong"}`, leakSecret)
	}))
	defer srv.Close()

	var jsonBuf, textBuf bytes.Buffer
	debug := &slog.HandlerOptions{Level: slog.LevelDebug}
	cc := &ClientCredentials{ClientAuth: ClientAuth{TokenURL: srv.URL + "/oauth/token", ClientID: "app", ClientSecret: leakSecret, AuthMethod: ClientSecretPost}}
	cache := NewCache(cc,
		WithCacheLogger(slog.New(slog.NewJSONHandler(&jsonBuf, debug))),
		WithCacheLogger(slog.New(slog.NewTextHandler(&textBuf, debug))),
		WithBackoff(time.Millisecond, time.Millisecond))
	ctx := context.Background()
	tok, err := cache.TokenContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cache.Invalidate(tok)
	if _, err := cache.TokenContext(ctx); err == nil {
		t.Fatal("want the second fetch to fail")
	}

	var recs []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(jsonBuf.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		recs = append(recs, m)
	}
	if len(recs) != 2 {
		t.Fatalf("%d records, want 2:\n%s", len(recs), jsonBuf.String())
	}
	first, second := recs[0], recs[1]
	if first["msg"] != "token fetch" || first["kind"] != "client_credentials" || first["outcome"] != "ok" || first["level"] != "DEBUG" {
		t.Errorf("first record: %v", first)
	}
	exp, _ := time.Parse(time.RFC3339Nano, fmt.Sprint(first["expiry"]))
	if d := time.Until(exp); d < 59*time.Minute || d > time.Hour {
		t.Errorf("expiry %v is not an hour away", first["expiry"])
	}
	if _, ok := first["duration_ms"].(float64); !ok {
		t.Errorf("no duration_ms in %v", first)
	}
	if second["msg"] != "token refresh" || second["outcome"] != "error" || second["error"] == nil || second["expiry"] != nil {
		t.Errorf("second record: %v", second)
	}
	if !strings.Contains(textBuf.String(), "msg=\"token refresh\"") || !strings.Contains(textBuf.String(), "kind=client_credentials") {
		t.Errorf("text records:\n%s", textBuf.String())
	}
	for _, out := range []string{jsonBuf.String(), textBuf.String()} {
		for _, s := range []string{leakSecret, leakAccess, leakRefresh} {
			if strings.Contains(out, s) {
				t.Errorf("log holds %q:\n%s", s, out)
			}
		}
	}
}

// TestCacheObserverKinds: the kind names the credential, and a cache hit
// reports nothing.
func TestCacheObserverKinds(t *testing.T) {
	var got []observe.Token
	rec := tokenRecorder(func(ev *observe.Token) { got = append(got, *ev) })
	ctx := context.Background()
	for _, c := range []*Cache{
		NewCache(NewFake("a"), WithCacheObserver(rec)),
		NewCache(Func(NewFake("b").TokenContext), WithCacheObserver(rec)),
		NewCache(NewRefreshSource(RefreshConfig{}, nil), WithCacheObserver(rec)),
	} {
		_, _ = c.TokenContext(ctx)
		_, _ = c.TokenContext(ctx)
	}
	var kinds []string
	for _, ev := range got {
		kinds = append(kinds, ev.Kind+"/"+ev.Outcome())
	}
	if want := "fake/ok func/ok refresh_token/error"; strings.Join(kinds, " ") != want {
		t.Errorf("kinds = %v, want %s", kinds, want)
	}
}

type tokenRecorder func(*observe.Token)

func (tokenRecorder) StartCall(ctx context.Context, _ *observe.Call) context.Context { return ctx }
func (tokenRecorder) Attempt(context.Context, *observe.Attempt)                      {}
func (tokenRecorder) EndCall(context.Context, *observe.Call, error)                  {}
func (r tokenRecorder) Token(_ context.Context, ev *observe.Token)                   { r(ev) }
