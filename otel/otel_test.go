package otel_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/auth/nexaas"
	"github.com/idsdk/idsdk-go/gen/nexaasid"
	"github.com/idsdk/idsdk-go/observe"
	idsdkotel "github.com/idsdk/idsdk-go/otel"
	"github.com/idsdk/idsdk-go/retry"
)

const (
	secret     = "SECRET-client-a41f"
	oldRefresh = "TOKEN-refresh-old-77c2"
	newAccess  = "TOKEN-access-new-19be"
	newRefresh = "TOKEN-refresh-new-5d03"
	profile    = `{"id":"1f0c7a8e-9c57-4b0e-8f5b-2f4a8d3c6b71","name":"Ana"}`
)

// harness is an observer wired to an in-memory exporter and a manual
// metric reader.
type harness struct {
	spans  *tracetest.InMemoryExporter
	reader *sdkmetric.ManualReader
	obs    *idsdkotel.Observer
}

func newHarness() *harness {
	h := &harness{spans: tracetest.NewInMemoryExporter(), reader: sdkmetric.NewManualReader()}
	h.obs = idsdkotel.New(
		idsdkotel.WithTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSyncer(h.spans))),
		idsdkotel.WithMeterProvider(sdkmetric.NewMeterProvider(sdkmetric.WithReader(h.reader))))
	return h
}

// counters returns every counter data point as "name{k=v,...}" -> value.
func (h *harness) counters(t *testing.T) map[string]int64 {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := h.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			sum, ok := m.Data.(metricdata.Sum[int64])
			if !ok {
				t.Fatalf("%s is %T", m.Name, m.Data)
			}
			for _, dp := range sum.DataPoints {
				out[m.Name+"{"+attrString(dp.Attributes.ToSlice())+"}"] += dp.Value
			}
		}
	}
	return out
}

func attrString(kvs []attribute.KeyValue) string {
	parts := make([]string, 0, len(kvs))
	for _, kv := range kvs {
		parts = append(parts, string(kv.Key)+"="+kv.Value.Emit())
	}
	return strings.Join(parts, ",")
}

func attrMap(kvs []attribute.KeyValue) map[string]string {
	m := map[string]string{}
	for _, kv := range kvs {
		m[string(kv.Key)] = kv.Value.Emit()
	}
	return m
}

// dump is everything the exporter and the reader hold, as text, for the
// secret checks.
func (h *harness) dump(t *testing.T) string {
	var b strings.Builder
	for _, s := range h.spans.GetSpans() {
		fmt.Fprintf(&b, "%s %v %s %s\n", s.Name, s.Status, attrString(s.Attributes), s.Status.Description)
		for _, e := range s.Events {
			fmt.Fprintf(&b, "  %s %s\n", e.Name, attrString(e.Attributes))
		}
	}
	for k, v := range h.counters(t) {
		fmt.Fprintf(&b, "%s %d\n", k, v)
	}
	return b.String()
}

func noSecrets(t *testing.T, h *harness) {
	t.Helper()
	out := h.dump(t)
	for _, s := range []string{secret, oldRefresh, newAccess, newRefresh, "Bearer", "access_token"} {
		if strings.Contains(out, s) {
			t.Errorf("telemetry holds %q:\n%s", s, out)
		}
	}
}

func expiredStore() *auth.MemoryStore {
	s := auth.NewMemoryStore()
	_ = s.Save(context.Background(), &oauth2.Token{AccessToken: "TOKEN-access-old", RefreshToken: oldRefresh, Expiry: time.Now().Add(-time.Hour)})
	return s
}

func fastRetry() *retry.Policy {
	p := retry.Default()
	p.MinWait, p.MaxWait = time.Millisecond, 2*time.Millisecond
	return p
}

// server answers /api/v1/profile with statuses in turn (then 200), and
// /oauth/token with tokenStatus and a body that echoes the client secret
// when it fails.
func server(t *testing.T, tokenStatus int, statuses ...int) *httptest.Server {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/oauth/token" {
			w.WriteHeader(tokenStatus)
			if tokenStatus != 200 {
				fmt.Fprintf(w, `{"error":"invalid_client","error_description":"client_secret=%s is wrong"}`, secret)
				return
			}
			fmt.Fprintf(w, `{"access_token":%q,"refresh_token":%q,"token_type":"Bearer","expires_in":3600}`, newAccess, newRefresh)
			return
		}
		if i := int(n.Add(1)) - 1; i < len(statuses) {
			w.WriteHeader(statuses[i])
			io.WriteString(w, `{"error":"busy"}`)
			return
		}
		io.WriteString(w, profile)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func newClient(t *testing.T, srv *httptest.Server, h *harness) *nexaasid.Client {
	t.Helper()
	c, err := nexaasid.New(nexaasid.WithBaseURL(srv.URL), nexaasid.WithRetry(fastRetry()), nexaasid.WithObserver(h.obs),
		nexaasid.WithIdentity(nexaas.Config{ClientID: "app", ClientSecret: secret}, expiredStore()))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestSpanPerCallWithAttemptsAndRefresh: a call retried once after a 503,
// whose token is refreshed first, gives one client span with the HTTP
// attributes, a refresh event and an event per attempt, and counts one
// call, one retry and one token refresh.
func TestSpanPerCallWithAttemptsAndRefresh(t *testing.T) {
	h := newHarness()
	srv := server(t, 200, 503)
	c := newClient(t, srv, h)
	if _, err := c.Profile.Get(context.Background()); err != nil {
		t.Fatal(err)
	}
	spans := h.spans.GetSpans()
	if len(spans) != 1 {
		t.Fatalf("%d spans, want 1", len(spans))
	}
	s := spans[0]
	if s.Name != "nexaasid GetProfile" || s.SpanKind.String() != "client" || s.Status.Code != codes.Unset {
		t.Errorf("span %q kind %v status %v", s.Name, s.SpanKind, s.Status)
	}
	_, port, _ := strings.Cut(strings.TrimPrefix(srv.URL, "http://"), ":")
	wantAttrs := map[string]string{
		"idsdk.api":                 "nexaasid",
		"idsdk.operation":           "GetProfile",
		"http.request.method":       "GET",
		"url.full":                  srv.URL + "/api/v1/profile",
		"url.template":              "/api/v1/profile",
		"server.address":            "127.0.0.1",
		"server.port":               port,
		"http.response.status_code": "200",
		"http.request.resend_count": "1",
	}
	if diff := cmp.Diff(wantAttrs, attrMap(s.Attributes)); diff != "" {
		t.Errorf("span attributes (-want +got):\n%s", diff)
	}
	var events []string
	for _, e := range s.Events {
		m := attrMap(e.Attributes)
		delete(m, "idsdk.attempt.duration_ms")
		delete(m, "idsdk.retry.wait_ms")
		delete(m, "idsdk.token.expiry")
		keys := make([]string, 0, len(m))
		for k, v := range m {
			keys = append(keys, k+"="+v)
		}
		events = append(events, e.Name+" "+strings.Join(sorted(keys), " "))
	}
	wantEvents := []string{
		"idsdk.token.refresh idsdk.credential.kind=refresh_token idsdk.token.outcome=ok idsdk.token.refresh=true",
		"idsdk.attempt http.response.status_code=503 idsdk.attempt=1 idsdk.retry.reason=status 503",
		"idsdk.attempt http.response.status_code=200 idsdk.attempt=2",
	}
	if diff := cmp.Diff(wantEvents, events); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	exp := attrMap(s.Events[0].Attributes)["idsdk.token.expiry"]
	if ts, err := time.Parse(time.RFC3339, exp); err != nil || time.Until(ts) < 59*time.Minute {
		t.Errorf("token expiry %q", exp)
	}
	wantCounters := map[string]int64{
		"idsdk.client.calls{http.request.method=GET,http.response.status_code=200,idsdk.api=nexaasid,idsdk.operation=GetProfile}": 1,
		"idsdk.client.retries{idsdk.api=nexaasid,idsdk.operation=GetProfile,idsdk.retry.reason=status 503}":                       1,
		"idsdk.token.requests{idsdk.credential.kind=refresh_token,idsdk.token.outcome=ok,idsdk.token.refresh=true}":               1,
	}
	if diff := cmp.Diff(wantCounters, h.counters(t)); diff != "" {
		t.Errorf("counters (-want +got):\n%s", diff)
	}
	noSecrets(t, h)
}

// TestFailedCalls: an API error, a refused token and an unreachable
// server each end their span with an Error status and the error.type
// semantic conventions ask for, and are counted with it; a refused
// token's echoed secret appears nowhere.
func TestFailedCalls(t *testing.T) {
	for _, tc := range []struct {
		name        string
		tokenStatus int
		statuses    []int
		closed      bool
		errType     string
		calls       string
		tokens      string
	}{
		{name: "not found", tokenStatus: 200, statuses: []int{404}, errType: "404",
			calls:  "idsdk.client.calls{error.type=404,http.request.method=GET,http.response.status_code=404,idsdk.api=nexaasid,idsdk.operation=GetProfile}",
			tokens: "idsdk.token.requests{idsdk.credential.kind=refresh_token,idsdk.token.outcome=ok,idsdk.token.refresh=true}"},
		{name: "token refused", tokenStatus: 401, errType: "transport",
			calls:  "idsdk.client.calls{error.type=transport,http.request.method=GET,idsdk.api=nexaasid,idsdk.operation=GetProfile}",
			tokens: "idsdk.token.requests{idsdk.credential.kind=refresh_token,idsdk.token.outcome=error,idsdk.token.refresh=true}"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness()
			c := newClient(t, server(t, tc.tokenStatus, tc.statuses...), h)
			if _, err := c.Profile.Get(context.Background()); err == nil {
				t.Fatal("want an error")
			}
			s := h.spans.GetSpans()[0]
			if s.Status.Code != codes.Error || s.Status.Description == "" {
				t.Errorf("status %v", s.Status)
			}
			if got := attrMap(s.Attributes)["error.type"]; got != tc.errType {
				t.Errorf("error.type = %q, want %q", got, tc.errType)
			}
			got := h.counters(t)
			if got[tc.calls] != 1 || got[tc.tokens] != 1 {
				t.Errorf("counters %v, want %s and %s", got, tc.calls, tc.tokens)
			}
			noSecrets(t, h)
		})
	}
	t.Run("unreachable", func(t *testing.T) {
		h := newHarness()
		srv := httptest.NewServer(http.NotFoundHandler())
		url := srv.URL
		srv.Close()
		c, err := nexaasid.New(nexaasid.WithBaseURL(url), nexaasid.WithRetry(fastRetry()), nexaasid.WithObserver(h.obs),
			nexaasid.WithToken(auth.Bearer(newAccess)))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Profile.Get(context.Background()); err == nil {
			t.Fatal("want an error")
		}
		s := h.spans.GetSpans()[0]
		if got := attrMap(s.Attributes)["error.type"]; got != "dial" {
			t.Errorf("error.type = %q, want dial", got)
		}
		if got := attrMap(s.Attributes)["http.request.resend_count"]; got != strconv.Itoa(retry.DefaultMaxRetries) {
			t.Errorf("resend_count = %q", got)
		}
		if got := h.counters(t)["idsdk.client.retries{idsdk.api=nexaasid,idsdk.operation=GetProfile,idsdk.retry.reason=dial}"]; got != retry.DefaultMaxRetries {
			t.Errorf("retries = %d", got)
		}
		// The last attempt says why no other follows (otel.KeyGiveUp); the
		// earlier ones why one does.
		last := attrMap(s.Events[len(s.Events)-1].Attributes)
		if last[string(idsdkotel.KeyGiveUp)] != observe.GiveUpNoRetriesLeft || last[string(idsdkotel.KeyRetryReason)] != "" {
			t.Errorf("last attempt event %v", last)
		}
		if first := attrMap(s.Events[0].Attributes); first[string(idsdkotel.KeyRetryReason)] != "dial" || first[string(idsdkotel.KeyGiveUp)] != "" {
			t.Errorf("first attempt event %v", first)
		}
		noSecrets(t, h)
	})
}

func sorted(s []string) []string {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s
}
