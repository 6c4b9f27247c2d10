package auth

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// Basic credentials put on a request's context go to the transport's
// origin only: a redirect to another port of the same host gets none, and
// the token is not sent with them.
func TestBasicAuthFollowsTheOriginRule(t *testing.T) {
	var otherGot atomic.Value
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherGot.Store(r.Header.Get("Authorization"))
		_, _ = io.WriteString(w, "other")
	}))
	defer other.Close()
	var apiGot atomic.Value
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		apiGot.Store(r.Header.Get("Authorization"))
		http.Redirect(w, r, other.URL+"/landing", http.StatusTemporaryRedirect)
	}))
	defer api.Close()

	for name, tr := range map[string]*Transport{
		"with a token source": {Source: NewFake("api-token"), Origin: OriginOf(api.URL)},
		"without one":         {Origin: OriginOf(api.URL)},
	} {
		otherGot.Store("unset")
		ctx := ContextWithBasicAuth(context.Background(), "app-id", Secret("s3cret"))
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, api.URL+"/app", nil)
		resp, err := (&http.Client{Transport: tr}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got, want := apiGot.Load(), "Basic YXBwLWlkOnMzY3JldA=="; got != want {
			t.Errorf("%s: API got Authorization %q, want %q", name, got, want)
		}
		if got := otherGot.Load(); got != "" {
			t.Errorf("%s: another port of the same host got Authorization %q", name, got)
		}
	}
}

// Without a matching origin, Basic credentials are not sent at all.
func TestBasicAuthNotSentToAnotherOrigin(t *testing.T) {
	var got atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Store(r.Header.Get("Authorization"))
	}))
	defer srv.Close()
	tr := &Transport{Origin: "http://127.0.0.1:1"}
	ctx := ContextWithBasicAuth(context.Background(), "app-id", Secret("s3cret"))
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if v := got.Load(); v != "" {
		t.Errorf("server of another origin got Authorization %q", v)
	}
}
