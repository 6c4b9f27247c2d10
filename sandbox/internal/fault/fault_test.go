package fault

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestPatternMatching(t *testing.T) {
	cases := []struct {
		pattern, path string
		want          bool
	}{
		{"/api/v2/users/{id}", "/api/v2/users/auth0|1", true},
		{"/api/v2/users/{id}", "/api/v2/users", false},
		{"/api/v2/users/{id}", "/api/v2/users/1/roles", false},
		{"/api/v2/users/*/roles", "/api/v2/users/1/roles", true},
		{"/api/v2/{rest...}", "/api/v2/users/1/roles", true},
		{"/api/v2/{rest...}", "/api/v1/users", false},
		{"/oauth/token", "/oauth/token", true},
		{"/oauth/token", "/oauth/token/x", false},
	}
	for _, c := range cases {
		if got := matches(split(c.pattern), split(c.path)); got != c.want {
			t.Errorf("%s on %s: %t, want %t", c.pattern, c.path, got, c.want)
		}
	}
}

func serve(t *testing.T, s *Set) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(s.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "ok")
	})))
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, method, url string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestStatusTimesAndMethod(t *testing.T) {
	s := NewSet()
	srv := serve(t, s)
	s.Add("GET", "/x", Fault{Status: 503, RetryAfter: 1500 * time.Millisecond, Times: 2})
	for i := range 2 {
		resp, body := get(t, "GET", srv.URL+"/x")
		if resp.StatusCode != 503 || resp.Header.Get("Retry-After") != "2" || !strings.Contains(body, "Service Unavailable") {
			t.Errorf("request %d: %d %q %q", i, resp.StatusCode, resp.Header.Get("Retry-After"), body)
		}
	}
	if resp, _ := get(t, "GET", srv.URL+"/x"); resp.StatusCode != 200 {
		t.Errorf("after Times: %d", resp.StatusCode)
	}
	s.Add("POST", "/x", Fault{Status: 500, Body: `{"custom":true}`})
	if resp, _ := get(t, "GET", srv.URL+"/x"); resp.StatusCode != 200 {
		t.Errorf("other method: %d", resp.StatusCode)
	}
	if resp, body := get(t, "POST", srv.URL+"/x"); resp.StatusCode != 500 || body != `{"custom":true}` {
		t.Errorf("POST: %d %q", resp.StatusCode, body)
	}
	s.Clear()
	if resp, _ := get(t, "POST", srv.URL+"/x"); resp.StatusCode != 200 {
		t.Errorf("after Clear: %d", resp.StatusCode)
	}
}

func TestErrorBodyExpireAndLatency(t *testing.T) {
	expired := ""
	s := NewSet()
	s.ErrorBody = func(w http.ResponseWriter, status int) {
		w.WriteHeader(status)
		_, _ = io.WriteString(w, "vendor error")
	}
	s.ExpireToken = func(r *http.Request) { expired = r.Header.Get("Authorization") }
	srv := serve(t, s)
	s.Add("", "/x", Fault{Status: 429})
	if resp, body := get(t, "GET", srv.URL+"/x"); resp.StatusCode != 429 || body != "vendor error" {
		t.Errorf("API error body: %d %q", resp.StatusCode, body)
	}
	s.Add("", "/y", Fault{ExpireToken: true, Latency: 50 * time.Millisecond})
	req, _ := http.NewRequest("GET", srv.URL+"/y", nil)
	req.Header.Set("Authorization", "Bearer t1")
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || expired != "Bearer t1" || time.Since(start) < 50*time.Millisecond {
		t.Errorf("expire+latency: %d, expired %q, after %s", resp.StatusCode, expired, time.Since(start))
	}
}

func TestReset(t *testing.T) {
	s := NewSet()
	srv := serve(t, s)
	s.Add("", "/x", Fault{Reset: true})
	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	if _, err := (&http.Client{Transport: tr}).Get(srv.URL + "/x"); err == nil {
		t.Error("no error from a reset connection")
	}
}
