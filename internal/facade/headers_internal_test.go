package facade

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/idsdk/idsdk-go/auth"
)

// mutatingTransport changes every header of the requests it sends in
// every way a RoundTripper could: appending to the values, replacing
// them and adding new ones.
type mutatingTransport struct{ base http.RoundTripper }

func (m mutatingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	for k := range req.Header {
		req.Header[k] = append(req.Header[k], "appended")
		req.Header.Add(k, "added")
	}
	req.Header.Set("Accept", "text/plain")
	return m.base.RoundTrip(req)
}

// Clients of one API that configure no header of their own share one
// list of default headers, and no request of one of them, whatever its
// transport does to its header or whatever call headers it adds, changes
// what another sends.
func TestSharedDefaultHeadersNeverChange(t *testing.T) {
	var got []http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Header.Clone())
	}))
	defer srv.Close()
	cfg := Config{API: "shared-headers-test", BaseURL: srv.URL, TelemetryHeader: "X-Telemetry", Token: auth.Bearer("tok")}
	plain, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	mutating, err := New(cfg, []Option{WithHTTPClient(&http.Client{Transport: mutatingTransport{http.DefaultTransport}})})
	if err != nil {
		t.Fatal(err)
	}
	own, err := New(cfg, []Option{WithHeader("X-Own", "1")})
	if err != nil {
		t.Fatal(err)
	}
	if plain.header != mutating.header {
		t.Error("two clients without headers of their own do not share their default headers")
	}
	if own.header == plain.header {
		t.Error("a client with a header of its own shares the default headers")
	}
	before := slices.Clone(*plain.header)
	for i := range before {
		before[i].values = slices.Clone(before[i].values)
	}
	ctx := context.Background()
	if err := plain.Send(ctx, "GET", "/a", nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := mutating.Send(ctx, "GET", "/b", nil, nil, []CallOption{WithRequestHeader("User-Agent", "call"), WithRequestHeader("Accept", "call")}); err != nil {
			t.Fatal(err)
		}
	}
	if err := plain.Send(ctx, "GET", "/c", nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	for i, h := range before {
		if now := (*plain.header)[i].values; !slices.Equal(now, h.values) {
			t.Errorf("default %s changed from %q to %q", h.key, h.values, now)
		}
	}
	if len(got) != 4 {
		t.Fatalf("%d requests reached the server, want 4", len(got))
	}
	for _, k := range []string{"Accept", "User-Agent", "X-Telemetry"} {
		first, last := got[0].Values(k), got[3].Values(k)
		if len(first) != 1 || !slices.Equal(first, last) {
			t.Errorf("%s: first request sent %q, last %q; want one and the same value", k, first, last)
		}
	}
	if v := got[1].Values("User-Agent"); v[0] != "call" {
		t.Errorf("a call's own User-Agent was not sent: %q", v)
	}
}
