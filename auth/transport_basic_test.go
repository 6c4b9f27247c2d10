package auth

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"golang.org/x/oauth2"
)

// basicApp authenticates every request with the Basic credentials of
// app-id.
func basicApp(*http.Request) RequestAuth {
	return RequestAuth{BasicID: "app-id", BasicSecret: "s3cret"}
}

// Basic credentials ForRequest gives go to the transport's
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
		"with a token source": {Source: NewFake("api-token"), Origin: OriginOf(api.URL), ForRequest: basicApp},
		"without one":         {Origin: OriginOf(api.URL), ForRequest: basicApp},
	} {
		otherGot.Store("unset")
		req, _ := http.NewRequest(http.MethodGet, api.URL+"/app", nil)
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
	tr := &Transport{Origin: "http://127.0.0.1:1", ForRequest: basicApp}
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if v := got.Load(); v != "" {
		t.Errorf("server of another origin got Authorization %q", v)
	}
}

// A request for which ForRequest says NoCredentials goes out with neither
// the token nor Basic credentials, and no token is asked for.
func TestNoCredentialsSendsNothing(t *testing.T) {
	var got atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Store(r.Header.Get("Authorization"))
	}))
	defer srv.Close()
	var asked atomic.Int32
	src := Func(func(context.Context) (*oauth2.Token, error) {
		asked.Add(1)
		return &oauth2.Token{AccessToken: "tok"}, nil
	})
	none := func(*http.Request) RequestAuth { return RequestAuth{NoCredentials: true} }
	resp, err := (&http.Client{Transport: &Transport{Source: src, Origin: OriginOf(srv.URL), ForRequest: none}}).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if v := got.Load(); v != "" || asked.Load() != 0 {
		t.Errorf("Authorization %q, %d token requests; want none", v, asked.Load())
	}
}
