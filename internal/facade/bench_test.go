package facade_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/gen/nexaasid"
)

// BenchmarkProfileGet compares one facade call (token transport, retry
// policy on, error mapping, JSON decoding) with the same request built by
// hand with net/http, against the same loopback server.
func BenchmarkProfileGet(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, profileJSON)
	}))
	defer srv.Close()
	ctx := context.Background()

	b.Run("nethttp", func(b *testing.B) {
		hc := &http.Client{Transport: http.DefaultTransport}
		url := srv.URL + "/api/v1/profile"
		b.ReportAllocs()
		for b.Loop() {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			if err != nil {
				b.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer tok-123")
			req.Header.Set("Accept", "application/json")
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			if resp.StatusCode != http.StatusOK {
				b.Fatal(resp.Status)
			}
			var p nexaasid.Profile
			if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
				b.Fatal(err)
			}
			resp.Body.Close()
		}
	})
	b.Run("facade", func(b *testing.B) {
		c, err := nexaasid.New(nexaasid.WithBaseURL(srv.URL), nexaasid.WithToken(auth.Bearer("tok-123")))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Profile.Get(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkConcurrentCallsConnections makes calls from 64 goroutines
// through one client built without WithHTTPClient and reports the TCP
// connections opened per call (new_conns/op): near 0 when connections are
// reused.
func BenchmarkConcurrentCallsConnections(b *testing.B) {
	srv, conns := connCountingServer(b)
	c, err := nexaasid.New(nexaasid.WithBaseURL(srv.URL), nexaasid.WithToken(auth.Bearer("tok-123")))
	if err != nil {
		b.Fatal(err)
	}
	defer c.HTTPClient().CloseIdleConnections()
	ctx := context.Background()
	b.SetParallelism((64 + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	b.ReportAllocs()
	b.ResetTimer()
	start := conns.Load()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.Profile.Get(ctx); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(conns.Load()-start)/float64(b.N), "new_conns/op")
}
