package auth

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"golang.org/x/oauth2"
)

func TestRedirectToOtherHostDropsAuthorization(t *testing.T) {
	var otherGot atomic.Value
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherGot.Store(r.Header.Get("Authorization"))
		_, _ = io.WriteString(w, "other")
	}))
	defer other.Close()
	var apiGot atomic.Value
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		apiGot.Store(r.Header.Get("Authorization"))
		http.Redirect(w, r, other.URL+"/landing", http.StatusFound)
	}))
	defer api.Close()

	hc := HTTPClient(NewFake("api-token"), api.URL, nil)
	resp, err := hc.Get(api.URL + "/start")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if apiGot.Load() != "Bearer api-token" {
		t.Fatalf("API got %q", apiGot.Load())
	}
	if got := otherGot.Load(); got != "" {
		t.Fatalf("other host got Authorization %q", got)
	}
}

func TestTransportPerRequestOrigin(t *testing.T) {
	var got atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Store(r.Header.Get("Authorization"))
	}))
	defer srv.Close()
	perCall := func(*http.Request) RequestAuth { return RequestAuth{Origin: OriginOf(srv.URL + "/x")} }
	hc := &http.Client{Transport: &Transport{Source: NewFake("t"), ForRequest: perCall}}
	req, _ := http.NewRequest("GET", srv.URL, nil)
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got.Load() != "Bearer t" {
		t.Fatalf("got %q", got.Load())
	}
}

func TestTransportNoTokenDoesNotSend(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	boom := errors.New("boom")
	hc := HTTPClient(Func(func(context.Context) (*oauth2.Token, error) { return nil, boom }), srv.URL, nil)
	_, err := hc.Get(srv.URL)
	var te *TokenError
	if !errors.As(err, &te) || !errors.Is(err, boom) || hits.Load() != 0 {
		t.Fatalf("err %v, hits %d", err, hits.Load())
	}
}

// rotatingSource hands out tok-1, tok-2, ... one per call.
func rotatingSource(n *atomic.Int32) Func {
	return func(context.Context) (*oauth2.Token, error) {
		return &oauth2.Token{AccessToken: fmt.Sprintf("tok-%d", n.Add(1)), TokenType: "Bearer"}, nil
	}
}

func TestTransportRetriesOnceAfter401(t *testing.T) {
	var bodies []string
	var auths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, string(b))
		auths = append(auths, r.Header.Get("Authorization"))
		if r.Header.Get("Authorization") == "Bearer tok-1" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		_, _ = io.WriteString(w, "ok")
	}))
	defer srv.Close()
	var n atomic.Int32
	cache := NewCache(rotatingSource(&n))
	hc := HTTPClient(cache, srv.URL, nil)
	resp, err := hc.Post(srv.URL, "text/plain", bytes.NewReader([]byte("payload")))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || len(auths) != 2 || auths[1] != "Bearer tok-2" || bodies[1] != "payload" {
		t.Fatalf("status %d auths %v bodies %v", resp.StatusCode, auths, bodies)
	}

	// A server that refuses every token: exactly one retry.
	auths = nil
	deny := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auths = append(auths, r.Header.Get("Authorization"))
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer deny.Close()
	hc = HTTPClient(NewCache(rotatingSource(&n)), deny.URL, nil)
	resp, err = hc.Get(deny.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 || len(auths) != 2 {
		t.Fatalf("status %d, %d attempts", resp.StatusCode, len(auths))
	}

	// A body that cannot be replayed: no retry.
	auths = nil
	resp, err = hc.Post(deny.URL, "text/plain", io.NopCloser(bytes.NewReader([]byte("once"))))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(auths) != 1 {
		t.Fatalf("%d attempts with a one-shot body", len(auths))
	}
}
